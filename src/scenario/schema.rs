/*!
The scenario format, described once: the shape of every key a scenario file
may hold, traced from the `raw` types themselves, so that code walking a
scenario document (sweep paths) never lists keys of its own.

[`trace`] runs a type's `Deserialize` against a recording deserializer and
notes what the type asks for:

- a derived struct calls `deserialize_struct` with its field names: a
  [`Table`], each field traced in turn (`Option<T>` is [`Shape::Optional`],
  `Vec<T>` an [`Shape::Array`], `f64` [`Shape::Real`], `i64` [`Shape::Integer`]);
- toml's `Spanned<T>` is a struct with a private name (`serde_spanned`
  recognises it): transparent, the shape is `T`'s;
- a hand-written type that calls `deserialize_any` ([`RawParam`]: a number,
  or `{ uniform = [lo, hi] }`, `{ normal = { ... } }`) is offered a number, then
  a table with a key no type takes: it refuses the key with serde's
  `unknown_field`, which lists the keys it does take, and each of those is
  then offered and traced: a [`Shape::Choice`];
- a hand-written type that calls `deserialize_map` ([`RawStrategy`]: `kind`
  and any parameter) is offered an arbitrary key; it reports the keys it
  needs with `missing_field`, which are offered next time: a
  [`Shape::Open`], whose other keys are named elsewhere (a strategy's by the
  strategy registry, for the `kind` the file writes).

Each trial replays the whole `Deserialize` (a few dozen replays for a
scenario, once per process), and the shapes recorded by the successful ones
are merged. So a field added to any raw struct, or a distribution added to
`RawParam`, is in the schema with no other change.

One fact of the format is not in the types: which keys of `[[events]]` only
one kind of event takes ([`kind_only`]); validation refuses them on another.

[`RawParam`]: super::raw::RawParam
[`RawStrategy`]: super::raw::RawStrategy
*/

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::fmt;
use std::sync::OnceLock;

use serde::Deserialize;
use serde::de::value::{BorrowedStrDeserializer, U64Deserializer};
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

/// The shape of a value in a scenario file.
#[derive(Clone, Debug, PartialEq)]
pub enum Shape {
    /// A float.
    Real,
    /// A whole number.
    Integer,
    Text,
    Bool,
    /// A key that may be left out (`Option<T>`).
    Optional(Box<Shape>),
    /// An array; `[[tables]]` are arrays of tables.
    Array(Box<Shape>),
    /// A table with a fixed set of keys (a derived struct).
    Table(Table),
    /// A number (if `number`) or a table holding exactly one of `keys`:
    /// `pain = 3` or `pain = { uniform = [2, 4] }`.
    Choice {
        number: bool,
        keys: Vec<Field>,
    },
    /// A table with the keys `fixed` and any others, each an `other`:
    /// `strategy = { kind = "random", p_escalate = 0.3 }`.
    Open {
        fixed: Vec<Field>,
        other: Box<Shape>,
    },
}

/// A table with fixed keys: the struct's name and its fields, in order.
#[derive(Clone, Debug, PartialEq)]
pub struct Table {
    pub name: &'static str,
    pub fields: Vec<Field>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Field {
    pub name: &'static str,
    pub shape: Shape,
}

/// A number's type in the file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Number {
    Real,
    Integer,
}

impl Shape {
    /// The shape of the value when it is given (`Optional` removed).
    pub fn given(&self) -> &Shape {
        match self {
            Shape::Optional(inner) => inner.given(),
            other => other,
        }
    }

    /// Whether a single number may be written here, and which kind.
    pub fn number(&self) -> Option<Number> {
        match self.given() {
            Shape::Real | Shape::Choice { number: true, .. } => Some(Number::Real),
            Shape::Integer => Some(Number::Integer),
            _ => None,
        }
    }
}

impl Table {
    pub fn field(&self, name: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.name == name)
    }

    /// Whether this table takes `key` when its `kind` is `kind` (see [`kind_only`]).
    pub fn takes(&self, key: &str, kind: Option<&str>) -> bool {
        let owners: Vec<&str> = KIND_ONLY
            .iter()
            .filter(|(table, _, keys)| *table == self.name && keys.contains(&key))
            .map(|(_, k, _)| *k)
            .collect();
        owners.is_empty() || kind.is_some_and(|k| owners.contains(&k))
    }
}

/// Keys that only one kind of a table takes: (struct, kind, keys). An
/// `[[events]]` entry of another kind is refused by validation if it writes
/// one ("a `scheduled` event has no field `duration`"); docs/scenarios.md
/// lists the same. `schema::tests` holds validation to this list.
const KIND_ONLY: &[(&str, &str, &[&str])] = &[
    ("RawEvent", "suspension", &["duration", "renew_prob", "measures", "violation_prob", "renew_penalty"]),
    (
        "RawEvent",
        "negotiation",
        &["duration", "renew_prob", "measures", "violation_prob", "renew_penalty", "ripeness", "agree_prob", "talks"],
    ),
    ("RawEvent", "scheduled", &["side", "lever", "to"]),
    ("RawEvent", "violation", &["side", "lever"]),
];

/// The keys of a table of type `table` that only its kind `kind` takes.
pub fn kind_only(table: &str) -> impl Iterator<Item = (&'static str, &'static [&'static str])> + '_ {
    KIND_ONLY.iter().filter(move |(t, _, _)| *t == table).map(|(_, kind, keys)| (*kind, *keys))
}

/// The shape of a scenario file (`RawScenario`), traced once per process.
pub fn scenario() -> &'static Shape {
    static SCHEMA: OnceLock<Shape> = OnceLock::new();
    SCHEMA.get_or_init(|| match trace::<super::raw::RawScenario>() {
        Ok(shape) => shape,
        // The raw types are fixed at compile time; `tests` traces them.
        Err(e) => panic!("cannot trace the scenario format: {e}"),
    })
}

/// Every number a file of shape `shape` may hold, as schema paths: field
/// names joined by `.`, `[]` for an array's entries, `*` for an open table's
/// other keys (`sides[].levers[].pain.uniform[]`, `sides[].strategy.*`).
pub fn numbers(shape: &Shape) -> Vec<(String, Number)> {
    fn walk(shape: &Shape, at: &str, out: &mut Vec<(String, Number)>) {
        let join = |key: &str| if at.is_empty() { key.to_string() } else { format!("{at}.{key}") };
        if let Some(n) = shape.number() {
            out.push((at.to_string(), n));
        }
        match shape.given() {
            Shape::Array(item) => walk(item, &format!("{at}[]"), out),
            Shape::Table(t) => t.fields.iter().for_each(|f| walk(&f.shape, &join(f.name), out)),
            Shape::Choice { keys, .. } => keys.iter().for_each(|f| walk(&f.shape, &join(f.name), out)),
            Shape::Open { fixed, other } => {
                fixed.iter().for_each(|f| walk(&f.shape, &join(f.name), out));
                walk(other, &join("*"), out);
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(shape, "", &mut out);
    out
}

/// The shape of `T`'s format, or why it cannot be traced.
pub fn trace<T: Deserialize<'static>>() -> Result<Shape, String> {
    let mut required: BTreeMap<String, Vec<&'static str>> = BTreeMap::new();
    let mut queue: VecDeque<Plan> = VecDeque::from([Plan::new()]);
    let mut tried: BTreeSet<Plan> = BTreeSet::new();
    let mut probed: BTreeSet<String> = BTreeSet::new();
    let mut shape: Option<Shape> = None;
    let mut replays = 0;
    while let Some(plan) = queue.pop_front() {
        if tried.contains(&plan) {
            continue;
        }
        replays += 1;
        if replays > MAX_REPLAYS {
            return Err(format!("no shape after {MAX_REPLAYS} replays"));
        }
        let seen = RefCell::new(Vec::new());
        let mut out = None;
        let tracer = Tracer { site: String::new(), plan: &plan, required: &required, seen: &seen, out: &mut out };
        match T::deserialize(tracer) {
            Ok(_) => {
                let traced = out.ok_or("nothing was deserialized")?;
                shape = Some(match shape {
                    Some(before) => merge(before, traced)?,
                    None => traced,
                });
                // Every `deserialize_any` reached: learn the tables it takes.
                for site in seen.into_inner() {
                    if probed.insert(site.clone()) {
                        queue.push_back(plan.with(&site, Offer::Probe));
                    }
                }
            }
            Err(e) => {
                let fail = |what: &str| format!("{}: {what}: {}", e.site.as_deref().unwrap_or("(top)"), e.message);
                match (e.at, &e.kind) {
                    // The number was refused: it takes tables only.
                    (At::Any(Offer::Number), _) => {
                        let site = e.site.clone().unwrap_or_default();
                        if probed.insert(site.clone()) {
                            queue.push_back(plan.with(&site, Offer::Probe));
                        }
                    }
                    (At::Any(Offer::Probe), ErrorKind::UnknownField(keys)) => {
                        let site = e.site.clone().unwrap_or_default();
                        queue.extend(keys.iter().map(|k| plan.with(&site, Offer::Key(k))));
                    }
                    (At::Map, ErrorKind::MissingField(key)) => {
                        let known = required.entry(e.site.clone().unwrap_or_default()).or_default();
                        if known.contains(key) {
                            return Err(fail("a key it needs is refused"));
                        }
                        known.push(key);
                        // Replay with the key offered.
                        queue.push_front(plan);
                        continue;
                    }
                    (At::Any(Offer::Probe), _) => return Err(fail("cannot learn which tables it takes")),
                    _ => return Err(fail("cannot trace")),
                }
            }
        }
        tried.insert(plan);
    }
    shape.ok_or_else(|| "no replay succeeded".to_string())
}

const MAX_REPLAYS: usize = 10_000;
/// A key no type takes, offered to learn which keys a type takes.
const PROBE: &str = "\u{1}probe";

/// What to offer at each `deserialize_any` site (by its schema path); a
/// number where not given.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Plan(BTreeMap<String, Offer>);

impl Plan {
    fn new() -> Plan {
        Plan(BTreeMap::new())
    }

    fn with(&self, site: &str, offer: Offer) -> Plan {
        let mut p = self.clone();
        p.0.insert(site.to_string(), offer);
        p
    }

    fn offer(&self, site: &str) -> Offer {
        self.0.get(site).copied().unwrap_or(Offer::Number)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Offer {
    Number,
    /// A table with the key `PROBE`.
    Probe,
    /// A table with this key.
    Key(&'static str),
}

/// Combine the shapes two replays recorded.
fn merge(a: Shape, b: Shape) -> Result<Shape, String> {
    fn fields(mut a: Vec<Field>, b: Vec<Field>) -> Result<Vec<Field>, String> {
        for f in b {
            match a.iter().position(|g| g.name == f.name) {
                Some(i) => {
                    let g = std::mem::replace(&mut a[i].shape, Shape::Bool);
                    a[i].shape = merge(g, f.shape)?;
                }
                None => a.push(f),
            }
        }
        Ok(a)
    }
    Ok(match (a, b) {
        (Shape::Optional(a), Shape::Optional(b)) => Shape::Optional(Box::new(merge(*a, *b)?)),
        (Shape::Array(a), Shape::Array(b)) => Shape::Array(Box::new(merge(*a, *b)?)),
        (Shape::Table(a), Shape::Table(b)) if a.name == b.name && a.fields.len() == b.fields.len() => {
            Shape::Table(Table { name: a.name, fields: fields(a.fields, b.fields)? })
        }
        (Shape::Choice { number: n, keys: a }, Shape::Choice { number: m, keys: b }) => {
            Shape::Choice { number: n || m, keys: fields(a, b)? }
        }
        (Shape::Open { fixed: a, other: x }, Shape::Open { fixed: b, other: y }) => {
            Shape::Open { fixed: fields(a, b)?, other: Box::new(merge(*x, *y)?) }
        }
        (a, b) if a == b => a,
        (a, b) => return Err(format!("two replays disagree: {a:?} and {b:?}")),
    })
}

/// A replay's error: what the traced type said, and where.
#[derive(Debug)]
struct TraceError {
    kind: ErrorKind,
    message: String,
    /// The schema path of the innermost value that failed, and what it was
    /// offered there.
    site: Option<String>,
    at: At,
}

#[derive(Debug)]
enum ErrorKind {
    UnknownField(&'static [&'static str]),
    MissingField(&'static str),
    Other,
}

#[derive(Clone, Copy, Debug)]
enum At {
    Any(Offer),
    Map,
    Other,
}

impl TraceError {
    fn at(mut self, site: &str, at: At) -> TraceError {
        if self.site.is_none() {
            self.site = Some(site.to_string());
            self.at = at;
        }
        self
    }

    fn unsupported(what: &str) -> TraceError {
        de::Error::custom(format!("the schema tracer does not support {what}"))
    }
}

impl fmt::Display for TraceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for TraceError {}

impl de::Error for TraceError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        TraceError { kind: ErrorKind::Other, message: msg.to_string(), site: None, at: At::Other }
    }

    fn unknown_field(field: &str, expected: &'static [&'static str]) -> Self {
        let message = format!("unknown field `{field}`, expected {expected:?}");
        TraceError { kind: ErrorKind::UnknownField(expected), message, site: None, at: At::Other }
    }

    fn missing_field(field: &'static str) -> Self {
        TraceError {
            kind: ErrorKind::MissingField(field),
            message: format!("missing field `{field}`"),
            site: None,
            at: At::Other,
        }
    }
}

type R<T> = Result<T, TraceError>;

/// The recording deserializer: hands the visitor a placeholder value of the
/// kind it asks for and notes that kind in `out`.
struct Tracer<'a> {
    /// Schema path of the value (`sides[].levers[].pain`).
    site: String,
    plan: &'a Plan,
    /// Keys that open tables (by site) were found to need.
    required: &'a BTreeMap<String, Vec<&'static str>>,
    /// `deserialize_any` sites reached.
    seen: &'a RefCell<Vec<String>>,
    out: &'a mut Option<Shape>,
}

impl<'a> Tracer<'a> {
    fn child<'b>(&'b self, key: &str, out: &'b mut Option<Shape>) -> Tracer<'b> {
        let site = if self.site.is_empty() { key.to_string() } else { format!("{}.{key}", self.site) };
        Tracer { site, plan: self.plan, required: self.required, seen: self.seen, out }
    }

    /// A shape the tracer cannot record, at this value.
    fn unsupported<T>(&self, what: &str) -> R<T> {
        Err(TraceError::unsupported(what).at(&self.site, At::Other))
    }

    fn leaf<T>(self, shape: Shape, visit: impl FnOnce() -> R<T>) -> R<T> {
        *self.out = Some(shape);
        visit().map_err(|e| e.at(&self.site, At::Other))
    }

    /// Offer a table with `keys` to `visitor`; returns the keys' shapes.
    fn table<V: Visitor<'static>>(&self, keys: Vec<&'static str>, visitor: V, at: At) -> R<(V::Value, Vec<Field>)> {
        let mut fields = Vec::new();
        let access = Entries { tracer: self, keys, next: 0, fields: &mut fields };
        let value = visitor.visit_map(access).map_err(|e| e.at(&self.site, at))?;
        Ok((value, fields))
    }
}

macro_rules! leaves {
    ($($method:ident: $shape:ident, $visit:ident($zero:expr);)*) => {
        $(fn $method<V: Visitor<'static>>(self, v: V) -> R<V::Value> {
            self.leaf(Shape::$shape, || v.$visit($zero))
        })*
    };
}

impl<'a> Deserializer<'static> for Tracer<'a> {
    type Error = TraceError;

    leaves! {
        deserialize_i8: Integer, visit_i64(0);
        deserialize_i16: Integer, visit_i64(0);
        deserialize_i32: Integer, visit_i64(0);
        deserialize_i64: Integer, visit_i64(0);
        deserialize_u8: Integer, visit_u64(0);
        deserialize_u16: Integer, visit_u64(0);
        deserialize_u32: Integer, visit_u64(0);
        deserialize_u64: Integer, visit_u64(0);
        deserialize_f32: Real, visit_f64(0.0);
        deserialize_f64: Real, visit_f64(0.0);
        deserialize_bool: Bool, visit_bool(false);
        deserialize_char: Text, visit_char('x');
        deserialize_str: Text, visit_borrowed_str("");
        deserialize_string: Text, visit_borrowed_str("");
    }

    fn deserialize_any<V: Visitor<'static>>(self, v: V) -> R<V::Value> {
        self.seen.borrow_mut().push(self.site.clone());
        let offer = self.plan.offer(&self.site);
        let (value, shape) = match offer {
            Offer::Number => {
                let value = v.visit_f64::<TraceError>(0.0).map_err(|e| e.at(&self.site, At::Any(offer)))?;
                (value, Shape::Choice { number: true, keys: Vec::new() })
            }
            Offer::Probe => {
                let (value, keys) = self.table(vec![PROBE], v, At::Any(offer))?;
                (value, Shape::Choice { number: false, keys })
            }
            Offer::Key(key) => {
                let (value, keys) = self.table(vec![key], v, At::Any(offer))?;
                (value, Shape::Choice { number: false, keys })
            }
        };
        *self.out = Some(shape);
        Ok(value)
    }

    fn deserialize_map<V: Visitor<'static>>(self, v: V) -> R<V::Value> {
        let mut keys = self.required.get(&self.site).cloned().unwrap_or_default();
        keys.push(PROBE);
        let (value, mut fields) = self.table(keys, v, At::Map)?;
        let other = match fields.iter().position(|f| f.name == PROBE) {
            Some(i) => fields.remove(i).shape,
            None => return Err(TraceError::unsupported("a map that ignores keys").at(&self.site, At::Other)),
        };
        *self.out = Some(Shape::Open { fixed: fields, other: Box::new(other) });
        Ok(value)
    }

    fn deserialize_struct<V: Visitor<'static>>(
        self,
        name: &'static str,
        fields: &'static [&'static str],
        v: V,
    ) -> R<V::Value> {
        if serde_spanned::de::is_spanned(name) {
            // Transparent: the value's own shape, at the same site.
            let site = self.site.clone();
            return v.visit_map(Spanned { fields, next: 0, value: Some(self) }).map_err(|e| e.at(&site, At::Other));
        }
        let (value, traced) = self.table(fields.to_vec(), v, At::Other)?;
        *self.out = Some(Shape::Table(Table { name, fields: traced }));
        Ok(value)
    }

    fn deserialize_option<V: Visitor<'static>>(self, v: V) -> R<V::Value> {
        let mut inner = None;
        let value = {
            let child = Tracer {
                site: self.site.clone(),
                plan: self.plan,
                required: self.required,
                seen: self.seen,
                out: &mut inner,
            };
            v.visit_some(child).map_err(|e| e.at(&self.site, At::Other))?
        };
        let inner = inner.ok_or_else(|| TraceError::unsupported("an option that reads nothing"))?;
        *self.out = Some(Shape::Optional(Box::new(inner)));
        Ok(value)
    }

    fn deserialize_seq<V: Visitor<'static>>(self, v: V) -> R<V::Value> {
        let mut item = None;
        let value = {
            let site = format!("{}[]", self.site);
            let child = Tracer { site, plan: self.plan, required: self.required, seen: self.seen, out: &mut item };
            v.visit_seq(OneItem { tracer: Some(child) }).map_err(|e| e.at(&self.site, At::Other))?
        };
        let item = item.ok_or_else(|| TraceError::unsupported("an array that reads no item"))?;
        *self.out = Some(Shape::Array(Box::new(item)));
        Ok(value)
    }

    fn deserialize_newtype_struct<V: Visitor<'static>>(self, _name: &'static str, v: V) -> R<V::Value> {
        let site = self.site.clone();
        v.visit_newtype_struct(self).map_err(|e| e.at(&site, At::Other))
    }

    fn deserialize_bytes<V: Visitor<'static>>(self, _v: V) -> R<V::Value> {
        self.unsupported("bytes")
    }

    fn deserialize_byte_buf<V: Visitor<'static>>(self, _v: V) -> R<V::Value> {
        self.unsupported("bytes")
    }

    fn deserialize_unit<V: Visitor<'static>>(self, _v: V) -> R<V::Value> {
        self.unsupported("unit values")
    }

    fn deserialize_unit_struct<V: Visitor<'static>>(self, _name: &'static str, _v: V) -> R<V::Value> {
        self.unsupported("unit structs")
    }

    fn deserialize_tuple<V: Visitor<'static>>(self, _len: usize, _v: V) -> R<V::Value> {
        self.unsupported("tuples")
    }

    fn deserialize_tuple_struct<V: Visitor<'static>>(self, _n: &'static str, _len: usize, _v: V) -> R<V::Value> {
        self.unsupported("tuple structs")
    }

    fn deserialize_enum<V: Visitor<'static>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        _v: V,
    ) -> R<V::Value> {
        self.unsupported("enums (write a number or a table instead)")
    }

    fn deserialize_identifier<V: Visitor<'static>>(self, _v: V) -> R<V::Value> {
        self.unsupported("identifiers as values")
    }

    fn deserialize_ignored_any<V: Visitor<'static>>(self, _v: V) -> R<V::Value> {
        self.unsupported("ignored values")
    }
}

/// A table's entries: `keys` in order, each value traced.
struct Entries<'t, 'a> {
    tracer: &'t Tracer<'a>,
    keys: Vec<&'static str>,
    next: usize,
    fields: &'t mut Vec<Field>,
}

impl MapAccess<'static> for Entries<'_, '_> {
    type Error = TraceError;

    fn next_key_seed<K: DeserializeSeed<'static>>(&mut self, seed: K) -> R<Option<K::Value>> {
        let Some(&key) = self.keys.get(self.next) else { return Ok(None) };
        seed.deserialize(Key(key)).map(Some)
    }

    fn next_value_seed<S: DeserializeSeed<'static>>(&mut self, seed: S) -> R<S::Value> {
        let key = self.keys[self.next];
        self.next += 1;
        let mut out = None;
        let value = seed.deserialize(self.tracer.child(key, &mut out))?;
        let shape = out.ok_or_else(|| TraceError::unsupported("a value that reads nothing"))?;
        self.fields.push(Field { name: key, shape });
        Ok(value)
    }
}

/// One item of an array, traced.
struct OneItem<'a> {
    tracer: Option<Tracer<'a>>,
}

impl SeqAccess<'static> for OneItem<'_> {
    type Error = TraceError;

    fn next_element_seed<S: DeserializeSeed<'static>>(&mut self, seed: S) -> R<Option<S::Value>> {
        self.tracer.take().map(|t| seed.deserialize(t)).transpose()
    }
}

/// `Spanned<T>`'s private struct: start and end, then the value from `value`.
struct Spanned<D> {
    fields: &'static [&'static str],
    next: usize,
    value: Option<D>,
}

impl<D: Deserializer<'static, Error = TraceError>> MapAccess<'static> for Spanned<D> {
    type Error = TraceError;

    fn next_key_seed<K: DeserializeSeed<'static>>(&mut self, seed: K) -> R<Option<K::Value>> {
        let Some(&key) = self.fields.get(self.next) else { return Ok(None) };
        seed.deserialize(BorrowedStrDeserializer::new(key)).map(Some)
    }

    fn next_value_seed<S: DeserializeSeed<'static>>(&mut self, seed: S) -> R<S::Value> {
        self.next += 1;
        // The value is the last field; the others are the span's bounds.
        if self.next == self.fields.len() {
            let value = self.value.take().ok_or_else(|| TraceError::unsupported("a span read twice"))?;
            seed.deserialize(value)
        } else {
            seed.deserialize(U64Deserializer::new(0))
        }
    }
}

/// A key of a table, possibly read as `Spanned<String>`.
struct Key(&'static str);

impl Deserializer<'static> for Key {
    type Error = TraceError;

    fn deserialize_any<V: Visitor<'static>>(self, v: V) -> R<V::Value> {
        v.visit_borrowed_str(self.0)
    }

    fn deserialize_struct<V: Visitor<'static>>(
        self,
        name: &'static str,
        fields: &'static [&'static str],
        v: V,
    ) -> R<V::Value> {
        if serde_spanned::de::is_spanned(name) {
            return v.visit_map(Spanned { fields, next: 0, value: Some(self) });
        }
        Err(TraceError::unsupported("structs as keys"))
    }

    serde::forward_to_deserialize_any! {
        <W: Visitor<'static>>
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct newtype_struct seq tuple
        tuple_struct map enum identifier ignored_any
    }
}

#[cfg(test)]
mod tests;

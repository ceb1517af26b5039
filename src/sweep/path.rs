/*!
Parameter paths: how a sweep names a number in a scenario file.

A path mirrors the file, key by key, with entries of arrays of tables chosen
by name: `sides.china.misperception`, `sides.us.strategy.generosity`,
`sides.china.levers.rare_earths.erosion`, `events.busan_truce.renew_prob`,
`outcomes.low`, `discount`. The keys come from the scenario format itself
(`scenario::schema`, traced from the raw types): `catalog` walks the schema
and the document together and lists every number the schema allows, written
in the file or defaulted, so a key added to the format can be swept with no
change here. The document supplies what a schema cannot: the entries of
arrays (named by their `name`, `[[events]]` by their label's slug, others by
index), the numbers written inside a distribution or a ladder, and a
strategy's parameters (from the strategy registry, for the kind the file
names). `resolve` turns what a user typed into one of them, accepting
indices (`sides.0`), a side name without `sides.`, an event's exact label in
quotes and a strategy parameter's alias (`strategy.forgiveness` for GTFT's
`generosity`). The canonical path names the CSV column.
docs/sweeps.md documents the syntax.
*/

use super::values::fmt_value;
use crate::scenario::edit::{Document, Node, Number, Step};
use crate::scenario::edit_distance;
use crate::scenario::schema::{self, Shape};
use crate::strategy;

/// Whether a parameter is written as a TOML float or integer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ValueKind {
    Real,
    Integer,
}

/// A number of the scenario that a sweep can set.
#[derive(Clone, Debug, PartialEq)]
pub struct ParamPath {
    /// `sides.china.misperception`.
    pub canonical: String,
    pub kind: ValueKind,
    /// The value as written in the file; `None` when the default applies.
    pub current: Option<String>,
    steps: Vec<Step>,
    /// Where the number sits in the schema: `sides[].misperception`.
    slot: String,
}

impl ParamPath {
    /// The CSV column: `param_` and the canonical path, dots kept
    /// (`param_sides.china.misperception`). Distinct paths give distinct
    /// columns: no segment holds a dot (names are letters, digits, `_` and
    /// `-`, labels are slugged), whereas turning dots into `_` would make
    /// `levers.tariffs.erosion_floor` and `levers.tariffs_erosion.floor` one.
    pub fn column(&self) -> String {
        format!("param_{}", self.canonical)
    }

    /// Write `value` at this path in `doc`, creating a missing table (such as
    /// `[outcomes]`) on the way. An integer parameter takes whole numbers only.
    pub fn set(&self, doc: &mut Document, value: f64) -> Result<(), String> {
        let number = match self.kind {
            ValueKind::Real => Number::Real(value),
            ValueKind::Integer => {
                if value.fract() != 0.0 || value.abs() > 1e15 {
                    return Err(format!("`{}` takes whole numbers, got {}", self.canonical, fmt_value(value)));
                }
                Number::Integer(value as i64)
            }
        };
        doc.set_number(&self.steps, number)
            .ok_or_else(|| format!("`{}` does not fit the scenario's structure", self.canonical))
    }

    /// True if setting one of the two would overwrite the other (`pain` and
    /// `pain.uniform.0`), or they are the same.
    pub fn overlaps(&self, other: &ParamPath) -> bool {
        let n = self.steps.len().min(other.steps.len());
        self.steps[..n] == other.steps[..n]
    }

    /// The schema path of this number: field names, `[]` for an array's
    /// entries, `*` for a strategy's parameters (`sides[].levers[].ladder[]`),
    /// as `schema::numbers` lists them.
    pub fn slot(&self) -> &str {
        &self.slot
    }
}

/// Top-level numbers that are not parameters (`--runs` and `--seed` set them).
const NOT_PARAMETERS: [&str; 2] = ["runs", "seed"];
/// The array whose entries a path may name without its key (`china.noise`).
const SIDES: &str = "sides";
/// The top-level array whose entries are named by their label's slug.
const EVENTS: &str = "events";

/// Where the catalogue walker stands: the steps to get there, the canonical
/// segments naming them and the schema path.
#[derive(Clone, Default)]
struct Loc {
    steps: Vec<Step>,
    names: Vec<String>,
    slot: String,
}

impl Loc {
    fn key(&self, k: &str) -> Loc {
        self.step(Step::Key(k.to_string()), k.to_string(), &format!(".{k}"))
    }

    fn item(&self, i: usize, name: String) -> Loc {
        self.step(Step::Index(i), name, "[]")
    }

    /// A key of an open table (a strategy's parameter).
    fn open_key(&self, k: &str) -> Loc {
        self.step(Step::Key(k.to_string()), k.to_string(), ".*")
    }

    fn step(&self, step: Step, name: String, slot: &str) -> Loc {
        let mut loc = self.clone();
        loc.steps.push(step);
        loc.names.push(name);
        loc.slot.push_str(slot);
        if loc.slot.starts_with('.') {
            loc.slot.remove(0);
        }
        loc
    }
}

struct Catalog {
    out: Vec<ParamPath>,
}

impl Catalog {
    fn push(&mut self, loc: &Loc, kind: schema::Number, node: Option<Node>) {
        let kind = match kind {
            schema::Number::Real => ValueKind::Real,
            schema::Number::Integer => ValueKind::Integer,
        };
        let current = node.and_then(|n| match n.as_float() {
            Some(x) => Some(fmt_value(x)),
            None => n.to_toml().map(|v| v.to_string()),
        });
        let canonical = loc.names.join(".");
        self.out.push(ParamPath { canonical, kind, current, steps: loc.steps.clone(), slot: loc.slot.clone() });
    }

    /// The numbers of a value of shape `shape`, written at `node` (if it is
    /// written), found at `loc`.
    fn walk(&mut self, shape: &Shape, node: Option<Node>, loc: &Loc) {
        if let Some(kind) = shape.number() {
            self.push(loc, kind, node);
        }
        match shape.given() {
            Shape::Table(t) => {
                let kind = node.and_then(|n| n.get("kind")).and_then(Node::as_str);
                let root = loc.steps.is_empty();
                let fields =
                    t.fields.iter().filter(|f| t.takes(f.name, kind) && !(root && NOT_PARAMETERS.contains(&f.name)));
                // A table's own numbers first, then what nests in it (the
                // order in which TOML writes them).
                let (own, nested): (Vec<_>, Vec<_>) = fields.partition(|f| f.shape.number().is_some());
                for f in own.into_iter().chain(nested) {
                    self.walk(&f.shape, node.and_then(|n| n.get(f.name)), &loc.key(f.name));
                }
            }
            Shape::Array(item) => {
                let entries = node.and_then(Node::items).unwrap_or_default();
                for (i, name) in entry_names(item, &entries, loc.names == [EVENTS]).into_iter().enumerate() {
                    self.walk(item, Some(entries[i]), &loc.item(i, name));
                }
            }
            // The numbers written inside a distribution (`pain.uniform.0`).
            Shape::Choice { keys, .. } => {
                for f in keys {
                    if let Some(value) = node.and_then(|n| n.get(f.name)) {
                        self.walk(&f.shape, Some(value), &loc.key(f.name));
                    }
                }
            }
            Shape::Open { fixed, other } => {
                for f in fixed {
                    self.walk(&f.shape, node.and_then(|n| n.get(f.name)), &loc.key(f.name));
                }
                for key in open_keys(node) {
                    self.walk(other, node.and_then(|n| n.get(key)), &loc.open_key(key));
                }
            }
            _ => {}
        }
    }
}

/// The keys of an open table, which is a strategy: the parameters the
/// strategy registry gives the kind the file names.
fn open_keys(node: Option<Node>) -> Vec<&'static str> {
    strategy_kind(node).map(|k| k.info().params.iter().map(|p| p.name).collect()).unwrap_or_default()
}

fn strategy_kind(node: Option<Node>) -> Option<strategy::Kind> {
    node?.get("kind")?.as_str().and_then(strategy::Kind::from_name)
}

/// How the entries of an array are named in paths: by their `name` if its
/// items have one, `[[events]]` (`by_label`) by their label's slug, others by
/// index.
fn entry_names(item: &Shape, entries: &[Node], by_label: bool) -> Vec<String> {
    let named = matches!(item.given(), Shape::Table(t) if t.field("name").is_some());
    if named {
        let name =
            |i: usize, e: &Node| e.get("name").and_then(Node::as_str).map_or_else(|| i.to_string(), str::to_string);
        entries.iter().enumerate().map(|(i, e)| name(i, e)).collect()
    } else if by_label {
        event_names(&labels(entries))
    } else {
        (0..entries.len()).map(|i| i.to_string()).collect()
    }
}

fn labels<'a>(entries: &[Node<'a>]) -> Vec<Option<&'a str>> {
    entries.iter().map(|e| e.get("label").and_then(Node::as_str)).collect()
}

/// How events are named in paths: the slug of their label (`Busan truce` →
/// `busan_truce`) when that is unique and not a number, else their index.
fn event_names(labels: &[Option<&str>]) -> Vec<String> {
    let slugs: Vec<Option<String>> = labels.iter().map(|l| l.map(slug)).collect();
    slugs
        .iter()
        .enumerate()
        .map(|(i, s)| match s {
            Some(s)
                if !s.is_empty()
                    && !s.chars().all(|c| c.is_ascii_digit())
                    && slugs.iter().filter(|o| o.as_ref() == Some(s)).count() == 1 =>
            {
                s.clone()
            }
            _ => i.to_string(),
        })
        .collect()
}

/// Lower-case letters and digits; every other run of characters becomes one `_`.
pub fn slug(label: &str) -> String {
    let mut out = String::new();
    for c in label.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('_') {
            out.push('_');
        }
    }
    out.trim_matches('_').to_string()
}

/// Every parameter of the scenario document `doc` a sweep may set, each
/// table's own numbers first, then its nested tables and arrays, in the
/// order of the format (docs/scenarios.md). `doc` should hold a valid
/// scenario (other shapes give fewer paths).
pub fn catalog(doc: &Document) -> Vec<ParamPath> {
    let mut c = Catalog { out: Vec::new() };
    c.walk(schema::scenario(), Some(doc.root()), &Loc::default());
    c.out
}

/// Split a path at dots outside double quotes: `events."a.b".start`.
fn segments(path: &str) -> Vec<String> {
    let mut segs = vec![String::new()];
    let mut quoted = false;
    for ch in path.trim().chars() {
        match ch {
            '"' => quoted = !quoted,
            '.' if !quoted => segs.push(String::new()),
            _ => segs.last_mut().map_or((), |s| s.push(ch)),
        }
    }
    segs
}

/// The entry chosen by `selector`: a canonical name, an index, or (for
/// events) the exact label.
fn select(selector: &str, names: &[String], labels: &[Option<&str>]) -> Option<usize> {
    if let Some(i) = names.iter().position(|n| n == selector) {
        return Some(i);
    }
    if let Ok(i) = selector.parse::<usize>() {
        return (i < names.len()).then_some(i);
    }
    labels.iter().position(|l| *l == Some(selector))
}

/// Rewrite a user's path into canonical form where its selectors are known,
/// walking the schema and the document along it.
fn canonical_segments(doc: &Document, catalog: &[ParamPath], path: &str) -> Vec<String> {
    let mut segs = segments(path);
    let root = schema::scenario();
    // `sides.` may be left out: a first segment that begins no path but names a side.
    let begins_a_path = catalog.iter().any(|p| p.canonical.split('.').next() == Some(segs[0].as_str()));
    if !begins_a_path && let Shape::Table(t) = root.given() {
        let sides = doc.root().get(SIDES).and_then(Node::items).unwrap_or_default();
        if let Some(item) = t.field(SIDES).and_then(|f| match f.shape.given() {
            Shape::Array(item) => Some(item),
            _ => None,
        }) && entry_names(item, &sides, false).contains(&segs[0])
        {
            segs.insert(0, SIDES.to_string());
        }
    }
    let (mut shape, mut node) = (root, Some(doc.root()));
    for i in 0..segs.len() {
        let seg = segs[i].clone();
        match shape.given() {
            Shape::Table(t) => {
                let Some(f) = t.field(&seg) else { break };
                shape = &f.shape;
            }
            Shape::Array(item) => {
                let entries = node.and_then(Node::items).unwrap_or_default();
                let by_label = i == 1 && segs[0] == EVENTS;
                let names = entry_names(item, &entries, by_label);
                let labels = if by_label { labels(&entries) } else { Vec::new() };
                let Some(j) = select(&seg, &names, &labels) else { break };
                segs[i] = names[j].clone();
                (shape, node) = (item, entries.get(j).copied());
                continue;
            }
            Shape::Choice { keys, .. } => {
                let Some(f) = keys.iter().find(|f| f.name == seg) else { break };
                shape = &f.shape;
            }
            Shape::Open { fixed, other } => match fixed.iter().find(|f| f.name == seg) {
                Some(f) => shape = &f.shape,
                None => {
                    // A strategy parameter's alias (GTFT's `forgiveness`) names the parameter.
                    if let Some(p) = strategy_kind(node).and_then(|k| k.param_or_alias(&seg)) {
                        segs[i] = p.name.to_string();
                    }
                    shape = other;
                }
            },
            _ => break,
        }
        node = node.and_then(|n| n.get(&segs[i]));
    }
    segs
}

/// The parameter `path` names in `doc`, or, if none, the nearest valid paths
/// (at most `max_nearest`): those sharing the longest leading run of
/// segments, then by edit distance.
pub fn resolve<'a>(
    doc: &Document,
    catalog: &'a [ParamPath],
    path: &str,
    max_nearest: usize,
) -> Result<&'a ParamPath, Vec<String>> {
    let segs = canonical_segments(doc, catalog, path);
    let wanted = segs.join(".");
    if let Some(p) = catalog.iter().find(|p| p.canonical == wanted) {
        return Ok(p);
    }
    let mut ranked: Vec<(usize, usize, &str)> = catalog
        .iter()
        .map(|p| {
            let shared = p.canonical.split('.').zip(&segs).take_while(|(a, b)| a == b).count();
            (shared, edit_distance(&wanted, &p.canonical), p.canonical.as_str())
        })
        .collect();
    ranked.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    Err(ranked.into_iter().take(max_nearest).map(|(_, _, p)| p.to_string()).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = r#"
rounds = 24
[outcomes]
low = 0.1
[[sides]]
name = "us"
strategy = { kind = "generous_tit_for_tat", generosity = 0.2 }
[[sides.levers]]
name = "tariffs"
ladder = [10, 20, 145]
pain = { uniform = [1.5, 2.5] }
[[sides]]
name = "china"
strategy = { kind = "tit_for_tat" }
misperception = 0.05
[[sides.levers]]
name = "rare_earths"
ladder = [0, 1]
pain = 3
erosion = 0.1
[[sides.provocations]]
lever = "rare_earths"
prob = 0.02
[[events]]
kind = "suspension"
label = "Busan truce (one year)"
duration = 12
measures = [{ side = "us", lever = "tariffs", level = 20 }]
"#;

    fn doc() -> Document {
        Document::parse(DOC).unwrap()
    }

    fn find<'a>(cat: &'a [ParamPath], path: &str) -> Result<&'a ParamPath, Vec<String>> {
        resolve(&doc(), cat, path, 5)
    }

    #[test]
    fn catalogue_mirrors_the_file() {
        let cat = catalog(&doc());
        let names: Vec<&str> = cat.iter().map(|p| p.canonical.as_str()).collect();
        for want in [
            "rounds",
            "discount",
            "outcomes.low",
            "sides.us.strategy.generosity",
            "sides.us.levers.tariffs.pain",
            "sides.us.levers.tariffs.pain.uniform.1",
            "sides.us.levers.tariffs.ladder.2",
            "sides.china.misperception",
            "sides.china.levers.rare_earths.erosion",
            "sides.china.provocations.0.prob",
            "events.busan_truce_one_year.renew_prob",
            "events.busan_truce_one_year.measures.0.level",
        ] {
            assert!(names.contains(&want), "{want} missing from {names:?}");
        }
        // tit_for_tat takes no parameter; names and labels are not numbers.
        assert!(!names.contains(&"sides.china.strategy.generosity"));
        assert!(!names.iter().any(|n| n.ends_with(".name") || n.ends_with(".label")));
        let low = cat.iter().find(|p| p.canonical == "outcomes.low").unwrap();
        assert_eq!(low.current.as_deref(), Some("0.1"));
        let high = cat.iter().find(|p| p.canonical == "outcomes.high").unwrap();
        assert_eq!(high.current, None);
        assert_eq!(cat.iter().find(|p| p.canonical == "rounds").unwrap().kind, ValueKind::Integer);
    }

    #[test]
    fn aliases_resolve_to_the_canonical_path() {
        let cat = catalog(&doc());
        let canon = |p: &str| find(&cat, p).map(|p| p.canonical.clone()).unwrap();
        assert_eq!(canon("sides.1.misperception"), "sides.china.misperception");
        assert_eq!(canon("china.misperception"), "sides.china.misperception");
        assert_eq!(canon("us.strategy.forgiveness"), "sides.us.strategy.generosity");
        assert_eq!(canon("sides.china.levers.0.erosion"), "sides.china.levers.rare_earths.erosion");
        assert_eq!(canon("events.0.renew_prob"), "events.busan_truce_one_year.renew_prob");
        assert_eq!(canon(r#"events."Busan truce (one year)".duration"#), "events.busan_truce_one_year.duration");
        assert_eq!(find(&cat, "sides.china.levers.rare_earths.erosion").unwrap().column(), {
            "param_sides.china.levers.rare_earths.erosion"
        });
    }

    #[test]
    fn unknown_paths_suggest_the_nearest() {
        let cat = catalog(&doc());
        let near = find(&cat, "sides.us.strategy.generousity").unwrap_err();
        assert_eq!(near[0], "sides.us.strategy.generosity");
        let near = find(&cat, "sides.chna.misperception").unwrap_err();
        assert_eq!(near[0], "sides.china.misperception");
        let near = find(&cat, "outcome.low").unwrap_err();
        assert_eq!(near[0], "outcomes.low");
        assert_eq!(near.len(), 5);
    }

    #[test]
    fn set_writes_into_the_document() {
        let cat = catalog(&doc());
        let mut d = doc();
        find(&cat, "outcomes.high").unwrap().set(&mut d, 0.6).unwrap();
        find(&cat, "sides.us.levers.tariffs.pain.uniform.0").unwrap().set(&mut d, 1.0).unwrap();
        find(&cat, "rounds").unwrap().set(&mut d, 36.0).unwrap();
        assert!(find(&cat, "rounds").unwrap().set(&mut d, 36.5).unwrap_err().contains("whole numbers"));
        let d: toml::Table = d.to_string().parse().unwrap();
        assert_eq!(d["outcomes"]["high"].as_float(), Some(0.6));
        assert_eq!(d["sides"][0]["levers"][0]["pain"]["uniform"][0].as_float(), Some(1.0));
        assert_eq!(d["rounds"].as_integer(), Some(36));
        let pain = find(&cat, "sides.us.levers.tariffs.pain").unwrap();
        assert!(pain.overlaps(find(&cat, "sides.us.levers.tariffs.pain.uniform.0").unwrap()));
        assert!(!pain.overlaps(find(&cat, "sides.us.levers.tariffs.cost").unwrap()));
    }

    #[test]
    fn slugs() {
        assert_eq!(slug("Busan truce (one year)"), "busan_truce_one_year");
        assert_eq!(slug("  Port-fees  "), "port_fees");
    }
}

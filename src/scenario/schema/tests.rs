//! The schema traced from the raw types: their shapes, serde's own field
//! lists, a field added to a struct, and the keys only one kind takes.

use std::path::Path;

use serde::Deserialize;
use serde::de::DeserializeOwned;

use super::*;
use crate::scenario::edit::{Document, Step, Value};
use crate::scenario::raw::*;

fn table(shape: &Shape) -> &Table {
    match shape.given() {
        Shape::Table(t) => t,
        other => panic!("not a table: {other:?}"),
    }
}

fn item(shape: &Shape) -> &Shape {
    match shape.given() {
        Shape::Array(item) => item,
        other => panic!("not an array: {other:?}"),
    }
}

fn field<'a>(t: &'a Table, name: &str) -> &'a Shape {
    &t.field(name).unwrap_or_else(|| panic!("{} has no `{name}`", t.name)).shape
}

/// Every table of `shape`, by struct name.
fn tables(shape: &Shape) -> BTreeMap<&'static str, &Table> {
    fn walk<'a>(shape: &'a Shape, out: &mut BTreeMap<&'static str, &'a Table>) {
        match shape.given() {
            Shape::Table(t) => {
                out.insert(t.name, t);
                t.fields.iter().for_each(|f| walk(&f.shape, out));
            }
            Shape::Array(item) => walk(item, out),
            Shape::Choice { keys, .. } => keys.iter().for_each(|f| walk(&f.shape, out)),
            Shape::Open { fixed, other } => {
                fixed.iter().for_each(|f| walk(&f.shape, out));
                walk(other, out);
            }
            _ => {}
        }
    }
    let mut out = BTreeMap::new();
    walk(shape, &mut out);
    out
}

#[test]
fn the_scenario_format_is_traced() {
    let root = table(scenario());
    assert_eq!(root.name, "RawScenario");
    assert_eq!(*field(root, "rounds"), Shape::Integer, "Spanned<i64> is transparent");
    assert_eq!(*field(root, "discount"), Shape::Optional(Box::new(Shape::Real)));
    let side = table(item(field(root, "sides")));
    let lever = table(item(field(side, "levers")));
    assert_eq!(*field(lever, "ladder"), Shape::Array(Box::new(Shape::Real)));
    // RawParam: a number, or a table with one of the keys it names itself.
    let Shape::Choice { number: true, keys } = field(lever, "pain") else { panic!("{:?}", field(lever, "pain")) };
    let names: Vec<&str> = keys.iter().map(|k| k.name).collect();
    assert_eq!(names, ["uniform", "normal", "beta", "exponential"]);
    assert_eq!(keys[0].shape, Shape::Array(Box::new(Shape::Real)));
    assert_eq!(table(&keys[1].shape).name, "RawNormal");
    assert_eq!(field(lever, "cost"), &Shape::Optional(Box::new(field(lever, "pain").clone())));
    // RawStrategy: `kind` and any other key, a number or a distribution.
    let want = Shape::Open {
        fixed: vec![Field { name: "kind", shape: Shape::Text }],
        other: Box::new(field(lever, "pain").clone()),
    };
    assert_eq!(*field(side, "strategy"), want);
    let numbers: Vec<String> = numbers(scenario()).into_iter().map(|(p, _)| p).collect();
    for want in ["rounds", "outcomes.window", "sides[].strategy.*", "sides[].levers[].pain.normal.sd", "events[].to"] {
        assert!(numbers.iter().any(|n| n == want), "{want} missing from {numbers:?}");
    }
}

/// The field names serde lists for `T` when it meets an unknown key.
fn serde_fields<T: DeserializeOwned>() -> Vec<String> {
    let Err(e) = toml::from_str::<T>("zzz_no_such_key = 1\n") else { panic!("an unknown key is refused") };
    let message = e.message().to_string();
    let expected = message.split_once("expected").map_or("", |(_, rest)| rest);
    expected.split('`').skip(1).step_by(2).map(str::to_string).collect()
}

#[test]
fn every_struct_has_serde_s_own_fields() {
    let all = tables(scenario());
    let serde: BTreeMap<&str, Vec<String>> = BTreeMap::from([
        ("RawScenario", serde_fields::<RawScenario>()),
        ("RawOutcomes", serde_fields::<RawOutcomes>()),
        ("RawSide", serde_fields::<RawSide>()),
        ("RawLever", serde_fields::<RawLever>()),
        ("RawNormal", serde_fields::<RawNormal>()),
        ("RawProvocation", serde_fields::<RawProvocation>()),
        ("RawEvent", serde_fields::<RawEvent>()),
        ("RawMeasure", serde_fields::<RawMeasure>()),
        ("RawDemand", serde_fields::<RawDemand>()),
    ]);
    // A raw struct added to the format must be added here too.
    assert_eq!(all.keys().collect::<Vec<_>>(), serde.keys().collect::<Vec<_>>());
    for (name, t) in &all {
        let traced: Vec<&str> = t.fields.iter().map(|f| f.name).collect();
        assert!(!serde[name].is_empty(), "{name}: no field list from serde");
        assert_eq!(traced, serde[name], "{name}");
    }
}

#[test]
fn a_field_added_to_a_struct_shows_up() {
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Outer {
        a: S<f64>,
        inner: Option<S<Inner>>,
        list: Vec<S<Inner>>,
        p: S<RawParam>,
        strategy: Option<S<RawStrategy>>,
    }
    #[derive(Deserialize)]
    #[allow(dead_code)]
    struct Inner {
        n: i64,
        name: String,
        added: Option<S<f64>>,
    }
    let shape = trace::<Outer>().unwrap();
    let got: Vec<(String, Number)> = numbers(&shape);
    let want = [
        ("a", Number::Real),
        ("inner.n", Number::Integer),
        ("inner.added", Number::Real),
        ("list[].n", Number::Integer),
        ("list[].added", Number::Real),
        ("p", Number::Real),
        ("p.uniform[]", Number::Real),
        ("p.normal.mean", Number::Real),
        ("p.normal.sd", Number::Real),
        ("p.normal.min", Number::Real),
        ("p.normal.max", Number::Real),
        ("p.beta[]", Number::Real),
        ("p.exponential", Number::Real),
        ("strategy.*", Number::Real),
        ("strategy.*.uniform[]", Number::Real),
        ("strategy.*.normal.mean", Number::Real),
        ("strategy.*.normal.sd", Number::Real),
        ("strategy.*.normal.min", Number::Real),
        ("strategy.*.normal.max", Number::Real),
        ("strategy.*.beta[]", Number::Real),
        ("strategy.*.exponential", Number::Real),
    ];
    assert_eq!(got, want.map(|(p, n)| (p.to_string(), n)));
}

#[test]
fn untraceable_types_say_why() {
    #[derive(Deserialize)]
    #[allow(dead_code)]
    enum Kind {
        A,
        B,
    }
    #[derive(Deserialize)]
    #[allow(dead_code)]
    struct WithEnum {
        kind: Kind,
    }
    let err = trace::<WithEnum>().unwrap_err();
    assert!(err.contains("kind") && err.contains("enums"), "{err}");
}

/// An inline TOML value of shape `shape`, every key filled in.
fn sample(shape: &Shape) -> String {
    match shape.given() {
        Shape::Real | Shape::Choice { .. } => "1.0".into(),
        Shape::Integer => "1".into(),
        Shape::Text => "\"us\"".into(),
        Shape::Bool => "false".into(),
        Shape::Array(item) => format!("[{}]", sample(item)),
        Shape::Table(t) => {
            let fields: Vec<String> = t.fields.iter().map(|f| format!("{} = {}", f.name, sample(&f.shape))).collect();
            format!("{{ {} }}", fields.join(", "))
        }
        Shape::Open { .. } => "{ kind = \"tit_for_tat\" }".into(),
        Shape::Optional(_) => unreachable!("given() removes options"),
    }
}

const EVENTS: &str = r#"
rounds = 12
[[sides]]
name = "us"
strategy = { kind = "tit_for_tat" }
[[sides.levers]]
name = "tariffs"
ladder = [0, 1]
pain = 1
[[sides]]
name = "china"
strategy = { kind = "tit_for_tat" }
[[sides.levers]]
name = "tariffs"
ladder = [0, 1]
pain = 1
[[events]]
kind = "suspension"
duration = 2
measures = [{ side = "us", lever = "tariffs", level = 0 }]
[[events]]
kind = "scheduled"
side = "china"
lever = "tariffs"
to = 1
[[events]]
kind = "negotiation"
duration = 2
measures = [{ side = "us", lever = "tariffs", level = 0 }]
[[events]]
kind = "violation"
side = "us"
lever = "tariffs"
"#;

#[test]
fn keys_only_one_kind_takes_are_refused_on_the_others() {
    let event = table(item(field(table(scenario()), "events")));
    crate::scenario::parse(Path::new("events.toml"), EVENTS).unwrap();
    let kinds = ["suspension", "scheduled", "negotiation", "violation"];
    let mut checked = 0;
    for (kind, keys) in kind_only("RawEvent") {
        for key in keys {
            let shape = field(event, key);
            assert!(event.takes(key, Some(kind)));
            let owners: Vec<&str> =
                kind_only("RawEvent").filter(|(_, keys)| keys.contains(key)).map(|(k, _)| k).collect();
            for (i, other) in kinds.iter().enumerate().filter(|(_, k)| !owners.contains(k)) {
                assert!(!event.takes(key, Some(other)), "{key} on a {other} event");
                let mut doc = Document::parse(EVENTS).unwrap();
                let at = [Step::Key("events".into()), Step::Index(i), Step::Key(key.to_string())];
                doc.set(&at, sample(shape).parse::<Value>().unwrap()).unwrap();
                let err = crate::scenario::parse(Path::new("events.toml"), &doc.to_string()).unwrap_err();
                assert_eq!(err.message, format!("a `{other}` event has no field `{key}`"));
                checked += 1;
            }
        }
    }
    // Each key is refused on every kind that does not take it.
    // suspension: 5 keys × (scheduled, violation); negotiation: 5 shared × 2 + 3
    // own × 3; scheduled: side and lever × 2 + to × 3; violation: 2 keys × 2.
    assert_eq!(checked, 10 + (10 + 9) + (4 + 3) + 4);
}

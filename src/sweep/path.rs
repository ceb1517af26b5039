/*!
Parameter paths: how a sweep names a number in a scenario file.

A path mirrors the file, key by key, with entries of arrays of tables chosen
by name: `sides.china.misperception`, `sides.us.strategy.generosity`,
`sides.china.levers.rare_earths.erosion`, `events.busan_truce.renew_prob`,
`outcomes.low`, `discount`. `catalog` lists every path a document offers (the
schema's numeric keys, written or defaulted, plus the numbers a file writes
inside distributions and ladders); `resolve` turns what a user typed into one
of them, accepting indices (`sides.0`), a side name without `sides.`, an
event's exact label in quotes and `strategy.forgiveness` for GTFT's
`generosity`. The canonical path names the CSV column.
docs/sweeps.md documents the syntax.
*/

use toml::{Table, Value};

use super::values::fmt_value;
use crate::scenario::edit_distance;
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
}

/// One step down the TOML document.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Step {
    Key(String),
    Index(usize),
}

impl ParamPath {
    /// The CSV column: `param_` and the path with `.` turned into `_`.
    pub fn column(&self) -> String {
        format!("param_{}", self.canonical.replace('.', "_"))
    }

    /// Write `value` at this path in `doc`, creating a missing table (such as
    /// `[outcomes]`) on the way. An integer parameter takes whole numbers only.
    pub fn set(&self, doc: &mut Table, value: f64) -> Result<(), String> {
        let value = match self.kind {
            ValueKind::Real => Value::Float(value),
            ValueKind::Integer => {
                if value.fract() != 0.0 || value.abs() > 1e15 {
                    return Err(format!("`{}` takes whole numbers, got {}", self.canonical, fmt_value(value)));
                }
                Value::Integer(value as i64)
            }
        };
        set_in_table(doc, &self.steps, value)
            .ok_or_else(|| format!("`{}` does not fit the scenario's structure", self.canonical))
    }

    /// True if setting one of the two would overwrite the other (`pain` and
    /// `pain.uniform.0`), or they are the same.
    pub fn overlaps(&self, other: &ParamPath) -> bool {
        let n = self.steps.len().min(other.steps.len());
        self.steps[..n] == other.steps[..n]
    }
}

fn set_in_table(table: &mut Table, steps: &[Step], value: Value) -> Option<()> {
    match steps {
        [Step::Key(k)] => {
            table.insert(k.clone(), value);
            Some(())
        }
        [Step::Key(k), rest @ ..] => {
            let child = table.entry(k.clone()).or_insert_with(|| Value::Table(Table::new()));
            set_in_value(child, rest, value)
        }
        _ => None,
    }
}

fn set_in_value(at: &mut Value, steps: &[Step], value: Value) -> Option<()> {
    match (at, steps) {
        (Value::Table(t), _) => set_in_table(t, steps, value),
        (Value::Array(a), [Step::Index(i)]) => {
            *a.get_mut(*i)? = value;
            Some(())
        }
        (Value::Array(a), [Step::Index(i), rest @ ..]) => set_in_value(a.get_mut(*i)?, rest, value),
        _ => None,
    }
}

/// Top-level keys: a first segment that is none of these may be a side name.
const TOP_KEYS: [&str; 5] = ["rounds", "discount", "outcomes", "sides", "events"];
const SIDE_KEYS: [&str; 4] = ["noise", "misperception", "baseline_welfare", "mutual_escalation_cost"];
const PARAM_KEYS: [&str; 4] = ["pain", "cost", "erosion", "erosion_floor"];
const NORMAL_KEYS: [&str; 4] = ["mean", "sd", "min", "max"];

/// Where the catalogue walker stands: the steps to get there and the
/// canonical segments naming them.
#[derive(Clone, Default)]
struct Loc {
    steps: Vec<Step>,
    names: Vec<String>,
}

impl Loc {
    fn key(&self, k: &str) -> Loc {
        let mut loc = self.clone();
        loc.steps.push(Step::Key(k.to_string()));
        loc.names.push(k.to_string());
        loc
    }

    fn item(&self, i: usize, name: String) -> Loc {
        let mut loc = self.clone();
        loc.steps.push(Step::Index(i));
        loc.names.push(name);
        loc
    }
}

struct Catalog {
    out: Vec<ParamPath>,
}

impl Catalog {
    /// The number at `loc` (already including its last step), whose current
    /// value is `current`.
    fn push(&mut self, loc: Loc, kind: ValueKind, current: Option<&Value>) {
        let current = current.map(|v| match v {
            Value::Float(x) => fmt_value(*x),
            other => other.to_string(),
        });
        self.out.push(ParamPath { canonical: loc.names.join("."), kind, current, steps: loc.steps });
    }

    fn key(&mut self, loc: &Loc, key: &str, kind: ValueKind, table: Option<&Table>) {
        self.push(loc.key(key), kind, table.and_then(|t| t.get(key)));
    }
}

fn tables<'a>(table: Option<&'a Table>, key: &str) -> Vec<&'a Table> {
    table
        .and_then(|t| t.get(key))
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_table).collect())
        .unwrap_or_default()
}

fn str_of<'a>(table: &'a Table, key: &str) -> Option<&'a str> {
    table.get(key).and_then(Value::as_str)
}

/// Names of entries of an array of tables, by their `name` key (else index).
fn names_of(items: &[&Table]) -> Vec<String> {
    items.iter().enumerate().map(|(i, t)| str_of(t, "name").map_or_else(|| i.to_string(), str::to_string)).collect()
}

/// How events are named in paths: the slug of their label (`Busan truce` →
/// `busan_truce`) when that is unique and not a number, else their index.
fn event_names(events: &[&Table]) -> Vec<String> {
    let slugs: Vec<Option<String>> = events.iter().map(|e| str_of(e, "label").map(slug)).collect();
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

/// Every parameter of the scenario document `doc` a sweep may set, in file
/// order. `doc` should hold a valid scenario (other shapes give fewer paths).
pub fn catalog(doc: &Table) -> Vec<ParamPath> {
    use ValueKind::{Integer, Real};
    let mut c = Catalog { out: Vec::new() };
    let root = Loc::default();
    c.key(&root, "rounds", Integer, Some(doc));
    c.key(&root, "discount", Real, Some(doc));
    let outcomes = doc.get("outcomes").and_then(Value::as_table);
    for (k, kind) in [("window", Integer), ("low", Real), ("high", Real), ("exchanges", Integer)] {
        c.key(&root.key("outcomes"), k, kind, outcomes);
    }

    let sides = tables(Some(doc), "sides");
    for (i, (side, name)) in sides.iter().zip(names_of(&sides)).enumerate() {
        let at = root.key("sides").item(i, name);
        for k in SIDE_KEYS {
            c.key(&at, k, Real, Some(side));
        }
        let strat = side.get("strategy").and_then(Value::as_table);
        if let Some(kind) = strat.and_then(|s| str_of(s, "kind")).and_then(strategy::Kind::from_name) {
            for p in kind.info().params {
                c.key(&at.key("strategy"), p.name, Real, strat);
            }
        }
        let levers = tables(Some(side), "levers");
        for (j, (lever, lname)) in levers.iter().zip(names_of(&levers)).enumerate() {
            let at = at.key("levers").item(j, lname);
            for k in PARAM_KEYS {
                c.key(&at, k, Real, Some(lever));
                let dist = lever.get(k).and_then(Value::as_table);
                if let Some(bounds) = dist.and_then(|d| d.get("uniform")).and_then(Value::as_array) {
                    for (b, v) in bounds.iter().enumerate() {
                        c.push(at.key(k).key("uniform").item(b, b.to_string()), Real, Some(v));
                    }
                }
                if let Some(normal) = dist.and_then(|d| d.get("normal")).and_then(Value::as_table) {
                    for n in NORMAL_KEYS {
                        c.key(&at.key(k).key("normal"), n, Real, Some(normal));
                    }
                }
            }
            for k in ["weight", "start", "floor"] {
                c.key(&at, k, Real, Some(lever));
            }
            if let Some(ladder) = lever.get("ladder").and_then(Value::as_array) {
                for (r, v) in ladder.iter().enumerate() {
                    c.push(at.key("ladder").item(r, r.to_string()), Real, Some(v));
                }
            }
        }
        for (p, provocation) in tables(Some(side), "provocations").into_iter().enumerate() {
            c.key(&at.key("provocations").item(p, p.to_string()), "prob", Real, Some(provocation));
        }
    }

    let events = tables(Some(doc), "events");
    for (e, (event, name)) in events.iter().zip(event_names(&events)).enumerate() {
        let at = root.key("events").item(e, name);
        c.key(&at, "start", Integer, Some(event));
        match str_of(event, "kind") {
            Some("suspension") => {
                c.key(&at, "duration", Integer, Some(event));
                c.key(&at, "renew_prob", Real, Some(event));
                for (m, measure) in tables(Some(event), "measures").iter().enumerate() {
                    let at = at.key("measures").item(m, m.to_string());
                    c.key(&at, "level", Real, Some(measure));
                    c.key(&at, "snap_back", Real, Some(measure));
                }
            }
            Some("scheduled") => c.key(&at, "to", Real, Some(event)),
            _ => {}
        }
    }
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

/// The canonical name of an entry chosen by `selector`: a canonical name, an
/// index, or (for events) the exact label.
fn select(selector: &str, names: &[String], labels: &[Option<&str>]) -> Option<String> {
    if names.iter().any(|n| n == selector) {
        return Some(selector.to_string());
    }
    if let Ok(i) = selector.parse::<usize>() {
        return names.get(i).cloned();
    }
    labels.iter().position(|l| *l == Some(selector)).map(|i| names[i].clone())
}

/// Rewrite a user's path into canonical form where its selectors are known.
fn canonical_segments(doc: &Table, path: &str) -> Vec<String> {
    let mut segs = segments(path);
    let sides = tables(Some(doc), "sides");
    let side_names = names_of(&sides);
    if !TOP_KEYS.contains(&segs[0].as_str()) && side_names.contains(&segs[0]) {
        segs.insert(0, "sides".to_string());
    }
    match segs[0].as_str() {
        "sides" if segs.len() > 1 => {
            let Some(side) = select(&segs[1], &side_names, &[]) else { return segs };
            segs[1] = side.clone();
            let i = side_names.iter().position(|n| *n == side).unwrap_or(0);
            // A strategy parameter's alias (GTFT's `forgiveness`) names the parameter.
            if segs.len() == 4 && segs[2] == "strategy" {
                let kind = sides.get(i).and_then(|s| s.get("strategy")).and_then(Value::as_table);
                let kind = kind.and_then(|s| str_of(s, "kind")).and_then(strategy::Kind::from_name);
                if let Some(spec) = kind.and_then(|k| k.param_or_alias(&segs[3])) {
                    segs[3] = spec.name.to_string();
                }
            }
            if segs.len() > 3 && segs[2] == "levers" {
                let levers = tables(sides.get(i).copied(), "levers");
                if let Some(lever) = select(&segs[3], &names_of(&levers), &[]) {
                    segs[3] = lever;
                }
            }
        }
        "events" if segs.len() > 1 => {
            let events = tables(Some(doc), "events");
            let labels: Vec<Option<&str>> = events.iter().map(|e| str_of(e, "label")).collect();
            if let Some(event) = select(&segs[1], &event_names(&events), &labels) {
                segs[1] = event;
            }
        }
        _ => {}
    }
    segs
}

/// The parameter `path` names in `doc`, or, if none, the nearest valid paths
/// (at most `max_nearest`): those sharing the longest leading run of
/// segments, then by edit distance.
pub fn resolve<'a>(
    doc: &Table,
    catalog: &'a [ParamPath],
    path: &str,
    max_nearest: usize,
) -> Result<&'a ParamPath, Vec<String>> {
    let segs = canonical_segments(doc, path);
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

    fn doc() -> Table {
        DOC.parse().unwrap()
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
            "param_sides_china_levers_rare_earths_erosion"
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

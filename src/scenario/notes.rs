/*!
A scenario's numbers as its file states them, with the comments that give
their sources: what the HTML report lists as the scenario's assumptions.

`notes(text)` reads the file's text (not the validated `Scenario`, which
keeps no comments) and returns one `NoteGroup` per part of the file (the
run, the outcome rules, each side, each lever, each provocation, each
event), each with its keys in file order: the value as written and the
comments above the key and after its value. `basis` says what a comment
claims for its number: source keys in brackets (`[TL]`), "computed", or
"assumption". Pure: text in, notes out.
*/

use toml_edit::{Array, DocumentMut, Item, Table, Value};

/// A scenario file's parts with their numbers and comments.
#[derive(Clone, Debug, PartialEq)]
pub struct Notes {
    pub name: Option<String>,
    pub description: Option<String>,
    /// Side name and label (the label is the name when the file has none).
    pub sides: Vec<(String, String)>,
    pub welfare_unit: Option<String>,
    pub groups: Vec<NoteGroup>,
}

/// One part of the file: the run, the outcome rules, a side, a lever, a
/// provocation or an event.
#[derive(Clone, Debug, PartialEq)]
pub struct NoteGroup {
    pub title: String,
    /// The comment above the part's table header, if any.
    pub note: String,
    pub items: Vec<NoteItem>,
}

/// One key: its value as written and its comment.
#[derive(Clone, Debug, PartialEq)]
pub struct NoteItem {
    pub key: String,
    pub value: String,
    pub note: String,
}

/// What a comment says about where its number comes from.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Basis {
    /// Source keys cited in brackets, in order, once each: `[TL]`, `[M item 4]`.
    pub sources: Vec<String>,
    pub computed: bool,
    pub assumption: bool,
}

impl Basis {
    /// Nothing claimed: the file gives no source for the number.
    pub fn is_empty(&self) -> bool {
        self.sources.is_empty() && !self.computed && !self.assumption
    }
}

/// Keys that name or label a part rather than set a number.
const NAMING: &[&str] = &["name", "label", "unit", "description"];

/// The notes of a scenario file's text.
pub fn notes(text: &str) -> Result<Notes, toml_edit::TomlError> {
    let doc: DocumentMut = text.parse()?;
    let root = doc.as_table();
    let string = |t: &Table, k: &str| t.get(k).and_then(Item::as_str).map(str::to_string);
    let mut groups = vec![NoteGroup { title: "The run".into(), note: String::new(), items: plain_items(root) }];
    if let Some(t) = root.get("outcomes").and_then(Item::as_table) {
        groups.push(NoteGroup {
            title: "Outcome rules".into(),
            note: comment(t.decor().prefix()),
            items: plain_items(t),
        });
    }
    let mut sides = Vec::new();
    for side in tables(root, "sides") {
        let name = string(side, "name").unwrap_or_default();
        let label = string(side, "label").unwrap_or_else(|| name.clone());
        sides.push((name, label.clone()));
        groups.push(NoteGroup {
            title: format!("{label}: strategy and perception"),
            note: comment(side.decor().prefix()),
            items: plain_items(side),
        });
        for lever in tables(side, "levers") {
            let lever_label = string(lever, "label").or_else(|| string(lever, "name")).unwrap_or_default();
            let unit = string(lever, "unit").map(|u| format!(" ({u})")).unwrap_or_default();
            groups.push(NoteGroup {
                title: format!("{label}: {lever_label}{unit}"),
                note: comment(lever.decor().prefix()),
                items: plain_items(lever),
            });
        }
        for p in tables(side, "provocations") {
            let what = string(p, "label").or_else(|| string(p, "lever")).unwrap_or_default();
            groups.push(NoteGroup {
                title: format!("{label}: provocation, {what}"),
                note: comment(p.decor().prefix()),
                items: plain_items(p),
            });
        }
    }
    for (k, event) in tables(root, "events").enumerate() {
        let what = string(event, "label").unwrap_or_else(|| format!("event {}", k + 1));
        groups.push(NoteGroup {
            title: format!("Event: {what}"),
            note: comment(event.decor().prefix()),
            items: plain_items(event),
        });
    }
    Ok(Notes {
        name: string(root, "name"),
        description: string(root, "description"),
        sides,
        welfare_unit: string(root, "welfare_unit"),
        groups,
    })
}

/// What a comment claims: bracketed source keys (`[TL]`, `[M item 4]`,
/// `[PIIE-C]`: starting with a capital letter), "computed", "assumption".
pub fn basis(note: &str) -> Basis {
    let mut b = Basis::default();
    let mut rest = note;
    while let Some(open) = rest.find('[') {
        let after = &rest[open + 1..];
        let Some(close) = after.find(']') else { break };
        let key = &after[..close];
        let looks_like_key = key.starts_with(|c: char| c.is_ascii_uppercase())
            && key.len() <= 24
            && key.chars().all(|c| c.is_ascii_alphanumeric() || " -§.".contains(c));
        if looks_like_key && !b.sources.iter().any(|s| s == key) {
            b.sources.push(key.to_string());
        }
        rest = &after[close + 1..];
    }
    let lower = note.to_lowercase();
    b.computed = lower.contains("computed");
    b.assumption = lower.contains("assumption") || lower.contains("assumed");
    b
}

/// The array of tables `key` of `t`, if any.
fn tables<'a>(t: &'a Table, key: &str) -> impl Iterator<Item = &'a Table> {
    t.get(key).and_then(Item::as_array_of_tables).into_iter().flat_map(|a| a.iter())
}

/// The keys of a table that hold values (not tables), naming keys left out.
fn plain_items(t: &Table) -> Vec<NoteItem> {
    let mut items = Vec::new();
    for (key, item) in t.iter() {
        let Item::Value(value) = item else { continue };
        if NAMING.contains(&key) {
            continue;
        }
        let mut note = t.get_key_value(key).map(|(k, _)| comment(k.leaf_decor().prefix())).unwrap_or_default();
        let mut extra = vec![comment(value.decor().suffix())];
        if let Value::Array(a) = value {
            extra.extend(array_comments(a));
        }
        for e in extra.into_iter().filter(|e| !e.is_empty()) {
            if !note.is_empty() {
                note.push_str(if note.ends_with(['.', ';', ':']) { " " } else { "; " });
            }
            note.push_str(&e);
        }
        items.push(NoteItem { key: key.to_string(), value: plain_value(value), note });
    }
    items
}

/// The comments written inside a multi-line array, in order.
fn array_comments(a: &Array) -> Vec<String> {
    let mut v = Vec::new();
    for e in a.iter() {
        v.push(comment(e.decor().prefix()));
        v.push(comment(e.decor().suffix()));
        if let Value::Array(inner) = e {
            v.extend(array_comments(inner));
        }
    }
    v.push(comment(Some(a.trailing())));
    v
}

/// A value as written, on one line and without its comments.
fn plain_value(v: &Value) -> String {
    let mut v = v.clone();
    v.decor_mut().clear();
    match &mut v {
        Value::Array(a) => {
            a.fmt();
            a.set_trailing("");
            a.set_trailing_comma(false);
            for e in a.iter_mut() {
                if let Value::InlineTable(t) = e {
                    t.fmt();
                }
            }
        }
        Value::InlineTable(t) => t.fmt(),
        _ => {}
    }
    v.to_string().split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The text of the `#` comments in a decoration, joined into one line;
/// separator lines (`# ----`, `# ====`), the dashes that open a heading
/// (`# --- US tariffs`) and blank lines left out.
fn comment(raw: Option<&toml_edit::RawString>) -> String {
    let text = raw.and_then(|r| r.as_str()).unwrap_or("");
    let mut words: Vec<&str> = Vec::new();
    for line in text.lines() {
        let Some(hash) = line.find('#') else { continue };
        let body = line[hash + 1..].trim().trim_start_matches(['-', '=']).trim();
        if body.is_empty() || body.chars().all(|c| "-=*#~_ ".contains(c)) {
            continue;
        }
        words.extend(body.split_whitespace());
    }
    words.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = r#"
# The header of the file.
name = "Test <truce>"
rounds = 24             # two years (assumption: horizon)
seed = 7

[outcomes]
# a rule
low = 0.25

[[sides]]
name = "us"
label = "United States"
# Implementation noise: assumption.
noise = 0.02
demands = [
  { lever = "x", level = 25 },   # the commitment [EE][TL] 2025-11-01
]

# --- tariffs
[[sides.levers]]
name = "tariffs"
unit = "%"
# Rungs: [TL] 2025-01-20; 71 computed
ladder = [20.8,
   47]
start = 47 # [IT][TL]
"#;

    #[test]
    fn numbers_keep_their_comments() {
        let n = notes(TEXT).unwrap();
        assert_eq!(n.name.as_deref(), Some("Test <truce>"));
        assert_eq!(n.sides, [("us".to_string(), "United States".to_string())]);
        let titles: Vec<&str> = n.groups.iter().map(|g| g.title.as_str()).collect();
        assert_eq!(
            titles,
            ["The run", "Outcome rules", "United States: strategy and perception", "United States: tariffs (%)"]
        );
        let run = &n.groups[0];
        assert_eq!(run.items.iter().map(|i| i.key.as_str()).collect::<Vec<_>>(), ["rounds", "seed"]);
        assert_eq!(run.items[0].note, "two years (assumption: horizon)");
        assert_eq!(n.groups[1].items[0].note, "a rule");
        let side = &n.groups[2].items;
        assert_eq!(side[0].note, "Implementation noise: assumption.");
        assert_eq!(side[1].value, r#"[{ lever = "x", level = 25 }]"#);
        assert_eq!(side[1].note, "the commitment [EE][TL] 2025-11-01");
        let lever = &n.groups[3];
        assert_eq!(lever.note, "tariffs");
        assert_eq!(lever.items[0].value, "[20.8, 47]");
        assert_eq!(lever.items[1].note, "[IT][TL]");
    }

    #[test]
    fn basis_reads_sources_computations_and_assumptions() {
        let b = basis("Rungs: [TL] 2025-01-20 and [M item 4], [TL] again; 71 computed; see [1, 2]");
        assert_eq!(b.sources, ["TL", "M item 4"]);
        assert!(b.computed && !b.assumption);
        assert!(basis("Assumption 0.02/month").assumption);
        assert!(basis("").is_empty());
    }
}

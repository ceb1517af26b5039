/*!
Editing a scenario file's text: the one TOML editor, used by sweeps (a
point's values written into the scenario) and by the fit (fitted strategies
written into a copy). Every comment, key order and blank line of the file is
kept; only the values set change.

A [`Document`] is opened from text, read through [`Node`]s (tables, inline or
not, arrays of tables or of values, values), changed with [`Document::set`]
or [`Document::set_number`] at a path of [`Step`]s, and written back with
`to_string`. Pure: text in, text out.
*/

use std::fmt;

use toml_edit::{DocumentMut, Item, Table, TableLike};

pub use toml_edit::{InlineTable, TomlError, Value};

/// A TOML document being edited.
#[derive(Clone, Debug)]
pub struct Document {
    doc: DocumentMut,
}

/// One step down a document: a key of a table, or an entry of an array.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Step {
    Key(String),
    Index(usize),
}

/// A number to write: a float, or an integer for keys that take whole numbers.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Number {
    Real(f64),
    Integer(i64),
}

impl Document {
    pub fn parse(text: &str) -> Result<Document, TomlError> {
        Ok(Document { doc: text.parse()? })
    }

    /// The top-level table.
    pub fn root(&self) -> Node<'_> {
        Node::Table(self.doc.as_table())
    }

    /// What `steps` lead to, if anything.
    pub fn get(&self, steps: &[Step]) -> Option<Node<'_>> {
        steps.iter().try_fold(self.root(), |node, step| match step {
            Step::Key(k) => node.get(k),
            Step::Index(i) => node.items()?.get(*i).copied(),
        })
    }

    /// Set the value at `steps` (a key, last) to `value`, with its
    /// decoration (`value.decor()`: spaces and a trailing comment). A value
    /// already there is replaced, keeping its key and the comment lines
    /// above it; a missing key is added at the end of its table, and missing
    /// tables on the way are created. `None` if `steps` leads through a
    /// value that is not a table or an array, or past an array's end.
    pub fn set(&mut self, steps: &[Step], value: Value) -> Option<()> {
        set_in_table(self.doc.as_table_mut(), false, steps, value)
    }

    /// Write a number at `steps`, keeping the decoration (a trailing comment)
    /// of the value it replaces.
    pub fn set_number(&mut self, steps: &[Step], number: Number) -> Option<()> {
        let mut value = match number {
            Number::Real(x) => Value::from(x),
            Number::Integer(n) => Value::from(n),
        };
        if let Some(old) = self.get(steps).and_then(Node::value) {
            *value.decor_mut() = old.decor().clone();
        }
        self.set(steps, value)
    }

    /// The index of the entry of the array at `steps` whose `key` is the
    /// string `name` (`[[sides]]` named "us").
    pub fn find_entry(&self, steps: &[Step], key: &str, name: &str) -> Option<usize> {
        self.get(steps)?.items()?.iter().position(|e| e.get(key).and_then(Node::as_str) == Some(name))
    }
}

impl fmt::Display for Document {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.doc.fmt(f)
    }
}

/// A place in a document: a table (inline or not), an array (of tables or of
/// values) or a value.
#[derive(Clone, Copy, Debug)]
pub enum Node<'a> {
    Item(&'a Item),
    Table(&'a Table),
    Value(&'a Value),
}

impl<'a> Node<'a> {
    /// The value of `key`, if this is a table that has it.
    pub fn get(self, key: &str) -> Option<Node<'a>> {
        match self {
            Node::Item(Item::Table(t)) | Node::Table(t) => t.get(key).filter(|i| !i.is_none()).map(Node::Item),
            Node::Item(Item::Value(v)) | Node::Value(v) => v.as_inline_table()?.get(key).map(Node::Value),
            _ => None,
        }
    }

    /// The entries, if this is an array (of tables or of values).
    pub fn items(self) -> Option<Vec<Node<'a>>> {
        match self {
            Node::Item(Item::ArrayOfTables(a)) => Some(a.iter().map(Node::Table).collect()),
            Node::Item(Item::Value(Value::Array(a))) | Node::Value(Value::Array(a)) => {
                Some(a.iter().map(Node::Value).collect())
            }
            _ => None,
        }
    }

    /// The value, if this is neither a table nor an array of tables (an
    /// inline table is a value).
    pub fn value(self) -> Option<&'a Value> {
        match self {
            Node::Item(Item::Value(v)) | Node::Value(v) => Some(v),
            _ => None,
        }
    }

    pub fn as_str(self) -> Option<&'a str> {
        self.value()?.as_str()
    }

    pub fn as_float(self) -> Option<f64> {
        self.value()?.as_float()
    }

    /// The value written as an inline TOML value without comments or
    /// layout: `24`, `0.5`, `{ uniform = [24, 37] }`.
    pub fn to_toml(self) -> Option<toml::Value> {
        let mut value = match self {
            Node::Item(i) => i.clone().into_value().ok()?,
            Node::Table(t) => Value::InlineTable(t.clone().into_inline_table()),
            Node::Value(v) => v.clone(),
        };
        value.decor_mut().clear();
        let table: toml::Table = format!("v = {value}").parse().ok()?;
        table.get("v").cloned()
    }
}

/// Set `steps` in `table`, which is an inline table if `inline`.
fn set_in_table(table: &mut dyn TableLike, inline: bool, steps: &[Step], value: Value) -> Option<()> {
    match steps {
        [Step::Key(k)] => {
            match table.get_mut(k).filter(|i| !i.is_none()) {
                Some(item) => *item = Item::Value(value),
                None => {
                    table.insert(k, Item::Value(value));
                }
            }
            Some(())
        }
        [Step::Key(k), rest @ ..] => {
            if table.get(k).is_none_or(Item::is_none) {
                // A table inside an inline table must be inline too.
                let empty = if inline {
                    Item::Value(Value::InlineTable(InlineTable::new()))
                } else {
                    Item::Table(Table::new())
                };
                table.insert(k, empty);
            }
            set_in_item(table.get_mut(k)?, rest, value)
        }
        _ => None,
    }
}

fn set_in_item(item: &mut Item, steps: &[Step], value: Value) -> Option<()> {
    match item {
        Item::Table(t) => set_in_table(t, false, steps, value),
        Item::ArrayOfTables(a) => match steps {
            [Step::Index(i), rest @ ..] if !rest.is_empty() => set_in_table(a.get_mut(*i)?, false, rest, value),
            _ => None,
        },
        Item::Value(v) => set_in_value(v, steps, value),
        Item::None => None,
    }
}

fn set_in_value(at: &mut Value, steps: &[Step], value: Value) -> Option<()> {
    match (at, steps) {
        (Value::InlineTable(t), _) => set_in_table(t, true, steps, value),
        (Value::Array(a), [Step::Index(i)]) => {
            *a.get_mut(*i)? = value;
            Some(())
        }
        (Value::Array(a), [Step::Index(i), rest @ ..]) => set_in_value(a.get_mut(*i)?, rest, value),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = r#"# A scenario.
rounds = 24   # two years

[[sides]]
name = "us"
# Why.
strategy = { kind = "generous_tit_for_tat", generosity = 0.2 }
[[sides.levers]]
name = "tariffs"
ladder = [10, 20, 145]
pain = { uniform = [1.5, 2.5] }

[[sides]]
name = "china"
strategy = { kind = "tit_for_tat" }
"#;

    fn key(k: &str) -> Step {
        Step::Key(k.to_string())
    }

    #[test]
    fn reads_through_tables_arrays_and_inline_tables() {
        let doc = Document::parse(TEXT).unwrap();
        let us = [key("sides"), Step::Index(0)];
        assert_eq!(doc.get(&[key("rounds")]).unwrap().to_toml(), Some(toml::Value::Integer(24)));
        assert_eq!(doc.get(&[&us[..], &[key("name")]].concat()).unwrap().as_str(), Some("us"));
        let pain = [&us[..], &[key("levers"), Step::Index(0), key("pain")]].concat();
        assert_eq!(doc.get(&pain).unwrap().to_toml().unwrap().to_string(), "{ uniform = [1.5, 2.5] }");
        let bound = [&pain[..], &[key("uniform"), Step::Index(1)]].concat();
        assert_eq!(doc.get(&bound).unwrap().as_float(), Some(2.5));
        assert_eq!(doc.find_entry(&[key("sides")], "name", "china"), Some(1));
        assert!(doc.get(&[key("outcomes")]).is_none());
    }

    #[test]
    fn set_keeps_everything_else() {
        let mut doc = Document::parse(TEXT).unwrap();
        doc.set_number(&[key("rounds")], Number::Integer(36)).unwrap();
        let generosity = [key("sides"), Step::Index(0), key("strategy"), key("generosity")];
        doc.set_number(&generosity, Number::Real(0.5)).unwrap();
        let bound =
            [key("sides"), Step::Index(0), key("levers"), Step::Index(0), key("pain"), key("uniform"), Step::Index(0)];
        doc.set_number(&bound, Number::Real(1.0)).unwrap();
        // Missing keys and tables are added.
        doc.set_number(&[key("outcomes"), key("high")], Number::Real(0.6)).unwrap();
        doc.set_number(&[key("sides"), Step::Index(1), key("strategy"), key("p")], Number::Real(0.25)).unwrap();
        let text = doc.to_string();
        assert!(text.starts_with("# A scenario.\nrounds = 36   # two years\n"), "{text}");
        assert!(text.contains("# Why.\nstrategy = { kind = \"generous_tit_for_tat\", generosity = 0.5 }"), "{text}");
        assert!(text.contains("pain = { uniform = [1.0, 2.5] }"), "{text}");
        let back: toml::Table = text.parse().unwrap();
        assert_eq!(back["sides"][1]["strategy"]["p"].as_float(), Some(0.25));
        assert_eq!(back["outcomes"]["high"].as_float(), Some(0.6));
        // A path through a number, or past an array's end, is refused.
        assert!(doc.set_number(&[key("rounds"), key("x")], Number::Real(1.0)).is_none());
        assert!(doc.set_number(&[key("sides"), Step::Index(5), key("noise")], Number::Real(1.0)).is_none());
    }
}

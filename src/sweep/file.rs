/*!
Sweep files: a sweep kept as TOML, so it can be rerun.

```toml
scenario = "../scenarios/busan.toml"   # relative to this file
runs = 2000                            # per point (default: the scenario's)
seed = 7                               # default: the scenario's

[[vary]]
path = "sides.china.misperception"
values = "0:0.2:11"                    # or a list: [0, 0.05, 0.2]
label = "China's misperception"        # axis title (default: the path)
```

A file with a top-level `scenario` or `[[vary]]` is a sweep file; any other
file is taken for a scenario.
*/

use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::Deserialize;
use toml::Spanned;

use super::{SweepSpec, Vary, values};
use crate::error::{Error, ScenarioError};
use crate::scenario::{self, MAX_RUNS};

/// What `simulate sweep FILE` was given.
#[derive(Debug)]
pub enum Input {
    /// A scenario file and its text (the parameters come from `--vary`).
    Scenario { path: PathBuf, text: String },
    /// A sweep file, with its scenario read.
    Sweep(Box<SweepSpec>),
}

/// Read `path` and tell a sweep file from a scenario file.
pub fn read_input(path: &Path) -> Result<Input, Error> {
    let text = scenario::read_text(path)?;
    let is_sweep = text
        .parse::<toml::Table>()
        .is_ok_and(|t| t.contains_key("vary") || t.get("scenario").is_some_and(toml::Value::is_str));
    if !is_sweep {
        return Ok(Input::Scenario { path: path.to_path_buf(), text });
    }
    parse_sweep_file(path, text).map(|spec| Input::Sweep(Box::new(spec)))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSweep {
    scenario: Spanned<String>,
    description: Option<String>,
    runs: Option<Spanned<i64>>,
    seed: Option<Spanned<i64>>,
    #[serde(default)]
    vary: Vec<Spanned<RawVary>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawVary {
    path: Spanned<String>,
    values: Spanned<RawValues>,
    label: Option<String>,
}

/// `values = "0:0.2:11"` (the `--vary` syntax) or `values = [0, 0.05, 0.2]`.
#[derive(Debug)]
enum RawValues {
    Spec(String),
    List(Vec<f64>),
}

impl<'de> Deserialize<'de> for RawValues {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = RawValues;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str(r#"a range "start:end:points", or a list of numbers [a, b, c]"#)
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<RawValues, E> {
                Ok(RawValues::Spec(v.to_string()))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<RawValues, A::Error> {
                let mut list = Vec::new();
                while let Some(x) = seq.next_element::<f64>()? {
                    list.push(x);
                }
                Ok(RawValues::List(list))
            }
        }
        d.deserialize_any(V)
    }
}

fn parse_sweep_file(path: &Path, text: String) -> Result<SweepSpec, Error> {
    let source: Arc<str> = Arc::from(text.as_str());
    let err = |span: Range<usize>, msg: String| Error::Scenario(ScenarioError::new(path, &source, Some(span), msg));
    let raw: RawSweep = toml::from_str(&text).map_err(|e| scenario::toml_error(path, &source, &e))?;
    let scenario_path = path.parent().unwrap_or(Path::new("")).join(raw.scenario.get_ref());
    let scenario_text = scenario::read_text(&scenario_path)?;
    let runs = match &raw.runs {
        Some(r) if !(1..=MAX_RUNS as i64).contains(r.get_ref()) => {
            return Err(err(r.span(), format!("runs must be between 1 and {MAX_RUNS}, got {}", r.get_ref())));
        }
        Some(r) => Some(*r.get_ref() as u64),
        None => None,
    };
    let seed = match &raw.seed {
        Some(s) if *s.get_ref() < 0 => return Err(err(s.span(), format!("seed must be >= 0, got {}", s.get_ref()))),
        Some(s) => Some(*s.get_ref() as u64),
        None => None,
    };
    let _ = raw.description;
    let mut vary = Vec::with_capacity(raw.vary.len());
    for v in &raw.vary {
        let r = v.get_ref();
        let parsed = match r.values.get_ref() {
            RawValues::Spec(spec) => values::parse_values(spec),
            RawValues::List(list) => values::check_list(list.clone()),
        };
        let values =
            parsed.map_err(|reason| err(r.values.span(), format!("values of `{}`: {reason}", r.path.get_ref())))?;
        vary.push(Vary { path: r.path.get_ref().clone(), values, label: r.label.clone(), span: Some(r.path.span()) });
    }
    if vary.is_empty() {
        return Err(Error::Scenario(
            ScenarioError::new(path, &source, None, "the sweep file varies no parameter")
                .with_help("add a [[vary]] table: path = \"sides.us.noise\", values = \"0:0.1:11\""),
        ));
    }
    Ok(SweepSpec {
        scenario_path,
        scenario_text,
        vary,
        runs,
        seed,
        name: super::stem(path),
        file: Some((path.to_path_buf(), source.clone())),
    })
}

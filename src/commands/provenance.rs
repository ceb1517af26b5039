/*!
`provenance.json`: where a folder's outputs come from. One record per set of
outputs in the folder (`run`, `sweep`, `tournament`, `fit`, `backtest`,
`shard-K-of-N`), each with the program's version, the command line, the
date, the input files with their SHA-256, and the seed, runs and rounds.

The date is the one thing in the outputs that depends on when they were
made: it is here, and only here (the CSVs stay byte-identical across runs).
This is the only place the binary reads the calendar clock for an output.
`OutputSet::commit` writes the file under the folder's lock, keeping the
records of the folder's other sets.
*/

use std::collections::BTreeMap;
use std::path::Path;
use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::{Map, Value, json};

/// The file name.
pub(crate) const FILE: &str = "provenance.json";

/// What one command used: its inputs and the random numbers' setup.
#[derive(Clone, Debug, Default)]
pub(crate) struct Provenance {
    inputs: Vec<Value>,
    fields: Map<String, Value>,
    /// The date, once pinned (`pin_date`): a record shown before the commit
    /// (report.html) says the same as the one written.
    date: Option<String>,
}

impl Provenance {
    pub(crate) fn new() -> Provenance {
        Provenance::default()
    }

    /// An input file (`role`: scenario, sweep, history, candidates, shard,
    /// base) and the bytes that were read from it.
    pub(crate) fn input(mut self, role: &str, path: &Path, bytes: &[u8]) -> Provenance {
        self.inputs.push(json!({
            "role": role,
            "path": path.display().to_string(),
            "bytes": bytes.len(),
            "sha256": tradewar::sha256::hex(bytes),
        }));
        self
    }

    /// A field of the record (`seed`, `runs`, `rounds`, `points`...).
    pub(crate) fn with(mut self, key: &str, value: impl Into<Value>) -> Provenance {
        self.fields.insert(key.to_string(), value.into());
        self
    }

    /// Fix the record's date to now.
    pub(crate) fn pin_date(&mut self) {
        self.date.get_or_insert_with(utc_now);
    }

    /// The record of a set that wrote `files`.
    pub(crate) fn record(&self, files: &[String]) -> Value {
        let mut record = Map::new();
        record.insert("program".into(), json!("simulate"));
        record.insert("version".into(), json!(tradewar::report::caption::VERSION));
        record.insert(
            "command".into(),
            json!(std::env::args_os().map(|a| a.to_string_lossy().into_owned()).collect::<Vec<_>>()),
        );
        record.insert("date".into(), json!(self.date.clone().unwrap_or_else(utc_now)));
        record.insert("inputs".into(), Value::Array(self.inputs.clone()));
        for (k, v) in &self.fields {
            record.insert(k.clone(), v.clone());
        }
        record.insert("files".into(), json!(files));
        Value::Object(record)
    }
}

/// The new `provenance.json`: `previous` (the folder's, if any) with the
/// records of sets no longer in the folder dropped and `set`'s record
/// replaced by this one.
pub(crate) fn merged(previous: Option<&[u8]>, set: &str, p: &Provenance, files: &[String], alive: &[String]) -> String {
    let mut sets: BTreeMap<String, Value> = previous
        .and_then(|b| serde_json::from_slice::<Value>(b).ok())
        .and_then(|v| v.get("sets").and_then(Value::as_object).cloned())
        .map(|m| m.into_iter().filter(|(name, _)| alive.contains(name)).collect())
        .unwrap_or_default();
    sets.insert(set.to_string(), p.record(files));
    let doc = json!({
        "about": "where the outputs in this folder come from: one record per command that wrote some (docs/reliability.md)",
        "sets": sets,
    });
    serde_json::to_string_pretty(&doc).expect("JSON of plain values") + "\n"
}

/// The current time in UTC, "2025-11-30T14:05:09Z".
fn utc_now() -> String {
    let secs = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let (days, rest) = (secs / 86_400, secs % 86_400);
    let (y, m, d) = civil_from_days(days as i64);
    format!("{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z", rest / 3600, rest % 3600 / 60, rest % 60)
}

/// The proleptic Gregorian date of a day count since 1970-01-01 (Howard
/// Hinnant's `civil_from_days`).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/*!
`simulate report DIR`: write `report.html` again from an output folder of
`simulate SCENARIO`: its `summary.csv`, the chart files the run's record in
`provenance.json` lists, and the scenario file it names (read again, and
used only if its SHA-256 is still the run's). The page is the one the run
wrote, byte for byte, while the files are unchanged. It is committed as its
own set (`report`), so the run's files stay as they are.
*/

use std::path::Path;

use anyhow::anyhow;
use serde_json::Value;
use tradewar::input::{MAX_TEXT_BYTES, read_bounded};
use tradewar::report::html;

use super::Failure;
use super::output::OutputSet;
use super::provenance::{self, Provenance};

/// Largest chart file read back (an SVG embeds its font).
const MAX_CHART_BYTES: u64 = 64 << 20;

pub(super) fn report(dir: &Path, quiet: bool) -> Result<(), Failure> {
    let not_a_run = |what: &str| {
        Failure::Input(anyhow!(
            "{} {what}: `simulate report` rewrites the page of a folder written by `simulate SCENARIO`",
            dir.display()
        ))
    };
    if !dir.is_dir() {
        return Err(not_a_run("is not a folder"));
    }
    let prov_path = dir.join(provenance::FILE);
    let prov_bytes = read_bounded(&prov_path, 1 << 20).map_err(|_| not_a_run("has no readable provenance.json"))?;
    let prov: Value = serde_json::from_slice(&prov_bytes).map_err(|_| not_a_run("has a damaged provenance.json"))?;
    let record = prov.pointer("/sets/run").cloned().ok_or_else(|| not_a_run("holds no run of a scenario"))?;
    let summary_path = dir.join("summary.csv");
    let summary_csv = read_bounded(&summary_path, MAX_TEXT_BYTES)
        .map_err(|e| Failure::Input(anyhow!("cannot read {}: {e}", summary_path.display())))?;

    let mut charts = Vec::new();
    let files = record.get("files").and_then(Value::as_array).cloned().unwrap_or_default();
    for name in files.iter().filter_map(Value::as_str) {
        if !(name.ends_with(".svg") || name.ends_with(".png")) || name.contains(['/', '\\']) {
            continue;
        }
        let path = dir.join(name);
        let bytes = read_bounded(&path, MAX_CHART_BYTES).map_err(|e| {
            Failure::Input(anyhow!("cannot read {} (a chart of the run): {e}; run the scenario again", path.display()))
        })?;
        charts.push(html::ChartFile { name: name.to_string(), bytes });
    }

    let scenario = scenario_text(&record);
    let page = html::RunPage { summary_csv: summary_csv.clone(), provenance: record, charts, scenario };
    let text = html::run_page(&page)?;
    let mut out = OutputSet::open(dir, "report", quiet)?;
    out.provenance(Provenance::new().input("summary", &summary_path, &summary_csv).input(
        "provenance",
        &prov_path,
        &prov_bytes,
    ));
    out.add(html::FILE, text.as_bytes())?;
    out.commit()?.report(None);
    Ok(())
}

/// The scenario file the run read, if it is still there unchanged.
fn scenario_text(record: &Value) -> html::ScenarioText {
    let input = record
        .get("inputs")
        .and_then(Value::as_array)
        .and_then(|a| a.iter().find(|i| i.get("role").and_then(Value::as_str) == Some("scenario")));
    let Some(input) = input else {
        return html::ScenarioText::Missing("the run's record names no scenario file".into());
    };
    let path = input.get("path").and_then(Value::as_str).unwrap_or_default();
    let want = input.get("sha256").and_then(Value::as_str).unwrap_or_default();
    match read_bounded(Path::new(path), MAX_TEXT_BYTES) {
        Err(e) => html::ScenarioText::Missing(format!("the scenario file {path} cannot be read ({e})")),
        Ok(bytes) if tradewar::sha256::hex(&bytes) != want => {
            html::ScenarioText::Missing(format!("the scenario file {path} has changed since the run"))
        }
        Ok(bytes) => match String::from_utf8(bytes) {
            Ok(text) => html::ScenarioText::Read(text),
            Err(_) => html::ScenarioText::Missing(format!("the scenario file {path} is not UTF-8")),
        },
    }
}

/*!
`simulate robustness`: the outcome shares over a grid of each threshold;
`robustness.csv`, the table.
*/

use tradewar::montecarlo::McConfig;
use tradewar::report;
use tradewar::robustness;
use tradewar::scenario::{self, Overrides};

use super::output::{self, OutputSet};
use super::{Failure, term};
use crate::cli::RobustnessArgs;

pub(super) fn robustness(args: &RobustnessArgs) -> Result<(), Failure> {
    let sim = &args.sim;
    let sc = scenario::load_with(&args.scenario, &Overrides { rounds: sim.rounds, ..Overrides::default() })?;
    let cfg = McConfig { runs: sim.batch.runs.unwrap_or(sc.runs), seed: sim.batch.seed.unwrap_or(sc.seed) };
    output::check_memory(&sc, &sim.batch)?;
    let mut files =
        OutputSet::open(&output::out_dir(&sim.output, &sc.id, "-robustness"), "robustness", sim.output.quiet)?;
    let (result, elapsed) = output::parallel(&sc.id, cfg.runs, &sim.batch, sim.output.quiet, |hooks| {
        robustness::robustness(&sc, &cfg, hooks)
    })?;
    files.add("robustness.csv", &result.csv())?;
    let written = files.commit()?;
    if sim.output.json {
        let rows: Vec<serde_json::Value> = result
            .points
            .iter()
            .zip(&result.counts)
            .map(|(p, c)| {
                let shares: serde_json::Map<String, serde_json::Value> = tradewar::Outcome::ALL
                    .iter()
                    .map(|o| (o.key().to_string(), serde_json::json!(c[*o as usize] as f64 / cfg.runs as f64)))
                    .collect();
                serde_json::json!({ "threshold": p.threshold, "value": p.value, "scenario_value": p.own, "shares": shares })
            })
            .collect();
        let doc = serde_json::json!({ "scenario": sc.name, "runs": cfg.runs, "seed": cfg.seed, "grid": rows });
        term::print(&(serde_json::to_string_pretty(&doc).expect("JSON of plain values") + "\n"))?;
    } else if !sim.output.quiet {
        term::print(&result.text())?;
    }
    written.report(Some(&format!(
        "{} runs × {} rule sets in {:.2} s",
        report::thousands(cfg.runs),
        result.points.len(),
        elapsed.as_secs_f64()
    )));
    Ok(())
}

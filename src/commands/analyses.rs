/*!
`simulate robustness`: the outcome shares over a grid of each threshold;
`robustness.csv`, the table. `simulate sensitivity`: Sobol indices of the
uncertain inputs; `sensitivity.csv`, `sensitivity.png`, the table.
*/

use tradewar::montecarlo::McConfig;
use tradewar::report;
use tradewar::robustness;
use tradewar::scenario::{self, Overrides};

use super::output::{self, OutputSet};
use super::{Failure, term};
use crate::cli::{RobustnessArgs, SensitivityArgs};

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

pub(super) fn sensitivity(args: &SensitivityArgs) -> Result<(), Failure> {
    let sim = &args.sim;
    let sc = scenario::load_with(&args.scenario, &Overrides { rounds: sim.rounds, ..Overrides::default() })?;
    let k = sc.uncertain_params().len();
    if k == 0 {
        return Err(Failure::Input(anyhow::anyhow!(
            "{}: no parameter is a distribution, so there is nothing to attribute the variance to\n\
             help: write an uncertain parameter as a distribution, e.g. noise = {{ beta = [2, 40] }} \
             (docs/scenarios.md)",
            args.scenario.display()
        )));
    }
    let inner = sim.batch.runs.unwrap_or(10);
    let seed = sim.batch.seed.unwrap_or(sc.seed);
    output::check_memory(&sc, &sim.batch)?;
    let mut files =
        OutputSet::open(&output::out_dir(&sim.output, &sc.id, "-sensitivity"), "sensitivity", sim.output.quiet)?;
    let total = args.samples.saturating_mul((k as u64 + 3) * inner);
    let label = format!("{}: {} inputs", sc.id, k + 1);
    let (result, elapsed) = output::parallel(&label, total, &sim.batch, sim.output.quiet, |hooks| {
        tradewar::sensitivity::sensitivity(&sc, args.samples, inner, seed, hooks)
    })?;
    files.add("sensitivity.csv", &result.csv())?;
    for (format, ext) in output::chart_formats(&sim.output) {
        files
            .add_chart(&format!("sensitivity.{ext}"), report::chart::sensitivity::sensitivity_chart(&result, format))?;
    }
    let written = files.commit()?;
    if sim.output.json {
        let figures: Vec<serde_json::Value> = (0..tradewar::sensitivity::FIGURES)
            .map(|f| {
                let inputs: Vec<serde_json::Value> = (0..result.inputs.len())
                    .map(|i| {
                        let (s, t) = (result.first[f][i], result.total[f][i]);
                        serde_json::json!({
                            "input": result.inputs[i], "label": result.labels[i],
                            "first_order": { "value": s.value, "ci_low": s.ci_low, "ci_high": s.ci_high },
                            "total": { "value": t.value, "ci_low": t.ci_low, "ci_high": t.ci_high },
                        })
                    })
                    .collect();
                serde_json::json!({ "figure": result.figures[f], "mean": result.mean[f], "variance": result.variance[f], "inputs": inputs })
            })
            .collect();
        let doc = serde_json::json!({
            "scenario": sc.name, "samples": args.samples, "runs_per_evaluation": inner, "seed": seed, "figures": figures,
        });
        term::print(&(serde_json::to_string_pretty(&doc).expect("JSON of plain values") + "\n"))?;
    } else if !sim.output.quiet {
        term::print(&result.text())?;
    }
    written.report(Some(&format!("{} runs in {:.2} s", report::thousands(total), elapsed.as_secs_f64())));
    Ok(())
}

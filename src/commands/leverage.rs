/*!
`simulate leverage`: value each lever of each side (or of one side) by its
Shapley value over every subset of the side's levers, with common random
numbers; write `leverage.csv` and `leverage.png`, print the table.
*/

use tradewar::error::LeverageError;
use tradewar::leverage::{LeverValues, lever_values};
use tradewar::montecarlo::McConfig;
use tradewar::report::{self, chart, leverage as out};
use tradewar::scenario::{self, Overrides};

use super::output::{self, OutputSet};
use super::{Failure, term};
use crate::cli::LeverageArgs;

pub(super) fn run(args: &LeverageArgs) -> Result<(), Failure> {
    let sim = &args.sim;
    let sc = scenario::load_with(&args.scenario, &Overrides { rounds: sim.rounds, ..Overrides::default() })?;
    let sides: Vec<usize> = match &args.side {
        None => vec![0, 1],
        Some(name) => vec![sc.side_index(name).ok_or_else(|| {
            Failure::Input(
                LeverageError::UnknownSide {
                    side: name.clone(),
                    known: sc.sides.iter().map(|s| format!("`{}`", s.name)).collect::<Vec<_>>().join(", "),
                }
                .into(),
            )
        })?],
    };
    for &i in &sides {
        let n = sc.sides[i].levers.len();
        if n > tradewar::leverage::MAX_SHAPLEY_LEVERS {
            return Err(Failure::Input(
                LeverageError::TooManyLevers {
                    side: sc.sides[i].name.clone(),
                    levers: n,
                    max: tradewar::leverage::MAX_SHAPLEY_LEVERS,
                }
                .into(),
            ));
        }
    }
    let cfg = McConfig { runs: sim.batch.runs.unwrap_or(sc.runs), seed: sim.batch.seed.unwrap_or(sc.seed) };
    output::check_memory(&sc, &sim.batch)?;
    let mut files = OutputSet::open(&output::out_dir(&sim.output, &sc.id, "-leverage"), "leverage", sim.output.quiet)?;
    let variants: u64 = sides.iter().map(|&i| 1u64 << sc.sides[i].levers.len()).sum();
    let label = format!("{}: {variants} variants", sc.id);
    let (values, elapsed) =
        output::parallel(&label, variants.saturating_mul(cfg.runs), &sim.batch, sim.output.quiet, |hooks| {
            sides.iter().map(|&i| lever_values(&sc, i, &cfg, hooks)).collect::<Result<Vec<LeverValues>, _>>()
        })?;
    files.add("leverage.csv", &out::leverage_csv(&values))?;
    for (format, ext) in output::chart_formats(&sim.output) {
        files.add_chart(&format!("leverage.{ext}"), chart::leverage::leverage_chart(&values, format))?;
    }
    let written = files.commit()?;
    if args.sim.output.json {
        let rows: Vec<serde_json::Value> = values
            .iter()
            .flat_map(out::lever_rows)
            .map(|r| {
                serde_json::json!({
                    "side": r.side, "lever": r.lever, "figure": r.figure,
                    "shapley": { "mean": r.shapley.mean, "ci_low": r.shapley.ci_low, "ci_high": r.shapley.ci_high },
                    "without_lever": { "mean": r.without.mean, "ci_low": r.without.ci_low, "ci_high": r.without.ci_high },
                })
            })
            .collect();
        let doc = serde_json::json!({ "scenario": sc.name, "runs": cfg.runs, "seed": cfg.seed, "levers": rows });
        term::print(&(serde_json::to_string_pretty(&doc).expect("JSON of plain values") + "\n"))?;
    } else {
        term::print(&out::leverage_text(&values))?;
    }
    written.report(Some(&format!(
        "{variants} variants × {} runs in {:.2} s",
        report::thousands(cfg.runs),
        elapsed.as_secs_f64()
    )));
    Ok(())
}

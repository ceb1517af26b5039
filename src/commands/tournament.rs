/*!
`simulate tournament`: resolve each side's candidates (command line, then the
candidates file, then the scenario's own strategy), play every cell, and
write `payoffs.csv`, `equilibria.csv` and `tournament.png` with a summary on
stdout.
*/

use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use tradewar::ScenarioError;
use tradewar::montecarlo::{self, Hooks, McConfig};
use tradewar::report::{self, chart, tournament as out};
use tradewar::scenario::{self, Overrides, Scenario};
use tradewar::strategy::Strategy;
use tradewar::tournament::{TournamentReport, candidates, run_tournament};

use super::{Failure, chart_bytes, chart_formats, interrupt_flag, prepare_out_dir, print_stdout, progress_bar};
use crate::cli::TournamentArgs;

pub(super) fn run(args: &TournamentArgs) -> Result<(), Failure> {
    let sim = &args.sim;
    let sc = scenario::load_with(&args.scenario, &Overrides { rounds: sim.rounds, ..Overrides::default() })
        .map_err(|e| Failure::Scenario(vec![e]))?;
    let candidates = candidates(args, &sc)?;
    let cfg = McConfig { runs: sim.batch.runs.unwrap_or(sc.runs), seed: sim.batch.seed.unwrap_or(sc.seed) };
    let out_dir = sim.output.out.clone().unwrap_or_else(|| Path::new("output").join(format!("{}-tournament", sc.id)));
    prepare_out_dir(&out_dir).map_err(Failure::Input)?;

    let cells = (candidates[0].len() * candidates[1].len()) as u64;
    let progress = progress_bar(cells.saturating_mul(cfg.runs), &format!("{}: {cells} cells", sc.id), sim.output.quiet);
    let tick = |n: u64| progress.inc(n);
    let hooks = Hooks { progress: Some(&tick), cancel: Some(interrupt_flag()) };
    let started = Instant::now();
    let threads = sim.batch.threads();
    let tournament = montecarlo::with_threads(threads, || run_tournament(&sc, &candidates, &cfg, &hooks))??;
    let elapsed = started.elapsed();
    progress.finish_and_clear();

    let report = TournamentReport::new(&tournament).map_err(|e| Failure::Runtime(e.into()))?;
    let mut written = Vec::new();
    let mut write = |name: &str, bytes: Vec<u8>| -> Result<(), Failure> {
        report::write_atomic(&out_dir.join(name), &bytes).map_err(|e| Failure::Runtime(e.into()))?;
        written.push(name.to_string());
        Ok(())
    };
    write("payoffs.csv", out::payoffs_csv(&report))?;
    write("equilibria.csv", out::equilibria_csv(&report))?;
    for (format, ext) in chart_formats(sim.output.no_charts, sim.output.svg) {
        let name = format!("tournament.{ext}");
        let bytes = chart_bytes(&out_dir.join(&name), chart::tournament::tournament_chart(&report, format))?;
        write(&name, bytes)?;
    }

    print_stdout(&out::render_summary(&report));
    if !sim.output.quiet {
        eprintln!(
            "{cells} cells × {} runs in {:.2} s; wrote {} in {}",
            report::thousands(cfg.runs),
            elapsed.as_secs_f64(),
            written.join(", "),
            out_dir.display()
        );
    }
    Ok(())
}

/// Each side's candidates: its `--side` list if given, else its entry in the
/// candidates file, else the scenario's own strategy alone.
fn candidates(args: &TournamentArgs, sc: &Scenario) -> Result<[Vec<Strategy>; 2], Failure> {
    let scenario_error = |e: ScenarioError| Failure::Scenario(vec![e]);
    let mut per_side = match &args.candidates {
        Some(file) => candidates::load_candidates(file, sc).map_err(scenario_error)?,
        None => vec![None; sc.sides.len()],
    };
    let mut given = Vec::new();
    for spec in &args.sides {
        let Some((name, list)) = spec.split_once('=') else {
            return Err(Failure::Input(anyhow::anyhow!(
                "--side takes SIDE=STRATEGY,STRATEGY,..., got `{spec}` (the sides of `{}` are {})",
                sc.id,
                side_names(sc)
            )));
        };
        let flag = format!("--{name}");
        let Some(side) = sc.side_index(name) else {
            let err = ScenarioError::new(Path::new(&flag), &Arc::from(""), None, format!("unknown side `{name}`"));
            let err = candidates::unknown_side(err, name, sc);
            let help = format!(
                "{}; if `{flag}` was meant as an option, see `simulate tournament --help`",
                err.help.as_deref().unwrap_or_default()
            );
            return Err(scenario_error(err.with_help(help)));
        };
        if given.contains(&side) {
            return Err(Failure::Input(anyhow::anyhow!("side `{name}` is given twice on the command line")));
        }
        given.push(side);
        per_side[side] = Some(candidates::parse_strategy_list(&flag, list, sc, side).map_err(scenario_error)?);
    }
    let mut resolved = per_side.into_iter().enumerate().map(|(i, c)| {
        c.unwrap_or_else(|| {
            if !args.sim.output.quiet {
                eprintln!(
                    "note: no candidates for side `{}`; it keeps the scenario's strategy, {}",
                    sc.sides[i].name,
                    sc.sides[i].strategy.describe()
                );
            }
            vec![sc.sides[i].strategy.clone()]
        })
    });
    let first = resolved.next().unwrap_or_default();
    let second = resolved.next().unwrap_or_default();
    Ok([first, second])
}

fn side_names(sc: &Scenario) -> String {
    sc.sides.iter().map(|s| format!("`{}`", s.name)).collect::<Vec<_>>().join(", ")
}

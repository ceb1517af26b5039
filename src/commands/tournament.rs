/*!
`simulate tournament`: resolve each side's candidates (command line, then the
candidates file, then the scenario's own strategy), play every cell, and
write `payoffs.csv`, `equilibria.csv` and `tournament.png` with a summary on
stdout.
*/

use std::path::Path;
use std::sync::Arc;

use tradewar::ScenarioError;
use tradewar::montecarlo::McConfig;
use tradewar::report::{self, Caption, chart, tournament as out};
use tradewar::scenario::{self, Overrides, Scenario};
use tradewar::strategy::Strategy;
use tradewar::tournament::{TournamentReport, candidates, run_tournament};

use super::output::{self, OutputSet};
use super::provenance::Provenance;
use super::{Failure, term};
use crate::cli::TournamentArgs;

pub(super) fn run(args: &TournamentArgs) -> Result<(), Failure> {
    let sim = &args.sim;
    let text = scenario::read_text(&args.scenario)?;
    let sc = scenario::parse_with(&args.scenario, &text, &Overrides { rounds: sim.rounds, ..Overrides::default() })?;
    let candidates = candidates(args, &sc)?;
    let cfg = McConfig { runs: sim.batch.runs.unwrap_or(sc.runs), seed: sim.batch.seed.unwrap_or(sc.seed) };
    output::check_memory(&sc, &sim.batch)?;
    let caption = Caption::new(&sc, &args.scenario, &text, sim.output.title.as_deref());
    let mut files =
        OutputSet::open(&output::out_dir(&sim.output, &sc.id, "-tournament"), "tournament", sim.output.quiet)?;
    let mut provenance = Provenance::new().input("scenario", &args.scenario, text.as_bytes());
    if let Some(file) = &args.candidates {
        let bytes = tradewar::input::read_bounded(file, tradewar::input::MAX_TEXT_BYTES).unwrap_or_default();
        provenance = provenance.input("candidates", file, &bytes);
    }
    files.provenance(provenance.with("seed", cfg.seed).with("runs", cfg.runs).with("rounds", sc.rounds).with(
        "candidates",
        serde_json::json!([
            candidates[0].iter().map(|c| c.key()).collect::<Vec<_>>(),
            candidates[1].iter().map(|c| c.key()).collect::<Vec<_>>()
        ]),
    ));

    let cells = (candidates[0].len() * candidates[1].len()) as u64;
    let label = format!("{}: {cells} cells", sc.id);
    // The equilibria are solved on the same `--threads` pool as the games.
    let (report, elapsed) =
        output::parallel(&label, cells.saturating_mul(cfg.runs), &sim.batch, sim.output.quiet, |hooks| {
            run_tournament(&sc, &candidates, &cfg, hooks).map(|tournament| TournamentReport::new(&tournament))
        })?;
    let report = report.map_err(|e| Failure::Runtime(e.into()))?;
    files.add("payoffs.csv", &out::payoffs_csv(&report))?;
    files.add("equilibria.csv", &out::equilibria_csv(&report))?;
    for (format, ext) in output::chart_formats(&sim.output) {
        files
            .add_chart(&format!("tournament.{ext}"), chart::tournament::tournament_chart(&report, &caption, format))?;
    }
    let written = files.commit()?;

    output::show(&sim.output, || out::render_summary(&report), || out::tournament_json(&report))?;
    written.report(Some(&format!(
        "{cells} cells × {} runs in {:.2} s",
        report::thousands(cfg.runs),
        elapsed.as_secs_f64()
    )));
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
            let help = match near_option(name) {
                Some(option) => format!(
                    "did you mean the option `--{option}`? (or a side: {})",
                    err.help.as_deref().unwrap_or_default()
                ),
                None => format!(
                    "{}; if `{flag}` was meant as an option, see `simulate tournament --help`",
                    err.help.as_deref().unwrap_or_default()
                ),
            };
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
            if args.sim.output.notes() {
                term::note(&format!(
                    "note: no candidates for side `{}`; it keeps the scenario's strategy, {}",
                    sc.sides[i].name,
                    sc.sides[i].strategy.describe()
                ));
            }
            vec![sc.sides[i].strategy.clone()]
        })
    });
    let first = resolved.next().unwrap_or_default();
    let second = resolved.next().unwrap_or_default();
    Ok([first, second])
}

/// An option of `simulate tournament` that `name` (given as `--name`, and
/// so taken for a side) is probably a typo of.
fn near_option(name: &str) -> Option<String> {
    use clap::CommandFactory;
    let command = crate::cli::Cli::command();
    let tournament = command.find_subcommand("tournament")?;
    tournament
        .get_arguments()
        .filter_map(|a| a.get_long())
        .filter(|long| *long != "side")
        .map(|long| (crate::cli::edit_distance(name, long), long))
        .filter(|&(d, long)| d > 0 && d <= if long.len() <= 3 { 1 } else { 2 })
        .min()
        .map(|(_, long)| long.to_string())
}

fn side_names(sc: &Scenario) -> String {
    sc.sides.iter().map(|s| format!("`{}`", s.name)).collect::<Vec<_>>().join(", ")
}

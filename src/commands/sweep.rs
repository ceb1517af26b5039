/*!
`simulate sweep` and `simulate merge`: a scenario at every point of a grid,
whole or one shard at a time, and the shards combined. Outputs are written only
once every point is done, so an interrupted sweep leaves nothing partial.
*/

use std::path::{Path, PathBuf};

use anyhow::anyhow;
use tradewar::Error;
use tradewar::report::sweep::{SweepReport, sweep_csv, sweep_table};
use tradewar::report::{self, chart};
use tradewar::sweep::{self, Input, Piece, PointResult, Sweep, SweepSpec, shard};

use super::output::{self, OutputSet};
use super::{Failure, term};
use crate::cli::{MergeArgs, OutputArgs, SweepArgs};

pub fn sweep(args: &SweepArgs) -> Result<(), Failure> {
    let mut spec = match sweep::read_input(&args.file)? {
        Input::Scenario { path, text } => {
            if args.list_params {
                return list_params(&path, &text);
            }
            SweepSpec::from_args(&path, text, &args.vary).map_err(Error::from)?
        }
        Input::Sweep(spec) => {
            if args.list_params {
                return list_params(&spec.scenario_path, &spec.scenario_text);
            }
            if !args.vary.is_empty() {
                return Err(Failure::Input(anyhow!(
                    "{} is a sweep file, which names its own parameters: use --vary with a scenario file",
                    args.file.display()
                )));
            }
            *spec
        }
    };
    spec.runs = args.batch.runs.or(spec.runs);
    spec.seed = args.batch.seed.or(spec.seed);
    let sweep = Sweep::prepare(&spec)?;
    let pieces: Vec<Piece> = match args.shard {
        Some(s) => s.pieces(sweep.points(), sweep.runs).map_err(Error::from)?,
        None => sweep.pieces(),
    };
    output::check_memory(&sweep.base, &args.batch)?;
    let (set, label) = match args.shard {
        Some(s) => {
            (format!("shard-{}-of-{}", s.index, s.count), format!("{} shard {}/{}", sweep.name, s.index, s.count))
        }
        None => ("sweep".to_string(), format!("{} sweep", sweep.name)),
    };
    let mut out = OutputSet::open(&output::out_dir(&args.output, &sweep.name, "-sweep"), &set, args.output.quiet)?;
    let runs: u64 = pieces.iter().map(Piece::count).sum();
    let (results, elapsed) = output::parallel(&label, runs, &args.batch, args.output.quiet, |hooks| {
        sweep::run_sweep(&sweep, &pieces, hooks)
    })?;

    let plural = |n: usize| if n == 1 { "" } else { "s" };
    let what = if pieces.iter().all(|p| p.count() == sweep.runs) {
        format!("{} point{} × {} runs", pieces.len(), plural(pieces.len()), report::thousands(sweep.runs))
    } else {
        format!("{} runs in {} piece{} of points", report::thousands(runs), pieces.len(), plural(pieces.len()))
    };
    let work = format!("{what} in {:.2} s", elapsed.as_secs_f64());
    match args.shard {
        Some(s) => {
            out.add(&s.file_name(), &shard::shard_json(&sweep, s, &pieces, &results))?;
            let dir = out.dir().to_path_buf();
            out.commit()?.report(Some(&work));
            if !args.output.quiet {
                term::note(&format!("when every shard is done: simulate merge {}", dir.display()));
            }
        }
        None => write_outputs(out, &sweep, &results, &args.output, &work)?,
    }
    Ok(())
}

pub fn merge(args: &MergeArgs) -> Result<(), Failure> {
    let out_dir = match (&args.output.out, args.dirs.as_slice()) {
        (Some(out), _) => out.clone(),
        (None, [one]) if one.is_dir() => one.clone(),
        (None, [one]) => one.parent().map_or_else(|| PathBuf::from("."), Path::to_path_buf),
        (None, _) => return Err(Failure::Input(anyhow!("merging several folders: give --out for the outputs"))),
    };
    let started = std::time::Instant::now();
    let merged = shard::merge(&args.dirs)?;
    let out = OutputSet::open(&out_dir, "sweep", args.output.quiet)?;
    let work = format!(
        "{} shards: {} points × {} runs in {:.2} s",
        merged.shards,
        merged.sweep.points(),
        report::thousands(merged.sweep.runs),
        started.elapsed().as_secs_f64()
    );
    write_outputs(out, &merged.sweep, &merged.results, &args.output, &work)
}

/// Stage `sweep.csv` and the charts, switch them in, then print the table
/// and the summary line.
fn write_outputs(
    mut out: OutputSet,
    sweep: &Sweep,
    results: &[PointResult],
    args: &OutputArgs,
    work: &str,
) -> Result<(), Failure> {
    let report = SweepReport::new(sweep, results);
    out.add("sweep.csv", &sweep_csv(&report))?;
    for (format, _) in output::chart_formats(args) {
        out.add_charts(chart::sweep::sweep_charts(&report, format))?;
    }
    let written = out.commit()?;
    term::print(&sweep_table(&report))?;
    written.report(Some(work));
    Ok(())
}

/// `--list-params`: every path a sweep may vary, with its value in the file.
fn list_params(path: &Path, text: &str) -> Result<(), Failure> {
    let params = sweep::list_params(path, text)?;
    let width = params.iter().map(|p| p.canonical.len()).max().unwrap_or(0);
    let mut out = format!("parameters of {} (path, value in the file):\n", path.display());
    for p in &params {
        let value = p.current.as_deref().unwrap_or("(default)");
        out.push_str(&format!("  {:width$}  {value}\n", p.canonical));
    }
    term::print(&out)
}

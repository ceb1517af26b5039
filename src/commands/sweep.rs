/*!
`simulate sweep` and `simulate merge`: a scenario at every point of a grid,
whole or one shard at a time, and the shards combined. Outputs are written only
once every point is done, so an interrupted sweep leaves nothing partial.
*/

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::anyhow;
use tradewar::Error;
use tradewar::montecarlo::{self, Hooks};
use tradewar::report::sweep::{SweepReport, sweep_csv, sweep_table};
use tradewar::report::{self, chart};
use tradewar::sweep::{self, Input, Piece, PointResult, Sweep, SweepSpec, shard};

use super::{Failure, chart_bytes, chart_formats, interrupt_flag, prepare_out_dir, print_stdout, progress_bar};
use crate::cli::{MergeArgs, SweepArgs};

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
    let runs: u64 = pieces.iter().map(Piece::count).sum();
    let out_dir = args.output.out.clone().unwrap_or_else(|| Path::new("output").join(format!("{}-sweep", sweep.name)));
    prepare_out_dir(&out_dir).map_err(Failure::Input)?;

    let label = match args.shard {
        Some(s) => format!("{} shard {}/{}", sweep.name, s.index, s.count),
        None => format!("{} sweep", sweep.name),
    };
    let progress = progress_bar(runs, &label, args.output.quiet);
    let tick = |n: u64| progress.inc(n);
    let hooks = Hooks { progress: Some(&tick), cancel: Some(interrupt_flag()) };
    let started = Instant::now();
    let threads = args.batch.threads();
    let results = montecarlo::with_threads(threads, || sweep::run_sweep(&sweep, &pieces, &hooks))??;
    let elapsed = started.elapsed();
    progress.finish_and_clear();

    let plural = |n: usize| if n == 1 { "" } else { "s" };
    let what = if pieces.iter().all(|p| p.count() == sweep.runs) {
        format!("{} point{} × {} runs", pieces.len(), plural(pieces.len()), report::thousands(sweep.runs))
    } else {
        format!("{} runs in {} piece{} of points", report::thousands(runs), pieces.len(), plural(pieces.len()))
    };
    let written = match args.shard {
        Some(s) => {
            let name = s.file_name();
            let bytes = shard::shard_json(&sweep, s, &pieces, &results);
            report::write_atomic(&out_dir.join(&name), &bytes).map_err(|e| Failure::Runtime(e.into()))?;
            vec![name]
        }
        None => write_outputs(&sweep, &results, &out_dir, args.output.no_charts, args.output.svg)?,
    };
    if !args.output.quiet {
        note(&what, elapsed, &written, &out_dir);
        if args.shard.is_some() {
            eprintln!("when every shard is done: simulate merge {}", out_dir.display());
        }
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
    let started = Instant::now();
    let merged = shard::merge(&args.dirs)?;
    prepare_out_dir(&out_dir).map_err(Failure::Input)?;
    let written = write_outputs(&merged.sweep, &merged.results, &out_dir, args.output.no_charts, args.output.svg)?;
    if !args.output.quiet {
        let what = format!(
            "{} shards: {} points × {} runs",
            merged.shards,
            merged.sweep.points(),
            report::thousands(merged.sweep.runs)
        );
        note(&what, started.elapsed(), &written, &out_dir);
    }
    Ok(())
}

/// Write `sweep.csv` and the charts, then print the table; returns the file
/// names written.
fn write_outputs(
    sweep: &Sweep,
    results: &[PointResult],
    out_dir: &Path,
    no_charts: bool,
    svg: bool,
) -> Result<Vec<String>, Failure> {
    let report = SweepReport::new(sweep, results);
    report::write_atomic(&out_dir.join("sweep.csv"), &sweep_csv(&report)).map_err(|e| Failure::Runtime(e.into()))?;
    let mut written = vec!["sweep.csv".to_string()];
    for (format, _) in chart_formats(no_charts, svg) {
        let charts = chart_bytes(out_dir, chart::sweep::sweep_charts(&report, format))?;
        for (name, bytes) in charts {
            report::write_atomic(&out_dir.join(&name), &bytes).map_err(|e| Failure::Runtime(e.into()))?;
            written.push(name);
        }
    }
    print_stdout(&sweep_table(&report));
    Ok(written)
}

fn note(what: &str, elapsed: Duration, written: &[String], out_dir: &Path) {
    eprintln!("{what} in {:.2} s; wrote {} in {}", elapsed.as_secs_f64(), written.join(", "), out_dir.display());
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
    let mut stdout = std::io::stdout().lock();
    let _ = stdout.write_all(out.as_bytes()).and_then(|_| stdout.flush());
    Ok(())
}

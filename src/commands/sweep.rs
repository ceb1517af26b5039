/*!
`simulate sweep` and `simulate merge`: a scenario at every point of a grid,
whole or one shard at a time, and the shards combined. Outputs are written only
once every point is done, so an interrupted sweep leaves nothing partial.
*/

use std::path::{Path, PathBuf};

use anyhow::anyhow;
use tradewar::Error;
use tradewar::report::sweep::{SweepReport, sweep_csv, sweep_json, sweep_table};
use tradewar::report::{Caption, chart};
use tradewar::sweep::{self, Input, Piece, PointResult, Sweep, SweepSpec, shard};

use super::output::{self, OutputSet};
use super::provenance::Provenance;
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
    let mut provenance = Provenance::new();
    if let Some((path, text)) = &spec.file {
        provenance = provenance.input("sweep", path, text.as_bytes());
    }
    let provenance = provenance
        .input("scenario", &sweep.scenario_path, sweep.scenario_text.as_bytes())
        .with("seed", sweep.seed)
        .with("runs", sweep.runs)
        .with("rounds", sweep.base.rounds)
        .with("parameters", parameters(&sweep))
        .with("shard", args.shard.map(|s| format!("{}/{}", s.index, s.count)));
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
    out.provenance(provenance);
    let runs: u64 = pieces.iter().map(Piece::count).sum();
    let (results, elapsed) = output::parallel(&label, runs, &args.batch, args.output.quiet, |hooks| {
        sweep::run_sweep(&sweep, &pieces, hooks)
    })?;

    let what = if pieces.iter().all(|p| p.count() == sweep.runs) {
        format!(
            "{} × {}",
            tradewar::fmt::count_of(pieces.len() as u64, "point"),
            tradewar::fmt::count_of(sweep.runs, "run")
        )
    } else {
        format!(
            "{} in {}",
            tradewar::fmt::count_of(runs, "run"),
            tradewar::fmt::count_of(pieces.len() as u64, "piece of points")
        )
    };
    let work = format!("{what} in {:.2} s", elapsed.as_secs_f64());
    match args.shard {
        Some(s) => {
            out.add(&s.file_name(), &shard::shard_json(&sweep, s, &pieces, &results))?;
            let dir = out.dir().to_path_buf();
            out.commit()?.report(Some(&work));
            if args.output.notes() {
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
    let mut out = OutputSet::open(&out_dir, "sweep", args.output.quiet)?;
    let sweep = &merged.sweep;
    out.provenance(
        Provenance::new()
            .input("scenario (as the shards hold it)", &sweep.scenario_path, sweep.scenario_text.as_bytes())
            .with("seed", sweep.seed)
            .with("runs", sweep.runs)
            .with("rounds", sweep.base.rounds)
            .with("parameters", parameters(sweep))
            .with("merged", args.dirs.iter().map(|d| d.display().to_string()).collect::<Vec<_>>()),
    );
    let work = format!(
        "{}: {} × {} in {:.2} s",
        tradewar::fmt::count_of(merged.shards as u64, "shard"),
        tradewar::fmt::count_of(merged.sweep.points() as u64, "point"),
        tradewar::fmt::count_of(merged.sweep.runs, "run"),
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
    let caption = Caption::new(&sweep.base, &sweep.scenario_path, &sweep.scenario_text, args.title.as_deref());
    out.add("sweep.csv", &sweep_csv(&report))?;
    for (format, _) in output::chart_formats(args) {
        out.add_charts(chart::sweep::sweep_charts(&report, &caption, format))?;
    }
    let written = out.commit()?;
    output::show(args, || sweep_table(&report), || sweep_json(&report))?;
    written.report(Some(work));
    Ok(())
}

/// The swept parameters and their values, for `provenance.json`.
fn parameters(sweep: &Sweep) -> serde_json::Value {
    serde_json::json!(
        sweep
            .params
            .iter()
            .map(|p| serde_json::json!({ "path": p.path.canonical, "values": p.values }))
            .collect::<Vec<_>>()
    )
}

/// `--list-params`: every path a sweep may vary, with its value in the file.
fn list_params(path: &Path, text: &str) -> Result<(), Failure> {
    let params = sweep::list_params(path, text)?;
    let width = params.iter().map(|p| p.canonical.len()).max().unwrap_or(0);
    // Paths longer than the column (few) push their value along.
    let width = width.min(48);
    let mut out = format!("parameters of {} (path, value in the file):\n", path.display());
    for p in &params {
        let value = p.current.as_deref().unwrap_or("(default)");
        out.push_str(&format!("  {:width$}  {value}\n", p.canonical));
    }
    term::print(&tradewar::fmt::wrap(&out, tradewar::report::table::WIDTH))
}

//! The main command: run one scenario and write its summary, trajectory and charts.

use std::io::BufWriter;
use std::path::Path;
use std::time::Instant;

use tradewar::Error;
use tradewar::montecarlo::{self, Hooks, McConfig};
use tradewar::report::{self, Report, chart, csv, table};
use tradewar::scenario::{self, Overrides};

use super::{Failure, chart_bytes, chart_formats, interrupt_flag, prepare_out_dir, print_stdout, progress_bar};
use crate::cli::RunArgs;

pub(super) fn run(args: &RunArgs) -> Result<(), Failure> {
    let path = args.scenario.as_deref().expect("clap requires SCENARIO");
    let sim = &args.sim;
    let sc = scenario::load_with(path, &Overrides { rounds: sim.rounds, ..Overrides::default() })
        .map_err(|e| Failure::Scenario(vec![e]))?;
    let cfg = McConfig { runs: sim.batch.runs.unwrap_or(sc.runs), seed: sim.batch.seed.unwrap_or(sc.seed) };
    let out_dir = sim.output.out.clone().unwrap_or_else(|| Path::new("output").join(&sc.id));
    prepare_out_dir(&out_dir).map_err(Failure::Input)?;

    let progress = progress_bar(cfg.runs, &sc.id, sim.output.quiet);
    let tick = |n: u64| progress.inc(n);
    let hooks = Hooks { progress: Some(&tick), cancel: Some(interrupt_flag()) };

    let mut runs_csv = if args.runs_csv {
        let tmp = report::AtomicFile::create(&out_dir.join("runs.csv")).map_err(|e| Failure::Runtime(e.into()))?;
        let names: Vec<String> = sc.sides.iter().map(|s| s.name.clone()).collect();
        let w = csv::RunsCsv::new(BufWriter::new(tmp), &names).map_err(|e| Failure::Runtime(e.into()))?;
        Some(w)
    } else {
        None
    };
    let started = Instant::now();
    let threads = sim.batch.threads();
    let batch = {
        let mut sink = |run: u64, s: &tradewar::outcome::RunSummary| -> Result<(), Error> {
            let w = runs_csv.as_mut().expect("sink only with runs.csv");
            w.row(run, s).map_err(|e| report::io_error(&out_dir.join("runs.csv"), e))
        };
        let sink_ref: Option<montecarlo::RunSink> = if args.runs_csv { Some(&mut sink) } else { None };
        montecarlo::with_threads(threads, || montecarlo::run_batch(&sc, &cfg, &hooks, sink_ref))??
    };
    let elapsed = started.elapsed();
    progress.finish_and_clear();

    let report = Report::new(&sc, &batch);
    let mut written = Vec::new();
    let mut write = |name: &str, bytes: Vec<u8>| -> Result<(), Failure> {
        let p = out_dir.join(name);
        report::write_atomic(&p, &bytes).map_err(|e| Failure::Runtime(e.into()))?;
        written.push(name.to_string());
        Ok(())
    };
    write("summary.csv", csv::summary_csv(&report))?;
    write("trajectory.csv", csv::trajectory_csv(&report))?;
    for (format, ext) in chart_formats(sim.output.no_charts, sim.output.svg) {
        let name = format!("outcomes.{ext}");
        write(&name, chart_bytes(&out_dir.join(&name), chart::outcomes_chart(&report, format))?)?;
        let name = format!("trajectory.{ext}");
        write(&name, chart_bytes(&out_dir.join(&name), chart::trajectory_chart(&report, format))?)?;
    }
    if let Some(w) = runs_csv {
        let buf = w.finish().map_err(|e| Failure::Runtime(e.into()))?;
        let file =
            buf.into_inner().map_err(|e| Failure::Runtime(anyhow::anyhow!("writing runs.csv: {}", e.error())))?;
        file.commit().map_err(|e| Failure::Runtime(e.into()))?;
        written.push("runs.csv".into());
    }

    print_stdout(&if args.json { report.summary_json() } else { table::render(&report) });
    if !sim.output.quiet {
        let secs = elapsed.as_secs_f64();
        eprintln!(
            "{} runs in {:.2} s ({:.0} runs/s); wrote {} in {}",
            cfg.runs,
            secs,
            cfg.runs as f64 / secs.max(1e-9),
            written.join(", "),
            out_dir.display()
        );
    }
    Ok(())
}

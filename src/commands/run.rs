//! The main command: run one scenario and write its summary, trajectory, charts and report.html.

use std::io::BufWriter;

use tradewar::montecarlo::{self, McConfig};
use tradewar::outcome::RunSummary;
use tradewar::report::{self, Caption, Report, chart, csv, html, table};
use tradewar::scenario::{self, Overrides};

use super::Failure;
use super::output::{self, OutputSet};
use super::provenance::Provenance;
use crate::cli::RunArgs;

pub(super) fn run(args: &RunArgs) -> Result<(), Failure> {
    let path = args.scenario.as_deref().expect("clap requires SCENARIO");
    let sim = &args.sim;
    let text = scenario::read_text(path)?;
    let sc = scenario::parse_with(path, &text, &Overrides { rounds: sim.rounds, ..Overrides::default() })?;
    let cfg = McConfig { runs: sim.batch.runs.unwrap_or(sc.runs), seed: sim.batch.seed.unwrap_or(sc.seed) };
    output::check_memory(&sc, &sim.batch)?;
    let caption = Caption::new(&sc, path, &text, sim.output.title.as_deref());
    let mut out = OutputSet::open(&output::out_dir(&sim.output, &sc.id, ""), "run", sim.output.quiet)?;
    out.provenance(
        Provenance::new()
            .input("scenario", path, text.as_bytes())
            .with("seed", cfg.seed)
            .with("runs", cfg.runs)
            .with("rounds", sc.rounds),
    );

    let mut runs_csv = match args.runs_csv {
        true => {
            let names: Vec<String> = sc.sides.iter().map(|s| s.name.clone()).collect();
            let stream = BufWriter::new(out.stream("runs.csv")?);
            Some(csv::RunsCsv::new(stream, &names).map_err(|e| out.write_error("runs.csv", e))?)
        }
        false => None,
    };
    let runs_path = out.path("runs.csv");
    let (batch, elapsed) = output::parallel(&sc.id, cfg.runs, &sim.batch, sim.output.quiet, |hooks| {
        let mut sink = |run: u64, s: &RunSummary| {
            let w = runs_csv.as_mut().expect("sink only with runs.csv");
            w.row(run, s).map_err(|e| report::io_error(&runs_path, e))
        };
        let sink_ref: Option<montecarlo::RunSink> = if args.runs_csv { Some(&mut sink) } else { None };
        montecarlo::run_batch(&sc, &cfg, hooks, sink_ref)
    })?;

    let report = Report::new(&sc, &batch);
    let summary_csv = csv::summary_csv(&report);
    out.add("summary.csv", &summary_csv)?;
    out.add("trajectory.csv", &csv::trajectory_csv(&report))?;
    out.add("concessions.csv", &csv::concessions_csv(&report))?;
    if !report.truces.is_empty() {
        out.add("truces.csv", &report::truces::truces_csv(&report.truces))?;
    }
    let mut charts = Vec::new();
    let mut stage_chart = |out: &mut OutputSet, name: String, rendered: Result<Vec<u8>, String>| {
        out.add_chart(&name, rendered.clone())?;
        charts.push(html::ChartFile { name, bytes: rendered.unwrap_or_default() });
        Ok::<(), Failure>(())
    };
    for (format, ext) in output::chart_formats(&sim.output) {
        stage_chart(&mut out, format!("outcomes.{ext}"), chart::outcomes_chart(&report, &caption, format))?;
        stage_chart(&mut out, format!("trajectory.{ext}"), chart::trajectory_chart(&report, &caption, format))?;
        if !report.truces.is_empty() {
            let truces = chart::truces::truces_chart(&report.meta, &report.truces, format);
            stage_chart(&mut out, format!("truces.{ext}"), truces)?;
        }
    }
    if let Some(w) = runs_csv {
        let stream = w
            .finish()
            .and_then(|buffered| buffered.into_inner().map_err(|e| e.into_error()))
            .map_err(|e| out.write_error("runs.csv", e))?;
        out.add_stream(stream)?;
    }
    // The page last: it lists every file of the set.
    let page = html::RunPage {
        summary_csv,
        provenance: out.provenance_record(&[html::FILE]),
        charts,
        scenario: html::ScenarioText::Read(text.clone()),
    };
    out.add(html::FILE, html::run_page(&page)?.as_bytes())?;
    let written = out.commit()?;

    output::show(&sim.output, || table::render(&report), || report.summary_json())?;
    written.report(Some(&output::runs_done(cfg.runs, elapsed)));
    Ok(())
}

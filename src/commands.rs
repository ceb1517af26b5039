/*!
What each subcommand does. Errors are sorted into input errors (exit 2),
interruptions (exit 130) and runtime failures (exit 1) and printed once.
*/

use std::io::{BufWriter, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use anyhow::Context;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use tradewar::montecarlo::{self, Hooks, McConfig};
use tradewar::report::{self, Report, chart, csv, table};
use tradewar::scenario::{self, Overrides};
use tradewar::strategy::CATALOG;
use tradewar::{Error, ScenarioError};

use crate::cli::{Cli, Command, RunArgs};

mod fit;
mod sweep;
mod tournament;

/// Why a command failed, which decides the exit code.
pub enum Failure {
    /// A bad scenario file, rendered with its source line.
    Scenario(Vec<ScenarioError>),
    /// Any other bad input (an output path that is a file, ...).
    Input(anyhow::Error),
    Interrupted(String),
    Runtime(anyhow::Error),
}

impl Failure {
    pub fn report(self) -> ExitCode {
        match self {
            Failure::Scenario(errs) => {
                for e in errs {
                    eprintln!("{}", e.render());
                }
                ExitCode::from(2)
            }
            Failure::Input(e) => {
                eprintln!("error: {e:#}");
                ExitCode::from(2)
            }
            Failure::Interrupted(msg) => {
                eprintln!("interrupted: {msg}; previous outputs were left untouched");
                ExitCode::from(130)
            }
            Failure::Runtime(e) => {
                eprintln!("error: {e:#}");
                ExitCode::from(1)
            }
        }
    }
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        match e {
            Error::Scenario(s) => Failure::Scenario(vec![s]),
            Error::Interrupted { done, total } => Failure::Interrupted(format!("stopped after {done} of {total} runs")),
            Error::Sweep(e) => Failure::Input(e.into()),
            other => Failure::Runtime(other.into()),
        }
    }
}

pub fn dispatch(cli: Cli) -> Result<(), Failure> {
    match cli.command {
        Some(Command::Validate { files }) => validate(&files),
        Some(Command::Fit(args)) => fit::fit(&args),
        Some(Command::Backtest(args)) => fit::backtest(&args),
        Some(Command::Strategies) => {
            strategies();
            Ok(())
        }
        Some(Command::Sweep(args)) => sweep::sweep(&args),
        Some(Command::Merge(args)) => sweep::merge(&args),
        Some(Command::Tournament(args)) => tournament::run(&args),
        Some(Command::Playthrough { scenario, run, seed }) => {
            let mut sc = scenario::load(&scenario).map_err(|e| Failure::Scenario(vec![e]))?;
            if let Some(seed) = seed {
                sc.seed = seed;
            }
            let streams = tradewar::rng::Streams::new(sc.seed);
            let mut game = tradewar::engine::Game::new(&sc, &streams);
            let trace = game.play(run);
            print!("{}", report::playthrough::render(&sc, run, trace));
            Ok(())
        }
        None => run(&cli.run),
    }
}

fn validate(files: &[PathBuf]) -> Result<(), Failure> {
    let mut errors = Vec::new();
    for f in files {
        match scenario::load(f) {
            Ok(sc) => {
                println!(
                    "ok: {} ({}: {} rounds, {} vs {})",
                    f.display(),
                    sc.name,
                    sc.rounds,
                    sc.sides[0].name,
                    sc.sides[1].name
                );
                for i in 0..2 {
                    let g = sc.stage_game(i);
                    println!(
                        "    {} stage game: R={:.3} S={:.3} T={:.3} P={:.3}{}; strategy {}",
                        sc.sides[i].name,
                        g.r,
                        g.s,
                        g.t,
                        g.p,
                        if g.is_prisoners_dilemma() { " (a prisoner's dilemma)" } else { "" },
                        sc.sides[i].strategy.describe()
                    );
                }
            }
            Err(e) => errors.push(e),
        }
    }
    if errors.is_empty() { Ok(()) } else { Err(Failure::Scenario(errors)) }
}

fn strategies() {
    for e in CATALOG {
        println!("{}  ({})", e.kind, e.names);
        println!("    {}", e.about);
        for p in e.params {
            match p.default {
                Some(d) => println!("    {} = {}  [default: {d}]", p.name, p.about),
                None => println!("    {} = {}  [required]", p.name, p.about),
            }
        }
    }
    println!("\nIn a scenario: strategy = {{ kind = \"generous_tit_for_tat\", generosity = 0.2 }}");
}

fn run(args: &RunArgs) -> Result<(), Failure> {
    let path = args.scenario.as_deref().expect("clap requires SCENARIO");
    let sim = &args.sim;
    let sc = scenario::load_with(path, &Overrides { rounds: sim.rounds }).map_err(|e| Failure::Scenario(vec![e]))?;
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
        let outcomes = out_dir.join(format!("outcomes.{ext}"));
        chart::outcomes_chart(&report, &outcomes, format).map_err(|e| Failure::Runtime(e.into()))?;
        let trajectory = out_dir.join(format!("trajectory.{ext}"));
        chart::trajectory_chart(&report, &trajectory, format).map_err(|e| Failure::Runtime(e.into()))?;
        written.push(format!("outcomes.{ext}"));
        written.push(format!("trajectory.{ext}"));
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

/// A progress bar over `total` runs on stderr, hidden when `quiet` or when
/// stderr is not a terminal.
fn progress_bar(total: u64, message: &str, quiet: bool) -> ProgressBar {
    if quiet || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let pb = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr_with_hz(10));
    pb.set_style(
        ProgressStyle::with_template("{spinner} {msg} [{bar:40}] {human_pos}/{human_len} runs, {per_sec:0}, ETA {eta}")
            .expect("static template")
            .progress_chars("=> "),
    );
    pb.set_message(message.to_string());
    pb
}

/// The chart formats asked for, with their file extensions: PNG unless
/// `--no-charts`, SVG with `--svg`.
fn chart_formats(no_charts: bool, svg: bool) -> Vec<(chart::Format, &'static str)> {
    let mut formats = Vec::new();
    if !no_charts {
        formats.push((chart::Format::Png, "png"));
    }
    if svg {
        formats.push((chart::Format::Svg, "svg"));
    }
    formats
}

/// Print `text` on stdout; a closed pipe (`| head`) is not an error worth
/// reporting.
fn print_stdout(text: &str) {
    let mut stdout = std::io::stdout().lock();
    let _ = stdout.write_all(text.as_bytes()).and_then(|_| stdout.flush());
}

/// A flag raised by Ctrl-C or SIGTERM: the batch stops within about a
/// thousand runs per worker and nothing is written. A second signal exits at
/// once.
pub(crate) fn interrupt_flag() -> &'static AtomicBool {
    static FLAG: AtomicBool = AtomicBool::new(false);
    static INSTALL: std::sync::Once = std::sync::Once::new();
    INSTALL.call_once(|| {
        let _ = ctrlc::set_handler(|| {
            if FLAG.swap(true, Ordering::SeqCst) {
                std::process::exit(130);
            }
        });
    });
    &FLAG
}

/// Create the output folder and make sure a file can be written there, before
/// any work starts.
pub(crate) fn prepare_out_dir(dir: &Path) -> anyhow::Result<()> {
    if dir.exists() && !dir.is_dir() {
        anyhow::bail!("output path {} exists and is not a folder", dir.display());
    }
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create output folder {}", dir.display()))?;
    tempfile::Builder::new()
        .prefix(".simulate-probe-")
        .tempfile_in(dir)
        .with_context(|| format!("cannot write in output folder {}", dir.display()))?;
    Ok(())
}

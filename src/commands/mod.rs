/*!
What each subcommand does. Errors are sorted into input errors (exit 2),
interruptions (exit 130) and runtime failures (exit 1) and printed once.
*/

use std::io::{IsTerminal, Write};
use std::path::Path;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};

use anyhow::Context;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use tradewar::report::chart;
use tradewar::{Error, ScenarioError};

use crate::cli::{Cli, Command};

mod fit;
mod playthrough;
mod run;
mod strategies;
mod sweep;
mod tournament;
mod validate;

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
        Some(Command::Validate { files }) => validate::validate(&files),
        Some(Command::Fit(args)) => fit::fit(&args),
        Some(Command::Backtest(args)) => fit::backtest(&args),
        Some(Command::Strategies) => {
            strategies::strategies();
            Ok(())
        }
        Some(Command::Sweep(args)) => sweep::sweep(&args),
        Some(Command::Merge(args)) => sweep::merge(&args),
        Some(Command::Tournament(args)) => tournament::run(&args),
        Some(Command::Playthrough { scenario, run, seed }) => playthrough::playthrough(&scenario, run, seed),
        None => run::run(&cli.run),
    }
}

/// A progress bar over `total` runs on stderr, hidden when `quiet` or when
/// stderr is not a terminal.
pub(crate) fn progress_bar(total: u64, message: &str, quiet: bool) -> ProgressBar {
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
pub(crate) fn chart_formats(no_charts: bool, svg: bool) -> Vec<(chart::Format, &'static str)> {
    let mut formats = Vec::new();
    if !no_charts {
        formats.push((chart::Format::Png, "png"));
    }
    if svg {
        formats.push((chart::Format::Svg, "svg"));
    }
    formats
}

/// A rendered chart's bytes, or the failure naming the file it was for.
pub(crate) fn chart_bytes<T>(path: &Path, rendered: Result<T, String>) -> Result<T, Failure> {
    rendered.map_err(|message| {
        Failure::Runtime(tradewar::error::ReportError::Chart { path: path.to_path_buf(), message }.into())
    })
}

/// Print `text` on stdout; a closed pipe (`| head`) is not an error worth
/// reporting.
pub(crate) fn print_stdout(text: &str) {
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

/*!
What each subcommand does. Errors are sorted into input errors (exit 2),
interruptions (exit 130) and runtime failures (exit 1) and printed once, by
`Failure::report`. Everything printed goes through `term`; every output
folder through `output::OutputSet`; signals are handled in `signals`.
*/

use std::process::ExitCode;

use tradewar::calibrate::history::HistoryError;
use tradewar::error::ReportError;
use tradewar::{Error, ScenarioError};

use crate::cli::{Cli, Command};

mod analyses;
mod compare;
mod fit;
mod leverage;
mod meta;
mod output;
mod playthrough;
mod provenance;
mod report;
mod run;
mod signals;
mod strategies;
mod sweep;
mod term;
mod tournament;
mod validate;

/// Why a command failed, which decides the exit code.
pub enum Failure {
    /// A bad scenario file, rendered with its source line.
    Scenario(Vec<ScenarioError>),
    /// Any other bad input (an output path that is a file, ...).
    Input(anyhow::Error),
    /// Stopped by a signal: what happened to the outputs.
    Interrupted(String),
    Runtime(anyhow::Error),
    /// Stdout is a closed pipe (`| head`): stop quietly, exit 0.
    BrokenPipe,
}

impl Failure {
    pub fn report(self) -> ExitCode {
        match self {
            Failure::Scenario(errs) => {
                for e in errs {
                    term::note(&e.render());
                }
                ExitCode::from(2)
            }
            Failure::Input(e) => {
                term::note(&format!("error: {}", chain(&e)));
                ExitCode::from(2)
            }
            Failure::Interrupted(msg) => {
                term::note(&format!("interrupted: {msg}"));
                ExitCode::from(130)
            }
            Failure::Runtime(e) => {
                term::note(&format!("error: {}", chain(&e)));
                ExitCode::from(1)
            }
            Failure::BrokenPipe => ExitCode::SUCCESS,
        }
    }
}

/// An error and its causes on one line, each said once (a cause whose text
/// its context already shows is left out).
fn chain(e: &anyhow::Error) -> String {
    let mut line = e.to_string();
    for cause in e.chain().skip(1) {
        let text = cause.to_string();
        if !line.contains(&text) {
            line.push_str(": ");
            line.push_str(&text);
        }
    }
    line
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        match e {
            Error::Scenario(s) => Failure::Scenario(vec![s]),
            Error::Interrupted { done, total } => Failure::Interrupted(signals::interrupted_message(
                &format!("stopped after {} of {}", tradewar::fmt::count(done), tradewar::fmt::count_of(total, "run")),
                &signals::live().replaced,
            )),
            Error::Sweep(e) => Failure::Input(e.into()),
            other => Failure::Runtime(other.into()),
        }
    }
}

impl From<ScenarioError> for Failure {
    fn from(e: ScenarioError) -> Self {
        Failure::Scenario(vec![e])
    }
}

impl From<HistoryError> for Failure {
    fn from(e: HistoryError) -> Self {
        Failure::Input(e.into())
    }
}

impl From<ReportError> for Failure {
    fn from(e: ReportError) -> Self {
        Failure::Runtime(e.into())
    }
}

/// What clap has to say instead of a command: usage errors go to stderr
/// (exit 2) as clap prints them; `--help` and `--version` to stdout, through
/// `term::print` when stdout is not a terminal, so that a full device is an
/// error and a closed pipe is quiet, as for any other output.
pub fn clap_output(e: clap::Error) -> ExitCode {
    use std::io::IsTerminal;
    if e.use_stderr() || std::io::stdout().is_terminal() {
        e.exit();
    }
    match term::print(&e.render().to_string()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => failure.report(),
    }
}

/// A usage error found before clap parses: printed as clap prints its own
/// (exit 2 is the caller's).
pub fn usage_error(message: &str) {
    term::note(&format!(
        "error: {message}\n\nUsage: simulate [OPTIONS] <SCENARIO>\n       simulate <COMMAND>\n\nFor more information, try '--help'."
    ));
}

pub fn dispatch(cli: Cli) -> Result<(), Failure> {
    signals::install();
    match cli.command {
        Some(Command::Validate { files, json }) => validate::validate(&files, json),
        Some(Command::Fit(args)) => fit::fit(&args),
        Some(Command::Backtest(args)) => fit::backtest(&args),
        Some(Command::Strategies { json }) => strategies::strategies(json),
        Some(Command::New { name, out, force }) => meta::new_scenario(&name, out.as_deref(), force),
        Some(Command::Completions { shell }) => meta::completions(shell),
        Some(Command::Man { command }) => meta::man(command.as_deref()),
        Some(Command::Sweep(args)) => sweep::sweep(&args),
        Some(Command::Merge(args)) => sweep::merge(&args),
        Some(Command::Report { dir, quiet }) => report::report(&dir, quiet),
        Some(Command::Tournament(args)) => tournament::run(&args),
        Some(Command::Leverage(args)) => leverage::run(&args),
        Some(Command::Compare(args)) => compare::compare(&args),
        Some(Command::Violation(args)) => compare::violation(&args),
        Some(Command::Robustness(args)) => analyses::robustness(&args),
        Some(Command::Sensitivity(args)) => analyses::sensitivity(&args),
        Some(Command::Playthrough { scenario, run, runs, seed }) => {
            playthrough::playthrough(&scenario, run, runs, seed)
        }
        None => run::run(&cli.run),
    }
}

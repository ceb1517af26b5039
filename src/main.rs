/*!
The `simulate` binary: parse arguments, dispatch, print errors once.

Exit codes: 0 success (and a closed stdout pipe); 2 bad input or usage (clap
uses 2 as well); 1 any other failure; 130 interrupted (SIGINT or SIGTERM).
docs/reliability.md.
*/

mod cli;
mod commands;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    if let Some(message) = cli::subcommand_typo(&args) {
        commands::usage_error(&message);
        return ExitCode::from(2);
    }
    let cli = match cli::Cli::try_parse_from(cli::expand_side_flags(args)) {
        Ok(cli) => cli,
        Err(e) => return commands::clap_output(e),
    };
    match commands::dispatch(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => failure.report(),
    }
}

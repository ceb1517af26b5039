/*!
Commands about the program rather than a scenario: `simulate new` (a
commented starter scenario), `simulate completions SHELL` (clap_complete)
and `simulate man [SUBCOMMAND]` (clap_mangen). They print through `term` and
write through `report::write_atomic`, as every other command does.
*/

use std::path::{Path, PathBuf};

use anyhow::anyhow;
use clap::CommandFactory;

use super::{Failure, term};
use crate::cli::Cli;

/// `simulate new NAME [--out PATH] [--force]`.
pub(super) fn new_scenario(name: &str, out: Option<&Path>, force: bool) -> Result<(), Failure> {
    if name.trim().is_empty() {
        return Err(Failure::Input(anyhow!("the scenario needs a name: simulate new NAME")));
    }
    let path = out.map_or_else(|| PathBuf::from(format!("{}.toml", file_stem(name))), Path::to_path_buf);
    if path.is_dir() {
        return Err(Failure::Input(anyhow!(
            "{} is a folder: give the path of the scenario file, e.g. --out {}",
            path.display(),
            path.join(format!("{}.toml", file_stem(name))).display()
        )));
    }
    if path.exists() && !force {
        return Err(Failure::Input(anyhow!("{} exists: give another --out, or --force to replace it", path.display())));
    }
    tradewar::report::write_atomic(&path, tradewar::scenario::starter::starter(name).as_bytes())?;
    term::note(&format!(
        "wrote {0}: edit it, check it with `simulate validate {0}`, run it with `simulate {0}`",
        path.display()
    ));
    Ok(())
}

/// A scenario name as a file stem: letters and digits kept (lower case),
/// every other run of characters one `-`.
fn file_stem(name: &str) -> String {
    let mut stem = String::new();
    for c in name.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() || c == '_' {
            stem.push(c);
        } else if !stem.ends_with('-') {
            stem.push('-');
        }
    }
    let stem = stem.trim_matches('-');
    if stem.is_empty() { "scenario".to_string() } else { stem.to_string() }
}

/// `simulate completions SHELL`: the completion script on stdout.
pub(super) fn completions(shell: clap_complete::Shell) -> Result<(), Failure> {
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "simulate", &mut script);
    term::print(&String::from_utf8_lossy(&script))
}

/// `simulate man [SUBCOMMAND]`: the manual page, in roff, on stdout.
pub(super) fn man(command: Option<&str>) -> Result<(), Failure> {
    let mut cli = Cli::command();
    cli.build();
    let page = match command {
        None => cli,
        Some(name) => {
            let Some(sub) = cli.find_subcommand(name) else {
                let names: Vec<&str> = cli.get_subcommands().map(|c| c.get_name()).collect();
                return Err(Failure::Input(anyhow!("no subcommand `{name}` (subcommands: {})", names.join(", "))));
            };
            sub.clone().name(format!("simulate-{name}")).bin_name(format!("simulate {name}"))
        }
    };
    let mut roff = Vec::new();
    clap_mangen::Man::new(page)
        .render(&mut roff)
        .map_err(|e| Failure::Runtime(anyhow::Error::new(e).context("cannot render the manual page")))?;
    term::print(&String::from_utf8_lossy(&roff))
}

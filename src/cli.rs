/*!
Command-line arguments (clap derive). Only the binary knows clap.
*/

use std::ffi::OsString;
use std::path::PathBuf;

use clap::{Args, CommandFactory, Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "simulate",
    version,
    about = "Monte Carlo simulator of tit-for-tat trade leverage: how often does a standoff settle into détente, and how often into a vicious cycle?",
    after_help = MAIN_HELP,
    args_conflicts_with_subcommands = true,
    subcommand_negates_reqs = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub run: RunArgs,
}

const MAIN_HELP: &str = "\
Examples:
  simulate scenarios/busan.toml
  simulate scenarios/busan.toml --runs 100000 --threads 2 --out report/
  simulate validate scenarios/*.toml
  simulate strategies
  simulate new my-standoff
  simulate sweep scenarios/busan.toml \\
      --vary sides.china.misperception=0:0.2:11
  simulate tournament scenarios/busan.toml \\
      --us tit_for_tat,grim_trigger --china tit_for_tat,always_concede
  simulate completions bash > simulate.bash

Documentation: README.md and docs/ in the source repository.";

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check scenario files without running them.
    Validate {
        #[arg(required = true, value_name = "SCENARIO")]
        files: Vec<PathBuf>,
        /// Print the result as one JSON document on stdout.
        #[arg(long)]
        json: bool,
    },
    /// List the strategies and their parameters.
    Strategies {
        /// Print the list as one JSON document on stdout.
        #[arg(long)]
        json: bool,
    },
    /// Write a commented starter scenario to edit.
    #[command(after_help = "Examples:\n  simulate new my-standoff\n  simulate new \"Tariff truce\" --out ~/truce.toml")]
    New {
        /// The scenario's name (its `name`, and the file's stem by default).
        #[arg(value_name = "NAME")]
        name: String,
        /// Where to write it [default: NAME.toml in the current folder].
        #[arg(long, value_name = "PATH")]
        out: Option<PathBuf>,
        /// Replace the file if it exists.
        #[arg(long)]
        force: bool,
    },
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    #[command(after_help = "Install where your shell looks for completions, e.g.:\n  \
        mkdir -p ~/.local/share/bash-completion/completions\n  \
        simulate completions bash \\\n      \
        > ~/.local/share/bash-completion/completions/simulate\n  \
        simulate completions zsh > ~/.zfunc/_simulate\n  \
        simulate completions fish > ~/.config/fish/completions/simulate.fish")]
    Completions {
        #[arg(value_name = "SHELL")]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff) on stdout: simulate(1), or a subcommand's.
    #[command(
        after_help = "Examples:\n  simulate man > simulate.1 && man ./simulate.1\n  simulate man sweep > simulate-sweep.1"
    )]
    Man {
        /// A subcommand, for its own page.
        #[arg(value_name = "SUBCOMMAND")]
        command: Option<String>,
    },
    /// Play every pair of candidate strategies; report best responses and the equilibria of the meta-game.
    Tournament(TournamentArgs),
    /// What each lever is worth: Shapley values of every lever of each side (docs/model.md §8b).
    Leverage(LeverageArgs),
    /// Two scenarios side by side with common random numbers: paired differences of every figure.
    Compare(CompareArgs),
    /// The effect of one violation of the truces: the scenario with and without it, paired.
    Violation(ViolationArgs),
    /// Outcome shares over a grid of each classification threshold (window, low, high, ...).
    Robustness(RobustnessArgs),
    /// Which uncertain inputs drive the odds and welfare: Sobol first-order and total indices.
    Sensitivity(SensitivityArgs),
    /// Print one run round by round: moves, perceptions and lever values.
    Playthrough {
        #[arg(value_name = "SCENARIO")]
        scenario: PathBuf,
        /// Which run to replay (runs are numbered from 0, as in runs.csv).
        #[arg(long, default_value_t = 0)]
        run: u64,
        /// Runs of the batch the run belongs to, if not the scenario's (`--run` must be below it).
        #[arg(long, value_parser = clap::value_parser!(u64).range(1..=tradewar::scenario::MAX_RUNS as i64 as u64))]
        runs: Option<u64>,
        /// Seed [default: the scenario's].
        #[arg(long)]
        seed: Option<u64>,
    },
    /// Fit strategies and noise to an observed record (maximum likelihood, ranked by AIC).
    Fit(FitArgs),
    /// Place an observed record in the scenario's simulated distribution, month by month.
    Backtest(BacktestArgs),
    /// Run a scenario at every point of a grid of parameter values (docs/sweeps.md).
    Sweep(SweepArgs),
    /// Combine the shard files of a sharded sweep into its CSV and charts.
    Merge(MergeArgs),
    /// Write report.html again from an output folder of `simulate SCENARIO`.
    #[command(after_help = "Examples:\n  simulate scenarios/busan.toml --runs 2000\n  simulate report output/busan")]
    Report {
        /// The output folder (its summary.csv, charts, provenance.json; the scenario file it names).
        #[arg(value_name = "DIR")]
        dir: PathBuf,
        /// Print nothing but errors.
        #[arg(long, short)]
        quiet: bool,
    },
}

/// A scenario and an observed record in its terms.
#[derive(Debug, Args)]
pub struct RecordArgs {
    /// Scenario whose sides, levers and ladders the record uses.
    #[arg(value_name = "SCENARIO")]
    pub scenario: PathBuf,
    /// The observed record (history CSV, docs/history.md).
    #[arg(long, value_name = "FILE")]
    pub history: PathBuf,
}

#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  \
    simulate fit scenarios/escalation-2025.toml --history data/us-china-2025.csv\n  \
    simulate fit scenarios/escalation-2025.toml --history data/us-china-2025.csv \\\n      \
    --write-scenario scenarios/busan-fitted.toml --base scenarios/busan.toml")]
pub struct FitArgs {
    #[command(flatten)]
    pub record: RecordArgs,
    /// Candidate strategies, comma-separated [default: every strategy but memory_one].
    #[arg(long, value_delimiter = ',', value_name = "KIND,...")]
    pub strategies: Vec<String>,
    /// Range of a strategy parameter, e.g. `generosity=0:0.5` [default: 0:1].
    #[arg(long = "range", value_name = "NAME=LO:HI")]
    pub ranges: Vec<String>,
    /// Also write a copy of the base scenario with each side's best strategy and noise.
    #[arg(long, value_name = "PATH")]
    pub write_scenario: Option<PathBuf>,
    /// Base scenario for --write-scenario [default: SCENARIO itself].
    #[arg(long, value_name = "FILE", requires = "write_scenario")]
    pub base: Option<PathBuf>,
    /// Another episode to pool with the record (lnL summed over episodes); repeatable.
    #[arg(long, value_name = "SCENARIO=HISTORY")]
    pub pool: Vec<String>,
    /// Recovery test: simulate N records like the record from each side's best model and refit them.
    #[arg(long, value_name = "N")]
    pub recovery: Option<usize>,
    /// With --recovery, also test every candidate as the true model, not only the best.
    #[arg(long, requires = "recovery")]
    pub recovery_all: bool,
    /// Seed of the recovery test's simulated records [default: 1].
    #[arg(long, value_name = "N")]
    pub seed: Option<u64>,
    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  \
    simulate backtest scenarios/escalation-2025.toml \\\n      \
    --history data/us-china-2025.csv\n  \
    simulate backtest scenarios/escalation-2025.toml \\\n      \
    --history data/us-china-2025.csv \\\n      \
    --train scenarios/trade-war-2018.toml=data/us-china-2018-2019.csv")]
pub struct BacktestArgs {
    #[command(flatten)]
    pub record: RecordArgs,
    /// Out of sample: fit the strategies to this episode, then forecast the record with them.
    #[arg(long, value_name = "SCENARIO=HISTORY")]
    pub train: Option<String>,
    #[command(flatten)]
    pub batch: BatchArgs,
    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  \
    simulate sweep scenarios/busan.toml --vary sides.china.misperception=0:0.2:11\n  \
    simulate sweep scenarios/busan.toml --vary us.strategy.generosity=0:0.5:6 \\\n      \
    --vary china.levers.rare_earths.erosion=0:0.1:6\n  \
    simulate sweep sweeps/busan-misperception.toml --shard 3/8 \\\n      \
    --out /shared/busan-sweep\n  \
    simulate sweep scenarios/busan.toml --list-params",
    mut_arg("runs", |a| a.help("Monte Carlo runs per point of the grid [default: the sweep file's or the scenario's `runs`, else 10,000]")),
    mut_arg("out", |a| a.help("Output folder [default: output/<scenario or sweep file stem>-sweep]")),
)]
pub struct SweepArgs {
    /// A scenario file (parameters from --vary) or a sweep file (parameters inside).
    #[arg(value_name = "SCENARIO|SWEEP")]
    pub file: PathBuf,
    /// A parameter and its values: PATH=START:END:POINTS or PATH=V1,V2,... Repeat for a grid.
    #[arg(long, value_name = "PATH=VALUES")]
    pub vary: Vec<String>,
    #[command(flatten)]
    pub batch: BatchArgs,
    /// Play only shard K of N (every N-th point, or with more shards than points every N-th block of runs) and write shard-K-of-N.json for `simulate merge`.
    #[arg(long, value_name = "K/N", value_parser = parse_shard)]
    pub shard: Option<tradewar::sweep::Shard>,
    /// List the parameters the scenario offers, with their values in the file, and exit.
    #[arg(long)]
    pub list_params: bool,
    #[command(flatten)]
    pub output: OutputArgs,
}

fn parse_shard(s: &str) -> Result<tradewar::sweep::Shard, String> {
    tradewar::sweep::Shard::parse(s).map_err(|e| e.to_string())
}

#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  simulate merge /shared/busan-sweep\n  simulate merge run1/ run2/ --out merged/",
    mut_arg("out", |a| a.help("Output folder [default: the folder merged, when there is one]")),
)]
pub struct MergeArgs {
    /// Folders holding shard-K-of-N.json files (or the files themselves); the
    /// merged outputs go to the folder when there is one (else give --out).
    #[arg(required = true, value_name = "DIR")]
    pub dirs: Vec<PathBuf>,
    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Debug, Args)]
pub struct RunArgs {
    /// Scenario file (TOML) to run.
    #[arg(required = true, value_name = "SCENARIO")]
    pub scenario: Option<PathBuf>,
    #[command(flatten)]
    pub sim: SimArgs,
    /// Also write runs.csv: one row per run, in run order (streamed).
    #[arg(long)]
    pub runs_csv: bool,
}

/// Options shared by a run and a tournament.
#[derive(Debug, Args)]
pub struct SimArgs {
    /// Rounds per run [default: the scenario's `rounds`].
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=tradewar::scenario::MAX_ROUNDS as i64))]
    pub rounds: Option<u32>,
    #[command(flatten)]
    pub batch: BatchArgs,
    #[command(flatten)]
    pub output: OutputArgs,
}

/// How many runs, from which seed, on how many threads.
#[derive(Debug, Args)]
pub struct BatchArgs {
    /// Monte Carlo runs [default: the scenario's `runs`, else 10,000].
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=tradewar::scenario::MAX_RUNS as i64 as u64))]
    pub runs: Option<u64>,
    /// Master seed [default: the scenario's `seed`, else 2025]. Same seed and runs give identical output.
    #[arg(long)]
    pub seed: Option<u64>,
    /// Worker threads [default: one per CPU]. Never changes the results.
    #[arg(long, value_parser = clap::value_parser!(u16).range(1..=1024))]
    pub threads: Option<u16>,
}

impl BatchArgs {
    /// The thread count for `montecarlo::with_threads` (0: one per CPU).
    pub fn threads(&self) -> usize {
        self.threads.map_or(0, usize::from)
    }
}

/// Where outputs go, which to draw, and what to print.
#[derive(Debug, Args)]
pub struct OutputArgs {
    /// Output folder [default: output/<scenario file stem>].
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Do not draw the PNG charts.
    #[arg(long)]
    pub no_charts: bool,
    /// Also draw the charts as SVG (with the font embedded).
    #[arg(long)]
    pub svg: bool,
    /// Title of the charts [default: the scenario's name and the period run].
    #[arg(long, value_name = "TEXT")]
    pub title: Option<String>,
    /// Print the results as one JSON document on stdout instead of the table.
    #[arg(long)]
    pub json: bool,
    /// Print nothing but errors: no table, no notes, no progress bar (with --json, only the JSON).
    #[arg(long, short)]
    pub quiet: bool,
}

impl OutputArgs {
    /// Whether to print notes on stderr.
    pub fn notes(&self) -> bool {
        !self.quiet
    }
}

#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  simulate compare scenarios/busan.toml scenarios/busan-no-deal.toml\n  simulate compare scenarios/busan.toml scenarios/busan-erratic-us.toml --runs 20000"
)]
pub struct CompareArgs {
    /// The baseline scenario (A).
    #[arg(value_name = "A")]
    pub a: PathBuf,
    /// The scenario compared with it (B); same sides.
    #[arg(value_name = "B")]
    pub b: PathBuf,
    #[command(flatten)]
    pub sim: SimArgs,
}

#[derive(Debug, Args)]
#[command(after_help = "A violation raises LEVER of SIDE one rung at the start of round ROUND, above any truce cap: \
a truce in force perceives it as a violation (docs/model.md §6). The scenario is played with and without \
it, with the same random numbers.\n\nExample:\n  simulate violation scenarios/busan.toml --side us --lever export_controls --round 6")]
pub struct ViolationArgs {
    /// Scenario file (TOML).
    #[arg(value_name = "SCENARIO")]
    pub scenario: PathBuf,
    /// The side that commits the violation.
    #[arg(long)]
    pub side: String,
    /// Its lever raised one rung.
    #[arg(long)]
    pub lever: String,
    /// The round at whose start it happens.
    #[arg(long)]
    pub round: u32,
    #[command(flatten)]
    pub sim: SimArgs,
}

#[derive(Debug, Args)]
#[command(after_help = LEVERAGE_HELP)]
pub struct LeverageArgs {
    /// Scenario file (TOML).
    #[arg(value_name = "SCENARIO")]
    pub scenario: PathBuf,
    /// Value only this side's levers [default: both sides'].
    #[arg(long, value_name = "SIDE")]
    pub side: Option<String>,
    #[command(flatten)]
    pub sim: SimArgs,
}

#[derive(Debug, Args)]
#[command(
    after_help = ROBUSTNESS_HELP,
    mut_arg("out", |a| a.help("Output folder [default: output/<scenario file stem>-robustness]")),
)]
pub struct RobustnessArgs {
    /// Scenario file (TOML).
    #[arg(value_name = "SCENARIO")]
    pub scenario: PathBuf,
    #[command(flatten)]
    pub sim: SimArgs,
}

#[derive(Debug, Args)]
#[command(
    after_help = SENSITIVITY_HELP,
    mut_arg("runs", |a| a.help("Runs per evaluation (R) [default: 10]")),
    mut_arg("out", |a| a.help("Output folder [default: output/<scenario file stem>-sensitivity]")),
)]
pub struct SensitivityArgs {
    /// Scenario file (TOML): its parameters written as distributions are the inputs.
    #[arg(value_name = "SCENARIO")]
    pub scenario: PathBuf,
    /// Base samples N of Saltelli's design (rows of the matrices A and B).
    #[arg(long, default_value_t = 1024, value_parser = clap::value_parser!(u64).range(8..=1_000_000))]
    pub samples: u64,
    #[command(flatten)]
    pub sim: SimArgs,
}

const SENSITIVITY_HELP: &str = "\
Variance-based sensitivity (Sobol indices) of P(vicious cycle), P(détente) and
each side's welfare to every parameter the scenario writes as a distribution,
and to the play's own randomness. Saltelli's design: N samples × (k + 3)
evaluations of R runs each, with common random numbers within a sample;
first-order indices by Saltelli (2010), total by Jansen (1999), 95% bootstrap
intervals (docs/model.md §8d). Writes sensitivity.csv and sensitivity.png.

Examples:
  simulate sensitivity scenarios/busan.toml
  simulate sensitivity scenarios/busan.toml --samples 4096 --runs 20";

const ROBUSTNESS_HELP: &str = "\
The outcome labels depend on thresholds (docs/model.md §6b). Each run is played
once and classified under every rule set of a grid: each threshold in turn
(window, low, high, exchanges, rise) at five or so values around the
scenario's, the others at the scenario's. Writes robustness.csv.

Examples:
  simulate robustness scenarios/busan.toml
  simulate robustness scenarios/april-2025.toml --runs 2000 --json";

const LEVERAGE_HELP: &str = "\
Every subset of a side's levers is played as a variant of the scenario in
which the other levers are taken away (pinned at their bottom rung); all
variants share their random numbers, so each lever's Shapley value (its
average marginal effect over every order of removal) and its leave-one-out
effect are computed run by run, with 95% intervals. At most 8 levers a side
(2^8 variants). Writes leverage.csv and leverage.png.

Examples:
  simulate leverage scenarios/busan.toml
  simulate leverage scenarios/busan.toml --side china --runs 20000";

#[derive(Debug, Args)]
#[command(
    after_help = TOURNAMENT_HELP,
    mut_arg("runs", |a| a.help("Monte Carlo runs per cell (pair of strategies) [default: the scenario's `runs`, else 10,000]")),
    mut_arg("out", |a| a.help("Output folder [default: output/<scenario file stem>-tournament]")),
)]
pub struct TournamentArgs {
    /// Scenario file (TOML).
    #[arg(value_name = "SCENARIO")]
    pub scenario: PathBuf,
    /// One side's candidates, SIDE=STRATEGY,STRATEGY,... (once per side; `--SIDE STRATEGY,...` is short for it).
    #[arg(long = "side", value_name = "SIDE=STRATEGIES")]
    pub sides: Vec<String>,
    /// TOML file of candidates with parameters: `[candidates]` then `SIDE = [{ kind = "..." }, ...]`.
    #[arg(long, value_name = "FILE")]
    pub candidates: Option<PathBuf>,
    #[command(flatten)]
    pub sim: SimArgs,
}

const TOURNAMENT_HELP: &str = "\
Candidates are given per side, by the scenario's side names: `--side us=a,b` or
its short form `--us a,b`. A side given on the command line and in the
--candidates file takes the command line's list; a side given nowhere keeps the
scenario's strategy as its only candidate. A kind named on the command line
takes the scenario's parameters when it is that side's strategy there, else
its defaults; `simulate strategies` lists the kinds and their parameters.

Examples:
  simulate tournament scenarios/busan.toml \\
      --us tit_for_tat,resolute_tit_for_tat,grim_trigger,always_escalate \\
      --china tit_for_tat,win_stay_lose_shift,always_concede
  simulate tournament scenarios/classic-ipd.toml \\
      --side row=tit_for_tat,always_escalate \\
      --side column=tit_for_tat,always_concede --runs 2000
  simulate tournament scenarios/busan.toml \\
      --candidates candidates/forgiveness.toml";

/// Rewrite `simulate tournament ... --NAME LIST` (or `--NAME=LIST`), for any
/// long option `tournament` does not define, into `--side NAME=LIST`, so that
/// side names work as flags whatever the scenario calls its sides. Other
/// arguments, and everything after `--`, pass through unchanged; an unknown
/// name then fails as an unknown side, listing the scenario's.
pub fn expand_side_flags(args: impl IntoIterator<Item = OsString>) -> Vec<OsString> {
    let args: Vec<OsString> = args.into_iter().collect();
    if args.get(1).is_none_or(|a| a != "tournament") {
        return args;
    }
    let command = Cli::command();
    let known: Vec<&str> = command
        .find_subcommand("tournament")
        .map(|t| t.get_arguments().filter_map(|a| a.get_long()).collect())
        .unwrap_or_default();
    let mut out: Vec<OsString> = args[..2].to_vec();
    let mut rest = args[2..].iter().peekable();
    while let Some(arg) = rest.next() {
        let Some(flag) = arg.to_str().and_then(|a| a.strip_prefix("--")) else {
            out.push(arg.clone());
            continue;
        };
        if flag.is_empty() {
            out.push(arg.clone());
            out.extend(rest.by_ref().cloned());
            break;
        }
        let (name, inline) = match flag.split_once('=') {
            Some((n, v)) => (n, Some(v.to_string())),
            None => (flag, None),
        };
        if known.contains(&name) || ["help", "version"].contains(&name) {
            out.push(arg.clone());
            continue;
        }
        let takes_next = rest.peek().is_some_and(|v| !v.to_string_lossy().starts_with("--"));
        let value = match inline {
            Some(v) => v,
            None if takes_next => rest.next().map(|v| v.to_string_lossy().into_owned()).unwrap_or_default(),
            None => String::new(),
        };
        out.push("--side".into());
        out.push(format!("{name}={value}").into());
    }
    out
}

/// A mistyped subcommand: `simulate sweeep scenarios/busan.toml`, where the
/// first argument names no file. clap would read it as the scenario of a
/// plain run and trip over the next argument; this says what was meant.
/// `None` when the first argument is a subcommand, an option or a file, or
/// resembles no subcommand and stands alone (then it fails as a scenario
/// that cannot be read).
pub fn subcommand_typo(args: &[OsString]) -> Option<String> {
    let first = args.get(1)?.to_str()?;
    if first.starts_with('-') || std::path::Path::new(first).exists() {
        return None;
    }
    let command = Cli::command();
    let mut names: Vec<&str> = command.get_subcommands().map(|c| c.get_name()).collect();
    names.push("help");
    if names.contains(&first) {
        return None;
    }
    let lower = first.to_lowercase();
    if lower == "run" {
        return Some(format!("no such file `{first}`: a scenario runs without a subcommand, as `simulate SCENARIO`"));
    }
    let nearest = names
        .iter()
        .map(|n| (edit_distance(&lower, n), *n))
        .filter(|&(d, n)| d <= if n.len() <= 4 { 1 } else { 2 } || (lower.len() >= 3 && n.starts_with(&lower)))
        .min();
    if let Some((_, name)) = nearest {
        return Some(format!("no such file `{first}`; did you mean the subcommand `{name}`?"));
    }
    // More positional arguments: clap would call the second a subcommand.
    let more = args[2..].iter().any(|a| !a.to_string_lossy().starts_with('-'));
    (more && !first.contains(['.', '/'])).then(|| {
        format!(
            "no such file or subcommand `{first}` (subcommands: {}; `simulate --help` lists them)",
            names.iter().filter(|&&n| n != "help").copied().collect::<Vec<_>>().join(", ")
        )
    })
}

/// Levenshtein distance between two strings, by characters.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (above + 1).min(row[j] + 1).min(diagonal + usize::from(ca != *cb));
            diagonal = above;
        }
    }
    row[b.len()]
}

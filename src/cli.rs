/*!
Command-line arguments (clap derive). Only the binary knows clap.
*/

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "simulate",
    version,
    about = "Monte Carlo simulator of tit-for-tat trade leverage: how often does a standoff settle into détente, and how often into a vicious cycle?",
    after_help = "Examples:\n  simulate scenarios/busan.toml\n  simulate scenarios/busan.toml --runs 100000 --threads 2 --out report/\n  simulate validate scenarios/*.toml\n  simulate strategies\n  simulate sweep scenarios/busan.toml --vary sides.china.misperception=0:0.2:11",
    args_conflicts_with_subcommands = true,
    subcommand_negates_reqs = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub run: RunArgs,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check scenario files without running them.
    Validate {
        #[arg(required = true, value_name = "SCENARIO")]
        files: Vec<PathBuf>,
    },
    /// List the strategies and their parameters.
    Strategies,
    /// Print one run round by round: moves, perceptions and lever values.
    Playthrough {
        #[arg(value_name = "SCENARIO")]
        scenario: PathBuf,
        /// Which run to replay (runs are numbered from 0, as in runs.csv).
        #[arg(long, default_value_t = 0)]
        run: u64,
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
pub struct FitArgs {
    #[command(flatten)]
    pub record: RecordArgs,
    /// Candidate strategies, comma-separated [default: every strategy but memory_one].
    #[arg(long, value_delimiter = ',', value_name = "KIND,...")]
    pub strategies: Vec<String>,
    /// Range of a strategy parameter, e.g. `generosity=0:0.5` [default: 0:1].
    #[arg(long = "range", value_name = "NAME=LO:HI")]
    pub ranges: Vec<String>,
    /// Output folder [default: output/<scenario file stem>].
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Also write a copy of the base scenario with each side's best strategy and noise.
    #[arg(long, value_name = "PATH")]
    pub write_scenario: Option<PathBuf>,
    /// Base scenario for --write-scenario.
    #[arg(long, value_name = "FILE", default_value = "scenarios/busan.toml", requires = "write_scenario")]
    pub base: PathBuf,
    /// Do not draw fit.png.
    #[arg(long)]
    pub no_charts: bool,
    /// No notes on stderr.
    #[arg(long, short)]
    pub quiet: bool,
}

#[derive(Debug, Args)]
pub struct BacktestArgs {
    #[command(flatten)]
    pub record: RecordArgs,
    /// Number of Monte Carlo runs [default: the scenario's].
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=tradewar::scenario::MAX_RUNS as i64 as u64))]
    pub runs: Option<u64>,
    /// Master seed [default: the scenario's].
    #[arg(long)]
    pub seed: Option<u64>,
    /// Worker threads [default: one per CPU]. Never changes the results.
    #[arg(long, value_parser = clap::value_parser!(u16).range(1..=1024))]
    pub threads: Option<u16>,
    /// Output folder [default: output/<scenario file stem>].
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Do not draw backtest.png.
    #[arg(long)]
    pub no_charts: bool,
    /// No notes on stderr.
    #[arg(long, short)]
    pub quiet: bool,
}

#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  \
    simulate sweep scenarios/busan.toml --vary sides.china.misperception=0:0.2:11\n  \
    simulate sweep scenarios/busan.toml --vary us.strategy.generosity=0:0.5:6 --vary china.levers.rare_earths.erosion=0:0.1:6\n  \
    simulate sweep sweeps/busan-misperception.toml --shard 3/8 --out /shared/busan-sweep\n  \
    simulate sweep scenarios/busan.toml --list-params")]
pub struct SweepArgs {
    /// A scenario file (parameters from --vary) or a sweep file (parameters inside).
    #[arg(value_name = "SCENARIO|SWEEP")]
    pub file: PathBuf,
    /// A parameter and its values: PATH=START:END:POINTS or PATH=V1,V2,... Repeat for a grid.
    #[arg(long, value_name = "PATH=VALUES")]
    pub vary: Vec<String>,
    /// Runs per point [default: the sweep file's `runs`, else the scenario's].
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=tradewar::scenario::MAX_RUNS as i64 as u64))]
    pub runs: Option<u64>,
    /// Master seed, the same for every point [default: the sweep file's, else the scenario's].
    #[arg(long)]
    pub seed: Option<u64>,
    /// Worker threads [default: one per CPU]. Never changes the results.
    #[arg(long, value_parser = clap::value_parser!(u16).range(1..=1024))]
    pub threads: Option<u16>,
    /// Output folder [default: output/<file stem>-sweep].
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Play only shard K of N (every N-th point) and write shard-K-of-N.json for `simulate merge`.
    #[arg(long, value_name = "K/N", value_parser = parse_shard)]
    pub shard: Option<tradewar::sweep::Shard>,
    /// List the parameters the scenario offers, with their values in the file, and exit.
    #[arg(long)]
    pub list_params: bool,
    /// Do not draw the PNG charts.
    #[arg(long)]
    pub no_charts: bool,
    /// Also draw the charts as SVG.
    #[arg(long)]
    pub svg: bool,
    /// No progress bar and no notes on stderr.
    #[arg(long, short)]
    pub quiet: bool,
}

fn parse_shard(s: &str) -> Result<tradewar::sweep::Shard, String> {
    tradewar::sweep::Shard::parse(s).map_err(|e| e.to_string())
}

#[derive(Debug, Args)]
pub struct MergeArgs {
    /// Folders holding shard-K-of-N.json files (or the files themselves).
    #[arg(required = true, value_name = "DIR")]
    pub dirs: Vec<PathBuf>,
    /// Output folder [default: DIR, when there is one].
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Do not draw the PNG charts.
    #[arg(long)]
    pub no_charts: bool,
    /// Also draw the charts as SVG.
    #[arg(long)]
    pub svg: bool,
    /// No notes on stderr.
    #[arg(long, short)]
    pub quiet: bool,
}

#[derive(Debug, Args)]
pub struct RunArgs {
    /// Scenario file (TOML) to run.
    #[arg(required = true, value_name = "SCENARIO")]
    pub scenario: Option<PathBuf>,
    /// Number of Monte Carlo runs [default: the scenario's `runs`, else 10000].
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=tradewar::scenario::MAX_RUNS as i64 as u64))]
    pub runs: Option<u64>,
    /// Rounds per run [default: the scenario's `rounds`].
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=tradewar::scenario::MAX_ROUNDS as i64))]
    pub rounds: Option<u32>,
    /// Master seed [default: the scenario's `seed`, else 2025]. Same seed and runs give identical output.
    #[arg(long)]
    pub seed: Option<u64>,
    /// Worker threads [default: one per CPU]. Never changes the results.
    #[arg(long, value_parser = clap::value_parser!(u16).range(1..=1024))]
    pub threads: Option<u16>,
    /// Output folder [default: output/<scenario file stem>].
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Also write runs.csv: one row per run, in run order (streamed).
    #[arg(long)]
    pub runs_csv: bool,
    /// Do not draw the PNG charts.
    #[arg(long)]
    pub no_charts: bool,
    /// Also draw the charts as SVG.
    #[arg(long)]
    pub svg: bool,
    /// Print the summary as JSON on stdout instead of the table.
    #[arg(long)]
    pub json: bool,
    /// No progress bar and no notes on stderr.
    #[arg(long, short)]
    pub quiet: bool,
}

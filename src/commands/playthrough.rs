//! `simulate playthrough`: one run, round by round.

use std::path::Path;

use anyhow::anyhow;
use tradewar::report;
use tradewar::scenario;

use super::{Failure, term};

pub(super) fn playthrough(path: &Path, run: u64, runs: Option<u64>, seed: Option<u64>) -> Result<(), Failure> {
    let mut sc = scenario::load(path)?;
    if let Some(seed) = seed {
        sc.seed = seed;
    }
    // A run past the batch is not one of its runs: refuse it rather than
    // replay a game no output shows.
    let runs = runs.unwrap_or(sc.runs);
    if run >= runs {
        return Err(Failure::Input(anyhow!(
            "--run {run}: the batch has {runs} runs, numbered 0 to {}{}",
            runs - 1,
            if runs == sc.runs { " (the scenario's `runs`; give --runs N for a larger batch)" } else { "" }
        )));
    }
    let streams = tradewar::rng::Streams::new(sc.seed);
    let mut game = tradewar::engine::Game::new(&sc, &streams);
    let trace = game.play(run);
    term::print(&report::playthrough::render(&sc, run, trace))
}

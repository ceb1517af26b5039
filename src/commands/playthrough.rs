//! `simulate playthrough`: one run, round by round.

use std::path::Path;

use tradewar::report;
use tradewar::scenario;

use super::Failure;

pub(super) fn playthrough(path: &Path, run: u64, seed: Option<u64>) -> Result<(), Failure> {
    let mut sc = scenario::load(path).map_err(|e| Failure::Scenario(vec![e]))?;
    if let Some(seed) = seed {
        sc.seed = seed;
    }
    let streams = tradewar::rng::Streams::new(sc.seed);
    let mut game = tradewar::engine::Game::new(&sc, &streams);
    let trace = game.play(run);
    print!("{}", report::playthrough::render(&sc, run, trace));
    Ok(())
}

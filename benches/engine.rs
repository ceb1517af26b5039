//! Hot-path benchmarks (divan): one game and a 10,000-run batch of each shipped
//! scenario, on one thread. `cargo bench` runs them; BENCHMARKS.md has the
//! whole-process figures.

use std::path::Path;

use tradewar::engine::Game;
use tradewar::montecarlo::{Hooks, McConfig, run_batch, with_threads};
use tradewar::outcome::classify;
use tradewar::rng::Streams;
use tradewar::scenario::{self, Scenario};

fn main() {
    divan::main();
}

fn load(name: &str) -> Scenario {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios").join(name);
    scenario::load(&path).unwrap_or_else(|e| panic!("{}", e.render()))
}

const SCENARIOS: &[&str] = &["classic-ipd.toml", "busan.toml"];

/// One game (play + classify), cycling through run indices.
#[divan::bench(args = SCENARIOS)]
fn one_game(bencher: divan::Bencher, name: &str) {
    let sc = load(name);
    let streams = Streams::new(sc.seed);
    let mut game = Game::new(&sc, &streams);
    let mut run = 0u64;
    bencher.bench_local(|| {
        run += 1;
        let trace = game.play(run);
        classify(trace, &sc.outcomes)
    });
}

/// The raw generator: one 64-bit ChaCha8 draw, the unit the engine's cost is
/// compared with ("the limit" in BENCHMARKS.md).
#[divan::bench]
fn chacha8_u64(bencher: divan::Bencher) {
    use rand::Rng;
    let mut rng = Streams::new(1).stream(0, tradewar::rng::Channel::Noise(0));
    bencher.counter(divan::counter::ItemsCount::new(1000usize)).bench_local(|| {
        let mut x = 0u64;
        for _ in 0..1000 {
            x ^= rng.next_u64();
        }
        x
    });
}

/// Setting up one stream for a run and drawing its first number: what every
/// (run, channel) pair that draws at all costs once.
#[divan::bench]
fn chacha8_stream_setup(bencher: divan::Bencher) {
    use rand::Rng;
    let streams = Streams::new(1);
    let mut run = 0u64;
    bencher.bench_local(|| {
        run += 1;
        streams.stream(run, tradewar::rng::Channel::Noise(0)).next_u64()
    });
}

/// A whole batch of 10,000 runs on one thread, with aggregation.
#[divan::bench(args = SCENARIOS, sample_count = 10)]
fn batch_10k_one_thread(bencher: divan::Bencher, name: &str) {
    let sc = load(name);
    let cfg = McConfig { runs: 10_000, seed: sc.seed };
    bencher.bench_local(|| with_threads(1, || run_batch(&sc, &cfg, &Hooks::default(), None)).unwrap().unwrap());
}

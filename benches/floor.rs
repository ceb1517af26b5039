//! The engine against its floor and a naive peer, on the classic reduction
//! (scenarios/classic-ipd.toml), interleaved in one process on one thread:
//!
//!     cargo bench --bench floor -- [--runs N] [--reps R]
//!
//! Each repetition times, in turn, the engine (`run_batch` on a one-thread
//! pool: play, classify, aggregate every histogram), the floor
//! (`peers/floor.rs`: the same game on the same streams, a hand-written loop)
//! and the naive memory-one loop (`peers/naive.rs`), and prints matches per
//! second and the ratios engine/floor and naive/engine time; the last line is
//! the median of each. It also checks the floor's totals against the engine's
//! (exactly: same streams) and the naive loop's shares (within Monte Carlo
//! error).

#[path = "peers/floor.rs"]
mod floor;
#[path = "peers/naive.rs"]
mod naive;

use std::path::Path;
use std::time::Instant;

use tradewar::montecarlo::{Hooks, McConfig, run_batch, with_threads};
use tradewar::outcome::Outcome;
use tradewar::scenario;

fn arg(name: &str, default: u64) -> u64 {
    let args: Vec<String> = std::env::args().collect();
    args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).map_or(default, |v| v.parse().expect(name))
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() {
    let runs = arg("--runs", 200_000);
    let reps = arg("--reps", 5).max(1);
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/classic-ipd.toml");
    let sc = scenario::load(&path).unwrap_or_else(|e| panic!("{}", e.render()));
    let cfg = McConfig { runs, seed: sc.seed };

    let engine = || with_threads(1, || run_batch(&sc, &cfg, &Hooks::default(), None)).expect("pool").expect("batch");
    let timed = |f: &dyn Fn()| {
        let t = Instant::now();
        f();
        t.elapsed().as_secs_f64()
    };

    // Check once: the floor's totals are the engine's, the naive loop's
    // shares within Monte Carlo error of them.
    let batch = engine();
    let fl = floor::run(sc.seed, 0..runs);
    let nv = naive::run(sc.seed, 0..runs);
    let totals = &batch.totals;
    let counts = Outcome::ALL.map(|o| totals.runs_of(o));
    assert_eq!(counts, fl.outcomes, "outcome counts: engine vs floor");
    let welfare = [0, 1].map(|i| totals.welfare.get(tradewar::totals::Slot::All)[i].mean().unwrap());
    for (e, f) in welfare.iter().zip(fl.welfare) {
        assert!((e - f / runs as f64).abs() < 1e-9, "welfare: engine vs floor");
    }
    let x = totals.exchanges.get(tradewar::totals::Slot::All).mean().unwrap();
    assert!((x - fl.exchanges as f64 / runs as f64).abs() < 1e-9, "exchanges: engine vs floor");
    let share = |c: u64| c as f64 / runs as f64;
    println!(
        "classic-ipd, {runs} matches: outcome shares (détente, vicious, coercion, standoff) \
         engine = floor {:?}, naive {:?}",
        counts.map(share),
        nv.outcomes.map(share)
    );
    println!(
        "mean welfare per side: engine = floor {:.5} {:.5}, naive {:.5} {:.5}",
        welfare[0],
        welfare[1],
        nv.welfare[0] / runs as f64,
        nv.welfare[1] / runs as f64
    );
    for (k, (&e, &n)) in counts.iter().zip(&nv.outcomes).enumerate() {
        let p = share(e);
        let se = (2.0 * p * (1.0 - p) / runs as f64).sqrt().max(1e-12);
        let z = (share(n) - p) / se;
        println!("  outcome {k}: engine {:.4} naive {:.4} (z = {z:+.2})", p, share(n));
    }

    let (mut e_rate, mut f_rate, mut n_rate, mut ef, mut ne) = (vec![], vec![], vec![], vec![], vec![]);
    for rep in 0..reps {
        let te = timed(&|| {
            std::hint::black_box(engine());
        });
        let tf = timed(&|| {
            std::hint::black_box(floor::run(sc.seed, 0..runs));
        });
        let tn = timed(&|| {
            std::hint::black_box(naive::run(sc.seed, 0..runs));
        });
        let r = runs as f64;
        println!(
            "rep {rep}: engine {:>9.0}/s  floor {:>9.0}/s  naive {:>9.0}/s  engine/floor {:.2}×  naive/engine {:.2}×",
            r / te,
            r / tf,
            r / tn,
            te / tf,
            tn / te
        );
        e_rate.push(r / te);
        f_rate.push(r / tf);
        n_rate.push(r / tn);
        ef.push(te / tf);
        ne.push(tn / te);
    }
    println!(
        "median of {reps}: engine {:.0} matches/s, floor {:.0}, naive {:.0}; engine/floor time {:.2}×, naive/engine time {:.2}×",
        median(e_rate),
        median(f_rate),
        median(n_rate),
        median(ef),
        median(ne)
    );
}

//! Same scenario, seed and runs give the same bytes, whatever the thread count.

use std::process::Command;

use assert_cmd::prelude::*;
use tradewar::montecarlo::{Hooks, McConfig, run_batch, run_range, with_threads};

use crate::common::{classic, repo_path};

#[test]
fn batch_is_identical_across_thread_counts() {
    // Stochastic strategies, noise and misperception: every channel draws.
    let mut sc =
        classic(r#"{ kind = "generous_tit_for_tat" }"#, r#"{ kind = "random", p_escalate = 0.2 }"#, 0.05, 60, 1);
    sc.sides[0].misperception = tradewar::scenario::Param::Fixed(0.1);
    let cfg = McConfig { runs: 3000, seed: 99 };
    let one = with_threads(1, || run_batch(&sc, &cfg, &Hooks::default(), None)).unwrap().unwrap();
    let three = with_threads(3, || run_batch(&sc, &cfg, &Hooks::default(), None)).unwrap().unwrap();
    assert_eq!(one, three);
    assert_eq!(one.runs, 3000);
}

#[test]
fn run_ranges_merge_to_the_whole_batch() {
    // A sweep shard may play any range of a point's runs: run k keeps its
    // streams, and the integer totals of disjoint ranges add up exactly.
    let mut noisy =
        classic(r#"{ kind = "generous_tit_for_tat" }"#, r#"{ kind = "random", p_escalate = 0.2 }"#, 0.05, 40, 1);
    noisy.sides[1].misperception = tradewar::scenario::Param::Fixed(0.1);
    let fixed = classic(r#"{ kind = "tit_for_tat" }"#, r#"{ kind = "always_escalate" }"#, 0.0, 40, 1);
    assert!(fixed.is_deterministic() && !noisy.is_deterministic());
    let hooks = Hooks::default();
    for sc in [&noisy, &fixed] {
        let whole = run_batch(sc, &McConfig { runs: 1000, seed: 5 }, &hooks, None).unwrap();
        let mut parts = run_range(sc, 5, 0..333, &hooks, None).unwrap();
        for range in [333..334, 334..1000] {
            parts.merge(&with_threads(2, || run_range(sc, 5, range, &hooks, None)).unwrap().unwrap());
        }
        assert_eq!(parts, whole);
        assert_eq!(run_range(sc, 5, 7..7, &hooks, None).unwrap().runs, 0);
        // The sink sees the runs' own numbers, in order. (Ten runs on two
        // threads make 8 parts of 2, the last ones empty: this used to
        // underflow, and `simulate --runs 10 --threads 2 --runs-csv` crashed.)
        let mut seen = Vec::new();
        let mut sink = |run: u64, _: &_| {
            seen.push(run);
            Ok(())
        };
        let part = with_threads(2, || run_range(sc, 5, 990..1000, &hooks, Some(&mut sink))).unwrap().unwrap();
        assert_eq!(seen, (990..1000).collect::<Vec<_>>());
        assert_eq!(part.runs, 10);
    }
}

#[test]
fn different_seeds_differ() {
    let sc = classic(r#"{ kind = "tit_for_tat" }"#, r#"{ kind = "tit_for_tat" }"#, 0.05, 50, 1);
    let a = run_batch(&sc, &McConfig { runs: 500, seed: 1 }, &Hooks::default(), None).unwrap();
    let b = run_batch(&sc, &McConfig { runs: 500, seed: 2 }, &Hooks::default(), None).unwrap();
    assert_ne!(a, b);
}

#[test]
fn threads_do_not_change_output_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = repo_path("scenarios/classic-ipd.toml");
    let mut outputs = Vec::new();
    for threads in ["1", "2"] {
        let out = dir.path().join(format!("t{threads}"));
        Command::cargo_bin("simulate")
            .unwrap()
            .args([
                scenario.to_str().unwrap(),
                "--runs",
                "1500",
                "--seed",
                "5",
                "--threads",
                threads,
                "--runs-csv",
                "--no-charts",
                "--quiet",
            ])
            .arg("--out")
            .arg(&out)
            .assert()
            .success();
        let read = |f: &str| std::fs::read(out.join(f)).unwrap();
        outputs.push((read("summary.csv"), read("trajectory.csv"), read("runs.csv")));
    }
    assert!(outputs[0] == outputs[1], "outputs differ between --threads 1 and --threads 2");
    // runs.csv has one row per run, in run order.
    let runs = String::from_utf8(outputs[0].2.clone()).unwrap();
    let ids: Vec<u64> = runs.lines().skip(1).map(|l| l.split(',').next().unwrap().parse().unwrap()).collect();
    assert_eq!(ids, (0..1500).collect::<Vec<_>>());
}

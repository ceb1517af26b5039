//! Regression tests for issue 14 (reliability), one per item: each test is
//! named after what it guards. The fault-injection layer (full disk, closed
//! stdout, interrupts, concurrent writers) is in `faults.rs`.

use tradewar::montecarlo::{Hooks, McConfig, run_batch, with_threads};
use tradewar::outcome::RunSummary;

use crate::common::classic;

/// Item 1: a last block small compared with threads × 4 made a part start
/// past the block's end (`hi - lo` wrapped: "capacity overflow" with
/// `--runs-csv`). Every run must reach the sink once, in order, and the
/// totals must not depend on the thread count.
#[test]
fn runs_csv_blocks_smaller_than_the_parts_do_not_overflow() {
    let sc = classic("{ kind = \"tit_for_tat\" }", "{ kind = \"tit_for_tat\" }", 0.05, 3, 1);
    for (runs, threads) in [(9, 2), (5, 1), (1000, 16), (65_545, 2), (1, 3)] {
        let cfg = McConfig { runs, seed: 3 };
        let mut seen = Vec::new();
        let mut sink = |run: u64, _: &RunSummary| -> Result<(), tradewar::Error> {
            seen.push(run);
            Ok(())
        };
        let batch =
            with_threads(threads, || run_batch(&sc, &cfg, &Hooks::default(), Some(&mut sink))).unwrap().unwrap();
        assert_eq!(seen.len() as u64, runs, "{runs} runs on {threads} threads");
        assert!(seen.iter().enumerate().all(|(i, &r)| i as u64 == r), "{runs} runs on {threads} threads: out of order");
        let one = with_threads(1, || run_batch(&sc, &cfg, &Hooks::default(), None)).unwrap().unwrap();
        assert_eq!(batch, one, "{runs} runs: totals depend on the thread count");
    }
}

#[test]
fn runs_csv_with_a_tiny_batch_exits_0() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let output = crate::common::simulate()
        .args([
            "scenarios/busan.toml",
            "--runs",
            "9",
            "--threads",
            "2",
            "--runs-csv",
            "--no-charts",
            "--quiet",
            "--out",
        ])
        .arg(&out)
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert_eq!(std::fs::read_to_string(out.join("runs.csv")).unwrap().lines().count(), 10);
}

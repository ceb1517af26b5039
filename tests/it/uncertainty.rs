//! Parameter uncertainty (issue 13 item 1): probabilities drawn per parameter
//! draw, runs grouped by `runs_per_draw`, the spread apart from Monte Carlo
//! error.

use assert_cmd::prelude::*;
use tradewar::montecarlo::{Hooks, McConfig, run_batch, with_threads};
use tradewar::report::Report;

use crate::common::{classic_toml, parse, repo_path};

fn batch(text: &str, runs: u64) -> tradewar::Batch {
    run_batch(&parse(text), &McConfig { runs, seed: 3 }, &Hooks::default(), None).unwrap()
}

#[test]
fn a_degenerate_distribution_gives_the_bytes_of_the_fixed_number() {
    let fixed = classic_toml(r#"{ kind = "tit_for_tat" }"#, r#"{ kind = "tit_for_tat" }"#, 0.05, 50, 1);
    let degenerate = fixed.replace("noise = 0.05", "noise = { uniform = [0.05, 0.05] }");
    assert_ne!(fixed, degenerate);
    assert_eq!(batch(&fixed, 2000), batch(&degenerate, 2000));
}

#[test]
fn drawn_noise_is_used_and_groups_share_their_draw() {
    let fixed = classic_toml(r#"{ kind = "tit_for_tat" }"#, r#"{ kind = "tit_for_tat" }"#, 0.05, 50, 1);
    let drawn = fixed.replace("noise = 0.05", "noise = { uniform = [0.0, 0.1] }");
    let grouped = format!("runs_per_draw = 50\n{drawn}");
    let (f, d, g) = (batch(&fixed, 4000), batch(&drawn, 4000), batch(&grouped, 4000));
    assert_ne!(f.totals, d.totals, "the noise is drawn");
    // Grouping changes which runs share a draw, not the draws' law.
    let vc = |b: &tradewar::Batch| b.runs_of(tradewar::Outcome::ViciousCycle) as f64 / b.runs as f64;
    assert!((vc(&d) - vc(&g)).abs() < 0.06, "{} vs {}", vc(&d), vc(&g));
    // Only the grouped batch reports a spread; its clustered interval is
    // wider than Wilson's and holds the share.
    let rows = |b: &tradewar::Batch| tradewar::report::summary_rows(b);
    assert!(rows(&d).iter().all(|r| r.spread.is_none()));
    let r = rows(&g).into_iter().find(|r| r.slot.key() == "vicious_cycle").unwrap();
    let s = r.spread.expect("a spread with 80 draws of 50 runs");
    assert_eq!((s.groups, s.per), (80, 50));
    let (lo, hi) = tradewar::stats::wilson(r.runs, 4000, tradewar::stats::Z95);
    assert!(r.ci_high - r.ci_low > hi - lo && r.ci_low <= r.share && r.share <= r.ci_high, "{r:?}");
    assert!(s.sd > 0.02 && s.p05 < r.share && r.share < s.p95, "{s:?}");
}

#[test]
fn the_spread_is_identical_across_thread_counts_and_in_the_outputs() {
    let sc = tradewar::scenario::load(&repo_path("scenarios/busan.toml")).unwrap();
    assert_eq!(sc.runs_per_draw, 100);
    let cfg = McConfig { runs: 1050, seed: 11 }; // 10 whole draws and a cut-short one
    let one = with_threads(1, || run_batch(&sc, &cfg, &Hooks::default(), None)).unwrap().unwrap();
    let two = with_threads(2, || run_batch(&sc, &cfg, &Hooks::default(), None)).unwrap().unwrap();
    assert_eq!(one, two);
    let report = Report::new(&sc, &one);
    let csv = String::from_utf8(tradewar::report::csv::summary_csv(&report)).unwrap();
    let header: Vec<&str> = csv.lines().next().unwrap().split(',').collect();
    let at = header.iter().position(|h| *h == "param_p95").unwrap();
    for line in csv.lines().skip(1).filter(|l| !l.contains(",all,")) {
        assert!(!line.split(',').nth(at).unwrap().is_empty(), "{line}");
    }
    assert!(report.summary_json().contains("\"draws\": 10"));
}

#[test]
fn robustness_rows_at_the_scenarios_own_thresholds_equal_the_run() {
    let dir = tempfile::tempdir().unwrap();
    let (run, rob) = (dir.path().join("run"), dir.path().join("rob"));
    let args = ["scenarios/april-2025.toml", "--runs", "400", "--seed", "5", "-q", "--no-charts", "--out"];
    crate::common::simulate().args(args).arg(&run).assert().success();
    crate::common::simulate().arg("robustness").args(args).arg(&rob).assert().success();
    let summary = std::fs::read_to_string(run.join("summary.csv")).unwrap();
    let grid = std::fs::read_to_string(rob.join("robustness.csv")).unwrap();
    let share = |csv: &str, outcome: &str| -> Vec<String> {
        csv.lines()
            .filter(|l| l.contains(&format!(",{outcome},")) && (!l.contains(",false,")))
            .map(|l| {
                let f: Vec<&str> = l.split(',').collect();
                // summary: share is column 3; robustness: column 6.
                if f.len() > 9 { f[3].to_string() } else { f[6].to_string() }
            })
            .collect()
    };
    for o in ["detente", "vicious_cycle", "coercion", "standoff"] {
        let own = share(&grid, o);
        assert_eq!(own.len(), 5, "one own row per threshold: {own:?}");
        assert!(own.iter().all(|s| *s == share(&summary, o)[0]), "{o}: {own:?} vs {summary}");
    }
}

#[test]
fn sensitivity_writes_its_indices_identically_on_any_thread_count() {
    let dir = tempfile::tempdir().unwrap();
    let run = |threads: &str, out: &str| {
        let out = dir.path().join(out);
        crate::common::simulate()
            .args(["sensitivity", "scenarios/busan.toml", "--samples", "8", "--runs", "2", "--rounds", "8", "-q"])
            .args(["--threads", threads, "--out"])
            .arg(&out)
            .assert()
            .success();
        std::fs::read_to_string(out.join("sensitivity.csv")).unwrap()
    };
    let (one, two) = (run("1", "a"), run("2", "b"));
    assert_eq!(one, two);
    assert!(one.starts_with("scenario,figure,input,label,first_order,"));
    let sc = tradewar::scenario::load(&repo_path("scenarios/busan.toml")).unwrap();
    // Every uncertain input and the play, for each of the four figures.
    assert_eq!(one.lines().count(), 1 + 4 * (sc.uncertain_params().len() + 1));
    assert!(one.contains(",sides.china.strategy.generosity,") && one.contains(",play,"));
    // A scenario without distributions has nothing to attribute: exit 2.
    crate::common::simulate()
        .args(["sensitivity", "scenarios/classic-ipd.toml", "-q", "--out"])
        .arg(dir.path().join("c"))
        .assert()
        .code(2);
}

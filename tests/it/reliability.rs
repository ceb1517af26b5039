//! Regression tests for issue 14 (reliability), one per item: each test is
//! named after what it guards. The fault-injection layer (full disk, closed
//! stdout, interrupts, concurrent writers) is in `faults.rs`.

use tradewar::montecarlo::{Hooks, McConfig, run_batch, with_threads};
use tradewar::outcome::RunSummary;

use crate::common::{classic, output_within, simulate, stderr_of};

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
    let output = simulate()
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

/// Item 5: every input is read through one bounded reader: a device, a FIFO
/// or a file beyond the limit is refused at once with exit 2, naming the file.
#[cfg(unix)]
#[test]
fn inputs_refuse_devices_fifos_and_oversized_files() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let fifo = d.join("pipe.toml");
    assert!(std::process::Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    let big = d.join("big.toml");
    std::fs::File::create(&big).unwrap().set_len(tradewar::input::MAX_TEXT_BYTES + 1).unwrap();
    std::fs::write(d.join("zero-sweep.toml"), "scenario = \"/dev/zero\"\n[[vary]]\npath = \"runs\"\nvalues = [1]\n")
        .unwrap();
    let out = d.join("out");
    let cases: Vec<(Vec<std::ffi::OsString>, &str, &str)> = vec![
        (vec!["/dev/zero".into()], "/dev/zero", "character device"),
        (vec![fifo.clone().into()], "pipe.toml", "FIFO"),
        (vec![big.clone().into()], "big.toml", "larger than 16 MiB"),
        (vec!["sweep".into(), d.join("zero-sweep.toml").into()], "/dev/zero", "character device"),
        (vec!["sweep".into(), "scenarios/busan.toml".into(), "--list-params".into()], "", ""),
        (
            vec!["fit".into(), "scenarios/escalation-2025.toml".into(), "--history".into(), "/dev/zero".into()],
            "/dev/zero",
            "character device",
        ),
        (
            vec!["fit".into(), "scenarios/escalation-2025.toml".into(), "--history".into(), fifo.clone().into()],
            "pipe.toml",
            "FIFO",
        ),
        (
            vec!["tournament".into(), "scenarios/busan.toml".into(), "--candidates".into(), "/dev/zero".into()],
            "/dev/zero",
            "character device",
        ),
        (vec!["merge".into(), "/dev/zero".into(), "--out".into(), out.clone().into()], "/dev/zero", "character device"),
    ];
    for (args, names, says) in cases {
        let o = output_within(simulate().args(&args).arg("--quiet").env("NO_COLOR", "1"), 20);
        if names.is_empty() {
            assert!(o.status.success(), "{args:?}: {}", stderr_of(&o));
            continue;
        }
        let err = stderr_of(&o);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(names) && err.contains(says), "{args:?}: {err}");
    }
}

/// Item 11: impossible dates and a repeated column are refused with the
/// file and line.
#[test]
fn history_refuses_impossible_dates_and_repeated_columns() {
    let dir = tempfile::tempdir().unwrap();
    let good = std::fs::read_to_string(crate::common::repo_path("data/us-china-2025.csv")).unwrap();
    let line_of = |needle: &str| good.lines().position(|l| l.contains(needle)).unwrap() + 1;
    let header = line_of("round,date,side,lever,value,source");
    let feb = line_of("2,2025-02-04,us,tariffs");
    let cases = [
        (good.replacen("2,2025-02-04,us,tariffs", "2,2025-02-30,us,tariffs", 1), feb, "date 2025-02-30 does not exist"),
        (good.replacen("2,2025-02-04,us,tariffs", "2,2025-02-31,us,tariffs", 1), feb, "date 2025-02-31 does not exist"),
        (
            good.replacen("round,date,side,lever,value,source", "round,date,side,lever,value,source,value", 1),
            header,
            "column `value` appears twice",
        ),
    ];
    for (i, (text, line, says)) in cases.iter().enumerate() {
        let path = dir.path().join(format!("h{i}.csv"));
        std::fs::write(&path, text).unwrap();
        let o = output_within(
            simulate()
                .args(["fit", "scenarios/escalation-2025.toml", "--no-charts", "--quiet", "--history"])
                .arg(&path),
            20,
        );
        let err = stderr_of(&o);
        assert_eq!(o.status.code(), Some(2), "{says}: {err}");
        assert!(err.contains(&format!("h{i}.csv:{line}: {says}")), "{err}");
    }
}

/// Item 8: a text cell that a spreadsheet would run as a formula gets a
/// leading `'`, in every CSV; numbers, negative ones included, stay numbers.
#[test]
fn csv_text_cells_cannot_be_formulas() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(crate::common::repo_path("scenarios/classic-ipd.toml")).unwrap().replacen(
        "name = \"defect\"",
        "name = \"defect\"\nunit = \"=cmd|'/c calc'!A1\"",
        1,
    );
    let scenario = dir.path().join("=HYPERLINK(1).toml");
    std::fs::write(&scenario, text).unwrap();
    let out = dir.path().join("out");
    let o = output_within(
        simulate().arg(&scenario).args(["--runs", "20", "--no-charts", "--quiet", "--runs-csv", "--out"]).arg(&out),
        30,
    );
    assert!(o.status.success(), "{}", stderr_of(&o));
    let summary = std::fs::read_to_string(out.join("summary.csv")).unwrap();
    assert!(summary.lines().skip(1).all(|l| l.starts_with("'=HYPERLINK(1),")), "{summary}");
    let trajectory = std::fs::read_to_string(out.join("trajectory.csv")).unwrap();
    assert!(trajectory.contains(",'=cmd|'/c calc'!A1,"), "{trajectory}");
    for file in ["summary.csv", "trajectory.csv", "runs.csv"] {
        let text = std::fs::read_to_string(out.join(file)).unwrap();
        for c in text.lines().flat_map(|l| l.split(',')) {
            let c = c.trim_matches('"');
            assert!(!c.starts_with(['=', '+', '@', '\t', '\r']), "{file}: {c}");
            assert!(!c.starts_with('-') || c.parse::<f64>().is_ok(), "{file}: {c}");
        }
    }
}

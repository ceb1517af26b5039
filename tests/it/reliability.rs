//! Regression tests for issue 14 (reliability), one per item: each test is
//! named after what it guards. The fault-injection layer (full disk, closed
//! stdout, interrupts, concurrent writers) is in `faults.rs`.

use tradewar::montecarlo::{Hooks, McConfig, run_batch, with_threads};
use tradewar::outcome::RunSummary;

use crate::common::{
    assert_no_temp_files, classic, files_of, names_of, output_within, reference_set, simulate, stderr_of,
};

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

/// Item 2: a rerun replaces the command's whole set: files of the previous
/// run that the new one does not write (runs.csv, PNGs) go; files simulate
/// did not write, and other commands' outputs in the same folder, stay.
#[test]
fn rerun_replaces_the_whole_set_and_nothing_else() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let run = |extra: &[&str]| {
        let o = output_within(
            simulate().args(["scenarios/busan.toml", "--runs", "100", "--quiet"]).args(extra).arg("--out").arg(&out),
            60,
        );
        assert!(o.status.success(), "{}", stderr_of(&o));
    };
    run(&["--runs-csv", "--svg"]);
    std::fs::write(out.join("notes.txt"), "mine").unwrap();
    let o = output_within(
        simulate()
            .args(["backtest", "scenarios/escalation-2025.toml", "--history", "data/us-china-2025.csv", "--runs", "50"])
            .args(["--no-charts", "--quiet", "--out"])
            .arg(&out),
        60,
    );
    assert!(o.status.success(), "{}", stderr_of(&o));
    run(&["--no-charts"]);
    let names: Vec<String> = files_of(&out).into_iter().map(|(n, _)| n).collect();
    assert_eq!(
        names,
        [
            ".simulate-manifest",
            "backtest.csv",
            "concessions.csv",
            "notes.txt",
            "provenance.json",
            "report.html",
            "summary.csv",
            "trajectory.csv",
            "truces.csv"
        ]
    );
    assert_no_temp_files(&out);
}

/// Item 2: a switch cut short (the process killed between the commit point
/// and the last rename) is finished by the next simulate on the folder,
/// before it writes its own set; stale staging folders and old temporary
/// files are removed; files simulate did not write are not.
#[test]
fn half_done_switch_and_stale_staging_are_finished_by_the_next_run() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let old = reference_set(&["scenarios/busan.toml", "--runs", "60", "--seed", "1", "--quiet", "--runs-csv"], &out);
    let new = reference_set(
        &["scenarios/busan.toml", "--runs", "60", "--seed", "2", "--quiet", "--no-charts"],
        &dir.path().join("ref"),
    );
    // The journal of a switch from `old` to `new` in which summary.csv was
    // already moved into place: the rest is still in the journal.
    let journal = out.join(".simulate-commit");
    std::fs::create_dir(&journal).unwrap();
    for (name, _) in &new {
        // The files as written (`new` holds provenance.json and the
        // manifest made comparable).
        let bytes = std::fs::read(dir.path().join("ref").join(name)).unwrap();
        let to = if name == "summary.csv" { out.join(name) } else { journal.join(name) };
        std::fs::write(to, bytes).unwrap();
    }
    let stale = out.join(".simulate-staging-999999-0");
    std::fs::create_dir(&stale).unwrap();
    std::fs::write(stale.join("runs.csv"), "partial").unwrap();
    let old_tmp = out.join(".simulate-Ab12Cd.tmp");
    std::fs::write(&old_tmp, "partial").unwrap();
    let an_hour_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
    std::fs::File::options().write(true).open(&old_tmp).unwrap().set_modified(an_hour_ago).unwrap();
    std::fs::write(out.join(".simulate-keep"), "not ours to judge: too recent").unwrap();
    assert_ne!(files_of(&out), old);

    // Another command's run on the folder: it finishes the switch first.
    let o = output_within(
        simulate()
            .args(["backtest", "scenarios/escalation-2025.toml", "--history", "data/us-china-2025.csv", "--runs", "20"])
            .args(["--no-charts", "--quiet", "--out"])
            .arg(&out),
        60,
    );
    assert!(o.status.success(), "{}", stderr_of(&o));
    let mut expected: Vec<String> = new.iter().map(|(n, _)| n.clone()).collect();
    expected.extend([".simulate-keep".to_string(), "backtest.csv".to_string()]);
    expected.sort();
    let now = files_of(&out);
    assert_eq!(names_of(&now), expected);
    for (name, bytes) in &new {
        if name != ".simulate-manifest" && name != "provenance.json" {
            assert_eq!(now.iter().find(|(n, _)| n == name).map(|(_, b)| b), Some(bytes), "{name}");
        }
    }
    // provenance.json keeps the finished switch's record beside the backtest's.
    let record = |files: &[(String, Vec<u8>)], set: &str| {
        let (_, bytes) = files.iter().find(|(n, _)| n == "provenance.json").unwrap();
        serde_json::from_slice::<serde_json::Value>(bytes).unwrap()["sets"][set].clone()
    };
    assert_eq!(record(&now, "run"), record(&new, "run"));
    assert!(record(&now, "backtest").is_object());
    assert!(!journal.exists() && !stale.exists() && !old_tmp.exists());
}

/// Item 3: a second SIGINT while the first is being handled still removes
/// the staging folder (the partial runs.csv); nothing is left for ever.
#[cfg(unix)]
#[test]
fn second_interrupt_still_cleans_up() {
    use std::time::{Duration, Instant};
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    for signals in [["INT", "INT"], ["TERM", "TERM"], ["INT", "TERM"]] {
        let child = simulate()
            .args(["scenarios/busan.toml", "--runs", "1000000", "--runs-csv", "--quiet", "--out"])
            .arg(&out)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let started = Instant::now();
        while !std::fs::read_dir(&out)
            .map(|mut d| d.any(|e| e.unwrap().file_name().to_string_lossy().starts_with(".simulate-staging-")))
            .unwrap_or(false)
        {
            assert!(started.elapsed() < Duration::from_secs(20), "the run never started");
            std::thread::sleep(Duration::from_millis(10));
        }
        std::thread::sleep(Duration::from_millis(100));
        for s in signals {
            std::process::Command::new("kill").args([&format!("-{s}"), &child.id().to_string()]).status().unwrap();
            std::thread::sleep(Duration::from_millis(10));
        }
        let o = child.wait_with_output().unwrap();
        assert_eq!(o.status.code(), Some(130), "{signals:?}: {}", stderr_of(&o));
        assert!(stderr_of(&o).contains("previous outputs were left untouched"), "{}", stderr_of(&o));
        assert_no_temp_files(&out);
    }
}

/// Item 7: the default output folder is `output/` plus a plain name made
/// from the file stem: `...toml` and `..toml` must not write into the
/// current folder or into `output/` itself.
#[test]
fn default_output_folder_is_a_plain_name() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(crate::common::repo_path("scenarios/classic-ipd.toml")).unwrap();
    for (file, folder) in
        [("...toml", "scenario"), ("..toml", "scenario"), (".hidden.toml", "hidden"), ("a\u{1b}b.toml", "a_b")]
    {
        let cwd = dir.path().join(format!("cwd-{}", file.len()));
        std::fs::create_dir(&cwd).unwrap();
        std::fs::write(cwd.join(file), &text).unwrap();
        let o =
            output_within(simulate().current_dir(&cwd).arg(file).args(["--runs", "10", "--no-charts", "--quiet"]), 30);
        assert!(o.status.success(), "{file}: {}", stderr_of(&o));
        assert!(cwd.join("output").join(folder).join("summary.csv").is_file(), "{file}");
        assert!(!cwd.join("summary.csv").exists() && !cwd.join("output/summary.csv").exists(), "{file}");
    }
}

/// Item 8: control characters (ESC, OSC sequences, C1) in names never reach
/// the terminal raw: tables, notes and errors show them escaped.
#[test]
fn terminal_output_escapes_control_characters() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(crate::common::repo_path("scenarios/classic-ipd.toml")).unwrap().replacen(
        "name = \"Classic",
        "name = \"\\u001b]0;pwned\\u0007\\u009b31mClassic",
        1,
    );
    let scenario = dir.path().join("evil.toml");
    std::fs::write(&scenario, &text).unwrap();
    let unsafe_byte = |s: &str| s.chars().any(|c| c.is_control() && c != '\n' && c != '\t');
    let out = dir.path().join("out");
    for args in
        [vec!["validate"], vec!["playthrough"], vec!["--runs", "10", "--no-charts", "--out", out.to_str().unwrap()]]
    {
        let o = output_within(simulate().args(&args).arg(&scenario), 30);
        assert!(o.status.success(), "{args:?}: {}", stderr_of(&o));
        let stdout = String::from_utf8(o.stdout.clone()).unwrap();
        assert!(!unsafe_byte(&stdout) && !unsafe_byte(&stderr_of(&o)), "{args:?}: {stdout:?}");
        assert!(stdout.contains("\\u001b]0;pwned\\u0007\\u009b31mClassic"), "{args:?}: {stdout}");
    }
    // --json stays valid JSON with the same string.
    let o =
        output_within(simulate().arg(&scenario).args(["--runs", "10", "--no-charts", "--json", "--out"]).arg(&out), 30);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(
        v["scenario"],
        "\u{1b}]0;pwned\u{7}\u{9b}31mClassic iterated prisoner's dilemma (TFT vs TFT, noise 0.05)"
    );
    // An error echoing a name.
    let o =
        output_within(simulate().args(["tournament"]).arg(&scenario).args(["--side", "\u{1b}[2Jx=tit_for_tat"]), 30);
    assert_eq!(o.status.code(), Some(2));
    assert!(!unsafe_byte(&stderr_of(&o)) && stderr_of(&o).contains("\\u001b[2Jx"), "{}", stderr_of(&o));
}

/// Item 10: `fit --write-scenario` into a missing folder fails before any
/// work (fit.csv untouched), exit 2, naming the path once, no temp name.
#[test]
fn fit_write_scenario_is_checked_before_any_work() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let fit =
        ["fit", "scenarios/escalation-2025.toml", "--history", "data/us-china-2025.csv", "--no-charts", "--quiet"];
    let before = reference_set(&[&fit[..], &["--strategies", "tit_for_tat"]].concat(), &out);
    let dest = dir.path().join("missing/fitted.toml");
    let o = output_within(simulate().args(fit).arg("--out").arg(&out).arg("--write-scenario").arg(&dest), 30);
    let err = stderr_of(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert_eq!(err.matches("fitted.toml").count(), 1, "{err}");
    assert!(err.contains("does not exist") && !err.contains(".simulate-"), "{err}");
    assert_eq!(files_of(&out), before);
    // A folder given as the destination.
    let o = output_within(simulate().args(fit).arg("--out").arg(&out).arg("--write-scenario").arg(dir.path()), 30);
    assert_eq!(o.status.code(), Some(2), "{}", stderr_of(&o));
}

/// Item 12: SIGTERM during `fit` (which runs no batch) exits 130, like
/// SIGINT, and leaves no staging folder.
#[cfg(unix)]
#[test]
fn sigterm_during_fit_exits_130() {
    use std::time::{Duration, Instant};
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let mut landed = 0;
    for _ in 0..20 {
        let _ = std::fs::remove_dir_all(&out);
        let mut child = simulate()
            .args(["fit", "scenarios/escalation-2025.toml", "--history", "data/us-china-2025.csv", "--quiet", "--out"])
            .arg(&out)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        // The handler is installed before the staging folder is made.
        let started = Instant::now();
        while !std::fs::read_dir(&out).is_ok_and(|mut d| d.next().is_some())
            && started.elapsed() < Duration::from_secs(10)
        {
            std::thread::sleep(Duration::from_millis(1));
        }
        std::process::Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
        let status = child.wait().unwrap();
        match status.code() {
            Some(130) => {
                landed += 1;
                assert!(!out.join("fit.csv").exists());
            }
            Some(0) => assert!(out.join("fit.csv").exists()),
            other => panic!("SIGTERM during fit: exit {other:?}"),
        }
        assert_no_temp_files(&out);
        if landed >= 3 {
            break;
        }
    }
    assert!(landed > 0, "fit always finished before the signal");
}

/// Item 12: the documented rounds limit is the real one (10,000 rounds of
/// the smallest scenario validate); a limit hit through `--rounds` says so
/// instead of pointing at line 1 of the file.
#[test]
fn rounds_limit_is_the_documented_one_and_names_the_flag() {
    let text = std::fs::read_to_string(crate::common::repo_path("scenarios/classic-ipd.toml")).unwrap();
    let max = tradewar::scenario::MAX_ROUNDS;
    let overrides = tradewar::scenario::Overrides { rounds: Some(max), ..Default::default() };
    tradewar::scenario::parse_with(std::path::Path::new("classic-ipd.toml"), &text, &overrides)
        .unwrap_or_else(|e| panic!("{}", e.render()));
    let docs = std::fs::read_to_string(crate::common::repo_path("docs/scenarios.md")).unwrap();
    assert!(docs.contains("Rounds ≤ 10,000") && max == 10_000);
    let o = output_within(simulate().args(["scenarios/busan.toml", "--rounds", "9999", "--quiet"]), 30);
    let err = stderr_of(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("9999 rounds (from --rounds): scenario too large") && !err.contains(":1:1"), "{err}");
}

/// Item 12: a batch too large for the memory it may use (here a 250 MB
/// address-space limit) is refused with exit 1 before anything is written,
/// instead of aborting with a 0-byte temporary file.
#[cfg(unix)]
#[test]
fn batch_too_large_for_memory_is_refused_before_writing() {
    use std::os::unix::process::CommandExt;
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let mut cmd = simulate();
    cmd.args(["scenarios/busan.toml", "--rounds", "9000", "--runs", "50", "--threads", "2", "--no-charts", "--out"])
        .arg(&out);
    // SAFETY: setrlimit is async-signal-safe.
    unsafe {
        cmd.pre_exec(|| {
            let lim = libc::rlimit { rlim_cur: 250 << 20, rlim_max: 250 << 20 };
            if libc::setrlimit(libc::RLIMIT_AS, &lim) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let o = output_within(&mut cmd, 60);
    let err = stderr_of(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("not enough memory for 9000 rounds of `busan`") && err.contains("MB)"), "{err}");
    assert!(!out.exists(), "the output folder was created");
}

/// Item 12: `playthrough --run K` only replays a run of the batch.
#[test]
fn playthrough_refuses_runs_outside_the_batch() {
    let o = output_within(simulate().args(["playthrough", "scenarios/busan.toml", "--run", "10000"]), 30);
    let err = stderr_of(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("--run 10000: the batch has 10000 runs, numbered 0 to 9999"), "{err}");
    let o = output_within(
        simulate().args(["playthrough", "scenarios/busan.toml", "--run", "10000", "--runs", "10001"]),
        30,
    );
    assert!(o.status.success(), "{}", stderr_of(&o));
}

/// Item 12: runs that write to one folder at once do not mix their sets: a
/// short run finishes and switches its set in while a long one is still
/// working there; interrupting the long one leaves the short one's set. The
/// shards of a sweep, run at once into one folder, merge.
#[cfg(unix)]
#[test]
fn concurrent_writers_on_one_folder_do_not_mix() {
    use std::time::{Duration, Instant};
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let mut long = simulate()
        .args(["scenarios/busan.toml", "--runs", "1000000", "--runs-csv", "--quiet", "--out"])
        .arg(&out)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while !out.exists() || std::fs::read_dir(&out).unwrap().next().is_none() {
        assert!(started.elapsed() < Duration::from_secs(20));
        std::thread::sleep(Duration::from_millis(10));
    }
    let short = reference_set(&["scenarios/busan.toml", "--runs", "10", "--quiet", "--no-charts"], &out);
    let want =
        reference_set(&["scenarios/busan.toml", "--runs", "10", "--quiet", "--no-charts"], &dir.path().join("ref"));
    assert_eq!(short, want);
    let staging = |out: &std::path::Path| {
        std::fs::read_dir(out)
            .unwrap()
            .any(|e| e.unwrap().file_name().to_string_lossy().starts_with(".simulate-staging-"))
    };
    assert!(staging(&out), "the short run took the long one's staging folder for a dead run's");
    std::process::Command::new("kill").args(["-INT", &long.id().to_string()]).status().unwrap();
    assert_eq!(long.wait().unwrap().code(), Some(130));
    assert_eq!(files_of(&out), want);
    assert_no_temp_files(&out);

    let shards = dir.path().join("shards");
    let children: Vec<_> = ["1/3", "2/3", "3/3"]
        .iter()
        .map(|k| {
            simulate()
                .args(["sweep", "scenarios/busan.toml", "--vary", "sides.us.noise=0:0.1:5", "--runs", "30", "--quiet"])
                .args(["--shard", k, "--out"])
                .arg(&shards)
                .spawn()
                .unwrap()
        })
        .collect();
    for c in children {
        assert!(c.wait_with_output().unwrap().status.success());
    }
    let o = output_within(simulate().args(["merge", "--no-charts", "--quiet"]).arg(&shards), 30);
    assert!(o.status.success(), "{}", stderr_of(&o));
    assert_no_temp_files(&shards);
}

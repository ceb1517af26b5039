//! Bad input (issue 4): every fixture in `tests/fixtures/bad_*.toml` must be
//! refused with exit code 2 and one message that names the file (and the line
//! and column, where the problem has one) and says what is wrong; never a
//! panic, and nothing written. The first line of each fixture says what the
//! message must contain. `tests/fixtures/make_bad_fixtures.py` regenerates
//! them from `good_base.toml`.

use std::path::{Path, PathBuf};
use std::process::Command;

use assert_cmd::prelude::*;
use predicates::prelude::*;

use crate::common::{repo_path, simulate};

fn fixtures() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(repo_path("tests/fixtures"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().unwrap().to_str().unwrap().starts_with("bad_"))
        .collect();
    v.sort();
    v
}

fn expectation(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap();
    text.lines().next().unwrap().strip_prefix("# expect: ").expect("first line states the expectation").to_string()
}

/// Messages that must never reach a user.
fn assert_clean(stderr: &str, what: &str) {
    for bad in ["panicked", "RUST_BACKTRACE", "Error {", "Some(", "called `Result::unwrap()`"] {
        assert!(!stderr.contains(bad), "{what}: stderr has `{bad}`:\n{stderr}");
    }
    assert_eq!(stderr.matches("error:").count(), 1, "{what}: one error message expected:\n{stderr}");
}

#[test]
fn every_bad_fixture_is_refused_clearly() {
    let files = fixtures();
    assert!(files.len() >= 60, "only {} fixtures", files.len());
    for f in &files {
        let out = simulate().arg("validate").arg(f).output().unwrap();
        let stderr = String::from_utf8(out.stderr).unwrap();
        let name = f.file_name().unwrap().to_str().unwrap();
        assert_eq!(out.status.code(), Some(2), "{name}: exit code\n{stderr}");
        assert!(stderr.contains(&expectation(f)), "{name}: expected `{}` in\n{stderr}", expectation(f));
        assert!(stderr.contains(name), "{name}: the message must name the file\n{stderr}");
        assert_clean(&stderr, name);
        // Errors about a value point at it: `file:line:col`, past the header line.
        let located = stderr.contains(&format!("{name}:"));
        let whole_file = ["bad_empty.toml", "bad_one_side.toml", "bad_too_large.toml"].contains(&name)
            || stderr.contains("missing field");
        assert!(located || whole_file, "{name}: no line and column\n{stderr}");
    }
}

#[test]
fn a_bad_scenario_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    for f in fixtures().iter().take(12) {
        let out = dir.path().join("out");
        simulate().arg(f).arg("--out").arg(&out).assert().code(2);
        assert!(!out.exists(), "{} created the output folder", f.display());
    }
}

#[test]
fn files_that_are_not_scenarios() {
    let dir = tempfile::tempdir().unwrap();
    let latin1 = dir.path().join("latin1.toml");
    std::fs::write(&latin1, b"rounds = 5\nname = \"caf\xe9\"\n").unwrap();
    let binary = dir.path().join("binary.toml");
    std::fs::write(&binary, [0u8, 159, 146, 150, 0, 1, 2, 255, 254]).unwrap();
    let cases: [(PathBuf, &str); 4] = [
        (latin1, "latin1.toml:2:12"),
        (binary, "binary data, not a TOML text file"),
        (dir.path().join("missing.toml"), "cannot read scenario: no such file"),
        (dir.path().to_path_buf(), "is a directory, not a scenario file"),
    ];
    for (path, expect) in cases {
        let out = simulate().arg("validate").arg(&path).output().unwrap();
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert_eq!(out.status.code(), Some(2), "{}: {stderr}", path.display());
        assert!(stderr.contains(expect), "{}: expected `{expect}` in\n{stderr}", path.display());
        assert_clean(&stderr, expect);
    }
}

#[test]
fn output_folder_that_cannot_be_written() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a-file");
    std::fs::write(&file, "x").unwrap();
    simulate()
        .args(["scenarios/classic-ipd.toml", "--runs", "10", "--quiet", "--out"])
        .arg(&file)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("exists and is not a folder"));
    // A folder inside a regular file cannot be created, even by root.
    simulate()
        .args(["scenarios/classic-ipd.toml", "--runs", "10", "--quiet", "--out"])
        .arg(file.join("sub"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cannot create output folder"));
}

#[test]
fn cli_misuse_exits_2() {
    for args in [
        &["scenarios/classic-ipd.toml", "--threads", "0"][..],
        &["scenarios/classic-ipd.toml", "--runs", "0"],
        &["scenarios/classic-ipd.toml", "--runs", "-3"],
        &["scenarios/classic-ipd.toml", "--rounds", "0"],
        &["scenarios/classic-ipd.toml", "--rounds", "20000"],
        &["scenarios/classic-ipd.toml", "--seed", "x"],
        &["scenarios/classic-ipd.toml", "--misperception", "0.1"],
        &["validate"],
        &[],
    ] {
        let out = simulate().args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert_clean(&String::from_utf8(out.stderr).unwrap(), &format!("{args:?}"));
    }
}

#[test]
fn rounds_override_is_checked_against_the_file() {
    // --rounds 3 makes an event that starts in round 5 impossible.
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("s.toml");
    let text = std::fs::read_to_string(repo_path("tests/fixtures/good_base.toml"))
        .unwrap()
        .replace("label = \"truce\"", "label = \"truce\"\nstart = 5");
    std::fs::write(&f, text).unwrap();
    simulate().arg("validate").arg(&f).assert().success();
    simulate()
        .arg(&f)
        .args(["--rounds", "3", "--quiet"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("event start must be between 1 and 3, got 5"));
}

/// Ctrl-C (SIGINT) or SIGTERM during a long run: prompt stop, exit 130,
/// previous outputs untouched, no temporary files left.
#[cfg(unix)]
#[test]
fn interrupted_run_leaves_previous_outputs_intact() {
    use std::time::{Duration, Instant};
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    simulate()
        .args(["scenarios/classic-ipd.toml", "--runs", "50", "--quiet", "--runs-csv", "--out"])
        .arg(&out)
        .assert()
        .success();
    let before: Vec<(String, Vec<u8>)> = snapshot(&out);
    for signal in ["INT", "TERM"] {
        let mut child = simulate()
            .args(["scenarios/classic-ipd.toml", "--runs", "2000000000", "--quiet", "--runs-csv", "--out"])
            .arg(&out)
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        // The signal handler is installed before the staging folder (where
        // runs.csv is streamed) is created, so wait for that folder: the run
        // is then under way.
        let started = Instant::now();
        while !std::fs::read_dir(&out)
            .unwrap()
            .any(|e| e.unwrap().file_name().to_string_lossy().starts_with(".simulate-staging-"))
        {
            assert!(started.elapsed() < Duration::from_secs(20), "the run never started");
            std::thread::sleep(Duration::from_millis(20));
        }
        std::thread::sleep(Duration::from_millis(200));
        Command::new("kill").args([&format!("-{signal}"), &child.id().to_string()]).status().unwrap();
        let sent = Instant::now();
        let status = child.wait().unwrap();
        let stopped_in = sent.elapsed();
        assert_eq!(status.code(), Some(130), "SIG{signal}");
        assert!(stopped_in < Duration::from_secs(3), "SIG{signal}: took {stopped_in:?} to stop");
        assert_eq!(snapshot(&out), before, "SIG{signal} changed the previous outputs");
    }
}

fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut v: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let p = e.unwrap().path();
            (p.file_name().unwrap().to_string_lossy().into_owned(), std::fs::read(&p).unwrap())
        })
        .collect();
    v.sort();
    v
}

//! Golden outputs: small runs of the shipped scenarios, compared byte for byte
//! with the files checked in under `tests/golden/`. Any change to the model,
//! the order of random draws or the output formats shows up here.
//!
//! To accept a deliberate change, regenerate the files and review the diff:
//!
//! ```sh
//! GOLDEN_UPDATE=1 cargo test --test it golden
//! git diff tests/golden
//! ```

use std::path::Path;

use crate::common::{repo_path, simulate};

/// One golden case: a name (its folder under tests/golden), the command's
/// arguments, and the output files compared (`stdout` is the command's output).
struct Case {
    name: &'static str,
    args: &'static [&'static str],
    files: &'static [&'static str],
}

const CASES: &[Case] = &[
    Case {
        name: "classic-ipd",
        args: &["scenarios/classic-ipd.toml", "--runs", "2000", "--no-charts", "--quiet"],
        files: &["summary.csv", "trajectory.csv"],
    },
    Case {
        name: "busan",
        args: &["scenarios/busan.toml", "--runs", "2000", "--no-charts", "--quiet"],
        files: &["summary.csv", "trajectory.csv"],
    },
    Case {
        name: "busan-playthrough",
        args: &["playthrough", "scenarios/busan.toml", "--run", "3"],
        files: &["stdout"],
    },
];

fn check(case: &Case) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let mut cmd = simulate();
    cmd.args(case.args);
    if case.files.iter().any(|f| *f != "stdout") {
        cmd.arg("--out").arg(&out);
    }
    let output = cmd.output().unwrap();
    assert!(output.status.success(), "{}: {}", case.name, String::from_utf8_lossy(&output.stderr));
    let golden = repo_path("tests/golden").join(case.name);
    let update = std::env::var_os("GOLDEN_UPDATE").is_some();
    let mut diffs = Vec::new();
    for file in case.files {
        let got = if *file == "stdout" { output.stdout.clone() } else { std::fs::read(out.join(file)).unwrap() };
        let path = golden.join(file);
        if update {
            std::fs::create_dir_all(&golden).unwrap();
            std::fs::write(&path, &got).unwrap();
            continue;
        }
        match std::fs::read(&path) {
            Ok(want) if want == got => {}
            Ok(want) => diffs.push(first_difference(&path, &want, &got)),
            Err(_) => {
                diffs.push(format!("{} is missing: run GOLDEN_UPDATE=1 cargo test --test it golden", path.display()))
            }
        }
    }
    diffs
}

fn first_difference(path: &Path, want: &[u8], got: &[u8]) -> String {
    let (want, got) = (String::from_utf8_lossy(want), String::from_utf8_lossy(got));
    let line = want
        .lines()
        .zip(got.lines())
        .position(|(a, b)| a != b)
        .unwrap_or(want.lines().count().min(got.lines().count()));
    format!(
        "{} differs at line {}:\n  want: {}\n  got:  {}",
        path.display(),
        line + 1,
        want.lines().nth(line).unwrap_or("<end of file>"),
        got.lines().nth(line).unwrap_or("<end of file>")
    )
}

#[test]
fn golden_outputs_are_byte_identical() {
    let diffs: Vec<String> = CASES.iter().flat_map(check).collect();
    assert!(diffs.is_empty(), "golden outputs changed (GOLDEN_UPDATE=1 to accept):\n{}", diffs.join("\n"));
}

//! The binary, end to end: outputs, columns, errors and exit codes.

use assert_cmd::prelude::*;
use predicates::prelude::*;

use crate::common::{assert_no_temp_files, decode_png, header, simulate, toml_files};

#[test]
fn every_scenario_validates() {
    let files = toml_files("scenarios");
    assert!(!files.is_empty());
    for f in &files {
        if let Err(e) = tradewar::scenario::load(f) {
            panic!("{}", e.render());
        }
    }
    simulate().arg("validate").args(&files).assert().success().stdout(predicate::str::contains("ok: "));
}

#[test]
fn run_writes_documented_outputs() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    simulate()
        .args(["scenarios/busan.toml", "--runs", "300", "--out"])
        .arg(&out)
        .assert()
        .success()
        .stdout(predicate::str::contains("vicious cycle").and(predicate::str::contains("détente")));
    assert_eq!(
        header(&out.join("summary.csv")),
        "scenario,outcome,runs,share,ci_low,ci_high,welfare_us_mean,welfare_us_ci_low,welfare_us_ci_high,\
         welfare_china_mean,welfare_china_ci_low,welfare_china_ci_high,peak_us_mean,peak_china_mean,\
         exchanges_mean,rounds_to_detente_mean,payoff_us_mean,payoff_us_ci_low,payoff_us_ci_high,\
         payoff_china_mean,payoff_china_ci_low,payoff_china_ci_high,final_index_us_mean,final_index_china_mean,\
         param_sd,param_p05,param_p95,design_effect"
    );
    assert_eq!(
        header(&out.join("concessions.csv")),
        "scenario,measure,side,lever,runs,share,ci_low,ci_high,mean_round"
    );
    assert_eq!(header(&out.join("trajectory.csv")), "round,side,series,unit,mean,p10,p50,p90");
    let summary = std::fs::read_to_string(out.join("summary.csv")).unwrap();
    let outcomes: Vec<&str> = summary.lines().skip(1).map(|l| l.split(',').nth(1).unwrap()).collect();
    assert_eq!(outcomes, ["detente", "vicious_cycle", "coercion", "standoff", "all"]);
    let total: u64 =
        summary.lines().skip(1).take(4).map(|l| l.split(',').nth(2).unwrap().parse::<u64>().unwrap()).sum();
    assert_eq!(total, 300);
    // The charts are real PNGs of report size.
    for chart in ["outcomes.png", "trajectory.png"] {
        let (size, pixels) = decode_png(&out.join(chart));
        assert_eq!(size, (1200, 700), "{chart}");
        assert!(pixels.iter().any(|&b| b < 128), "{chart} is blank");
    }
    assert_no_temp_files(&out);
}

#[test]
fn json_summary_parses() {
    let dir = tempfile::tempdir().unwrap();
    let output = simulate()
        .args(["scenarios/classic-ipd.toml", "--runs", "100", "--json", "--no-charts", "--quiet", "--out"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(output.status.success());
    let v: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(v["runs"], 100);
    assert_eq!(v["outcomes"].as_array().unwrap().len(), 5);
}

#[test]
fn bad_scenario_exits_2_with_location() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.toml");
    std::fs::write(&bad, "rounds = 10\n[[sides]]\nname = \"us\"\nmisperceptoin = 0.1\n").unwrap();
    simulate()
        .arg(&bad)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("bad.toml:4:1").and(predicate::str::contains("did you mean `misperception`")));
}

#[test]
fn strategies_lists_the_catalogue() {
    let out = simulate().arg("strategies").output().unwrap();
    // Long lines are wrapped: compare with the spacing flattened.
    let flat = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    let text = flat(&String::from_utf8(out.stdout).unwrap());
    for k in tradewar::strategy::Kind::ALL {
        assert!(text.contains(k.name()), "{k} missing");
        for p in k.info().params {
            assert!(text.contains(&flat(p.about)), "{k}.{} undocumented", p.name);
        }
    }
}

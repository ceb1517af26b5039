//! `simulate sweep` and `simulate merge`, end to end: exact grids, errors,
//! thread counts, and shards that merge to the unsharded bytes.

use std::path::{Path, PathBuf};
use std::process::Command;

use assert_cmd::prelude::*;
use predicates::prelude::*;

use crate::common::{classic_toml, toml_files};

/// A temporary folder holding `fixture.toml`.
struct Fixture {
    dir: tempfile::TempDir,
}

impl Fixture {
    fn new() -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        // A small noisy IPD (60 rounds, 100 runs, seed 7): generous TFT against TFT.
        let gtft = r#"{ kind = "generous_tit_for_tat", generosity = 0.1 }"#;
        let text = classic_toml(gtft, r#"{ kind = "tit_for_tat" }"#, 0.05, 60, 100);
        std::fs::write(dir.path().join("fixture.toml"), text).unwrap();
        Fixture { dir }
    }

    /// A fixture whose `fixture.toml` is `text`.
    fn with(text: &str) -> Fixture {
        let f = Fixture::new();
        std::fs::write(f.path("fixture.toml"), text).unwrap();
        f
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    /// `simulate sweep fixture.toml ARGS... --quiet`, run in the folder.
    fn sweep(&self, args: &[&str]) -> assert_cmd::assert::Assert {
        self.simulate(&[&["sweep", "fixture.toml"], args, &["--quiet"]].concat())
    }

    fn simulate(&self, args: &[&str]) -> assert_cmd::assert::Assert {
        Command::cargo_bin("simulate").unwrap().current_dir(self.dir.path()).args(args).assert()
    }

    fn read(&self, rel: &str) -> Vec<u8> {
        std::fs::read(self.path(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
    }

    fn csv(&self, rel: &str) -> Vec<Vec<String>> {
        let text = String::from_utf8(self.read(rel)).unwrap();
        text.lines().map(|l| l.split(',').map(String::from).collect()).collect()
    }
}

const GRID: [&str; 4] = ["--vary", "sides.row.strategy.generosity=0:0.5:3", "--vary", "column.noise=0.02,0.1"];

#[test]
fn grid_values_are_exact() {
    let f = Fixture::new();
    f.sweep(&["--vary", "sides.row.noise=0:1:11", "--runs", "20", "--no-charts", "--out", "out"]).success();
    let rows = f.csv("out/sweep.csv");
    let values: Vec<&str> = rows[1..].iter().step_by(5).map(|r| r[0].as_str()).collect();
    assert_eq!(values, ["0", "0.1", "0.2", "0.3", "0.4", "0.5", "0.6", "0.7", "0.8", "0.9", "1"]);
    // And in the library: the very doubles the literals denote.
    let exact = tradewar::sweep::values::parse_values("0:1:11").unwrap();
    assert_eq!(exact, [0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0]);
}

#[test]
fn csv_columns_and_rows() {
    let f = Fixture::new();
    f.sweep(&[&GRID[..], &["--runs", "50", "--no-charts", "--out", "out"]].concat()).success();
    let rows = f.csv("out/sweep.csv");
    assert_eq!(
        rows[0].join(","),
        "param_sides.row.strategy.generosity,param_sides.column.noise,outcome,runs,share,ci_low,ci_high,\
         welfare_row_mean,welfare_row_ci_low,welfare_row_ci_high,\
         welfare_column_mean,welfare_column_ci_low,welfare_column_ci_high"
    );
    assert_eq!(rows.len(), 1 + 6 * 5, "6 points × (4 outcomes + all)");
    let first: Vec<(&str, &str, &str)> =
        rows[1..6].iter().map(|r| (r[0].as_str(), r[1].as_str(), r[2].as_str())).collect();
    assert_eq!(
        first,
        [
            ("0", "0.02", "detente"),
            ("0", "0.02", "vicious_cycle"),
            ("0", "0.02", "coercion"),
            ("0", "0.02", "standoff"),
            ("0", "0.02", "all")
        ]
    );
    // Grid order: first parameter slowest.
    let points: Vec<(&str, &str)> = rows[1..].iter().step_by(5).map(|r| (r[0].as_str(), r[1].as_str())).collect();
    assert_eq!(
        points,
        [("0", "0.02"), ("0", "0.1"), ("0.25", "0.02"), ("0.25", "0.1"), ("0.5", "0.02"), ("0.5", "0.1")]
    );
    for point in rows[1..].chunks(5) {
        let runs: u64 = point[..4].iter().map(|r| r[3].parse::<u64>().unwrap()).sum();
        assert_eq!(runs, 50);
        assert_eq!(point[4][3], "50");
    }
}

#[test]
fn unknown_path_lists_near_matches() {
    let f = Fixture::new();
    f.sweep(&["--vary", "sides.row.strategy.forgivness=0:0.5:3"])
        .code(2)
        .stderr(predicate::str::contains("unknown parameter `sides.row.strategy.forgivness`"))
        .stderr(predicate::str::contains("nearest: sides.row.strategy.generosity"));
    f.sweep(&["--vary", "sides.chna.noise=0,0.1"]).code(2).stderr(predicate::str::contains("sides.column.noise"));
    assert!(!f.path("output").exists(), "nothing is written for a bad sweep");
}

#[test]
fn bad_values_and_grids_are_refused_before_any_work() {
    let f = Fixture::new();
    f.sweep(&["--vary", "sides.column.misperception=0,0.5,1.2"])
        .code(2)
        .stderr(predicate::str::contains("sides.column.misperception = 1.2"))
        .stderr(predicate::str::contains("probability in [0, 1], got 1.2"));
    f.sweep(&["--vary", "sides.row.noise=0:1:101", "--vary", "sides.column.noise=0:1:101"])
        .code(2)
        .stderr(predicate::str::contains("101 × 101 = 10201 points; at most 10000"));
    f.sweep(&["--vary", "sides.row.noise=0:1"]).code(2).stderr(predicate::str::contains("three parts"));
    f.sweep(&["--vary", "rounds=30.5"]).code(2).stderr(predicate::str::contains("whole numbers"));
    f.sweep(&[]).code(2).stderr(predicate::str::contains("no parameter to vary"));
    assert!(!f.path("output").exists(), "nothing is written for a bad sweep");
}

#[test]
fn threads_do_not_change_the_bytes() {
    let f = Fixture::new();
    for threads in ["1", "2"] {
        let out = format!("t{threads}");
        f.sweep(&["--vary", "sides.column.noise=0:0.1:3", "--threads", threads, "--out", &out]).success();
    }
    assert!(f.read("t1/sweep.csv") == f.read("t2/sweep.csv"), "sweep.csv differs between --threads 1 and 2");
    assert!(f.read("t1/sweep.png") == f.read("t2/sweep.png"), "sweep.png differs between --threads 1 and 2");
}

/// Run the 6-point grid as `n` shards into `dir`.
fn shards(f: &Fixture, n: usize, dir: &str, extra: &[&str]) {
    for k in 1..=n {
        let shard = format!("{k}/{n}");
        f.sweep(&[&GRID[..], &["--threads", "2", "--shard", &shard, "--out", dir], extra].concat()).success();
    }
}

#[test]
fn sharded_and_merged_equals_unsharded() {
    let f = Fixture::new();
    f.sweep(&[&GRID[..], &["--threads", "1", "--out", "whole"]].concat()).success();
    shards(&f, 4, "parts", &[]);
    assert!(!f.path("parts/sweep.csv").exists(), "a shard writes only its partial file");
    f.simulate(&["merge", "parts"]).success().stdout(predicate::str::contains("vicious cycle"));
    for file in ["sweep.csv", "sweep-vicious_cycle.png", "sweep-detente.png"] {
        assert!(f.read(&format!("whole/{file}")) == f.read(&format!("parts/{file}")), "{file} differs after merge");
    }
    // Shards spread over several folders merge the same.
    std::fs::create_dir(f.path("other")).unwrap();
    std::fs::rename(f.path("parts/shard-2-of-4.json"), f.path("other/shard-2-of-4.json")).unwrap();
    f.simulate(&["merge", "parts", "other", "--out", "merged", "--no-charts", "--quiet"]).success();
    assert!(f.read("whole/sweep.csv") == f.read("merged/sweep.csv"));
}

#[test]
fn missing_or_repeated_shards_are_refused() {
    let f = Fixture::new();
    shards(&f, 3, "parts", &[]);
    std::fs::create_dir(f.path("copy")).unwrap();
    std::fs::copy(f.path("parts/shard-1-of-3.json"), f.path("copy/shard-1-of-3.json")).unwrap();
    f.simulate(&["merge", "parts", "copy", "--out", "m"])
        .code(2)
        .stderr(predicate::str::contains("shard 1 of 3 is given twice"));
    std::fs::remove_file(f.path("parts/shard-2-of-3.json")).unwrap();
    f.simulate(&["merge", "parts"]).code(2).stderr(predicate::str::contains("missing shard 2 of 3"));
    f.simulate(&["merge", "copy"]).code(2).stderr(predicate::str::contains("missing shards 2, 3 of 3"));
    f.simulate(&["merge", "nothing-here"]).code(2);
    assert!(!f.path("parts/sweep.csv").exists() && !f.path("m").exists(), "nothing is written");
}

#[test]
fn mismatched_shards_are_refused() {
    let f = Fixture::new();
    shards(&f, 2, "parts", &[]);
    // Shard 2 again, with another seed: a different sweep.
    f.sweep(&[&GRID[..], &["--seed", "8", "--shard", "2/2", "--out", "parts"]].concat()).success();
    f.simulate(&["merge", "parts"])
        .code(2)
        .stderr(predicate::str::contains("belongs to a different sweep").and(predicate::str::contains("seed 8 vs 7")));
    // Another split of the same sweep.
    shards(&f, 2, "parts", &[]);
    f.sweep(&[&GRID[..], &["--shard", "3/3", "--out", "parts"]].concat()).success();
    f.simulate(&["merge", "parts"]).code(2).stderr(predicate::str::contains("split into"));
    // An edited partial file.
    std::fs::remove_file(f.path("parts/shard-3-of-3.json")).unwrap();
    let path = f.path("parts/shard-1-of-2.json");
    let text = std::fs::read_to_string(&path).unwrap().replacen("\"runs\":100", "\"runs\":101", 1);
    std::fs::write(&path, text).unwrap();
    f.simulate(&["merge", "parts"]).code(2).stderr(predicate::str::contains("does not match its digest"));
}

#[test]
fn issue_14_edited_totals_are_refused() {
    let f = Fixture::new();
    shards(&f, 2, "parts", &[]);
    // Halve one point's welfare total: a consistent-looking but wrong file.
    let path = f.path("parts/shard-1-of-2.json");
    let mut json: serde_json::Value = serde_json::from_slice(&f.read("parts/shard-1-of-2.json")).unwrap();
    let sum = &mut json["pieces"][0]["totals"]["welfare"][4][0][1];
    let total: i128 = sum.as_str().unwrap().parse().unwrap();
    assert_ne!(total, 0);
    *sum = serde_json::Value::String((total / 2).to_string());
    std::fs::write(&path, serde_json::to_vec(&json).unwrap()).unwrap();
    f.simulate(&["merge", "parts"]).code(2).stderr(
        predicate::str::contains("shard-1-of-2.json").and(predicate::str::contains("does not match its digest")),
    );
    assert!(!f.path("parts/sweep.csv").exists(), "nothing is written");
}

fn png_size(path: &Path) -> (u32, u32) {
    let decoder = png::Decoder::new(std::fs::File::open(path).unwrap());
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).unwrap();
    (info.width, info.height)
}

#[test]
fn charts_decode() {
    let f = Fixture::new();
    f.sweep(&["--vary", "sides.column.noise=0:0.1:3", "--runs", "30", "--svg", "--out", "one"]).success();
    assert_eq!(png_size(&f.path("one/sweep.png")), (1200, 700));
    assert!(String::from_utf8(f.read("one/sweep.svg")).unwrap().contains("<svg"));
    f.sweep(&[&GRID[..], &["--runs", "30", "--out", "two"]].concat()).success();
    for chart in ["two/sweep-vicious_cycle.png", "two/sweep-detente.png"] {
        assert_eq!(png_size(&f.path(chart)), (1200, 700), "{chart}");
    }
    assert!(!f.path("two/sweep.png").exists());
}

#[test]
fn sweep_files_name_their_scenario_and_parameters() {
    let f = Fixture::new();
    std::fs::create_dir(f.path("sweeps")).unwrap();
    let sweep = r#"
scenario = "../fixture.toml"
runs = 40
[[vary]]
path = "sides.column.noise"
values = [0.02, 0.1]
label = "Column's noise"
"#;
    std::fs::write(f.path("sweeps/noise.toml"), sweep).unwrap();
    f.simulate(&["sweep", "sweeps/noise.toml", "--no-charts", "--quiet"]).success();
    let rows = f.csv("output/noise-sweep/sweep.csv");
    assert_eq!(rows[0][0], "param_sides.column.noise");
    assert_eq!(rows[5][2], "40", "runs per point from the sweep file");
    // The same sweep from the command line gives the same bytes.
    f.sweep(&["--vary", "sides.column.noise=0.02,0.1", "--runs", "40", "--no-charts", "--out", "cli"]).success();
    assert!(f.read("output/noise-sweep/sweep.csv") == f.read("cli/sweep.csv"));

    let bad = sweep.replace("sides.column.noise", "sides.column.noize");
    std::fs::write(f.path("sweeps/bad.toml"), bad).unwrap();
    f.simulate(&["sweep", "sweeps/bad.toml"])
        .code(2)
        .stderr(predicate::str::contains("sweeps/bad.toml:5:8").and(predicate::str::contains("sides.column.noise")));
}

#[test]
fn shipped_sweep_files_are_valid() {
    let files = toml_files("sweeps");
    assert!(!files.is_empty());
    for file in &files {
        let spec = match tradewar::sweep::read_input(file) {
            Ok(tradewar::sweep::Input::Sweep(spec)) => spec,
            Ok(_) => panic!("{} is not a sweep file", file.display()),
            Err(e) => panic!("{}: {e}", file.display()),
        };
        if let Err(e) = tradewar::sweep::Sweep::prepare(&spec) {
            panic!("{}: {e}", file.display());
        }
    }
}

/// Levers `tariffs` and `tariffs_erosion` (whose paths differ only in where
/// a `_` and a `.` stand) and a truce whose label holds `=`.
const AMBIGUOUS: &str = r#"
rounds = 12
runs = 40
[[sides]]
name = "us"
strategy = { kind = "tit_for_tat" }
noise = 0.05
[[sides.levers]]
name = "tariffs"
ladder = [0, 1]
pain = 2
erosion = 0.1
erosion_floor = 0.5
[[sides.levers]]
name = "tariffs_erosion"
ladder = [0, 1, 2]
pain = 1
floor = 0
[[sides]]
name = "china"
strategy = { kind = "tit_for_tat" }
noise = 0.05
[[sides.levers]]
name = "tariffs"
ladder = [0, 1]
pain = 2
[[events]]
kind = "suspension"
label = "a=b"
start = 3
duration = 4
renew_prob = 0.5
measures = [{ side = "us", lever = "tariffs", level = 0 }]
"#;

#[test]
fn issue_14_csv_columns_are_injective() {
    let f = Fixture::with(AMBIGUOUS);
    let vary = ["--vary", "us.levers.tariffs.erosion_floor=0.2,0.4", "--vary", "us.levers.tariffs_erosion.floor=0,1"];
    f.sweep(&[&vary[..], &["--no-charts", "--out", "out"]].concat()).success();
    let header = &f.csv("out/sweep.csv")[0];
    assert_eq!(
        header[..2],
        ["param_sides.us.levers.tariffs.erosion_floor", "param_sides.us.levers.tariffs_erosion.floor"]
    );
    let mut unique = header.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), header.len(), "duplicate columns in {header:?}");
}

#[test]
fn issue_14_vary_splits_after_quoted_segments() {
    let f = Fixture::with(AMBIGUOUS);
    f.sweep(&["--vary", r#"events."a=b".renew_prob=0,1"#, "--no-charts", "--out", "out"]).success();
    let rows = f.csv("out/sweep.csv");
    assert_eq!(rows[0][0], "param_events.a_b.renew_prob");
    assert_eq!((rows[1][0].as_str(), rows[6][0].as_str()), ("0", "1"));
}

#[test]
fn issue_16_shards_split_a_point_s_runs() {
    // One point over three shards: each plays a block of its runs, and the
    // merge is byte for byte the unsharded sweep.
    let f = Fixture::new();
    let one = ["--vary", "sides.column.noise=0.1", "--runs", "100"];
    f.sweep(&[&one[..], &["--out", "whole"]].concat()).success();
    for k in 1..=3 {
        let shard = format!("{k}/3");
        f.sweep(&[&one[..], &["--shard", &shard, "--threads", "2", "--out", "parts"]].concat()).success();
    }
    let json: serde_json::Value = serde_json::from_slice(&f.read("parts/shard-2-of-3.json")).unwrap();
    assert_eq!((json["pieces"][0]["first_run"].as_u64(), json["pieces"][0]["runs"].as_u64()), (Some(33), Some(33)));
    f.simulate(&["merge", "parts", "--quiet"]).success();
    for file in ["sweep.csv", "sweep.png"] {
        assert!(f.read(&format!("whole/{file}")) == f.read(&format!("parts/{file}")), "{file} differs after merge");
    }
    // Two points over five shards: blocks of runs dealt out in turn.
    f.sweep(&["--vary", "sides.column.noise=0.1,0.2", "--runs", "60", "--no-charts", "--out", "whole2"]).success();
    for k in 1..=5 {
        let shard = format!("{k}/5");
        f.sweep(&["--vary", "sides.column.noise=0.1,0.2", "--runs", "60", "--shard", &shard, "--out", "parts2"])
            .success();
    }
    f.simulate(&["merge", "parts2", "--no-charts", "--quiet"]).success();
    assert!(f.read("whole2/sweep.csv") == f.read("parts2/sweep.csv"), "sweep.csv differs after merge");
    // At most one shard per run.
    f.sweep(&["--vary", "sides.column.noise=0.1", "--runs", "2", "--shard", "3/3"])
        .code(2)
        .stderr(predicate::str::contains("split it into at most 2 shards"));
}

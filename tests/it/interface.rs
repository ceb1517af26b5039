//! The command line and the charts as a user meets them (issue 15, items 3–5):
//! widths, help texts, "did you mean", --quiet, --json, completions, man
//! page, the starter scenario, shipped examples, running outside the
//! repository, provenance, and what the charts say.

use std::path::Path;
use std::process::Output;

use tradewar::fmt::max_columns;

use crate::common::{output_within, repo_path, simulate, stderr_of};

/// Run `simulate ARGS` (from the repository) and return its output, failing
/// the test on a non-zero exit.
fn ok(args: &[&str]) -> Output {
    let o = output_within(simulate().args(args), 60);
    assert!(o.status.success(), "{args:?} failed: {}", stderr_of(&o));
    o
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn out_dir(dir: &tempfile::TempDir, name: &str) -> String {
    dir.path().join(name).display().to_string()
}

#[test]
fn every_commands_output_fits_100_columns() {
    let dir = tempfile::tempdir().unwrap();
    let o = |name: &str| out_dir(&dir, name);
    let cases: Vec<Vec<String>> = vec![
        vec![
            "scenarios/busan.toml".into(),
            "--runs".into(),
            "200".into(),
            "--no-charts".into(),
            "--out".into(),
            o("b"),
        ],
        vec![
            "scenarios/classic-ipd.toml".into(),
            "--runs".into(),
            "100".into(),
            "--no-charts".into(),
            "--out".into(),
            o("c"),
        ],
        vec![
            "sweep".into(),
            "scenarios/busan.toml".into(),
            "--vary".into(),
            "us.strategy.generosity=0:0.5:2".into(),
            "--vary".into(),
            "china.levers.rare_earths.erosion=0:0.1:2".into(),
            "--runs".into(),
            "20".into(),
            "--no-charts".into(),
            "--out".into(),
            o("s"),
        ],
        vec![
            "tournament".into(),
            "scenarios/busan.toml".into(),
            "--us".into(),
            "tit_for_tat,resolute_tit_for_tat,grim_trigger,always_escalate".into(),
            "--china".into(),
            "tit_for_tat,win_stay_lose_shift,generous_tit_for_tat,always_concede".into(),
            "--runs".into(),
            "5".into(),
            "--no-charts".into(),
            "--out".into(),
            o("t"),
        ],
        vec![
            "tournament".into(),
            "scenarios/classic-ipd.toml".into(),
            "--row".into(),
            "tit_for_tat,always_escalate".into(),
            "--column".into(),
            "tit_for_tat,always_concede".into(),
            "--runs".into(),
            "20".into(),
            "--no-charts".into(),
            "--out".into(),
            o("t2"),
        ],
        vec![
            "fit".into(),
            "scenarios/escalation-2025.toml".into(),
            "--history".into(),
            "data/us-china-2025.csv".into(),
            "--no-charts".into(),
            "--out".into(),
            o("f"),
        ],
        vec![
            "backtest".into(),
            "scenarios/escalation-2025.toml".into(),
            "--history".into(),
            "data/us-china-2025.csv".into(),
            "--runs".into(),
            "100".into(),
            "--no-charts".into(),
            "--out".into(),
            o("f"),
        ],
        vec!["validate".into(), "scenarios/busan.toml".into(), "scenarios/classic-ipd.toml".into()],
        vec!["strategies".into()],
        vec!["playthrough".into(), "scenarios/busan.toml".into()],
        vec!["playthrough".into(), "scenarios/classic-ipd.toml".into()],
        vec!["sweep".into(), "scenarios/busan.toml".into(), "--list-params".into()],
    ];
    for args in cases {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let text = stdout(&ok(&args));
        assert!(!text.is_empty(), "{args:?} printed nothing");
        assert!(max_columns(&text) <= 100, "{args:?}: a line of {} columns:\n{text}", max_columns(&text));
        assert!(!text.contains("0.0–0.0%"), "{args:?}: an interval that reads zero:\n{text}");
    }
}

/// The subcommands, and none (the main help).
fn commands() -> Vec<Vec<&'static str>> {
    let mut v = vec![vec![]];
    for c in [
        "validate",
        "strategies",
        "new",
        "completions",
        "man",
        "tournament",
        "playthrough",
        "fit",
        "backtest",
        "sweep",
        "merge",
    ] {
        v.push(vec![c]);
    }
    v
}

fn help(command: &[&str], columns: &str) -> String {
    let o = output_within(simulate().args(command).arg("--help").env("COLUMNS", columns), 30);
    assert!(o.status.success(), "{command:?} --help: {}", stderr_of(&o));
    stdout(&o)
}

#[test]
fn help_texts_fit_and_examples_are_never_wrapped() {
    for command in commands() {
        let wide = help(&command, "200");
        let narrow = help(&command, "80");
        assert!(max_columns(&narrow) <= 80, "{command:?} --help at 80 columns:\n{narrow}");
        assert!(max_columns(&help(&command, "100")) <= 100, "{command:?}");
        // What follows the options (examples, notes) is laid out by hand: the
        // terminal's width must not break it.
        let tail = |h: &str| h.find("\nExamples:").map(|k| h[k..].to_string());
        assert_eq!(tail(&narrow), tail(&wide), "{command:?}: examples rewrapped at 80 columns");
    }
    // Per-command wording of shared options.
    assert!(help(&["tournament"], "200").contains("runs per cell"));
    assert!(help(&["sweep"], "200").contains("runs per point"));
    let backtest = help(&["backtest"], "200");
    assert!(!backtest.contains("per cell") && !backtest.contains("per point"), "{backtest}");
    let merge = help(&["merge"], "200");
    assert!(merge.contains("the folder merged") && !merge.contains("output/<scenario"), "{merge}");
}

/// Repository paths a text mentions: words starting with one of the
/// repository's folders (globs and the output folder left out).
fn mentioned_paths(text: &str) -> Vec<String> {
    let mut paths = Vec::new();
    for word in text.split(|c: char| c.is_whitespace() || "`()[]<>,;:'\"|=".contains(c)) {
        let word = word.trim_end_matches(['.', '\\']);
        let known = ["scenarios/", "sweeps/", "candidates/", "data/", "docs/", "assets/", "tests/"];
        if known.iter().any(|k| word.starts_with(k)) && !word.contains(['*', '<', '{']) && word.contains('.') {
            paths.push(word.to_string());
        }
    }
    paths
}

#[test]
fn every_file_the_help_and_readme_mention_is_shipped() {
    let mut texts: Vec<(String, String)> =
        commands().iter().map(|c| (format!("{c:?} --help"), help(c, "200"))).collect();
    texts.push(("README.md".into(), std::fs::read_to_string(repo_path("README.md")).unwrap()));
    let mut checked = 0;
    for (source, text) in &texts {
        for path in mentioned_paths(text) {
            assert!(repo_path(&path).exists(), "{source} mentions {path}, which is not in the repository");
            checked += 1;
        }
    }
    assert!(checked > 10, "only {checked} paths found");
}

#[test]
fn mistyped_subcommands_and_options_get_a_suggestion() {
    let typo = |args: &[&str], want: &str| {
        let o = output_within(simulate().args(args), 30);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(stderr_of(&o).contains(want), "{args:?}: {}", stderr_of(&o));
    };
    typo(&["sweeep", "scenarios/busan.toml"], "no such file `sweeep`; did you mean the subcommand `sweep`?");
    typo(&["completion", "bash"], "did you mean the subcommand `completions`?");
    typo(&["tournamnet", "scenarios/busan.toml"], "`tournament`");
    typo(&["run", "scenarios/busan.toml"], "simulate SCENARIO");
    typo(&["scenarios/busan.toml", "--rnus", "5"], "--runs");
    typo(&["tournament", "scenarios/busan.toml", "--rnus", "5"], "did you mean the option `--runs`?");
    // The example docs/history.md gives.
    let dir = tempfile::tempdir().unwrap();
    let history = dir.path().join("h.csv");
    std::fs::write(&history, "round,date,side,lever,value,source\n0,2025-01-01,china,soybeans,25,x\n").unwrap();
    let (h, out) = (history.display().to_string(), out_dir(&dir, "out"));
    typo(
        &["backtest", "scenarios/escalation-2025.toml", "--history", &h, "--out", &out],
        "did you mean `soybean_purchases`?",
    );
}

#[test]
fn quiet_prints_nothing_but_errors() {
    let dir = tempfile::tempdir().unwrap();
    let runs = [
        vec!["scenarios/busan.toml", "--runs", "20", "--no-charts", "-q"],
        vec!["sweep", "scenarios/busan.toml", "--vary", "china.noise=0,0.1", "--runs", "10", "--no-charts", "-q"],
        vec!["tournament", "scenarios/classic-ipd.toml", "--row", "tit_for_tat", "--runs", "10", "--no-charts", "-q"],
        vec!["backtest", "scenarios/escalation-2025.toml", "--history", "data/us-china-2025.csv", "--runs", "10", "-q"],
    ];
    for (k, args) in runs.iter().enumerate() {
        let o = ok(&[&args[..], &["--out", &out_dir(&dir, &k.to_string())]].concat());
        assert!(o.stdout.is_empty(), "{args:?} printed {}", stdout(&o));
        assert!(o.stderr.is_empty(), "{args:?} noted {}", stderr_of(&o));
    }
}

#[test]
fn json_on_every_command_that_prints_results() {
    let dir = tempfile::tempdir().unwrap();
    let o = |name: &str| out_dir(&dir, name);
    let cases: Vec<Vec<String>> = vec![
        vec!["scenarios/classic-ipd.toml".into(), "--runs".into(), "20".into(), "--out".into(), o("r")],
        vec![
            "sweep".into(),
            "scenarios/classic-ipd.toml".into(),
            "--vary".into(),
            "row.noise=0,0.1".into(),
            "--runs".into(),
            "10".into(),
            "--out".into(),
            o("s"),
        ],
        vec![
            "tournament".into(),
            "scenarios/classic-ipd.toml".into(),
            "--row".into(),
            "tit_for_tat,always_escalate".into(),
            "--runs".into(),
            "10".into(),
            "--out".into(),
            o("t"),
        ],
        vec![
            "fit".into(),
            "scenarios/escalation-2025.toml".into(),
            "--history".into(),
            "data/us-china-2025.csv".into(),
            "--out".into(),
            o("f"),
        ],
        vec![
            "backtest".into(),
            "scenarios/escalation-2025.toml".into(),
            "--history".into(),
            "data/us-china-2025.csv".into(),
            "--runs".into(),
            "10".into(),
            "--out".into(),
            o("f"),
        ],
        vec!["validate".into(), "scenarios/busan.toml".into()],
        vec!["strategies".into()],
    ];
    for args in cases {
        let mut args: Vec<&str> = args.iter().map(String::as_str).collect();
        args.push("--json");
        if !matches!(args[0], "validate" | "strategies") {
            args.push("--no-charts");
        }
        let text = stdout(&ok(&args));
        let v: serde_json::Value =
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{args:?}: not one JSON document ({e}):\n{text}"));
        assert!(v.is_object(), "{args:?}");
    }
}

#[test]
fn completions_and_manual_pages() {
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let text = stdout(&ok(&["completions", shell]));
        assert!(text.contains("simulate") && text.contains("tournament"), "{shell}");
    }
    let man = stdout(&ok(&["man"]));
    assert!(man.contains(".TH simulate 1") && man.contains("sweep"), "{man}");
    let sweep = stdout(&ok(&["man", "sweep"]));
    assert!(sweep.contains("simulate\\-sweep") && sweep.contains("vary"), "{sweep}");
    let o = output_within(simulate().args(["man", "sweeep"]), 30);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn new_writes_a_commented_starter_that_runs() {
    let dir = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| output_within(simulate().current_dir(dir.path()).args(args), 60);
    let o = run(&["new", "Tariff truce"]);
    assert!(o.status.success(), "{}", stderr_of(&o));
    let file = dir.path().join("tariff-truce.toml");
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.contains("name = \"Tariff truce\"") && text.contains("# "));
    assert!(run(&["validate", "tariff-truce.toml"]).status.success());
    let o = run(&["tariff-truce.toml", "--runs", "50", "--no-charts", "-q"]);
    assert!(o.status.success(), "{}", stderr_of(&o));
    assert!(dir.path().join("output/tariff-truce/summary.csv").exists());
    // Never over an existing file, unless asked.
    let o = run(&["new", "Tariff truce"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr_of(&o).contains("--force"));
    assert!(run(&["new", "x", "--out", "tariff-truce.toml", "--force"]).status.success());
}

#[test]
fn no_command_depends_on_the_repository_folder() {
    let dir = tempfile::tempdir().unwrap();
    let abs = |rel: &str| repo_path(rel).display().to_string();
    let run = |args: &[&str]| {
        let o = output_within(simulate().current_dir(dir.path()).args(args), 60);
        assert!(o.status.success(), "{args:?}: {}", stderr_of(&o));
        o
    };
    run(&[&abs("scenarios/busan.toml"), "--runs", "20", "--no-charts", "-q"]);
    assert!(dir.path().join("output/busan/summary.csv").exists());
    // The fitted copy defaults to the scenario fitted, not to a relative path.
    let o = run(&[
        "fit",
        &abs("scenarios/escalation-2025.toml"),
        "--history",
        &abs("data/us-china-2025.csv"),
        "--no-charts",
        "--write-scenario",
        "fitted.toml",
    ]);
    let fitted = std::fs::read_to_string(dir.path().join("fitted.toml")).unwrap();
    assert!(fitted.contains("US–China escalation") && fitted.contains("FITTED"), "{fitted}");
    // The note says where each file went.
    let note = stderr_of(&o);
    assert!(note.contains("; wrote fitted.toml") && !note.contains("fitted.toml in "), "{note}");
}

#[test]
fn provenance_names_the_inputs_and_the_date_and_csvs_stay_identical() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let args = ["scenarios/busan.toml", "--runs", "30", "--seed", "4", "--no-charts", "-q", "--out"];
    output_within(simulate().args(args).arg(&out), 60);
    let first = std::fs::read(out.join("summary.csv")).unwrap();
    let p: serde_json::Value = serde_json::from_slice(&std::fs::read(out.join("provenance.json")).unwrap()).unwrap();
    let run = &p["sets"]["run"];
    assert_eq!(run["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(run["seed"], 4);
    assert_eq!(run["runs"], 30);
    let scenario = std::fs::read(repo_path("scenarios/busan.toml")).unwrap();
    assert_eq!(run["inputs"][0]["sha256"], tradewar::sha256::hex(&scenario));
    let today = std::process::Command::new("date").args(["-u", "+%Y-%m-%d"]).output().unwrap();
    let today = String::from_utf8(today.stdout).unwrap();
    let date = run["date"].as_str().unwrap();
    assert!(date.starts_with(today.trim()) && date.ends_with('Z') && date.len() == 20, "{date} vs {today}");
    assert!(run["command"].as_array().unwrap().iter().any(|a| a == "--seed"));
    // A second command in the folder keeps the first one's record.
    output_within(
        simulate()
            .args(["backtest", "scenarios/escalation-2025.toml", "--history", "data/us-china-2025.csv"])
            .args(["--runs", "10", "-q", "--no-charts", "--out"])
            .arg(&out),
        60,
    );
    let p: serde_json::Value = serde_json::from_slice(&std::fs::read(out.join("provenance.json")).unwrap()).unwrap();
    assert!(p["sets"]["run"].is_object() && p["sets"]["backtest"].is_object(), "{p}");
    // Deterministic outputs do not carry the date.
    output_within(simulate().args(args).arg(&out), 60);
    assert_eq!(std::fs::read(out.join("summary.csv")).unwrap(), first);
}

#[test]
fn progress_bar_fits_the_terminal() {
    if std::process::Command::new("script").arg("--version").output().is_err() {
        return; // no `script` to give the program a terminal
    }
    let bin = assert_cmd::cargo::cargo_bin("simulate");
    let log = tempfile::NamedTempFile::new().unwrap();
    let out = tempfile::tempdir().unwrap();
    for cols in [60, 80] {
        let cmd = format!(
            "stty cols {cols} rows 24; {} sweep scenarios/busan.toml --vary china.noise=0:0.1:3 --runs 3000 --no-charts --out {} > /dev/null",
            bin.display(),
            out.path().display()
        );
        let o = output_within(
            std::process::Command::new("script").args(["-qec", &cmd]).arg(log.path()).current_dir(repo_path(".")),
            120,
        );
        assert!(o.status.success(), "{}", stderr_of(&o));
        let text = String::from_utf8_lossy(&std::fs::read(log.path()).unwrap()).into_owned();
        // Each redraw of the bar, without its escape sequences.
        let mut bars = 0;
        for line in text.split(['\r', '\n']) {
            let mut plain = String::new();
            let mut chars = line.chars();
            while let Some(c) = chars.next() {
                if c == '\u{1b}' {
                    for d in chars.by_ref() {
                        if d.is_ascii_alphabetic() {
                            break;
                        }
                    }
                } else {
                    plain.push(c);
                }
            }
            if plain.contains("ETA") || plain.starts_with('[') {
                assert!(plain.chars().count() <= cols, "a bar wider than {cols} columns: {plain:?}");
                bars += 1;
            }
        }
        assert!(bars > 0, "no progress bar drawn at {cols} columns:\n{text}");
    }
}

/// A chart's SVG text.
fn svg(dir: &Path, name: &str) -> String {
    std::fs::read_to_string(dir.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

#[test]
fn charts_say_what_was_run() {
    let dir = tempfile::tempdir().unwrap();
    let d = |n: &str| dir.path().join(n);
    let charts = ["--no-charts", "--svg", "-q", "--out"];
    let run = |args: &[&str], out: &Path| {
        let o = output_within(simulate().args(args).args(charts).arg(out), 60);
        assert!(o.status.success(), "{args:?}: {}", stderr_of(&o));
    };
    // The period run, not the one in the name; the calendar on the axis.
    run(&["scenarios/busan.toml", "--runs", "20", "--rounds", "6"], &d("short"));
    let t = svg(&d("short"), "trajectory.svg");
    assert!(t.contains("Busan truce, Nov 2025 – Apr 2026") && !t.contains("Oct 2027"), "title");
    assert!(t.contains("Jan 2026") && t.contains("start"), "calendar ticks");
    assert!(t.contains(&format!("simulate {}", env!("CARGO_PKG_VERSION"))) && t.contains("seed 20251030"));
    assert!(t.contains("every lever at its bottom rung"));
    // Fitted and hand-calibrated scenarios say so; the full run names the
    // suspensions that lapse.
    run(&["scenarios/busan-fitted.toml", "--runs", "20"], &d("fitted"));
    run(&["scenarios/busan.toml", "--runs", "20"], &d("hand"));
    // busan-fitted.toml keeps the base's strategies: the 2025 record identifies
    // neither side's (issue 13), so its charts must not say "fitted".
    let fitted = svg(&d("fitted"), "outcomes.svg");
    assert!(fitted.contains("hand-calibrated strategies") && !fitted.contains("strategies fitted to"));
    assert!(svg(&d("hand"), "outcomes.svg").contains("hand-calibrated strategies"));
    let t = svg(&d("hand"), "trajectory.svg");
    assert!(t.contains("Busan port-fee suspension lapses unless renewed (mean p = 0.5)"), "named lapses");
    // Scheduled events are marked, round 1 included.
    run(&["scenarios/april-2025.toml", "--runs", "20"], &d("april"));
    assert!(svg(&d("april"), "trajectory.svg").contains("Liberation Day"));
    // --title replaces the title.
    run(&["scenarios/classic-ipd.toml", "--runs", "20", "--title", "My own title"], &d("titled"));
    assert!(svg(&d("titled"), "outcomes.svg").contains("My own title"));
    // Text in the embedded font, sized as the layout measured it.
    let o = svg(&d("titled"), "outcomes.svg");
    assert!(o.contains("@font-face") && o.contains("base64,") && !o.contains("font-family=\"sans-serif\""));
}

#[test]
fn sweep_tournament_and_fit_charts_name_what_they_show() {
    let dir = tempfile::tempdir().unwrap();
    let d = |n: &str| dir.path().join(n);
    let charts = ["--no-charts", "--svg", "-q", "--out"];
    let run = |args: &[&str], out: &Path| {
        let o = output_within(simulate().args(args).args(charts).arg(out), 60);
        assert!(o.status.success(), "{args:?}: {}", stderr_of(&o));
    };
    run(&["sweep", "scenarios/busan.toml", "--vary", "sides.china.misperception=0:0.1:3", "--runs", "10"], &d("s1"));
    let s = svg(&d("s1"), "sweep.svg");
    assert!(s.contains("China misperception μ") && !s.contains(">sides.china.misperception<"), "readable axis");
    // Busan's China misperception is Beta(1, 19.8): its mean is marked.
    assert!(s.contains("the scenario&apos;s value: 0.048") && s.contains("Swept:"), "own value and what was swept");
    run(
        &[
            "sweep",
            "scenarios/busan.toml",
            // Two parameters whose values in busan.toml are on the grid (the
            // mean of us.noise's Beta(1, 49) is 0.02), so the cell is outlined.
            "--vary",
            "outcomes.low=0.2,0.25",
            "--vary",
            "us.noise=0,0.02",
            "--runs",
            "10",
        ],
        &d("s2"),
    );
    // One colour scale for both heatmaps: the same top tick (whole
    // percentages; the cells have a decimal).
    let top = |name: &str| {
        svg(&d("s2"), name)
            .lines()
            .filter_map(|l| l.strip_suffix('%').and_then(|n| n.parse::<u32>().ok()))
            .max()
            .unwrap()
    };
    assert_eq!(top("sweep-vicious_cycle.svg"), top("sweep-detente.svg"), "the heatmaps' scales differ");
    assert!(svg(&d("s2"), "sweep-detente.svg").contains("outlined: the scenario&apos;s own values"));
    run(&["tournament", "scenarios/busan.toml", "--us", "tit_for_tat,always_escalate", "--runs", "5"], &d("t"));
    assert!(svg(&d("t"), "tournament.svg").contains("$bn"), "welfare unit");
    run(&["fit", "scenarios/escalation-2025.toml", "--history", "data/us-china-2025.csv"], &d("f"));
    let f = svg(&d("f"), "fit.svg");
    assert!(f.contains("times less likely than at the best fit") && !f.contains("max lnL"));
}

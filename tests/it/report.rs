//! report.html: written with every run, rewritten by `simulate report DIR`.
//! (tests/browser.sh renders it in Chromium.)

use std::path::Path;

use crate::common::{output_within, simulate, stderr_of};

fn run(args: &[&str], out: &Path) {
    let o = output_within(simulate().args(args).arg("--quiet").arg("--out").arg(out), 60);
    assert!(o.status.success(), "{args:?}: {}", stderr_of(&o));
}

fn page(out: &Path) -> String {
    std::fs::read_to_string(out.join("report.html")).unwrap()
}

/// The shares of summary.csv's outcome rows, as the page writes them.
fn shares(out: &Path) -> Vec<(String, String)> {
    let summary = std::fs::read_to_string(out.join("summary.csv")).unwrap();
    summary
        .lines()
        .skip(1)
        .map(|l| l.split(',').collect::<Vec<_>>())
        .filter(|f| f[1] != "all")
        .map(|f| (f[1].to_string(), tradewar::fmt::percent(f[3].parse().unwrap())))
        .collect()
}

#[test]
fn the_run_writes_a_page_with_its_figures_charts_and_provenance() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    run(&["scenarios/busan.toml", "--runs", "200"], &out);
    let html = page(&out);
    assert!(html.starts_with("<!DOCTYPE html>") && html.ends_with("</html>\n"));
    assert!(html.contains("<h1>Busan truce, Nov 2025 – Oct 2027</h1>"));
    for (key, share) in shares(&out) {
        assert!(html.contains(&format!("<td class=\"num share\">{share}</td>")), "{key} {share}");
    }
    assert!(html.contains("<p class=\"words\">Of 200 simulated runs, "));
    // One embedded PNG per chart of the run.
    let pngs: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".png"))
        .collect();
    assert_eq!(pngs.len(), 3, "{pngs:?}");
    assert_eq!(html.matches("<img src=\"data:image/png;base64,").count(), pngs.len());
    // Assumptions with their sources; caveats; provenance as provenance.json says.
    assert!(html.contains("<span class=\"basis sourced\">source [IT] [TL]</span>"), "busan's tariff start");
    assert!(html.contains("What the model cannot say") && html.contains("It is not a forecast."));
    let prov: serde_json::Value = serde_json::from_slice(&std::fs::read(out.join("provenance.json")).unwrap()).unwrap();
    let record = &prov["sets"]["run"];
    for key in ["date", "version"] {
        assert!(html.contains(record[key].as_str().unwrap()), "{key}");
    }
    let sha = record["inputs"][0]["sha256"].as_str().unwrap();
    assert!(html.contains(sha) && html.contains("<th>Seed</th><td>20251030</td>"));
    assert!(record["files"].as_array().unwrap().iter().any(|f| f == "report.html"));
    for fetch in ["<script", "<link", "src=\"http", "href=\"http", "url("] {
        assert!(!html.contains(fetch), "the page fetches something: {fetch}");
    }
}

#[test]
fn report_rewrites_the_same_page_and_keeps_the_run() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    run(&["scenarios/busan.toml", "--runs", "100", "--svg"], &out);
    let before = page(&out);
    assert_eq!(before.matches("<img src=\"data:image/svg+xml;base64,").count(), 3, "SVG first");
    std::fs::remove_file(out.join("report.html")).unwrap();
    let summary = std::fs::read(out.join("summary.csv")).unwrap();
    let o = output_within(simulate().arg("report").arg(&out), 60);
    assert!(o.status.success(), "{}", stderr_of(&o));
    assert_eq!(page(&out), before, "simulate report wrote another page");
    assert_eq!(std::fs::read(out.join("summary.csv")).unwrap(), summary);
    assert!(out.join("outcomes.png").exists() && out.join("trajectory.svg").exists());
    // A later run replaces the page with its own.
    run(&["scenarios/busan.toml", "--runs", "50", "--no-charts"], &out);
    let after = page(&out);
    assert!(after.contains("Of 50 simulated runs") && after.contains("--no-charts"));
    assert_eq!(after.matches("<img").count(), 0);
    assert!(!out.join("outcomes.png").exists());
}

#[test]
fn report_without_the_scenario_file_still_writes_the_page() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = dir.path().join("mine <&>.toml");
    std::fs::copy(crate::common::repo_path("scenarios/classic-ipd.toml"), &scenario).unwrap();
    let out = dir.path().join("out");
    let o = output_within(
        simulate().arg(&scenario).args(["--runs", "50", "--no-charts", "--quiet", "--out"]).arg(&out),
        60,
    );
    assert!(o.status.success(), "{}", stderr_of(&o));
    assert!(page(&out).contains("mine &lt;&amp;&gt;.toml"), "escaped path");
    std::fs::write(&scenario, "changed").unwrap();
    let o = output_within(simulate().args(["report", "--quiet"]).arg(&out), 60);
    assert!(o.status.success(), "{}", stderr_of(&o));
    let html = page(&out);
    assert!(html.contains("has changed since the run"), "{html}");
    assert!(html.contains("<td class=\"num share\">"));
}

#[test]
fn report_refuses_a_folder_without_a_run() {
    let dir = tempfile::tempdir().unwrap();
    let o = output_within(simulate().arg("report").arg(dir.path()), 30);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr_of(&o).contains("has no readable provenance.json"), "{}", stderr_of(&o));
    assert!(!dir.path().join("report.html").exists());
}

#[test]
fn compare_writes_a_page_of_the_paired_differences() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    run(&["compare", "scenarios/busan.toml", "scenarios/busan-erratic-us.toml", "--runs", "100"], &out);
    let html = page(&out);
    assert!(html.contains("<h1>Busan truce with an erratic US, Nov 2025 – Oct 2027 against Busan truce"));
    // Each difference as compare.csv gives it.
    let csv = std::fs::read_to_string(out.join("compare.csv")).unwrap();
    for line in csv.lines().skip(1).filter(|l| l.starts_with("p_")) {
        let f: Vec<f64> = line.split(',').skip(7).take(3).map(|x| x.parse().unwrap()).collect();
        let want = format!("{:+.1} ±{:.1} pp", 100.0 * f[0], 100.0 * (f[2] - f[1]) / 2.0).replace('-', "−");
        assert!(html.contains(&format!("<td class=\"num share\">{want}</td>")), "{line}: {want}");
    }
    assert_eq!(html.matches("<img src=\"data:image/png;base64,").count(), 1);
    assert!(html.contains("runs_per_draw") && !html.contains("“assumption”"));
    let prov: serde_json::Value = serde_json::from_slice(&std::fs::read(out.join("provenance.json")).unwrap()).unwrap();
    assert_eq!(prov["sets"]["compare"]["seed"], 20251030);
    assert!(html.contains("<th>Seed</th><td>20251030</td>"));
}

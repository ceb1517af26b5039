use crate::report::chart::base64;
use serde_json::json;

use super::*;

const SUMMARY: &str = "scenario,outcome,runs,share,ci_low,ci_high,welfare_us_mean,welfare_us_ci_low,welfare_us_ci_high\n\
    t,detente,95,0.095,0.0785,0.1146,-1.5,-2,-1\n\
    t,vicious_cycle,607,0.607,0.576,0.636,-10,-11,-9\n\
    t,coercion,0,0,0,0.0038,,,\n\
    t,standoff,298,0.298,0.27,0.327,-5,-6,-4\n\
    t,all,1000,1,1,1,-7,-8,-6\n";

const SCENARIO: &str = r#"
name = "A <b>bold</b> & 'quoted' truce"
welfare_unit = "$bn"
rounds = 24   # two years (assumption)

[[sides]]
name = "us"
label = "<US>"
noise = 0.02  # [TL] 2025-01-20
"#;

fn page(charts: Vec<ChartFile>, scenario: ScenarioText) -> String {
    let provenance = json!({
        "program": "simulate", "version": "0.1.0", "command": ["simulate", "a b.toml", "--runs", "1000"],
        "date": "2026-12-02T12:00:00Z", "seed": 7, "runs": 1000, "rounds": 24,
        "inputs": [{ "role": "scenario", "path": "a b.toml", "bytes": 10, "sha256": "ab12" }],
        "files": ["summary.csv", "report.html"],
    });
    run_page(&RunPage { summary_csv: SUMMARY.as_bytes().to_vec(), provenance, charts, scenario }).unwrap()
}

fn chart(name: &str) -> ChartFile {
    ChartFile { name: name.to_string(), bytes: name.as_bytes().to_vec() }
}

#[test]
fn headline_in_words_and_table() {
    let p = page(vec![], ScenarioText::Read(SCENARIO.into()));
    assert!(p.contains(
        "Of 1,000 simulated runs, 60.7% end in a vicious cycle (95% interval 57.6–63.6%), 29.8% in a standoff \
         (27.0–32.7%), 9.5% in détente (7.8–11.5%) and none in one-sided coercion (95% interval 0–0.4%)."
    ));
    for cell in ["<td class=\"num share\">60.7%</td>", "<td class=\"num\">607</td>", "−10.00"] {
        assert!(p.contains(cell), "{cell}");
    }
    assert!(p.contains("Welfare, &lt;US&gt; ($bn)"));
}

#[test]
fn user_text_is_escaped() {
    let p = page(vec![], ScenarioText::Read(SCENARIO.into()));
    assert!(p.contains("<h1>A &lt;b&gt;bold&lt;/b&gt; &amp; &#39;quoted&#39; truce</h1>"));
    assert!(!p.contains("<b>bold") && !p.contains("<US>"));
    assert!(p.contains("<code>simulate &#39;a b.toml&#39; --runs 1000</code>"));
}

#[test]
fn assumptions_carry_their_basis() {
    let p = page(vec![], ScenarioText::Read(SCENARIO.into()));
    assert!(p.contains("<h3>&lt;US&gt;: strategy and perception</h3>"));
    assert!(p.contains("<span class=\"basis sourced\">source [TL]</span>"));
    assert!(p.contains("<span class=\"basis assumption\">assumption</span></td><td>two years (assumption)"));
    let missing = page(vec![], ScenarioText::Missing("the scenario file x.toml has changed since the run".into()));
    assert!(missing.contains("not shown: the scenario file x.toml has changed since the run."));
    assert!(missing.contains("<h1>t</h1>"), "the CSV's scenario id names the page");
}

#[test]
fn one_figure_per_chart_svg_first_and_nothing_fetched() {
    let p = page(
        vec![chart("outcomes.png"), chart("trajectory.png"), chart("outcomes.svg"), chart("trajectory.svg")],
        ScenarioText::Read(SCENARIO.into()),
    );
    assert_eq!(p.matches("<img ").count(), 2);
    assert!(p.contains(&format!("src=\"data:image/svg+xml;base64,{}\"", base64(b"outcomes.svg"))));
    assert!(p.contains(&format!("src=\"data:image/svg+xml;base64,{}\"", base64(b"trajectory.svg"))));
    assert!(p.find("outcomes.svg") < p.find("trajectory.svg"));
    let png = page(vec![chart("outcomes.png")], ScenarioText::Read(SCENARIO.into()));
    assert!(png.contains("src=\"data:image/png;base64,") && png.matches("<img ").count() == 1);
    let none = page(vec![], ScenarioText::Read(SCENARIO.into()));
    assert!(none.matches("<img ").count() == 0 && none.contains("--no-charts"));
    for p in [&p, &none] {
        for fetch in ["<script", "<link", "http://", "https://", "@import", "url("] {
            assert!(!p.contains(fetch), "{fetch}");
        }
    }
}

#[test]
fn a_formula_guard_is_taken_off_the_scenario_id() {
    assert_eq!(uncell("'=x"), "=x");
    assert_eq!(uncell("'plain"), "'plain");
}

#[test]
fn the_range_over_parameters_is_shown_when_the_scenario_draws_them() {
    let csv = "scenario,outcome,runs,share,ci_low,ci_high,welfare_us_mean,param_sd,param_p05,param_p95,design_effect\n\
        t,detente,100,0.1,0.05,0.16,-1,0.05,0.02,0.21,3\n\
        t,vicious_cycle,900,0.9,0.84,0.95,-2,0.05,0.79,0.98,3\n\
        t,all,1000,1,1,1,-2,,,,\n";
    let provenance = json!({ "seed": 1, "runs": 1000 });
    let p = run_page(&RunPage {
        summary_csv: csv.as_bytes().to_vec(),
        provenance,
        charts: vec![],
        scenario: ScenarioText::Missing("gone".into()),
    })
    .unwrap();
    assert!(p.contains("<th class=\"num wrap\">90% range over parameters</th>"));
    assert!(p.contains("90.0% end in a vicious cycle (95% interval 84.0–95.0%; 79.0–98.0% over the parameters"));
    assert!(p.contains("<td class=\"num\">2.0–21.0%</td>"));
    let plain = page(vec![], ScenarioText::Read(SCENARIO.into()));
    assert!(!plain.contains("90% range over parameters</th>") && !plain.contains("parameters' uncertainty"));
}

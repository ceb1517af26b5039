//! Preparing sweeps: paths, values, limits and invalid points.

use std::path::Path;

use super::*;
use crate::montecarlo::McConfig;

/// A 30-round noisy IPD, 50 runs: generous TFT (row) against TFT (column).
fn scenario_text() -> String {
    let side = |name: &str, strategy: &str| {
        format!(
            "[[sides]]\nname = \"{name}\"\nstrategy = {strategy}\nnoise = 0.05\nbaseline_welfare = 3.0\n\
             mutual_escalation_cost = 1.0\n[[sides.levers]]\nname = \"defect\"\nladder = [0, 1]\npain = 3.0\ncost = -2.0\n"
        )
    };
    let gtft = r#"{ kind = "generous_tit_for_tat", generosity = 0.1 }"#;
    format!("rounds = 30\nruns = 50\nseed = 3\n{}{}", side("row", gtft), side("column", r#"{ kind = "tit_for_tat" }"#))
}

fn spec(vary: &[&str]) -> SweepSpec {
    let vary: Vec<String> = vary.iter().map(|s| s.to_string()).collect();
    SweepSpec::from_args(Path::new("ipd.toml"), scenario_text(), &vary).unwrap()
}

fn prepare(vary: &[&str]) -> Result<Sweep, Error> {
    Sweep::prepare(&spec(vary))
}

#[test]
fn unchanged_document_gives_the_same_scenario() {
    // Writing the document back out and validating it again must not change
    // the scenario: every point is "the file, with its values".
    let sweep = prepare(&["sides.row.noise=0.05"]).unwrap();
    let direct = scenario::parse(Path::new("ipd.toml"), &scenario_text()).unwrap();
    assert_eq!(format!("{:?}", sweep.scenario_at(0).unwrap()), format!("{direct:?}"));
}

#[test]
fn points_run_first_parameter_slowest() {
    let sweep = prepare(&["sides.row.noise=0,0.1", "outcomes.low=0.1:0.3:3"]).unwrap();
    assert_eq!(sweep.points(), 6);
    assert_eq!(sweep.point_values(0), [0.0, 0.1]);
    assert_eq!(sweep.point_values(2), [0.0, 0.3]);
    assert_eq!(sweep.point_values(3), [0.1, 0.1]);
    let sc = sweep.scenario_at(5).unwrap();
    assert_eq!(sc.sides[0].noise.nominal(), 0.1);
    assert_eq!(sc.outcomes.low, 0.3);
    assert_eq!(sweep.describe_point(5), "sides.row.noise = 0.1, outcomes.low = 0.3");
}

#[test]
fn strategy_and_integer_parameters() {
    let sweep = prepare(&["row.strategy.generosity=0,0.5", "rounds=20,40"]).unwrap();
    assert_eq!(sweep.params[0].path.canonical, "sides.row.strategy.generosity");
    let sc = sweep.scenario_at(3).unwrap();
    assert_eq!(sc.rounds, 40);
    assert_eq!(sc.sides[0].strategy.describe(), "generous TFT (forgives 50%)");
    let err = prepare(&["rounds=20.5,30"]).unwrap_err().to_string();
    assert!(err.contains("whole numbers, got 20.5"), "{err}");
}

#[test]
fn invalid_points_are_refused_up_front() {
    let err = prepare(&["sides.column.misperception=0,0.6,1.2"]).unwrap_err().to_string();
    assert!(err.contains("sides.column.misperception = 1.2"), "{err}");
    assert!(err.contains("probability in [0, 1], got 1.2"), "{err}");
    // Combinations are checked too: low must stay below high.
    let err = prepare(&["outcomes.low=0.2,0.6"]).unwrap_err().to_string();
    assert!(err.contains("outcomes.low = 0.6") && err.contains("must be below"), "{err}");
}

#[test]
fn unknown_and_duplicate_paths() {
    let err = prepare(&["sides.row.strategy.kindness=0,0.1"]).unwrap_err().to_string();
    assert!(err.contains("unknown parameter `sides.row.strategy.kindness`"), "{err}");
    assert!(err.contains("sides.row.strategy.generosity"), "{err}");
    // tit_for_tat takes no generosity.
    assert!(prepare(&["sides.column.strategy.generosity=0,0.1"]).is_err());
    let err = prepare(&["sides.row.noise=0,0.1", "row.noise=0.2"]).unwrap_err().to_string();
    assert!(err.contains("varied twice"), "{err}");
}

#[test]
fn limits() {
    let err = prepare(&["sides.row.noise=0:0.1:101", "sides.column.noise=0:0.1:101"]).unwrap_err().to_string();
    assert!(err.contains("101 × 101 = 10201 points; at most 10000"), "{err}");
    let five = ["discount=1", "outcomes.low=0.1", "outcomes.high=0.6", "sides.row.noise=0", "sides.column.noise=0"];
    assert!(prepare(&five).unwrap_err().to_string().contains("at most 4"));
    assert!(matches!(prepare(&[]), Err(Error::Sweep(SweepError::NoParams))));
    assert!(Vary::parse_arg("sides.row.noise").is_err());
    assert!(Vary::parse_arg("=0,1").is_err());
}

#[test]
fn issue_14_vary_splits_after_quoted_segments() {
    let v = Vary::parse_arg(r#"events."a=b".renew_prob=0,1"#).unwrap();
    assert_eq!((v.path.as_str(), v.values), (r#"events."a=b".renew_prob"#, vec![0.0, 1.0]));
    let v = Vary::parse_arg(r#"events."x".start=2"#).unwrap();
    assert_eq!((v.path.as_str(), v.values), (r#"events."x".start"#, vec![2.0]));
    assert!(Vary::parse_arg(r#"events."a=b.start"#).is_err(), "an unclosed quote leaves no `=` to split at");
}

#[test]
fn run_sweep_uses_common_random_numbers() {
    // A point equal to the file plays exactly the runs of a plain run.
    assert!(Vary::parse_arg("discount=1,1.0e0").is_err(), "duplicate values are refused");
    let sweep = prepare(&["sides.row.strategy.generosity=0.1,0.3"]).unwrap();
    let results = run_sweep(&sweep, &sweep.pieces(), &Hooks::default()).unwrap();
    let base = scenario::parse(Path::new("ipd.toml"), &scenario_text()).unwrap();
    let direct = crate::montecarlo::run_batch(&base, &McConfig { runs: 50, seed: 3 }, &Hooks::default(), None).unwrap();
    assert_eq!(results[0], PointResult::of(0, &direct));
    assert_eq!(results[1].totals.runs(), 50);
}

/// A scenario that writes every table of the format: outcomes, a side with
/// a strategy that has parameters, distributions of both kinds, a
/// provocation, and an event of each kind.
const EVERY_TABLE: &str = r#"
rounds = 12
runs = 10
seed = 1
discount = 0.95
[outcomes]
window = 4
low = 0.2
high = 0.5
exchanges = 2

[[sides]]
name = "us"
strategy = { kind = "memory_one", p_cc = { uniform = [0.8, 0.95] }, p_cd = { normal = { mean = 0.1, sd = 0.05, min = 0.0, max = 0.3 } }, p_dc = { beta = [8, 2] }, p_dd = 0.2 }
demands = [{ lever = "rare_earths", level = 1 }]
noise = 0.01
misperception = 0.02
baseline_welfare = 1.0
mutual_escalation_cost = 0.5
[[sides.levers]]
name = "tariffs"
ladder = [0, 10, 20, 30]
start = 10
floor = 0
pain = { uniform = [1.0, 2.0] }
cost = { normal = { mean = 0.5, sd = 0.1, min = 0.0, max = 1.0 } }
erosion = { uniform = [0.1, 0.2] }
erosion_floor = { normal = { mean = 0.2, sd = 0.1, min = 0.0, max = 0.5 } }
revenue = { beta = [2, 3] }
terms_of_trade = { exponential = 0.2 }
weight = 2.0
[[sides.provocations]]
lever = "tariffs"
prob = 0.05

[[sides]]
name = "china"
strategy = { kind = "resolve", resolve = { exponential = 40 } }
[[sides.levers]]
name = "rare_earths"
ladder = [0, 1, 2]
pain = { normal = { mean = 3.0, sd = 0.5, min = 2.0, max = 4.0 } }
cost = { uniform = [0.5, 1.0] }
erosion = { normal = { mean = 0.1, sd = 0.05, min = 0.0, max = 0.2 } }
erosion_floor = { uniform = [0.1, 0.3] }

[[events]]
kind = "suspension"
label = "Truce"
start = 2
duration = 3
renew_prob = 0.5
measures = [{ side = "us", lever = "tariffs", level = 0, snap_back = 20 }]

[[events]]
kind = "negotiation"
label = "Talks"
start = 2
duration = 2
renew_prob = 0.4
violation_prob = 0.3
renew_penalty = 0.5
ripeness = 0.5
agree_prob = 0.6
talks = [3, 6]
measures = [{ side = "china", lever = "rare_earths", level = 0, snap_back = 1 }]

[[events]]
kind = "scheduled"
label = "Hike"
start = 5
side = "china"
lever = "rare_earths"
to = 2
"#;

#[test]
fn every_number_of_the_format_can_be_swept() {
    let file = Path::new("every.toml");
    let base = format!("{:?}", scenario::parse(file, EVERY_TABLE).unwrap());
    let doc = document(file, EVERY_TABLE).unwrap();
    let catalog = path::catalog(&doc);
    // Every number the schema allows (but runs and seed) has a path here. A
    // distribution's numbers are the same whichever parameter it is written
    // for: `levers[].pain.beta[]` is covered by `levers[].revenue.beta[]`,
    // `sides[].noise.beta[]` by `sides[].strategy.p_dc.beta[]`.
    let generic = |slot: &str| -> String {
        for dist in [".uniform[]", ".normal.", ".beta[]", ".exponential"] {
            if let Some(at) = slot.find(dist) {
                return format!("<param>{}", &slot[at..]);
            }
        }
        slot.to_string()
    };
    let slots: Vec<String> = catalog.iter().map(|p| generic(p.slot())).collect();
    for (slot, _) in crate::scenario::schema::numbers(crate::scenario::schema::scenario()) {
        let g = generic(&slot);
        assert!(slots.contains(&g) || slot == "runs" || slot == "seed", "no path for {slot}: {slots:?}");
    }
    // Candidate values: a few plain numbers, then every number of the file
    // (rungs, for keys that take a ladder value).
    let mut candidates = vec![0.3125, 0.625, 3.0, 1.5, 7.0, -0.5];
    candidates.extend(catalog.iter().filter_map(|p| p.current.as_deref()?.parse::<f64>().ok()));
    for p in &catalog {
        let mut errors = Vec::new();
        let landed = candidates.iter().filter(|v| p.current.as_deref() != Some(&fmt_value(**v))).any(|&v| {
            let mut d = doc.clone();
            if p.set(&mut d, v).is_err() {
                return false; // a whole number only
            }
            match scenario::parse(file, &d.to_string()) {
                Ok(sc) => format!("{sc:?}") != base,
                Err(e) => {
                    errors.push(e);
                    false
                }
            }
        });
        // Landed in the validated scenario, or refused with a located error:
        // here only rungs are, which start, floor, measures and `to` name
        // (moving one alone breaks the ladder or the reference).
        let located = !errors.is_empty() && errors.iter().all(|e| e.span.is_some());
        assert!(landed || located, "{} never changes the scenario: {errors:?}", p.canonical);
        assert!(landed || p.slot().ends_with("ladder[]"), "{}: {errors:?}", p.canonical);
    }
    assert!(catalog.len() > 40, "{}", catalog.len());
}

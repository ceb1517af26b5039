//! Preparing sweeps: paths, values, limits and invalid points.

use std::path::Path;

use super::*;

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
    assert_eq!(sc.sides[0].noise, 0.1);
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
fn run_sweep_uses_common_random_numbers() {
    // A point equal to the file plays exactly the runs of a plain run.
    assert!(Vary::parse_arg("discount=1,1.0e0").is_err(), "duplicate values are refused");
    let sweep = prepare(&["sides.row.strategy.generosity=0.1,0.3"]).unwrap();
    let results = run_sweep(&sweep, &[0, 1], &Hooks::default()).unwrap();
    let base = scenario::parse(Path::new("ipd.toml"), &scenario_text()).unwrap();
    let direct = run_batch(&base, &McConfig { runs: 50, seed: 3 }, &Hooks::default(), None).unwrap();
    assert_eq!(results[0], PointResult::of(0, &direct));
    assert_eq!(results[1].totals.runs(), 50);
}

//! The war of attrition, exactly: two `resolve` players with constant pain and
//! exponential resolve reproduce the closed-form probability that a given
//! side concedes first and the mean round of that concession; and a pure
//! coercer's pressure on a side that never answers is one-sided coercion.

use tradewar::montecarlo::{Hooks, McConfig, run_batch};

use crate::common::parse;

/// Two sides, one two-rung lever each, both at the top from the start; each
/// side's lever costs the other `pain` per round for ever (no erosion, no
/// cost), and each side concedes once its summed pain reaches a resolve drawn
/// from an exponential with mean `m`.
fn attrition(pain: [f64; 2], m: [f64; 2]) -> String {
    let side = |name: &str, i: usize| {
        format!(
            "[[sides]]\nname = \"{name}\"\nstrategy = {{ kind = \"resolve\", resolve = {{ exponential = {} }} }}\n\
             [[sides.levers]]\nname = \"pressure\"\nladder = [0, 1]\nstart = 1\npain = {}\n",
            m[i], pain[i]
        )
    };
    // Side a's lever is the pain b suffers, and vice versa.
    format!("rounds = 200\nseed = 3\n{}{}", side("a", 0), side("b", 1))
}

/// The discrete war of attrition (docs/model.md §7b): with q_i = exp(−c_i/m_i)
/// (c_i the pain side i suffers per round), side i concedes in round 1 + K_i
/// with K_i geometric, P(K_i > k) = q_i^k. Then
/// P(a first) = (1 − q_a) q_b / (1 − q_a q_b), P(tie) = (1 − q_a)(1 − q_b)/(1 − q_a q_b),
/// and the round of a's concession, given a concedes first, has mean
/// 1 + 1/(1 − q_a q_b).
fn closed_form(suffered: [f64; 2], m: [f64; 2]) -> ([f64; 2], f64, f64) {
    let q = [(-suffered[0] / m[0]).exp(), (-suffered[1] / m[1]).exp()];
    let d = 1.0 - q[0] * q[1];
    let first = [(1.0 - q[0]) * q[1] / d, (1.0 - q[1]) * q[0] / d];
    let tie = (1.0 - q[0]) * (1.0 - q[1]) / d;
    (first, tie, 1.0 + 1.0 / d)
}

#[test]
fn resolve_players_match_the_closed_form_war_of_attrition() {
    let runs = 20_000u64;
    for (pain, m) in [([1.0, 1.0], [5.0, 5.0]), ([2.0, 1.0], [10.0, 4.0]), ([0.5, 3.0], [6.0, 30.0])] {
        let sc = parse(&attrition(pain, m));
        let b = run_batch(&sc, &McConfig { runs, seed: 11 }, &Hooks::default(), None).unwrap();
        // Side a suffers b's pain, and vice versa.
        let suffered = [pain[1], pain[0]];
        let (first, tie, mean_round) = closed_form(suffered, m);
        let t = &b.totals;
        for (i, want) in first.iter().enumerate() {
            let p = t.first_yield[i].n as f64 / runs as f64;
            let se = (want * (1.0 - want) / runs as f64).sqrt();
            assert!((p - want).abs() < 5.0 * se, "pain {pain:?} m {m:?}: P({i} first) {p} vs {want}");
        }
        let p_tie = t.no_yield() as f64 / runs as f64;
        let se = (tie * (1.0 - tie) / runs as f64).sqrt();
        assert!((p_tie - tie).abs() < 5.0 * se, "tie {p_tie} vs {tie}");
        // The round of the first concession, given side a made it.
        let m0 = &t.first_yield[0];
        let (mean, se) = (m0.mean().unwrap(), m0.std_error().unwrap());
        assert!((mean - mean_round).abs() < 5.0 * se, "mean round {mean} vs {mean_round} ± {se}");
    }
}

#[test]
fn always_escalate_against_always_concede_is_coercion() {
    // Two levers a side, a truce-free status quo: the escalator raises every
    // round; the conceder stays at its floors: the escalator's demand (the
    // conceder's levers at their floors) is met while its own levers are up.
    let text = r#"
rounds = 12
seed = 5
[[sides]]
name = "us"
strategy = { kind = "always_escalate" }
noise = 0.0
[[sides.levers]]
name = "tariffs"
ladder = [10, 25, 50, 100]
start = 25
floor = 25
pain = 8
cost = 3
[[sides.levers]]
name = "controls"
ladder = [0, 1, 2]
pain = { uniform = [1, 3] }
cost = 0.5
[[sides]]
name = "china"
strategy = { kind = "always_concede" }
[[sides.levers]]
name = "soybeans"
ladder = [30, 20, 0]
pain = 2
[[sides.levers]]
name = "rare_earths"
ladder = [0, 7, 12]
start = 7
pain = { uniform = [1, 5] }
"#;
    let sc = parse(text);
    let b = run_batch(&sc, &McConfig { runs: 500, seed: 1 }, &Hooks::default(), None).unwrap();
    assert_eq!(b.totals.coercion_by, [500, 0], "coercion by the escalator in every run");
    // The conceder gave way first: it lowered the rare-earth controls the
    // escalator demands (by default, every lever back at its floor).
    assert_eq!(b.totals.first_yield[1].n, 500);
    assert_eq!(b.totals.first_yield[1].mean(), Some(1.0));
}

#[test]
fn a_coercer_stops_when_its_demand_is_met() {
    // The coercer demands soybeans back at 30; the other side gives in when its
    // loss reaches its resolve, and the coercer then lifts the pressure.
    let text = r#"
rounds = 30
seed = 2
[[sides]]
name = "us"
strategy = { kind = "coercer" }
demands = [{ lever = "soybeans", level = 30 }]
[[sides.levers]]
name = "tariffs"
ladder = [0, 1, 2, 3]
pain = 6
cost = 1
[[sides.levers]]
name = "fees"
ladder = [0, 1]
pain = 0.5
cost = 2
[[sides]]
name = "china"
strategy = { kind = "resolve", resolve = 20 }
[[sides.levers]]
name = "soybeans"
ladder = [30, 15, 0]
start = 0
pain = 1
"#;
    let sc = parse(text);
    let streams = tradewar::rng::Streams::new(2);
    let mut game = tradewar::engine::Game::new(&sc, &streams);
    let tr = game.play(0).clone();
    // The coercer uses its best-leverage lever (tariffs: 6 of pain per unit
    // of cost) and never the fees, which cost it more than they hurt (0.25).
    assert!((0..=30).all(|t| tr.rung(t, 0, 1) == 0), "fees never used");
    assert_eq!(tr.rung(3, 0, 0), 3, "tariffs raised every round to the top");
    // China suffers 2, 4, then 6 a round as the tariffs climb: it decides
    // round 5 on a loss of 2 + 4 + 6 + 6 = 18 < 20 (holds out), round 6 on 24
    // (concedes).
    let first_low = (1..=30).find(|&t| tr.rung(t, 1, 0) < 2).unwrap();
    assert_eq!(first_low, 6);
    assert_eq!(tr.first_yield, Some((1, 6)));
    // Once soybeans are back at 30 the coercer stands down.
    let met = (1..=30).find(|&t| tr.demand_met(t, 0)).unwrap();
    assert!(tr.rung(30, 0, 0) < 3 && met <= 7, "pressure lifted after round {met}");
}

#[test]
fn shapley_values_credit_the_lever_that_coerces_and_add_up() {
    use tradewar::leverage::{Figure, lever_values};
    use tradewar::montecarlo::with_threads;
    // The coercer of `a_coercer_stops_when_its_demand_is_met`, against a
    // side with a random resolve: the tariffs do the work, the fees (which
    // cost more than they hurt) are never used.
    let text = r#"
rounds = 30
seed = 2
[[sides]]
name = "us"
strategy = { kind = "coercer" }
demands = [{ lever = "soybeans", level = 30 }]
[[sides.levers]]
name = "tariffs"
ladder = [0, 1, 2, 3]
pain = 6
cost = 1
[[sides.levers]]
name = "fees"
ladder = [0, 1]
pain = 0.5
cost = 2
[[sides]]
name = "china"
strategy = { kind = "resolve", resolve = { uniform = [5, 400] } }
noise = 0.05
[[sides.levers]]
name = "soybeans"
ladder = [30, 15, 0]
start = 0
pain = 1
"#;
    let sc = parse(text);
    let cfg = McConfig { runs: 3000, seed: 4 };
    let v = lever_values(&sc, 0, &cfg, &Hooks::default()).unwrap();
    let met = v.figures.iter().position(|f| *f == Figure::DemandMet).unwrap();
    let (tariffs, fees) = (&v.shapley[0][met], &v.shapley[1][met]);
    // About 40% of the resolves (uniform on 5–400) give way within 30 rounds of the tariffs.
    assert!(tariffs.mean().unwrap() > 0.3, "the tariffs extract the concession: {:?}", tariffs.mean());
    assert!(fees.mean().unwrap().abs() < 1e-9, "the fees are never used: {:?}", fees.mean());
    // Efficiency: the values add up to the effect of all levers, for every figure.
    for f in 0..v.figures.len() {
        let sum: f64 = (0..2).map(|l| v.shapley[l][f].mean().unwrap()).sum();
        let total = v.total_effect[f].mean().unwrap();
        assert!((sum - total).abs() < 1e-6 * total.abs().max(1.0), "figure {f}: {sum} vs {total}");
    }
    // The thread count changes nothing.
    let two = with_threads(2, || lever_values(&sc, 0, &cfg, &Hooks::default())).unwrap().unwrap();
    assert_eq!(v, two);
}

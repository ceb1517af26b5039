//! Truces that emerge and break: negotiated truces begin when both sides
//! hurt enough, violations end them, the survival curve is the Kaplan–Meier
//! estimate. (That zero sensitivities reproduce the scheduled truces exactly
//! is held by the golden case `busan-scheduled-truces`.)

use tradewar::engine::{Game, SpellEnd};
use tradewar::montecarlo::{Hooks, McConfig, run_batch};
use tradewar::rng::Streams;

use crate::common::parse;

/// Two sides at war (both levers at the top), a truce that both must want.
fn war(truce: &str) -> String {
    format!(
        r#"rounds = 12
seed = 1
[[sides]]
name = "a"
strategy = {{ kind = "tit_for_tat" }}
last_move = "escalate"
[[sides.levers]]
name = "tariffs"
ladder = [0, 1, 2]
start = 2
pain = 6
[[sides.levers]]
name = "listings"
ladder = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14]
pain = 0.01
weight = 0.001
[[sides]]
name = "b"
strategy = {{ kind = "tit_for_tat" }}
last_move = "escalate"
[[sides.levers]]
name = "tariffs"
ladder = [0, 1, 2]
start = 2
pain = {{ uniform = [2, 4] }}
[[events]]
{truce}
"#
    )
}

#[test]
fn a_negotiated_truce_begins_only_when_both_sides_hurt_enough() {
    // a loses 2–4 a round, b loses 6: ripe at 1.5, not at 5.
    let ripe = parse(&war(r#"kind = "negotiation"
label = "talks"
duration = 4
ripeness = 1.5
measures = [{ side = "a", lever = "tariffs", level = 0 }, { side = "b", lever = "tariffs", level = 0 }]"#));
    let streams = Streams::new(1);
    let mut g = Game::new(&ripe, &streams);
    let tr = g.play(0).clone();
    assert_eq!(tr.rung(1, 0, 0), 0, "the truce caps both levers in round 1");
    assert_eq!(tr.spells[0].start, 1);
    let unripe = parse(&war(r#"kind = "negotiation"
label = "talks"
duration = 4
ripeness = 5
measures = [{ side = "a", lever = "tariffs", level = 0 }, { side = "b", lever = "tariffs", level = 0 }]"#));
    let mut g = Game::new(&unripe, &streams);
    let tr = g.play(0);
    assert!(tr.spells.is_empty(), "a's loss never reaches 5: no truce");
    assert_eq!(tr.rung(12, 0, 0), 2);
}

#[test]
fn a_certain_violation_ends_the_truce_and_it_snaps_back() {
    // A provocation every round (a listing) is a perceived violation; with
    // violation_prob = 1 the truce collapses at the start of round 2.
    let text = war(r#"kind = "suspension"
label = "truce"
duration = 6
violation_prob = 1.0
measures = [{ side = "a", lever = "tariffs", level = 1, snap_back = 2 }]"#)
    .replace(
        "[[sides]]\nname = \"b\"",
        "[[sides.provocations]]\nlever = \"listings\"\nprob = 1.0\n[[sides]]\nname = \"b\"",
    );
    let sc = parse(&text);
    let streams = Streams::new(1);
    let mut g = Game::new(&sc, &streams);
    let tr = g.play(0);
    assert_eq!(tr.spells.len(), 1);
    assert_eq!(tr.spells[0].how, SpellEnd::Collapsed);
    assert_eq!((tr.spells[0].start, tr.spells[0].end), (1, 1));
    assert_eq!(tr.rung(2, 0, 0), 2, "snapped back");
}

#[test]
fn renewal_falls_with_each_violation() {
    // Without violations the truce is renewed for ever (renew_prob 1); with a
    // provocation every round and a renewal penalty of 1, it is never renewed.
    let base = r#"kind = "suspension"
label = "truce"
duration = 3
renew_prob = 1.0
measures = [{ side = "b", lever = "tariffs", level = 0 }]"#;
    let sc = parse(&war(base));
    let b = run_batch(&sc, &McConfig { runs: 50, seed: 2 }, &Hooks::default(), None).unwrap();
    assert_eq!((b.truces[0].censored, b.truces[0].lapsed), (50, 0));
    let text = war(&format!("{base}\nrenew_penalty = 1.0")).replace(
        "[[sides]]\nname = \"b\"",
        "[[sides.provocations]]\nlever = \"listings\"\nprob = 1.0\n[[sides]]\nname = \"b\"",
    );
    let sc = parse(&text);
    let b = run_batch(&sc, &McConfig { runs: 50, seed: 2 }, &Hooks::default(), None).unwrap();
    assert_eq!(b.truces[0].lapsed, 50, "every run lapses at the first expiry");
    assert!(b.truces[0].ended_after[3] == 50);
}

#[test]
fn survival_is_the_kaplan_meier_estimate() {
    // Spell durations 2, 3+, 3, 5, 5+ (+ = censored): KM gives
    // S(2) = 4/5, S(3) = 4/5 · 2/3 (at risk 3: 3, 3+, 5... one ends), S(5) = 0.
    let t = tradewar::montecarlo::TruceTotals {
        ended_after: vec![0, 0, 1, 1, 0, 1],
        censored_after: vec![0, 0, 0, 1, 0, 1],
        lapsed: 3,
        censored: 2,
        ..Default::default()
    };
    let s = t.survival();
    let at = |d: u32| s.iter().find(|p| p.rounds == d).unwrap();
    assert_eq!(at(1).at_risk, 5);
    assert!((at(2).survival - 0.8).abs() < 1e-12);
    assert_eq!(at(3).at_risk, 4);
    assert!((at(3).survival - 0.8 * 0.75).abs() < 1e-12);
    assert_eq!(at(5).at_risk, 2);
    assert!((at(5).survival - 0.8 * 0.75 * 0.5).abs() < 1e-12);
    assert_eq!(t.median(), Some(5));
    assert!(at(3).ci_low < at(3).survival && at(3).survival < at(3).ci_high);
}

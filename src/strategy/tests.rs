//! Strategy tests read like game transcripts (Axelrod style): the opponent's
//! script and the moves we expect, as strings of C and D.

use super::*;

/// Play `s` against a scripted opponent (no noise, no misperception) and return
/// its moves. `coins` feeds the strategy's Bernoulli trials in order (`true` =
/// the event with the stated probability happens); it must not run out.
fn play(s: &Strategy, opponent: &str, coins: &[bool]) -> String {
    let mut coins = coins.iter().copied();
    let mut chance = |p: f64| {
        if p <= 0.0 {
            false
        } else if p >= 1.0 {
            true
        } else {
            coins.next().expect("transcript ran out of coins")
        }
    };
    let mut view = View::first();
    let mut out = String::new();
    for c in opponent.chars() {
        let theirs = if c == 'D' { Action::D } else { Action::C };
        let mine = s.decide(&view, &mut chance);
        out.push(if mine.is_d() { 'D' } else { 'C' });
        view.observe(mine, theirs);
    }
    out
}

fn check_versus(s: Strategy, opponent: &str, expected: &str) {
    assert_eq!(play(&s, opponent, &[]), expected, "{s:?} against {opponent}");
}

#[test]
fn tit_for_tat_copies_last_action() {
    check_versus(Strategy::TitForTat, "CDDCC", "CCDDC");
    check_versus(Strategy::TitForTat, "DDDD", "CDDD");
}

#[test]
fn suspicious_tit_for_tat_opens_with_d() {
    check_versus(Strategy::SuspiciousTitForTat, "CCDC", "DCCD");
}

#[test]
fn tit_for_two_tats_needs_two_in_a_row() {
    check_versus(Strategy::TitForTwoTats, "DCDDDC", "CCCCDD");
}

#[test]
fn grim_trigger_never_forgives() {
    check_versus(Strategy::GrimTrigger, "CCDCCC", "CCCDDD");
}

#[test]
fn win_stay_lose_shift_transcript() {
    // Rounds: CC -> C; (C,D) -> D; (D,C) -> D; (D,D) -> C; (C,C) -> C.
    check_versus(Strategy::WinStayLoseShift, "CDCDCC", "CCDDCC");
}

#[test]
fn always_strategies_ignore_opponent() {
    check_versus(Strategy::AlwaysEscalate, "CDCD", "DDDD");
    check_versus(Strategy::AlwaysConcede, "DDDD", "CCCC");
}

#[test]
fn generous_tit_for_tat_forgives_on_coin() {
    let g = Strategy::GenerousTitForTat { generosity: 0.3 };
    // Two perceived escalations: first forgiven (coin true), second not.
    assert_eq!(play(&g, "CDCDC", &[true, false]), "CCCCD");
}

#[test]
fn gtft_with_zero_generosity_is_tit_for_tat() {
    let script = "CDDCDCCDDDCC";
    assert_eq!(
        play(&Strategy::GenerousTitForTat { generosity: 0.0 }, script, &[]),
        play(&Strategy::TitForTat, script, &[])
    );
}

#[test]
fn memory_one_vectors_reproduce_named_strategies() {
    let script = "CDDCDCCDDDCCDC";
    let m1 = |p: [f64; 4]| Strategy::MemoryOne { p, initial: 1.0 };
    assert_eq!(play(&m1([1.0, 0.0, 1.0, 0.0]), script, &[]), play(&Strategy::TitForTat, script, &[]));
    assert_eq!(play(&m1([1.0, 0.0, 0.0, 1.0]), script, &[]), play(&Strategy::WinStayLoseShift, script, &[]));
    assert_eq!(play(&m1([1.0; 4]), script, &[]), play(&Strategy::AlwaysConcede, script, &[]));
    assert_eq!(
        play(&Strategy::MemoryOne { p: [0.0; 4], initial: 0.0 }, script, &[]),
        play(&Strategy::AlwaysEscalate, script, &[])
    );
}

#[test]
fn gtft_default_generosity_is_one_third_for_standard_payoffs() {
    let g = gtft_generosity(3.0, 0.0, 5.0, 1.0).unwrap();
    assert!((g - 1.0 / 3.0).abs() < 1e-12);
    assert_eq!(gtft_generosity(3.0, 0.0, 2.0, 1.0), None, "not a prisoner's dilemma");
}

fn every_strategy() -> Vec<Strategy> {
    let all = vec![
        Strategy::TitForTat,
        Strategy::SuspiciousTitForTat,
        Strategy::GenerousTitForTat { generosity: 0.3 },
        Strategy::TitForTwoTats,
        Strategy::GrimTrigger,
        Strategy::WinStayLoseShift,
        Strategy::AlwaysEscalate,
        Strategy::AlwaysConcede,
        Strategy::Random { p_escalate: 0.5 },
        Strategy::MemoryOne { p: [0.9, 0.1, 0.8, 0.2], initial: 0.7 },
    ];
    // Every catalogue entry is covered, and nothing else.
    let mut kinds: Vec<_> = all.iter().map(|s| s.kind()).collect();
    kinds.sort_unstable();
    let mut catalogued: Vec<_> = CATALOG.iter().map(|e| e.kind).collect();
    catalogued.sort_unstable();
    assert_eq!(kinds, catalogued);
    all
}

/// A deterministic pseudo-random coin source for the generic checks.
fn coins(seed: u64, n: usize) -> Vec<bool> {
    let mut x = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x & 1 == 1
        })
        .collect()
}

#[test]
fn every_strategy_is_reproducible_given_its_coins() {
    let script = "CDDCDCCDDDCCDCDDCCCD";
    for s in every_strategy() {
        let c = coins(7, 64);
        assert_eq!(play(&s, script, &c), play(&s.clone(), script, &c), "{s:?}");
    }
}

#[test]
fn deterministic_strategies_draw_no_coins() {
    for s in every_strategy().into_iter().filter(|s| !s.traits().stochastic) {
        play(&s, "CDDCDCCDDDCC", &[]); // would panic if a coin were drawn
    }
}

#[test]
fn memory_depth_is_an_upper_bound() {
    // Two histories that agree on their last k rounds must lead to the same
    // decision for a strategy of memory depth k (same coins).
    let scripts = ["CDDCDCCD", "DDCCDDCD", "CCCCCCCC", "DDDDDDDC"];
    for s in every_strategy() {
        let Some(k) = s.traits().memory_depth else { continue };
        for a in scripts {
            for b in scripts {
                let (ta, tb) = (&a[a.len() - k as usize..], &b[b.len() - k as usize..]);
                if ta != tb {
                    continue;
                }
                // The decision after each full script, with own moves from a TFT-like echo.
                let decide_after = |script: &str| {
                    let mut view = View::first();
                    for (i, c) in script.chars().enumerate() {
                        let mine = if i % 3 == 0 { Action::D } else { Action::C };
                        view.observe(mine, if c == 'D' { Action::D } else { Action::C });
                    }
                    let mut it = coins(3, 4).into_iter();
                    s.decide(&view, &mut |p| {
                        if p <= 0.0 {
                            false
                        } else if p >= 1.0 {
                            true
                        } else {
                            it.next().unwrap()
                        }
                    })
                };
                // Own moves also agree (same length and pattern), so only the
                // opponent's older moves differ.
                if a.len() == b.len() {
                    assert_eq!(decide_after(a), decide_after(b), "{s:?} on {a} vs {b}");
                }
            }
        }
    }
}

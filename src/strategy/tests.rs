//! Strategy tests read like game transcripts (Axelrod style): the opponent's
//! script and the moves we expect, as strings of C and D.

use super::*;

/// Play `s` against a scripted opponent (no noise, no misperception) and return
/// its moves. `coins` feeds the strategy's Bernoulli trials in order (`true` =
/// the event with the stated probability happens); it must not run out.
fn play(s: &Strategy, opponent: &str, coins: &[bool]) -> String {
    let mut s = s.clone();
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
        s.observe(&view);
    }
    out
}

fn check_versus(s: Strategy, opponent: &str, expected: &str) {
    assert_eq!(play(&s, opponent, &[]), expected, "{s:?} against {opponent}");
}

#[test]
fn tit_for_tat_copies_last_action() {
    check_versus(Strategy::TitForTat(crate::strategy::TitForTat), "CDDCC", "CCDDC");
    check_versus(Strategy::TitForTat(crate::strategy::TitForTat), "DDDD", "CDDD");
}

#[test]
fn suspicious_tit_for_tat_opens_with_d() {
    check_versus(Strategy::SuspiciousTitForTat(crate::strategy::SuspiciousTitForTat), "CCDC", "DCCD");
}

#[test]
fn tit_for_two_tats_needs_two_in_a_row() {
    check_versus(Strategy::TitForTwoTats(crate::strategy::TitForTwoTats), "DCDDDC", "CCCCDD");
}

#[test]
fn grim_trigger_never_forgives() {
    check_versus(Strategy::GrimTrigger(crate::strategy::GrimTrigger), "CCDCCC", "CCCDDD");
}

#[test]
fn win_stay_lose_shift_transcript() {
    // Rounds: CC -> C; (C,D) -> D; (D,C) -> D; (D,D) -> C; (C,C) -> C.
    check_versus(Strategy::WinStayLoseShift(crate::strategy::WinStayLoseShift), "CDCDCC", "CCDDCC");
}

#[test]
fn always_strategies_ignore_opponent() {
    check_versus(Strategy::AlwaysEscalate(crate::strategy::AlwaysEscalate), "CDCD", "DDDD");
    check_versus(Strategy::AlwaysConcede(crate::strategy::AlwaysConcede), "DDDD", "CCCC");
}

#[test]
fn generous_tit_for_tat_forgives_on_coin() {
    let g = crate::strategy::Kind::GenerousTitForTat.with(&[0.3]);
    // Two perceived escalations: first forgiven (coin true), second not.
    assert_eq!(play(&g, "CDCDC", &[true, false]), "CCCCD");
}

#[test]
fn gtft_with_zero_generosity_is_tit_for_tat() {
    let script = "CDDCDCCDDDCC";
    assert_eq!(
        play(&crate::strategy::Kind::GenerousTitForTat.with(&[0.0]), script, &[]),
        play(&Strategy::TitForTat(crate::strategy::TitForTat), script, &[])
    );
}

#[test]
fn memory_one_vectors_reproduce_named_strategies() {
    let script = "CDDCDCCDDDCCDC";
    let m1 = |p: [f64; 4]| Kind::MemoryOne.with(&[p[0], p[1], p[2], p[3], 1.0]);
    assert_eq!(
        play(&m1([1.0, 0.0, 1.0, 0.0]), script, &[]),
        play(&Strategy::TitForTat(crate::strategy::TitForTat), script, &[])
    );
    assert_eq!(
        play(&m1([1.0, 0.0, 0.0, 1.0]), script, &[]),
        play(&Strategy::WinStayLoseShift(crate::strategy::WinStayLoseShift), script, &[])
    );
    assert_eq!(
        play(&m1([1.0; 4]), script, &[]),
        play(&Strategy::AlwaysConcede(crate::strategy::AlwaysConcede), script, &[])
    );
    assert_eq!(
        play(&crate::strategy::Kind::MemoryOne.with(&[0.0, 0.0, 0.0, 0.0, 0.0]), script, &[]),
        play(&Strategy::AlwaysEscalate(crate::strategy::AlwaysEscalate), script, &[])
    );
}

#[test]
fn gtft_default_generosity_is_one_third_for_standard_payoffs() {
    let g = gtft_generosity(3.0, 0.0, 5.0, 1.0).unwrap();
    assert!((g - 1.0 / 3.0).abs() < 1e-12);
    assert_eq!(gtft_generosity(3.0, 0.0, 2.0, 1.0), None, "not a prisoner's dilemma");
}

/// One strategy of every registry kind, each parameter at an interior value
/// of its range (so stochastic kinds really draw).
fn every_strategy() -> Vec<Strategy> {
    Kind::ALL
        .iter()
        .map(|k| {
            let values: Vec<f64> = k
                .info()
                .params
                .iter()
                .enumerate()
                .map(|(j, p)| p.range.0 + (0.3 + 0.1 * j as f64) * (p.range.1 - p.range.0))
                .collect();
            k.with(&values)
        })
        .collect()
}

#[test]
fn registry_is_consistent() {
    for (i, k) in Kind::ALL.iter().enumerate() {
        let info = k.info();
        assert_eq!(Kind::from_name(info.name), Some(*k));
        assert!(Kind::ALL[..i].iter().all(|o| o.name() != info.name), "duplicate name {}", info.name);
        let s = every_strategy().remove(i);
        assert_eq!(s.kind(), *k);
        assert_eq!(s.params().len(), info.params.len(), "{k}");
        assert_eq!(k.with(&s.params()), s, "{k}: params() round-trips through with()");
        for p in info.params {
            assert!(p.range.0 < p.range.1, "{k}.{}", p.name);
            if let ParamDefault::Value(v) = p.default {
                assert!((p.range.0..=p.range.1).contains(&v), "{k}.{} default", p.name);
            }
        }
    }
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

/// Every view a strategy can meet in the first rounds: own last action, the
/// other's last two perceived actions and the perceived-escalation count.
fn small_views() -> Vec<View> {
    let acts = [None, Some(Action::C), Some(Action::D)];
    let mut views = vec![View::first()];
    for round in 2..=4 {
        for my_last in acts.iter().skip(1) {
            for their_last in acts.iter().skip(1) {
                for their_prev in if round == 2 { &acts[..1] } else { &acts[1..] } {
                    let seen =
                        their_last.is_some_and(Action::is_d) as u32 + their_prev.is_some_and(Action::is_d) as u32;
                    for their_defections in seen..=seen + 2 {
                        let v = View {
                            round,
                            my_last: *my_last,
                            their_last: *their_last,
                            their_prev: *their_prev,
                            their_defections,
                            ..View::default()
                        };
                        views.push(v);
                    }
                }
            }
        }
    }
    views
}

/// P(D) of `decide` by enumerating its (at most one) Bernoulli trial.
fn decide_p_escalate(s: &Strategy, v: &View) -> f64 {
    let mut asked = None;
    let with = |coin: bool, asked: &mut Option<f64>| {
        s.decide(v, &mut |p| {
            assert!(asked.replace(p).is_none_or(|q| q == p), "a strategy draws at most one trial");
            coin
        })
    };
    let on_true = with(true, &mut asked);
    let on_false = with(false, &mut asked);
    match asked {
        None => f64::from(u8::from(on_true.is_d())),
        Some(p) => p * f64::from(u8::from(on_true.is_d())) + (1.0 - p) * f64::from(u8::from(on_false.is_d())),
    }
}

fn fit_family() -> Vec<Strategy> {
    let mut all = every_strategy();
    all.extend([
        crate::strategy::Kind::GenerousTitForTat.with(&[0.0]),
        crate::strategy::Kind::GenerousTitForTat.with(&[1.0]),
        crate::strategy::Kind::Random.with(&[0.0]),
        crate::strategy::Kind::Random.with(&[1.0]),
    ]);
    all
}

#[test]
fn p_escalate_is_the_exact_law_of_decide() {
    for s in fit_family() {
        for v in small_views() {
            let exact = decide_p_escalate(&s, &v);
            assert!((s.p_escalate(&v) - exact).abs() < 1e-12, "{s:?} at {v:?}: {} vs {exact}", s.p_escalate(&v));
        }
    }
}

#[test]
fn p_escalate_matches_decide_frequencies() {
    use rand::{Rng, SeedableRng};
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(11);
    let n = 20_000;
    for s in fit_family().into_iter().filter(|s| s.traits().stochastic) {
        for v in small_views().into_iter().step_by(5) {
            let p = s.p_escalate(&v);
            let hits = (0..n)
                .filter(|_| s.decide(&v, &mut |q| ((rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64) < q).is_d())
                .count();
            let se = (p * (1.0 - p) / n as f64).sqrt().max(1e-9);
            let freq = hits as f64 / n as f64;
            assert!((freq - p).abs() <= 5.0 * se + 1e-12, "{s:?} at {v:?}: frequency {freq}, p_escalate {p}");
        }
    }
}

#[test]
fn p_escalate_reads_the_escalation_count_only_as_ever_or_never() {
    // The fit's latent state keeps "ever perceived an escalation", not the count.
    for s in fit_family() {
        for v in small_views().into_iter().filter(|v| v.their_defections > 0) {
            let once = View { their_defections: 1, ..v };
            assert_eq!(s.p_escalate(&v), s.p_escalate(&once), "{s:?} at {v:?}");
        }
    }
}

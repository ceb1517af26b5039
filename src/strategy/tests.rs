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

/// A view after one finished round: own action played, the other's perceived,
/// and the payoff feedback.
fn after(v: &View, mine: Action, theirs: Action, loss: f64, payoff: f64, met: bool, rise: u32) -> View {
    let mut v = *v;
    v.observe(mine, theirs);
    v.feedback(&Feedback { loss, loss_from_start: loss, payoff, demand_met: met, their_rise: rise });
    v
}

#[test]
fn contrite_tit_for_tat_answers_unprovoked_escalations_like_tit_for_tat() {
    let ctft = Kind::ContriteTitForTat.with(&[]);
    check_versus(ctft.clone(), "CDCCC", "CCDCC");
    check_versus(ctft, "CDDCDC", "CCDDCD");
}

#[test]
fn contrite_tit_for_tat_accepts_punishment_for_its_own_error() {
    use Action::{C, D};
    let mut s = Kind::ContriteTitForTat.with(&[]);
    let mut chance = |_: f64| -> bool { unreachable!() };
    let v = View::first();
    assert_eq!(s.decide(&v, &mut chance), C);
    // Its own C is flipped to D by noise; the other side conceded.
    let v = after(&v, D, C, 0.0, 0.5, false, 0);
    s.observe(&v);
    assert_eq!(s.decide(&v, &mut chance), C, "in bad standing: it does not escalate");
    // The other side punishes it; it does not answer the justified punishment.
    let v = after(&v, C, D, 0.0, 0.5, false, 1);
    s.observe(&v);
    assert_eq!(s.decide(&v, &mut chance), C, "a justified punishment is not answered");
    // Plain tit-for-tat would have answered: the echo starts there.
    let tft = Kind::TitForTat.with(&[]);
    assert_eq!(tft.decide(&v, &mut chance), D);
    // An unprovoked escalation is answered.
    let v = after(&v, C, D, 0.0, 0.5, false, 1);
    s.observe(&v);
    assert_eq!(s.decide(&v, &mut chance), D);
}

#[test]
fn proportional_retaliation_matches_the_size_of_the_escalation() {
    let p = |ratio: f64, cap: f64| Kind::Proportional.with(&[ratio, cap]);
    let v = after(&View::first(), Action::C, Action::D, 0.0, 0.5, false, 3);
    assert_eq!(p(1.0, 2.0).size(&v), 2, "capped");
    assert_eq!(p(1.0, 5.0).size(&v), 3, "rung for rung");
    assert_eq!(p(0.5, 5.0).size(&v), 2, "half, rounded");
    let misread = after(&View::first(), Action::C, Action::D, 0.0, 0.5, false, 0);
    assert_eq!(p(1.0, 5.0).size(&misread), 1, "a perceived escalation of no rung is answered by one");
    check_versus(p(1.0, 2.0), "CDDCC", "CCDDC");
}

#[test]
fn resolve_holds_out_until_its_loss_reaches_its_resolve_then_concedes_for_good() {
    use Action::{C, D};
    let mut s = Kind::Resolve.with(&[10.0, 0.0]);
    let mut chance = |_: f64| -> bool { unreachable!() };
    let mut v = View::first();
    let mut moves = String::new();
    // A loss of 4 a round: the loss before round t is 4(t − 1), so it
    // concedes from round 4 (loss 12 ≥ 10) on, even after the pain stops.
    for loss in [4.0, 4.0, 4.0, 0.0, -50.0] {
        let a = s.decide(&v, &mut chance);
        moves.push(if a.is_d() { 'D' } else { 'C' });
        v = after(&v, a, D, loss, 0.0, false, 0);
        s.observe(&v);
    }
    assert_eq!(moves, "DDDCC");
    assert_eq!(s.decide(&v, &mut chance), C, "a gain later does not revive it");
}

#[test]
fn coercer_presses_until_its_demand_is_met() {
    use Action::{C, D};
    let s = Kind::Coercer.with(&[]);
    assert_eq!(s.traits().lever_choice, LeverChoice::Leverage);
    let mut chance = |_: f64| -> bool { unreachable!() };
    let unmet = after(&View::first(), D, C, 1.0, 0.2, false, 0);
    let met = after(&unmet, D, C, 1.0, 0.2, true, 0);
    assert_eq!(s.decide(&unmet, &mut chance), D);
    assert_eq!(s.decide(&met, &mut chance), C);
}

#[test]
fn learner_reinforces_what_paid() {
    use Action::{C, D};
    // No forgetting, no experimentation, even start with total strength 2.
    let mut s = Kind::Learner.with(&[0.0, 0.0, 0.5, 2.0]);
    let v = View::first();
    assert!((s.p_escalate(&v) - 0.5).abs() < 1e-12);
    let v = after(&v, D, C, 0.0, 1.0, false, 0);
    s.observe(&v);
    assert!((s.p_escalate(&v) - 2.0 / 3.0).abs() < 1e-12, "q = (1, 2)");
    let v = after(&v, C, C, 0.0, 0.0, false, 0);
    s.observe(&v);
    assert!((s.p_escalate(&v) - 2.0 / 3.0).abs() < 1e-12, "a payoff of 0 reinforces nothing");
    // With experimentation ε, the action not played gets ε·R.
    let mut e = Kind::Learner.with(&[0.5, 0.2, 0.5, 2.0]);
    let v = after(&View::first(), C, C, 0.0, 1.0, false, 0);
    e.observe(&v);
    // q_C = 0.5·1 + 0.8, q_D = 0.5·1 + 0.2.
    assert!((e.p_escalate(&v) - 0.7 / 2.0).abs() < 1e-12);
}

#[test]
fn resolute_tit_for_tat_reciprocates_until_the_standoff_costs_too_much() {
    use Action::{C, D};
    // No generosity; concedes once the loss beyond the status quo reaches 5.
    let mut s = Kind::ResoluteTitForTat.with(&[0.0, 5.0, 1.0]);
    let mut chance = |p: f64| p >= 1.0; // certain trials only: generosity 0
    let mut v = View::first();
    let mut moves = String::new();
    // The other side escalates every round; each round costs 2 beyond the
    // status quo (and 10 from the baseline, which `reference = 1` ignores).
    for _ in 0..6 {
        let a = s.decide(&v, &mut chance);
        moves.push(if a.is_d() { 'D' } else { 'C' });
        v.observe(a, D);
        v.feedback(&Feedback { loss: 10.0, loss_from_start: 2.0, payoff: 0.3, demand_met: false, their_rise: 1 });
        s.observe(&v);
    }
    // Round 1 conceded (nothing to answer), rounds 2–3 answered, then the loss
    // of 6 ≥ 5 ends it.
    assert_eq!(moves, "CDDCCC");
    assert_eq!(s.decide(&v, &mut chance), C);
    // Counted from the baseline instead, it gives in after the first round.
    let b = Kind::ResoluteTitForTat.with(&[0.0, 5.0, 0.0]);
    let mut v = View::first();
    v.observe(C, D);
    v.feedback(&Feedback { loss: 10.0, loss_from_start: 2.0, payoff: 0.3, demand_met: false, their_rise: 1 });
    assert_eq!(b.decide(&v, &mut chance), C);
}

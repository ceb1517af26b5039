//! The classic reduction: with one two-rung lever per side and payoffs R, S,
//! T, P, memory-one strategies must produce exactly the distribution of the
//! 4-state Markov chain of the noisy iterated prisoner's dilemma. The chain is
//! computed here, independently of the engine, and compared round by round.

use crate::common::{batch, classic};

/// P(C | own, other last actions) in CC, CD, DC, DD order, and P(C) in round 1.
#[derive(Clone, Copy)]
struct M1 {
    p: [f64; 4],
    first: f64,
    toml: &'static str,
}

const TFT: M1 = M1 { p: [1.0, 0.0, 1.0, 0.0], first: 1.0, toml: r#"{ kind = "tit_for_tat" }"# };
const WSLS: M1 = M1 { p: [1.0, 0.0, 0.0, 1.0], first: 1.0, toml: r#"{ kind = "win_stay_lose_shift" }"# };
const ALLC: M1 = M1 { p: [1.0; 4], first: 1.0, toml: r#"{ kind = "always_concede" }"# };
const ALLD: M1 = M1 { p: [0.0; 4], first: 0.0, toml: r#"{ kind = "always_escalate" }"# };
/// GTFT with the default generosity, which the scenario computes from the
/// stage game: 1/3 for R=3 S=0 T=5 P=1.
const GTFT: M1 = M1 { p: [1.0, 1.0 / 3.0, 1.0, 1.0 / 3.0], first: 1.0, toml: r#"{ kind = "generous_tit_for_tat" }"# };

/// Probability of playing C once noise ε may flip the intended action.
fn noisy(p: f64, eps: f64) -> f64 {
    p * (1.0 - eps) + (1.0 - p) * eps
}

/// State index: (row action, column action), D = 1, in CC, CD, DC, DD order.
fn transition(row: M1, col: M1, eps: f64) -> [[f64; 4]; 4] {
    let mut m = [[0.0; 4]; 4];
    for (s, row_m) in m.iter_mut().enumerate() {
        let (a, b) = (s >> 1, s & 1);
        let pr = noisy(row.p[s], eps);
        let pc = noisy(col.p[b << 1 | a], eps); // the column player sees (own, other) swapped
        for (s2, cell) in row_m.iter_mut().enumerate() {
            let (a2, b2) = (s2 >> 1, s2 & 1);
            *cell = (if a2 == 0 { pr } else { 1.0 - pr }) * (if b2 == 0 { pc } else { 1.0 - pc });
        }
    }
    m
}

fn initial(row: M1, col: M1, eps: f64) -> [f64; 4] {
    let (pr, pc) = (noisy(row.first, eps), noisy(col.first, eps));
    [pr * pc, pr * (1.0 - pc), (1.0 - pr) * pc, (1.0 - pr) * (1.0 - pc)]
}

fn step(pi: [f64; 4], m: &[[f64; 4]; 4]) -> [f64; 4] {
    let mut out = [0.0; 4];
    for s in 0..4 {
        for s2 in 0..4 {
            out[s2] += pi[s] * m[s][s2];
        }
    }
    out
}

/// π_t for t = 1..=rounds.
fn finite_horizon(row: M1, col: M1, eps: f64, rounds: u32) -> Vec<[f64; 4]> {
    let m = transition(row, col, eps);
    let mut pi = initial(row, col, eps);
    let mut out = vec![pi];
    for _ in 1..rounds {
        pi = step(pi, &m);
        out.push(pi);
    }
    out
}

/// Stationary distribution by power iteration (the noisy chains are ergodic).
fn stationary(row: M1, col: M1, eps: f64) -> [f64; 4] {
    let m = transition(row, col, eps);
    let mut pi = [0.25; 4];
    for _ in 0..100_000 {
        pi = step(pi, &m);
    }
    pi
}

/// Compare the engine's per-round joint action frequencies with π_t: each
/// round's counts are Multinomial(runs, π_t), so each cell must be within
/// 5 standard errors.
fn check_rounds(row: M1, col: M1, eps: f64, rounds: u32, runs: u64, expect: impl Fn(u32) -> [f64; 4], from: u32) {
    let sc = classic(row.toml, col.toml, eps, rounds, runs);
    let b = batch(&sc);
    for t in from..=rounds {
        let counts = b.joint_actions(t);
        let pi = expect(t);
        for s in 0..4 {
            let f = counts[s] as f64 / runs as f64;
            let se = (pi[s] * (1.0 - pi[s]) / runs as f64).sqrt().max(1e-12);
            let z = (f - pi[s]).abs() / se;
            assert!(
                z < 5.0 || (pi[s] == 0.0 && counts[s] == 0),
                "{} vs {} round {t} state {s}: engine {f:.4}, chain {:.4} (z = {z:.1})",
                row.toml,
                col.toml,
                pi[s]
            );
        }
    }
}

#[test]
fn finite_horizon_200_rounds_matches_markov_chain() {
    let eps = 0.05;
    let pairs = [(TFT, TFT), (GTFT, GTFT), (WSLS, WSLS), (ALLC, ALLD), (TFT, ALLD), (WSLS, TFT), (GTFT, ALLC)];
    for (row, col) in pairs {
        let pis = finite_horizon(row, col, eps, 200);
        check_rounds(row, col, eps, 200, 3000, |t| pis[t as usize - 1], 1);
    }
}

#[test]
fn late_rounds_match_stationary_distribution() {
    let eps = 0.05;
    for (row, col) in [(TFT, TFT), (WSLS, WSLS), (GTFT, TFT)] {
        let pi = stationary(row, col, eps);
        // By round 600 the chains have mixed (|λ2|^600 is negligible).
        check_rounds(row, col, eps, 800, 2000, |_| pi, 600);
    }
    // Known closed forms: noisy TFT vs TFT is uniform on the four states.
    let pi = stationary(TFT, TFT, 0.05);
    assert!(pi.iter().all(|p| (p - 0.25).abs() < 1e-9), "{pi:?}");
}

#[test]
fn mean_payoff_matches_markov_expectation() {
    // R, S, T, P for the row player in CC, CD, DC, DD.
    let payoff = [3.0, 0.0, 5.0, 1.0];
    for (row, col) in [(TFT, TFT), (WSLS, WSLS), (GTFT, ALLD)] {
        let eps = 0.05;
        let rounds = 200;
        let pis = finite_horizon(row, col, eps, rounds);
        let expect: f64 = pis.iter().map(|pi| (0..4).map(|s| pi[s] * payoff[s]).sum::<f64>()).sum();
        let sc = classic(row.toml, col.toml, eps, rounds, 3000);
        let b = batch(&sc);
        let w = &b.totals.welfare.get(tradewar::totals::Slot::All)[0];
        let (mean, se) = (w.mean().unwrap(), w.std_error().unwrap());
        assert!((mean - expect).abs() < 5.0 * se, "{}: engine {mean:.3} ± {se:.3}, chain {expect:.3}", row.toml);
    }
}

#[test]
fn noiseless_classic_payoffs() {
    // TFT against ALLD over 200 rounds: TFT is exploited once, then both defect.
    let sc = classic(TFT.toml, ALLD.toml, 0.0, 200, 5);
    let b = batch(&sc);
    let all = tradewar::totals::Slot::All;
    assert_eq!(b.totals.welfare.get(all)[0].mean(), Some(199.0));
    assert_eq!(b.totals.welfare.get(all)[1].mean(), Some(204.0));
    // TFT against TFT: mutual cooperation throughout, 3 per round.
    let b = batch(&classic(TFT.toml, TFT.toml, 0.0, 200, 5));
    assert_eq!(b.totals.welfare.get(all)[0].mean(), Some(600.0));
}

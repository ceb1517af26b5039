/*!
Variance-based sensitivity (`simulate sensitivity`): which uncertain inputs
drive P(vicious cycle), P(détente) and each side's welfare.

The inputs are the scenario's parameters written as distributions
(`Scenario::uncertain_params`), each a uniform u_i mapped through its
distribution, plus one more: the play's own randomness (noise draws,
strategies' coin flips...), the run streams. An evaluation f(u, z) is the mean
of `inner` runs with parameters u and run streams z.

Saltelli's design (Saltelli et al. 2010, "Variance based sensitivity analysis
of model output", Comput. Phys. Commun. 181): two independent N × k matrices
of uniforms A and B (rows j), and A_B^(i), A with column i taken from B. Row j
of A plays runs j·R … j·R + R − 1 (its z), row j of B the runs of row N + j;
A_B^(i) keeps A's z, and the last input, the play, takes B's z with A's u.
With V the variance of f over A and B together:

  first order  S_i  = (1/N) Σ_j f(B)_j (f(A_B^i)_j − f(A)_j) / V     (Saltelli 2010)
  total        ST_i = (1/2N) Σ_j (f(A)_j − f(A_B^i)_j)² / V         (Jansen 1999)

95% intervals: percentile bootstrap over the rows (a fixed stream, so the
bytes do not depend on threads). The rows are played in parallel, each row
on one worker with common random numbers across its k + 3 evaluations.
*/

use std::fmt::Write as _;

use rand::{RngExt, SeedableRng};
use rayon::prelude::*;

use crate::engine::Game;
use crate::error::Error;
use crate::fmt;
use crate::montecarlo::Hooks;
use crate::outcome::{Outcome, classify};
use crate::report::csv::csv_bytes;
use crate::rng::{SimRng, Streams};
use crate::scenario::Scenario;

/// Figures analysed: P(vicious cycle), P(détente), welfare of side 0 and 1.
pub const FIGURES: usize = 4;

/// Inputs shown in the table and the chart (all are in the CSV).
pub const TOP: usize = 12;

/// Bootstrap resamples for the intervals.
const BOOTSTRAP: usize = 400;

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Index {
    pub value: f64,
    pub ci_low: f64,
    pub ci_high: f64,
}

/// The result: per figure, per input, the first-order and total indices.
pub struct Sensitivity {
    pub scenario: String,
    pub scenario_id: String,
    pub seed: u64,
    pub samples: u64,
    pub inner: u64,
    /// Input paths (the last is the play's randomness) and their labels.
    pub inputs: Vec<String>,
    pub labels: Vec<String>,
    /// Figure keys and titles.
    pub figures: [String; FIGURES],
    pub titles: [String; FIGURES],
    /// `first[f][i]`, `total[f][i]`.
    pub first: Vec<Vec<Index>>,
    pub total: Vec<Vec<Index>>,
    /// Mean and variance of each figure's evaluations.
    pub mean: [f64; FIGURES],
    pub variance: [f64; FIGURES],
}

/// Saltelli (2010) first-order and Jansen (1999) total indices of one input
/// from the evaluations of A, B and A_B^(i) over the rows `rows`.
pub fn indices(fa: &[f64], fb: &[f64], fab: &[f64], rows: &[usize]) -> (f64, f64) {
    let n = rows.len() as f64;
    let (mut sum, mut sq) = (0.0, 0.0);
    for &j in rows {
        sum += fa[j] + fb[j];
        sq += fa[j] * fa[j] + fb[j] * fb[j];
    }
    let mean = sum / (2.0 * n);
    let var = (sq / (2.0 * n) - mean * mean) * (2.0 * n) / (2.0 * n - 1.0);
    if var <= 0.0 {
        return (0.0, 0.0);
    }
    let (mut s, mut t) = (0.0, 0.0);
    for &j in rows {
        s += fb[j] * (fab[j] - fa[j]);
        t += (fa[j] - fab[j]).powi(2);
    }
    (s / n / var, t / (2.0 * n) / var)
}

/// Point estimates and percentile-bootstrap 95% intervals of one input's
/// indices.
fn with_intervals(fa: &[f64], fb: &[f64], fab: &[f64], seed: u64) -> (Index, Index) {
    let n = fa.len();
    let all: Vec<usize> = (0..n).collect();
    let (s, t) = indices(fa, fb, fab, &all);
    let mut rng = SimRng::seed_from_u64(seed);
    let (mut ss, mut ts) = (Vec::with_capacity(BOOTSTRAP), Vec::with_capacity(BOOTSTRAP));
    let mut rows = vec![0; n];
    for _ in 0..BOOTSTRAP {
        rows.iter_mut().for_each(|r| *r = rng.random_range(0..n));
        let (a, b) = indices(fa, fb, fab, &rows);
        ss.push(a);
        ts.push(b);
    }
    let ci = |v: &mut Vec<f64>, x: f64| {
        v.sort_by(f64::total_cmp);
        let at = |q: f64| v[((q * (v.len() - 1) as f64).round() as usize).min(v.len() - 1)];
        Index { value: x, ci_low: at(0.025), ci_high: at(0.975) }
    };
    (ci(&mut ss, s), ci(&mut ts, t))
}

/// Run the design: `samples` rows of `inner` runs per evaluation.
pub fn sensitivity(sc: &Scenario, samples: u64, inner: u64, seed: u64, hooks: &Hooks) -> Result<Sensitivity, Error> {
    let params = sc.uncertain_params();
    let k = params.len();
    let n = samples as usize;
    // The uniforms of A and B, row by row, from their own stream.
    let mut rng = SimRng::seed_from_u64(seed ^ 0x5A17_E111_0000_0001);
    let mut a = vec![0.0; n * k];
    let mut b = vec![0.0; n * k];
    for j in 0..n {
        for i in 0..k {
            a[j * k + i] = rng.random::<f64>();
        }
        for i in 0..k {
            b[j * k + i] = rng.random::<f64>();
        }
    }
    let streams = Streams::new(seed);
    let cancelled = || hooks.cancel.is_some_and(|c| c.load(std::sync::atomic::Ordering::Relaxed));
    // Evaluations per row: A, B, A_B^(i) for each parameter, then A with B's play.
    let evals = k + 3;
    let rows: Vec<Option<Vec<[f64; FIGURES]>>> = (0..n)
        .into_par_iter()
        .map_init(
            || Game::new(sc, &streams),
            |game, j| {
                if cancelled() {
                    return None;
                }
                let ra = &a[j * k..(j + 1) * k];
                let rb = &b[j * k..(j + 1) * k];
                let mut out = Vec::with_capacity(evals);
                for e in 0..evals {
                    let (u, z) = match e {
                        0 => (ra.to_vec(), j as u64),
                        1 => (rb.to_vec(), (n + j) as u64),
                        e if e < k + 2 => {
                            let mut u = ra.to_vec();
                            u[e - 2] = rb[e - 2];
                            (u, j as u64)
                        }
                        _ => (ra.to_vec(), (n + j) as u64),
                    };
                    game.set_param_uniforms(Some(u));
                    let mut f = [0.0; FIGURES];
                    for r in 0..inner {
                        let trace = game.play(z * inner + r);
                        let s = classify(trace, &sc.outcomes);
                        f[0] += (s.outcome == Outcome::ViciousCycle) as u8 as f64;
                        f[1] += (s.outcome == Outcome::Detente) as u8 as f64;
                        f[2] += s.welfare[0];
                        f[3] += s.welfare[1];
                    }
                    f.iter_mut().for_each(|x| *x /= inner as f64);
                    out.push(f);
                }
                if let Some(p) = hooks.progress {
                    p(evals as u64 * inner);
                }
                Some(out)
            },
        )
        .collect();
    if cancelled() || rows.iter().any(Option::is_none) {
        return Err(Error::Interrupted { done: 0, total: samples * evals as u64 * inner });
    }
    let rows: Vec<Vec<[f64; FIGURES]>> = rows.into_iter().flatten().collect();
    let column = |e: usize, f: usize| -> Vec<f64> { rows.iter().map(|r| r[e][f]).collect() };
    let mut first = vec![Vec::new(); FIGURES];
    let mut total = vec![Vec::new(); FIGURES];
    let mut mean = [0.0; FIGURES];
    let mut variance = [0.0; FIGURES];
    for f in 0..FIGURES {
        let (fa, fb) = (column(0, f), column(1, f));
        let both: Vec<f64> = fa.iter().chain(&fb).copied().collect();
        mean[f] = both.iter().sum::<f64>() / both.len() as f64;
        variance[f] = both.iter().map(|x| (x - mean[f]).powi(2)).sum::<f64>() / (both.len() as f64 - 1.0).max(1.0);
        for i in 0..=k {
            let fab = column(i + 2, f);
            let (s, t) = with_intervals(&fa, &fb, &fab, seed ^ ((f * 1000 + i) as u64));
            first[f].push(s);
            total[f].push(t);
        }
    }
    let mut inputs: Vec<String> = params.iter().map(|(p, _)| p.clone()).collect();
    let mut labels: Vec<String> =
        params.iter().map(|(p, param)| format!("{} ~ {}", label(sc, p), param.describe())).collect();
    inputs.push("play".to_string());
    labels.push(format!("the play's own randomness (each evaluation: {inner} runs)"));
    let side = |i: usize| sc.sides[i].name.clone();
    let side_label = |i: usize| sc.sides[i].label.clone();
    Ok(Sensitivity {
        scenario: sc.name.clone(),
        scenario_id: sc.id.clone(),
        seed,
        samples,
        inner,
        inputs,
        labels,
        figures: [
            "vicious_cycle".into(),
            "detente".into(),
            format!("welfare_{}", side(0)),
            format!("welfare_{}", side(1)),
        ],
        titles: [
            "P(vicious cycle)".into(),
            "P(détente)".into(),
            format!("{} welfare", side_label(0)),
            format!("{} welfare", side_label(1)),
        ],
        first,
        total,
        mean,
        variance,
    })
}

/// An input's path in words.
fn label(sc: &Scenario, path: &str) -> String {
    let segs: Vec<&str> = path.split('.').collect();
    if let ["events", k, what] = segs.as_slice()
        && let Some(e) = k.parse::<usize>().ok().and_then(|k| sc.events.get(k))
    {
        let what = if *what == "renew_prob" { "renewal odds" } else { "violation odds" };
        return format!("{} {what}", e.label);
    }
    crate::report::sweep::describe_path(sc, path)
}

impl Sensitivity {
    /// `sensitivity.csv`: one row per figure and input.
    pub fn csv(&self) -> Vec<u8> {
        let header = [
            "scenario",
            "figure",
            "input",
            "label",
            "first_order",
            "first_order_ci_low",
            "first_order_ci_high",
            "total",
            "total_ci_low",
            "total_ci_high",
        ]
        .map(String::from)
        .to_vec();
        let rows = (0..FIGURES).flat_map(|f| {
            (0..self.inputs.len()).map(move |i| {
                let (s, t) = (self.first[f][i], self.total[f][i]);
                vec![
                    self.scenario_id.clone(),
                    self.figures[f].clone(),
                    self.inputs[i].clone(),
                    self.labels[i].clone(),
                    fmt::num(s.value, 4),
                    fmt::num(s.ci_low, 4),
                    fmt::num(s.ci_high, 4),
                    fmt::num(t.value, 4),
                    fmt::num(t.ci_low, 4),
                    fmt::num(t.ci_high, 4),
                ]
            })
        });
        csv_bytes(header, rows)
    }

    /// Input `i`'s label without its distribution and parenthetical notes.
    pub fn short_label(&self, i: usize) -> String {
        let name = self.labels[i].split(" ~ ").next().unwrap_or("");
        let (mut out, mut depth) = (String::new(), 0);
        for c in name.chars() {
            match c {
                '(' => depth += 1,
                ')' => depth -= 1,
                _ if depth == 0 => out.push(c),
                _ => {}
            }
        }
        out.split_whitespace().collect::<Vec<_>>().join(" ")
    }

    /// The inputs ranked by total index on `figure`.
    pub fn ranked(&self, figure: usize) -> Vec<usize> {
        let mut order: Vec<usize> = (0..self.inputs.len()).collect();
        order.sort_by(|&x, &y| self.total[figure][y].value.total_cmp(&self.total[figure][x].value));
        order
    }

    pub fn text(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "Sensitivity: {}", self.scenario);
        let _ = writeln!(
            out,
            "Sobol indices over {} uncertain inputs and the play: {} samples × {} evaluations × {} runs, seed {}",
            self.inputs.len() - 1,
            crate::report::thousands(self.samples),
            self.inputs.len() + 2,
            self.inner,
            self.seed
        );
        let _ = writeln!(
            out,
            "first order S: share of the variance the input explains alone; total ST: with its interactions; \
             95% bootstrap intervals\n"
        );
        for f in 0..2 {
            let mut t = crate::report::table::TextTable::new(vec![
                format!("{} (mean {})", self.titles[f], fmt::percent(self.mean[f])),
                "S".into(),
                "95% CI".into(),
                "ST".into(),
                "95% CI".into(),
            ]);
            let ranked = self.ranked(f);
            for &i in ranked.iter().take(TOP) {
                let (s, tt) = (self.first[f][i], self.total[f][i]);
                t.row(vec![
                    crate::report::table::shorten(&self.short_label(i), 50),
                    fmt::num(s.value, 2),
                    format!("{} to {}", fmt::num(s.ci_low, 2), fmt::num(s.ci_high, 2)),
                    fmt::num(tt.value, 2),
                    format!("{} to {}", fmt::num(tt.ci_low, 2), fmt::num(tt.ci_high, 2)),
                ]);
            }
            out.push_str(&t.render());
            if ranked.len() > TOP {
                let rest = self.total[f][ranked[TOP]].value;
                let _ = writeln!(
                    out,
                    "({} more inputs, each with ST ≤ {}: sensitivity.csv)",
                    ranked.len() - TOP,
                    fmt::num(rest, 2)
                );
            }
            out.push('\n');
        }
        for f in 2..FIGURES {
            let top: Vec<String> = self
                .ranked(f)
                .into_iter()
                .take(3)
                .map(|i| format!("{} (ST {})", self.labels[i], fmt::num(self.total[f][i].value, 2)))
                .collect();
            let _ = writeln!(out, "{}: most sensitive to {}", self.titles[f], top.join("; "));
        }
        fmt::wrap(&out, crate::report::table::WIDTH)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Ishigami (a = 7, b = 0.1) on [−π, π]³: S = (0.3139, 0.4424, 0),
    /// ST = (0.5576, 0.4424, 0.2437) (Saltelli et al. 2008, Global
    /// Sensitivity Analysis: The Primer, §4.8).
    #[test]
    fn the_estimators_recover_the_ishigami_indices() {
        let f = |x: &[f64]| x[0].sin() + 7.0 * x[1].sin().powi(2) + 0.1 * x[2].powi(4) * x[0].sin();
        let n = 100_000;
        let mut rng = SimRng::seed_from_u64(1);
        let pi = std::f64::consts::PI;
        let mut draw = || -> Vec<f64> { (0..3).map(|_| -pi + 2.0 * pi * rng.random::<f64>()).collect() };
        let (am, bm): (Vec<Vec<f64>>, Vec<Vec<f64>>) = (0..n).map(|_| (draw(), draw())).unzip();
        let fa: Vec<f64> = am.iter().map(|x| f(x)).collect();
        let fb: Vec<f64> = bm.iter().map(|x| f(x)).collect();
        let rows: Vec<usize> = (0..n).collect();
        let expect = [(0.3139, 0.5576), (0.4424, 0.4424), (0.0, 0.2437)];
        for (i, (s_true, t_true)) in expect.iter().enumerate() {
            let fab: Vec<f64> = am
                .iter()
                .zip(&bm)
                .map(|(x, y)| {
                    let mut z = x.clone();
                    z[i] = y[i];
                    f(&z)
                })
                .collect();
            let (s, t) = indices(&fa, &fb, &fab, &rows);
            assert!((s - s_true).abs() < 0.02, "S{}: {s} vs {s_true}", i + 1);
            assert!((t - t_true).abs() < 0.02, "ST{}: {t} vs {t_true}", i + 1);
        }
    }

    #[test]
    fn bootstrap_intervals_hold_the_estimate() {
        let fa: Vec<f64> = (0..200).map(|j| (j % 7) as f64).collect();
        let fb: Vec<f64> = (0..200).map(|j| (j % 5) as f64).collect();
        let fab: Vec<f64> = (0..200).map(|j| (j % 3) as f64).collect();
        let (s, t) = with_intervals(&fa, &fb, &fab, 9);
        assert!(s.ci_low <= s.value && s.value <= s.ci_high);
        assert!(t.ci_low <= t.value && t.value <= t.ci_high);
    }
}

/*!
Threshold robustness (`simulate robustness`): the outcome shares over a grid
of each classification threshold (`window`, `low`, `high`, `exchanges`,
`rise`), one threshold at a time, the others at the scenario's values.

Every run is played once and classified under every rule set (the labels are
read off the same traces), so differences between grid values are exactly
what the threshold changes, not Monte Carlo noise between batches.
*/

use std::fmt::Write as _;

use crate::engine::GameTrace;
use crate::error::Error;
use crate::montecarlo::{Hooks, McConfig, Paired, Variant, run_paired};
use crate::outcome::{Outcome, RunSummary, classify};
use crate::report::csv::csv_bytes;
use crate::scenario::{OutcomeRules, Scenario};
use crate::{fmt, stats};

/// One rule set of the grid: which threshold moves, to what value.
#[derive(Clone, Debug, PartialEq)]
pub struct GridPoint {
    pub threshold: &'static str,
    pub value: f64,
    /// The scenario's own value.
    pub own: bool,
    pub rules: OutcomeRules,
}

/// The grid around the scenario's rules: five or six values of each
/// threshold that keep the rules valid (1 ≤ window ≤ rounds,
/// 0 ≤ low < high ≤ 1, 1 ≤ exchanges ≤ window, rise ≥ 0).
pub fn grid(sc: &Scenario) -> Vec<GridPoint> {
    let r = &sc.outcomes;
    let mut out = Vec::new();
    let mut push = |threshold: &'static str, values: Vec<f64>, set: &dyn Fn(&mut OutcomeRules, f64)| {
        let mut seen: Vec<f64> = Vec::new();
        for v in values {
            if seen.iter().any(|s| (s - v).abs() < 1e-12) {
                continue;
            }
            seen.push(v);
            let mut rules = *r;
            set(&mut rules, v);
            out.push(GridPoint { threshold, value: v, own: rules == *r, rules });
        }
    };
    let w = f64::from(r.window);
    let windows: Vec<f64> =
        [0.5, 0.75, 1.0, 1.5, 2.0].iter().map(|f| (w * f).round().clamp(1.0, f64::from(sc.rounds))).collect();
    push("window", windows, &|x, v| {
        x.window = v as u32;
        x.exchanges = x.exchanges.min(x.window);
    });
    let step = |c: f64, d: f64, lo: f64, hi: f64| -> Vec<f64> {
        [-2.0, -1.0, 0.0, 1.0, 2.0].iter().map(|k| c + k * d).filter(|v| (lo..=hi).contains(v)).collect()
    };
    push("low", step(r.low, 0.05, 0.0, r.high - 1e-9), &|x, v| x.low = v);
    push("high", step(r.high, 0.1, r.low + 1e-9, 1.0), &|x, v| x.high = v);
    let ks: Vec<f64> = (1..=r.window.min(12)).map(f64::from).collect();
    push("exchanges", ks, &|x, v| x.exchanges = v as u32);
    push("rise", step(r.rise, 0.05, 0.0, 1.0), &|x, v| x.rise = v);
    out
}

/// Runs per outcome at each grid point.
pub struct Robustness {
    pub points: Vec<GridPoint>,
    pub counts: Vec<[u64; Outcome::COUNT]>,
    pub runs: u64,
    pub seed: u64,
    pub scenario: String,
    pub scenario_id: String,
}

struct Acc<'a> {
    points: &'a [GridPoint],
    counts: Vec<[u64; Outcome::COUNT]>,
}

impl Paired for Acc<'_> {
    fn add(&mut self, _run: u64, plays: &[(&GameTrace, RunSummary)]) {
        let trace = plays[0].0;
        for (p, c) in self.points.iter().zip(&mut self.counts) {
            c[classify(trace, &p.rules).outcome as usize] += 1;
        }
    }
    fn merge(&mut self, other: Self) {
        for (a, b) in self.counts.iter_mut().zip(other.counts) {
            a.iter_mut().zip(b).for_each(|(a, b)| *a += b);
        }
    }
}

pub fn robustness(sc: &Scenario, cfg: &McConfig, hooks: &Hooks) -> Result<Robustness, Error> {
    let points = grid(sc);
    let acc = run_paired(&[Variant::of(sc)], cfg, hooks, || Acc {
        points: &points,
        counts: vec![[0; Outcome::COUNT]; points.len()],
    })?;
    Ok(Robustness {
        counts: acc.counts,
        points,
        runs: cfg.runs,
        seed: cfg.seed,
        scenario: sc.name.clone(),
        scenario_id: sc.id.clone(),
    })
}

impl Robustness {
    /// `robustness.csv`: one row per grid point and outcome.
    pub fn csv(&self) -> Vec<u8> {
        let header =
            ["scenario", "threshold", "value", "scenario_value", "outcome", "runs", "share", "ci_low", "ci_high"]
                .map(String::from)
                .to_vec();
        let rows = self.points.iter().zip(&self.counts).flat_map(|(p, c)| {
            Outcome::ALL.iter().map(move |&o| {
                let k = c[o as usize];
                let (lo, hi) = stats::wilson(k, self.runs, stats::Z95);
                vec![
                    self.scenario_id.clone(),
                    p.threshold.to_string(),
                    fmt::num(p.value, 4),
                    p.own.to_string(),
                    o.key().to_string(),
                    k.to_string(),
                    fmt::num(k as f64 / self.runs.max(1) as f64, 6),
                    fmt::num(lo, 6),
                    fmt::num(hi, 6),
                ]
            })
        });
        csv_bytes(header, rows)
    }

    /// The table on the terminal: per threshold, the shares at each value;
    /// the scenario's value is starred. Ends with the widest swing of each
    /// outcome over the grid.
    pub fn text(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "Threshold robustness: {}", self.scenario);
        let _ = writeln!(
            out,
            "{} runs, seed {}; every run classified under every rule set (* = the scenario's value)\n",
            crate::report::thousands(self.runs),
            self.seed
        );
        let mut header = vec!["threshold".to_string(), "value".into()];
        header.extend(Outcome::ALL.iter().map(|o| o.title().to_string()));
        let mut t = crate::report::table::TextTable::new(header);
        let mut last = "";
        for (p, c) in self.points.iter().zip(&self.counts) {
            if !last.is_empty() && last != p.threshold {
                t.rule();
            }
            let mut row = vec![
                if last == p.threshold { String::new() } else { p.threshold.to_string() },
                format!("{}{}", fmt::num(p.value, 3), if p.own { " *" } else { "" }),
            ];
            row.extend(c.iter().map(|&k| fmt::percent(k as f64 / self.runs.max(1) as f64)));
            t.row(row);
            last = p.threshold;
        }
        out.push_str(&t.render());
        out.push('\n');
        for o in Outcome::ALL {
            let shares: Vec<f64> = self.counts.iter().map(|c| c[o as usize] as f64 / self.runs.max(1) as f64).collect();
            let (lo, hi) = shares.iter().fold((1.0f64, 0.0f64), |(a, b), &s| (a.min(s), b.max(s)));
            let _ = writeln!(out, "{}: {} to {} over the grid", o.title(), fmt::percent(lo), fmt::percent(hi));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grid_keeps_rules_valid_and_holds_the_scenarios_own_rules_once_per_threshold() {
        let sc = crate::scenario::parse(
            std::path::Path::new("t.toml"),
            "rounds = 24\n[outcomes]\nwindow = 6\nlow = 0.05\nhigh = 0.95\n\
             [[sides]]\nname = \"a\"\nstrategy = { kind = \"tit_for_tat\" }\n[[sides.levers]]\nname = \"x\"\nladder = [0, 1]\npain = 1.0\n\
             [[sides]]\nname = \"b\"\nstrategy = { kind = \"tit_for_tat\" }\n[[sides.levers]]\nname = \"y\"\nladder = [0, 1]\npain = 1.0\n",
        )
        .unwrap();
        let g = grid(&sc);
        for p in &g {
            let r = &p.rules;
            assert!(r.window >= 1 && r.window <= 24 && r.exchanges >= 1 && r.exchanges <= r.window, "{p:?}");
            assert!(0.0 <= r.low && r.low < r.high && r.high <= 1.0 && r.rise >= 0.0, "{p:?}");
        }
        for t in ["window", "low", "high", "exchanges", "rise"] {
            assert_eq!(g.iter().filter(|p| p.threshold == t && p.own).count(), 1, "{t}");
            assert!(g.iter().filter(|p| p.threshold == t).count() >= 2, "{t}");
        }
    }
}

/*!
Truces in a run's outputs: `truces.csv` (each truce's Kaplan–Meier survival
curve by rounds in force, and the share of runs in which it is in force by
round) and the lines of the terminal summary (docs/model.md §6).
*/

use super::csv::{csv_bytes, num};
use crate::montecarlo::{Batch, Survival};
use crate::scenario::{EventKind, Scenario};
use crate::stats;

/// What the outputs show of one truce.
#[derive(Clone, Debug, PartialEq)]
pub struct TruceReport {
    pub label: String,
    /// Whether it begins from play (talks) rather than on a schedule.
    pub negotiated: bool,
    /// The term agreed at each start or renewal, in rounds.
    pub duration: u32,
    pub runs: u64,
    pub spells: u64,
    pub lapsed: u64,
    pub collapsed: u64,
    pub censored: u64,
    pub median: Option<u32>,
    pub survival: Vec<Survival>,
    /// Index t: share of runs with the truce in force in round t (t ≥ 1).
    pub in_force: Vec<f64>,
    /// Index t: share of runs in which it began, and in which it collapsed, in round t.
    pub began: Vec<f64>,
    pub collapsed_in: Vec<f64>,
}

impl TruceReport {
    /// P(collapse before expiry): the share of ended spells that a violation ended.
    pub fn p_collapse(&self) -> Option<f64> {
        let ended = self.lapsed + self.collapsed;
        (ended > 0).then(|| self.collapsed as f64 / ended as f64)
    }
}

/// One report per truce of the scenario, in file order.
pub fn truce_reports(sc: &Scenario, batch: &Batch) -> Vec<TruceReport> {
    let runs = batch.runs.max(1) as f64;
    sc.events
        .iter()
        .zip(&batch.truces)
        .filter_map(|(e, t)| {
            let EventKind::Suspension { duration, talks, .. } = &e.kind else { return None };
            let share = |v: &[u64]| v.iter().map(|&k| k as f64 / runs).collect::<Vec<f64>>();
            Some(TruceReport {
                label: e.label.clone(),
                negotiated: talks.is_some(),
                duration: *duration,
                runs: batch.runs,
                spells: t.spells(),
                lapsed: t.lapsed,
                collapsed: t.collapsed,
                censored: t.censored,
                median: t.median(),
                survival: t.survival(),
                in_force: share(&t.in_force),
                began: share(&t.began),
                collapsed_in: share(&t.collapsed_in),
            })
        })
        .collect()
}

pub const TRUCES_HEADER: [&str; 8] = ["event", "measure", "rounds", "value", "ci_low", "ci_high", "n", "runs"];

/// `truces.csv`: per truce, `survival` rows (rounds in force, at risk, S with
/// its 95% interval) and `in_force` rows (round, share of runs, Wilson 95%).
pub fn truces_csv(truces: &[TruceReport]) -> Vec<u8> {
    let mut rows = Vec::new();
    for t in truces {
        for p in &t.survival {
            rows.push(vec![
                t.label.clone(),
                "survival".into(),
                p.rounds.to_string(),
                num(p.survival, 6),
                num(p.ci_low, 6),
                num(p.ci_high, 6),
                p.at_risk.to_string(),
                t.runs.to_string(),
            ]);
        }
        for (round, &share) in t.in_force.iter().enumerate().skip(1) {
            let k = (share * t.runs as f64).round() as u64;
            let (lo, hi) = stats::wilson(k, t.runs, stats::Z95);
            rows.push(vec![
                t.label.clone(),
                "in_force".into(),
                round.to_string(),
                num(share, 6),
                num(lo, 6),
                num(hi, 6),
                k.to_string(),
                t.runs.to_string(),
            ]);
        }
    }
    csv_bytes(TRUCES_HEADER.map(String::from).to_vec(), rows.into_iter())
}

/// A line per truce for the terminal: how its spells ended, its median
/// duration and the chance a violation ends it before it expires.
pub fn truces_text(truces: &[TruceReport], unit: &str) -> String {
    let mut out = String::new();
    for t in truces {
        let median = t.median.map_or("beyond the horizon".to_string(), |m| format!("{m} {unit}s"));
        let collapse = t.p_collapse().map_or("–".to_string(), |p| format!("{:.1}%", 100.0 * p));
        out.push_str(&format!(
            "truce \"{}\": {} spells ({} lapsed, {} collapsed, {} in force at the end);\n  median duration \
             {median}; P(collapse before expiry) {collapse}\n",
            t.label,
            super::thousands(t.spells),
            super::thousands(t.lapsed),
            super::thousands(t.collapsed),
            super::thousands(t.censored),
        ));
    }
    out
}

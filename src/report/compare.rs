/*!
`compare.csv` (or `violation.csv`) and the terminal summary of a paired
comparison: every figure in scenario A, in scenario B, and the paired
difference B − A with its 95% interval (docs/model.md §8c).
*/

use super::Estimate;
use super::csv::{csv_bytes, num};
use super::table::{pad_left, pad_right};
use crate::compare::Comparison;
use crate::montecarlo::RunMeta;

/// One figure of a comparison.
#[derive(Clone, Debug, PartialEq)]
pub struct CompareRow {
    pub key: String,
    pub title: String,
    pub is_share: bool,
    pub a: Estimate,
    pub b: Estimate,
    pub diff: Estimate,
}

/// A figure's mean and 95% interval: clustered by parameter draw when runs
/// share draws (`runs_per_draw`), else over independent runs.
fn clustered(m: &crate::stats::Moments, c: &Comparison, slot: usize) -> Estimate {
    let mut e = Estimate::of(m);
    if let Some((lo, hi)) = e.mean.and_then(|mean| c.groups.ci95(slot, mean)) {
        (e.ci_low, e.ci_high) = (Some(lo), Some(hi));
    }
    e
}

pub fn compare_rows(c: &Comparison, meta: &RunMeta) -> Vec<CompareRow> {
    let n = c.figures.len();
    c.figures
        .iter()
        .enumerate()
        .map(|(k, f)| CompareRow {
            key: f.key(&meta.sides),
            title: f.title(&meta.side_labels),
            is_share: f.is_share(),
            a: clustered(&c.a[k], c, k),
            b: clustered(&c.b[k], c, n + k),
            diff: clustered(&c.diff[k], c, 2 * n + k),
        })
        .collect()
}

pub const COMPARE_HEADER: [&str; 12] = [
    "figure",
    "a_mean",
    "a_ci_low",
    "a_ci_high",
    "b_mean",
    "b_ci_low",
    "b_ci_high",
    "difference",
    "difference_ci_low",
    "difference_ci_high",
    "runs",
    "seed",
];

pub fn compare_csv(rows: &[CompareRow], meta: &RunMeta) -> Vec<u8> {
    let e = |x: Option<f64>| x.map_or(String::new(), |v| num(v, 6));
    csv_bytes(
        COMPARE_HEADER.map(String::from).to_vec(),
        rows.iter().map(|r| {
            vec![
                r.key.clone(),
                e(r.a.mean),
                e(r.a.ci_low),
                e(r.a.ci_high),
                e(r.b.mean),
                e(r.b.ci_low),
                e(r.b.ci_high),
                e(r.diff.mean),
                e(r.diff.ci_low),
                e(r.diff.ci_high),
                meta.runs.to_string(),
                meta.seed.to_string(),
            ]
        }),
    )
}

/// "12.3%" for a share, "−45.6" for a welfare.
pub(crate) fn value(x: Option<f64>, share: bool) -> String {
    match x {
        Some(v) if share => format!("{:.1}%", 100.0 * v),
        Some(v) => format!("{v:.1}").replace('-', "−"),
        None => "–".into(),
    }
}

/// "+23.4 ±0.9 pp" for a share, "−28.2 ±1.5" for a welfare.
pub(crate) fn difference(e: &Estimate, share: bool) -> String {
    let k = if share { 100.0 } else { 1.0 };
    let unit = if share { " pp" } else { "" };
    match (e.mean, e.ci_low, e.ci_high) {
        (Some(m), Some(lo), Some(hi)) => format!("{:+.1} ±{:.1}{unit}", k * m, k * (hi - lo) / 2.0).replace('-', "−"),
        (Some(m), _, _) => format!("{:+.1}{unit}", k * m).replace('-', "−"),
        _ => "–".into(),
    }
}

/// The table: each figure in A and B and the paired difference.
pub fn compare_text(rows: &[CompareRow], meta: &RunMeta, a: &str, b: &str) -> String {
    let mut out = format!(
        "{b} against {a}\n{} runs each, seed {}; the same random numbers in both (paired differences, 95%)\n\n",
        super::thousands(meta.runs),
        meta.seed
    );
    let header = ["figure".to_string(), "A".into(), "B".into(), "B − A".into()];
    let body: Vec<[String; 4]> = rows
        .iter()
        .map(|r| {
            [r.title.clone(), value(r.a.mean, r.is_share), value(r.b.mean, r.is_share), difference(&r.diff, r.is_share)]
        })
        .collect();
    let widths: Vec<usize> = (0..4)
        .map(|c| body.iter().map(|r| r[c].chars().count()).chain([header[c].chars().count()]).max().unwrap_or(0))
        .collect();
    let line = |cells: &[String]| {
        let mut s = pad_right(&cells[0], widths[0]);
        for (c, cell) in cells.iter().enumerate().skip(1) {
            s.push_str("  ");
            s.push_str(&pad_left(cell, widths[c]));
        }
        s.trim_end().to_string() + "\n"
    };
    out.push_str(&line(&header));
    for r in &body {
        out.push_str(&line(r));
    }
    out.push_str(&format!("A: {a}\nB: {b}\nwelfare and payoff in {} over the run\n", meta.welfare_unit));
    out
}

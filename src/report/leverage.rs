/*!
`leverage.csv` and the terminal summary of `simulate leverage`: per side,
per lever and per figure, the lever's Shapley value and its leave-one-out
effect, each with a 95% interval (docs/model.md §8b).
*/

use std::fmt::Write;

use super::Estimate;
use super::csv::{csv_bytes, num};
use super::table::{pad_left, pad_right};
use crate::leverage::{Figure, LeverValues};

/// One row of `leverage.csv`.
#[derive(Clone, Debug, PartialEq)]
pub struct LeverRow {
    pub side: String,
    /// A lever's name, or `all` for the side's levers together.
    pub lever: String,
    pub figure: String,
    pub is_share: bool,
    pub shapley: Estimate,
    /// x(L) − x(L ∖ {l}); for `all`, x(L) − x(∅).
    pub without: Estimate,
}

/// The rows of one side's values: each lever, then `all`.
pub fn lever_rows(v: &LeverValues) -> Vec<LeverRow> {
    let side = v.meta.sides[v.side].clone();
    let mut rows = Vec::new();
    for (l, lever) in v.levers.iter().enumerate() {
        for (f, fig) in v.figures.iter().enumerate() {
            rows.push(LeverRow {
                side: side.clone(),
                lever: lever.clone(),
                figure: fig.key(&v.meta.sides),
                is_share: fig.is_share(),
                shapley: Estimate::of(&v.shapley[l][f]),
                without: Estimate::of(&v.without[l][f]),
            });
        }
    }
    for (f, fig) in v.figures.iter().enumerate() {
        let total = Estimate::of(&v.total_effect[f]);
        rows.push(LeverRow {
            side: side.clone(),
            lever: "all".into(),
            figure: fig.key(&v.meta.sides),
            is_share: fig.is_share(),
            shapley: total,
            without: total,
        });
    }
    rows
}

pub const LEVERAGE_HEADER: [&str; 10] = [
    "side",
    "lever",
    "figure",
    "shapley",
    "shapley_ci_low",
    "shapley_ci_high",
    "without_lever",
    "without_ci_low",
    "without_ci_high",
    "runs",
];

/// `leverage.csv`: every side's rows.
pub fn leverage_csv(values: &[LeverValues]) -> Vec<u8> {
    let rows = values.iter().flat_map(|v| lever_rows(v).into_iter().map(move |r| (r, v.meta.runs)));
    csv_bytes(
        LEVERAGE_HEADER.map(String::from).to_vec(),
        rows.map(|(r, runs)| {
            let e = |x: Option<f64>| x.map_or(String::new(), |v| num(v, 6));
            vec![
                r.side,
                r.lever,
                r.figure,
                e(r.shapley.mean),
                e(r.shapley.ci_low),
                e(r.shapley.ci_high),
                e(r.without.mean),
                e(r.without.ci_low),
                e(r.without.ci_high),
                runs.to_string(),
            ]
        }),
    )
}

/// A figure's effect for the table: percentage points for shares, the
/// welfare unit's numbers for welfare, ± the half-width of the 95% interval.
fn effect(e: &Estimate, share: bool) -> String {
    let k = if share { 100.0 } else { 1.0 };
    match (e.mean, e.ci_low, e.ci_high) {
        (Some(m), Some(lo), Some(hi)) => format!("{:+.1} ±{:.1}", k * m, k * (hi - lo) / 2.0),
        (Some(m), _, _) => format!("{:+.1}", k * m),
        _ => "–".into(),
    }
}

/// The terminal summary: per side, a line per lever with its Shapley value on
/// the chance that the other side concedes first, on détente and on a vicious
/// cycle (percentage points), and on the side's own welfare.
pub fn leverage_text(values: &[LeverValues]) -> String {
    let mut out = String::new();
    let Some(first) = values.first() else { return out };
    let meta = &first.meta;
    let _ = writeln!(out, "What each lever is worth: {}", meta.scenario);
    let _ = writeln!(
        out,
        "{} runs per variant, seed {}; every variant plays the same random numbers",
        super::thousands(meta.runs),
        meta.seed
    );
    let _ = writeln!(
        out,
        "Shapley value of each lever ± 95% interval: percentage points for probabilities, {} for welfare\n",
        meta.welfare_unit
    );
    for v in values {
        let own = Figure::Welfare(v.side);
        let picks = [Figure::DemandMet, Figure::OtherConcedesFirst, Figure::ViciousCycle, own];
        let idx: Vec<usize> = picks.iter().map(|p| v.figures.iter().position(|f| f == p).unwrap_or(0)).collect();
        let header = [
            format!("{} lever", meta.side_labels[v.side]),
            "P(demand met)".into(),
            "P(other gives first)".into(),
            "P(vicious cycle)".into(),
            format!("own welfare ({})", meta.welfare_unit),
        ];
        let mut rows: Vec<Vec<String>> = Vec::new();
        for (l, lever) in v.levers.iter().enumerate() {
            let mut row = vec![lever.clone()];
            for (&f, p) in idx.iter().zip(picks) {
                row.push(effect(&Estimate::of(&v.shapley[l][f]), p.is_share()));
            }
            rows.push(row);
        }
        let mut total = vec!["all levers".to_string()];
        for (&f, p) in idx.iter().zip(picks) {
            total.push(effect(&Estimate::of(&v.total_effect[f]), p.is_share()));
        }
        rows.push(total);
        let widths: Vec<usize> = (0..header.len())
            .map(|c| rows.iter().map(|r| r[c].chars().count()).chain([header[c].chars().count()]).max().unwrap_or(0))
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
        for r in &rows {
            out.push_str(&line(r));
        }
        out.push('\n');
    }
    out.push_str(
        "Shapley value: a lever's average marginal effect over every order in which the side's levers\n\
         could be taken away, computed run by run; the values add up to the effect of all levers\n\
         together (last line). A lever taken away stays at its bottom rung for the whole run.\n\
         P(demand met): the side's demand is met after the last round; P(other gives first): the\n\
         other side makes the first concession to a demand.\n",
    );
    out
}

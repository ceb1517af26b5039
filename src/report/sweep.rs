/*!
What a sweep shows: one row per point and outcome ([`SweepRow`]), computed
once from the points' exact totals, then written as `sweep.csv`, printed as a
table and drawn by `sweep_chart`.

`sweep.csv` columns: one `param_<path>` per swept parameter (the canonical
path, dots kept: `param_sides.china.misperception`; values printed as the
shortest decimals that read back exactly), then `outcome, runs, share, ci_low, ci_high`, then per
side `welfare_<side>_mean, welfare_<side>_ci_low, welfare_<side>_ci_high`.
Rows run through the points in grid order (first parameter slowest), each
with the outcomes `detente, vicious_cycle, coercion, standoff`, then `all`
(every run of the point: share 1, welfare over all runs).
*/

use super::csv::{csv_bytes, num};
use super::{SummaryRow, thousands, totals_rows};
use crate::montecarlo::RunMeta;
use crate::outcome::Outcome;
use crate::sweep::values::fmt_value;
use crate::sweep::{PointResult, Sweep};
use crate::totals::Slot;

/// A swept parameter, as the outputs name it.
#[derive(Clone, Debug, PartialEq)]
pub struct SweepAxis {
    /// `sides.china.misperception`.
    pub path: String,
    /// `param_sides.china.misperception`.
    pub column: String,
    /// Axis title: the sweep file's label, else the path.
    pub title: String,
    pub values: Vec<f64>,
}

/// One point and outcome (or `all`): the point's values and the same row a
/// single run's `summary.csv` would have.
#[derive(Clone, Debug, PartialEq)]
pub struct SweepRow {
    pub point: usize,
    /// The point's value of each parameter.
    pub values: Vec<f64>,
    pub summary: SummaryRow,
}

/// Everything a sweep's outputs show.
#[derive(Clone, Debug)]
pub struct SweepReport {
    /// Runs per point.
    pub meta: RunMeta,
    pub axes: Vec<SweepAxis>,
    pub points: usize,
    pub rows: Vec<SweepRow>,
}

impl SweepReport {
    /// `results` holds every point of `sweep`, in point order.
    pub fn new(sweep: &Sweep, results: &[PointResult]) -> SweepReport {
        let sc = &sweep.base;
        let mut rows = Vec::with_capacity(results.len() * 5);
        for r in results {
            let values = sweep.point_values(r.point);
            for summary in totals_rows(&r.totals) {
                rows.push(SweepRow { point: r.point, values: values.clone(), summary });
            }
        }
        SweepReport {
            meta: RunMeta::new(sc, sweep.runs, sweep.seed),
            axes: sweep
                .params
                .iter()
                .map(|p| SweepAxis {
                    path: p.path.canonical.clone(),
                    column: p.path.column(),
                    title: p.title().to_string(),
                    values: p.values.clone(),
                })
                .collect(),
            points: results.len(),
            rows,
        }
    }

    /// The rows of one outcome, in point order.
    pub fn outcome_rows(&self, slot: impl Into<Slot>) -> impl Iterator<Item = &SweepRow> + '_ {
        let slot = slot.into();
        self.rows.iter().filter(move |r| r.summary.slot == slot)
    }

    /// True when `path` (canonical) is one of the swept parameters.
    pub fn varies(&self, path: &str) -> bool {
        self.axes.iter().any(|a| a.path == path)
    }
}

/// `sweep.csv` header.
pub fn sweep_header(report: &SweepReport) -> Vec<String> {
    let mut h: Vec<String> = report.axes.iter().map(|a| a.column.clone()).collect();
    h.extend(["outcome", "runs", "share", "ci_low", "ci_high"].map(String::from));
    for s in &report.meta.sides {
        h.extend([format!("welfare_{s}_mean"), format!("welfare_{s}_ci_low"), format!("welfare_{s}_ci_high")]);
    }
    h
}

/// `sweep.csv`: one row per point and outcome, then the point's `all` row.
pub fn sweep_csv(report: &SweepReport) -> Vec<u8> {
    let opt = |x: Option<f64>| x.map_or(String::new(), |v| num(v, 4));
    csv_bytes(
        sweep_header(report),
        report.rows.iter().map(|r| {
            let s = &r.summary;
            let mut v: Vec<String> = r.values.iter().map(|x| fmt_value(*x)).collect();
            v.extend([
                s.slot.key().to_string(),
                s.runs.to_string(),
                num(s.share, 6),
                num(s.ci_low, 6),
                num(s.ci_high, 6),
            ]);
            for w in &s.welfare {
                v.extend([opt(w.mean), opt(w.ci_low), opt(w.ci_high)]);
            }
            v
        }),
    )
}

/// Most points printed in the table; the CSV has them all.
const TABLE_POINTS: usize = 40;

/// The table printed on stdout: one line per point with each outcome's share.
pub fn sweep_table(report: &SweepReport) -> String {
    let mut out = format!(
        "{}\nsweep of {} point{} × {} runs, seed {}\n\n",
        report.meta.scenario,
        thousands(report.points as u64),
        if report.points == 1 { "" } else { "s" },
        thousands(report.meta.runs),
        report.meta.seed
    );
    let mut header: Vec<String> = report.axes.iter().map(|a| a.path.clone()).collect();
    header.extend(Outcome::ALL.iter().map(|o| o.title().to_string()));
    let mut lines: Vec<Vec<String>> = Vec::new();
    for point in report.rows.chunks(Outcome::ALL.len() + 1).take(TABLE_POINTS) {
        let mut cells: Vec<String> = point[0].values.iter().map(|v| fmt_value(*v)).collect();
        cells.extend(point.iter().take(Outcome::ALL.len()).map(|r| format!("{:.1}%", 100.0 * r.summary.share)));
        lines.push(cells);
    }
    let widths: Vec<usize> = (0..header.len())
        .map(|c| lines.iter().map(|l| l[c].chars().count()).chain([header[c].chars().count()]).max().unwrap_or(0))
        .collect();
    for line in std::iter::once(&header).chain(&lines) {
        let cells: Vec<String> =
            line.iter().zip(&widths).map(|(s, w)| format!("{}{s}", " ".repeat(w - s.chars().count()))).collect();
        out.push_str(cells.join("  ").trim_end());
        out.push('\n');
    }
    if report.points > TABLE_POINTS {
        out.push_str(&format!("… {} more points in sweep.csv\n", thousands((report.points - TABLE_POINTS) as u64)));
    }
    out
}

/*!
CSV serialisers. Columns are fixed and documented in the README: identity
columns first, then one column group per side (named after the side).
Numbers are written with at most six decimals and no trailing zeros, so the
bytes are stable and readable.

Every cell passes through `cell`: a text cell that a spreadsheet would run as
a formula (it starts with `=`, `+`, `-`, `@`, a tab or a carriage return) gets
a leading `'` (OWASP's advice for CSV injection); numbers, negative ones
included, are left as they are.
*/

use std::borrow::Cow;
use std::io::Write;

use super::{Report, SummaryRow};
use crate::outcome::RunSummary;

pub use crate::fmt::num;

fn opt(x: Option<f64>, decimals: usize) -> String {
    x.map_or(String::new(), |v| num(v, decimals))
}

/// A cell as written: a text that a spreadsheet would take for a formula
/// gets a leading `'`; a number (`-12.5`, `1e-7`) and any other text are
/// unchanged.
pub fn cell(s: &str) -> Cow<'_, str> {
    let formula = s.starts_with(['=', '+', '-', '@', '\t', '\r']);
    if formula && !is_number(s) { Cow::Owned(format!("'{s}")) } else { Cow::Borrowed(s) }
}

/// A plain decimal number, as `num` and `to_string` write them.
fn is_number(s: &str) -> bool {
    s.bytes().all(|b| b.is_ascii_digit() || b"+-.eE".contains(&b)) && s.parse::<f64>().is_ok()
}

fn write_cells<W: Write>(w: &mut csv::Writer<W>, cells: &[String]) -> csv::Result<()> {
    for c in cells {
        w.write_field(cell(c).as_bytes())?;
    }
    w.write_record(None::<&[u8]>)
}

pub(crate) fn csv_bytes(header: Vec<String>, rows: impl Iterator<Item = Vec<String>>) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    // Writing to a Vec cannot fail.
    write_cells(&mut w, &header).expect("in-memory CSV");
    for r in rows {
        write_cells(&mut w, &r).expect("in-memory CSV");
    }
    w.into_inner().expect("in-memory CSV")
}

/// `summary.csv` header.
pub fn summary_header(sides: &[String]) -> Vec<String> {
    let mut h: Vec<String> = ["scenario", "outcome", "runs", "share", "ci_low", "ci_high"].map(String::from).to_vec();
    for s in sides {
        h.extend([format!("welfare_{s}_mean"), format!("welfare_{s}_ci_low"), format!("welfare_{s}_ci_high")]);
    }
    for s in sides {
        h.push(format!("peak_{s}_mean"));
    }
    h.extend(["exchanges_mean".to_string(), "rounds_to_detente_mean".to_string()]);
    for s in sides {
        h.extend([format!("payoff_{s}_mean"), format!("payoff_{s}_ci_low"), format!("payoff_{s}_ci_high")]);
    }
    for s in sides {
        h.push(format!("final_index_{s}_mean"));
    }
    h.extend(["param_sd", "param_p05", "param_p95", "design_effect"].map(String::from));
    h
}

fn summary_record(scenario: &str, r: &SummaryRow) -> Vec<String> {
    let mut v = vec![
        scenario.to_string(),
        r.slot.key().to_string(),
        r.runs.to_string(),
        num(r.share, 6),
        num(r.ci_low, 6),
        num(r.ci_high, 6),
    ];
    for w in &r.welfare {
        v.extend([opt(w.mean, 4), opt(w.ci_low, 4), opt(w.ci_high, 4)]);
    }
    for p in &r.peak {
        v.push(opt(*p, 4));
    }
    v.extend([opt(r.exchanges, 4), opt(r.rounds_to_detente, 4)]);
    for w in &r.payoff {
        v.extend([opt(w.mean, 4), opt(w.ci_low, 4), opt(w.ci_high, 4)]);
    }
    for f in &r.final_index {
        v.push(opt(*f, 4));
    }
    let s = r.spread.as_ref();
    v.extend([opt(s.map(|s| s.sd), 6), opt(s.map(|s| s.p05), 6), opt(s.map(|s| s.p95), 6), opt(s.map(|s| s.deff), 4)]);
    v
}

/// `concessions.csv`: who made the first concession to a demand (or nobody),
/// and who coerced whom, as shares of the runs.
pub fn concessions_csv(report: &Report) -> Vec<u8> {
    let header =
        ["scenario", "measure", "side", "lever", "runs", "share", "ci_low", "ci_high", "mean_round"].map(String::from);
    let rows = report.concessions.iter().map(|c| {
        vec![
            report.meta.scenario_id.clone(),
            c.measure.to_string(),
            c.side.map_or("none".to_string(), |i| report.meta.sides[i].clone()),
            c.lever.clone().unwrap_or_default(),
            c.runs.to_string(),
            num(c.share, 6),
            num(c.ci_low, 6),
            num(c.ci_high, 6),
            opt(c.mean_round, 4),
        ]
    });
    csv_bytes(header.to_vec(), rows)
}

/// `summary.csv`: one row per outcome, then `all`.
pub fn summary_csv(report: &Report) -> Vec<u8> {
    csv_bytes(
        summary_header(&report.meta.sides),
        report.summary.iter().map(|r| summary_record(&report.meta.scenario_id, r)),
    )
}

pub const TRAJECTORY_HEADER: [&str; 8] = ["round", "side", "series", "unit", "mean", "p10", "p50", "p90"];

/// `trajectory.csv`: per round, side and series (each lever, then the escalation index).
pub fn trajectory_csv(report: &Report) -> Vec<u8> {
    csv_bytes(
        TRAJECTORY_HEADER.map(String::from).to_vec(),
        report.trajectory.iter().map(|r| {
            vec![
                r.round.to_string(),
                r.side.clone(),
                r.series.clone(),
                r.unit.clone(),
                num(r.mean, 6),
                num(r.p10, 6),
                num(r.p50, 6),
                num(r.p90, 6),
            ]
        }),
    )
}

/// Streaming writer of `runs.csv` (one row per run, in run order).
pub struct RunsCsv<W: Write> {
    w: csv::Writer<W>,
}

impl<W: Write> RunsCsv<W> {
    pub fn new(out: W, sides: &[String]) -> std::io::Result<Self> {
        let mut w = csv::Writer::from_writer(out);
        let mut h: Vec<String> = vec!["run".into(), "outcome".into()];
        h.extend(sides.iter().map(|s| format!("welfare_{s}")));
        h.extend(sides.iter().map(|s| format!("peak_{s}")));
        h.extend(["exchanges".into(), "rounds_to_detente".into()]);
        write_cells(&mut w, &h).map_err(std::io::Error::other)?;
        Ok(RunsCsv { w })
    }

    pub fn row(&mut self, run: u64, s: &RunSummary) -> std::io::Result<()> {
        let mut v = vec![run.to_string(), s.outcome.key().to_string()];
        v.extend(s.welfare.iter().map(|w| num(*w, 4)));
        v.extend(s.peak.iter().map(|p| num(*p, 4)));
        v.push(s.exchanges.to_string());
        v.push(s.rounds_to_detente.map_or(String::new(), |r| r.to_string()));
        write_cells(&mut self.w, &v).map_err(std::io::Error::other)
    }

    pub fn finish(self) -> std::io::Result<W> {
        self.w.into_inner().map_err(|e| std::io::Error::other(e.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::{cell, num};

    #[test]
    fn formulas_are_neutralised_and_numbers_kept() {
        assert_eq!(cell("=HYPERLINK(1)"), "'=HYPERLINK(1)");
        assert_eq!(cell("=cmd|'/c calc'!A1"), "'=cmd|'/c calc'!A1");
        for s in ["+1+2", "-x", "@SUM(A1)", "\tx", "\rx", "-inf", "-"] {
            assert_eq!(cell(s), format!("'{s}"), "{s:?}");
        }
        for s in ["-12.3457", "-0.5", "1e-7", "-1E5", "+3", "47", "", "us", "% average tariff", "a=b"] {
            assert_eq!(cell(s), s, "{s:?}");
        }
    }

    #[test]
    fn numbers_are_trimmed_and_stable() {
        assert_eq!(num(47.0, 6), "47");
        assert_eq!(num(20.8, 6), "20.8");
        assert_eq!(num(0.1 + 0.2, 6), "0.3");
        assert_eq!(num(-0.0000001, 4), "0");
        assert_eq!(num(-12.34567, 4), "-12.3457");
        assert_eq!(num(f64::NAN, 4), "");
    }
}

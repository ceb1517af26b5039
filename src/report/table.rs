/*!
Text for the terminal: a small table layout shared by every command
([`TextTable`]) and the summary of a run ([`render`]): what happened, how
often, at what cost, and who gave way.

Everything printed fits [`WIDTH`] columns: tables are laid out to fit (side
names in headers are shortened when they would not), prose is wrapped
(`fmt::wrap`). Numbers follow `fmt`'s one format per kind of figure.
*/

use super::Report;
use crate::fmt::{self, columns};
use crate::totals::Slot;

/// The widest line any command prints.
pub const WIDTH: usize = 100;

/// A share as a percentage (`fmt::percent`).
pub(super) fn pct(x: f64) -> String {
    fmt::percent(x)
}

pub(super) fn signed(x: Option<f64>, decimals: usize) -> String {
    fmt::signed(x, decimals)
}

pub(super) fn pad_left(s: &str, w: usize) -> String {
    format!("{}{s}", " ".repeat(w.saturating_sub(columns(s))))
}

pub(super) fn pad_right(s: &str, w: usize) -> String {
    format!("{s}{}", " ".repeat(w.saturating_sub(columns(s))))
}

/// `s` cut to `w` columns, ending in `…` when cut.
pub fn shorten(s: &str, w: usize) -> String {
    if columns(s) <= w {
        return s.to_string();
    }
    let mut out: String = s.chars().take(w.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// A table of text: an optional line of group titles over spans of columns,
/// a header, rows (`None`: a rule). The first column is left-aligned, the
/// others right-aligned (numbers).
#[derive(Clone, Debug, Default)]
pub struct TextTable {
    /// (title, first column, number of columns).
    pub groups: Vec<(String, usize, usize)>,
    pub header: Vec<String>,
    pub rows: Vec<Option<Vec<String>>>,
    /// Columns left-aligned besides the first.
    pub left: Vec<usize>,
}

impl TextTable {
    pub fn new(header: Vec<String>) -> TextTable {
        TextTable { header, ..TextTable::default() }
    }

    pub fn group(mut self, title: impl Into<String>, first: usize, span: usize) -> TextTable {
        self.groups.push((title.into(), first, span));
        self
    }

    pub fn row(&mut self, cells: Vec<String>) {
        self.rows.push(Some(cells));
    }

    pub fn rule(&mut self) {
        self.rows.push(None);
    }

    /// Gap before column `c`: three spaces where a group starts or ends.
    fn gap(&self, c: usize) -> usize {
        let edge = self.groups.iter().any(|&(_, first, span)| c == first || c == first + span);
        if edge { 3 } else { 2 }
    }

    fn widths(&self) -> Vec<usize> {
        let n = self.header.len();
        let mut widths: Vec<usize> = (0..n)
            .map(|c| {
                self.rows
                    .iter()
                    .flatten()
                    .map(|r| r.get(c).map_or(0, |s| columns(s)))
                    .chain([columns(&self.header[c])])
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        // A group title wider than its columns widens the group's last one.
        for (title, first, span) in &self.groups {
            let spanned: usize = (*first..first + span).map(|c| widths[c]).sum::<usize>()
                + (first + 1..first + span).map(|c| self.gap(c)).sum::<usize>();
            if columns(title) > spanned {
                widths[first + span - 1] += columns(title) - spanned;
            }
        }
        widths
    }

    /// Total width in columns.
    pub fn width(&self) -> usize {
        let w = self.widths();
        w.iter().sum::<usize>() + (1..w.len()).map(|c| self.gap(c)).sum::<usize>()
    }

    pub fn render(&self) -> String {
        let widths = self.widths();
        let total = self.width();
        let line = |cells: &[String]| -> String {
            let mut s = String::new();
            for (c, w) in widths.iter().enumerate() {
                let cell = cells.get(c).map_or("", String::as_str);
                if c > 0 {
                    s.push_str(&" ".repeat(self.gap(c)));
                }
                if c == 0 || self.left.contains(&c) {
                    s.push_str(&pad_right(cell, *w));
                } else {
                    s.push_str(&pad_left(cell, *w));
                }
            }
            s.trim_end().to_string() + "\n"
        };
        let mut out = String::new();
        if !self.groups.is_empty() {
            // Each title right-aligned over its span.
            let mut s = String::new();
            let mut x = 0;
            let mut col_end = Vec::with_capacity(widths.len());
            for (c, w) in widths.iter().enumerate() {
                x += if c > 0 { self.gap(c) } else { 0 } + w;
                col_end.push(x);
            }
            for (title, first, span) in &self.groups {
                let end = col_end[first + span - 1];
                let start = end.saturating_sub(columns(title));
                let at = columns(&s);
                if start > at {
                    s.push_str(&" ".repeat(start - at));
                } else if at > 0 {
                    s.push(' ');
                }
                s.push_str(title);
            }
            out.push_str(s.trim_end());
            out.push('\n');
        }
        out.push_str(&line(&self.header));
        for r in &self.rows {
            match r {
                Some(cells) => out.push_str(&line(cells)),
                None => {
                    out.push_str(&"-".repeat(total));
                    out.push('\n');
                }
            }
        }
        out
    }
}

/// Side names as column headers: cut (with `…`) to at most `max` columns.
fn side_headers(sides: &[String], max: usize) -> Vec<String> {
    sides.iter().map(|s| shorten(s, max)).collect()
}

/// Build a table with per-side column headers, shortening the side names
/// until it fits `WIDTH` (down to 4 columns each).
fn fitted(build: impl Fn(&[String]) -> TextTable, sides: &[String]) -> TextTable {
    let longest = sides.iter().map(|s| columns(s)).max().unwrap_or(4);
    let mut max = longest;
    loop {
        let table = build(&side_headers(sides, max));
        if table.width() <= WIDTH || max <= 4 {
            return table;
        }
        max -= 1;
    }
}

/// The header lines of a run: name, what was run, each side's strategy.
fn heading(report: &Report) -> String {
    let m = &report.meta;
    let mut out = format!("{}\n", super::caption::scenario_title(&m.scenario, report.calendar.as_ref(), m.rounds));
    out.push_str(&format!(
        "{} × {}, seed {}\n",
        fmt::count_of(m.runs, "run"),
        fmt::count_of(u64::from(m.rounds), &m.round_unit),
        m.seed
    ));
    for ((label, strategy), name) in m.side_labels.iter().zip(&report.strategies).zip(&m.sides) {
        if label.eq_ignore_ascii_case(name) {
            out.push_str(&format!("{label}: {strategy}\n"));
        } else {
            out.push_str(&format!("{label} ({name}): {strategy}\n"));
        }
    }
    out
}

/// The outcome table: runs, share and interval, then per side the mean peak
/// and final-window escalation index, then rounds of mutual retaliation.
fn outcome_table(report: &Report) -> TextTable {
    let m = &report.meta;
    let n = m.sides.len();
    fitted(
        |names| {
            let mut header = vec!["outcome".to_string(), "runs".into(), "share".into(), "95% CI".into()];
            header.extend(names.iter().cloned());
            header.extend(names.iter().cloned());
            header.push("exchanges".into());
            let mut t = TextTable::new(header).group("peak index", 4, n).group("final index", 4 + n, n);
            for r in &report.summary {
                if r.slot == Slot::All {
                    t.rule();
                }
                let mut row = vec![
                    r.slot.title().to_string(),
                    fmt::count(r.runs),
                    pct(r.share),
                    if r.slot == Slot::All { String::new() } else { fmt::interval(r.ci_low, r.ci_high) },
                ];
                row.extend(r.peak.iter().map(|p| fmt::index(*p)));
                row.extend(r.final_index.iter().map(|p| fmt::index(*p)));
                row.push(r.exchanges.map_or("–".into(), fmt::rounds));
                t.row(row);
            }
            t
        },
        &m.sides,
    )
}

/// The continuous outcome beside the labels: each side's escalation index
/// after the last round, median and 10–90% range over the runs.
fn final_index_text(report: &Report) -> String {
    let m = &report.meta;
    let last: Vec<String> = report
        .trajectory
        .iter()
        .filter(|r| r.round == m.rounds && r.series == super::INDEX_SERIES)
        .map(|r| {
            let label = m.sides.iter().position(|s| *s == r.side).map_or(r.side.as_str(), |i| &m.side_labels[i]);
            format!("{label} {} ({}–{})", fmt::index(Some(r.p50)), fmt::index(Some(r.p10)), fmt::index(Some(r.p90)))
        })
        .collect();
    if last.is_empty() {
        return String::new();
    }
    format!(
        "escalation index after {} {} (0–1), median and 10–90% of runs: {}\n",
        m.round_unit,
        m.rounds,
        last.join("; ")
    )
}

/// With parameter draws shared by groups of runs: the share of each outcome
/// with its Monte Carlo interval and, apart, the 90% range of the share over
/// the parameter draws (what the odds would be if the parameters were known).
fn uncertainty_table(report: &Report) -> Option<String> {
    let first = report.summary.iter().find_map(|r| r.spread)?;
    let mut t = TextTable::new(vec![
        "outcome".to_string(),
        "share".into(),
        "95% MC interval".into(),
        "90% range over parameters".into(),
        "sd".into(),
    ]);
    for r in report.summary.iter().filter(|r| r.slot != Slot::All) {
        let Some(s) = r.spread else { continue };
        t.row(vec![
            r.slot.title().to_string(),
            pct(r.share),
            fmt::interval(r.ci_low, r.ci_high),
            fmt::interval(s.p05, s.p95),
            pct(s.sd),
        ]);
    }
    Some(format!(
        "parameter uncertainty: {} parameter draws × {} runs each (docs/model.md §8c)\n{}",
        fmt::count(first.groups),
        fmt::count(first.per),
        t.render()
    ))
}

/// The cost table: mean cumulative welfare and payoff per run, per side.
fn cost_table(report: &Report) -> TextTable {
    let m = &report.meta;
    let n = m.sides.len();
    fitted(
        |names| {
            let mut header = vec![format!("per run ({})", m.welfare_unit)];
            header.extend(names.iter().cloned());
            header.extend(names.iter().cloned());
            let mut t = TextTable::new(header).group("welfare", 1, n).group("payoff", 1 + n, n);
            for r in &report.summary {
                if r.slot == Slot::All {
                    t.rule();
                }
                let mut row = vec![r.slot.title().to_string()];
                row.extend(r.welfare.iter().map(|w| fmt::welfare(w.mean)));
                row.extend(r.payoff.iter().map(|w| fmt::welfare(w.mean)));
                t.row(row);
            }
            t
        },
        &m.sides,
    )
}

/// Who gave way: per side, the share of runs in which it made the first
/// concession to a demand (and in which month on average), and in which it
/// coerced the other; then the runs in which nobody conceded.
fn concession_table(report: &Report) -> TextTable {
    let m = &report.meta;
    let mut t = TextTable::new(vec![
        "who gave way".to_string(),
        "share".into(),
        "95% CI".into(),
        format!("mean {}", m.round_unit),
        "share".into(),
        "95% CI".into(),
    ])
    .group("first concession", 1, 3)
    .group("coerced the other", 4, 2);
    let first =
        |side: Option<usize>| report.concessions.iter().find(|c| c.measure == "first_concession" && c.side == side);
    let coerced = |side: usize| report.concessions.iter().find(|c| c.measure == "coercion" && c.side == Some(side));
    for (i, label) in m.side_labels.iter().enumerate() {
        let mut row = vec![shorten(label, 30)];
        match first(Some(i)) {
            Some(c) => row.extend([
                pct(c.share),
                fmt::interval(c.ci_low, c.ci_high),
                c.mean_round.map_or("–".into(), fmt::rounds),
            ]),
            None => row.extend(["–".to_string(), String::new(), String::new()]),
        }
        match coerced(i) {
            Some(c) => row.extend([pct(c.share), fmt::interval(c.ci_low, c.ci_high)]),
            None => row.extend(["–".to_string(), String::new()]),
        }
        t.row(row);
    }
    if let Some(c) = first(None) {
        t.row(vec!["nobody".to_string(), pct(c.share), fmt::interval(c.ci_low, c.ci_high)]);
    }
    t
}

/// The summary of a run, ready to print: within `WIDTH` columns.
pub fn render(report: &Report) -> String {
    let m = &report.meta;
    let mut out = heading(report);
    out.push('\n');
    out.push_str(&outcome_table(report).render());
    out.push_str(&final_index_text(report));
    out.push('\n');
    if let Some(t) = uncertainty_table(report) {
        out.push_str(&t);
        out.push('\n');
    }
    out.push_str(&cost_table(report).render());
    out.push('\n');
    out.push_str(&concession_table(report).render());
    let on: Vec<String> = report
        .concessions
        .iter()
        .filter(|c| c.measure == "first_concession_on")
        .map(|c| {
            let side = c.side.map_or(String::new(), |i| m.side_labels[i].clone());
            format!("{side} {} {}", c.lever.as_deref().unwrap_or("").replace('_', " "), pct(c.share))
        })
        .collect();
    if !on.is_empty() {
        out.push_str(&format!("first concessions by lever: {}\n", on.join(", ")));
    }
    out.push('\n');
    let truces = super::truces::truces_text(&report.truces, &m.round_unit);
    if !truces.is_empty() {
        out.push_str(&truces);
        out.push('\n');
    }
    if let Some(all) = report.summary.last() {
        for (label, w) in m.side_labels.iter().zip(&all.welfare) {
            out.push_str(&format!(
                "{label}: mean cumulative welfare per run {} {} (95% CI {} to {})\n",
                fmt::welfare(w.mean),
                m.welfare_unit,
                fmt::welfare(w.ci_low),
                fmt::welfare(w.ci_high)
            ));
        }
        if let Some(d) = report.summary.first().and_then(|d| d.rounds_to_detente) {
            out.push_str(&format!("détente runs settled after {} {}s on average\n", fmt::rounds(d), m.round_unit));
        }
    }
    let unit = &m.round_unit;
    out.push_str(&format!(
        "peak index: highest escalation index reached (0 = every lever at its bottom rung, 1 = all at the top)\n\
         final index: mean escalation index over the last {} {unit}s, from which the outcome is read\n\
         exchanges: {unit}s of mutual retaliation (one side hits back, the other hits back too)\n\
         welfare: economic gain or loss; payoff: welfare plus political gains and pains\n",
        report.window,
    ));
    fmt::wrap(&out, WIDTH)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn group_titles_sit_over_their_columns() {
        let mut t = TextTable::new(vec!["outcome".into(), "us".into(), "china".into()]).group("peak index", 1, 2);
        t.row(vec!["détente".into(), "0.28".into(), "0.23".into()]);
        let text = t.render();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0].trim(), "peak index");
        // The title ends where the group's last column ends.
        assert_eq!(columns(lines[0]), columns(lines[1]));
        assert!(lines[2].ends_with("0.23"));
    }

    #[test]
    fn long_side_names_are_shortened_to_fit() {
        let sides = vec!["a_very_long_side_name_indeed_one".to_string(), "another_very_long_side_name_two".to_string()];
        let t = fitted(
            |names| {
                let mut h = vec!["outcome".to_string()];
                for _ in 0..4 {
                    h.extend(names.iter().cloned());
                }
                TextTable::new(h)
            },
            &sides,
        );
        assert!(t.width() <= WIDTH, "{}", t.render());
    }
}

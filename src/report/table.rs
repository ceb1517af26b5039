/*!
The summary printed on stdout: what happened, how often, and at what cost.
*/

use super::{Report, thousands};
use crate::totals::Slot;

pub(super) fn pct(x: f64) -> String {
    format!("{:.1}%", 100.0 * x)
}

pub(super) fn signed(x: Option<f64>, decimals: usize) -> String {
    x.map_or("–".to_string(), |v| format!("{v:.decimals$}").replace('-', "−"))
}

pub(super) fn pad_left(s: &str, w: usize) -> String {
    format!("{}{s}", " ".repeat(w.saturating_sub(s.chars().count())))
}

pub(super) fn pad_right(s: &str, w: usize) -> String {
    format!("{s}{}", " ".repeat(w.saturating_sub(s.chars().count())))
}

/// "first concession to a demand: China 34.1% (32.2–36.0%, month 7.2 on
/// average), United States 12.0% (...), nobody 53.9%; coercion by ...".
fn concessions_line(report: &Report) -> String {
    let label = |side: Option<usize>| side.map_or("nobody".to_string(), |i| report.meta.side_labels[i].clone());
    let ci = |c: &super::ConcessionRow| format!("{:.1}–{:.1}%", 100.0 * c.ci_low, 100.0 * c.ci_high);
    let first: Vec<String> = report
        .concessions
        .iter()
        .filter(|c| c.measure == "first_concession")
        .map(|c| match c.mean_round {
            Some(r) => {
                format!("{} {} ({}, {} {r:.1} on average)", label(c.side), pct(c.share), ci(c), report.meta.round_unit)
            }
            None => format!("{} {}", label(c.side), pct(c.share)),
        })
        .collect();
    let coercion: Vec<String> = report
        .concessions
        .iter()
        .filter(|c| c.measure == "coercion")
        .map(|c| format!("by {} {} ({})", label(c.side), pct(c.share), ci(c)))
        .collect();
    let on: Vec<String> = report
        .concessions
        .iter()
        .filter(|c| c.measure == "first_concession_on")
        .map(|c| format!("{} {} {}", label(c.side), c.lever.as_deref().unwrap_or("").replace('_', " "), pct(c.share)))
        .collect();
    format!(
        "first concession to a demand: {}\n  by lever: {}\none-sided coercion: {}\n",
        first.join(", "),
        on.join(", "),
        coercion.join(", ")
    )
}

/// The table, ready to print.
pub fn render(report: &Report) -> String {
    let mut out = String::new();
    out.push_str(&format!("{}\n", report.meta.scenario));
    out.push_str(&format!(
        "{} runs × {} {}s, seed {}; {}\n\n",
        thousands(report.meta.runs),
        report.meta.rounds,
        report.meta.round_unit,
        report.meta.seed,
        report
            .meta
            .side_labels
            .iter()
            .zip(&report.strategies)
            .zip(&report.meta.sides)
            .map(|((l, s), name)| {
                if l.eq_ignore_ascii_case(name) { format!("{l}: {s}") } else { format!("{l} ({name}): {s}") }
            })
            .collect::<Vec<_>>()
            .join(" vs ")
    ));
    let mut header = vec!["outcome".to_string(), "runs".into(), "share".into(), "95% CI".into()];
    // Short side names keep the table within 100 columns; the line above
    // maps them to labels.
    for s in &report.meta.sides {
        header.push(format!("welfare {s}"));
    }
    for s in &report.meta.sides {
        header.push(format!("peak {s}"));
    }
    header.push("exchanges".into());
    let mut rows: Vec<Vec<String>> = Vec::new();
    for r in &report.summary {
        let is_all = r.slot == Slot::All;
        let mut row = vec![
            r.slot.title().to_string(),
            thousands(r.runs),
            pct(r.share),
            if is_all { String::new() } else { format!("{:.1}–{:.1}%", 100.0 * r.ci_low, 100.0 * r.ci_high) },
        ];
        row.extend(r.welfare.iter().map(|w| signed(w.mean, 2)));
        row.extend(r.peak.iter().map(|p| p.map_or("–".into(), |v| format!("{v:.2}"))));
        row.push(r.exchanges.map_or("–".into(), |v| format!("{v:.1}")));
        rows.push(row);
    }
    let widths: Vec<usize> = (0..header.len())
        .map(|c| rows.iter().map(|r| r[c].chars().count()).chain([header[c].chars().count()]).max().unwrap_or(0))
        .collect();
    let line = |cells: &[String]| -> String {
        let mut s = String::new();
        for (c, cell) in cells.iter().enumerate() {
            if c == 0 {
                s.push_str(&pad_right(cell, widths[c]));
            } else {
                s.push_str("  ");
                s.push_str(&pad_left(cell, widths[c]));
            }
        }
        s.trim_end().to_string() + "\n"
    };
    out.push_str(&line(&header));
    for (i, r) in rows.iter().enumerate() {
        if i == rows.len() - 1 {
            out.push_str(&"-".repeat(widths.iter().sum::<usize>() + 2 * (widths.len() - 1)));
            out.push('\n');
        }
        out.push_str(&line(r));
    }
    if let Some(all) = report.summary.last() {
        out.push('\n');
        for (label, w) in report.meta.side_labels.iter().zip(&all.welfare) {
            out.push_str(&format!(
                "welfare {label}: mean cumulative welfare per run {} {} (95% CI {} to {})\n",
                signed(w.mean, 3),
                report.meta.welfare_unit,
                signed(w.ci_low, 3),
                signed(w.ci_high, 3)
            ));
        }
        if let Some(d) = report.summary.first().and_then(|d| d.rounds_to_detente) {
            out.push_str(&format!("détente runs settled after {d:.1} {}s on average\n", report.meta.round_unit));
        }
    }
    out.push_str(&concessions_line(report));
    out.push_str(&super::truces::truces_text(&report.truces, &report.meta.round_unit));
    out.push_str(
        "peak: highest escalation index reached (0 = every lever at its bottom rung, 1 = all at the top); \
         exchanges: rounds of mutual retaliation (one side hits back, the other hits back too)\n",
    );
    out
}

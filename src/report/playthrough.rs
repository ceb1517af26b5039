/*!
A round-by-round transcript of one run (`simulate playthrough`): what each
side played, what the other perceived, and where every lever stood. The story
behind one row of `runs.csv`, and a golden record for tests (as OpenSpiel's
playthroughs are).
*/

use std::fmt::Write;

use super::csv::num;
use super::table::WIDTH;
use crate::engine::GameTrace;
use crate::outcome::classify;
use crate::scenario::Scenario;

/// Render run `run`'s trace. `C`/`D` is the action played; a `*` marks a
/// retaliation (D right after perceiving D) and `?` a misperception (a C read
/// as D by the other side).
pub fn render(sc: &Scenario, run: u64, trace: &GameTrace) -> String {
    let mut out = String::new();
    let summary = classify(trace, &sc.outcomes);
    let _ = writeln!(out, "{} — run {run} (seed {})", sc.name, sc.seed);
    let _ = writeln!(
        out,
        "outcome: {}; welfare {}: {}, {}: {}; rounds of mutual retaliation: {}",
        summary.outcome.title(),
        sc.sides[0].name,
        crate::fmt::welfare(Some(summary.welfare[0])),
        sc.sides[1].name,
        crate::fmt::welfare(Some(summary.welfare[1])),
        summary.exchanges
    );
    // One table of both sides when it fits the terminal, else one per side.
    let both = table(sc, trace, &[0, 1]);
    if crate::fmt::max_columns(&both) <= WIDTH {
        out.push_str(&both);
    } else {
        for i in 0..sc.sides.len() {
            let _ = writeln!(out, "\n{} ({}):", sc.sides[i].label, sc.sides[i].name);
            out.push_str(&table(sc, trace, &[i]));
        }
    }
    let _ = writeln!(out, "act: action played (D escalate, C concede); * retaliation; ? read as D by the other side");
    crate::fmt::wrap(&out, WIDTH)
}

/// The rounds of `sides`' actions, lever values and escalation index.
fn table(sc: &Scenario, trace: &GameTrace, sides: &[usize]) -> String {
    let mut header = vec!["round".to_string()];
    for &i in sides {
        let s = &sc.sides[i];
        header.push(format!("{} act", s.name));
        header.extend(s.levers.iter().map(|l| l.name.clone()));
        header.push(format!("{} E", s.name));
    }
    let mut rows = vec![header];
    for t in 0..=trace.rounds {
        let mut row = vec![t.to_string()];
        for &i in sides {
            let s = &sc.sides[i];
            let j = 1 - i;
            let act = if t == 0 {
                "".to_string()
            } else {
                let a = trace.actions(t)[i];
                let mut cell = if a.is_d() { "D".to_string() } else { "C".to_string() };
                if trace.retaliated(t, i) {
                    cell.push('*');
                }
                if !a.is_d() && trace.perceived_d(t, j) {
                    cell.push('?');
                }
                cell
            };
            row.push(act);
            for (l, lever) in s.levers.iter().enumerate() {
                row.push(num(lever.ladder[trace.rung(t, i, l)], 2));
            }
            row.push(crate::fmt::index(Some(trace.index(t, i))));
        }
        rows.push(row);
    }
    let widths: Vec<usize> =
        (0..rows[0].len()).map(|c| rows.iter().map(|r| r[c].chars().count()).max().unwrap_or(0)).collect();
    let mut out = String::new();
    for r in &rows {
        let line: Vec<String> = r.iter().zip(&widths).map(|(cell, w)| format!("{cell:>w$}", w = *w)).collect();
        let _ = writeln!(out, "{}", line.join("  ").trim_end());
    }
    out
}

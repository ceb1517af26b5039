/*!
Tournament outputs: `payoffs.csv` (one row per cell), `equilibria.csv` (one
row per equilibrium) and the plain-words summary printed on stdout. Pure: each
returns bytes or text; the chart is in `tournament_chart`.

Columns are fixed and documented in the README and `docs/tournament.md`:
identity columns first, then column groups named after the sides.
*/

use super::csv::{csv_bytes, num};
use super::table::{TextTable, WIDTH, pad_left, pad_right, pct, shorten, signed};
use crate::strategy::Strategy;
use crate::tournament::{EquilibriumRow, Response, TIE_Z, TournamentReport};

/// A candidate as a stable machine key (see [`Strategy::key`]).
pub fn strategy_key(s: &Strategy) -> String {
    s.key()
}

/// `payoffs.csv` header.
pub fn payoffs_header(sides: &[String]) -> Vec<String> {
    let mut h = vec!["scenario".to_string()];
    h.extend(sides.iter().map(|s| format!("strategy_{s}")));
    h.push("runs".into());
    for s in sides {
        h.extend([format!("welfare_{s}_mean"), format!("welfare_{s}_se")]);
    }
    h.extend(sides.iter().map(|s| format!("best_response_{s}")));
    for p in ["p_detente", "p_vicious_cycle"] {
        h.extend([p.to_string(), format!("{p}_ci_low"), format!("{p}_ci_high")]);
    }
    h.push("pareto_efficient".into());
    h
}

/// `payoffs.csv`: one row per cell, first side's candidates outermost.
pub fn payoffs_csv(r: &TournamentReport) -> Vec<u8> {
    let rows = r.cells.iter().map(|c| {
        let mut v = vec![r.setup.meta.scenario_id.clone()];
        v.extend((0..2).map(|side| strategy_key(&r.setup.candidates[side][c.strategies[side]])));
        v.push(c.runs.to_string());
        for side in 0..2 {
            v.extend([num(c.welfare[side], 4), c.welfare_se[side].map_or(String::new(), |se| num(se, 4))]);
        }
        v.extend(c.best_response.iter().map(|b| b.key().to_string()));
        for s in [c.detente, c.vicious_cycle] {
            v.extend([num(s.p, 6), num(s.ci_low, 6), num(s.ci_high, 6)]);
        }
        v.push(c.pareto_efficient.to_string());
        v
    });
    csv_bytes(payoffs_header(&r.setup.meta.sides), rows)
}

/// `equilibria.csv` header.
pub fn equilibria_header(sides: &[String]) -> Vec<String> {
    let mut h = vec!["scenario".to_string(), "equilibrium".into(), "kind".into()];
    h.extend(sides.iter().map(|s| format!("strategy_{s}")));
    h.extend(sides.iter().map(|s| format!("welfare_{s}")));
    h.extend(["p_detente", "p_vicious_cycle", "pareto_efficient", "robust", "component"].map(String::from));
    h
}

/// `equilibria.csv`: one row per equilibrium (numbered from 1). A side's
/// strategy is its candidate key when pure, else `probability key` pairs
/// joined by `; `.
pub fn equilibria_csv(r: &TournamentReport) -> Vec<u8> {
    let rows = r.equilibria.iter().enumerate().map(|(k, e)| {
        let mut v = vec![r.setup.meta.scenario_id.clone(), (k + 1).to_string(), kind(e).to_string()];
        for side in 0..2 {
            let support = e.support(side);
            let text: Vec<String> = if support.len() == 1 {
                vec![strategy_key(&r.setup.candidates[side][support[0]])]
            } else {
                support
                    .iter()
                    .map(|&s| format!("{} {}", num(e.mix[side][s], 6), strategy_key(&r.setup.candidates[side][s])))
                    .collect()
            };
            v.push(text.join("; "));
        }
        v.extend(e.welfare.iter().map(|w| num(*w, 4)));
        v.extend([num(e.detente, 6), num(e.vicious_cycle, 6)]);
        v.extend([e.pareto_efficient.to_string(), e.is_clear().to_string(), (e.component + 1).to_string()]);
        v
    });
    csv_bytes(equilibria_header(&r.setup.meta.sides), rows)
}

fn kind(e: &EquilibriumRow) -> &'static str {
    if e.is_pure() { "pure" } else { "mixed" }
}

/// A side's strategy in an equilibrium, in words: "tit-for-tat" or
/// "tit-for-tat 67%, grim trigger 33%".
pub fn mix_words(r: &TournamentReport, e: &EquilibriumRow, side: usize) -> String {
    let support = e.support(side);
    if support.len() == 1 {
        return r.labels[side][support[0]].clone();
    }
    support.iter().map(|&s| format!("{} {}", r.labels[side][s], pct(e.mix[side][s]))).collect::<Vec<_>>().join(", ")
}

/// The summary on stdout: the payoff matrix, best responses, equilibria, and
/// what they mean for the odds of détente, in plain words.
pub fn render_summary(r: &TournamentReport) -> String {
    let mut out = String::new();
    let (n, m) = (r.setup.candidates[0].len(), r.setup.candidates[1].len());
    let [a, b] = [&r.setup.meta.side_labels[0], &r.setup.meta.side_labels[1]];
    out.push_str(&format!("{}: strategy tournament\n", r.setup.meta.scenario));
    out.push_str(&format!(
        "{n} {a} × {m} {b} strategies, {} per cell × {}, seed {} (the same random numbers in every cell)\n\n",
        crate::fmt::count_of(r.setup.meta.runs, "run"),
        crate::fmt::count_of(u64::from(r.setup.meta.rounds), &r.setup.meta.round_unit),
        r.setup.meta.seed
    ));
    let grid = matrix(r);
    out.push_str(&if crate::fmt::max_columns(&grid) <= WIDTH { grid } else { cell_list(r) });
    out.push_str(&format!(
        "\nwelfare: mean cumulative welfare per run ({}), {a} / {b}; * a best response, ~ within {TIE_Z} \
         standard errors of it\ndétente and vicious cycle: share of runs (the rest end in one-sided coercion or a standoff)\n\n",
        r.setup.meta.welfare_unit
    ));

    for side in 0..2 {
        let other = 1 - side;
        out.push_str(&format!("Best responses of {}:\n", r.setup.meta.side_labels[side]));
        for theirs in 0..r.setup.candidates[other].len() {
            let cell = |own: usize| if side == 0 { r.cell(own, theirs) } else { r.cell(theirs, own) };
            let with = |resp: Response| -> Vec<&str> {
                (0..r.setup.candidates[side].len())
                    .filter(|&own| cell(own).best_response[side] == resp)
                    .map(|own| r.labels[side][own].as_str())
                    .collect()
            };
            let (best, tied) = (with(Response::Best), with(Response::Tied));
            let tied = if tied.is_empty() {
                String::new()
            } else {
                format!(" (within Monte Carlo error: {})", tied.join(", "))
            };
            out.push_str(&format!("  to {}: {}{tied}\n", r.labels[other][theirs], best.join(" = ")));
        }
    }
    out.push('\n');
    out.push_str(&equilibria_text(r));
    out.push('\n');
    out.push_str(&plain_words(r));
    crate::fmt::wrap(&out, WIDTH)
}

/// The cells as a list, one line each: the layout when the matrix is wider
/// than `WIDTH`.
fn cell_list(r: &TournamentReport) -> String {
    let mark = |resp: Response| match resp {
        Response::Best => "*",
        Response::Tied => "~",
        Response::No => " ",
    };
    let [a, b] = [&r.setup.meta.side_labels[0], &r.setup.meta.side_labels[1]];
    let longest = r.labels.iter().flatten().chain([a, b]).map(|l| crate::fmt::columns(l)).max().unwrap_or(8);
    (8..=longest.max(8))
        .rev()
        .map(|w| cells_table(r, w, &mark))
        .find(|t| t.width() <= WIDTH)
        .unwrap_or_else(|| cells_table(r, 8, &mark))
        .render()
}

fn cells_table(r: &TournamentReport, label_width: usize, mark: &dyn Fn(Response) -> &'static str) -> TextTable {
    let [a, b] = [&r.setup.meta.side_labels[0], &r.setup.meta.side_labels[1]];
    let mut t = TextTable::new(vec![
        shorten(a, label_width),
        shorten(b, label_width),
        "welfare".to_string(),
        "détente".into(),
        "vicious".into(),
    ])
    .group("share of runs", 3, 2);
    t.left.push(1);
    for (i, la) in r.labels[0].iter().enumerate() {
        for (j, lb) in r.labels[1].iter().enumerate() {
            let c = r.cell(i, j);
            t.row(vec![
                if j == 0 { shorten(la, label_width) } else { String::new() },
                shorten(lb, label_width),
                format!(
                    "{}{} / {}{}",
                    signed(Some(c.welfare[0]), 2),
                    mark(c.best_response[0]),
                    signed(Some(c.welfare[1]), 2),
                    mark(c.best_response[1])
                ),
                pct(c.detente.p),
                pct(c.vicious_cycle.p),
            ]);
        }
    }
    t
}

/// The payoff matrix as text, three lines per cell: welfare of each side
/// with best-response marks, then P(détente), then P(vicious cycle). Long
/// labels break before a parenthesis.
fn matrix(r: &TournamentReport) -> String {
    let (n, m) = (r.setup.candidates[0].len(), r.setup.candidates[1].len());
    let mark = |resp: Response| match resp {
        Response::Best => "*",
        Response::Tied => "~",
        Response::No => " ",
    };
    let split = |label: &str| -> Vec<String> {
        match label.find(" (") {
            Some(k) if label.chars().count() > 20 => vec![label[..k].to_string(), label[k + 1..].to_string()],
            _ => vec![label.to_string()],
        }
    };
    // Rows of cells; a cell is one line of text.
    let mut lines: Vec<Vec<String>> = Vec::new();
    let headers: Vec<Vec<String>> = r.labels[1].iter().map(|l| split(l)).collect();
    let header_lines = headers.iter().map(Vec::len).max().unwrap_or(1);
    for k in 0..header_lines {
        let mut line = vec![if k + 1 == header_lines {
            format!("{} \\ {}", r.setup.meta.side_labels[0], r.setup.meta.side_labels[1])
        } else {
            String::new()
        }];
        // Bottom-align the headers.
        line.extend(headers.iter().map(|h| {
            let skip = header_lines - h.len();
            if k >= skip { h[k - skip].clone() } else { String::new() }
        }));
        lines.push(line);
    }
    for i in 0..n {
        let mut label = split(&r.labels[0][i]);
        label.resize(3, String::new());
        let mut rows = [vec![label[0].clone()], vec![label[1].clone()], vec![label[2].clone()]];
        for j in 0..m {
            let c = r.cell(i, j);
            rows[0].push(format!(
                "{}{} / {}{}",
                signed(Some(c.welfare[0]), 2),
                mark(c.best_response[0]),
                signed(Some(c.welfare[1]), 2),
                mark(c.best_response[1])
            ));
            rows[1].push(format!("détente {}", pct(c.detente.p)));
            rows[2].push(format!("vicious cycle {}", pct(c.vicious_cycle.p)));
        }
        lines.extend(rows);
    }
    let widths: Vec<usize> = (0..=m).map(|c| lines.iter().map(|l| l[c].chars().count()).max().unwrap_or(0)).collect();
    let mut out = String::new();
    for (k, l) in lines.iter().enumerate() {
        if k >= header_lines && (k - header_lines) % 3 == 0 {
            out.push('\n');
        }
        let mut s = pad_right(&l[0], widths[0]);
        for c in 1..=m {
            s.push_str("   ");
            s.push_str(&pad_left(&l[c], widths[c]));
        }
        out.push_str(s.trim_end());
        out.push('\n');
    }
    out
}

fn equilibria_text(r: &TournamentReport) -> String {
    let mut out = format!(
        "Nash equilibria of the meta-game ({} {}):\n",
        r.equilibria.len(),
        if r.degenerate { "extreme equilibria; the game is degenerate" } else { "in all" }
    );
    for (k, e) in r.equilibria.iter().enumerate() {
        out.push_str(&format!(
            "  {}. {}: {} plays {}; {} plays {}.\n     welfare {} {}, {} {}; détente {}, vicious cycle {}; {}{}\n",
            k + 1,
            kind(e),
            r.setup.meta.side_labels[0],
            mix_words(r, e, 0),
            r.setup.meta.side_labels[1],
            mix_words(r, e, 1),
            r.setup.meta.side_labels[0],
            signed(Some(e.welfare[0]), 2),
            r.setup.meta.side_labels[1],
            signed(Some(e.welfare[1]), 2),
            pct(e.detente),
            pct(e.vicious_cycle),
            if e.pareto_efficient { "Pareto-efficient" } else { "not Pareto-efficient" },
            fragility(r, e).map_or(String::new(), |f| format!("\n     {f}")),
        ));
    }
    for set in &r.convex_sets {
        let names: Vec<String> = set.iter().map(|k| (k + 1).to_string()).collect();
        out.push_str(&format!(
            "  Equilibria {} span a set of equilibria: any mixture of their strategies is one too.\n",
            names.join(", ")
        ));
    }
    if r.convex_sets_incomplete {
        out.push_str("  (Some continua have too many vertices to list the sets they span.)\n");
    }
    out
}

/// "a deviation to X is within Monte Carlo error", if any.
fn fragility(r: &TournamentReport, e: &EquilibriumRow) -> Option<String> {
    let parts: Vec<String> = (0..2)
        .filter(|&side| !e.near_deviations[side].is_empty())
        .map(|side| {
            let near = &e.near_deviations[side];
            let mut names: Vec<String> = near.iter().take(3).map(|&k| r.labels[side][k].clone()).collect();
            if near.len() > 3 {
                names.push(format!("{} others", near.len() - 3));
            }
            format!("{} could do as well with {}", r.setup.meta.side_labels[side], names.join(" or "))
        })
        .collect();
    (!parts.is_empty()).then(|| {
        format!("within Monte Carlo error ({TIE_Z} standard errors): {}; more runs would tell", parts.join("; "))
    })
}

/// "plays tit-for-tat" or "mixes tit-for-tat 67%, grim trigger 33%".
fn plays(r: &TournamentReport, e: &EquilibriumRow, side: usize) -> String {
    let verb = if e.support(side).len() == 1 { "plays" } else { "mixes" };
    format!("{verb} {}", mix_words(r, e, side))
}

/// What the equilibria mean for the odds of détente.
fn plain_words(r: &TournamentReport) -> String {
    let mut out = String::from("In plain words:\n");
    let eq = &r.equilibria;
    let name = |k: usize| format!("equilibrium {}", k + 1);
    match eq.len() {
        0 => out.push_str("  No equilibrium was found (this should not happen: please report it).\n"),
        1 => out.push_str(&format!(
            "  There is one equilibrium: if each side picks its best strategy given the other's, {} {} and {} {}, and the odds of détente are {} (vicious cycle {}).\n",
            r.setup.meta.side_labels[0],
            plays(r, &eq[0], 0),
            r.setup.meta.side_labels[1],
            plays(r, &eq[0], 1),
            pct(eq[0].detente),
            pct(eq[0].vicious_cycle)
        )),
        len => {
            let by_detente = |a: &usize, b: &usize| eq[*a].detente.total_cmp(&eq[*b].detente);
            let lo = (0..len).min_by(by_detente).unwrap_or(0);
            let hi = (0..len).max_by(by_detente).unwrap_or(0);
            out.push_str(&format!(
                "  There are {len} equilibria{}: which one the sides coordinate on matters. The odds of détente range from {} ({}) to {} ({}).\n",
                if r.degenerate { " (extreme points; mixtures between linked ones are equilibria too)" } else { "" },
                pct(eq[lo].detente),
                name(lo),
                pct(eq[hi].detente),
                name(hi)
            ));
        }
    }
    // The best cells for détente, and whether an equilibrium reaches them.
    let top = r.cells.iter().map(|c| c.detente.p).fold(0.0f64, f64::max);
    let best: Vec<[usize; 2]> = r.cells.iter().filter(|c| c.detente.p >= top - 1e-12).map(|c| c.strategies).collect();
    let is_equilibrium =
        |[i, j]: [usize; 2]| eq.iter().any(|e| e.is_pure() && e.support(0) == [i] && e.support(1) == [j]);
    let stable = best.iter().filter(|&&c| is_equilibrium(c)).count();
    let [i, j] = best[0];
    let pair = format!(
        "{} {} against {} {}",
        r.setup.meta.side_labels[0], r.labels[0][i], r.setup.meta.side_labels[1], r.labels[1][j]
    );
    let verdict = match (best.len(), stable) {
        (1, 1) => "it is an equilibrium".to_string(),
        (1, _) => "it is not an equilibrium: one side gains by switching".to_string(),
        (_, 0) => "none of them is an equilibrium: in each, one side gains by switching".to_string(),
        (_, k) => format!("{k} of them are pure equilibria"),
    };
    if best.len() == 1 {
        out.push_str(&format!("  The likeliest détente of all cells is {pair}: {}; {verdict}.\n", pct(top)));
    } else {
        out.push_str(&format!(
            "  The likeliest détente of all cells, {}, comes in {} cells (first: {pair}); {verdict}.\n",
            pct(top),
            best.len()
        ));
    }
    // A strategy that is a best response to everything the other may play.
    for side in 0..2 {
        let other = 1 - side;
        for own in 0..r.setup.candidates[side].len() {
            let always = (0..r.setup.candidates[other].len()).all(|theirs| {
                let c = if side == 0 { r.cell(own, theirs) } else { r.cell(theirs, own) };
                c.best_response[side] == Response::Best
            });
            if always && r.setup.candidates[other].len() > 1 {
                out.push_str(&format!(
                    "  For {}, {} is a best response to every {} strategy tried: it needs no guess about the other side.\n",
                    r.setup.meta.side_labels[side], r.labels[side][own], r.setup.meta.side_labels[other]
                ));
            }
        }
    }
    let efficient: Vec<String> = (0..eq.len()).filter(|&k| eq[k].pareto_efficient).map(&name).collect();
    if efficient.is_empty() && !eq.is_empty() {
        out.push_str("  No equilibrium is Pareto-efficient: some pair of strategies would leave both sides better off, but it is not stable.\n");
    } else if !efficient.is_empty() {
        out.push_str(&format!(
            "  Pareto-efficient (no pair of strategies leaves both sides better off): {}.\n",
            efficient.join(", ")
        ));
    }
    let fragile: Vec<String> = (0..eq.len()).filter(|&k| !eq[k].is_clear()).map(&name).collect();
    if !fragile.is_empty() {
        out.push_str(&format!(
            "  Caution: {} {} on payoff differences within Monte Carlo error; rerun with more --runs to confirm.\n",
            fragile.join(", "),
            if fragile.len() == 1 { "rests" } else { "rest" }
        ));
    }
    out
}

/// The tournament as one JSON document (`--json`): the cells of
/// `payoffs.csv` and the equilibria of `equilibria.csv`.
pub fn tournament_json(r: &TournamentReport) -> String {
    use serde_json::{Map, Value, json};
    let sides = &r.setup.meta.sides;
    let share = |s: crate::tournament::Share| json!({ "p": s.p, "ci_low": s.ci_low, "ci_high": s.ci_high });
    let per_side = |f: &dyn Fn(usize) -> Value| -> Value {
        let mut m = Map::new();
        for (i, s) in sides.iter().enumerate() {
            m.insert(s.clone(), f(i));
        }
        Value::Object(m)
    };
    let candidates = per_side(&|i| {
        json!(
            r.setup.candidates[i]
                .iter()
                .zip(&r.labels[i])
                .map(|(c, l)| json!({ "key": strategy_key(c), "label": l }))
                .collect::<Vec<_>>()
        )
    });
    let cells: Vec<Value> = r
        .cells
        .iter()
        .map(|c| {
            json!({
                "strategies": per_side(&|i| json!(strategy_key(&r.setup.candidates[i][c.strategies[i]]))),
                "runs": c.runs,
                "welfare": per_side(&|i| json!({ "mean": c.welfare[i], "se": c.welfare_se[i] })),
                "best_response": per_side(&|i| json!(c.best_response[i].key())),
                "p_detente": share(c.detente), "p_vicious_cycle": share(c.vicious_cycle),
                "pareto_efficient": c.pareto_efficient,
            })
        })
        .collect();
    let equilibria: Vec<Value> = r
        .equilibria
        .iter()
        .enumerate()
        .map(|(k, e)| {
            json!({
                "equilibrium": k + 1, "kind": kind(e),
                "mix": per_side(&|i| json!(e.support(i).iter().map(|&s| json!({
                    "key": strategy_key(&r.setup.candidates[i][s]), "probability": e.mix[i][s],
                })).collect::<Vec<_>>())),
                "welfare": per_side(&|i| json!(e.welfare[i])),
                "p_detente": e.detente, "p_vicious_cycle": e.vicious_cycle,
                "pareto_efficient": e.pareto_efficient, "robust": e.is_clear(), "component": e.component + 1,
            })
        })
        .collect();
    let v = json!({
        "scenario": r.setup.meta.scenario, "id": r.setup.meta.scenario_id, "runs_per_cell": r.setup.meta.runs,
        "seed": r.setup.meta.seed, "rounds": r.setup.meta.rounds, "welfare_unit": r.setup.meta.welfare_unit,
        "sides": sides, "candidates": candidates, "cells": cells, "equilibria": equilibria, "degenerate": r.degenerate,
    });
    serde_json::to_string_pretty(&v).expect("JSON of plain values") + "\n"
}

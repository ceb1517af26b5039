/*!
The fit's and the backtest's rows as CSV (`fit.csv`, `backtest.csv`) and as
text for the terminal. Pure: each function returns bytes or a string.
*/

use std::fmt::Write;

use super::csv::{csv_bytes, num};
use super::table::{TextTable, WIDTH, shorten};
use crate::calibrate::backtest::Backtest;
use crate::calibrate::fit::{CandidateFit, Estimate, SideFit};
use crate::calibrate::history::History;
use crate::fmt;
use crate::scenario::Scenario;

/// `fit.csv` columns.
pub const FIT_COLUMNS: [&str; 19] = [
    "side",
    "rank",
    "strategy",
    "param_name",
    "param",
    "param_ci_low",
    "param_ci_high",
    "noise",
    "noise_ci_low",
    "noise_ci_high",
    "misperception",
    "misperception_ci_low",
    "misperception_ci_high",
    "ln_l",
    "k",
    "aic",
    "delta_aic",
    "akaike_weight",
    "needs_noise",
];

/// `backtest.csv` columns.
pub const BACKTEST_COLUMNS: [&str; 10] =
    ["round", "month", "side", "observed", "percentile", "p10", "p50", "p90", "mean", "inside"];

fn estimate_cells(e: Option<&Estimate>) -> [String; 3] {
    match e {
        Some(e) if e.fitted => [num(e.value, 4), num(e.ci_low, 4), num(e.ci_high, 4)],
        Some(e) => [num(e.value, 4), String::new(), String::new()],
        None => [String::new(), String::new(), String::new()],
    }
}

/// Months a fit cannot explain without noise, as "Sep 2025;Nov 2025".
fn months(history: &History, rounds: &[u32]) -> String {
    rounds.iter().map(|&t| history.round_label(t)).collect::<Vec<_>>().join(";")
}

/// One row per side × candidate, best first within each side.
pub fn fit_csv(sc: &Scenario, history: &History, fits: &[SideFit]) -> Vec<u8> {
    let rows = fits.iter().flat_map(|sf| {
        sf.fits.iter().enumerate().map(move |(rank, f)| {
            let [p, p_lo, p_hi] = estimate_cells(f.param.as_ref());
            let [e, e_lo, e_hi] = estimate_cells(Some(&f.noise));
            let [m, m_lo, m_hi] = estimate_cells(f.misperception.as_ref());
            vec![
                sc.sides[sf.side].name.clone(),
                (rank + 1).to_string(),
                f.candidate.name().to_string(),
                f.candidate.param.map_or(String::new(), |p| p.name().to_string()),
                p,
                p_lo,
                p_hi,
                e,
                e_lo,
                e_hi,
                m,
                m_lo,
                m_hi,
                num(f.ln_l, 4),
                f.k.to_string(),
                num(f.aic, 4),
                num(f.delta_aic, 4),
                num(f.weight, 4),
                months(history, &f.needs_noise),
            ]
        })
    });
    csv_bytes(FIT_COLUMNS.map(String::from).to_vec(), rows)
}

/// One row per month × side.
pub fn backtest_csv(sc: &Scenario, bt: &Backtest) -> Vec<u8> {
    let rows = bt.rows.iter().map(|r| {
        vec![
            r.round.to_string(),
            r.label.clone(),
            sc.sides[r.side].name.clone(),
            num(r.observed, 4),
            num(r.percentile, 2),
            num(r.p10, 3),
            num(r.p50, 3),
            num(r.p90, 3),
            num(r.mean, 4),
            r.inside.to_string(),
        ]
    });
    csv_bytes(BACKTEST_COLUMNS.map(String::from).to_vec(), rows)
}

/// "0.12 [0.03, 0.41]".
pub fn estimate_text(e: &Estimate) -> String {
    if e.fitted {
        format!("{} [{}, {}]", fmt::prob(e.value), fmt::prob(e.ci_low), fmt::prob(e.ci_high))
    } else {
        format!("{} (fixed)", fmt::prob(e.value))
    }
}

/// "C D D D ..." of a side's postures.
fn postures(history: &History, side: usize) -> String {
    history.postures(side).iter().map(|a| if a.is_d() { "D" } else { "C" }).collect::<Vec<_>>().join("")
}

/// The terminal summary of a fit: per side, the postures read from the
/// record, the ranking, the best fit in words, and the moves that need noise.
pub fn fit_text(sc: &Scenario, history: &History, fits: &[SideFit]) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Fit to {} ({} – {}, {} months); 95% intervals are likelihood-profile intervals (ΔlnL = 1.92)",
        history.path.display(),
        history.round_label(1),
        history.round_label(history.rounds),
        history.rounds
    );
    for sf in fits {
        let side = &sc.sides[sf.side];
        let _ = writeln!(
            out,
            "\n{} ({}): postures {} (D = a lever rose that month)",
            side.label,
            side.name,
            postures(history, sf.side)
        );
        let (own, other) = (history.postures(sf.side), history.postures(1 - sf.side));
        let lagged = (1..own.len()).filter(|&t| own[t] == other[t - 1]).count();
        let same = own.iter().zip(&other).filter(|(a, b)| a == b).count();
        let _ = writeln!(
            out,
            "  copies the other side's previous-month posture in {lagged} of {} months, its same-month posture in {same} of {} \
             (the model's strategies see only the previous month: a reply within the month looks simultaneous)",
            own.len().saturating_sub(1),
            own.len()
        );
        let q: Vec<String> = side.provocations.iter().map(|p| fmt::prob(p.prob.nominal())).collect();
        if !q.is_empty() {
            let _ = writeln!(
                out,
                "  provocations at the scenario's rates ({}/month) count as possible causes of a D",
                q.join(", ")
            );
        }
        let mut ranking = TextTable::new(
            ["  rank", "strategy", "lnL", "k", "AIC", "ΔAIC", "Akaike weight"].map(String::from).to_vec(),
        );
        ranking.left.push(1);
        let mut estimates = TextTable::new(
            ["  rank", "strategy", "parameter [95% CI]", "noise ε [95% CI]", "misperception μ [95% CI]"]
                .map(String::from)
                .to_vec(),
        );
        estimates.left.extend([1, 2, 3, 4]);
        for (rank, f) in sf.fits.iter().enumerate() {
            let param = match (f.candidate.param, f.param) {
                (Some(p), Some(e)) => format!("{} {}", p.spec.symbol, estimate_text(&e)),
                _ => "—".to_string(),
            };
            let rank = format!("  {}", rank + 1);
            ranking.row(vec![
                rank.clone(),
                f.candidate.kind.to_string(),
                fmt::stat(f.ln_l),
                f.k.to_string(),
                fmt::stat(f.aic),
                fmt::stat(f.delta_aic),
                fmt::stat(f.weight),
            ]);
            estimates.row(vec![
                rank,
                f.candidate.kind.to_string(),
                param,
                estimate_text(&f.noise),
                f.misperception.map_or("— (not read)".to_string(), |m| estimate_text(&m)),
            ]);
        }
        out.push_str(&ranking.render());
        out.push_str(&estimates.render());
        let best = &sf.fits[0];
        let _ = writeln!(out, "  best: {}", sentence(side.label.as_str(), history, best));
        for f in sf.fits.iter().filter(|f| !f.needs_noise.is_empty()) {
            let need = if f.noise.fitted && f.noise.ci_low > 0.0 {
                format!("needs ε ≥ {} (95% profile bound)", fmt::prob(f.noise.ci_low))
            } else {
                "needs ε > 0".to_string()
            };
            let moves: Vec<String> = f
                .needs_noise
                .iter()
                .map(|&t| {
                    format!(
                        "{} in {}",
                        if history.posture(t, sf.side).is_d() { "D" } else { "C" },
                        history.round_label(t)
                    )
                })
                .collect();
            let _ = writeln!(
                out,
                "  note: without noise {} gives zero probability to {}: it {need}",
                f.candidate.kind,
                moves.join(", ")
            );
        }
    }
    fmt::wrap(&out, WIDTH)
}

/// One sentence an analyst can quote about a side's best fit.
pub fn sentence(label: &str, history: &History, f: &CandidateFit) -> String {
    let label = if label.ends_with('s') { format!("{label}'") } else { format!("{label}'s") };
    let period = format!("{} to {}", history.round_label(1), history.round_label(history.rounds));
    if f.strategy.traits().memory_depth == Some(0) {
        // A history-blind rule with noise is a coin: say so.
        let p_d = match f.strategy {
            crate::strategy::Strategy::Random(r) => r.p_escalate,
            ref s => {
                let p = s.p_escalate(&crate::strategy::View::first());
                f.noise.value + (1.0 - 2.0 * f.noise.value) * p
            }
        };
        return format!(
            "No reciprocal strategy explains {label} moves from {period} better than a history-blind rule \
             ({}, ε = {}): escalating in about {:.0}% of months whatever the other side did (lnL {}, Akaike weight {})",
            f.strategy.describe(),
            estimate_text(&f.noise),
            100.0 * p_d,
            fmt::stat(f.ln_l),
            fmt::stat(f.weight)
        );
    }
    let mut s = format!("{label} moves from {period} are best explained by {}", f.strategy.describe());
    if let (Some(p), Some(e)) = (f.candidate.param, f.param) {
        let _ = write!(s, " ({} {})", p.name(), estimate_text(&e));
    }
    if f.noise.fitted {
        let _ = write!(s, " with implementation noise ε = {}", estimate_text(&f.noise));
    }
    if let Some(m) = f.misperception {
        let _ = write!(s, " and misperception μ = {}", estimate_text(&m));
    }
    let _ = write!(s, " (lnL {}, Akaike weight {})", fmt::stat(f.ln_l), fmt::stat(f.weight));
    s
}

/// The terminal summary of a backtest.
pub fn backtest_text(sc: &Scenario, history: &History, bt: &Backtest) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Backtest of {} against {} ({}, seed {}); percentile = mid-rank of the observed index among the runs",
        sc.name,
        history.path.display(),
        fmt::count_of(bt.runs, "run"),
        bt.seed
    );
    let _ = write!(out, "{:<10}", "month");
    for s in &sc.sides {
        let _ = write!(out, "  {:>8} {:>6} {:>11}", shorten(&s.name, 8), "pct", "p10–p90");
    }
    let _ = writeln!(out);
    for t in 1..=bt.rounds {
        let _ = write!(out, "{:<10}", history.round_label(t));
        for r in bt.rows.iter().filter(|r| r.round == t) {
            let band = format!("{}–{}", fmt::index(Some(r.p10)), fmt::index(Some(r.p90)));
            let flag = if r.inside { ' ' } else { '*' };
            let _ = write!(out, "  {:>8} {:>5.1}{flag} {:>11}", fmt::index(Some(r.observed)), r.percentile, band);
        }
        let _ = writeln!(out);
    }
    let _ = writeln!(out, "* outside the simulated 10–90% band");
    for (i, s) in sc.sides.iter().enumerate() {
        let (inside, n) = bt.coverage(Some(i));
        let _ = writeln!(out, "{}: {inside} of {n} months inside the 10–90% band", s.label);
    }
    let (inside, n) = bt.coverage(None);
    let _ = writeln!(
        out,
        "both sides: {inside} of {n} side-months inside ({:.0}%; 80% expected if the model were right)",
        100.0 * inside as f64 / n.max(1) as f64
    );
    fmt::wrap(&out, WIDTH)
}

/// A fitted value and its interval as JSON (`null` bounds when not fitted).
fn estimate_json(e: Option<&Estimate>) -> serde_json::Value {
    use serde_json::{Value, json};
    match e {
        Some(e) if e.fitted => json!({ "value": e.value, "ci_low": e.ci_low, "ci_high": e.ci_high, "fitted": true }),
        Some(e) => json!({ "value": e.value, "ci_low": Value::Null, "ci_high": Value::Null, "fitted": false }),
        None => Value::Null,
    }
}

/// The fit as one JSON document (`--json`): the rows of `fit.csv` per side,
/// best first, with the sentence the terminal prints.
pub fn fit_json(sc: &Scenario, history: &History, fits: &[SideFit]) -> String {
    use serde_json::{Value, json};
    let sides: Vec<Value> = fits
        .iter()
        .map(|sf| {
            let side = &sc.sides[sf.side];
            let candidates: Vec<Value> = sf
                .fits
                .iter()
                .enumerate()
                .map(|(rank, f)| {
                    json!({
                        "rank": rank + 1, "strategy": f.candidate.name(),
                        "param_name": f.candidate.param.map(|p| p.name()),
                        "param": estimate_json(f.param.as_ref()),
                        "noise": estimate_json(Some(&f.noise)),
                        "misperception": estimate_json(f.misperception.as_ref()),
                        "ln_l": f.ln_l, "k": f.k, "aic": f.aic, "delta_aic": f.delta_aic, "akaike_weight": f.weight,
                        "needs_noise": f.needs_noise.iter().map(|&t| history.round_label(t)).collect::<Vec<_>>(),
                    })
                })
                .collect();
            json!({
                "side": side.name, "label": side.label, "postures": postures(history, sf.side),
                "best": sentence(&side.label, history, &sf.fits[0]), "candidates": candidates,
            })
        })
        .collect();
    let v = json!({
        "scenario": sc.name, "id": sc.id, "history": history.path.display().to_string(),
        "first_month": history.round_label(1), "last_month": history.round_label(history.rounds),
        "months": history.rounds, "sides": sides,
    });
    serde_json::to_string_pretty(&v).expect("JSON of plain values") + "\n"
}

/// The backtest as one JSON document (`--json`): the rows of `backtest.csv`
/// and the band's coverage per side and overall.
pub fn backtest_json(sc: &Scenario, history: &History, bt: &Backtest) -> String {
    use serde_json::{Map, Value, json};
    let rows: Vec<Value> = bt
        .rows
        .iter()
        .map(|r| {
            json!({
                "round": r.round, "month": r.label, "side": sc.sides[r.side].name, "observed": r.observed,
                "percentile": r.percentile, "p10": r.p10, "p50": r.p50, "p90": r.p90, "mean": r.mean, "inside": r.inside,
            })
        })
        .collect();
    let mut coverage = Map::new();
    for (i, s) in sc.sides.iter().enumerate() {
        let (inside, n) = bt.coverage(Some(i));
        coverage.insert(s.name.clone(), json!({ "inside": inside, "months": n }));
    }
    let (inside, n) = bt.coverage(None);
    coverage.insert("all".to_string(), json!({ "inside": inside, "months": n }));
    let v = json!({
        "scenario": sc.name, "id": sc.id, "history": history.path.display().to_string(), "runs": bt.runs,
        "seed": bt.seed, "rows": rows, "coverage": coverage,
    });
    serde_json::to_string_pretty(&v).expect("JSON of plain values") + "\n"
}

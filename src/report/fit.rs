/*!
The fit's and the backtest's rows as CSV (`fit.csv`, `backtest.csv`) and as
text for the terminal. Pure: each function returns bytes or a string.
*/

use std::fmt::Write;

use super::csv::{csv_bytes, num};
use super::table::{TextTable, WIDTH, shorten};
use crate::calibrate::backtest::Backtest;
use crate::calibrate::fit::recovery::Recovery;
use crate::calibrate::fit::{CandidateFit, Estimate, SideFit};
use crate::calibrate::history::History;
use crate::calibrate::scoring::{self, ScoreRow};
use crate::fmt;
use crate::scenario::Scenario;

/// `fit.csv` columns.
pub const FIT_COLUMNS: [&str; 23] = [
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
    "n",
    "aic",
    "aicc",
    "delta_aicc",
    "akaike_weight",
    "ci_boundary",
    "identified",
    "needs_noise",
];

/// `recovery.csv` columns.
pub const RECOVERY_COLUMNS: [&str; 18] = [
    "side",
    "true_strategy",
    "param_name",
    "true_param",
    "true_noise",
    "true_misperception",
    "records",
    "rounds",
    "recovered",
    "recovered_share",
    "history_blind_share",
    "mean_akaike_weight",
    "param_coverage",
    "noise_coverage",
    "misperception_coverage",
    "mean_ci_width",
    "seed",
    "selected",
];

/// `backtest.csv` columns.
pub const BACKTEST_COLUMNS: [&str; 28] = [
    "round",
    "month",
    "side",
    "observed",
    "percentile",
    "p10",
    "p50",
    "p90",
    "mean",
    "inside",
    "posture",
    "p_d_model",
    "p_d_persistence",
    "p_d_base_rate",
    "p_d_coin",
    "brier_model",
    "brier_persistence",
    "brier_base_rate",
    "brier_coin",
    "log_model",
    "log_persistence",
    "log_base_rate",
    "log_coin",
    "crps_model",
    "crps_persistence",
    "crps_uniform",
    "pit",
    "scored",
];

fn estimate_cells(e: Option<&Estimate>) -> [String; 3] {
    match e {
        Some(e) if e.fitted => [num(e.value, 4), num(e.ci_low, 4), num(e.ci_high, 4)],
        Some(e) => [num(e.value, 4), String::new(), String::new()],
        None => [String::new(), String::new(), String::new()],
    }
}

/// Months a fit cannot explain without noise, as "Sep 2025;Nov 2025".
fn months(history: &History, rounds: &[u32]) -> String {
    rounds.iter().map(|&t| round_label(history, t)).collect::<Vec<_>>().join(";")
}

/// A round's month, or "pooled round k" for a round of a pooled episode
/// (rounds run on past the record's).
fn round_label(history: &History, t: u32) -> String {
    if t <= history.rounds { history.round_label(t) } else { format!("pooled round {}", t - history.rounds) }
}

/// Which of a fit's estimates sit on a bound (their intervals are the
/// one-sided χ̄² ones): "noise;misperception".
fn boundary_cell(f: &CandidateFit) -> String {
    let on = |e: Option<&Estimate>| e.is_some_and(|e| e.fitted && e.boundary);
    let names = [
        (on(f.param.as_ref()), f.candidate.param.map_or("param", |p| p.name())),
        (on(Some(&f.noise)), "noise"),
        (on(f.misperception.as_ref()), "misperception"),
    ];
    names.iter().filter(|(b, _)| *b).map(|(_, n)| *n).collect::<Vec<_>>().join(";")
}

/// One row per side × candidate, best first within each side; `identified`
/// (of the side's record, on its best row) is `true` or `false`, empty on the others.
pub fn fit_csv(sc: &Scenario, history: &History, fits: &[SideFit]) -> Vec<u8> {
    let rows = fits.iter().flat_map(|sf| {
        let identified = sf.identification().identified();
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
                f.n.to_string(),
                num(f.aic, 4),
                num(f.aicc, 4),
                num(f.delta_aicc, 4),
                num(f.weight, 4),
                boundary_cell(f),
                if rank == 0 { identified.to_string() } else { String::new() },
                months(history, &f.needs_noise),
            ]
        })
    });
    csv_bytes(FIT_COLUMNS.map(String::from).to_vec(), rows)
}

/// One row per month × side: the observed index in the simulated
/// distribution, then the forecasts and scores of `scores` (same rows).
pub fn backtest_csv(sc: &Scenario, bt: &Backtest, scores: &[ScoreRow]) -> Vec<u8> {
    let rows = bt.rows.iter().map(|r| {
        let mut row = vec![
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
        ];
        let s = scores.iter().find(|s| s.round == r.round && s.side == r.side);
        let cell = |x: f64| if x.is_finite() { num(x, 4) } else { String::new() };
        match s {
            Some(s) => {
                row.push(if s.d { "D" } else { "C" }.to_string());
                row.extend(s.p.iter().map(|&x| cell(x)));
                row.extend(s.brier().iter().map(|&x| cell(x)));
                row.extend(s.log().iter().map(|&x| cell(x)));
                row.extend(s.crps.iter().map(|&x| cell(x)));
                row.push(cell(s.pit));
                row.push(s.p[0].is_finite().to_string());
            }
            None => row.extend((0..18).map(|_| String::new())),
        }
        row
    });
    csv_bytes(BACKTEST_COLUMNS.map(String::from).to_vec(), rows)
}

/// The scores in words: mean Brier, log score and CRPS per forecaster, per
/// side and overall, the PIT histogram, and whether the model beats the
/// baselines.
pub fn scores_text(sc: &Scenario, scores: &[ScoreRow], train: Option<&str>) -> String {
    let mut out = String::new();
    match train {
        Some(t) => {
            let _ = writeln!(out, "\nOut-of-sample scores: strategies {t}; baselines from the same training record");
        }
        None => {
            let _ = writeln!(
                out,
                "\nIn-sample scores: the scenario's own strategies, and baselines fitted to this same record \
                 (use --train SCENARIO=HISTORY for an out-of-sample test)"
            );
        }
    }
    let _ = writeln!(
        out,
        "Posture: P(D) one month ahead, Brier (p − y)² and log score −ln P(observed); index: CRPS of the \
         simulated escalation index from the record's start (persistence = stays at its start, uniform on \
         [0, 1]). Lower is better."
    );
    let mut table = TextTable::new(
        ["  sides", "n", "Brier: model", "persist.", "base rate", "coin", "log: model", "persist.", "base", "coin"]
            .map(String::from)
            .to_vec(),
    );
    let mut crps = TextTable::new(["  sides", "n", "CRPS: model", "persistence", "uniform"].map(String::from).to_vec());
    let groups: Vec<(String, Option<usize>)> = sc
        .sides
        .iter()
        .enumerate()
        .map(|(i, s)| (s.name.clone(), Some(i)))
        .chain([("both".to_string(), None)])
        .collect();
    let f = |x: f64| if x.is_finite() { format!("{x:.3}") } else { "—".to_string() };
    for (name, side) in &groups {
        let m = scoring::mean_scores(scores, *side);
        let mut row = vec![format!("  {name}"), m.n.to_string()];
        row.extend(m.brier.iter().map(|&x| f(x)));
        row.extend(m.log.iter().map(|&x| f(x)));
        table.row(row);
        let mut row = vec![format!("  {name}"), m.n.to_string()];
        row.extend(m.crps.iter().map(|&x| f(x)));
        crps.row(row);
    }
    out.push_str(&table.render());
    out.push_str(&crps.render());
    let pit = scoring::pit_histogram(scores, 10);
    let _ = writeln!(
        out,
        "PIT of the observed index (10 bins from 0 to 1; uniform if calibrated, {:.1} per bin): {}",
        scores.len() as f64 / 10.0,
        pit.iter().map(|c| c.to_string()).collect::<Vec<_>>().join(" ")
    );
    out.push_str(&verdict(scores));
    fmt::wrap(&out, WIDTH)
}

/// Whether the model beats the best baseline on each score, with the paired
/// mean difference and its standard error (months treated as independent).
pub fn verdict(scores: &[ScoreRow]) -> String {
    let m = scoring::mean_scores(scores, None);
    let mut out = String::new();
    if !m.brier[0].is_finite() {
        let _ = writeln!(
            out,
            "VERDICT: the model's posture forecasts cannot be scored (a strategy the fit's likelihood does not \
             follow, or a move the model gives zero probability)"
        );
    }
    let line = |what: &str, names: &[&str], means: &[f64], (diff, se, best): (f64, f64, usize)| {
        if !means[0].is_finite() {
            return String::new();
        }
        let beats = means[0] < means[best];
        let clear = (diff + 2.0 * se) < 0.0;
        format!(
            "VERDICT ({what}): the model {} the best baseline ({}): {:.3} against {:.3}, paired difference \
             {diff:+.3} ± {:.3} (2 s.e.){}\n",
            if beats { "beats" } else { "does NOT beat" },
            names[best].replace('_', " "),
            means[0],
            means[best],
            2.0 * se,
            if beats && !clear { ", within noise" } else { "" }
        )
    };
    out.push_str(&line("Brier", &scoring::FORECASTERS, &m.brier, m.brier_vs_best));
    out.push_str(&line("log score", &scoring::FORECASTERS, &m.log, m.log_vs_best));
    out.push_str(&line("CRPS of the index", &scoring::INDEX_FORECASTERS, &m.crps, m.crps_vs_best));
    out
}

/// One row per side × true model.
pub fn recovery_csv(sc: &Scenario, recoveries: &[Recovery], seed: u64) -> Vec<u8> {
    let share = |c: Option<usize>, r: &Recovery| c.map_or(String::new(), |c| num(r.share(c), 4));
    let rows = recoveries.iter().map(|r| {
        let t = &r.truth;
        vec![
            sc.sides[r.side].name.clone(),
            t.candidate.name().to_string(),
            t.candidate.param.map_or(String::new(), |p| p.name().to_string()),
            t.param.map_or(String::new(), |e| num(e.value, 4)),
            if t.noise.fitted { num(t.noise.value, 4) } else { String::new() },
            t.misperception.map_or(String::new(), |e| num(e.value, 4)),
            r.records.to_string(),
            r.rounds.to_string(),
            r.recovered.to_string(),
            num(r.recovered_share(), 4),
            num(r.share(r.history_blind), 4),
            num(r.mean_weight, 4),
            share(r.param_covered, r),
            share(r.noise_covered, r),
            share(r.misperception_covered, r),
            num(r.mean_width, 4),
            seed.to_string(),
            r.selected.iter().filter(|(_, n)| *n > 0).map(|(k, n)| format!("{k}:{n}")).collect::<Vec<_>>().join(";"),
        ]
    });
    csv_bytes(RECOVERY_COLUMNS.map(String::from).to_vec(), rows)
}

/// The recovery test in words, per side and true model.
pub fn recovery_text(sc: &Scenario, recoveries: &[Recovery], seed: u64) -> String {
    let mut out = String::new();
    if let Some(r) = recoveries.first() {
        let _ = writeln!(
            out,
            "\nRecovery test: {} simulated records of {} months each from each true model below (seed {seed}), \
             refitted with every candidate",
            r.records, r.rounds
        );
    }
    let mut table = TextTable::new(
        ["  side", "true model", "ranked 1st", "blind 1st", "weight", "CI covers truth", "CI width"]
            .map(String::from)
            .to_vec(),
    );
    table.left.extend([0, 1]);
    for r in recoveries {
        let model = r.truth.candidate.label();
        let cover = [("θ", r.param_covered), ("ε", r.noise_covered), ("μ", r.misperception_covered)]
            .iter()
            .filter_map(|(n, c)| c.map(|c| format!("{n} {:.0}%", 100.0 * r.share(c))))
            .collect::<Vec<_>>()
            .join(", ");
        table.row(vec![
            format!("  {}", sc.sides[r.side].name),
            model,
            format!("{:.0}%", 100.0 * r.recovered_share()),
            format!("{:.0}%", 100.0 * r.share(r.history_blind)),
            fmt::stat(r.mean_weight),
            cover,
            fmt::stat(r.mean_width),
        ]);
    }
    out.push_str(&table.render());
    let _ = writeln!(
        out,
        "  true model = the side's fit above, at its estimates; ranked 1st = the true model has the lowest \
         AICc; blind 1st = a history-blind model has; weight = its mean Akaike weight; CI covers \
         truth = its refitted 95% intervals contain the true values (95% if exact); CI width = mean width \
         of the strategy parameter's interval (of ε without one)"
    );
    fmt::wrap(&out, WIDTH)
}

/// "0.12 [0.03, 0.41]", with "†" for a one-sided interval from a bound.
pub fn estimate_text(e: &Estimate) -> String {
    if e.fitted {
        let mark = if e.boundary { "†" } else { "" };
        format!("{} [{}, {}]{mark}", fmt::prob(e.value), fmt::prob(e.ci_low), fmt::prob(e.ci_high))
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
        "Fit to {} ({} – {}, {} months); models ranked by AICc (AIC corrected for {} observations); \
         95% intervals are likelihood-profile intervals (ΔlnL = 1.92), † one-sided from a bound the \
         estimate sits on (χ̄² = ½χ²₀ + ½χ²₁, ΔlnL = 1.35)",
        history.path.display(),
        history.round_label(1),
        history.round_label(history.rounds),
        history.rounds,
        fits.first().map_or(history.rounds as usize, |f| f.rounds)
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
            ["  rank", "model", "lnL", "k", "AICc", "ΔAICc", "Akaike weight"].map(String::from).to_vec(),
        );
        ranking.left.push(1);
        let mut estimates = TextTable::new(
            ["  rank", "model", "parameter [CI]", "noise ε [CI]", "misperception μ [CI]"].map(String::from).to_vec(),
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
                f.candidate.label(),
                fmt::stat(f.ln_l),
                f.k.to_string(),
                fmt::stat(f.aicc),
                fmt::stat(f.delta_aicc),
                fmt::stat(f.weight),
            ]);
            estimates.row(vec![
                rank,
                f.candidate.label(),
                param,
                estimate_text(&f.noise),
                f.misperception.map_or("— (not read)".to_string(), |m| estimate_text(&m)),
            ]);
        }
        out.push_str(&ranking.render());
        out.push_str(&estimates.render());
        let best = &sf.fits[0];
        let _ = writeln!(out, "  best: {}", sentence(side.label.as_str(), history, best));
        let id = sf.identification();
        if !id.identified() {
            let _ = writeln!(
                out,
                "  WARNING: this record does not identify a strategy for {}: {}",
                side.label,
                id.reasons.join("; ")
            );
        }
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
                    if t > history.rounds {
                        return format!("the move of {}", round_label(history, t));
                    }
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
                f.candidate.label(),
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
            "No reciprocal strategy explains {label} moves from {period} better than a {}: \
             escalating in about {:.0}% of months whatever the other side did (lnL {}, Akaike weight {})",
            crate::calibrate::fit::BERNOULLI,
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
/// best first, with the sentence the terminal prints, and the rows of
/// `recovery.csv` (empty without `--recovery`).
pub fn fit_json(sc: &Scenario, history: &History, fits: &[SideFit], recoveries: &[Recovery]) -> String {
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
                        "ln_l": f.ln_l, "k": f.k, "n": f.n, "aic": f.aic, "aicc": f.aicc, "delta_aicc": f.delta_aicc,
                        "akaike_weight": f.weight, "ci_boundary": boundary_cell(f),
                        "needs_noise": f.needs_noise.iter().map(|&t| round_label(history, t)).collect::<Vec<_>>(),
                    })
                })
                .collect();
            json!({
                "side": side.name, "label": side.label, "postures": postures(history, sf.side),
                "best": sentence(&side.label, history, &sf.fits[0]), "candidates": candidates,
                "identified": sf.identification().identified(), "not_identified_because": sf.identification().reasons,
            })
        })
        .collect();
    let v = json!({
        "scenario": sc.name, "id": sc.id, "history": history.path.display().to_string(),
        "first_month": history.round_label(1), "last_month": history.round_label(history.rounds),
        "months": history.rounds, "sides": sides,
        "recovery": recoveries.iter().map(|r| json!({
            "side": sc.sides[r.side].name, "true_strategy": r.truth.candidate.name(), "records": r.records,
            "rounds": r.rounds, "recovered_share": r.recovered_share(), "history_blind_share": r.share(r.history_blind),
            "mean_akaike_weight": r.mean_weight,
            "param_coverage": r.param_covered.map(|c| r.share(c)),
            "noise_coverage": r.noise_covered.map(|c| r.share(c)),
            "misperception_coverage": r.misperception_covered.map(|c| r.share(c)),
            "mean_ci_width": r.mean_width,
            "selected": r.selected.iter().map(|(k, n)| json!({ "strategy": k, "count": n })).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
    });
    serde_json::to_string_pretty(&v).expect("JSON of plain values") + "\n"
}

/// The backtest as one JSON document (`--json`): the rows of `backtest.csv`
/// (the band), the band's coverage per side and overall, and the scores
/// (per row, the means per side and overall, and whether the model beats the
/// best baseline).
pub fn backtest_json(
    sc: &Scenario,
    history: &History,
    bt: &Backtest,
    scores: &[ScoreRow],
    train: Option<&str>,
) -> String {
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
    let named = |names: &[&str], xs: &[f64]| -> Map<String, Value> {
        names.iter().zip(xs).map(|(n, x)| (n.to_string(), json!(x))).collect()
    };
    let mut means = Map::new();
    let groups = sc.sides.iter().enumerate().map(|(i, s)| (s.name.clone(), Some(i))).chain([("all".into(), None)]);
    for (name, side) in groups {
        let m = scoring::mean_scores(scores, side);
        let [b, l, c] = scoring::beats(&m);
        means.insert(
            name,
            json!({
                "n": m.n,
                "brier": named(&scoring::FORECASTERS, &m.brier),
                "log": named(&scoring::FORECASTERS, &m.log),
                "crps": named(&scoring::INDEX_FORECASTERS, &m.crps),
                "model_beats_best_baseline": { "brier": b, "log": l, "crps": c },
            }),
        );
    }
    let score_rows: Vec<Value> = scores
        .iter()
        .map(|r| {
            json!({
                "round": r.round, "side": sc.sides[r.side].name, "posture": if r.d { "D" } else { "C" },
                "p_d": named(&scoring::FORECASTERS, &r.p), "crps": named(&scoring::INDEX_FORECASTERS, &r.crps),
                "pit": r.pit,
            })
        })
        .collect();
    let v = json!({
        "scenario": sc.name, "id": sc.id, "history": history.path.display().to_string(), "runs": bt.runs,
        "seed": bt.seed, "rows": rows, "coverage": coverage,
        "scores": {
            "out_of_sample": train.is_some(), "strategies": train, "means": means, "rows": score_rows,
            "pit_histogram": scoring::pit_histogram(scores, 10),
        },
    });
    serde_json::to_string_pretty(&v).expect("JSON of plain values") + "\n"
}

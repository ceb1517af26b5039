/*!
Write fitted strategies and noise into a copy of a scenario file.

`apply_fit` edits the TOML text with `scenario::edit`, so every comment, key order
and blank line of the base file survives: only each fitted side's `strategy`,
`noise` and (when fitted) `misperception` values change, each followed by a
comment giving the estimate's 95% interval, and a header names the fit (the
history file, the record's months, each side's log-likelihood). The result is
validated as a scenario before it is returned. Pure: text in, text out.
*/

use std::path::Path;

use crate::calibrate::fit::{CandidateFit, Estimate};
use crate::scenario::edit::{Document, InlineTable, Node, Step, Value};
use crate::scenario::{self};

/// Why a fitted copy could not be made.
#[derive(Debug, thiserror::Error)]
pub enum FittedScenarioError {
    #[error("{path}: not a TOML document: {message}")]
    Toml { path: String, message: String },
    #[error("{path}: no `[[sides]]` table named `{side}` (sides: {known})")]
    NoSide { path: String, side: String, known: String },
    #[error("the fitted copy of {path} is not a valid scenario: {message}")]
    Invalid { path: String, message: String },
}

/// Where a fit came from, for the header comment.
#[derive(Clone, Debug)]
pub struct FitOrigin {
    /// The history file, as given.
    pub history: String,
    /// "Jan 2025 – Dec 2025 (12 months)".
    pub period: String,
}

/// `base` (the text of `base_path`) with each named side's strategy and noise
/// replaced by its fit.
pub fn apply_fit(
    base_path: &Path,
    base: &str,
    fits: &[(&str, &CandidateFit)],
    origin: &FitOrigin,
) -> Result<String, FittedScenarioError> {
    let path = base_path.display().to_string();
    let base = strip_fit_header(base);
    let mut doc =
        Document::parse(base).map_err(|e| FittedScenarioError::Toml { path: path.clone(), message: e.to_string() })?;
    let known = side_names(&doc).join(", ");
    let mut header = vec![format!("{HEADER_START} to {} ({}):", origin.history, origin.period)];
    for (side, fit) in fits {
        let sides = [Step::Key("sides".to_string())];
        let Some(i) = doc.find_entry(&sides, "name", side) else {
            return Err(FittedScenarioError::NoSide { path, side: side.to_string(), known });
        };
        let at = |key: &str| [sides[0].clone(), Step::Index(i), Step::Key(key.to_string())];
        let tag = format!("fitted to {}", origin.history);
        let mut strategy = InlineTable::new();
        strategy.insert("kind", fit.candidate.name().into());
        if let (Some(p), Some(e)) = (fit.candidate.param, fit.param) {
            strategy.insert(p.name(), round3(e.value).into());
        }
        let strategy_note = match (fit.candidate.param, fit.param) {
            (Some(p), Some(e)) => format!("{tag}: {} {}", p.name(), interval(&e)),
            _ => tag.clone(),
        };
        set(&mut doc, &at("strategy"), Value::InlineTable(strategy), &strategy_note);
        set(&mut doc, &at("noise"), round3(fit.noise.value).into(), &noise_note(&tag, &fit.noise));
        if let Some(m) = fit.misperception {
            set(&mut doc, &at("misperception"), round3(m.value).into(), &format!("{tag}: 95% CI {}", interval(&m)));
        }
        header.push(format!(
            "#   {side}: {} (lnL {:.2}, k = {}, AIC {:.2}); the rest of this file is {}",
            fit.strategy.describe(),
            fit.ln_l,
            fit.k,
            fit.aic,
            if fit.misperception.is_some() { "as in the base" } else { "as in the base (misperception not fitted)" },
        ));
    }
    header.push(format!("{HEADER_END}{path}"));
    let text = format!("{}\n{}", header.join("\n"), doc);
    scenario::parse(base_path, &text).map_err(|e| FittedScenarioError::Invalid { path, message: e.to_string() })?;
    Ok(text)
}

/// The first line of the header `apply_fit` writes, and its last line's start.
const HEADER_START: &str = "# Strategies and noise FITTED by `simulate fit`";
const HEADER_END: &str = "#   base: ";

/// Where the strategies of a fitted scenario come from, read from the header
/// `apply_fit` writes: "data/us-china-2025.csv (Jan 2025 – Dec 2025, 12
/// months)"; `None` for a scenario not written by a fit.
pub fn fit_origin(text: &str) -> Option<String> {
    let first = text.lines().next()?.strip_prefix(HEADER_START)?;
    let origin = first.trim().strip_prefix("to ")?.trim_end_matches(':').trim();
    (!origin.is_empty()).then(|| origin.to_string())
}

/// `text` without a header an earlier fit wrote, so that refitting a fitted
/// file replaces its header instead of stacking a second one.
fn strip_fit_header(text: &str) -> &str {
    if !text.starts_with(HEADER_START) {
        return text;
    }
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        offset += line.len();
        if line.starts_with(HEADER_END) {
            return &text[offset..];
        }
    }
    text
}

fn noise_note(tag: &str, e: &Estimate) -> String {
    if e.fitted {
        format!("{tag}: 95% CI {}", interval(e))
    } else {
        format!("{tag}: held at 0 (confounded with the strategy)")
    }
}

/// Set the key at `steps` (in a side's table, which exists) to `value` with
/// a trailing comment, keeping the key's own comments (the lines above it).
fn set(doc: &mut Document, steps: &[Step], mut value: Value, note: &str) {
    value.decor_mut().set_prefix(" ");
    value.decor_mut().set_suffix(format!("  # {note}"));
    let written = doc.set(steps, value);
    debug_assert!(written.is_some(), "a side's table takes any key");
}

fn interval(e: &Estimate) -> String {
    format!("[{:.3}, {:.3}]", e.ci_low, e.ci_high)
}

/// Three decimals: the precision the data support, and readable in a file.
fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

fn side_names(doc: &Document) -> Vec<String> {
    let sides = doc.root().get("sides").and_then(Node::items).unwrap_or_default();
    sides.iter().filter_map(|t| t.get("name").and_then(Node::as_str)).map(|s| format!("`{s}`")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calibrate::fit::Candidate;
    use crate::strategy::Strategy;

    const BASE: &str = r#"# A scenario with comments.
rounds = 3

[[sides]]
name = "us"
# Why this strategy (a guess).
strategy = { kind = "tit_for_tat" }   # old note
noise = 0.02          # assumption
[[sides.levers]]
name = "tariffs"
ladder = [0, 1]
pain = 1

[[sides]]
name = "china"
strategy = { kind = "tit_for_tat" }
[[sides.levers]]
name = "tariffs"
ladder = [0, 1]
pain = 1
"#;

    fn fit(kind: &str, param: Option<f64>) -> CandidateFit {
        let candidate = Candidate::new(kind).unwrap();
        let e = |v: f64| Estimate { value: v, ci_low: v / 2.0, ci_high: v * 2.0, fitted: true };
        CandidateFit {
            strategy: candidate.strategy(param.unwrap_or(0.0)),
            param: param.map(e),
            misperception: candidate.fits_misperception().then(|| e(0.12345)),
            candidate,
            ln_l: -5.0,
            k: 3,
            aic: 16.0,
            delta_aic: 0.0,
            weight: 1.0,
            noise: e(0.0876),
            needs_noise: vec![],
            predictive: vec![],
        }
    }

    #[test]
    fn fitted_values_replace_the_old_ones_and_comments_survive() {
        let origin = FitOrigin { history: "data/h.csv".into(), period: "Jan 2025 – Mar 2025 (3 months)".into() };
        let us = fit("generous_tit_for_tat", Some(0.31416));
        let china = fit("always_escalate", None);
        let text = apply_fit(Path::new("base.toml"), BASE, &[("us", &us), ("china", &china)], &origin).unwrap();
        assert!(text.starts_with(
            "# Strategies and noise FITTED by `simulate fit` to data/h.csv (Jan 2025 – Mar 2025 (3 months)):"
        ));
        assert!(text.contains("# A scenario with comments."));
        assert!(text.contains("# Why this strategy (a guess).\nstrategy = { kind = \"generous_tit_for_tat\", generosity = 0.314 }  # fitted to data/h.csv: generosity [0.157, 0.628]"));
        assert!(text.contains("noise = 0.088  # fitted to data/h.csv: 95% CI [0.044, 0.175]"));
        assert!(text.contains("misperception = 0.123"));
        assert!(!text.contains("old note") && !text.contains("assumption"));
        let sc = scenario::parse(Path::new("out.toml"), &text).unwrap();
        assert_eq!(sc.sides[0].strategy, crate::strategy::Kind::GenerousTitForTat.with(&[0.314]));
        assert_eq!((sc.sides[0].noise.nominal(), sc.sides[0].misperception.nominal()), (0.088, 0.123));
        assert_eq!(sc.sides[1].strategy, Strategy::AlwaysEscalate(crate::strategy::AlwaysEscalate));
        assert_eq!(
            sc.sides[1].misperception.nominal(),
            0.0,
            "not fitted for a strategy that ignores the other side: left as is"
        );
        // Refitting the fitted file replaces its header.
        let again = apply_fit(Path::new("base.toml"), &text, &[("us", &us)], &origin).unwrap();
        assert_eq!(again.matches(HEADER_START).count(), 1);
        assert!(again.contains("# A scenario with comments."));
    }

    #[test]
    fn an_unknown_side_is_an_error() {
        let origin = FitOrigin { history: "h.csv".into(), period: "p".into() };
        let eu = fit("tit_for_tat", None);
        let e = apply_fit(Path::new("base.toml"), BASE, &[("eu", &eu)], &origin).unwrap_err();
        assert_eq!(e.to_string(), "base.toml: no `[[sides]]` table named `eu` (sides: `us`, `china`)");
    }
}

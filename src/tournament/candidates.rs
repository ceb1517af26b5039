/*!
Candidate strategies for a tournament, per side of a validated `Scenario`.

They come from a comma-separated list of strategy kinds on the command line
(`--side us=tit_for_tat,grim_trigger`) or from a TOML file that gives each side
an array of strategy tables, with parameters:

```toml
[candidates]
us = [
  { kind = "tit_for_tat" },
  { kind = "generous_tit_for_tat", generosity = 0.1 },
  { kind = "generous_tit_for_tat" },  # default generosity, from the stage game
]
china = [{ kind = "win_stay_lose_shift" }, { kind = "always_concede" }]
```

Each entry is validated exactly like a scenario's `strategy = { ... }` table,
by the same function, against the scenario's sides (so a generous TFT without
`generosity` gets the default of that side's stage game), and errors point at
the offending text: a line of the file, or the name within the command-line
list.
*/

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::Path;
use std::sync::Arc;

use serde::Deserialize;

use crate::error::ScenarioError;
use crate::scenario::Scenario;
use crate::scenario::raw::{RawStrategy, S};
use crate::scenario::{nearest, strategy_for_side, toml_error};
use crate::strategy::Strategy;

/// Most candidates per side (the equilibrium solver's limit).
pub const MAX_CANDIDATES: usize = crate::tournament::nash::MAX_STRATEGIES;

/// Per side of the scenario, in its order: the candidates the file gives, if any.
pub type SideCandidates = Vec<Option<Vec<Strategy>>>;

/// Side name → its strategy tables, as written.
type RawSideLists = BTreeMap<S<String>, S<Vec<S<RawStrategy>>>>;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCandidates {
    candidates: S<RawSideLists>,
}

/// Read and validate a candidates file for `sc`.
pub fn load_candidates(path: &Path, sc: &Scenario) -> Result<SideCandidates, ScenarioError> {
    let empty: Arc<str> = Arc::from("");
    let bytes = crate::input::read_bounded(path, crate::input::MAX_TEXT_BYTES)
        .map_err(|e| ScenarioError::new(path, &empty, None, e.describe("candidates")))?;
    let text = String::from_utf8(bytes)
        .map_err(|_| ScenarioError::new(path, &empty, None, "cannot read candidates: not a UTF-8 text file"))?;
    parse_candidates(path, &text, sc)
}

/// Validate candidates-file text as if read from `path`.
pub fn parse_candidates(path: &Path, text: &str, sc: &Scenario) -> Result<SideCandidates, ScenarioError> {
    let source: Arc<str> = Arc::from(text);
    let raw: RawCandidates = toml::from_str(text).map_err(|e| toml_error(path, &source, &e))?;
    let err = |span: Range<usize>, msg: String| ScenarioError::new(path, &source, Some(span), msg);
    let names: Vec<&str> = sc.sides.iter().map(|s| s.name.as_str()).collect();
    let mut out: SideCandidates = vec![None; sc.sides.len()];
    if raw.candidates.get_ref().is_empty() {
        return Err(err(raw.candidates.span(), "`[candidates]` lists no side".into())
            .with_help(format!("give an array of strategies for {}", list(&names))));
    }
    for (name, entries) in raw.candidates.get_ref() {
        let Some(side) = sc.side_index(name.get_ref()) else {
            return Err(unknown_side(
                err(name.span(), format!("unknown side `{}`", name.get_ref())),
                name.get_ref(),
                sc,
            ));
        };
        if entries.get_ref().is_empty() {
            return Err(err(entries.span(), format!("no candidates for side `{}`", name.get_ref())));
        }
        let strategies = entries
            .get_ref()
            .iter()
            .map(|e| strategy_for_side(path, &source, e, &sc.sides, side).map(|s| (s, e.span())))
            .collect::<Result<Vec<_>, _>>()?;
        out[side] = Some(distinct(strategies, names[side], &|span, msg| err(span, msg))?);
    }
    Ok(out)
}

/// Validate a side's comma-separated list of strategy kinds. A kind is taken
/// with the parameters the scenario gives it when it is that side's own
/// strategy in the scenario (`generous_tit_for_tat` is then the scenario's
/// calibrated generous TFT), else with its defaults, checked as in a scenario
/// file. `origin` names where the list came from (`--us`); errors point at
/// the name within the list.
pub fn parse_strategy_list(
    origin: &str,
    list: &str,
    sc: &Scenario,
    side: usize,
) -> Result<Vec<Strategy>, ScenarioError> {
    let source: Arc<str> = Arc::from(list);
    let path = Path::new(origin);
    let err = |span: Range<usize>, msg: String| ScenarioError::new(path, &source, Some(span), msg);
    let mut strategies = Vec::new();
    let mut start = 0;
    for item in list.split(',') {
        let trimmed = item.trim();
        let offset = start + (item.len() - item.trim_start().len());
        let span = offset..offset + trimmed.len();
        start += item.len() + 1;
        if trimmed.is_empty() {
            return Err(err(span, format!("empty strategy name in `{origin}`"))
                .with_help("list strategy kinds separated by commas, e.g. tit_for_tat,grim_trigger"));
        }
        let own = &sc.sides[side].strategy;
        if own.name() == trimmed {
            strategies.push((own.clone(), span));
            continue;
        }
        let raw =
            S::new(span.clone(), RawStrategy { kind: S::new(span.clone(), trimmed.to_string()), params: Vec::new() });
        let strategy = strategy_for_side(path, &source, &raw, &sc.sides, side).map_err(|e| {
            if e.message.contains("needs `") {
                e.with_help("strategies with required parameters can be given in a --candidates file")
            } else {
                e
            }
        })?;
        strategies.push((strategy, span));
    }
    distinct(strategies, &sc.sides[side].name, &err)
}

/// The strategies, refusing duplicates (they would only add copies of a row
/// to the game) and more than [`MAX_CANDIDATES`].
fn distinct(
    strategies: Vec<(Strategy, Range<usize>)>,
    side: &str,
    err: &dyn Fn(Range<usize>, String) -> ScenarioError,
) -> Result<Vec<Strategy>, ScenarioError> {
    if let Some((_, span)) = strategies.get(MAX_CANDIDATES) {
        return Err(err(
            span.clone(),
            format!("side `{side}` has {} candidates; at most {MAX_CANDIDATES} are supported", strategies.len()),
        ));
    }
    let mut out: Vec<Strategy> = Vec::with_capacity(strategies.len());
    for (s, span) in strategies {
        if out.contains(&s) {
            return Err(err(span, format!("duplicate candidate for side `{side}`: {}", s.describe()))
                .with_help("each candidate must differ (a default generosity may equal an explicit one)"));
        }
        out.push(s);
    }
    Ok(out)
}

/// Add the scenario's side names (and the nearest one) to an unknown-side error.
pub fn unknown_side(err: ScenarioError, got: &str, sc: &Scenario) -> ScenarioError {
    let names: Vec<&str> = sc.sides.iter().map(|s| s.name.as_str()).collect();
    let known = format!("the sides of `{}` are {}", sc.id, list(&names));
    match nearest(got, &names) {
        Some(n) => err.with_help(format!("did you mean `{n}`? {known}")),
        None => err.with_help(known),
    }
}

fn list(names: &[&str]) -> String {
    names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn classic() -> Scenario {
        crate::scenario::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/classic-ipd.toml")).unwrap()
    }

    /// GTFT with the default generosity of the classic stage game (about 1/3).
    fn default_gtft(sc: &Scenario) -> Strategy {
        let g = sc.stage_game(0);
        crate::strategy::Kind::GenerousTitForTat.with(&[crate::strategy::gtft_generosity(g.r, g.s, g.t, g.p).unwrap()])
    }

    #[test]
    fn list_resolves_defaults_like_a_scenario() {
        let sc = classic();
        let got = parse_strategy_list("--row", "tit_for_tat, generous_tit_for_tat,always_escalate", &sc, 0).unwrap();
        assert_eq!(
            got,
            [
                Strategy::TitForTat(crate::strategy::TitForTat),
                default_gtft(&sc),
                Strategy::AlwaysEscalate(crate::strategy::AlwaysEscalate)
            ]
        );
    }

    #[test]
    fn the_scenarios_own_kind_keeps_its_parameters() {
        let mut sc = classic();
        sc.set_strategy(1, crate::strategy::Kind::GenerousTitForTat.with(&[0.2]));
        let got = parse_strategy_list("--column", "generous_tit_for_tat,tit_for_tat", &sc, 1).unwrap();
        assert_eq!(
            got,
            [crate::strategy::Kind::GenerousTitForTat.with(&[0.2]), Strategy::TitForTat(crate::strategy::TitForTat)]
        );
        // The other side does not use it: the stage-game default applies.
        assert_eq!(parse_strategy_list("--row", "generous_tit_for_tat", &sc, 0).unwrap(), [default_gtft(&sc)]);
    }

    #[test]
    fn unknown_name_points_at_it_and_lists_the_catalogue() {
        let sc = classic();
        let e = parse_strategy_list("--row", "tit_for_tat,grim_triger", &sc, 0).unwrap_err();
        assert_eq!(e.span, Some(12..23));
        let text = e.render();
        assert!(text.contains("unknown strategy `grim_triger`"), "{text}");
        assert!(text.contains("did you mean `grim_trigger`?"), "{text}");
        assert!(text.contains("win_stay_lose_shift"), "{text}");
    }

    #[test]
    fn empty_names_duplicates_and_required_parameters_are_errors() {
        let sc = classic();
        assert!(
            parse_strategy_list("--row", "tit_for_tat,,grim_trigger", &sc, 0).unwrap_err().message.contains("empty")
        );
        let e = parse_strategy_list("--row", "tit_for_tat,tit_for_tat", &sc, 0).unwrap_err();
        assert!(e.message.contains("duplicate"), "{}", e.message);
        assert_eq!(e.span, Some(12..23));
        let e = parse_strategy_list("--row", "memory_one", &sc, 0).unwrap_err();
        assert!(e.help.unwrap().contains("--candidates"));
        let many = vec!["random"; MAX_CANDIDATES + 1].join(",");
        assert!(parse_strategy_list("--row", &many, &sc, 0).unwrap_err().message.contains("at most"));
    }

    #[test]
    fn file_gives_parameters_per_side() {
        let sc = classic();
        let text = "[candidates]\nrow = [{ kind = \"generous_tit_for_tat\", generosity = 0.1 }, { kind = \"generous_tit_for_tat\" }]\n";
        let got = parse_candidates(Path::new("c.toml"), text, &sc).unwrap();
        assert_eq!(
            got,
            vec![Some(vec![crate::strategy::Kind::GenerousTitForTat.with(&[0.1]), default_gtft(&sc)]), None]
        );
    }

    #[test]
    fn file_errors_point_at_the_line() {
        let sc = classic();
        let e = parse_candidates(Path::new("c.toml"), "[candidates]\ncolumm = [{ kind = \"tit_for_tat\" }]\n", &sc)
            .unwrap_err();
        assert_eq!(e.line_col(), Some((2, 1)));
        assert!(e.help.as_deref().unwrap().contains("did you mean `column`?"));
        let text =
            "[candidates]\nrow = [\n  { kind = \"tit_for_tat\" },\n  { kind = \"random\", generosity = 0.2 },\n]\n";
        let e = parse_candidates(Path::new("c.toml"), text, &sc).unwrap_err();
        assert_eq!(e.line_col(), Some((4, 22)), "{}", e.render());
        assert!(e.message.contains("no parameter `generosity`"));
        let e = parse_candidates(
            Path::new("c.toml"),
            "[candidates]\nrow = [{ kind = \"tit_for_tat\", forgive = 1 }]\n",
            &sc,
        )
        .unwrap_err();
        assert!(e.message.contains("has no parameter `forgive`"), "{}", e.message);
        assert_eq!(e.line_col(), Some((2, 32)));
    }
}

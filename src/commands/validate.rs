//! `simulate validate`: check scenario files and describe each side's stage game.

use std::path::PathBuf;

use serde_json::{Value, json};
use tradewar::report::table::WIDTH;
use tradewar::scenario::{self, Scenario};

use super::{Failure, term};

pub(super) fn validate(files: &[PathBuf], as_json: bool) -> Result<(), Failure> {
    let mut errors = Vec::new();
    let mut text = String::new();
    let mut docs = Vec::new();
    for f in files {
        match scenario::load(f) {
            Ok(sc) => {
                text.push_str(&describe(f, &sc));
                docs.push(valid_json(f, &sc));
            }
            Err(e) => {
                docs.push(json!({
                    "path": f.display().to_string(), "ok": false, "error": e.message, "help": e.help,
                    "line": e.span.as_ref().map(|s| e.source[..s.start.min(e.source.len())].lines().count().max(1)),
                }));
                errors.push(e);
            }
        }
    }
    if as_json {
        let doc = json!({ "files": docs });
        term::print(&(serde_json::to_string_pretty(&doc).expect("JSON of plain values") + "\n"))?;
    } else {
        term::print(&tradewar::fmt::wrap(&text, WIDTH))?;
    }
    if errors.is_empty() { Ok(()) } else { Err(Failure::Scenario(errors)) }
}

fn describe(f: &std::path::Path, sc: &Scenario) -> String {
    let mut text = format!(
        "ok: {} ({}: {} rounds, {} vs {})\n",
        f.display(),
        sc.name,
        sc.rounds,
        sc.sides[0].name,
        sc.sides[1].name
    );
    for i in 0..2 {
        let g = sc.stage_game(i);
        text.push_str(&format!(
            "    {} stage game: R={} S={} T={} P={} ({}); strategy {}\n",
            sc.sides[i].name,
            stage(g.r),
            stage(g.s),
            stage(g.t),
            stage(g.p),
            g.kind().name(),
            sc.sides[i].strategy.describe()
        ));
        if g.escalation_never_pays() {
            text.push_str(&format!(
                "    warning: escalating never pays `{}` in the stage game (T <= R and P <= S): only the\n      \
                 other side's concessions can make it pay; check its revenue, terms-of-trade and\n      \
                 political gains (docs/model.md §5b)\n",
                sc.sides[i].name
            ));
        }
    }
    text
}

/// A stage-game payoff: welfare units per round, three decimals.
fn stage(x: f64) -> String {
    tradewar::fmt::signed(Some(x), 3)
}

fn valid_json(f: &std::path::Path, sc: &Scenario) -> Value {
    let sides: Vec<Value> = (0..2)
        .map(|i| {
            let g = sc.stage_game(i);
            json!({
                "name": sc.sides[i].name, "label": sc.sides[i].label, "strategy": sc.sides[i].strategy.describe(),
                "stage_game": { "r": g.r, "s": g.s, "t": g.t, "p": g.p, "kind": g.kind().name() },
            })
        })
        .collect();
    json!({
        "path": f.display().to_string(), "ok": true, "name": sc.name, "rounds": sc.rounds, "runs": sc.runs,
        "seed": sc.seed, "sides": sides,
    })
}

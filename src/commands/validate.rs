//! `simulate validate`: check scenario files and describe each side's stage game.

use std::path::PathBuf;

use tradewar::scenario;

use super::{Failure, term};

pub(super) fn validate(files: &[PathBuf]) -> Result<(), Failure> {
    let mut errors = Vec::new();
    let mut text = String::new();
    for f in files {
        match scenario::load(f) {
            Ok(sc) => {
                text.push_str(&format!(
                    "ok: {} ({}: {} rounds, {} vs {})\n",
                    f.display(),
                    sc.name,
                    sc.rounds,
                    sc.sides[0].name,
                    sc.sides[1].name
                ));
                for i in 0..2 {
                    let g = sc.stage_game(i);
                    text.push_str(&format!(
                        "    {} stage game: R={:.3} S={:.3} T={:.3} P={:.3}: {}; strategy {}\n",
                        sc.sides[i].name,
                        g.r,
                        g.s,
                        g.t,
                        g.p,
                        g.kind().name(),
                        sc.sides[i].strategy.describe()
                    ));
                    if g.escalation_never_pays() {
                        text.push_str(&format!(
                            "    warning: escalating never pays `{}` in the stage game (T <= R and P <= S): only the other \
                             side's concessions can make it pay; check its revenue, terms-of-trade and political gains \
                             (docs/model.md §5)\n",
                            sc.sides[i].name
                        ));
                    }
                }
            }
            Err(e) => errors.push(e),
        }
    }
    term::print(&text)?;
    if errors.is_empty() { Ok(()) } else { Err(Failure::Scenario(errors)) }
}

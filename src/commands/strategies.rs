//! `simulate strategies`: the strategy catalogue with parameters and defaults.

use tradewar::strategy::CATALOG;

use super::{Failure, term};

pub(super) fn strategies() -> Result<(), Failure> {
    let mut text = String::new();
    for e in CATALOG {
        text.push_str(&format!("{}  ({})\n    {}\n", e.kind, e.names, e.about));
        for p in e.params {
            match p.default {
                Some(d) => text.push_str(&format!("    {} = {}  [default: {d}]\n", p.name, p.about)),
                None => text.push_str(&format!("    {} = {}  [required]\n", p.name, p.about)),
            }
        }
    }
    text.push_str("\nIn a scenario: strategy = { kind = \"generous_tit_for_tat\", generosity = 0.2 }\n");
    term::print(&text)
}

//! `simulate strategies`: the strategy catalogue with parameters and defaults.

use tradewar::strategy::CATALOG;

pub(super) fn strategies() {
    for e in CATALOG {
        println!("{}  ({})", e.kind, e.names);
        println!("    {}", e.about);
        for p in e.params {
            match p.default {
                Some(d) => println!("    {} = {}  [default: {d}]", p.name, p.about),
                None => println!("    {} = {}  [required]", p.name, p.about),
            }
        }
    }
    println!("\nIn a scenario: strategy = {{ kind = \"generous_tit_for_tat\", generosity = 0.2 }}");
}

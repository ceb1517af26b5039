//! `simulate strategies`: the strategy registry with parameters and defaults.

use tradewar::strategy::{Kind, ParamDefault};

pub(super) fn strategies() {
    for kind in Kind::ALL {
        let e = kind.info();
        println!("{}  ({})", e.name, e.names);
        println!("    {}", e.about);
        for p in e.params {
            match p.default {
                ParamDefault::Value(d) => {
                    println!("    {} = {}  [default: {}]", p.name, p.about, tradewar::fmt::num(d, 6))
                }
                ParamDefault::StageGame => println!(
                    "    {} = {}  [default: min(1 - (T-R)/(R-S), (R-P)/(T-P)) of the side's stage game (1/3 for R=3 S=0 T=5 P=1)]",
                    p.name, p.about
                ),
                ParamDefault::Required => println!("    {} = {}  [required]", p.name, p.about),
            }
        }
    }
    println!("\nIn a scenario: strategy = {{ kind = \"generous_tit_for_tat\", generosity = 0.2 }}");
}

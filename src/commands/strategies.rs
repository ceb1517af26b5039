//! `simulate strategies`: the strategy registry with parameters and defaults.

use tradewar::strategy::{Kind, ParamDefault};

use super::{Failure, term};

pub(super) fn strategies() -> Result<(), Failure> {
    let mut text = String::new();
    for kind in Kind::ALL {
        let e = kind.info();
        text.push_str(&format!("{}  ({})\n    {}\n", e.name, e.names, e.about));
        for p in e.params {
            match p.default {
                ParamDefault::Value(d) => {
                    text.push_str(&format!("    {} = {}  [default: {}]\n", p.name, p.about, tradewar::fmt::num(d, 6)))
                }
                ParamDefault::StageGame => text.push_str(&format!(
                    "    {} = {}  [default: min(1 - (T-R)/(R-S), (R-P)/(T-P)) of the side's stage game (1/3 for R=3 S=0 T=5 P=1)]\n",
                    p.name, p.about
                )),
                ParamDefault::Required => text.push_str(&format!("    {} = {}  [required]\n", p.name, p.about)),
            }
        }
    }
    text.push_str("\nIn a scenario: strategy = { kind = \"generous_tit_for_tat\", generosity = 0.2 }\n");
    term::print(&text)
}

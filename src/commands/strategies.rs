//! `simulate strategies`: the strategy registry with parameters and defaults.

use serde_json::{Value, json};
use tradewar::strategy::{Kind, ParamDefault};

use super::{Failure, term};

const STAGE_DEFAULT: &str = "min(1 - (T-R)/(R-S), (R-P)/(T-P)) of the side's stage game (1/3 for R=3 S=0 T=5 P=1)";

pub(super) fn strategies(as_json: bool) -> Result<(), Failure> {
    if as_json {
        return term::print(&(serde_json::to_string_pretty(&catalogue_json()).expect("JSON of plain values") + "\n"));
    }
    let mut text = String::new();
    for kind in Kind::ALL {
        let e = kind.info();
        text.push_str(&format!("{}  ({})\n    {}\n", e.name, e.names, e.about));
        for p in e.params {
            let default = match p.default {
                ParamDefault::Value(d) => format!("default: {}", tradewar::fmt::num(d, 6)),
                ParamDefault::StageGame => format!("default: {STAGE_DEFAULT}"),
                ParamDefault::Required => "required".to_string(),
            };
            text.push_str(&format!("    {} = {}  [{default}]\n", p.name, p.about));
        }
    }
    text.push_str("\nIn a scenario: strategy = { kind = \"generous_tit_for_tat\", generosity = 0.2 }\n");
    term::print(&tradewar::fmt::wrap(&text, tradewar::report::table::WIDTH))
}

fn catalogue_json() -> Value {
    let kinds: Vec<Value> = Kind::ALL
        .iter()
        .map(|kind| {
            let e = kind.info();
            let params: Vec<Value> = e
                .params
                .iter()
                .map(|p| {
                    let default = match p.default {
                        ParamDefault::Value(d) => json!(d),
                        ParamDefault::StageGame => json!(STAGE_DEFAULT),
                        ParamDefault::Required => Value::Null,
                    };
                    json!({
                        "name": p.name, "symbol": p.symbol, "about": p.about, "min": p.range.0, "max": p.range.1,
                        "default": default, "required": matches!(p.default, ParamDefault::Required),
                    })
                })
                .collect();
            json!({ "kind": e.name, "title": e.title, "names": e.names, "about": e.about, "params": params })
        })
        .collect();
    json!({ "strategies": kinds })
}

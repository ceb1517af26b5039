/*!
The starter scenario `simulate new` writes: small but complete, every field
present (or shown in a comment) and explained, so that a new scenario starts
from a file that validates and runs. docs/scenarios.md is the reference.
*/

/// The starter scenario named `name` (written as a TOML string).
pub fn starter(name: &str) -> String {
    STARTER.replace("{{NAME}}", &toml_string(name))
}

/// `s` as a TOML basic string, quotes included.
fn toml_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

const STARTER: &str = r#"# A starter scenario written by `simulate new`. Every field is here, with
# what it means; fields marked "optional" may be deleted to take their
# default. Reference: docs/scenarios.md (fields), docs/model.md (equations).
#
#   simulate validate THIS_FILE      check it and print each side's stage game
#   simulate THIS_FILE               run it (output/<file stem>/)
#   simulate strategies              the strategies and their parameters
#
# Numbers below are placeholders, chosen so that each side's stage game is a
# prisoner's dilemma (escalating pays a little on its own, mutual escalation
# costs both): replace them with your own, and sweep the ones you are unsure
# of (`simulate sweep THIS_FILE --list-params`).

name = {{NAME}}         # display name: tables and chart titles
description = "What this scenario asks, and where its numbers come from."  # optional
rounds = 24             # rounds per run (1–10,000)
runs = 10000            # optional: Monte Carlo runs (default 10,000; --runs overrides)
seed = 2025             # optional: master seed (default 2025; --seed overrides)
discount = 1.0          # optional: per-round discount factor δ in (0, 1] (default 1)
round_unit = "month"    # optional: what a round is (labels only; default "round")
welfare_unit = "$bn"    # optional: unit of pain, cost and welfare (labels only)
first_round = "Jan 2026"  # optional: month of round 1 ("Jan 2026" or "2026-01"): charts label months

# Optional: how a run is classified from its final `window` rounds (docs/model.md §6b).
[outcomes]
window = 6              # final rounds examined (default ⌊rounds/4⌋)
low = 0.2               # détente: each side's mean escalation index ≤ low
high = 0.5              # vicious cycle: both ≥ high; coercion: one ≥ high, the other ≤ low
exchanges = 3           # vicious cycle also if this many window rounds hold mutual retaliation
rise = 0.1              # ...and each side's index rose at least this much above its start

# ---------------------------------------------------------------------------
# The first side. Exactly two sides.

[[sides]]
name = "a"              # identifier: letters, digits, _ and -; names CSV columns
label = "Country A"     # optional: display name (default: name)
# The strategy decides each round whether to escalate (D) or concede (C).
# Other kinds (`simulate strategies` lists them all, with parameters):
#   { kind = "tit_for_tat" }
#   { kind = "contrite_tit_for_tat" }             does not answer punishment of its own slip
#   { kind = "proportional", ratio = 1, cap = 2 } answers n rungs with ratio × n (at most cap)
#   { kind = "resolve", resolve = { exponential = 40 } }  escalates until its loss reaches its resolve
#   { kind = "coercer" }                          escalates until its demand is met
#   { kind = "learner", recency = 0.1, experimentation = 0.2, initial = 0.5, strength = 2 }
strategy = { kind = "generous_tit_for_tat", generosity = 0.2 }
noise = 0.02            # optional: ε, chance an intended move comes out the opposite
misperception = 0.05    # optional: μ, chance a concession by B is read as an escalation
baseline_welfare = 0    # optional: b, welfare per round before any lever
mutual_escalation_cost = 0.2  # optional: m, extra loss per round of E_a × E_b
primary = "tariffs"     # optional: lever escalated when there is nothing specific to answer

# Optional: what A wants of B (levers of B and the level each must come down
# to). Default: every lever of B back at its floor.
demands = [{ lever = "purchases", level = 100 }]

[[sides.levers]]
name = "tariffs"
label = "A's tariffs"   # optional: display name
unit = "% average tariff"   # optional: unit of the ladder values
ladder = [10, 25, 50, 100]  # rungs, least to most escalated (2–64; increasing or decreasing)
start = 10              # optional: rung at the start (default: first rung)
floor = 10              # optional: lowest rung A steps down to by choice (default: first rung)
# Welfare terms, per round at full intensity (the top rung), in welfare units.
# Each is a number or a distribution drawn once per run:
#   { uniform = [lo, hi] }, { normal = { mean = 3, sd = 1, min = 0, max = 6 } },
#   { beta = [a, b] }, { exponential = mean }
pain = { uniform = [2.0, 4.0] }   # π: loss inflicted on B
cost = 1.0              # optional: c, loss to A's own buyers (negative: a gain)
revenue = 0.6           # optional: tariff revenue A collects back, offsetting cost
terms_of_trade = 0.3    # optional: A's terms-of-trade gain
political_gain = 0.4    # optional: A's domestic political gain (payoff, not welfare)
political_pain = 0.0    # optional: extra political loss to B (payoff, not welfare; eroded like pain)
erosion = 0.05          # optional: ρ in [0, 1], share of the pain lost to substitution per round
erosion_floor = 0.3     # optional: φ in [0, 1], share of the pain substitution never removes
weight = 1.0            # optional: weight in A's escalation index
answers = ["tariffs"]   # optional: B's levers this lever answers

[[sides.levers]]
name = "export_controls"
unit = "items controlled"
ladder = [0, 10, 20]
pain = 1.0
cost = 0.1
political_gain = 0.2
answers = ["purchases"]

# Optional: random escalations no strategy chose (accidents, agencies acting alone).
[[sides.provocations]]
lever = "export_controls"
prob = 0.05             # chance per round
label = "new export-control listing"

# ---------------------------------------------------------------------------
# The second side.

[[sides]]
name = "b"
label = "Country B"
strategy = { kind = "contrite_tit_for_tat" }
noise = 0.02
misperception = 0.05
demands = [{ lever = "tariffs", level = 10 }]

[[sides.levers]]
name = "tariffs"
label = "B's tariffs"
unit = "% average tariff"
ladder = [10, 25, 50, 100]
pain = 2.0
cost = 1.0
revenue = 0.5
terms_of_trade = 0.2
political_gain = 0.5
political_pain = 0.5    # e.g. a hurt constituency on A's side
answers = ["tariffs"]

[[sides.levers]]
name = "purchases"
unit = "% of usual purchases"
ladder = [100, 50, 0]   # decreasing: cutting purchases is the escalation
pain = { normal = { mean = 1.5, sd = 0.5, min = 0.5, max = 2.5 } }
cost = 0.3
political_gain = 0.4
erosion = { beta = [2, 18] }
answers = ["export_controls"]

# ---------------------------------------------------------------------------
# Optional events: truces that lapse unless renewed, and scheduled changes.

[[events]]
kind = "suspension"
label = "one-year tariff truce"   # shown on the trajectory chart
start = 1               # round at whose start it applies
duration = 12           # rounds until it lapses or is renewed
renew_prob = 0.5        # chance of renewal at each expiry
# Each measure caps a lever at `level`; on lapse it snaps back to at least `snap_back`.
measures = [{ side = "a", lever = "tariffs", level = 10, snap_back = 25 }]

[[events]]
kind = "scheduled"
label = "B's scheduled tariff rise"
start = 6
side = "b"
lever = "tariffs"
to = 25
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_starter_validates_and_uses_every_field() {
        let text = starter("My \"first\" standoff");
        let sc = super::super::parse(std::path::Path::new("starter.toml"), &text)
            .unwrap_or_else(|e| panic!("{}", e.render()));
        assert_eq!(sc.name, "My \"first\" standoff");
        assert!(sc.sides.iter().all(|s| s.demands_given));
        for field in [
            "demands",
            "revenue",
            "terms_of_trade",
            "political_gain",
            "political_pain",
            "erosion_floor",
            "provocations",
            "suspension",
            "scheduled",
            "first_round",
            "[outcomes]",
        ] {
            assert!(text.contains(field), "{field}");
        }
        for kind in ["resolve", "coercer", "learner", "contrite_tit_for_tat", "proportional", "generous_tit_for_tat"] {
            assert!(text.contains(&format!("kind = \"{kind}\"")), "{kind}");
        }
        // Each commented strategy is a valid strategy table too.
        for line in text.lines().filter(|l| l.starts_with("#   { kind")) {
            let table = &line[4..line.rfind('}').unwrap() + 1];
            let variant =
                text.replace("strategy = { kind = \"contrite_tit_for_tat\" }", &format!("strategy = {table}"));
            super::super::parse(std::path::Path::new("starter.toml"), &variant)
                .unwrap_or_else(|e| panic!("{table}: {}", e.render()));
        }
    }
}

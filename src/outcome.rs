/*!
Classifying a run from its final window of rounds (docs/model.md §6b).

With W the window, Ē_i the mean escalation index of side i over the window,
E⁰_i its index at the start, and X the number of window rounds holding a
retaliation *exchange* (one side retaliates — escalates by choice right after
perceiving an escalation — and the other retaliates too, in the same round or
the one before), a run is:
- **détente** if every Ē_i ≤ low (the stated reference) and X < exchanges;
- **vicious cycle** if every Ē_i ≥ high, or X ≥ exchanges while every side
  has escalated beyond its start (Ē_i ≥ E⁰_i + rise): echoes at the status
  quo are not a spiral;
- **one-sided coercion** by side i if i's demand is met in every window round
  while i keeps its own levers up (Ē_i > low and Ē_i ≥ E⁰_i);
- **standoff** otherwise.

The classes are disjoint and cover every run.
*/

use crate::engine::GameTrace;
use crate::scenario::OutcomeRules;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Outcome {
    Detente,
    ViciousCycle,
    Coercion,
    Standoff,
}

impl Outcome {
    pub const COUNT: usize = 4;
    pub const ALL: [Outcome; Outcome::COUNT] =
        [Outcome::Detente, Outcome::ViciousCycle, Outcome::Coercion, Outcome::Standoff];

    /// Machine name (CSV, JSON).
    pub fn key(self) -> &'static str {
        match self {
            Outcome::Detente => "detente",
            Outcome::ViciousCycle => "vicious_cycle",
            Outcome::Coercion => "coercion",
            Outcome::Standoff => "standoff",
        }
    }

    /// Human name (tables, charts).
    pub fn title(self) -> &'static str {
        match self {
            Outcome::Detente => "détente",
            Outcome::ViciousCycle => "vicious cycle",
            Outcome::Coercion => "one-sided coercion",
            Outcome::Standoff => "standoff",
        }
    }

    pub fn index(self) -> usize {
        self as usize
    }
}

/// The per-run figures kept by the Monte Carlo.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RunSummary {
    pub outcome: Outcome,
    /// Cumulative (discounted) net welfare of each side.
    pub welfare: [f64; 2],
    /// Cumulative (discounted) payoff of each side: welfare plus political terms.
    pub utility: [f64; 2],
    /// Highest escalation index reached by each side.
    pub peak: [f64; 2],
    /// Each side's mean escalation index over the final window: the
    /// continuous outcome beside the label.
    pub final_index: [f64; 2],
    /// Rounds (whole game) holding a retaliation exchange.
    pub exchanges: u32,
    /// For détente runs: the first round t at which the window ending at t
    /// passes the détente test.
    pub rounds_to_detente: Option<u32>,
    /// For coercion runs: the side whose demand was met.
    pub coercer: Option<usize>,
    /// The first concession to a demand: (side that conceded, round, lever
    /// of that side it lowered).
    pub first_yield: Option<(usize, u32)>,
    pub first_yield_lever: usize,
    /// Whether each side's demand is met after the last round.
    pub demand_met: [bool; 2],
}

/// The outcome of a window with mean indices `mean`, `x` exchanges, starting
/// indices `start` and demands met throughout (`met`); for coercion, the
/// coercer.
pub fn label(
    mean: [f64; 2],
    x: u32,
    start: [f64; 2],
    met: [bool; 2],
    rules: &OutcomeRules,
) -> (Outcome, Option<usize>) {
    if mean[0] <= rules.low && mean[1] <= rules.low && x < rules.exchanges {
        return (Outcome::Detente, None);
    }
    let spiral = (0..2).all(|i| mean[i] >= start[i] + rules.rise);
    if (mean[0] >= rules.high && mean[1] >= rules.high) || (x >= rules.exchanges && spiral) {
        return (Outcome::ViciousCycle, None);
    }
    let coerces = |i: usize| met[i] && mean[i] > rules.low && mean[i] >= start[i];
    match (coerces(0), coerces(1)) {
        (true, false) => (Outcome::Coercion, Some(0)),
        (false, true) => (Outcome::Coercion, Some(1)),
        _ => (Outcome::Standoff, None),
    }
}

pub fn classify(trace: &GameTrace, rules: &OutcomeRules) -> RunSummary {
    let t_end = trace.rounds;
    let w = rules.window.min(t_end).max(1);
    let is_detente = |m: [f64; 2], x: u32| m[0] <= rules.low && m[1] <= rules.low && x < rules.exchanges;

    // The final window: rounds t_end − w + 1 ..= t_end.
    let (sum, x, met) = trace.window(t_end + 1 - w, t_end);
    let mean = [sum[0] / w as f64, sum[1] / w as f64];
    let start = [trace.index(0, 0), trace.index(0, 1)];
    let (outcome, coercer) = label(mean, x, start, met, rules);
    let rounds_to_detente = (outcome == Outcome::Detente).then(|| {
        // Slide the window from the first full one, with running sums.
        let (mut s0, mut s1, mut x) = (0.0, 0.0, 0u32);
        for t in 1..=t_end {
            s0 += trace.index(t, 0);
            s1 += trace.index(t, 1);
            x += trace.exchanged(t) as u32;
            if t > w {
                s0 -= trace.index(t - w, 0);
                s1 -= trace.index(t - w, 1);
                x -= trace.exchanged(t - w) as u32;
            }
            if t >= w && is_detente([s0 / w as f64, s1 / w as f64], x) {
                return t;
            }
        }
        t_end
    });
    RunSummary {
        outcome,
        welfare: trace.welfare,
        utility: trace.utility,
        peak: trace.peak,
        final_index: mean,
        exchanges: trace.exchanges,
        rounds_to_detente,
        coercer,
        first_yield: trace.first_yield,
        first_yield_lever: trace.first_yield_lever,
        demand_met: [trace.demand_met(t_end, 0), trace.demand_met(t_end, 1)],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RULES: OutcomeRules = OutcomeRules { window: 4, low: 0.2, high: 0.5, exchanges: 2, rise: 0.1 };

    #[test]
    fn labels_follow_the_rules_in_order() {
        let z = [0.0; 2];
        assert_eq!(label([0.1, 0.2], 1, z, [true; 2], &RULES), (Outcome::Detente, None));
        assert_eq!(label([0.6, 0.5], 0, z, [false; 2], &RULES), (Outcome::ViciousCycle, None));
        assert_eq!(label([0.3, 0.3], 2, z, [false; 2], &RULES), (Outcome::ViciousCycle, None));
        // Exchanges echoing at the status quo are not a spiral.
        assert_eq!(label([0.3, 0.3], 2, [0.25, 0.25], [false; 2], &RULES), (Outcome::Standoff, None));
        // Coercion: the coercer's demand met, its levers kept up.
        assert_eq!(label([0.9, 0.0], 0, [0.2, 0.2], [true, true], &RULES), (Outcome::Coercion, Some(0)));
        assert_eq!(label([0.1, 0.4], 0, [0.2, 0.2], [false, true], &RULES), (Outcome::Coercion, Some(1)));
        // A side that gave up ground is not coercing, whatever it got.
        assert_eq!(label([0.3, 0.1], 0, [0.4, 0.1], [true, false], &RULES), (Outcome::Standoff, None));
    }
}

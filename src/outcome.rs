/*!
Classifying a run from its final window of rounds (docs/model.md §6).

With W the window, Ē_i the mean escalation index of side i over the window and
X the number of window rounds holding a retaliation *exchange* (one side
retaliates — escalates by choice right after perceiving an escalation — and
the other retaliates too, in the same round or the one before), a run is:
- **détente** if every Ē_i ≤ low and X < exchanges;
- **vicious cycle** if every Ē_i ≥ high, or X ≥ exchanges;
- **one-sided coercion** if one side's Ē ≥ high while the other's ≤ low;
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
    pub welfare: [f64; 2],
    /// Highest escalation index reached by each side.
    pub peak: [f64; 2],
    /// Rounds (whole game) holding a retaliation exchange.
    pub exchanges: u32,
    /// For détente runs: the first round t at which the window ending at t
    /// passes the détente test.
    pub rounds_to_detente: Option<u32>,
}

pub fn classify(trace: &GameTrace, rules: &OutcomeRules) -> RunSummary {
    let t_end = trace.rounds;
    let w = rules.window.min(t_end).max(1);
    let is_detente = |m: [f64; 2], x: u32| m[0] <= rules.low && m[1] <= rules.low && x < rules.exchanges;

    // The final window: rounds t_end − w + 1 ..= t_end.
    let (mut sum, mut x) = ([0.0; 2], 0u32);
    for t in t_end + 1 - w..=t_end {
        sum[0] += trace.index(t, 0);
        sum[1] += trace.index(t, 1);
        x += trace.exchanged(t) as u32;
    }
    let mean = [sum[0] / w as f64, sum[1] / w as f64];
    let outcome = if is_detente(mean, x) {
        Outcome::Detente
    } else if (mean[0] >= rules.high && mean[1] >= rules.high) || x >= rules.exchanges {
        Outcome::ViciousCycle
    } else if (mean[0] >= rules.high && mean[1] <= rules.low) || (mean[1] >= rules.high && mean[0] <= rules.low) {
        Outcome::Coercion
    } else {
        Outcome::Standoff
    };
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
    RunSummary { outcome, welfare: trace.welfare, peak: trace.peak, exchanges: trace.exchanges, rounds_to_detente }
}

/*!
Per-outcome totals of a batch of runs: the one value type the Monte Carlo
fills and that sweeps (per point), tournaments (per cell) and reports read.

A [`Slot`] is an outcome or, explicitly, "all runs"; [`PerSlot`] holds one
value per slot, indexed by it. Every total is an exact integer (counts and
fixed-point [`Moments`]), so adding runs or merging totals is associative and
commutative: the bytes of every output are independent of how runs were split
across threads, shards or machines.
*/

use serde::{Deserialize, Serialize};

use crate::outcome::{Outcome, RunSummary};
use crate::scenario::MAX_LEVERS;
use crate::stats::Moments;

/// An outcome, or every run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Slot {
    Outcome(Outcome),
    All,
}

impl Slot {
    /// Every slot, the outcomes first (in `Outcome::ALL` order), then `All`.
    pub const ALL: [Slot; Outcome::COUNT + 1] = {
        let mut slots = [Slot::All; Outcome::COUNT + 1];
        let mut i = 0;
        while i < Outcome::COUNT {
            slots[i] = Slot::Outcome(Outcome::ALL[i]);
            i += 1;
        }
        slots
    };

    fn index(self) -> usize {
        match self {
            Slot::Outcome(o) => o.index(),
            Slot::All => Outcome::COUNT,
        }
    }

    /// Machine name (CSV, JSON): the outcome's key, or `all`.
    pub fn key(self) -> &'static str {
        match self {
            Slot::Outcome(o) => o.key(),
            Slot::All => "all",
        }
    }

    /// Human name (tables, charts).
    pub fn title(self) -> &'static str {
        match self {
            Slot::Outcome(o) => o.title(),
            Slot::All => "all runs",
        }
    }

    pub fn outcome(self) -> Option<Outcome> {
        match self {
            Slot::Outcome(o) => Some(o),
            Slot::All => None,
        }
    }
}

impl From<Outcome> for Slot {
    fn from(o: Outcome) -> Slot {
        Slot::Outcome(o)
    }
}

/// One value per slot.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct PerSlot<T>([T; Outcome::COUNT + 1]);

impl<T> PerSlot<T> {
    pub fn get(&self, slot: impl Into<Slot>) -> &T {
        &self.0[slot.into().index()]
    }

    pub fn get_mut(&mut self, slot: impl Into<Slot>) -> &mut T {
        &mut self.0[slot.into().index()]
    }

    /// The values in `Slot::ALL` order.
    pub fn values(&self) -> &[T] {
        &self.0
    }

    /// Build from one value per slot, in `Slot::ALL` order.
    pub fn from_fn(f: impl FnMut(usize) -> T) -> PerSlot<T> {
        PerSlot(std::array::from_fn(f))
    }
}

/// Exact totals of a set of runs, per outcome and over all runs. Serialised
/// (shards of a sweep) field by field; `is_consistent` checks what is read back.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Totals {
    /// Runs per slot (`All`: every run).
    pub runs: PerSlot<u64>,
    /// Per slot, per side: cumulative welfare.
    pub welfare: PerSlot<[Moments; 2]>,
    /// Per slot, per side: cumulative payoff (welfare plus political terms).
    pub utility: PerSlot<[Moments; 2]>,
    /// Per slot, per side: mean escalation index over the final window.
    pub final_index: PerSlot<[Moments; 2]>,
    /// Per slot, per side: peak escalation index.
    pub peak: PerSlot<[Moments; 2]>,
    /// Per slot: rounds holding a retaliation exchange.
    pub exchanges: PerSlot<Moments>,
    /// Détente runs: rounds until the détente test first passed.
    pub rounds_to_detente: Moments,
    /// Coercion runs per coercing side.
    pub coercion_by: [u64; 2],
    /// Per side: runs in which it made the first concession to a demand,
    /// with the round it came in (the runs without one are the rest).
    pub first_yield: [Moments; 2],
    /// Per side and lever: runs whose first concession lowered that lever.
    pub first_yield_lever: [[u64; MAX_LEVERS]; 2],
}

impl Totals {
    /// Every run.
    pub fn runs(&self) -> u64 {
        *self.runs.get(Slot::All)
    }

    /// Runs that ended in `outcome`.
    pub fn runs_of(&self, outcome: Outcome) -> u64 {
        *self.runs.get(outcome)
    }

    /// Count one run `weight` times.
    #[inline]
    pub fn add(&mut self, s: &RunSummary, weight: u64) {
        for slot in [Slot::Outcome(s.outcome), Slot::All] {
            *self.runs.get_mut(slot) += weight;
            for i in 0..2 {
                self.welfare.get_mut(slot)[i].add(s.welfare[i], weight);
                self.utility.get_mut(slot)[i].add(s.utility[i], weight);
                self.final_index.get_mut(slot)[i].add(s.final_index[i], weight);
                self.peak.get_mut(slot)[i].add(s.peak[i], weight);
            }
            self.exchanges.get_mut(slot).add(s.exchanges as f64, weight);
        }
        if let Some(r) = s.rounds_to_detente {
            self.rounds_to_detente.add(r as f64, weight);
        }
        if let Some(c) = s.coercer {
            self.coercion_by[c] += weight;
        }
        if let Some((side, round)) = s.first_yield {
            self.first_yield[side].add(round as f64, weight);
            self.first_yield_lever[side][s.first_yield_lever] += weight;
        }
    }

    pub fn merge(&mut self, other: &Totals) {
        for slot in Slot::ALL {
            *self.runs.get_mut(slot) += other.runs.get(slot);
            for i in 0..2 {
                self.welfare.get_mut(slot)[i].merge(&other.welfare.get(slot)[i]);
                self.utility.get_mut(slot)[i].merge(&other.utility.get(slot)[i]);
                self.final_index.get_mut(slot)[i].merge(&other.final_index.get(slot)[i]);
                self.peak.get_mut(slot)[i].merge(&other.peak.get(slot)[i]);
            }
            self.exchanges.get_mut(slot).merge(other.exchanges.get(slot));
        }
        self.rounds_to_detente.merge(&other.rounds_to_detente);
        for i in 0..2 {
            self.coercion_by[i] += other.coercion_by[i];
            self.first_yield[i].merge(&other.first_yield[i]);
            for (a, b) in self.first_yield_lever[i].iter_mut().zip(&other.first_yield_lever[i]) {
                *a += b;
            }
        }
    }

    /// Runs in which no side made a concession to a demand.
    pub fn no_yield(&self) -> u64 {
        self.runs() - self.first_yield[0].n - self.first_yield[1].n
    }

    /// Whether the totals could come from `runs` runs: every run is counted
    /// once in its outcome's slot and once in `All` (for totals read back
    /// from a file).
    pub fn is_consistent(&self, runs: u64) -> bool {
        // Sums are checked: a file can hold any counts.
        let outcomes = Outcome::ALL.iter().try_fold(0u64, |a, &o| a.checked_add(self.runs_of(o)));
        let yields = self.first_yield.iter().try_fold(0u64, |a, m| a.checked_add(m.n));
        let coerced = self.coercion_by.iter().try_fold(0u64, |a, &c| a.checked_add(c));
        outcomes == Some(runs)
            && self.runs() == runs
            && Slot::ALL.iter().all(|&s| {
                let n = *self.runs.get(s);
                self.welfare
                    .get(s)
                    .iter()
                    .chain(self.peak.get(s))
                    .chain(self.utility.get(s))
                    .chain(self.final_index.get(s))
                    .all(|m| m.n == n)
                    && self.exchanges.get(s).n == n
            })
            && self.rounds_to_detente.n <= self.runs_of(Outcome::Detente)
            && coerced == Some(self.runs_of(Outcome::Coercion))
            && yields.is_some_and(|y| y <= runs)
            && (0..2).all(|i| {
                self.first_yield_lever[i].iter().try_fold(0u64, |a, &c| a.checked_add(c)) == Some(self.first_yield[i].n)
            })
    }
}

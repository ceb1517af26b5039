/*!
Backtest: where the observed record falls in the simulated distribution.

The Monte Carlo is run from the record's starting state (`History::check_start`)
and, for each round t and side i, the observed escalation index E_i(t) (from
the observed rungs, with the scenario's ladders and weights, exactly as the
engine computes it) is placed in the simulated distribution of E_i(t).

The distribution is the exact per-round histogram of a `Batch`: the engine's
index rounded to a 1/200 grid (`INDEX_BINS`). The observed index is rounded the
same way, so a tie is an exact tie, and its percentile is the mid-rank

    percentile = 100 · (runs below + ½ · runs at the same bin) / runs

(so a value every run shares sits at the 50th percentile, not at 0 or 100).
The band is the 10th–90th percentile of the same histogram (type-1 quantiles,
as in `trajectory.csv`); a month is inside it when the observed bin is within
the band's bins, ends included.
*/

use crate::calibrate::history::History;
use crate::montecarlo::Batch;
use crate::scenario::{INDEX_BINS, Scenario};
use crate::stats;

/// One month of one side.
#[derive(Clone, Debug, PartialEq)]
pub struct BacktestRow {
    pub round: u32,
    /// "Apr 2025", or "round 4" without dates.
    pub label: String,
    pub side: usize,
    /// Observed escalation index.
    pub observed: f64,
    /// Mid-rank percentile of the observed index among the runs.
    pub percentile: f64,
    pub mean: f64,
    pub p10: f64,
    pub p50: f64,
    pub p90: f64,
    /// Observed within the simulated 10–90% band.
    pub inside: bool,
}

/// The backtest of a record: rows in round order, both sides per round.
#[derive(Clone, Debug, PartialEq)]
pub struct Backtest {
    pub runs: u64,
    pub seed: u64,
    pub rounds: u32,
    pub rows: Vec<BacktestRow>,
    /// Starting index of each side (round 0), for the chart.
    pub start: Vec<f64>,
}

impl Backtest {
    /// (months inside the band, months) for `side`, or for both sides with `None`.
    pub fn coverage(&self, side: Option<usize>) -> (usize, usize) {
        let rows = self.rows.iter().filter(|r| side.is_none_or(|s| r.side == s));
        rows.fold((0, 0), |(inside, n), r| (inside + r.inside as usize, n + 1))
    }

    pub fn side_rows(&self, side: usize) -> impl Iterator<Item = &BacktestRow> {
        self.rows.iter().filter(move |r| r.side == side)
    }
}

/// Bin of an escalation index on the histogram's 1/200 grid: the engine's
/// own binning (`engine::index_bin`), clamped for safety.
pub fn index_bin(e: f64) -> usize {
    (crate::engine::index_bin(e) as usize).min(INDEX_BINS - 1)
}

/// Mid-rank percentile (0–100) of bin `bin` in a histogram; `None` if empty.
pub fn percentile(counts: &[u64], bin: usize) -> Option<f64> {
    let total: u64 = counts.iter().sum();
    if total == 0 {
        return None;
    }
    let below: u64 = counts.iter().take(bin).sum();
    let at = counts.get(bin).copied().unwrap_or(0);
    Some(100.0 * (below as f64 + 0.5 * at as f64) / total as f64)
}

/// Compare the record with a batch of `sc` (rounds 1..=T of the record; the
/// batch must cover them).
pub fn backtest(sc: &Scenario, history: &History, batch: &Batch) -> Backtest {
    let bins = (INDEX_BINS - 1) as f64;
    let rounds = history.rounds.min(batch.rounds);
    let mut rows = Vec::with_capacity(rounds as usize * sc.sides.len());
    for t in 1..=rounds {
        for side in 0..sc.sides.len() {
            let counts = batch.index_counts(t, side);
            let observed = history.index(sc, t, side);
            let bin = index_bin(observed);
            let q = |p: f64| stats::hist_quantile(counts, p);
            let (b10, b50, b90) = (q(0.1).unwrap_or(0), q(0.5).unwrap_or(0), q(0.9).unwrap_or(0));
            rows.push(BacktestRow {
                round: t,
                label: history.round_label(t),
                side,
                observed,
                percentile: percentile(counts, bin).unwrap_or(f64::NAN),
                mean: batch.index_mean(t, side),
                p10: b10 as f64 / bins,
                p50: b50 as f64 / bins,
                p90: b90 as f64 / bins,
                inside: b10 <= bin && bin <= b90,
            });
        }
    }
    let start = (0..sc.sides.len()).map(|i| history.index(sc, 0, i)).collect();
    Backtest { runs: batch.runs, seed: batch.seed, rounds, rows, start }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mid_rank_percentiles_of_a_small_histogram() {
        // 10 runs: 2 at bin 0, 5 at bin 3, 3 at bin 7.
        let mut h = vec![0u64; 10];
        h[0] = 2;
        h[3] = 5;
        h[7] = 3;
        assert_eq!(percentile(&h, 0), Some(10.0), "half of the 2 ties: 1 of 10");
        assert_eq!(percentile(&h, 1), Some(20.0), "between values: 2 below, none equal");
        assert_eq!(percentile(&h, 3), Some(45.0), "2 below + 2.5 = 4.5 of 10");
        assert_eq!(percentile(&h, 7), Some(85.0));
        assert_eq!(percentile(&h, 9), Some(100.0));
        assert_eq!(percentile(&[0, 0], 1), None);
        assert_eq!(percentile(&[4], 0), Some(50.0), "every run ties: the median");
    }

    #[test]
    fn bins_round_to_the_nearest_half_percent() {
        assert_eq!(index_bin(0.0), 0);
        assert_eq!(index_bin(0.0024), 0);
        assert_eq!(index_bin(0.0026), 1);
        assert_eq!(index_bin(1.0), 200);
    }
}

/*!
Proper scoring rules for an out-of-sample (or in-sample) backtest.

Two kinds of forecast are scored, month by month and side by side:

- **Posture** (binary: D if a lever rose). Each forecaster gives P(D) for the
  month, one step ahead, knowing the record up to the month before:
  - `model`: the fitted (or the scenario's) strategy with its noise,
    misperception and provocation chances, by the fit's forward algorithm
    (`fit::predictive`);
  - `persistence`: P(D | own last posture), the transition shares of the
    training record (Laplace: (k + 1)/(n + 2)); the first month takes the
    base rate;
  - `base_rate`: the training record's share of D months (Laplace);
  - `coin`: ½.

  Scores (lower is better): Brier (p − y)², and the log score −ln P(observed).
- **Escalation index** E (continuous, multi-step from the record's start): the
  simulated distribution against the observed value, by the CRPS
  ∫ (F(x) − 1{x ≥ y})² dx = E|X − y| − ½ E|X − X′| (Gneiting and Raftery
  2007), exact for the histogram; baselines `persistence` (E stays at its
  round-0 value: CRPS = |E₀ − y|) and `uniform` (E uniform on [0, 1]:
  CRPS = (y³ + (1 − y)³)/3). The PIT of each observation is its mid-rank
  percentile / 100 (`backtest`); a calibrated forecast makes them uniform.

Pure: no IO.
*/

use crate::calibrate::backtest::Backtest;
use crate::calibrate::fit::{self, Record};
use crate::calibrate::history::History;
use crate::montecarlo::Batch;
use crate::scenario::{INDEX_BINS, Scenario};
use crate::strategy::{Action, FitSupport, Strategy};

/// The posture forecasters, in column order.
pub const FORECASTERS: [&str; 4] = ["model", "persistence", "base_rate", "coin"];
/// The index forecasters, in column order.
pub const INDEX_FORECASTERS: [&str; 3] = ["model", "persistence", "uniform"];

/// Brier score of P(D) = `p` when the outcome is `d`.
pub fn brier(p: f64, d: bool) -> f64 {
    let y = if d { 1.0 } else { 0.0 };
    (p - y) * (p - y)
}

/// Log score −ln P(outcome) of P(D) = `p` (+∞ for a certain miss).
pub fn log_score(p: f64, d: bool) -> f64 {
    -(if d { p } else { 1.0 - p }).ln()
}

/// CRPS of a discrete distribution (`weights` at `points`, any total) at `y`:
/// E|X − y| − ½ E|X − X′|.
pub fn crps_discrete(points: &[f64], weights: &[f64], y: f64) -> f64 {
    let total: f64 = weights.iter().sum();
    if total <= 0.0 {
        return f64::NAN;
    }
    let w: Vec<f64> = weights.iter().map(|w| w / total).collect();
    let to_y: f64 = points.iter().zip(&w).map(|(x, w)| w * (x - y).abs()).sum();
    // E|X − X′| over sorted points: Σ_i Σ_j w_i w_j |x_i − x_j| = 2 Σ_j w_j (x_j C_j − S_j),
    // C_j, S_j = weight and weighted sum of the points before j.
    let mut order: Vec<usize> = (0..points.len()).filter(|&i| w[i] > 0.0).collect();
    order.sort_by(|&a, &b| points[a].total_cmp(&points[b]));
    let (mut c, mut s, mut spread) = (0.0, 0.0, 0.0);
    for &j in &order {
        spread += 2.0 * w[j] * (points[j] * c - s);
        c += w[j];
        s += w[j] * points[j];
    }
    to_y - 0.5 * spread
}

/// CRPS of the uniform distribution on [0, 1] at `y` in [0, 1].
pub fn crps_uniform(y: f64) -> f64 {
    (y.powi(3) + (1.0 - y).powi(3)) / 3.0
}

/// The naive forecasters' parameters, from a training record's postures.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Baseline {
    /// P(D), Laplace.
    pub base_rate: f64,
    /// P(D | own last D) and P(D | own last C), Laplace.
    pub after_d: f64,
    pub after_c: f64,
}

impl Baseline {
    /// From one or more records of one side's postures.
    pub fn from_postures(records: &[&[Action]]) -> Baseline {
        let laplace = |k: usize, n: usize| (k as f64 + 1.0) / (n as f64 + 2.0);
        let all = records.iter().flat_map(|r| r.iter());
        let (d, n) = all.fold((0, 0), |(d, n), a| (d + a.is_d() as usize, n + 1));
        let pairs = records.iter().flat_map(|r| r.windows(2));
        let (mut dd, mut d_, mut cd, mut c_) = (0, 0, 0, 0);
        for w in pairs {
            if w[0].is_d() {
                d_ += 1;
                dd += w[1].is_d() as usize;
            } else {
                c_ += 1;
                cd += w[1].is_d() as usize;
            }
        }
        Baseline { base_rate: laplace(d, n), after_d: laplace(dd, d_), after_c: laplace(cd, c_) }
    }

    /// P(D) of each naive forecaster (persistence, base rate, coin) for a
    /// month whose own previous posture is `last` (`None` in the first).
    pub fn forecasts(&self, last: Option<Action>) -> [f64; 3] {
        let persistence = match last {
            Some(a) if a.is_d() => self.after_d,
            Some(_) => self.after_c,
            None => self.base_rate,
        };
        [persistence, self.base_rate, 0.5]
    }
}

/// What forecasts one side's postures: a strategy with its noise and
/// misperception (the provocation chances come from the scenario).
#[derive(Clone, Debug, PartialEq)]
pub struct SideModel {
    pub strategy: Strategy,
    pub noise: f64,
    pub misperception: f64,
}

impl SideModel {
    /// Whether the fit's forward algorithm follows this strategy (else its
    /// one-step forecasts are not computed).
    pub fn scorable(&self) -> bool {
        matches!(self.strategy.kind().info().fit, FitSupport::Yes { .. })
    }
}

/// Score a backtest: for each of its rows, the posture forecasts (one step
/// ahead, `models` and `baselines` per side) and the CRPS and PIT of the
/// index against `batch`'s histogram of the round (the batch `bt` was made
/// from).
pub fn score(
    sc: &Scenario,
    history: &History,
    batch: &Batch,
    bt: &Backtest,
    models: &[SideModel],
    baselines: &[Baseline],
) -> Vec<ScoreRow> {
    let grid: Vec<f64> = (0..INDEX_BINS).map(|b| b as f64 / (INDEX_BINS - 1) as f64).collect();
    let model_p: Vec<Vec<f64>> = (0..sc.sides.len())
        .map(|side| {
            let rec = Record::from_history(history, sc, side);
            let m = &models[side];
            if !m.scorable() {
                return vec![f64::NAN; rec.own.len()];
            }
            let pred = fit::predictive(&m.strategy, m.noise, m.misperception, &rec);
            pred.iter().zip(&rec.own).map(|(p, a)| if a.is_d() { *p } else { 1.0 - p }).collect()
        })
        .collect();
    bt.rows
        .iter()
        .map(|r| {
            let t = r.round as usize;
            let own = history.postures(r.side);
            let last = (t >= 2).then(|| own[t - 2]);
            let [persistence, base_rate, coin] = baselines[r.side].forecasts(last);
            let counts: Vec<f64> = batch.index_counts(r.round, r.side).iter().map(|&c| c as f64).collect();
            let start = bt.start[r.side];
            ScoreRow {
                round: r.round,
                side: r.side,
                d: own[t - 1].is_d(),
                p: [model_p[r.side].get(t - 1).copied().unwrap_or(f64::NAN), persistence, base_rate, coin],
                crps: [
                    crps_discrete(&grid, &counts, r.observed),
                    (start - r.observed).abs(),
                    crps_uniform(r.observed.clamp(0.0, 1.0)),
                ],
                pit: r.percentile / 100.0,
            }
        })
        .collect()
}

/// One side-month's forecasts and outcome.
#[derive(Clone, Debug, PartialEq)]
pub struct ScoreRow {
    pub round: u32,
    pub side: usize,
    /// Observed posture: D?
    pub d: bool,
    /// P(D) per forecaster (`FORECASTERS` order).
    pub p: [f64; 4],
    /// CRPS of the index per forecaster (`INDEX_FORECASTERS` order).
    pub crps: [f64; 3],
    /// PIT of the observed index (mid-rank percentile / 100).
    pub pit: f64,
}

impl ScoreRow {
    pub fn brier(&self) -> [f64; 4] {
        self.p.map(|p| brier(p, self.d))
    }
    pub fn log(&self) -> [f64; 4] {
        self.p.map(|p| log_score(p, self.d))
    }
}

/// Mean scores over rows (of one side, or all with `None`).
#[derive(Clone, Debug, PartialEq)]
pub struct MeanScores {
    pub n: usize,
    pub brier: [f64; 4],
    pub log: [f64; 4],
    pub crps: [f64; 3],
    /// Standard error of the mean paired difference model − best other, for
    /// Brier and log score: (difference, standard error, the best other's index).
    pub brier_vs_best: (f64, f64, usize),
    pub log_vs_best: (f64, f64, usize),
    pub crps_vs_best: (f64, f64, usize),
}

fn paired<const K: usize>(
    rows: &[&ScoreRow],
    score: impl Fn(&ScoreRow) -> [f64; K],
    means: &[f64; K],
) -> (f64, f64, usize) {
    let best = (1..K).min_by(|&a, &b| means[a].total_cmp(&means[b])).unwrap_or(0);
    let diffs: Vec<f64> = rows.iter().map(|r| score(r)[0] - score(r)[best]).collect();
    let n = diffs.len() as f64;
    let mean = diffs.iter().sum::<f64>() / n;
    let var = diffs.iter().map(|d| (d - mean) * (d - mean)).sum::<f64>() / (n - 1.0).max(1.0);
    (mean, (var / n).sqrt(), best)
}

/// Mean scores of `rows` (of `side`, or all).
pub fn mean_scores(rows: &[ScoreRow], side: Option<usize>) -> MeanScores {
    let rows: Vec<&ScoreRow> = rows.iter().filter(|r| side.is_none_or(|s| r.side == s)).collect();
    let n = rows.len().max(1) as f64;
    let mean = |f: &dyn Fn(&ScoreRow) -> [f64; 4]| {
        let mut m = [0.0; 4];
        for r in &rows {
            for (a, b) in m.iter_mut().zip(f(r)) {
                *a += b / n;
            }
        }
        m
    };
    let brier = mean(&|r| r.brier());
    let log = mean(&|r| r.log());
    let mut crps = [0.0; 3];
    for r in &rows {
        for (a, b) in crps.iter_mut().zip(r.crps) {
            *a += b / n;
        }
    }
    MeanScores {
        n: rows.len(),
        brier_vs_best: paired(&rows, |r| r.brier(), &brier),
        log_vs_best: paired(&rows, |r| r.log(), &log),
        crps_vs_best: paired(&rows, |r| r.crps, &crps),
        brier,
        log,
        crps,
    }
}

/// Does the model beat the best baseline on (Brier, log score, CRPS)?
/// `None` where the model's forecasts cannot be scored.
pub fn beats(m: &MeanScores) -> [Option<bool>; 3] {
    let b = |means: &[f64], best: usize| means[0].is_finite().then(|| means[0] < means[best]);
    [b(&m.brier, m.brier_vs_best.2), b(&m.log, m.log_vs_best.2), b(&m.crps, m.crps_vs_best.2)]
}

/// Counts of PIT values in `bins` equal bins of [0, 1].
pub fn pit_histogram(rows: &[ScoreRow], bins: usize) -> Vec<usize> {
    let mut h = vec![0; bins];
    for r in rows.iter().filter(|r| r.pit.is_finite()) {
        let b = ((r.pit * bins as f64) as usize).min(bins - 1);
        h[b] += 1;
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn brier_and_log_scores_by_hand() {
        assert!((brier(0.7, true) - 0.09).abs() < 1e-12);
        assert!((brier(0.7, false) - 0.49).abs() < 1e-12);
        assert_eq!(brier(0.5, true), 0.25);
        assert!((log_score(0.7, true) - 0.356_674_943_9).abs() < 1e-9);
        assert!((log_score(0.7, false) - 1.203_972_804_3).abs() < 1e-9);
        assert!((log_score(0.5, false) - std::f64::consts::LN_2).abs() < 1e-15);
        assert_eq!(log_score(1.0, false), f64::INFINITY);
    }

    #[test]
    fn crps_by_hand() {
        // A point mass: |x − y|.
        assert!((crps_discrete(&[0.3], &[5.0], 0.8) - 0.5).abs() < 1e-12);
        // ½ at 0 and ½ at 1, y = ½: E|X − y| = ½, E|X − X′| = ½ → ¼.
        assert!((crps_discrete(&[0.0, 1.0], &[1.0, 1.0], 0.5) - 0.25).abs() < 1e-12);
        // y = 0: E|X − y| = ½ → ½ − ¼ = ¼; the integral ∫₀¹ (½)² dx = ¼ too.
        assert!((crps_discrete(&[1.0, 0.0], &[1.0, 1.0], 0.0) - 0.25).abs() < 1e-12);
        // A fine grid approaches the uniform closed form.
        let points: Vec<f64> = (0..2001).map(|i| i as f64 / 2000.0).collect();
        let w = vec![1.0; points.len()];
        for y in [0.0, 0.25, 0.6, 1.0] {
            assert!((crps_discrete(&points, &w, y) - crps_uniform(y)).abs() < 1e-3, "y = {y}");
        }
        assert!((crps_uniform(0.5) - 1.0 / 12.0).abs() < 1e-15);
        assert!((crps_uniform(0.0) - 1.0 / 3.0).abs() < 1e-15);
    }

    #[test]
    fn baselines_count_the_training_record() {
        use Action::{C, D};
        // 3 D of 6; after D: D, C, C (1 of 3); after C: D, D (2 of 2).
        let b = Baseline::from_postures(&[&[D, D, C, D, C, C]]);
        assert_eq!(b.base_rate, 4.0 / 8.0);
        assert_eq!(b.after_d, 2.0 / 5.0);
        assert_eq!(b.after_c, 2.0 / 4.0);
        assert_eq!(b.forecasts(Some(D)), [0.4, 0.5, 0.5]);
        assert_eq!(b.forecasts(None), [0.5, 0.5, 0.5]);
    }

    #[test]
    fn means_and_pit() {
        let row = |d: bool, p: f64, pit: f64| ScoreRow {
            round: 1,
            side: 0,
            d,
            p: [p, 0.5, 0.5, 0.5],
            crps: [0.1, 0.2, 0.3],
            pit,
        };
        let rows = [row(true, 0.9, 0.05), row(false, 0.2, 0.95), row(true, 0.6, 0.5)];
        let m = mean_scores(&rows, None);
        assert_eq!(m.n, 3);
        assert!((m.brier[0] - (0.01 + 0.04 + 0.16) / 3.0).abs() < 1e-12);
        assert_eq!(m.brier[3], 0.25);
        assert!(m.brier_vs_best.0 < 0.0, "the model beats the coin here");
        assert_eq!(pit_histogram(&rows, 10), [1, 0, 0, 0, 0, 1, 0, 0, 0, 1]);
    }
}

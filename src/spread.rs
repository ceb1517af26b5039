/*!
Parameter uncertainty apart from Monte Carlo error (docs/model.md §8c).

With `runs_per_draw = M > 1`, runs `g·M … g·M + M − 1` share one draw θ_g of
the uncertain parameters (nested sampling). Each complete group gives an
outcome share p̂_g = c_g / M, an unbiased estimate of p(θ_g). One-way random
effects (analysis of variance) split the spread of the p̂_g:

  s²   = Σ_g (p̂_g − p̄)² / (G − 1)            (between groups)
  w    = Σ_g p̂_g (1 − p̂_g) / (G (M − 1))      (mean within-group variance of p̂_g,
                                                  E[p̂(1 − p̂)]/(M−1) = p(1−p)/M)
  σ_b² = max(0, s² − w)                         (variance of p(θ) over θ)

The parameter range is the 5–95% quantiles of the group shares shrunk toward
their mean by σ_b / s (the method-of-moments empirical Bayes estimate), so
binomial noise within a group does not widen it. The Monte Carlo interval of
the overall share accounts for the clustering: Wilson's interval on the
effective sample size N / deff, with deff = M s² / (p (1 − p)) (at least 1).

Counts are exact integers: per outcome, a histogram of complete groups by
their count c ∈ 0..=M (memory O(M), flat in runs), and the groups not yet
complete in this part of the batch, keyed by group; parts merge in any order
to the same totals. A final group cut short by the run count is left out.
*/

use std::collections::BTreeMap;

use crate::outcome::Outcome;
use crate::stats;

const N: usize = Outcome::COUNT;

#[derive(Clone, Debug, PartialEq, Default)]
pub struct GroupStats {
    /// Runs per parameter draw (0: not tracked).
    per: u64,
    /// `N × (per + 1)`: complete groups by outcome and count.
    hist: Vec<u64>,
    /// Groups with some runs counted: runs counted and counts per outcome.
    open: BTreeMap<u64, (u64, [u64; N])>,
}

/// The spread of one outcome's share due to parameter uncertainty.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Spread {
    /// Complete groups (parameter draws) and runs per group.
    pub groups: u64,
    pub per: u64,
    /// σ_b: standard deviation of the share over parameter draws.
    pub sd: f64,
    /// 5% and 95% quantiles of the share over parameter draws.
    pub p05: f64,
    pub p95: f64,
    /// Design effect of the clustering on the Monte Carlo variance.
    pub deff: f64,
    /// 95% Monte Carlo interval of the overall share, on N / deff runs.
    pub ci_low: f64,
    pub ci_high: f64,
}

impl GroupStats {
    /// Track groups of `per` runs (`per <= 1`: nothing to track).
    pub fn new(per: u64) -> GroupStats {
        if per <= 1 {
            return GroupStats::default();
        }
        GroupStats { per, hist: vec![0; N * (per as usize + 1)], open: BTreeMap::new() }
    }

    pub fn tracked(&self) -> bool {
        self.per > 1
    }

    /// Count run `run`, whose outcome is `o`.
    #[inline]
    pub fn add(&mut self, run: u64, o: Outcome) {
        if self.per <= 1 {
            return;
        }
        let g = run / self.per;
        let e = self.open.entry(g).or_insert((0, [0; N]));
        e.0 += 1;
        e.1[o as usize] += 1;
        if e.0 == self.per {
            let (_, counts) = self.open.remove(&g).expect("just inserted");
            self.close(&counts);
        }
    }

    fn close(&mut self, counts: &[u64; N]) {
        let width = self.per as usize + 1;
        for (o, &c) in counts.iter().enumerate() {
            self.hist[o * width + c as usize] += 1;
        }
    }

    /// Add the groups of another part of the same batch.
    pub fn merge(&mut self, other: &GroupStats) {
        if other.per <= 1 {
            return;
        }
        if self.per <= 1 {
            *self = GroupStats::new(other.per);
        }
        self.hist.iter_mut().zip(&other.hist).for_each(|(a, b)| *a += b);
        for (&g, (n, counts)) in &other.open {
            let e = self.open.entry(g).or_insert((0, [0; N]));
            e.0 += n;
            e.1.iter_mut().zip(counts).for_each(|(a, b)| *a += b);
            if e.0 == self.per {
                let (_, counts) = self.open.remove(&g).expect("present");
                self.close(&counts);
            }
        }
    }

    /// Complete groups.
    pub fn groups(&self) -> u64 {
        if self.per <= 1 { 0 } else { self.hist[..self.per as usize + 1].iter().sum() }
    }

    /// The spread of outcome `o`, whose share over all `n` runs is `k / n`.
    /// None without at least two complete groups.
    pub fn spread(&self, o: Outcome, k: u64, n: u64) -> Option<Spread> {
        let groups = self.groups();
        if groups < 2 || n == 0 {
            return None;
        }
        let width = self.per as usize + 1;
        let hist = &self.hist[o as usize * width..(o as usize + 1) * width];
        let m = self.per as f64;
        let g = groups as f64;
        let share = |c: usize| c as f64 / m;
        let mean = hist.iter().enumerate().map(|(c, &h)| h as f64 * share(c)).sum::<f64>() / g;
        let s2 = hist.iter().enumerate().map(|(c, &h)| h as f64 * (share(c) - mean).powi(2)).sum::<f64>() / (g - 1.0);
        let within = hist.iter().enumerate().map(|(c, &h)| h as f64 * share(c) * (1.0 - share(c))).sum::<f64>()
            / (g * (m - 1.0));
        let sd = (s2 - within).max(0.0).sqrt();
        let shrink = if s2 > 0.0 { sd / s2.sqrt() } else { 0.0 };
        let quantile = |q: f64| {
            let c = stats::hist_quantile(hist, q).unwrap_or(0);
            (mean + (share(c) - mean) * shrink).clamp(0.0, 1.0)
        };
        let p = k as f64 / n as f64;
        let pq = p * (1.0 - p);
        let deff = if pq > 0.0 { (m * s2 / pq).max(1.0) } else { 1.0 };
        let (ci_low, ci_high) = wilson_real(p, n as f64 / deff, stats::Z95);
        Some(Spread { groups, per: self.per, sd, p05: quantile(0.05), p95: quantile(0.95), deff, ci_low, ci_high })
    }
}

/// Per-group means of several real figures, for intervals that respect the
/// clustering of runs sharing a parameter draw: the mean of a figure over N
/// runs has standard error sd(group means)/√G. Sums are fixed point
/// (2^-32), so parts merge in any order to the same totals.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct GroupMoments {
    per: u64,
    open: BTreeMap<u64, (u64, Vec<i128>)>,
    means: Vec<crate::stats::Moments>,
}

const FIXED: f64 = 4_294_967_296.0;

impl GroupMoments {
    /// Groups of `per` runs, `k` figures (`per <= 1`: nothing tracked).
    pub fn new(per: u64, k: usize) -> GroupMoments {
        if per <= 1 {
            return GroupMoments::default();
        }
        GroupMoments { per, open: BTreeMap::new(), means: vec![crate::stats::Moments::default(); k] }
    }

    pub fn add(&mut self, run: u64, xs: &[f64]) {
        if self.per <= 1 {
            return;
        }
        let g = run / self.per;
        let k = self.means.len();
        let e = self.open.entry(g).or_insert_with(|| (0, vec![0; k]));
        e.0 += 1;
        for (s, x) in e.1.iter_mut().zip(xs) {
            *s += (x.clamp(-stats::MAX_ABS_VALUE, stats::MAX_ABS_VALUE) * FIXED).round() as i64 as i128;
        }
        if e.0 == self.per {
            let (_, sums) = self.open.remove(&g).expect("just inserted");
            self.close(&sums);
        }
    }

    fn close(&mut self, sums: &[i128]) {
        for (m, &s) in self.means.iter_mut().zip(sums) {
            m.add(s as f64 / FIXED / self.per as f64, 1);
        }
    }

    pub fn merge(&mut self, other: &GroupMoments) {
        if other.per <= 1 {
            return;
        }
        if self.per <= 1 {
            *self = GroupMoments::new(other.per, other.means.len());
        }
        self.means.iter_mut().zip(&other.means).for_each(|(a, b)| a.merge(b));
        for (&g, (n, sums)) in &other.open {
            let k = sums.len();
            let e = self.open.entry(g).or_insert_with(|| (0, vec![0; k]));
            e.0 += n;
            e.1.iter_mut().zip(sums).for_each(|(a, b)| *a += b);
            if e.0 == self.per {
                let (_, sums) = self.open.remove(&g).expect("present");
                self.close(&sums);
            }
        }
    }

    /// The 95% interval of figure `k`'s overall mean `mean` with clustered
    /// errors; None without two complete groups.
    pub fn ci95(&self, k: usize, mean: f64) -> Option<(f64, f64)> {
        let m = self.means.get(k)?;
        if m.n < 2 {
            return None;
        }
        let se = (m.variance()? / m.n as f64).sqrt();
        Some((mean - stats::Z95 * se, mean + stats::Z95 * se))
    }
}

/// Wilson's score interval for a share `p` observed on `n` (possibly
/// fractional, effective) trials.
pub fn wilson_real(p: f64, n: f64, z: f64) -> (f64, f64) {
    if n <= 0.0 {
        return (0.0, 1.0);
    }
    let z2 = z * z;
    let denom = 1.0 + z2 / n;
    let centre = (p + z2 / (2.0 * n)) / denom;
    let half = z * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt() / denom;
    let lo = if p <= 0.0 { 0.0 } else { (centre - half).max(0.0) };
    let hi = if p >= 1.0 { 1.0 } else { (centre + half).min(1.0) };
    (lo, hi)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// xorshift64*: enough for a test's coin flips.
    struct Xs(u64);
    impl Xs {
        fn unit(&mut self) -> f64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            (self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 11) as f64 / (1u64 << 53) as f64
        }
    }

    /// Groups of `per` runs whose detente chance is p(θ_g) = `draw(g)`.
    fn simulate(groups: u64, per: u64, draw: impl Fn(u64) -> f64) -> (GroupStats, u64, u64) {
        let mut gs = GroupStats::new(per);
        let mut rng = Xs(0x9E37_79B9_7F4A_7C15);
        let mut k = 0;
        for g in 0..groups {
            let p = draw(g);
            for r in 0..per {
                let hit = rng.unit() < p;
                k += hit as u64;
                gs.add(g * per + r, if hit { Outcome::Detente } else { Outcome::Standoff });
            }
        }
        (gs, k, groups * per)
    }

    #[test]
    fn no_parameter_uncertainty_gives_no_spread_and_no_design_effect() {
        let (gs, k, n) = simulate(400, 50, |_| 0.3);
        let s = gs.spread(Outcome::Detente, k, n).unwrap();
        assert!(s.sd < 0.01, "{s:?}");
        assert!(s.deff < 1.3, "{s:?}");
        assert!((s.p95 - s.p05) < 0.03, "{s:?}");
        let (lo, hi) = stats::wilson(k, n, stats::Z95);
        assert!((s.ci_low - lo).abs() < 0.003 && (s.ci_high - hi).abs() < 0.003);
    }

    #[test]
    fn recovers_the_spread_of_the_true_share_over_draws() {
        // p(θ) uniform on [0.1, 0.5]: sd 0.4/√12 = 0.1155, 5–95% = 0.12–0.48.
        let (gs, k, n) = simulate(2000, 40, |g| 0.1 + 0.4 * ((g * 7919 % 2000) as f64 + 0.5) / 2000.0);
        let s = gs.spread(Outcome::Detente, k, n).unwrap();
        assert!((s.sd - 0.1155).abs() < 0.008, "{s:?}");
        assert!((s.p05 - 0.12).abs() < 0.03 && (s.p95 - 0.48).abs() < 0.03, "{s:?}");
        // The clustered interval is wider than the naive one.
        let (lo, hi) = stats::wilson(k, n, stats::Z95);
        // deff = M s² / p(1 − p) = 40 (0.0133 + 0.21/40) / 0.21 ≈ 3.5.
        assert!((s.deff - 3.5).abs() < 0.4, "{s:?}");
        assert!(s.ci_high - s.ci_low > 1.7 * (hi - lo), "{s:?}");
    }

    #[test]
    fn parts_merge_in_any_order_to_the_same_totals() {
        let outcome = |r: u64| Outcome::ALL[(r * 2654435761 % 7 % 4) as usize];
        let mut whole = GroupStats::new(10);
        (0..95).for_each(|r| whole.add(r, outcome(r)));
        let parts: Vec<GroupStats> = [0..13, 13..40, 40..41, 41..95]
            .into_iter()
            .map(|range| {
                let mut g = GroupStats::new(10);
                range.for_each(|r| g.add(r, outcome(r)));
                g
            })
            .collect();
        let mut a = GroupStats::default();
        parts.iter().for_each(|p| a.merge(p));
        let mut b = GroupStats::default();
        parts.iter().rev().for_each(|p| b.merge(p));
        assert_eq!(a, whole);
        assert_eq!(b, whole);
        assert_eq!(whole.groups(), 9); // the cut-short tenth group is left out
        assert_eq!(whole.open.len(), 1);
    }

    #[test]
    fn group_means_merge_in_any_order_and_widen_correlated_intervals() {
        // Within a group of 10 the values are equal (perfectly clustered).
        let x = |r: u64| ((r / 10) % 3) as f64;
        let mut whole = GroupMoments::new(10, 1);
        (0..200).for_each(|r| whole.add(r, &[x(r)]));
        let mut parts = GroupMoments::default();
        for range in [150..200, 0..37, 37..150] {
            let mut p = GroupMoments::new(10, 1);
            range.for_each(|r| p.add(r, &[x(r)]));
            parts.merge(&p);
        }
        assert_eq!(parts, whole);
        let mut naive = crate::stats::Moments::default();
        (0..200).for_each(|r| naive.add(x(r), 1));
        let mean = naive.mean().unwrap();
        let (lo, hi) = whole.ci95(0, mean).unwrap();
        let (nlo, nhi) = naive.ci95().unwrap();
        // 20 independent groups, not 200 runs: √10 ≈ 3.2 times wider.
        assert!(((hi - lo) / (nhi - nlo) - 10f64.sqrt()).abs() < 0.4, "{lo} {hi} vs {nlo} {nhi}");
    }

    #[test]
    fn untracked_without_groups() {
        let mut g = GroupStats::new(1);
        g.add(3, Outcome::Detente);
        assert!(!g.tracked());
        assert_eq!(g.spread(Outcome::Detente, 1, 1), None);
    }
}

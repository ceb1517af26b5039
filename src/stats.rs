/*!
Small statistics: Wilson intervals, exact integer moment accumulators, quantiles
of integer histograms, and the normal distribution functions used by uncertain
parameters.

Every accumulator here is integer-valued, so merging partial results is
associative *and* commutative: the totals do not depend on how rayon splits the
work, and the output is byte-identical whatever the thread count. Real values
are accumulated in fixed point (see [`Moments`]).
*/

/// z for a two-sided 95% interval.
pub const Z95: f64 = 1.959_963_984_540_054;

/// Saved as `[n, sum, sum of squares]` in decimal strings: the sums are
/// 128-bit integers, beyond what JSON numbers carry.
impl From<Moments> for [String; 3] {
    fn from(m: Moments) -> [String; 3] {
        [m.n.to_string(), m.sum.to_string(), m.sumsq.to_string()]
    }
}

impl TryFrom<[String; 3]> for Moments {
    type Error = String;
    fn try_from(p: [String; 3]) -> Result<Moments, String> {
        let bad = |what: &str| format!("malformed moments: {what}");
        let n = p[0].parse().map_err(|_| bad("count"))?;
        let sum = p[1].parse().map_err(|_| bad("sum"))?;
        let sumsq: i128 = p[2].parse().map_err(|_| bad("sum of squares"))?;
        if sumsq < 0 {
            return Err(bad("negative sum of squares"));
        }
        Ok(Moments { n, sum, sumsq })
    }
}

/// Wilson score interval for `k` successes in `n` trials.
pub fn wilson(k: u64, n: u64, z: f64) -> (f64, f64) {
    if n == 0 {
        return (0.0, 1.0);
    }
    let n_f = n as f64;
    let p = k as f64 / n_f;
    let z2 = z * z;
    let denom = 1.0 + z2 / n_f;
    let centre = (p + z2 / (2.0 * n_f)) / denom;
    let half = z * (p * (1.0 - p) / n_f + z2 / (4.0 * n_f * n_f)).sqrt() / denom;
    let lo = if k == 0 { 0.0 } else { (centre - half).max(0.0) };
    let hi = if k == n { 1.0 } else { (centre + half).min(1.0) };
    (lo, hi)
}

/// Scale of the fixed-point sum: values are rounded to 2^-32.
const SUM_SCALE: f64 = 4_294_967_296.0;
/// Scale of the fixed-point sum of squares: values are rounded to 2^-16.
const SQ_SCALE: f64 = 65_536.0;
/// Largest magnitude a [`Moments`] value may have (checked at scenario load).
pub const MAX_ABS_VALUE: f64 = 1.0e9;

/// Count, sum and sum of squares of real values in exact integer fixed point.
///
/// A value `x` (|x| ≤ 10^9) adds `round(x·2^32)` to `sum` and `round(x·2^16)^2`
/// to `sumsq`; both fit an i128 for more than 2^35 values. The mean is exact to
/// 2^-32 and the variance to about 2^-16 relative: plenty for welfare figures,
/// and independent of summation order.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(into = "[String; 3]", try_from = "[String; 3]")]
pub struct Moments {
    pub n: u64,
    sum: i128,
    sumsq: i128,
}

impl Moments {
    #[inline]
    pub fn add(&mut self, x: f64, weight: u64) {
        let x = x.clamp(-MAX_ABS_VALUE, MAX_ABS_VALUE);
        let s = (x * SUM_SCALE).round() as i64 as i128;
        let q = (x * SQ_SCALE).round() as i64 as i128;
        let w = weight as i128;
        self.n += weight;
        self.sum += s * w;
        self.sumsq += q * q * w;
    }

    pub fn merge(&mut self, other: &Moments) {
        self.n += other.n;
        self.sum += other.sum;
        self.sumsq += other.sumsq;
    }

    /// The exact totals `(n, sum, sum of squares)` in fixed point, for saving
    /// partial results (sweep shards); `from_parts` restores them.
    pub fn to_parts(&self) -> (u64, i128, i128) {
        (self.n, self.sum, self.sumsq)
    }

    pub fn from_parts(n: u64, sum: i128, sumsq: i128) -> Moments {
        Moments { n, sum, sumsq }
    }

    pub fn mean(&self) -> Option<f64> {
        (self.n > 0).then(|| self.sum as f64 / SUM_SCALE / self.n as f64)
    }

    /// Sample variance (n − 1 denominator).
    pub fn variance(&self) -> Option<f64> {
        if self.n < 2 {
            return None;
        }
        let n = self.n as f64;
        let mean_q = self.sum as f64 / SUM_SCALE * SQ_SCALE / n;
        let ss = self.sumsq as f64 - n * mean_q * mean_q;
        Some((ss / (SQ_SCALE * SQ_SCALE) / (n - 1.0)).max(0.0))
    }

    /// Standard error of the mean.
    pub fn std_error(&self) -> Option<f64> {
        Some((self.variance()? / self.n as f64).sqrt())
    }

    /// Normal-approximation 95% interval of the mean.
    pub fn ci95(&self) -> Option<(f64, f64)> {
        let m = self.mean()?;
        let se = self.std_error().unwrap_or(0.0);
        Some((m - Z95 * se, m + Z95 * se))
    }
}

/// The `q`-quantile (0 < q < 1) of a histogram over bins 0..len: the smallest
/// bin `b` with at least `q` of the mass at or below it (the inverse of the
/// empirical CDF, type 1 in Hyndman & Fan's list).
pub fn hist_quantile(counts: &[u64], q: f64) -> Option<usize> {
    let total: u64 = counts.iter().sum();
    if total == 0 {
        return None;
    }
    let target = (q * total as f64).ceil().max(1.0) as u64;
    let mut acc = 0u64;
    for (b, &c) in counts.iter().enumerate() {
        acc += c;
        if acc >= target {
            return Some(b);
        }
    }
    Some(counts.len() - 1)
}

/// Standard normal CDF, from `erfc` (absolute error below 1.2e-7).
pub fn normal_cdf(x: f64) -> f64 {
    0.5 * erfc(-x / std::f64::consts::SQRT_2)
}

/// Complementary error function (Numerical Recipes' Chebyshev fit, |error| < 1.2e-7).
pub fn erfc(x: f64) -> f64 {
    let z = x.abs();
    let t = 1.0 / (1.0 + 0.5 * z);
    let r = t
        * (-z * z - 1.265_512_23
            + t * (1.000_023_68
                + t * (0.374_091_96
                    + t * (0.096_784_18
                        + t * (-0.186_288_06
                            + t * (0.278_868_07
                                + t * (-1.135_203_98
                                    + t * (1.488_515_87 + t * (-0.822_152_23 + t * 0.170_872_77)))))))))
            .exp();
    if x >= 0.0 { r } else { 2.0 - r }
}

/// Inverse of the standard normal CDF (Acklam's rational approximation,
/// relative error below 1.2e-9), for p in (0, 1).
pub fn normal_inv_cdf(p: f64) -> f64 {
    const A: [f64; 6] = [
        -3.969_683_028_665_376e1,
        2.209_460_984_245_205e2,
        -2.759_285_104_469_687e2,
        1.383_577_518_672_69e2,
        -3.066_479_806_614_716e1,
        2.506_628_277_459_239,
    ];
    const B: [f64; 5] = [
        -5.447_609_879_822_406e1,
        1.615_858_368_580_409e2,
        -1.556_989_798_598_866e2,
        6.680_131_188_771_972e1,
        -1.328_068_155_288_572e1,
    ];
    const C: [f64; 6] = [
        -7.784_894_002_430_293e-3,
        -3.223_964_580_411_365e-1,
        -2.400_758_277_161_838,
        -2.549_732_539_343_734,
        4.374_664_141_464_968,
        2.938_163_982_698_783,
    ];
    const D: [f64; 4] =
        [7.784_695_709_041_462e-3, 3.224_671_290_700_398e-1, 2.445_134_137_142_996, 3.754_408_661_907_416];
    let p = p.clamp(1e-300, 1.0 - 1e-16);
    let p_low = 0.02425;
    if p < p_low {
        let q = (-2.0 * p.ln()).sqrt();
        (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    } else if p <= 1.0 - p_low {
        let q = p - 0.5;
        let r = q * q;
        (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q
            / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1.0)
    } else {
        let q = (-2.0 * (1.0 - p).ln()).sqrt();
        -(((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wilson_known_values() {
        // 50/100: centre 0.5, interval (0.4038, 0.5962) (Wilson 1927; standard tables).
        let (lo, hi) = wilson(50, 100, Z95);
        assert!((lo - 0.4038).abs() < 1e-4 && (hi - 0.5962).abs() < 1e-4, "{lo} {hi}");
        // 0 of 10: lower bound exactly 0, upper 0.2775.
        let (lo, hi) = wilson(0, 10, Z95);
        assert_eq!(lo, 0.0);
        assert!((hi - 0.2775).abs() < 1e-4, "{hi}");
        assert_eq!(wilson(10, 10, Z95).1, 1.0);
    }

    #[test]
    fn moments_are_order_independent_and_accurate() {
        let xs: Vec<f64> = (0..1000).map(|i| ((i * 7919) % 1000) as f64 / 37.0 - 11.3).collect();
        let mut a = Moments::default();
        xs.iter().for_each(|&x| a.add(x, 1));
        let mut b = Moments::default();
        let mut c = Moments::default();
        xs.iter().rev().take(400).for_each(|&x| b.add(x, 1));
        xs.iter().take(600).for_each(|&x| c.add(x, 1));
        c.merge(&b);
        assert_eq!(a, c);
        let mean = xs.iter().sum::<f64>() / 1000.0;
        let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / 999.0;
        assert!((a.mean().unwrap() - mean).abs() < 1e-9);
        assert!((a.variance().unwrap() - var).abs() / var < 1e-6);
    }

    #[test]
    fn weighted_add_equals_repeated_add() {
        let mut a = Moments::default();
        a.add(2.5, 4);
        let mut b = Moments::default();
        (0..4).for_each(|_| b.add(2.5, 1));
        assert_eq!(a, b);
    }

    #[test]
    fn quantiles_of_histogram() {
        let h = [1, 1, 1, 1, 1, 1, 1, 1, 1, 1];
        assert_eq!(hist_quantile(&h, 0.1), Some(0));
        assert_eq!(hist_quantile(&h, 0.5), Some(4));
        assert_eq!(hist_quantile(&h, 0.9), Some(8));
        assert_eq!(hist_quantile(&[0, 0, 5], 0.5), Some(2));
        assert_eq!(hist_quantile(&[0, 0], 0.5), None);
    }

    #[test]
    fn normal_functions_invert() {
        for &p in &[1e-6, 0.001, 0.0243, 0.1, 0.5, 0.8, 0.99, 0.999_999] {
            let x = normal_inv_cdf(p);
            assert!((normal_cdf(x) - p).abs() < 2e-7, "p={p}");
        }
        assert!((normal_cdf(1.959_963_984_540_054) - 0.975).abs() < 1e-7);
    }
}

/// ln Γ(x) for x > 0 (Lanczos, g = 7, n = 9; relative error below 1e-14).
pub fn ln_gamma(x: f64) -> f64 {
    const G: f64 = 7.0;
    const C: [f64; 9] = [
        0.999_999_999_999_809_9,
        676.520_368_121_885_1,
        -1_259.139_216_722_402_8,
        771.323_428_777_653_1,
        -176.615_029_162_140_6,
        12.507_343_278_686_905,
        -0.138_571_095_265_720_12,
        9.984_369_578_019_572e-6,
        1.505_632_735_149_311_6e-7,
    ];
    if x < 0.5 {
        // Reflection: Γ(x)Γ(1 − x) = π / sin(πx).
        return (std::f64::consts::PI / (std::f64::consts::PI * x).sin()).ln() - ln_gamma(1.0 - x);
    }
    let x = x - 1.0;
    let mut a = C[0];
    let t = x + G + 0.5;
    for (i, c) in C.iter().enumerate().skip(1) {
        a += c / (x + i as f64);
    }
    0.5 * (2.0 * std::f64::consts::PI).ln() + (x + 0.5) * t.ln() - t + a.ln()
}

/// The regularised incomplete beta function I_x(a, b), by its continued
/// fraction (Lentz), for a, b > 0 and x in [0, 1].
pub fn beta_cdf(x: f64, a: f64, b: f64) -> f64 {
    beta_cdf_with(x, a, b, ln_beta(a, b))
}

/// ln B(a, b) = ln Γ(a) + ln Γ(b) − ln Γ(a + b).
pub fn ln_beta(a: f64, b: f64) -> f64 {
    ln_gamma(a) + ln_gamma(b) - ln_gamma(a + b)
}

/// [`beta_cdf`] with ln B(a, b) computed once by the caller.
fn beta_cdf_with(x: f64, a: f64, b: f64, ln_b: f64) -> f64 {
    if x <= 0.0 {
        return 0.0;
    }
    if x >= 1.0 {
        return 1.0;
    }
    let ln_front = a * x.ln() + b * (1.0 - x).ln() - ln_b;
    // The continued fraction converges fast for x < (a + 1)/(a + b + 2).
    if x > (a + 1.0) / (a + b + 2.0) {
        return 1.0 - beta_cdf_with(1.0 - x, b, a, ln_b);
    }
    let tiny = 1e-300;
    let (mut c, mut d) = (1.0, 1.0 - (a + b) * x / (a + 1.0));
    if d.abs() < tiny {
        d = tiny;
    }
    d = 1.0 / d;
    let mut h = d;
    for m in 1..300 {
        let m = m as f64;
        let num = m * (b - m) * x / ((a + 2.0 * m - 1.0) * (a + 2.0 * m));
        for num in [num, -(a + m) * (a + b + m) * x / ((a + 2.0 * m) * (a + 2.0 * m + 1.0))] {
            d = 1.0 + num * d;
            if d.abs() < tiny {
                d = tiny;
            }
            c = 1.0 + num / c;
            if c.abs() < tiny {
                c = tiny;
            }
            d = 1.0 / d;
            h *= d * c;
        }
        // The pair of steps above multiplies h by (d·c) twice; stop when the
        // last one no longer changes it.
        if (d * c - 1.0).abs() < 1e-15 {
            break;
        }
    }
    (ln_front.exp() * h / a).clamp(0.0, 1.0)
}

/// The p-quantile of Beta(a, b): Newton's method on [`beta_cdf`], kept
/// inside a bracket that shrinks at every step (a bisection step whenever
/// Newton would leave it). About six CDF evaluations where plain
/// bisection needed sixty. Converged to 1e-14 relative to the quantile.
pub fn beta_inv_cdf(p: f64, a: f64, b: f64) -> f64 {
    if p <= 0.0 {
        return 0.0;
    }
    if p >= 1.0 {
        return 1.0;
    }
    let ln_b = ln_beta(a, b);
    let (mut lo, mut hi) = (0.0f64, 1.0f64);
    let mut x = a / (a + b);
    for _ in 0..200 {
        let f = beta_cdf_with(x, a, b, ln_b) - p;
        if f == 0.0 {
            return x;
        }
        if f < 0.0 {
            lo = x;
        } else {
            hi = x;
        }
        let pdf = ((a - 1.0) * x.ln() + (b - 1.0) * (1.0 - x).ln() - ln_b).exp();
        let newton = x - f / pdf;
        let next = if pdf.is_finite() && pdf > 0.0 && newton > lo && newton < hi { newton } else { 0.5 * (lo + hi) };
        if (next - x).abs() <= 1e-14 * next.max(1e-300) || hi - lo <= 1e-15 * hi {
            return next;
        }
        x = next;
    }
    x
}

#[cfg(test)]
mod beta_tests {
    use super::*;

    #[test]
    fn ln_gamma_matches_factorials() {
        for n in 1..15u32 {
            let fact: f64 = (1..n).map(f64::from).product();
            assert!((ln_gamma(f64::from(n)) - fact.ln()).abs() < 1e-12, "Γ({n})");
        }
        assert!((ln_gamma(0.5) - std::f64::consts::PI.sqrt().ln()).abs() < 1e-12);
    }

    #[test]
    fn beta_cdf_known_values() {
        // Beta(1, 1) is uniform; Beta(2, 1) has CDF x²; Beta(1, 3) has 1 − (1 − x)³.
        for x in [0.1, 0.35, 0.5, 0.9] {
            assert!((beta_cdf(x, 1.0, 1.0) - x).abs() < 1e-12);
            assert!((beta_cdf(x, 2.0, 1.0) - x * x).abs() < 1e-12);
            assert!((beta_cdf(x, 1.0, 3.0) - (1.0 - (1.0 - x).powi(3))).abs() < 1e-12);
        }
        // Symmetry: I_x(a, b) = 1 − I_{1−x}(b, a).
        assert!((beta_cdf(0.3, 2.5, 7.0) + beta_cdf(0.7, 7.0, 2.5) - 1.0).abs() < 1e-12);
        // Beta(2, 9) (1 success, 8 failures with a uniform prior): median ≈ 0.16226 (numerical integration).
        assert!((beta_inv_cdf(0.5, 2.0, 9.0) - 0.162_263).abs() < 1e-5);
        for p in [0.05, 0.5, 0.95] {
            assert!((beta_cdf(beta_inv_cdf(p, 3.0, 4.0), 3.0, 4.0) - p).abs() < 1e-10);
        }
        // Shapes with a pole or a steep edge: Beta(1, 49), Beta(0.5, 0.5), Beta(3, 1).
        for (a, b) in [(1.0, 49.0), (0.5, 0.5), (3.0, 1.0), (1.0, 19.8), (200.0, 3.0)] {
            for p in [1e-9, 0.001, 0.05, 0.3, 0.5, 0.9, 0.999] {
                let x = beta_inv_cdf(p, a, b);
                assert!((0.0..=1.0).contains(&x));
                assert!((beta_cdf(x, a, b) - p).abs() < 1e-9, "Beta({a}, {b}) at {p}: {x}");
            }
        }
        // Closed forms: Beta(1, b) has quantile 1 − (1 − p)^(1/b); Beta(a, 1) has p^(1/a).
        assert!((beta_inv_cdf(0.3, 1.0, 49.0) - (1.0 - 0.7f64.powf(1.0 / 49.0))).abs() < 1e-12);
        assert!((beta_inv_cdf(0.3, 3.0, 1.0) - 0.3f64.powf(1.0 / 3.0)).abs() < 1e-12);
    }
}

/// Exact sums of several real values observed together in each run, and of
/// their pairwise products: the covariance matrix of a vector of per-run
/// figures (e.g. one side's welfare in every cell of a tournament under
/// common random numbers), in integer fixed point so that the totals are
/// independent of summation order. Sums are kept at 2^-32, products of values
/// rounded to 2^-16.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CrossMoments {
    pub n: u64,
    sum: Vec<i128>,
    /// Upper triangle, row-major: (a, b) with a ≤ b.
    cross: Vec<i128>,
}

impl CrossMoments {
    pub fn new(k: usize) -> CrossMoments {
        CrossMoments { n: 0, sum: vec![0; k], cross: vec![0; k * (k + 1) / 2] }
    }

    pub fn len(&self) -> usize {
        self.sum.len()
    }

    pub fn is_empty(&self) -> bool {
        self.sum.is_empty()
    }

    fn at(&self, a: usize, b: usize) -> usize {
        let (a, b) = if a <= b { (a, b) } else { (b, a) };
        a * self.sum.len() - a * (a + 1) / 2 + b
    }

    /// One observation of every value (`xs.len()` = the size given to `new`).
    pub fn add(&mut self, xs: &[f64]) {
        debug_assert_eq!(xs.len(), self.sum.len());
        self.n += 1;
        let q: Vec<i128> =
            xs.iter().map(|x| (x.clamp(-MAX_ABS_VALUE, MAX_ABS_VALUE) * SQ_SCALE).round() as i128).collect();
        let mut k = 0;
        for a in 0..xs.len() {
            self.sum[a] += (xs[a].clamp(-MAX_ABS_VALUE, MAX_ABS_VALUE) * SUM_SCALE).round() as i64 as i128;
            for b in a..xs.len() {
                self.cross[k] += q[a] * q[b];
                k += 1;
            }
        }
    }

    pub fn merge(&mut self, other: &CrossMoments) {
        self.n += other.n;
        self.sum.iter_mut().zip(&other.sum).for_each(|(a, b)| *a += b);
        self.cross.iter_mut().zip(&other.cross).for_each(|(a, b)| *a += b);
    }

    pub fn mean(&self, a: usize) -> Option<f64> {
        (self.n > 0).then(|| self.sum[a] as f64 / SUM_SCALE / self.n as f64)
    }

    /// Sample covariance of values `a` and `b` (n − 1 denominator).
    pub fn cov(&self, a: usize, b: usize) -> Option<f64> {
        if self.n < 2 {
            return None;
        }
        let n = self.n as f64;
        let (ma, mb) = (self.mean(a)?, self.mean(b)?);
        let exy = self.cross[self.at(a, b)] as f64 / (SQ_SCALE * SQ_SCALE) / n;
        Some(((exy - ma * mb) * n / (n - 1.0)).max(if a == b { 0.0 } else { f64::NEG_INFINITY }))
    }

    /// Mean and standard error of the per-run linear combination Σ λ_a x_a.
    pub fn combination(&self, lambda: &[f64]) -> Option<(f64, f64)> {
        let mean: f64 = lambda.iter().enumerate().map(|(a, l)| l * self.mean(a).unwrap_or(0.0)).sum();
        if self.n < 2 {
            return (self.n == 1).then_some((mean, 0.0));
        }
        let mut var = 0.0;
        for (a, la) in lambda.iter().enumerate().filter(|(_, l)| **l != 0.0) {
            for (b, lb) in lambda.iter().enumerate().filter(|(_, l)| **l != 0.0) {
                var += la * lb * self.cov(a, b)?;
            }
        }
        Some((mean, (var.max(0.0) / self.n as f64).sqrt()))
    }
}

#[cfg(test)]
mod cross_tests {
    use super::*;

    #[test]
    fn cross_moments_give_the_variance_of_a_paired_difference() {
        // x and y move together: their difference varies much less than either.
        let mut c = CrossMoments::new(2);
        let mut mx = Moments::default();
        let mut md = Moments::default();
        for k in 0..1000 {
            let x = (k % 17) as f64 - 8.0;
            let y = x + if k % 2 == 0 { 0.5 } else { -0.25 };
            c.add(&[x, y]);
            mx.add(x, 1);
            md.add(x - y, 1);
        }
        let (d, se) = c.combination(&[1.0, -1.0]).unwrap();
        assert!((d - md.mean().unwrap()).abs() < 1e-6);
        assert!((se - md.std_error().unwrap()).abs() < 1e-6, "{se} vs {}", md.std_error().unwrap());
        assert!((c.cov(0, 0).unwrap() - mx.variance().unwrap()).abs() < 1e-6);
        // Order does not matter: merging halves gives the same integers.
        let (mut a, mut b) = (CrossMoments::new(2), CrossMoments::new(2));
        for k in 0..10 {
            let v = [k as f64 * 0.37, -(k as f64)];
            if k % 2 == 0 { a.add(&v) } else { b.add(&v) }
        }
        let mut ab = a.clone();
        ab.merge(&b);
        let mut ba = b;
        ba.merge(&a);
        assert_eq!(ab, ba);
    }
}

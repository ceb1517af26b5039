/*!
Fitting strategies and noise to an observed record by maximum likelihood.

For one side i, the data are its played postures a_i(1..T) and the other
side's played postures a_j(1..T) (read from a `History`). Side i's strategy
does not see a_j: it sees its *perception* of it, in which each played `C` is
read as `D` with probability μ (misperception, docs/model.md §4). The
perceptions are latent, so the likelihood sums over them with the forward
algorithm of a hidden Markov model:

- latent state before round t: what side i's `View` holds of the other side,
  (their_last, their_prev, ever perceived a `D`) — at most 18 states; its own
  last action is observed. Strategies read the escalation count only as "ever
  or never" (a test in `strategy` checks it), so this state is exact;
- emission: P(a_i(t) = D | view) = ε + (1 − 2ε)·p(view), with p the strategy's
  probability of intending `D` (`Strategy::p_escalate`) and ε the
  implementation noise;
- transition: the other's played a_j(t) is perceived as `D` if it was `D`,
  else as `D` with probability μ.

So lnL(θ, ε, μ) = Σ_t ln P(a_i(t) | a_i(<t), a_j(<t)) exactly. Provocations
(docs/model.md §3 step 2) enter at the scenario's rates, as known: a round's
move is `D` if the side chose `D` or a provocation raised a lever. The two sides'
moves are independent given the past, so the record's likelihood is the
product of the two sides' and each side is fitted on its own.

Parameters per candidate: its strategy parameter θ if it has one (GTFT's
generosity, random's p_escalate), ε in [0, 0.5] and μ in [0, 1]. μ is not
fitted for strategies that ignore the other side, and ε is fixed at 0 for
`random`, where it is confounded with p_escalate. k counts the fitted ones;
AIC = 2k − 2 lnL. Each maximum is found on a coarse grid refined by
golden-section coordinate ascent; each 95% interval is the profile-likelihood
interval {x : max over the others of lnL ≥ lnL̂ − 1.92}, the connected part
around the estimate, its ends found by bisection.

A strategy that gives an observed move zero probability does not fail: with
ε = 0 its likelihood is 0 (lnL = −∞), and the fit moves ε away from 0. Such
rounds are reported (`CandidateFit::needs_noise`).
*/

use crate::calibrate::history::History;
use crate::scenario::Scenario;
use crate::strategy::{Action, FitSupport, Kind, ParamSpec, Strategy, View};

/// χ²₁(0.95)/2: a 95% profile-likelihood interval keeps lnL ≥ lnL̂ − 1.92.
pub const PROFILE_DROP: f64 = 1.920_729_410_347_062;
/// Bounds of the implementation noise ε.
pub const NOISE_MAX: f64 = 0.5;
/// Bounds of the misperception μ.
pub const MISPERCEPTION_MAX: f64 = 1.0;
/// A round is said to need noise when, with ε → 0, its move has probability
/// below this.
const IMPOSSIBLE: f64 = 1e-6;

/// An error in what the fit was asked to do.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum FitError {
    #[error("unknown strategy `{0}` (strategies: {1})")]
    UnknownStrategy(String, String),
    #[error("strategy `{0}` cannot be fitted: {1}")]
    NotFittable(String, String),
    #[error("`{kind}` has no parameter `{name}` (it takes: {takes})")]
    UnknownParameter { kind: String, name: String, takes: String },
    #[error("range of `{name}` must satisfy {min} <= lo <= hi <= {max}, got {lo}:{hi}")]
    BadRange { name: String, lo: f64, hi: f64, min: f64, max: f64 },
    #[error("no candidate strategies to fit")]
    NoCandidates,
    #[error("the record has no rounds")]
    EmptyRecord,
}

/// A strategy family to try: a registry kind and, for a parameterised one,
/// the range its parameter is fitted over.
#[derive(Clone, Debug, PartialEq)]
pub struct Candidate {
    pub kind: Kind,
    pub param: Option<ParamRange>,
}

/// The range of a strategy parameter, within the parameter's own range.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ParamRange {
    pub spec: &'static ParamSpec,
    pub lo: f64,
    pub hi: f64,
}

impl ParamRange {
    pub fn name(&self) -> &'static str {
        self.spec.name
    }
}

impl Candidate {
    /// The candidate for the kind named `kind`, with its parameter (if any)
    /// fitted over its whole range. The fit handles kinds with at most one
    /// parameter (the registry says which kinds it cannot fit).
    pub fn new(kind: &str) -> Result<Candidate, FitError> {
        let k = Kind::from_name(kind)
            .ok_or_else(|| FitError::UnknownStrategy(kind.to_string(), Kind::names().join(", ")))?;
        let info = k.info();
        if let FitSupport::No(reason) = info.fit {
            return Err(FitError::NotFittable(kind.to_string(), reason.to_string()));
        }
        let param = match info.params {
            [] => None,
            [spec] => Some(ParamRange { spec, lo: spec.range.0, hi: spec.range.1 }),
            _ => {
                return Err(FitError::NotFittable(
                    kind.to_string(),
                    "the fit takes at most one strategy parameter".into(),
                ));
            }
        };
        Ok(Candidate { kind: k, param })
    }

    /// The kind's name.
    pub fn name(&self) -> &'static str {
        self.kind.name()
    }

    /// Restrict the parameter `name` to [lo, hi].
    pub fn with_range(mut self, name: &str, lo: f64, hi: f64) -> Result<Candidate, FitError> {
        let Some(p) = self.param.as_mut().filter(|p| p.name() == name) else {
            return Err(FitError::UnknownParameter {
                kind: self.name().to_string(),
                name: name.to_string(),
                takes: self.param.map_or("nothing".to_string(), |p| format!("`{}`", p.name())),
            });
        };
        let (min, max) = p.spec.range;
        if !(min <= lo && lo <= hi && hi <= max) {
            return Err(FitError::BadRange { name: name.to_string(), lo, hi, min, max });
        }
        p.lo = lo;
        p.hi = hi;
        Ok(self)
    }

    /// The strategy with parameter value `theta` (ignored without a parameter).
    pub fn strategy(&self, theta: f64) -> Strategy {
        match self.param {
            Some(_) => self.kind.with(&[theta]),
            None => self.kind.with(&[]),
        }
    }

    /// Whether ε is fitted (not where the registry says it is confounded
    /// with a parameter, as for `random`).
    pub fn fits_noise(&self) -> bool {
        matches!(self.kind.info().fit, FitSupport::Yes { noise_identified: true })
    }

    /// Whether μ is fitted: only for strategies that read the other side.
    pub fn fits_misperception(&self) -> bool {
        self.strategy(0.5).traits().memory_depth != Some(0)
    }

    /// Number of fitted parameters.
    pub fn k(&self) -> usize {
        self.param.is_some() as usize + self.fits_noise() as usize + self.fits_misperception() as usize
    }
}

/// Every registry strategy that can be fitted, in catalogue order.
pub fn default_candidates() -> Vec<Candidate> {
    Kind::ALL.iter().filter_map(|k| Candidate::new(k.name()).ok()).collect()
}

/// What one side did and what the other side did, round by round (1..=T).
#[derive(Clone, Debug, PartialEq)]
pub struct Record {
    pub own: Vec<Action>,
    pub other: Vec<Action>,
    /// Per round, the chance q_t that a provocation raised one of the side's
    /// levers whatever its strategy chose (empty: none). A round's move is then
    /// `D` with probability 1 − (1 − P(chosen D))·(1 − q_t).
    pub provocation: Vec<f64>,
}

impl Record {
    /// A record without provocations.
    pub fn new(own: Vec<Action>, other: Vec<Action>) -> Record {
        Record { own, other, provocation: Vec::new() }
    }

    /// Side `side`'s record in a history, with the provocation chance of each
    /// round from the scenario: q_t = 1 − Π (1 − q_k) over the side's
    /// provocation entries whose lever was below its top at the start of round
    /// t (a lever at the top cannot be raised).
    pub fn from_history(history: &History, sc: &Scenario, side: usize) -> Record {
        let provocation = (1..=history.rounds)
            .map(|t| {
                let s = &sc.sides[side];
                let calm: f64 = s
                    .provocations
                    .iter()
                    .filter(|p| history.rung(t - 1, side, p.lever) < s.levers[p.lever].top())
                    .map(|p| 1.0 - p.prob.nominal())
                    .product();
                1.0 - calm
            })
            .collect();
        Record { own: history.postures(side), other: history.postures(1 - side), provocation }
    }
}

/// Number of latent states: their_last × their_prev ∈ {none, C, D}², × ever.
const STATES: usize = 18;

fn state_index(last: Option<Action>, prev: Option<Action>, ever: bool) -> usize {
    let code = |a: Option<Action>| a.map_or(0, |a| 1 + a.is_d() as usize);
    (code(last) * 3 + code(prev)) * 2 + ever as usize
}

fn state_of(index: usize) -> (Option<Action>, Option<Action>, bool) {
    let decode = |c: usize| match c {
        0 => None,
        1 => Some(Action::C),
        _ => Some(Action::D),
    };
    (decode(index / 6), decode(index / 2 % 3), index % 2 == 1)
}

/// For each round, P(observed own move | everything observed before), by the
/// forward algorithm over the latent perceptions. A zero means the model
/// cannot produce the move; the rounds after it are then `NaN`.
pub fn predictive(strategy: &Strategy, noise: f64, misperception: f64, rec: &Record) -> Vec<f64> {
    let rounds = rec.own.len().min(rec.other.len());
    let mut out = Vec::with_capacity(rounds);
    let mut alpha = [0.0f64; STATES];
    alpha[state_index(None, None, false)] = 1.0;
    for t in 0..rounds {
        let my_last = if t == 0 { None } else { Some(rec.own[t - 1]) };
        let mut next = [0.0f64; STATES];
        let mut total = 0.0;
        for (s, &a) in alpha.iter().enumerate() {
            if a == 0.0 {
                continue;
            }
            let (their_last, their_prev, ever) = state_of(s);
            let view = View {
                round: t as u32 + 1,
                my_last,
                their_last,
                their_prev,
                their_defections: ever as u32,
                ..View::default()
            };
            let chosen_d = noise + (1.0 - 2.0 * noise) * strategy.p_escalate(&view);
            let q = rec.provocation.get(t).copied().unwrap_or(0.0);
            let p_d = 1.0 - (1.0 - chosen_d) * (1.0 - q);
            let weight = a * if rec.own[t].is_d() { p_d } else { 1.0 - p_d };
            if weight == 0.0 {
                continue;
            }
            total += weight;
            // What side i records of the other's move of round t.
            let shift = |seen: Action| state_index(Some(seen), their_last, ever || seen.is_d());
            if rec.other[t].is_d() {
                next[shift(Action::D)] += weight;
            } else {
                next[shift(Action::D)] += weight * misperception;
                next[shift(Action::C)] += weight * (1.0 - misperception);
            }
        }
        out.push(total);
        if total <= 0.0 {
            out.resize(rounds, f64::NAN);
            break;
        }
        alpha = next.map(|x| x / total);
    }
    out
}

/// ln P(own moves | both sides' past moves); −∞ if a move is impossible.
pub fn log_likelihood(strategy: &Strategy, noise: f64, misperception: f64, rec: &Record) -> f64 {
    let mut ln_l = 0.0;
    for p in predictive(strategy, noise, misperception, rec) {
        if p.is_nan() || p <= 0.0 {
            return f64::NEG_INFINITY;
        }
        ln_l += p.ln();
    }
    ln_l
}

/// A fitted quantity and its 95% profile interval; `fitted` is false for a
/// quantity held fixed (its interval is then the value itself).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Estimate {
    pub value: f64,
    pub ci_low: f64,
    pub ci_high: f64,
    pub fitted: bool,
}

impl Estimate {
    fn fixed(value: f64) -> Estimate {
        Estimate { value, ci_low: value, ci_high: value, fitted: false }
    }
}

/// One candidate fitted to one side's record.
#[derive(Clone, Debug, PartialEq)]
pub struct CandidateFit {
    pub candidate: Candidate,
    /// The strategy at the fitted parameter.
    pub strategy: Strategy,
    pub ln_l: f64,
    pub k: usize,
    pub aic: f64,
    /// AIC minus the side's best AIC.
    pub delta_aic: f64,
    /// Akaike weight: exp(−ΔAIC/2), normalised over the side's candidates.
    pub weight: f64,
    /// The strategy parameter, if the candidate has one.
    pub param: Option<Estimate>,
    pub noise: Estimate,
    /// `None` for strategies that ignore the other side.
    pub misperception: Option<Estimate>,
    /// Rounds (1-based) whose move has (near) zero probability without
    /// implementation noise, at the fitted parameter and misperception.
    pub needs_noise: Vec<u32>,
    /// P(observed move | past) per round at the estimates.
    pub predictive: Vec<f64>,
}

/// The log-likelihood profile of one parameter of one fit, for the chart.
#[derive(Clone, Debug, PartialEq)]
pub struct Profile {
    /// `generosity`, `p_escalate` or `noise`.
    pub param: &'static str,
    pub xs: Vec<f64>,
    /// max over the other parameters of lnL, at each x.
    pub ln_l: Vec<f64>,
    pub estimate: Estimate,
    /// lnL at the estimate (the profile's maximum).
    pub max_ln_l: f64,
}

/// Every candidate fitted to one side, best first.
#[derive(Clone, Debug, PartialEq)]
pub struct SideFit {
    pub side: usize,
    pub rounds: usize,
    pub fits: Vec<CandidateFit>,
    /// Profile of the best fit's strategy parameter, or of ε when it has none.
    pub profile: Profile,
}

/// How to fit.
#[derive(Clone, Debug)]
pub struct FitConfig {
    pub candidates: Vec<Candidate>,
    /// Points of the plotted profile.
    pub profile_points: usize,
}

/// Fit every candidate to side `side`'s record and rank them by AIC.
pub fn fit_side(side: usize, rec: &Record, cfg: &FitConfig) -> Result<SideFit, FitError> {
    if cfg.candidates.is_empty() {
        return Err(FitError::NoCandidates);
    }
    if rec.own.is_empty() || rec.own.len() != rec.other.len() {
        return Err(FitError::EmptyRecord);
    }
    let mut fits: Vec<CandidateFit> = cfg.candidates.iter().map(|c| fit_candidate(c, rec)).collect();
    let best_aic = fits.iter().map(|f| f.aic).fold(f64::INFINITY, f64::min);
    for f in &mut fits {
        f.delta_aic = if f.aic.is_finite() { f.aic - best_aic } else { f64::INFINITY };
    }
    let total: f64 = fits.iter().map(|f| (-0.5 * f.delta_aic).exp()).sum();
    for f in &mut fits {
        f.weight = (-0.5 * f.delta_aic).exp() / total;
    }
    // Stable: ties keep the candidates' order.
    fits.sort_by(|a, b| a.aic.total_cmp(&b.aic));
    let profile = profile_of(&fits[0], rec, cfg.profile_points.max(2));
    Ok(SideFit { side, rounds: rec.own.len(), fits, profile })
}

/// The free coordinates of a candidate: which of (θ, ε, μ) vary, and their bounds.
struct Space<'a> {
    candidate: &'a Candidate,
    rec: &'a Record,
    /// (coordinate, lo, hi) for θ = 0, ε = 1, μ = 2.
    free: Vec<(usize, f64, f64)>,
}

impl<'a> Space<'a> {
    fn new(candidate: &'a Candidate, rec: &'a Record) -> Self {
        let mut free = Vec::new();
        if let Some(p) = candidate.param {
            free.push((0, p.lo, p.hi));
        }
        if candidate.fits_noise() {
            free.push((1, 0.0, NOISE_MAX));
        }
        if candidate.fits_misperception() {
            free.push((2, 0.0, MISPERCEPTION_MAX));
        }
        Space { candidate, rec, free }
    }

    /// (θ, ε, μ) from a point of the free coordinates; fixed ones are 0.
    fn full(&self, x: &[f64]) -> [f64; 3] {
        let mut full = [0.0; 3];
        for (&(c, _, _), &v) in self.free.iter().zip(x) {
            full[c] = v;
        }
        full
    }

    fn ln_l(&self, x: &[f64]) -> f64 {
        let [theta, noise, mis] = self.full(x);
        log_likelihood(&self.candidate.strategy(theta), noise, mis, self.rec)
    }

    /// Maximise over the free coordinates except `fixed` (held at its value in
    /// `start`). Returns the point and lnL.
    fn maximise(&self, fixed: Option<usize>, start: Option<&[f64]>) -> (Vec<f64>, f64) {
        let dims: Vec<usize> = (0..self.free.len()).filter(|&d| Some(d) != fixed).collect();
        let base: Vec<f64> = match start {
            Some(s) => s.to_vec(),
            None => self.free.iter().map(|&(_, lo, hi)| 0.5 * (lo + hi)).collect(),
        };
        // Coarse grid over the varying coordinates.
        let per_dim = match dims.len() {
            0 | 1 => 11,
            2 => 7,
            _ => 5,
        };
        let mut best = (base.clone(), self.ln_l(&base));
        let mut idx = vec![0usize; dims.len()];
        loop {
            let mut x = base.clone();
            for (&d, &i) in dims.iter().zip(&idx) {
                let (_, lo, hi) = self.free[d];
                x[d] = lo + (hi - lo) * i as f64 / (per_dim - 1) as f64;
            }
            let v = self.ln_l(&x);
            if v > best.1 {
                best = (x, v);
            }
            // Next grid point (odometer).
            let mut k = 0;
            while k < idx.len() {
                idx[k] += 1;
                if idx[k] < per_dim {
                    break;
                }
                idx[k] = 0;
                k += 1;
            }
            if k == idx.len() {
                break;
            }
        }
        if !best.1.is_finite() {
            return best;
        }
        // Coordinate ascent: golden-section search within a grid cell either
        // side of the current best, sweep after sweep.
        for sweep in 0..30 {
            let before = best.1;
            for &d in &dims {
                let (_, lo, hi) = self.free[d];
                let half = if sweep == 0 { (hi - lo) / (per_dim - 1) as f64 } else { (hi - lo) / 10.0 };
                let (a, b) = ((best.0[d] - half).max(lo), (best.0[d] + half).min(hi));
                let line = |v: f64| {
                    let mut x = best.0.clone();
                    x[d] = v;
                    self.ln_l(&x)
                };
                let (v, f) = golden_max(&line, a, b);
                if f > best.1 {
                    best.0[d] = v;
                    best.1 = f;
                }
            }
            if best.1 - before < 1e-10 {
                break;
            }
        }
        best
    }

    /// The 95% profile interval of free coordinate `d` around the optimum.
    fn interval(&self, d: usize, at: &[f64], max: f64) -> (f64, f64) {
        let (_, lo, hi) = self.free[d];
        let target = max - PROFILE_DROP;
        let profile = |v: f64| {
            let mut x = at.to_vec();
            x[d] = v;
            self.maximise(Some(d), Some(&x)).1
        };
        let end = |bound: f64| {
            if profile(bound) >= target {
                return bound;
            }
            // Bisection between the estimate (inside) and the bound (outside).
            let (mut inside, mut outside) = (at[d], bound);
            while (outside - inside).abs() > 1e-5 {
                let mid = 0.5 * (inside + outside);
                if profile(mid) >= target {
                    inside = mid;
                } else {
                    outside = mid;
                }
            }
            0.5 * (inside + outside)
        };
        (end(lo), end(hi))
    }
}

/// Golden-section search for the maximum of `f` on [a, b], endpoints included.
fn golden_max(f: &dyn Fn(f64) -> f64, a: f64, b: f64) -> (f64, f64) {
    const INV_PHI: f64 = 0.618_033_988_749_894_8;
    let (mut a, mut b) = (a, b);
    let mut best = [(a, f(a)), (b, f(b))].into_iter().max_by(|x, y| x.1.total_cmp(&y.1)).expect("two points");
    let mut c = b - INV_PHI * (b - a);
    let mut d = a + INV_PHI * (b - a);
    let (mut fc, mut fd) = (f(c), f(d));
    while (b - a).abs() > 1e-6 {
        if fc >= fd {
            b = d;
            d = c;
            fd = fc;
            c = b - INV_PHI * (b - a);
            fc = f(c);
        } else {
            a = c;
            c = d;
            fc = fd;
            d = a + INV_PHI * (b - a);
            fd = f(d);
        }
    }
    for p in [(c, fc), (d, fd)] {
        if p.1 > best.1 {
            best = p;
        }
    }
    best
}

fn fit_candidate(candidate: &Candidate, rec: &Record) -> CandidateFit {
    let space = Space::new(candidate, rec);
    let (x, ln_l) = space.maximise(None, None);
    let mut estimates = [None; 3];
    for (d, &(c, _, _)) in space.free.iter().enumerate() {
        let (ci_low, ci_high) = if ln_l.is_finite() { space.interval(d, &x, ln_l) } else { (f64::NAN, f64::NAN) };
        estimates[c] = Some(Estimate { value: x[d], ci_low, ci_high, fitted: true });
    }
    let [theta, noise, mis] = space.full(&x);
    let strategy = candidate.strategy(theta);
    let misperception = candidate.fits_misperception().then(|| estimates[2].unwrap_or(Estimate::fixed(0.0)));
    // Rounds the noise-free strategy cannot produce, at the fitted θ and μ:
    // the filter with a vanishing ε keeps the path needing the fewest flips.
    let needs_noise = predictive(&strategy, 1e-12, mis, rec)
        .iter()
        .enumerate()
        .filter(|(_, p)| p.is_nan() || **p < IMPOSSIBLE)
        .map(|(t, _)| t as u32 + 1)
        .collect();
    let k = candidate.k();
    CandidateFit {
        candidate: candidate.clone(),
        predictive: predictive(&strategy, noise, mis, rec),
        strategy,
        ln_l,
        k,
        aic: 2.0 * k as f64 - 2.0 * ln_l,
        delta_aic: 0.0,
        weight: 0.0,
        param: candidate.param.map(|_| estimates[0].expect("a parameter is free")),
        noise: estimates[1].unwrap_or(Estimate::fixed(0.0)),
        misperception,
        needs_noise,
    }
}

/// The profile of the fit's strategy parameter, or of ε if it has none (or,
/// for a candidate with neither free, of its only free coordinate).
fn profile_of(fit: &CandidateFit, rec: &Record, points: usize) -> Profile {
    let space = Space::new(&fit.candidate, rec);
    let (coordinate, param, estimate) = match (fit.candidate.param, fit.param) {
        (Some(p), Some(e)) => (0, p.name(), e),
        _ if fit.candidate.fits_noise() => (1, "noise", fit.noise),
        _ => (2, "misperception", fit.misperception.unwrap_or(Estimate::fixed(0.0))),
    };
    let Some(d) = space.free.iter().position(|&(c, _, _)| c == coordinate) else {
        return Profile { param, xs: vec![], ln_l: vec![], estimate, max_ln_l: fit.ln_l };
    };
    let (_, lo, hi) = space.free[d];
    let at: Vec<f64> = space
        .free
        .iter()
        .map(|&(c, _, _)| match c {
            0 => fit.param.map_or(0.0, |e| e.value),
            1 => fit.noise.value,
            _ => fit.misperception.map_or(0.0, |e| e.value),
        })
        .collect();
    let mut xs = Vec::with_capacity(points);
    let mut ln_l = Vec::with_capacity(points);
    let mut warm = at.clone();
    for i in 0..points {
        let v = lo + (hi - lo) * i as f64 / (points - 1) as f64;
        warm[d] = v;
        let (x, f) = space.maximise(Some(d), Some(&warm));
        if f.is_finite() {
            warm = x;
        }
        xs.push(v);
        ln_l.push(f);
    }
    Profile { param, xs, ln_l, estimate, max_ln_l: fit.ln_l }
}

#[cfg(test)]
mod tests;

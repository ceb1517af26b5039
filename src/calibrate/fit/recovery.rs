/*!
Recovery test of the fit: can a record of this size identify the strategy?

From a "true" model (a fitted candidate with its estimates), N records of the
same size are simulated by the fit's own generative model: side i's moves are
drawn round by round (its strategy's P(escalate) at its perceived view,
implementation noise ε, the record's provocation chances), while the other
side's moves are those of the observed record, perceived through
misperception μ (the likelihood conditions on them, so the bootstrap does too).
Each simulated record is refitted with every candidate, and the test counts
how often the true model ranks first by AICc (recovered), how often a
history-blind model does, and how often the true model's 95% intervals,
refitted, cover the true values (coverage; 95% if the intervals were exact).

Deterministic: record k draws from its own stream (`rng::Channel::Strategy`
of the side, run k), so the result depends only on the seed and N.
*/

use super::{CandidateFit, FitConfig, Record, distinct, fit_candidate, rank};
use crate::rng::{Channel, LazyRng, Streams};
use crate::strategy::{Action, View};

/// The recovery test of one true model of one side.
#[derive(Clone, Debug, PartialEq)]
pub struct Recovery {
    pub side: usize,
    /// The true model: a candidate and its fitted values.
    pub truth: CandidateFit,
    /// Simulated records.
    pub records: usize,
    /// Rounds per record (over every episode).
    pub rounds: usize,
    /// How often each candidate ranked first, in candidate order (names as
    /// `Candidate::name`).
    pub selected: Vec<(String, usize)>,
    /// Records in which the true model ranked first by AICc.
    pub recovered: usize,
    /// Records in which a history-blind model ranked first.
    pub history_blind: usize,
    /// Mean Akaike weight of the true model over the records.
    pub mean_weight: f64,
    /// Records whose refitted interval covers the true value, for the
    /// strategy parameter, ε and μ (`None`: not fitted in this model).
    pub param_covered: Option<usize>,
    pub noise_covered: Option<usize>,
    pub misperception_covered: Option<usize>,
    /// Mean width of the refitted 95% interval of the strategy parameter, or
    /// of ε when there is none.
    pub mean_width: f64,
}

impl Recovery {
    /// Share of the records in which the true model ranked first.
    pub fn recovered_share(&self) -> f64 {
        self.recovered as f64 / self.records.max(1) as f64
    }

    pub fn share(&self, count: usize) -> f64 {
        count as f64 / self.records.max(1) as f64
    }
}

/// Side `side`'s moves in one simulated record of the shape of `template`
/// (the other side's moves and the provocation chances are the template's).
pub fn simulate_record(truth: &CandidateFit, template: &Record, rng: &mut LazyRng, streams: &Streams) -> Record {
    let noise = truth.noise.value;
    let mis = truth.misperception.map_or(0.0, |m| m.value);
    let mut view = View::first();
    let mut own = Vec::with_capacity(template.other.len());
    for (t, &theirs) in template.other.iter().enumerate() {
        let chosen = noise + (1.0 - 2.0 * noise) * truth.strategy.p_escalate(&view);
        let q = template.provocation.get(t).copied().unwrap_or(0.0);
        // Both draws every round, so that one parameter does not shift the
        // other's random numbers.
        let (u, v) = (rng.unit(streams), rng.unit(streams));
        let mine = if u < chosen || v < q { Action::D } else { Action::C };
        let w = rng.unit(streams);
        let seen = if theirs.is_d() || w < mis { Action::D } else { Action::C };
        own.push(mine);
        view.observe(mine, seen);
    }
    Record { own, other: template.other.clone(), provocation: template.provocation.clone() }
}

fn covers(e: Option<&super::Estimate>, truth: Option<&super::Estimate>) -> Option<bool> {
    match (e, truth) {
        (Some(e), Some(t)) if e.fitted && t.fitted => Some(e.ci_low - 1e-9 <= t.value && t.value <= e.ci_high + 1e-9),
        _ => None,
    }
}

/// Simulate `records` records shaped like `templates` (one per episode) from
/// `truth`, refit each with `cfg`'s candidates, and count what was recovered.
pub fn recovery(
    side: usize,
    truth: &CandidateFit,
    templates: &[Record],
    cfg: &FitConfig,
    records: usize,
    seed: u64,
) -> Recovery {
    let candidates = distinct(cfg.candidates.clone());
    let streams = Streams::new(seed);
    let mut rng = LazyRng::new(Channel::Strategy(side));
    let mut selected: Vec<(String, usize)> = candidates.iter().map(|c| (c.name().to_string(), 0)).collect();
    let (mut recovered, mut history_blind, mut weight_sum, mut width_sum) = (0, 0, 0.0, 0.0);
    let mut covered = [None::<usize>; 3];
    for k in 0..records {
        rng.reset(k as u64);
        let recs: Vec<Record> = templates.iter().map(|t| simulate_record(truth, t, &mut rng, &streams)).collect();
        let mut fits: Vec<CandidateFit> = candidates.iter().map(|c| fit_candidate(c, &recs, false)).collect();
        rank(&mut fits);
        let best = &fits[0];
        if let Some(s) = selected.iter_mut().find(|(name, _)| name == best.candidate.name()) {
            s.1 += 1;
        }
        recovered += (best.candidate == truth.candidate) as usize;
        history_blind += best.candidate.is_history_blind() as usize;
        weight_sum += fits.iter().find(|f| f.candidate == truth.candidate).map_or(0.0, |f| f.weight);
        let refit = fit_candidate(&truth.candidate, &recs, true);
        let checks = [
            covers(refit.param.as_ref(), truth.param.as_ref()),
            covers(Some(&refit.noise), Some(&truth.noise)),
            covers(refit.misperception.as_ref(), truth.misperception.as_ref()),
        ];
        for (c, check) in covered.iter_mut().zip(checks) {
            if let Some(hit) = check {
                *c = Some(c.unwrap_or(0) + hit as usize);
            }
        }
        let e = refit.param.unwrap_or(refit.noise);
        width_sum += e.ci_high - e.ci_low;
    }
    let n = records.max(1) as f64;
    Recovery {
        side,
        truth: truth.clone(),
        records,
        rounds: templates.iter().map(|t| t.other.len()).sum(),
        selected,
        recovered,
        history_blind,
        mean_weight: weight_sum / n,
        param_covered: covered[0],
        noise_covered: covered[1],
        misperception_covered: covered[2],
        mean_width: width_sum / n,
    }
}

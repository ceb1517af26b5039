/*!
What each lever is worth: `simulate leverage`.

For one side with levers L (at most [`MAX_SHAPLEY_LEVERS`]), every subset
S ⊆ L is played as a variant of the scenario in which the side's other levers
are taken away (pinned at their bottom rung: the side does not have them;
`Game::set_disabled`). All 2^|L| variants play the same runs with the same
random numbers (`montecarlo::run_paired`), so for each run and each figure x
(a 0/1 indicator such as "the other side made the first concession", or a
welfare) the lever's **Shapley value** is computed run by run,

    φ_l = Σ_{S ⊆ L∖{l}} |S|!·(|L| − |S| − 1)!/|L|! · [x(S ∪ {l}) − x(S)],

and averaged over runs with a 95% interval from its per-run spread (the
pairing makes the interval that of the lever's effect, not of two independent
estimates). The values add up, run by run, to x(L) − x(∅): the whole effect
of the side's levers is split among them, interactions shared equally. The
**leave-one-out** effect x(L) − x(L ∖ {l}) is reported beside it.

Pure: no IO, no threads of its own beyond the Monte Carlo's.
*/

use crate::engine::GameTrace;
use crate::error::{Error, LeverageError};
use crate::montecarlo::{Hooks, McConfig, Paired, RunMeta, Variant, run_paired};
use crate::outcome::{Outcome, RunSummary};
use crate::scenario::Scenario;
use crate::stats::Moments;

/// Most levers of one side whose Shapley values are computed exactly (2^8 = 256 variants).
pub const MAX_SHAPLEY_LEVERS: usize = 8;

/// A figure whose worth is attributed to levers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Figure {
    /// The other side made the first concession to a demand.
    OtherConcedesFirst,
    /// The side itself made the first concession.
    ConcedesFirst,
    /// The side's demand is met at the end of the run.
    DemandMet,
    Detente,
    ViciousCycle,
    /// Cumulative welfare of side 0 or 1.
    Welfare(usize),
}

impl Figure {
    /// The figures reported, for the side whose levers are valued.
    pub fn all() -> [Figure; 7] {
        [
            Figure::DemandMet,
            Figure::OtherConcedesFirst,
            Figure::ConcedesFirst,
            Figure::Detente,
            Figure::ViciousCycle,
            Figure::Welfare(0),
            Figure::Welfare(1),
        ]
    }

    /// The figure's value in one run, for levers of `side`.
    fn of(self, s: &RunSummary, side: usize) -> f64 {
        let yes = |b: bool| if b { 1.0 } else { 0.0 };
        match self {
            Figure::OtherConcedesFirst => yes(s.first_yield.is_some_and(|(i, _)| i != side)),
            Figure::ConcedesFirst => yes(s.first_yield.is_some_and(|(i, _)| i == side)),
            Figure::DemandMet => yes(s.demand_met[side]),
            Figure::Detente => yes(s.outcome == Outcome::Detente),
            Figure::ViciousCycle => yes(s.outcome == Outcome::ViciousCycle),
            Figure::Welfare(i) => s.welfare[i],
        }
    }

    /// Machine name, with side names for the welfare figures.
    pub fn key(self, sides: &[String]) -> String {
        match self {
            Figure::OtherConcedesFirst => "p_other_concedes_first".into(),
            Figure::ConcedesFirst => "p_concedes_first".into(),
            Figure::DemandMet => "p_demand_met".into(),
            Figure::Detente => "p_detente".into(),
            Figure::ViciousCycle => "p_vicious_cycle".into(),
            Figure::Welfare(i) => format!("welfare_{}", sides[i]),
        }
    }

    /// Whether the figure is a probability (shown in percentage points).
    pub fn is_share(self) -> bool {
        !matches!(self, Figure::Welfare(_))
    }
}

/// Per lever and figure: the Shapley value and the leave-one-out effect,
/// each as per-run moments.
#[derive(Clone, Debug, PartialEq)]
pub struct LeverValues {
    pub meta: RunMeta,
    pub side: usize,
    /// The side's lever names, in file order.
    pub levers: Vec<String>,
    pub figures: Vec<Figure>,
    /// `[lever][figure]`.
    pub shapley: Vec<Vec<Moments>>,
    pub without: Vec<Vec<Moments>>,
    /// Per figure: with every lever, and with none.
    pub all: Vec<Moments>,
    pub none: Vec<Moments>,
    /// Per figure: the whole effect of the side's levers, x(L) − x(∅), run
    /// by run (the sum of the levers' Shapley values).
    pub total_effect: Vec<Moments>,
}

/// The paired accumulator.
struct Acc {
    n: usize,
    side: usize,
    figures: Vec<Figure>,
    weights: Vec<f64>,
    shapley: Vec<Vec<Moments>>,
    without: Vec<Vec<Moments>>,
    all: Vec<Moments>,
    none: Vec<Moments>,
    total: Vec<Moments>,
}

impl Paired for Acc {
    fn add(&mut self, _run: u64, plays: &[(&GameTrace, RunSummary)]) {
        let full = (1usize << self.n) - 1;
        for (f, fig) in self.figures.iter().enumerate() {
            let x = |set: usize| fig.of(&plays[set].1, self.side);
            for l in 0..self.n {
                let bit = 1 << l;
                let mut phi = 0.0;
                for set in (0..=full).filter(|s| s & bit == 0) {
                    phi += self.weights[set.count_ones() as usize] * (x(set | bit) - x(set));
                }
                self.shapley[l][f].add(phi, 1);
                self.without[l][f].add(x(full) - x(full & !bit), 1);
            }
            self.all[f].add(x(full), 1);
            self.none[f].add(x(0), 1);
            self.total[f].add(x(full) - x(0), 1);
        }
    }
    fn merge(&mut self, other: Self) {
        let pairs = |a: &mut Vec<Vec<Moments>>, b: &Vec<Vec<Moments>>| {
            a.iter_mut().zip(b).for_each(|(a, b)| a.iter_mut().zip(b).for_each(|(a, b)| a.merge(b)))
        };
        pairs(&mut self.shapley, &other.shapley);
        pairs(&mut self.without, &other.without);
        for (a, b) in [(&mut self.all, &other.all), (&mut self.none, &other.none), (&mut self.total, &other.total)] {
            a.iter_mut().zip(b).for_each(|(a, b)| a.merge(b));
        }
    }
}

/// The Shapley and leave-one-out values of side `side`'s levers.
pub fn lever_values(sc: &Scenario, side: usize, cfg: &McConfig, hooks: &Hooks) -> Result<LeverValues, Error> {
    let n = sc.sides[side].levers.len();
    if n > MAX_SHAPLEY_LEVERS {
        return Err(Error::Leverage(LeverageError::TooManyLevers {
            side: sc.sides[side].name.clone(),
            levers: n,
            max: MAX_SHAPLEY_LEVERS,
        }));
    }
    let lo: usize = sc.sides[..side].iter().map(|s| s.levers.len()).sum();
    let full = (1usize << n) - 1;
    // Variant `set`: the side keeps the levers in `set` (bit k = lever k).
    let variants: Vec<Variant> =
        (0..=full).map(|set| Variant { scenario: sc, disabled: ((full & !set) as u32) << lo }).collect();
    let fact = |k: usize| (1..=k).map(|x| x as f64).product::<f64>();
    let weights: Vec<f64> = (0..n).map(|k| fact(k) * fact(n - k - 1) / fact(n)).collect();
    let figures = Figure::all().to_vec();
    let nf = figures.len();
    let acc = run_paired(&variants, cfg, hooks, || Acc {
        n,
        side,
        figures: figures.clone(),
        weights: weights.clone(),
        shapley: vec![vec![Moments::default(); nf]; n],
        without: vec![vec![Moments::default(); nf]; n],
        all: vec![Moments::default(); nf],
        none: vec![Moments::default(); nf],
        total: vec![Moments::default(); nf],
    })?;
    Ok(LeverValues {
        meta: RunMeta::new(sc, cfg.runs, cfg.seed),
        side,
        levers: sc.sides[side].levers.iter().map(|l| l.name.clone()).collect(),
        figures,
        shapley: acc.shapley,
        without: acc.without,
        all: acc.all,
        none: acc.none,
        total_effect: acc.total,
    })
}

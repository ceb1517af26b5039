/*!
Two scenarios side by side with common random numbers: `simulate compare`
and `simulate violation`.

Both scenarios play runs 0..N with the same seed (`montecarlo::run_paired`):
run k of each draws the same random numbers for the same purposes, so the
per-run difference of any figure between them measures what the scenarios
change, not luck, and its mean has a paired 95% interval (usually far
narrower than the difference of two independent estimates). Each scenario
also keeps its own full `Batch`.
*/

use crate::engine::{GameTrace, SpellEnd};
use crate::error::Error;
use crate::montecarlo::{Batch, Hooks, McConfig, Paired, Variant, run_paired};
use crate::outcome::{Outcome, RunSummary};
use crate::scenario::Scenario;
use crate::spread::GroupMoments;
use crate::stats::Moments;

/// A per-run figure compared between the two scenarios.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Figure {
    Outcome(Outcome),
    Welfare(usize),
    Payoff(usize),
    FinalIndex(usize),
    /// Side i made the first concession to a demand.
    ConcedesFirst(usize),
    /// Side i's demand is met at the end.
    DemandMet(usize),
    /// A truce collapsed after a violation during the run.
    TruceCollapsed,
}

impl Figure {
    pub fn all() -> Vec<Figure> {
        let mut f: Vec<Figure> = Outcome::ALL.iter().map(|&o| Figure::Outcome(o)).collect();
        for i in 0..2 {
            f.extend([Figure::Welfare(i), Figure::Payoff(i), Figure::FinalIndex(i)]);
        }
        for i in 0..2 {
            f.extend([Figure::ConcedesFirst(i), Figure::DemandMet(i)]);
        }
        f.push(Figure::TruceCollapsed);
        f
    }

    fn of(self, trace: &GameTrace, s: &RunSummary) -> f64 {
        let yes = |b: bool| if b { 1.0 } else { 0.0 };
        match self {
            Figure::Outcome(o) => yes(s.outcome == o),
            Figure::Welfare(i) => s.welfare[i],
            Figure::Payoff(i) => s.utility[i],
            Figure::FinalIndex(i) => s.final_index[i],
            Figure::ConcedesFirst(i) => yes(s.first_yield.is_some_and(|(side, _)| side == i)),
            Figure::DemandMet(i) => yes(s.demand_met[i]),
            Figure::TruceCollapsed => yes(trace.spells.iter().any(|sp| sp.how == SpellEnd::Collapsed)),
        }
    }

    /// Machine name, with side names.
    pub fn key(self, sides: &[String]) -> String {
        match self {
            Figure::Outcome(o) => format!("p_{}", o.key()),
            Figure::Welfare(i) => format!("welfare_{}", sides[i]),
            Figure::Payoff(i) => format!("payoff_{}", sides[i]),
            Figure::FinalIndex(i) => format!("final_index_{}", sides[i]),
            Figure::ConcedesFirst(i) => format!("p_{}_concedes_first", sides[i]),
            Figure::DemandMet(i) => format!("p_{}_demand_met", sides[i]),
            Figure::TruceCollapsed => "p_truce_collapsed".into(),
        }
    }

    /// Human name, with side labels.
    pub fn title(self, labels: &[String]) -> String {
        match self {
            Figure::Outcome(o) => format!("P({})", o.title()),
            Figure::Welfare(i) => format!("welfare {}", labels[i]),
            Figure::Payoff(i) => format!("payoff {}", labels[i]),
            Figure::FinalIndex(i) => format!("final escalation index {}", labels[i]),
            Figure::ConcedesFirst(i) => format!("P({} concedes first)", labels[i]),
            Figure::DemandMet(i) => format!("P({}'s demand met)", labels[i]),
            Figure::TruceCollapsed => "P(a truce collapses)".into(),
        }
    }

    pub fn is_share(self) -> bool {
        !matches!(self, Figure::Welfare(_) | Figure::Payoff(_) | Figure::FinalIndex(_))
    }
}

/// The paired comparison of scenario A (the baseline) and B.
#[derive(Clone, Debug)]
pub struct Comparison {
    pub figures: Vec<Figure>,
    /// Per figure: A's and B's per-run values and their difference B − A.
    pub a: Vec<Moments>,
    pub b: Vec<Moments>,
    pub diff: Vec<Moments>,
    /// Per-group means of A's, B's and the differences' figures (in that
    /// order), when runs share parameter draws: clustered intervals.
    pub groups: GroupMoments,
    pub batches: [Batch; 2],
}

struct Acc {
    figures: Vec<Figure>,
    a: Vec<Moments>,
    b: Vec<Moments>,
    diff: Vec<Moments>,
    groups: GroupMoments,
    values: Vec<f64>,
    batches: Vec<Batch>,
}

impl Paired for Acc {
    fn add(&mut self, run: u64, plays: &[(&GameTrace, RunSummary)]) {
        let (ta, sa) = (&plays[0].0, &plays[0].1);
        let (tb, sb) = (&plays[1].0, &plays[1].1);
        let n = self.figures.len();
        for (k, f) in self.figures.iter().enumerate() {
            let (x, y) = (f.of(ta, sa), f.of(tb, sb));
            self.a[k].add(x, 1);
            self.b[k].add(y, 1);
            self.diff[k].add(y - x, 1);
            (self.values[k], self.values[n + k], self.values[2 * n + k]) = (x, y, y - x);
        }
        self.groups.add(run, &self.values);
        for (batch, (trace, s)) in self.batches.iter_mut().zip(plays) {
            batch.add(trace, s, 1);
        }
    }
    fn merge(&mut self, other: Self) {
        for (mine, theirs) in [(&mut self.a, &other.a), (&mut self.b, &other.b), (&mut self.diff, &other.diff)] {
            mine.iter_mut().zip(theirs).for_each(|(x, y)| x.merge(y));
        }
        self.groups.merge(&other.groups);
        for (x, y) in self.batches.iter_mut().zip(&other.batches) {
            x.merge(y);
        }
    }
}

/// Why two scenarios cannot be compared run by run.
pub fn comparable(a: &Scenario, b: &Scenario) -> Result<(), String> {
    for i in 0..2 {
        if a.sides[i].name != b.sides[i].name {
            return Err(format!(
                "side {} is `{}` in the first scenario and `{}` in the second: compare scenarios with the same sides",
                i + 1,
                a.sides[i].name,
                b.sides[i].name
            ));
        }
    }
    Ok(())
}

/// Play `a` and `b` run by run with the same random numbers.
pub fn compare(a: &Scenario, b: &Scenario, cfg: &McConfig, hooks: &Hooks) -> Result<Comparison, Error> {
    let variants = [Variant::of(a), Variant::of(b)];
    let figures = Figure::all();
    let n = figures.len();
    // Runs sharing a parameter draw (in either scenario) are clustered.
    let uncertain = a.has_uncertain_params() || b.has_uncertain_params();
    let per_draw = if uncertain { a.runs_per_draw.max(b.runs_per_draw) } else { 1 };
    let acc = run_paired(&variants, cfg, hooks, || Acc {
        figures: figures.clone(),
        a: vec![Moments::default(); n],
        b: vec![Moments::default(); n],
        diff: vec![Moments::default(); n],
        groups: GroupMoments::new(per_draw, 3 * n),
        values: vec![0.0; 3 * n],
        batches: vec![Batch::empty(a, cfg.seed), Batch::empty(b, cfg.seed)],
    })?;
    let mut batches = acc.batches;
    batches.iter_mut().for_each(Batch::integrate);
    let [ba, bb]: [Batch; 2] = batches.try_into().map_err(|_| Error::ThreadPool("two batches".into()))?;
    Ok(Comparison { figures, a: acc.a, b: acc.b, diff: acc.diff, groups: acc.groups, batches: [ba, bb] })
}

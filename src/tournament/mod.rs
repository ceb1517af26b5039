/*!
Strategy tournaments: which strategy should each side play, given what the
other might play?

[`run_tournament`] plays the scenario's Monte Carlo once per **cell**, a pair
of candidate strategies (one per side), and keeps each cell's welfare moments
and outcome counts. Every cell uses the same seed, so run k of every cell
draws the same random numbers for the same purposes (noise, misperception,
provocations, uncertain parameters, renewals: streams are keyed by (seed, run,
channel)): **common random numbers**, so that cells differ by strategy, not by
luck. Every cell of a run is played before the next run (`montecarlo::run_paired`);
all totals are exact integers, so the results do not depend on the thread
count.

[`TournamentReport::new`] turns the cells into the meta-game: a bimatrix game
whose payoffs are each side's expected cumulative welfare, and reads off

- each side's **best responses** to each of the other's strategies. Monte
  Carlo error is accounted for: a strategy whose mean is below the best by at
  most [`TIE_Z`] standard errors of the *paired* difference (the cells share
  their runs, so the difference is taken run by run: `Tournament::joint`) is
  reported as *tied*;
- the **Nash equilibria** of that game on the point estimates (`nash::solve`:
  all extreme equilibria, pure and mixed, degenerate games included), each
  with its expected welfare, its probability of détente and of a vicious cycle
  (the equilibrium mixture of the cells' probabilities), and whether a
  deviation outside its support comes within [`TIE_Z`] standard errors (then
  the equilibrium may be an artefact of Monte Carlo error; the error is that
  of the paired difference);
- the **Pareto-efficient** cells (no other cell gives both sides at least as
  much and one more), and whether each equilibrium's payoffs are Pareto-
  efficient against the cells.

Method and caveats in `docs/tournament.md`.
*/

pub mod candidates;
pub mod nash;

use crate::engine::GameTrace;
use crate::error::Error;
use crate::montecarlo::{Hooks, McConfig, Paired, RunMeta, Variant, run_paired};
use crate::outcome::Outcome;
use crate::outcome::RunSummary;
use crate::scenario::Scenario;
use crate::stats::{self, CrossMoments, Moments};
use crate::strategy::Strategy;
use crate::totals::{Slot, Totals};
use nash::{Bimatrix, NashError};

/// Payoffs within this many standard errors of the best are ties.
pub const TIE_Z: f64 = 2.0;

/// One cell's results: the scenario played with one candidate per side.
#[derive(Clone, Debug, PartialEq)]
pub struct CellResult {
    /// The cell's per-outcome totals.
    pub totals: Totals,
}

impl CellResult {
    pub fn runs(&self) -> u64 {
        self.totals.runs()
    }

    /// Per side: cumulative welfare per run, over all runs.
    pub fn welfare(&self) -> &[Moments; 2] {
        self.totals.welfare.get(Slot::All)
    }
}

/// What a tournament played: the scenario, the Monte Carlo settings shared
/// by every cell, and the candidates.
#[derive(Clone, Debug, PartialEq)]
pub struct Setup {
    pub meta: RunMeta,
    /// Candidates of the first side (rows) and of the second (columns).
    pub candidates: [Vec<Strategy>; 2],
}

/// The raw results of a tournament.
#[derive(Clone, Debug, PartialEq)]
pub struct Tournament {
    pub setup: Setup,
    /// Row-major: cell (i, j) is at `i * candidates[1].len() + j`.
    pub cells: Vec<CellResult>,
    /// Per side: the joint moments of its welfare in every cell, run by run
    /// (cells share random numbers, so differences between cells are paired).
    pub joint: [CrossMoments; 2],
}

/// The paired accumulator of a tournament: every cell's totals, and each
/// side's welfare across cells.
struct Cells {
    cells: Vec<Totals>,
    joint: [CrossMoments; 2],
}

impl Paired for Cells {
    fn add(&mut self, _run: u64, plays: &[(&GameTrace, RunSummary)]) {
        for (t, (_, s)) in self.cells.iter_mut().zip(plays) {
            t.add(s, 1);
        }
        for side in 0..2 {
            let w: Vec<f64> = plays.iter().map(|(_, s)| s.welfare[side]).collect();
            self.joint[side].add(&w);
        }
    }
    fn merge(&mut self, other: Self) {
        for (a, b) in self.cells.iter_mut().zip(&other.cells) {
            a.merge(b);
        }
        for side in 0..2 {
            self.joint[side].merge(&other.joint[side]);
        }
    }
}

/// Play every pair of candidates (first side's × second side's) with the same
/// seed and runs, run by run: run k of every cell uses the same random
/// numbers (`montecarlo::run_paired`). `hooks.progress` counts runs of every
/// cell; a cancellation returns `Error::Interrupted`.
pub fn run_tournament(
    sc: &Scenario,
    candidates: &[Vec<Strategy>; 2],
    cfg: &McConfig,
    hooks: &Hooks,
) -> Result<Tournament, Error> {
    let mut scenarios = Vec::with_capacity(candidates[0].len() * candidates[1].len());
    for row in &candidates[0] {
        for col in &candidates[1] {
            let mut cell_sc = sc.clone();
            cell_sc.set_strategy(0, row.clone());
            cell_sc.set_strategy(1, col.clone());
            scenarios.push(cell_sc);
        }
    }
    let variants: Vec<Variant> = scenarios.iter().map(Variant::of).collect();
    let n = variants.len();
    let acc = run_paired(&variants, cfg, hooks, || Cells {
        cells: vec![Totals::default(); n],
        joint: [CrossMoments::new(n), CrossMoments::new(n)],
    })?;
    let setup = Setup { meta: RunMeta::new(sc, cfg.runs, cfg.seed), candidates: candidates.clone() };
    let cells = acc.cells.into_iter().map(|totals| CellResult { totals }).collect();
    Ok(Tournament { setup, cells, joint: acc.joint })
}

/// How a cell's strategy fares against the other side's strategy of that cell.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Response {
    /// The highest mean welfare (ties on the point estimate included).
    Best,
    /// Below the best, but within [`TIE_Z`] standard errors of it.
    Tied,
    No,
}

impl Response {
    /// CSV value.
    pub fn key(self) -> &'static str {
        match self {
            Response::Best => "best",
            Response::Tied => "tied",
            Response::No => "no",
        }
    }
}

/// A share of runs with its Wilson 95% interval.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Share {
    pub p: f64,
    pub ci_low: f64,
    pub ci_high: f64,
}

impl Share {
    fn of(k: u64, n: u64) -> Share {
        let (ci_low, ci_high) = stats::wilson(k, n, stats::Z95);
        Share { p: if n == 0 { 0.0 } else { k as f64 / n as f64 }, ci_low, ci_high }
    }
}

/// One cell of the payoff matrix (a row of `payoffs.csv`).
#[derive(Clone, Debug, PartialEq)]
pub struct CellRow {
    /// Index of the first side's and the second side's candidate.
    pub strategies: [usize; 2],
    pub runs: u64,
    /// Per side: mean cumulative welfare and its standard error (none with one run).
    pub welfare: [f64; 2],
    pub welfare_se: [Option<f64>; 2],
    pub detente: Share,
    pub vicious_cycle: Share,
    /// Per side: is its strategy a best response to the other's in this cell?
    pub best_response: [Response; 2],
    pub pareto_efficient: bool,
}

/// One equilibrium of the meta-game (a row of `equilibria.csv`).
#[derive(Clone, Debug, PartialEq)]
pub struct EquilibriumRow {
    /// Per side: probability of each candidate.
    pub mix: [Vec<f64>; 2],
    /// Per side: expected cumulative welfare.
    pub welfare: [f64; 2],
    /// Probability of détente and of a vicious cycle: the mixture of the cells'.
    pub detente: f64,
    pub vicious_cycle: f64,
    /// No cell gives both sides at least as much and one of them more.
    pub pareto_efficient: bool,
    /// Equilibria with the same component are joined by continua of equilibria.
    pub component: usize,
    /// Per side: candidates outside the support that earn within [`TIE_Z`]
    /// standard errors of the equilibrium payoff against the other's mixture.
    pub near_deviations: [Vec<usize>; 2],
}

impl EquilibriumRow {
    /// Indices of each side's candidates played with positive probability.
    pub fn support(&self, side: usize) -> Vec<usize> {
        (0..self.mix[side].len()).filter(|&k| self.mix[side][k] > 0.0).collect()
    }

    pub fn is_pure(&self) -> bool {
        self.support(0).len() == 1 && self.support(1).len() == 1
    }

    /// No deviation comes within the Monte Carlo error.
    pub fn is_clear(&self) -> bool {
        self.near_deviations.iter().all(Vec::is_empty)
    }
}

/// Everything the tournament outputs show.
#[derive(Clone, Debug, PartialEq)]
pub struct TournamentReport {
    pub setup: Setup,
    /// Per side: a short, unique display name for each candidate.
    pub labels: [Vec<String>; 2],
    /// Row-major, as in [`Tournament::cells`].
    pub cells: Vec<CellRow>,
    pub equilibria: Vec<EquilibriumRow>,
    /// The game (on point estimates) is degenerate: see `nash::Solution`.
    pub degenerate: bool,
    /// Sets of equilibria (indices) whose convex hull is made of equilibria.
    pub convex_sets: Vec<Vec<usize>>,
    pub convex_sets_incomplete: bool,
}

impl TournamentReport {
    pub fn new(t: &Tournament) -> Result<TournamentReport, NashError> {
        let (n, m) = (t.setup.candidates[0].len(), t.setup.candidates[1].len());
        let mean = |c: &CellResult, side: usize| c.welfare()[side].mean().unwrap_or(0.0);
        let game = Bimatrix::from_fn(n, m, |i, j| (mean(&t.cells[i * m + j], 0), mean(&t.cells[i * m + j], 1)))?;
        let points: Vec<[f64; 2]> = t.cells.iter().map(|c| [mean(c, 0), mean(c, 1)]).collect();
        let efficient = nash::pareto_efficient(&points);
        let tol = 1e-9 * points.iter().flatten().fold(0.0f64, |a, v| a.max(v.abs())).max(f64::MIN_POSITIVE);

        // Best responses: side 0 compares down a column, side 1 along a row.
        let response = |side: usize, i: usize, j: usize| -> Response {
            let rivals: Vec<usize> =
                if side == 0 { (0..n).map(|k| k * m + j).collect() } else { (0..m).map(|k| i * m + k).collect() };
            let best = rivals.iter().copied().max_by(|&a, &b| points[a][side].total_cmp(&points[b][side])).unwrap_or(0);
            let here = i * m + j;
            let gap = points[best][side] - points[here][side];
            // The standard error of the paired difference (cells share runs).
            let mut lambda = vec![0.0; n * m];
            lambda[best] += 1.0;
            lambda[here] -= 1.0;
            let se_gap = t.joint[side].combination(&lambda).map_or(0.0, |(_, se)| se);
            if gap <= tol {
                Response::Best
            } else if gap <= TIE_Z * se_gap + tol {
                Response::Tied
            } else {
                Response::No
            }
        };
        let cells = (0..n * m)
            .map(|k| {
                let (i, j) = (k / m, k % m);
                let c = &t.cells[k];
                CellRow {
                    strategies: [i, j],
                    runs: c.runs(),
                    welfare: [mean(c, 0), mean(c, 1)],
                    welfare_se: [c.welfare()[0].std_error(), c.welfare()[1].std_error()],
                    detente: Share::of(c.totals.runs_of(Outcome::Detente), c.runs()),
                    vicious_cycle: Share::of(c.totals.runs_of(Outcome::ViciousCycle), c.runs()),
                    best_response: [response(0, i, j), response(1, i, j)],
                    pareto_efficient: efficient[k],
                }
            })
            .collect::<Vec<_>>();

        let solution = nash::solve(&game);
        let equilibria = solution
            .equilibria
            .iter()
            .map(|e| {
                let mix = [e.row.clone(), e.col.clone()];
                let weight = |k: usize| mix[0][k / m] * mix[1][k % m];
                let detente = (0..n * m).map(|k| weight(k) * cells[k].detente.p).sum();
                let vicious_cycle = (0..n * m).map(|k| weight(k) * cells[k].vicious_cycle.p).sum();
                let near_deviations = [0, 1].map(|side| near_deviations(t, &mix, side, tol));
                EquilibriumRow {
                    welfare: e.payoff,
                    detente,
                    vicious_cycle,
                    pareto_efficient: !nash::is_dominated(e.payoff, &points),
                    component: e.component,
                    near_deviations,
                    mix,
                }
            })
            .collect();
        Ok(TournamentReport {
            setup: t.setup.clone(),
            labels: [labels(&t.setup.candidates[0]), labels(&t.setup.candidates[1])],
            cells,
            equilibria,
            degenerate: solution.degenerate,
            convex_sets: solution.convex_sets,
            convex_sets_incomplete: solution.convex_sets_incomplete,
        })
    }

    /// The cell of the first side's candidate `i` and the second side's `j`.
    pub fn cell(&self, i: usize, j: usize) -> &CellRow {
        &self.cells[i * self.setup.candidates[1].len() + j]
    }
}

/// Candidates of `side` outside its support in `mix` whose payoff against
/// the other side's mixture is within [`TIE_Z`] standard errors of the
/// equilibrium payoff: the standard error of the paired difference, per run
/// Σ_theirs q(theirs)·[w(own, theirs) − Σ_eq p(eq)·w(eq, theirs)].
fn near_deviations(t: &Tournament, mix: &[Vec<f64>; 2], side: usize, tol: f64) -> Vec<usize> {
    let m = t.setup.candidates[1].len();
    let cells = t.cells.len();
    let other = 1 - side;
    let cell = |own: usize, theirs: usize| if side == 0 { own * m + theirs } else { theirs * m + own };
    (0..mix[side].len())
        .filter(|&own| mix[side][own] == 0.0)
        .filter(|&own| {
            let mut lambda = vec![0.0; cells];
            for (theirs, &q) in mix[other].iter().enumerate() {
                lambda[cell(own, theirs)] -= q;
                for (eq, &p) in mix[side].iter().enumerate() {
                    lambda[cell(eq, theirs)] += q * p;
                }
            }
            // gap = equilibrium payoff − deviation payoff.
            t.joint[side].combination(&lambda).is_some_and(|(gap, se)| gap <= TIE_Z * se + tol)
        })
        .collect()
}

/// Display names: the strategies' descriptions, numbered where two coincide.
fn labels(strategies: &[Strategy]) -> Vec<String> {
    let names: Vec<String> = strategies.iter().map(Strategy::describe).collect();
    names
        .iter()
        .enumerate()
        .map(|(k, s)| if names.iter().filter(|o| *o == s).count() > 1 { format!("{s} #{}", k + 1) } else { s.clone() })
        .collect()
}

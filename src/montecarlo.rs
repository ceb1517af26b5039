/*!
The parallel Monte Carlo: `run_batch` plays every run of a scenario and
aggregates them into a `Batch`. The only module that knows rayon.

Determinism: run `k` draws only from its own ChaCha streams (`rng`), and every
accumulator in `Batch` is an integer (counts, fixed-point sums, histograms), so
merging partial batches is associative and commutative. However rayon splits
the work, the totals are identical: same scenario, seed and runs give the same
bytes with any thread count.

Memory: runs are processed in blocks of `BLOCK`; each worker holds one `Game`
and one partial `Batch`, whose size depends on rounds and ladders, never on
runs. Per-run rows (for `--runs-csv`) are handed to a sink in run order, one
block at a time.
*/

use std::ops::Range;
use std::sync::atomic::{AtomicBool, Ordering};

use rayon::prelude::*;

use crate::engine::{FIRST, Game, GameTrace, index_bin};
use crate::error::Error;
use crate::outcome::{Outcome, RunSummary, classify};
use crate::rng::Streams;
use crate::scenario::{INDEX_BINS, Scenario};
use crate::spread::GroupStats;
use crate::totals::Totals;

/// Runs per block: the unit of progress, cancellation and per-run output.
pub const BLOCK: u64 = 1 << 16;
/// Parts of a block per worker: enough that the workers finish a block
/// together (its last part is short), few enough that setting up a part's
/// `Game` and `Batch` stays negligible.
const PARTS_PER_THREAD: u64 = 16;

/// Runs per part of a block of `runs` runs (`PARTS_PER_THREAD` parts per
/// worker of the current pool).
fn part_size(runs: u64) -> u64 {
    runs.div_ceil((rayon::current_num_threads() as u64 * PARTS_PER_THREAD).clamp(1, runs))
}

#[derive(Clone, Copy, Debug)]
pub struct McConfig {
    pub runs: u64,
    pub seed: u64,
}

/// Optional callbacks of a batch.
#[derive(Default)]
pub struct Hooks<'a> {
    /// Called with the number of runs just finished (from any worker).
    pub progress: Option<&'a (dyn Fn(u64) + Sync)>,
    /// When set to true, the batch stops and returns `Error::Interrupted`.
    pub cancel: Option<&'a AtomicBool>,
}

/// What was simulated: the header every output (run, sweep, tournament)
/// shows, from the scenario and the Monte Carlo settings.
#[derive(Clone, Debug, PartialEq)]
pub struct RunMeta {
    /// Display name.
    pub scenario: String,
    /// File stem (CSV `scenario` column, default output folder).
    pub scenario_id: String,
    /// Runs (per point of a sweep, per cell of a tournament).
    pub runs: u64,
    pub seed: u64,
    pub rounds: u32,
    pub round_unit: String,
    pub welfare_unit: String,
    /// Side names (CSV columns) and display labels.
    pub sides: Vec<String>,
    pub side_labels: Vec<String>,
}

impl RunMeta {
    pub fn new(sc: &Scenario, runs: u64, seed: u64) -> RunMeta {
        RunMeta {
            scenario: sc.name.clone(),
            scenario_id: sc.id.clone(),
            runs,
            seed,
            rounds: sc.rounds,
            round_unit: sc.round_unit.clone(),
            welfare_unit: sc.welfare_unit.clone(),
            sides: sc.sides.iter().map(|s| s.name.clone()).collect(),
            side_labels: sc.sides.iter().map(|s| s.label.clone()).collect(),
        }
    }
}

/// Aggregated results of a batch. Every field is an exact integer total.
#[derive(Clone, Debug, PartialEq)]
pub struct Batch {
    pub runs: u64,
    pub seed: u64,
    pub rounds: u32,
    /// Per-outcome totals of the runs.
    pub totals: Totals,
    /// Offset of each lever's rung block in a round's histogram row (flat over
    /// both sides, side 0 first), and the side each lever belongs to.
    lever_offsets: Vec<usize>,
    lever_side: Vec<usize>,
    /// weight × intensity per lever and rung, and each side's weight total
    /// (to compute the mean escalation index from the rung counts).
    weighted: Vec<Vec<f64>>,
    weight_total: [f64; 2],
    rungs_per_row: usize,
    /// `(rounds + 1) × rungs_per_row` counts of runs at each rung.
    lever_hist: Vec<u64>,
    /// `(rounds + 1) × 2 × INDEX_BINS` counts of the rounded escalation index;
    /// empty until a change is logged or the batch is integrated (a batch of
    /// one-lever sides logs none: each part of a run stays small).
    index_hist: Vec<u64>,
    /// `(rounds + 1)` counts of played action pairs (CC, CD, DC, DD); row 0 unused.
    joint: Vec<[u64; 4]>,
    /// Runs of the IPD structure (`GameTrace::played_rows`): per round, runs
    /// by played pair (bits: side 0's `D` in bit 0, side 1's in bit 1),
    /// counted directly; `integrate` adds them to the rung and joint counts.
    played: Vec<[u64; 4]>,
    /// Sides with one lever: their index histogram is derived from the rung
    /// counts when the batch is integrated (the engine does not log it).
    derived_index: [bool; 2],
    /// Per event (empty for scheduled changes): its truce spells.
    pub truces: Vec<TruceTotals>,
    /// Groups of runs sharing a parameter draw (`runs_per_draw`), for the
    /// spread due to parameter uncertainty.
    pub groups: GroupStats,
    /// While runs are being added, the histograms hold per-round *changes*
    /// (wrapping sums of +1 and −1); `integrate` turns them into counts.
    integrated: bool,
}

impl Batch {
    pub fn empty(sc: &Scenario, seed: u64) -> Batch {
        let mut lever_offsets = Vec::new();
        let mut lever_side = Vec::new();
        let mut weighted = Vec::new();
        let mut n = 0;
        for (i, s) in sc.sides.iter().enumerate() {
            for l in &s.levers {
                lever_offsets.push(n);
                lever_side.push(i);
                weighted.push(l.intensity.iter().map(|x| l.weight * x).collect());
                n += l.ladder.len();
            }
        }
        let rows = sc.rounds as usize + 1;
        Batch {
            runs: 0,
            seed,
            rounds: sc.rounds,
            totals: Totals::default(),
            lever_offsets,
            lever_side,
            weighted,
            weight_total: [sc.sides[0].weight_total, sc.sides[1].weight_total],
            rungs_per_row: n,
            lever_hist: vec![0; rows * n],
            index_hist: Vec::new(),
            joint: vec![[0; 4]; rows],
            played: vec![[0; 4]; rows],
            derived_index: [sc.sides[0].levers.len() == 1, sc.sides[1].levers.len() == 1],
            groups: GroupStats::new(if sc.has_uncertain_params() { sc.runs_per_draw } else { 1 }),
            integrated: false,
            truces: sc
                .events
                .iter()
                .map(|e| match e.kind {
                    crate::scenario::EventKind::Suspension { .. } => TruceTotals::new(sc.rounds),
                    _ => TruceTotals::default(),
                })
                .collect(),
        }
    }

    /// Count one run (`weight` times: a deterministic scenario is played
    /// once). Costs O(changes in the run), not O(rounds): the histograms
    /// record where each counted quantity changes.
    pub fn add(&mut self, trace: &GameTrace, s: &RunSummary, weight: u64) {
        debug_assert!(!self.integrated);
        self.runs += weight;
        self.totals.add(s, weight);
        for spell in &trace.spells {
            self.truces[spell.event].add(spell, weight);
        }
        let levers = trace.levers();
        for c in trace.changes() {
            let (row, slot) = (c.round as usize, c.slot as usize);
            let (cells, base): (&mut [u64], usize) = if slot < levers {
                (&mut self.lever_hist, row * self.rungs_per_row + self.lever_offsets[slot])
            } else if slot < levers + 2 {
                (self.index_hist_mut(), (row * 2 + slot - levers) * INDEX_BINS)
            } else {
                (self.joint.as_flattened_mut(), row * 4)
            };
            if c.from != FIRST {
                cells[base + c.from as usize] = cells[base + c.from as usize].wrapping_sub(weight);
            }
            cells[base + c.to as usize] = cells[base + c.to as usize].wrapping_add(weight);
        }
        if let Some(rows) = trace.played_rows() {
            // Round 0 counts from the log; the rows count every later round,
            // so round 0's rungs stop carrying over after it.
            if self.rounds > 0 {
                for side in 0..2 {
                    let cell = self.rungs_per_row + self.lever_offsets[side] + trace.rung(0, side, 0);
                    self.lever_hist[cell] = self.lever_hist[cell].wrapping_sub(weight);
                }
            }
            for (counts, pair) in self.played[1..].iter_mut().zip(rows) {
                counts[pair as usize] += weight;
            }
        }
    }

    /// The index histogram, allocated on first use.
    fn index_hist_mut(&mut self) -> &mut Vec<u64> {
        if self.index_hist.is_empty() {
            self.index_hist = vec![0; (self.rounds as usize + 1) * 2 * INDEX_BINS];
        }
        &mut self.index_hist
    }

    /// Turn per-round changes into per-round counts (a running sum over rounds).
    pub fn integrate(&mut self) {
        fn running_sum(cells: &mut [u64], row_len: usize) {
            for r in 1..cells.len() / row_len.max(1) {
                let (done, rest) = cells.split_at_mut(r * row_len);
                for (c, p) in rest[..row_len].iter_mut().zip(&done[(r - 1) * row_len..]) {
                    *c = c.wrapping_add(*p);
                }
            }
        }
        if !self.integrated {
            running_sum(&mut self.lever_hist, self.rungs_per_row);
            running_sum(self.index_hist_mut(), 2 * INDEX_BINS);
            running_sum(self.joint.as_flattened_mut(), 4);
            // Runs counted by rows: side i's rung is its action (bit i).
            for t in 1..self.played.len() {
                let rungs = t * self.rungs_per_row;
                for (pair, n) in std::mem::take(&mut self.played[t]).into_iter().enumerate() {
                    if n == 0 {
                        continue;
                    }
                    let d = [pair & 1, pair >> 1];
                    self.joint[t][d[0] << 1 | d[1]] += n;
                    self.lever_hist[rungs + self.lever_offsets[0] + d[0]] += n;
                    self.lever_hist[rungs + self.lever_offsets[1] + d[1]] += n;
                }
            }
            for side in 0..2 {
                if self.derived_index[side] {
                    let id = self.lever_id(side, 0);
                    let bins: Vec<usize> = self.weighted[id]
                        .iter()
                        .map(|w| index_bin((0.0 + w) / self.weight_total[side]) as usize)
                        .collect();
                    for t in 0..=self.rounds as usize {
                        let counts = t * self.rungs_per_row + self.lever_offsets[id];
                        let hist = (t * 2 + side) * INDEX_BINS;
                        for (r, &bin) in bins.iter().enumerate() {
                            self.index_hist[hist + bin] += self.lever_hist[counts + r];
                        }
                    }
                }
            }
            self.integrated = true;
        }
    }

    /// Add another batch of the same scenario (both integrated, or neither).
    pub fn merge(&mut self, other: &Batch) {
        assert_eq!(self.integrated, other.integrated, "merging a finished batch with an unfinished one");
        self.runs += other.runs;
        self.totals.merge(&other.totals);
        self.groups.merge(&other.groups);
        for (a, b) in self.truces.iter_mut().zip(&other.truces) {
            a.merge(b);
        }
        let add = |a: &mut [u64], b: &[u64]| a.iter_mut().zip(b).for_each(|(a, b)| *a = a.wrapping_add(*b));
        add(&mut self.lever_hist, &other.lever_hist);
        if !other.index_hist.is_empty() {
            add(self.index_hist_mut(), &other.index_hist);
        }
        add(self.joint.as_flattened_mut(), other.joint.as_flattened());
        add(self.played.as_flattened_mut(), other.played.as_flattened());
    }

    pub fn runs_of(&self, o: Outcome) -> u64 {
        self.totals.runs_of(o)
    }

    /// Global index of side `side`'s lever `lever`.
    fn lever_id(&self, side: usize, lever: usize) -> usize {
        self.lever_side.iter().position(|&s| s == side).expect("side has levers") + lever
    }

    /// Counts of runs at each rung of a lever after round `t`.
    pub fn lever_counts(&self, t: u32, side: usize, lever: usize) -> &[u64] {
        let id = self.lever_id(side, lever);
        let row = t as usize * self.rungs_per_row;
        let end = self.lever_offsets.get(id + 1).copied().unwrap_or(self.rungs_per_row);
        &self.lever_hist[row + self.lever_offsets[id]..row + end]
    }

    /// Counts of runs per escalation-index bin (bin b ↔ index b / (INDEX_BINS − 1)).
    pub fn index_counts(&self, t: u32, side: usize) -> &[u64] {
        let start = (t as usize * 2 + side) * INDEX_BINS;
        &self.index_hist[start..start + INDEX_BINS]
    }

    /// Mean escalation index of `side` after round `t`, computed exactly
    /// from the rung counts (the index is linear in the intensities).
    pub fn index_mean(&self, t: u32, side: usize) -> f64 {
        if self.runs == 0 {
            return 0.0;
        }
        let mut sum = 0.0;
        for (id, w) in self.weighted.iter().enumerate().filter(|(id, _)| self.lever_side[*id] == side) {
            let row = t as usize * self.rungs_per_row + self.lever_offsets[id];
            sum += w.iter().enumerate().map(|(r, x)| self.lever_hist[row + r] as f64 * x).sum::<f64>();
        }
        sum / self.weight_total[side] / self.runs as f64
    }

    /// Runs whose round-`t` actions were CC, CD, DC, DD (first side first).
    pub fn joint_actions(&self, t: u32) -> [u64; 4] {
        self.joint[t as usize]
    }
}

/// Exact totals of one truce's spells over a batch (docs/model.md §6): how
/// they ended, how long they lasted (for the Kaplan–Meier survival curve) and
/// in which rounds they were in force.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TruceTotals {
    pub lapsed: u64,
    pub collapsed: u64,
    pub censored: u64,
    /// Index d: spells that ended (lapsed or collapsed) after d rounds in force.
    pub ended_after: Vec<u64>,
    /// Index d: spells still in force after d rounds when the run ended.
    pub censored_after: Vec<u64>,
    /// Index t: runs in which the truce was in force in round t.
    pub in_force: Vec<u64>,
    /// Index t: spells that began, and that collapsed, in round t.
    pub began: Vec<u64>,
    pub collapsed_in: Vec<u64>,
}

impl TruceTotals {
    fn new(rounds: u32) -> TruceTotals {
        let n = rounds as usize + 2;
        TruceTotals {
            ended_after: vec![0; n],
            censored_after: vec![0; n],
            in_force: vec![0; n],
            began: vec![0; n],
            collapsed_in: vec![0; n],
            ..TruceTotals::default()
        }
    }

    fn add(&mut self, spell: &crate::engine::Spell, weight: u64) {
        use crate::engine::SpellEnd;
        let d = spell.duration() as usize;
        match spell.how {
            SpellEnd::Lapsed => {
                self.lapsed += weight;
                self.ended_after[d] += weight;
            }
            SpellEnd::Collapsed => {
                self.collapsed += weight;
                self.ended_after[d] += weight;
                self.collapsed_in[spell.end as usize + 1] += weight;
            }
            SpellEnd::Censored => {
                self.censored += weight;
                self.censored_after[d] += weight;
            }
        }
        self.began[spell.start as usize] += weight;
        for t in spell.start..=spell.end {
            self.in_force[t as usize] += weight;
        }
    }

    fn merge(&mut self, other: &TruceTotals) {
        self.lapsed += other.lapsed;
        self.collapsed += other.collapsed;
        self.censored += other.censored;
        for (a, b) in [
            (&mut self.ended_after, &other.ended_after),
            (&mut self.censored_after, &other.censored_after),
            (&mut self.in_force, &other.in_force),
            (&mut self.began, &other.began),
            (&mut self.collapsed_in, &other.collapsed_in),
        ] {
            a.iter_mut().zip(b).for_each(|(a, b)| *a += b);
        }
    }

    /// Every spell.
    pub fn spells(&self) -> u64 {
        self.lapsed + self.collapsed + self.censored
    }

    /// The Kaplan–Meier survival curve of spell durations: for d = 1, 2, …,
    /// (d, spells at risk, S(d), 95% interval by Greenwood's formula on the
    /// log scale). A spell is at risk at d if it lasted at least d rounds;
    /// censored spells leave the risk set without an event.
    pub fn survival(&self) -> Vec<Survival> {
        let mut at_risk = self.spells();
        let (mut s, mut greenwood) = (1.0f64, 0.0f64);
        let mut out = Vec::new();
        for d in 1..self.ended_after.len() {
            if at_risk == 0 {
                break;
            }
            let ended = self.ended_after[d];
            let n = at_risk as f64;
            if ended > 0 {
                s *= 1.0 - ended as f64 / n;
                if at_risk > ended {
                    greenwood += ended as f64 / (n * (n - ended as f64));
                }
            }
            // A log-log interval stays within (0, 1).
            let (lo, hi) = if s > 0.0 && s < 1.0 && greenwood > 0.0 {
                let z = crate::stats::Z95 * greenwood.sqrt() / s.ln().abs();
                (s.powf(z.exp()), s.powf((-z).exp()))
            } else {
                (s, s)
            };
            out.push(Survival { rounds: d as u32, at_risk, survival: s, ci_low: lo, ci_high: hi });
            at_risk -= ended + self.censored_after[d];
        }
        out
    }

    /// The median duration in force: the first d with S(d) ≤ 1/2 (`None`
    /// when the curve never gets there).
    pub fn median(&self) -> Option<u32> {
        self.survival().iter().find(|p| p.survival <= 0.5).map(|p| p.rounds)
    }
}

/// One point of a truce's survival curve.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Survival {
    /// Rounds in force.
    pub rounds: u32,
    pub at_risk: u64,
    pub survival: f64,
    pub ci_low: f64,
    pub ci_high: f64,
}

/// Receives each run's summary, in run order (for `runs.csv`).
pub type RunSink<'a> = &'a mut (dyn FnMut(u64, &RunSummary) -> Result<(), Error> + Send);

/// Run `f` on a local pool of `threads` workers (0: one per CPU).
pub fn with_threads<T: Send>(threads: usize, f: impl FnOnce() -> T + Send) -> Result<T, Error> {
    let pool =
        rayon::ThreadPoolBuilder::new().num_threads(threads).build().map_err(|e| Error::ThreadPool(e.to_string()))?;
    Ok(pool.install(f))
}

/// Play `cfg.runs` runs of `sc` and aggregate them. `sink`, if given, receives
/// every run's summary in run order.
pub fn run_batch(sc: &Scenario, cfg: &McConfig, hooks: &Hooks, sink: Option<RunSink>) -> Result<Batch, Error> {
    run_range(sc, cfg.seed, 0..cfg.runs, hooks, sink)
}

/// Play the runs numbered `runs` (a part of a batch's `0..n`) with `seed`
/// and aggregate them. Run `k` draws from its own streams wherever it is
/// played, so the batches of disjoint ranges, merged (`Batch::merge`), equal
/// the batch of their union: the same integer totals, the same bytes.
/// Progress and `Error::Interrupted` count the runs of this range.
pub fn run_range(
    sc: &Scenario,
    seed: u64,
    runs: Range<u64>,
    hooks: &Hooks,
    mut sink: Option<RunSink>,
) -> Result<Batch, Error> {
    let streams = Streams::new(seed);
    let mut total = Batch::empty(sc, seed);
    let cancelled = || hooks.cancel.is_some_and(|c| c.load(Ordering::Relaxed));
    let count = runs.end.saturating_sub(runs.start);

    if sc.is_deterministic() {
        // Every run is the same game: play it once, count it `count` times.
        let mut game = Game::new(sc, &streams);
        let trace = game.play(0);
        let summary = classify(trace, &sc.outcomes);
        total.add(trace, &summary, count);
        total.integrate();
        if let Some(sink) = sink.as_mut() {
            for run in runs.clone() {
                if (run - runs.start).is_multiple_of(BLOCK) && cancelled() {
                    return Err(Error::Interrupted { done: run - runs.start, total: count });
                }
                sink(run, &summary)?;
            }
        }
        if let Some(p) = hooks.progress {
            p(count);
        }
        return Ok(total);
    }

    let keep_rows = sink.is_some();
    let mut start = runs.start;
    while start < runs.end {
        let end = (start + BLOCK).min(runs.end);
        // Parts of `per` runs; the count is recomputed from `per` so that no
        // part starts past the block's end (9 runs in 8 parts: 5 parts of 2).
        let per = part_size(end - start);
        let parts = (end - start).div_ceil(per);
        let result = (0..parts)
            .into_par_iter()
            .map(|p| {
                // The last parts may be empty (e.g. 10 runs in 8 parts of 2).
                let lo = (start + p * per).min(end);
                let hi = (lo + per).min(end);
                let mut game = Game::new(sc, &streams);
                let mut part = Batch::empty(sc, seed);
                let mut rows = Vec::with_capacity(if keep_rows { (hi - lo) as usize } else { 0 });
                let mut since_tick = 0;
                for run in lo..hi {
                    let trace = game.play(run);
                    let summary = classify(trace, &sc.outcomes);
                    part.add(trace, &summary, 1);
                    part.groups.add(run, summary.outcome);
                    if keep_rows {
                        rows.push((run, summary));
                    }
                    since_tick += 1;
                    if since_tick == 1024 {
                        if cancelled() {
                            return None;
                        }
                        if let Some(pr) = hooks.progress {
                            pr(since_tick);
                        }
                        since_tick = 0;
                    }
                }
                if let Some(pr) = hooks.progress {
                    pr(since_tick);
                }
                Some((part, rows))
            })
            .reduce_with(|a, b| {
                let ((mut pa, mut ra), (pb, rb)) = (a?, b?);
                pa.merge(&pb);
                ra.extend(rb);
                Some((pa, ra))
            })
            .flatten();
        let Some((part, mut rows)) = result.filter(|_| !cancelled()) else {
            return Err(Error::Interrupted { done: start - runs.start, total: count });
        };
        total.merge(&part);
        if let Some(sink) = sink.as_mut() {
            rows.sort_unstable_by_key(|(run, _)| *run);
            for (run, s) in &rows {
                sink(*run, s)?;
            }
        }
        start = end;
    }
    total.integrate();
    Ok(total)
}

/// One variant of a paired batch: a scenario, with some levers taken away
/// (`Game::set_disabled`).
#[derive(Clone, Copy)]
pub struct Variant<'a> {
    pub scenario: &'a Scenario,
    /// Levers pinned at their bottom rung (bits over both sides' levers).
    pub disabled: u32,
}

impl<'a> Variant<'a> {
    pub fn of(scenario: &'a Scenario) -> Variant<'a> {
        Variant { scenario, disabled: 0 }
    }
}

/// What a paired batch accumulates: each run of every variant, played with
/// the same random numbers. Totals must be exact (integers) so that the
/// result does not depend on how runs are split across threads.
pub trait Paired: Send {
    /// Run `run` of every variant: its trace and its summary, in variant order.
    fn add(&mut self, run: u64, plays: &[(&GameTrace, RunSummary)]);
    fn merge(&mut self, other: Self);
}

/// Play runs 0..`cfg.runs` of every variant, run by run, with common random
/// numbers: run k of every variant draws from the streams (seed, k, channel),
/// so variants differ by what they change, not by luck, and per-run
/// differences between variants are paired. `make` builds an empty
/// accumulator; the parts are merged in run order.
pub fn run_paired<A: Paired>(
    variants: &[Variant],
    cfg: &McConfig,
    hooks: &Hooks,
    make: impl Fn() -> A + Sync,
) -> Result<A, Error> {
    let streams = Streams::new(cfg.seed);
    let cancelled = || hooks.cancel.is_some_and(|c| c.load(Ordering::Relaxed));
    let mut total = make();
    let mut start = 0;
    while start < cfg.runs {
        let end = (start + BLOCK).min(cfg.runs);
        let per = part_size(end - start);
        let parts = (end - start).div_ceil(per);
        let results: Vec<Option<A>> = (0..parts)
            .into_par_iter()
            .map(|p| {
                let lo = start + p * per;
                let hi = (lo + per).min(end);
                let mut games: Vec<Game> = variants
                    .iter()
                    .map(|v| {
                        let mut g = Game::new(v.scenario, &streams);
                        g.set_disabled(v.disabled);
                        g
                    })
                    .collect();
                let mut acc = make();
                let mut since_tick = 0;
                for run in lo..hi {
                    for g in games.iter_mut() {
                        g.play(run);
                    }
                    let plays: Vec<(&GameTrace, RunSummary)> = games
                        .iter()
                        .zip(variants)
                        .map(|(g, v)| (g.trace(), classify(g.trace(), &v.scenario.outcomes)))
                        .collect();
                    acc.add(run, &plays);
                    since_tick += 1;
                    if since_tick == 256 {
                        if cancelled() {
                            return None;
                        }
                        if let Some(pr) = hooks.progress {
                            pr(since_tick);
                        }
                        since_tick = 0;
                    }
                }
                if let Some(pr) = hooks.progress {
                    pr(since_tick);
                }
                Some(acc)
            })
            .collect();
        if cancelled() || results.iter().any(Option::is_none) {
            return Err(Error::Interrupted { done: start, total: cfg.runs });
        }
        for part in results.into_iter().flatten() {
            total.merge(part);
        }
        start = end;
    }
    Ok(total)
}

/// One `Batch` per variant, filled by a paired run.
pub struct PairedBatches(pub Vec<Batch>);

impl PairedBatches {
    pub fn new(variants: &[Variant], seed: u64) -> PairedBatches {
        PairedBatches(variants.iter().map(|v| Batch::empty(v.scenario, seed)).collect())
    }

    /// The batches, their histograms integrated into counts.
    pub fn finish(mut self) -> Vec<Batch> {
        self.0.iter_mut().for_each(Batch::integrate);
        self.0
    }
}

impl Paired for PairedBatches {
    fn add(&mut self, _run: u64, plays: &[(&GameTrace, RunSummary)]) {
        for (b, (trace, s)) in self.0.iter_mut().zip(plays) {
            b.add(trace, s, 1);
        }
    }
    fn merge(&mut self, other: Self) {
        for (a, b) in self.0.iter_mut().zip(&other.0) {
            a.merge(b);
        }
    }
}

/// Roughly the most memory `run_batch` holds on `threads` workers, in bytes:
/// the total and, per worker, the partial batch it fills and one waiting to
/// be merged (each `Batch` is `(rounds + 1) × (rungs + 2 × INDEX_BINS + 4)`
/// counters), its game's trace, and one block of per-run rows. The binary
/// checks that this much can be had before it starts (`Vec::try_reserve`), so
/// that a batch too large for the machine is refused instead of aborting.
pub fn memory_estimate(sc: &Scenario, threads: usize) -> u64 {
    let rows = u64::from(sc.rounds) + 1;
    let levers: u64 = sc.sides.iter().map(|s| s.levers.len() as u64).sum();
    let rungs: u64 = sc.sides.iter().flat_map(|s| &s.levers).map(|l| l.ladder.len() as u64).sum();
    let batch = rows * (rungs + 2 * INDEX_BINS as u64 + 4) * 8;
    let trace = rows * (levers * 9 + 48);
    let threads = threads.max(1) as u64;
    batch * (2 * threads + 1) + trace * threads + BLOCK * std::mem::size_of::<(u64, RunSummary)>() as u64
}

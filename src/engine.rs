/*!
One repeated game: `Game::play(run)` plays run `run` of a scenario and leaves
its round-by-round record in a `GameTrace`.

The engine is the model of `docs/model.md` and nothing else: no IO, no threads,
no clock, no ambient randomness. A `Game` owns its scratch buffers and is reused
run after run (one per worker), so playing a run allocates nothing. Lever state
is kept in flat arrays over both sides' levers (side 0's first).

Each round t = 1..T, in this order (docs/model.md §3):
1. events that fall on round t (suspensions start, lapse or renew; scheduled changes);
2. random provocations;
3. each side's strategy picks an action from its view; implementation noise
   flips it with probability ε;
4. lever moves: `D` escalates the levers that answer what the other side raised
   last round, `C` steps the most intense lever down towards its floor;
5. each side perceives the other's played action, misreading a `C` as `D`
   with probability μ, and updates its view;
6. the trace records the state; welfare of the round, with erosion.
*/

use crate::rng::{Channel, Clock, LazyRng, Streams};
use crate::scenario::{EventKind, INDEX_BINS, MAX_LEVERS, Param, Scenario};
use crate::strategy::{Action, View};

/// Levers over both sides: per-lever state lives in fixed arrays of this size.
const LEVERS: usize = 2 * MAX_LEVERS;

/// The escalation-index bin of index `e` ∈ [0, 1]: the nearest of
/// INDEX_BINS points (e ≥ 0, so adding ½ and truncating rounds).
pub fn index_bin(e: f64) -> u16 {
    (e * (INDEX_BINS - 1) as f64 + 0.5) as u16
}

/// Marks the `from` of a quantity's first value in a run.
pub const FIRST: u16 = u16::MAX;

/// A change in one of the per-round quantities the Monte Carlo counts: the
/// rung of a lever (`slot` < levers), the escalation-index bin of a side with
/// several levers (`slot` = levers + side; a one-lever side's bin follows from
/// its rung and is not logged) or the joint action (`slot` = levers + 2, value
/// in CC, CD, DC, DD order). The first value of each quantity is logged with
/// `from = FIRST` (round 0 for rungs and bins, round 1 for the joint action).
/// Counting changes instead of states makes the per-run cost of the
/// histograms proportional to how often things move, not to the rounds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Change {
    pub round: u32,
    pub slot: u16,
    pub from: u16,
    pub to: u16,
}

/// Whether a round with `flags` (after a round with `prev`) is an exchange:
/// one side retaliates now and the other now or in the round before.
#[inline]
fn is_exchange(flags: u8, prev: u8) -> bool {
    let now = |f: u8, side: u8| f & (RETALIATED << side) != 0;
    (now(flags, 0) && (now(flags, 1) || now(prev, 1))) || (now(flags, 1) && (now(flags, 0) || now(prev, 0)))
}

const PLAYED_D: u8 = 1; // << side
const RETALIATED: u8 = 4; // << side
const PERCEIVED_D: u8 = 16; // << side

/// Round-by-round record of one run. Row `t` is the state after round `t`;
/// row 0 is the starting state.
#[derive(Clone, Debug, Default)]
pub struct GameTrace {
    pub rounds: u32,
    /// First lever of each side in a row, and the number of levers.
    lo: [usize; 2],
    levers: usize,
    /// Rungs, `(rounds + 1) × levers`.
    rungs: Vec<u8>,
    /// Escalation index E_i(t), `(rounds + 1) × 2`.
    index: Vec<f64>,
    /// Per round: played actions, retaliations and perceptions as bit flags.
    flags: Vec<u8>,
    /// The change log: `changes[..n_changes]`. Sized for the worst case (every
    /// counted quantity changing every round), so logging never reallocates.
    changes: Vec<Change>,
    n_changes: usize,
    /// Cumulative (discounted) welfare of each side.
    pub welfare: [f64; 2],
    /// Highest escalation index of each side over rounds 0..=T.
    pub peak: [f64; 2],
    /// Rounds holding a retaliation exchange (see `exchanged`).
    pub exchanges: u32,
}

impl GameTrace {
    fn new(sc: &Scenario) -> Self {
        let n0 = sc.sides[0].levers.len();
        let n = n0 + sc.sides[1].levers.len();
        let rows = sc.rounds as usize + 1;
        GameTrace {
            rounds: sc.rounds,
            lo: [0, n0],
            levers: n,
            rungs: vec![0; rows * n],
            index: vec![0.0; rows * 2],
            flags: vec![0; rows],
            changes: vec![Change { round: 0, slot: 0, from: 0, to: 0 }; rows * (n + 3)],
            n_changes: 0,
            welfare: [0.0; 2],
            peak: [0.0; 2],
            exchanges: 0,
        }
    }

    /// Rung of side `side`'s lever `lever` after round `t`.
    pub fn rung(&self, t: u32, side: usize, lever: usize) -> usize {
        self.rungs[t as usize * self.levers + self.lo[side] + lever] as usize
    }

    /// Escalation index of `side` after round `t`.
    pub fn index(&self, t: u32, side: usize) -> f64 {
        self.index[t as usize * 2 + side]
    }

    /// Actions played in round `t` (1-based).
    pub fn actions(&self, t: u32) -> [Action; 2] {
        let f = self.flags[t as usize];
        [0, 1].map(|i| if f & (PLAYED_D << i) != 0 { Action::D } else { Action::C })
    }

    /// Whether `side` escalated by choice in round `t` right after perceiving an escalation.
    pub fn retaliated(&self, t: u32, side: usize) -> bool {
        self.flags[t as usize] & (RETALIATED << side) != 0
    }

    /// Whether `side` perceived the other side's round-`t` action as `D`.
    pub fn perceived_d(&self, t: u32, side: usize) -> bool {
        self.flags[t as usize] & (PERCEIVED_D << side) != 0
    }

    /// Whether round `t` holds a retaliation *exchange*: some side retaliated
    /// and the other side retaliated too, in the same round or the one before
    /// (docs/model.md §6b). A side escalating against one that never hits back
    /// is coercion, not an exchange.
    pub fn exchanged(&self, t: u32) -> bool {
        let prev = if t > 1 { self.flags[t as usize - 1] } else { 0 };
        is_exchange(self.flags[t as usize], prev)
    }

    /// Every change of a counted quantity, in order.
    pub fn changes(&self) -> &[Change] {
        &self.changes[..self.n_changes]
    }

    #[inline]
    fn log(&mut self, change: Change) {
        self.changes[self.n_changes] = change;
        self.n_changes += 1;
    }

    /// Number of levers over both sides (the first `Change` slots).
    pub fn levers(&self) -> usize {
        self.levers
    }
}

/// Mutable state of an event during a run.
#[derive(Clone, Debug)]
struct EventState {
    /// Round at whose start a suspension lapses (or is renewed); 0 when over.
    expiry: u32,
    /// Rung each measure's lever had when the suspension began.
    pre: Vec<u8>,
}

/// A reusable player of one scenario's runs.
pub struct Game<'a> {
    sc: &'a Scenario,
    streams: &'a Streams,
    // Static tables, flat over all levers.
    lo: [usize; 2],
    hi: [usize; 2],
    top: [u8; LEVERS],
    /// Each lever's floor in the scenario (per run, `floor` may rise at a snap-back).
    floor0: [u8; LEVERS],
    /// Offset of each lever's rungs in `intensity` and `weighted`.
    base: Vec<usize>,
    intensity: Vec<f64>,
    /// weight × intensity, per lever and rung.
    weighted: Vec<f64>,
    weight_total: [f64; 2],
    /// Side i: for each lever k of the other side, the own levers (bits) that answer it.
    responses: [Vec<u32>; 2],
    primary: [usize; 2],
    discounts: Vec<f64>,
    // Per-run parameters.
    pain: [f64; LEVERS],
    cost: [f64; LEVERS],
    keep: [f64; LEVERS],
    floor_share: [f64; LEVERS],
    // Per-run state.
    rung: [u8; LEVERS],
    floor: [u8; LEVERS],
    cap: [u8; LEVERS],
    /// (1 − ρ)^age, where age is the number of rounds the lever has stood above rung 0.
    decay: [f64; LEVERS],
    before: [u8; LEVERS],
    /// Each side's escalation index, recomputed only when one of its levers moves.
    index: [f64; 2],
    views: [View; 2],
    /// Levers of the *other* side that rose / fell last round (bits).
    rose_last: [u32; 2],
    fell_last: [u32; 2],
    /// Own levers raised this round by a provocation, snap-back or schedule (bits).
    forced: [u32; 2],
    /// The other side's lever that last rose (the standing grievance).
    grievance: [Option<usize>; 2],
    last_bin: [u16; 2],
    last_joint: u16,
    events: Vec<EventState>,
    // Randomness.
    noise: [Clock; 2],
    misperception: [Clock; 2],
    provocations: [Vec<(Clock, usize)>; 2],
    strategy_rng: [LazyRng; 2],
    params_rng: LazyRng,
    events_rng: LazyRng,
    trace: GameTrace,
    /// The scenario is the classic IPD structure (docs/model.md §7): one
    /// two-rung lever per side with floor 0, no events, no provocations.
    /// `play` then takes a specialised loop that gives the same trace.
    ipd: bool,
}

impl<'a> Game<'a> {
    pub fn new(sc: &'a Scenario, streams: &'a Streams) -> Self {
        let n0 = sc.sides[0].levers.len();
        let lo = [0, n0];
        let hi = [n0, n0 + sc.sides[1].levers.len()];
        let levers: Vec<_> = sc.sides.iter().flat_map(|s| &s.levers).collect();
        let mut base = Vec::new();
        let (mut intensity, mut weighted) = (Vec::new(), Vec::new());
        for l in &levers {
            base.push(intensity.len());
            intensity.extend(&l.intensity);
            weighted.extend(l.intensity.iter().map(|x| l.weight * x));
        }
        let responses =
            [0, 1].map(|i| sc.sides[i].responses.iter().map(|own| own.iter().fold(0u32, |m, &l| m | 1 << l)).collect());
        let provocations = [0, 1].map(|i| {
            sc.sides[i]
                .provocations
                .iter()
                .enumerate()
                .map(|(k, p)| (Clock::new(Channel::Provocation(i, k), p.prob), lo[i] + p.lever))
                .collect()
        });
        let events = sc
            .events
            .iter()
            .map(|e| EventState {
                expiry: 0,
                pre: match &e.kind {
                    EventKind::Suspension { measures, .. } => vec![0; measures.len()],
                    EventKind::Scheduled { .. } => Vec::new(),
                },
            })
            .collect();
        debug_assert!(levers.len() <= LEVERS);
        let ipd = sc.events.is_empty()
            && sc.sides.iter().all(|s| {
                s.provocations.is_empty()
                    && s.levers.len() == 1
                    && s.levers[0].ladder.len() == 2
                    && s.levers[0].floor == 0
            });
        Game {
            sc,
            streams,
            lo,
            hi,
            top: std::array::from_fn(|l| levers.get(l).map_or(0, |x| x.top() as u8)),
            floor0: std::array::from_fn(|l| levers.get(l).map_or(0, |x| x.floor as u8)),
            floor: [0; LEVERS],
            base,
            intensity,
            weighted,
            weight_total: [sc.sides[0].weight_total, sc.sides[1].weight_total],
            responses,
            primary: [sc.sides[0].primary, sc.sides[1].primary],
            discounts: (0..sc.rounds).map(|t| sc.discount.powi(t as i32)).collect(),
            pain: [0.0; LEVERS],
            cost: [0.0; LEVERS],
            keep: [1.0; LEVERS],
            floor_share: [0.0; LEVERS],
            rung: [0; LEVERS],
            cap: [0; LEVERS],
            decay: [1.0; LEVERS],
            before: [0; LEVERS],
            index: [0.0; 2],
            views: [View::first(); 2],
            rose_last: [0; 2],
            fell_last: [0; 2],
            forced: [0; 2],
            grievance: [None; 2],
            last_bin: [FIRST; 2],
            last_joint: FIRST,
            events,
            noise: [0, 1].map(|i| Clock::new(Channel::Noise(i), sc.sides[i].noise)),
            misperception: [0, 1].map(|i| Clock::new(Channel::Misperception(i), sc.sides[i].misperception)),
            provocations,
            strategy_rng: [LazyRng::new(Channel::Strategy(0)), LazyRng::new(Channel::Strategy(1))],
            params_rng: LazyRng::new(Channel::Params),
            events_rng: LazyRng::new(Channel::Events),
            trace: GameTrace::new(sc),
            ipd,
        }
    }

    /// Whether this game takes the specialised IPD loop (docs/model.md §7).
    pub fn uses_ipd_path(&self) -> bool {
        self.ipd
    }

    /// Always take the general round, even for the IPD structure: for tests
    /// that hold the specialised loop to the general path.
    #[doc(hidden)]
    pub fn force_general_path(&mut self) {
        self.ipd = false;
    }

    /// Play run `run` and return its trace (valid until the next call).
    pub fn play(&mut self, run: u64) -> &GameTrace {
        self.reset(run);
        self.record(0, [Action::C; 2], [true; 2]);
        if self.ipd {
            self.play_ipd();
        } else {
            for t in 1..=self.sc.rounds {
                self.round(t);
            }
        }
        &self.trace
    }

    /// `round` for the IPD structure, step for step: with one two-rung lever
    /// per side (levers 0 and 1), D puts the lever on rung 1 and C on rung 0,
    /// so the played action is the chosen one and the rung after a round is
    /// that action. The same draws in the same order and the same floating
    /// point operations as the general path, so the same trace
    /// (`tests::ipd_path_matches_general_path`).
    fn play_ipd(&mut self) {
        let sc = self.sc;
        let streams = self.streams;
        let strategies = [&sc.sides[0].strategy, &sc.sides[1].strategy];
        let base = [&sc.sides[0], &sc.sides[1]].map(|s| (s.baseline_welfare, s.mutual_escalation_cost));
        let intensity = [1, 2].map(|k| self.intensity[self.base[k - 1]..self.base[k - 1] + 2].to_vec());
        let weighted = [0, 1].map(|l| [self.weighted[self.base[l]], self.weighted[self.base[l] + 1]]);
        let mut rung = [self.rung[0], self.rung[1]];
        let mut decay = [self.decay[0], self.decay[1]];
        let mut index = self.index;
        let (pain, cost, keep, floor_share) = (
            [self.pain[0], self.pain[1]],
            [self.cost[0], self.cost[1]],
            [self.keep[0], self.keep[1]],
            [self.floor_share[0], self.floor_share[1]],
        );
        // The general path's `payoffs`, for two one-lever sides.
        let welfare_ipd = |rung: [u8; 2], decay: &mut [f64; 2], index: &[f64; 2]| -> [f64; 2] {
            let mut pain_from = [0.0; 2];
            let mut cost_of = [0.0; 2];
            for i in 0..2 {
                let x = intensity[i][rung[i] as usize];
                let eta = floor_share[i] + (1.0 - floor_share[i]) * decay[i];
                pain_from[i] += pain[i] * x * eta;
                cost_of[i] += cost[i] * x;
                decay[i] = if rung[i] > 0 { decay[i] * keep[i] } else { 1.0 };
            }
            [0, 1].map(|i| base[i].0 - pain_from[1 - i] - cost_of[i] - base[i].1 * index[i] * index[1 - i])
        };
        let fixed: Option<[[f64; 2]; 4]> = (keep == [1.0, 1.0]).then(|| {
            std::array::from_fn(|s| {
                let rung = [(s >> 1) as u8, (s & 1) as u8];
                let index = [0, 1].map(|i| (0.0 + weighted[i][rung[i] as usize]) / self.weight_total[i]);
                welfare_ipd(rung, &mut [1.0, 1.0], &index)
            })
        });
        let tr = &mut self.trace;
        for t in 1..=sc.rounds {
            let row = t as usize;
            let mut chosen = [Action::C; 2];
            for i in 0..2 {
                let rng = &mut self.strategy_rng[i];
                let intended = strategies[i].decide(&self.views[i], &mut |p| rng.chance(streams, p));
                chosen[i] = if self.noise[i].tick(streams) { intended.flip() } else { intended };
            }
            let mut moved = [false; 2];
            for i in 0..2 {
                let to = chosen[i].is_d() as u8;
                moved[i] = to != rung[i];
                rung[i] = to;
            }
            let played = chosen;
            let mut flags = 0u8;
            for i in 0..2 {
                let j = 1 - i;
                let perceived =
                    if played[j] == Action::C && self.misperception[i].tick(streams) { Action::D } else { played[j] };
                let mut f = 0;
                if played[i].is_d() {
                    f |= PLAYED_D;
                }
                if chosen[i].is_d() && self.views[i].their_last == Some(Action::D) {
                    f |= RETALIATED;
                }
                if perceived.is_d() {
                    f |= PERCEIVED_D;
                }
                flags |= f << i;
                self.views[i].observe(played[i], perceived);
            }
            tr.flags[row] = flags;
            tr.exchanges += is_exchange(flags, tr.flags[row - 1]) as u32;

            // record(t)
            for i in 0..2 {
                if moved[i] {
                    tr.log(Change { round: t, slot: i as u16, from: 1 - rung[i] as u16, to: rung[i] as u16 });
                }
            }
            tr.rungs[row * 2] = rung[0];
            tr.rungs[row * 2 + 1] = rung[1];
            for i in 0..2 {
                if moved[i] {
                    let e = (0.0 + weighted[i][rung[i] as usize]) / self.weight_total[i];
                    index[i] = e;
                    tr.peak[i] = tr.peak[i].max(e);
                }
                tr.index[row * 2 + i] = index[i];
            }
            let joint = (played[0].is_d() as u16) << 1 | played[1].is_d() as u16;
            if joint != self.last_joint {
                tr.log(Change { round: t, slot: 4, from: self.last_joint, to: joint });
                self.last_joint = joint;
            }

            // payoffs(t). Without erosion the round's welfare depends only on
            // the two rungs: look it up (computed with the same operations).
            let d = self.discounts[row - 1];
            if let Some(table) = &fixed {
                let w = table[(rung[0] as usize) << 1 | rung[1] as usize];
                tr.welfare[0] += d * w[0];
                tr.welfare[1] += d * w[1];
                continue;
            }
            let w = welfare_ipd(rung, &mut decay, &index);
            tr.welfare[0] += d * w[0];
            tr.welfare[1] += d * w[1];
        }
    }

    fn reset(&mut self, run: u64) {
        let sc = self.sc;
        self.params_rng.reset(run);
        self.events_rng.reset(run);
        for i in 0..2 {
            self.views[i] = View::first();
            self.rose_last[i] = 0;
            self.fell_last[i] = 0;
            self.grievance[i] = None;
            self.last_bin[i] = FIRST;
            self.noise[i].reset(run);
            self.misperception[i].reset(run);
            self.provocations[i].iter_mut().for_each(|(c, _)| c.reset(run));
            self.strategy_rng[i].reset(run);
        }
        self.last_joint = FIRST;
        // Uncertain parameters: one draw each, in file order, from the run's
        // parameter stream (fixed ones draw nothing).
        let draw =
            |p: &Param, rng: &mut LazyRng| if p.is_random() { p.sample(rng.unit(self.streams)) } else { p.nominal() };
        for (l, lever) in sc.sides.iter().flat_map(|s| &s.levers).enumerate() {
            self.rung[l] = lever.start as u8;
            self.floor[l] = self.floor0[l];
            self.cap[l] = self.top[l];
            self.decay[l] = 1.0;
            self.pain[l] = draw(&lever.pain, &mut self.params_rng);
            self.cost[l] = draw(&lever.cost, &mut self.params_rng);
            self.keep[l] = 1.0 - draw(&lever.erosion, &mut self.params_rng);
            self.floor_share[l] = draw(&lever.erosion_floor, &mut self.params_rng);
        }
        for e in &mut self.events {
            e.expiry = 0;
        }
        let tr = &mut self.trace;
        tr.welfare = [0.0; 2];
        tr.peak = [0.0; 2];
        tr.exchanges = 0;
        tr.n_changes = 0;
    }

    fn round(&mut self, t: u32) {
        self.before = self.rung;
        self.forced = [0; 2];

        // 1. Events.
        if !self.events.is_empty() {
            self.apply_events(t);
        }

        // 2. Provocations: exogenous one-rung escalations, within truce caps.
        for i in 0..2 {
            for k in 0..self.provocations[i].len() {
                let (clock, l) = &mut self.provocations[i][k];
                let l = *l;
                if clock.tick(self.streams) && self.rung[l] < self.cap[l] {
                    self.force(l, self.rung[l] + 1);
                }
            }
        }

        // 3. Decisions, with implementation noise.
        let mut chosen = [Action::C; 2];
        for (i, c) in chosen.iter_mut().enumerate() {
            let (streams, rng) = (self.streams, &mut self.strategy_rng[i]);
            let intended = self.sc.sides[i].strategy.decide(&self.views[i], &mut |p| rng.chance(streams, p));
            *c = if self.noise[i].tick(streams) { intended.flip() } else { intended };
        }

        // 4. Lever moves.
        for (i, &action) in chosen.iter().enumerate() {
            match action {
                Action::D => self.escalate(i),
                Action::C => self.concede(i),
            }
        }

        // 5. Played actions, perception, views. A forced rise is seen even
        // if the lever is back where it started.
        let (mut rose, mut fell) = ([0u32; 2], [0u32; 2]);
        let mut played = [Action::C; 2];
        for i in 0..2 {
            for l in self.lo[i]..self.hi[i] {
                rose[i] |= ((self.rung[l] > self.before[l]) as u32) << (l - self.lo[i]);
                fell[i] |= ((self.rung[l] < self.before[l]) as u32) << (l - self.lo[i]);
            }
            rose[i] |= self.forced[i];
            fell[i] &= !rose[i];
            played[i] = if chosen[i].is_d() || rose[i] != 0 { Action::D } else { Action::C };
        }
        let mut flags = 0u8;
        for i in 0..2 {
            let j = 1 - i;
            let perceived =
                if played[j] == Action::C && self.misperception[i].tick(self.streams) { Action::D } else { played[j] };
            let retaliated = chosen[i].is_d() && self.views[i].their_last == Some(Action::D);
            let mut f = 0;
            if played[i].is_d() {
                f |= PLAYED_D;
            }
            if retaliated {
                f |= RETALIATED;
            }
            if perceived.is_d() {
                f |= PERCEIVED_D;
            }
            flags |= f << i;
            self.views[i].observe(played[i], perceived);
            // What the other side raised this round, for next round's answer.
            self.rose_last[i] = rose[j];
            self.fell_last[i] = fell[j];
            if rose[j] != 0 {
                self.grievance[i] = Some(rose[j].trailing_zeros() as usize);
            }
        }
        self.trace.flags[t as usize] = flags;
        self.trace.exchanges += is_exchange(flags, self.trace.flags[t as usize - 1]) as u32;

        // 6. Trace and welfare.
        self.record(t, played, [rose[0] | fell[0] != 0, rose[1] | fell[1] != 0]);
        self.payoffs(t);
    }

    /// Set lever `l` to rung `to` outside any strategy (event, provocation);
    /// a rise is remembered as forced: seen by the other side, and not undone
    /// by the side's own concession this round.
    fn force(&mut self, l: usize, to: u8) {
        if to > self.rung[l] {
            let i = (l >= self.lo[1]) as usize;
            self.forced[i] |= 1 << (l - self.lo[i]);
        }
        self.rung[l] = to;
    }

    fn apply_events(&mut self, t: u32) {
        let sc = self.sc;
        for (k, e) in sc.events.iter().enumerate() {
            match &e.kind {
                EventKind::Scheduled { side, lever, to } => {
                    if t == e.start {
                        self.force(self.lo[*side] + lever, *to as u8);
                    }
                }
                EventKind::Suspension { duration, renew_prob, measures } => {
                    let expiry = self.events[k].expiry;
                    if t == e.start {
                        self.events[k].expiry = e.start.saturating_add(*duration);
                        for (m_idx, m) in measures.iter().enumerate() {
                            let l = self.lo[m.side] + m.lever;
                            self.events[k].pre[m_idx] = self.rung[l];
                            self.cap[l] = m.level as u8;
                            self.rung[l] = self.rung[l].min(m.level as u8);
                        }
                    } else if expiry != 0 && t == expiry {
                        if self.events_rng.chance(self.streams, *renew_prob) {
                            self.events[k].expiry = expiry.saturating_add(*duration);
                        } else {
                            self.events[k].expiry = 0;
                            for (m_idx, m) in measures.iter().enumerate() {
                                let l = self.lo[m.side] + m.lever;
                                let back = m.snap_back.map_or(self.events[k].pre[m_idx], |r| r as u8);
                                self.cap[l] = self.top[l];
                                // The measure is back in force: the new status quo.
                                self.floor[l] = self.floor[l].max(back);
                                self.force(l, self.rung[l].max(back));
                            }
                        }
                    }
                }
            }
        }
    }

    /// `D`: raise by one rung each lever that answers what the other side
    /// raised last round (else the standing grievance, else the primary lever).
    /// A lever at its cap or top passes the escalation on to the next lever, in
    /// the side's order, that can still rise; no lever is raised twice.
    fn escalate(&mut self, i: usize) {
        let resp = &self.responses[i];
        let mut targets = 0u32;
        let mut rl = self.rose_last[i];
        while rl != 0 {
            targets |= resp[rl.trailing_zeros() as usize];
            rl &= rl - 1;
        }
        if targets == 0 {
            targets = match self.grievance[i] {
                Some(g) => resp[g],
                None => 1 << self.primary[i],
            };
        }
        let (lo, n) = (self.lo[i], self.hi[i] - self.lo[i]);
        let mut raised = 0u32;
        while targets != 0 {
            let target = targets.trailing_zeros() as usize;
            targets &= targets - 1;
            for k in 0..n {
                let own = (target + k) % n;
                let l = lo + own;
                if raised & (1 << own) == 0 && self.rung[l] < self.cap[l] {
                    self.rung[l] += 1;
                    raised |= 1 << own;
                    break;
                }
            }
        }
    }

    /// `C`: lower by one rung each own lever (above its floor) that answers a
    /// lever the other side lowered last round; if that lowers nothing, step
    /// the most intense lever above its floor down one rung (ties: the first in
    /// the side's order). A lever forced up this round is left where it is.
    fn concede(&mut self, i: usize) {
        let (lo, hi) = (self.lo[i], self.hi[i]);
        let movable = |g: &Self, l: usize| g.rung[l] > g.floor[l] && g.forced[i] & (1 << (l - lo)) == 0;
        let mut targets = 0u32;
        let mut fl = self.fell_last[i];
        while fl != 0 {
            targets |= self.responses[i][fl.trailing_zeros() as usize];
            fl &= fl - 1;
        }
        let mut lowered = false;
        while targets != 0 {
            let l = lo + targets.trailing_zeros() as usize;
            targets &= targets - 1;
            if movable(self, l) {
                self.rung[l] -= 1;
                lowered = true;
            }
        }
        if lowered {
            return;
        }
        let mut best: Option<(usize, f64)> = None;
        for l in lo..hi {
            if movable(self, l) {
                let x = self.intensity[self.base[l] + self.rung[l] as usize];
                if best.is_none_or(|(_, b)| x > b) {
                    best = Some((l, x));
                }
            }
        }
        if let Some((l, _)) = best {
            self.rung[l] -= 1;
        }
    }

    /// Record the state after round `t`: rungs and indices, and the changes
    /// of the counted quantities. `moved[i]`: whether a lever of side i may
    /// have moved since the last record (else its index is unchanged).
    fn record(&mut self, t: u32, played: [Action; 2], moved: [bool; 2]) {
        let tr = &mut self.trace;
        let n = tr.levers;
        let row = t as usize * n;
        if moved[0] || moved[1] {
            for l in 0..n {
                let r = self.rung[l];
                let prev = if t == 0 { FIRST } else { tr.rungs[row - n + l] as u16 };
                if prev != r as u16 {
                    tr.log(Change { round: t, slot: l as u16, from: prev, to: r as u16 });
                }
            }
        }
        tr.rungs[row..row + n].copy_from_slice(&self.rung[..n]);
        for (i, &side_moved) in moved.iter().enumerate() {
            if side_moved {
                let mut e = 0.0;
                for l in self.lo[i]..self.hi[i] {
                    e += self.weighted[self.base[l] + self.rung[l] as usize];
                }
                let e = e / self.weight_total[i];
                self.index[i] = e;
                tr.peak[i] = tr.peak[i].max(e);
                // A one-lever side's bin follows from its rung: the Monte
                // Carlo derives its histogram instead (`index_bin_of`).
                if self.hi[i] - self.lo[i] > 1 {
                    let bin = index_bin(e);
                    if bin != self.last_bin[i] {
                        tr.log(Change { round: t, slot: (n + i) as u16, from: self.last_bin[i], to: bin });
                        self.last_bin[i] = bin;
                    }
                }
            }
            tr.index[t as usize * 2 + i] = self.index[i];
        }
        if t > 0 {
            let joint = (played[0].is_d() as u16) << 1 | played[1].is_d() as u16;
            if joint != self.last_joint {
                tr.log(Change { round: t, slot: (n + 2) as u16, from: self.last_joint, to: joint });
                self.last_joint = joint;
            }
        }
    }

    /// Welfare of round t (after `record(t)`, which computed the indices):
    /// w_i = b_i − Σ_{l∈j} pain_l·I_l·η_l − Σ_{l∈i} cost_l·I_l − m_i·E_i·E_j,
    /// with η_l = φ_l + (1 − φ_l)(1 − ρ_l)^age_l.
    fn payoffs(&mut self, t: u32) {
        let row = t as usize;
        let index = [self.trace.index[row * 2], self.trace.index[row * 2 + 1]];
        let mut pain_from = [0.0; 2]; // pain side i inflicts
        let mut cost_of = [0.0; 2];
        for i in 0..2 {
            for l in self.lo[i]..self.hi[i] {
                let x = self.intensity[self.base[l] + self.rung[l] as usize];
                let eta = self.floor_share[l] + (1.0 - self.floor_share[l]) * self.decay[l];
                pain_from[i] += self.pain[l] * x * eta;
                cost_of[i] += self.cost[l] * x;
                // Age advances after the round is scored.
                self.decay[l] = if self.rung[l] > 0 { self.decay[l] * self.keep[l] } else { 1.0 };
            }
        }
        let d = self.discounts[row - 1];
        for i in 0..2 {
            let side = &self.sc.sides[i];
            let w = side.baseline_welfare
                - pain_from[1 - i]
                - cost_of[i]
                - side.mutual_escalation_cost * index[i] * index[1 - i];
            self.trace.welfare[i] += d * w;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario;

    fn ipd_scenario(strategies: [&str; 2], noise: f64, mis: f64, start: u8, erosion: &str, discount: f64) -> Scenario {
        let side = |name: &str, strategy: &str| {
            format!(
                "[[sides]]\nname = \"{name}\"\nstrategy = {strategy}\nnoise = {noise}\nmisperception = {mis}\n\
                 baseline_welfare = 3.0\nmutual_escalation_cost = 1.0\n[[sides.levers]]\nname = \"d\"\n\
                 ladder = [0, 1]\nstart = {start}\npain = {{ uniform = [2.0, 4.0] }}\ncost = -2.0\nweight = 3.0\n{erosion}\n"
            )
        };
        let text = format!(
            "rounds = 60\nseed = 3\ndiscount = {discount}\n{}{}",
            side("a", strategies[0]),
            side("b", strategies[1])
        );
        scenario::parse(std::path::Path::new("t.toml"), &text).unwrap_or_else(|e| panic!("{}", e.render()))
    }

    fn same_trace(a: &GameTrace, b: &GameTrace) {
        assert_eq!(a.rungs, b.rungs);
        assert_eq!(a.index, b.index);
        assert_eq!(a.flags, b.flags);
        assert_eq!(a.changes(), b.changes());
        assert_eq!(a.welfare, b.welfare);
        assert_eq!(a.peak, b.peak);
        assert_eq!(a.exchanges, b.exchanges);
    }

    #[test]
    fn ipd_path_matches_general_path() {
        let strategies = [
            r#"{ kind = "tit_for_tat" }"#,
            r#"{ kind = "generous_tit_for_tat", generosity = 0.3 }"#,
            r#"{ kind = "win_stay_lose_shift" }"#,
            r#"{ kind = "grim_trigger" }"#,
            r#"{ kind = "tit_for_two_tats" }"#,
            r#"{ kind = "random", p_escalate = 0.3 }"#,
            r#"{ kind = "memory_one", p_cc = 0.9, p_cd = 0.1, p_dc = 0.6, p_dd = 0.2, initial = 0.5 }"#,
        ];
        let mut cases = 0;
        for (k, a) in strategies.iter().enumerate() {
            let b = strategies[(k * 3 + 1) % strategies.len()];
            for (noise, mis, start, erosion, discount) in
                [(0.05, 0.0, 0, "", 1.0), (0.1, 0.2, 1, "erosion = 0.1\nerosion_floor = 0.3", 0.97)]
            {
                let sc = ipd_scenario([a, b], noise, mis, start, erosion, discount);
                let streams = Streams::new(sc.seed);
                let mut fast = Game::new(&sc, &streams);
                let mut general = Game::new(&sc, &streams);
                assert!(fast.ipd);
                general.ipd = false;
                for run in 0..40 {
                    same_trace(fast.play(run), general.play(run));
                    cases += 1;
                }
            }
        }
        assert_eq!(cases, 7 * 2 * 40);
    }
}

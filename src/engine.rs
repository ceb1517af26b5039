/*!
One repeated game: `Game::play(run)` plays run `run` of a scenario and leaves
its round-by-round record in a `GameTrace`.

The engine is the model of `docs/model.md` and nothing else: no IO, no threads,
no clock, no ambient randomness. A `Game` owns its scratch buffers and is reused
run after run (one per worker), so playing a run allocates nothing.

Each round t = 1..T, in this order (docs/model.md §3):
1. events that fall on round t (suspensions start, lapse or renew; scheduled changes);
2. random provocations;
3. each side's strategy picks an action from its view; implementation noise
   flips it with probability ε;
4. lever moves: `D` escalates the levers that answer what the other side raised
   last round, `C` steps the most intense lever down towards its floor;
5. each side perceives the other's played action, misreading a `C` as `D`
   with probability μ, and updates its view;
6. welfare of the round, with erosion; the trace records the state.
*/

use crate::rng::{Channel, Clock, LazyRng, Streams};
use crate::scenario::{EventKind, Scenario};
use crate::strategy::{Action, View};

/// Round-by-round record of one run. Row `t` is the state after round `t`;
/// row 0 is the starting state.
#[derive(Clone, Debug, Default)]
pub struct GameTrace {
    pub rounds: u32,
    /// Number of levers of each side, and the offset of each side's levers in a row.
    lever_offsets: Vec<usize>,
    levers_per_row: usize,
    /// Rungs, `(rounds + 1) × levers_per_row`.
    rungs: Vec<u8>,
    /// Escalation index E_i(t), `(rounds + 1) × 2`.
    index: Vec<f64>,
    /// Played actions (rows 1..=rounds; row 0 unused).
    actions: Vec<[Action; 2]>,
    /// Whether side i escalated by choice after perceiving an escalation.
    retaliation: Vec<[bool; 2]>,
    /// Whether side i perceived the other side's action as `D`.
    perceived_d: Vec<[bool; 2]>,
    /// Cumulative (discounted) welfare of each side.
    pub welfare: [f64; 2],
}

impl GameTrace {
    fn new(sc: &Scenario) -> Self {
        let mut lever_offsets = Vec::new();
        let mut n = 0;
        for s in &sc.sides {
            lever_offsets.push(n);
            n += s.levers.len();
        }
        let rows = sc.rounds as usize + 1;
        GameTrace {
            rounds: sc.rounds,
            lever_offsets,
            levers_per_row: n,
            rungs: vec![0; rows * n],
            index: vec![0.0; rows * 2],
            actions: vec![[Action::C; 2]; rows],
            retaliation: vec![[false; 2]; rows],
            perceived_d: vec![[false; 2]; rows],
            welfare: [0.0; 2],
        }
    }

    /// Rung of side `side`'s lever `lever` after round `t`.
    pub fn rung(&self, t: u32, side: usize, lever: usize) -> usize {
        self.rungs[t as usize * self.levers_per_row + self.lever_offsets[side] + lever] as usize
    }

    /// Escalation index of `side` after round `t`.
    pub fn index(&self, t: u32, side: usize) -> f64 {
        self.index[t as usize * 2 + side]
    }

    /// Actions played in round `t` (1-based).
    pub fn actions(&self, t: u32) -> [Action; 2] {
        self.actions[t as usize]
    }

    pub fn retaliated(&self, t: u32, side: usize) -> bool {
        self.retaliation[t as usize][side]
    }

    pub fn perceived_d(&self, t: u32, side: usize) -> bool {
        self.perceived_d[t as usize][side]
    }
}

/// Per-lever state of one side during a run.
#[derive(Clone, Debug)]
struct LeverState {
    rung: usize,
    cap: usize,
    /// (1 − ρ)^age, where age is the number of rounds the lever has stood above rung 0.
    decay: f64,
    pain: f64,
    cost: f64,
    keep: f64,
    floor_share: f64,
}

struct SideState {
    levers: Vec<LeverState>,
    view: View,
    /// Levers of the *other* side that rose last round.
    rose_last: Vec<bool>,
    /// The other side's lever that last rose (the standing grievance).
    grievance: Option<usize>,
    noise: Clock,
    misperception: Clock,
    provocations: Vec<Clock>,
    strategy_rng: LazyRng,
}

/// Mutable state of an event during a run.
#[derive(Clone, Debug)]
struct EventState {
    /// Round at whose start a suspension lapses (or is renewed); 0 when over.
    expiry: u32,
    /// Rung each measure's lever had when the suspension began.
    pre: Vec<usize>,
}

/// A reusable player of one scenario's runs.
pub struct Game<'a> {
    sc: &'a Scenario,
    streams: &'a Streams,
    sides: Vec<SideState>,
    events: Vec<EventState>,
    params_rng: LazyRng,
    events_rng: LazyRng,
    trace: GameTrace,
    /// Scratch: rungs at the start of the round's moves, per side and lever.
    before: Vec<Vec<usize>>,
    discounts: Vec<f64>,
}

impl<'a> Game<'a> {
    pub fn new(sc: &'a Scenario, streams: &'a Streams) -> Self {
        let sides = sc
            .sides
            .iter()
            .enumerate()
            .map(|(i, s)| SideState {
                levers: s
                    .levers
                    .iter()
                    .map(|l| LeverState {
                        rung: l.start,
                        cap: l.top(),
                        decay: 1.0,
                        pain: 0.0,
                        cost: 0.0,
                        keep: 1.0,
                        floor_share: 0.0,
                    })
                    .collect(),
                view: View::first(),
                rose_last: vec![false; sc.sides[1 - i].levers.len()],
                grievance: None,
                noise: Clock::new(Channel::Noise(i), s.noise),
                misperception: Clock::new(Channel::Misperception(i), s.misperception),
                provocations: s
                    .provocations
                    .iter()
                    .enumerate()
                    .map(|(k, p)| Clock::new(Channel::Provocation(i, k), p.prob))
                    .collect(),
                strategy_rng: LazyRng::new(Channel::Strategy(i)),
            })
            .collect();
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
        let discounts = (0..sc.rounds).map(|t| sc.discount.powi(t as i32)).collect();
        Game {
            sc,
            streams,
            sides,
            events,
            params_rng: LazyRng::new(Channel::Params),
            events_rng: LazyRng::new(Channel::Events),
            trace: GameTrace::new(sc),
            before: sc.sides.iter().map(|s| vec![0; s.levers.len()]).collect(),
            discounts,
        }
    }

    /// Play run `run` and return its trace (valid until the next call).
    pub fn play(&mut self, run: u64) -> &GameTrace {
        self.reset(run);
        self.record(0);
        for t in 1..=self.sc.rounds {
            self.round(t);
        }
        &self.trace
    }

    fn reset(&mut self, run: u64) {
        let sc = self.sc;
        self.params_rng.reset(run);
        self.events_rng.reset(run);
        for (st, side) in self.sides.iter_mut().zip(&sc.sides) {
            st.view = View::first();
            st.rose_last.iter_mut().for_each(|r| *r = false);
            st.grievance = None;
            st.noise.reset(run);
            st.misperception.reset(run);
            st.provocations.iter_mut().for_each(|c| c.reset(run));
            st.strategy_rng.reset(run);
            for (ls, l) in st.levers.iter_mut().zip(&side.levers) {
                ls.rung = l.start;
                ls.cap = l.top();
                ls.decay = 1.0;
                // Uncertain parameters: one draw each, in a fixed order, from
                // the run's parameter stream (fixed ones draw nothing).
                let mut draw = |p: &crate::scenario::Param| {
                    if p.is_random() { p.sample(self.params_rng.unit(self.streams)) } else { p.nominal() }
                };
                ls.pain = draw(&l.pain);
                ls.cost = draw(&l.cost);
                ls.keep = 1.0 - draw(&l.erosion);
                ls.floor_share = draw(&l.erosion_floor);
            }
        }
        for e in &mut self.events {
            e.expiry = 0;
        }
        self.trace.welfare = [0.0; 2];
    }

    fn round(&mut self, t: u32) {
        let sc = self.sc;
        for (b, st) in self.before.iter_mut().zip(&self.sides) {
            for (x, ls) in b.iter_mut().zip(&st.levers) {
                *x = ls.rung;
            }
        }

        // 1. Events.
        self.apply_events(t);

        // 2. Provocations: exogenous one-rung escalations (they ignore caps).
        for (st, side) in self.sides.iter_mut().zip(&sc.sides) {
            for (clock, p) in st.provocations.iter_mut().zip(&side.provocations) {
                if clock.tick(self.streams) {
                    let ls = &mut st.levers[p.lever];
                    ls.rung = (ls.rung + 1).min(side.levers[p.lever].top());
                }
            }
        }

        // 3. Decisions, with implementation noise.
        let mut chosen = [Action::C; 2];
        for (i, (st, side)) in self.sides.iter_mut().zip(&sc.sides).enumerate() {
            let streams = self.streams;
            let rng = &mut st.strategy_rng;
            let intended = side.strategy.decide(&st.view, &mut |p| rng.chance(streams, p));
            chosen[i] = if st.noise.tick(streams) { intended.flip() } else { intended };
        }

        // 4. Lever moves.
        for (i, &action) in chosen.iter().enumerate() {
            match action {
                Action::D => self.escalate(i),
                Action::C => self.concede(i),
            }
        }

        // 5. Played actions, perception, views.
        let mut played = [Action::C; 2];
        for (i, st) in self.sides.iter().enumerate() {
            let rose_any = st.levers.iter().zip(&self.before[i]).any(|(ls, &b)| ls.rung > b);
            played[i] = if chosen[i].is_d() || rose_any { Action::D } else { Action::C };
        }
        let row = t as usize;
        for i in 0..2 {
            let j = 1 - i;
            let (head, tail) = self.sides.split_at_mut(1);
            let (st, other) = if i == 0 { (&mut head[0], &tail[0]) } else { (&mut tail[0], &head[0]) };
            let perceived =
                if played[j] == Action::C && st.misperception.tick(self.streams) { Action::D } else { played[j] };
            self.trace.retaliation[row][i] = chosen[i].is_d() && st.view.their_last == Some(Action::D);
            self.trace.perceived_d[row][i] = perceived.is_d();
            st.view.observe(played[i], perceived);
            // What the other side raised this round, for next round's answer.
            let mut first = None;
            for (k, (slot, (ls, &b))) in
                st.rose_last.iter_mut().zip(other.levers.iter().zip(&self.before[j])).enumerate()
            {
                *slot = ls.rung > b;
                if *slot && first.is_none() {
                    first = Some(k);
                }
            }
            if first.is_some() {
                st.grievance = first;
            }
        }
        self.trace.actions[row] = played;

        // 6. Trace and welfare.
        self.record(t);
        self.payoffs(t);
    }

    fn apply_events(&mut self, t: u32) {
        let sc = self.sc;
        for (e, es) in sc.events.iter().zip(self.events.iter_mut()) {
            match &e.kind {
                EventKind::Scheduled { side, lever, to } => {
                    if t == e.start {
                        self.sides[*side].levers[*lever].rung = *to;
                    }
                }
                EventKind::Suspension { duration, renew_prob, measures } => {
                    if t == e.start {
                        es.expiry = e.start.saturating_add(*duration);
                        for (m, pre) in measures.iter().zip(es.pre.iter_mut()) {
                            let ls = &mut self.sides[m.side].levers[m.lever];
                            *pre = ls.rung;
                            ls.cap = m.level;
                            ls.rung = ls.rung.min(m.level);
                        }
                    } else if es.expiry != 0 && t == es.expiry {
                        if self.events_rng.chance(self.streams, *renew_prob) {
                            es.expiry = es.expiry.saturating_add(*duration);
                        } else {
                            es.expiry = 0;
                            for (m, &pre) in measures.iter().zip(&es.pre) {
                                let top = sc.sides[m.side].levers[m.lever].top();
                                let ls = &mut self.sides[m.side].levers[m.lever];
                                ls.cap = top;
                                ls.rung = ls.rung.max(m.snap_back.unwrap_or(pre));
                            }
                        }
                    }
                }
            }
        }
    }

    /// `D`: raise by one rung each lever that answers what the other side
    /// raised last round (else the standing grievance, else the primary lever);
    /// each lever at most once per round. A lever at its cap or top passes the
    /// escalation on to the next lever, in the side's order, that can still rise.
    fn escalate(&mut self, i: usize) {
        let side = &self.sc.sides[i];
        let st = &mut self.sides[i];
        let mut targets: u32 = 0;
        for (k, &rose) in st.rose_last.iter().enumerate() {
            if rose {
                side.responses[k].iter().for_each(|&own| targets |= 1 << own);
            }
        }
        if targets == 0 {
            match st.grievance {
                Some(g) => side.responses[g].iter().for_each(|&own| targets |= 1 << own),
                None => targets = 1 << side.primary,
            }
        }
        let n = st.levers.len();
        while targets != 0 {
            let target = targets.trailing_zeros() as usize;
            targets &= targets - 1;
            if let Some(l) = (0..n).map(|k| (target + k) % n).find(|&l| st.levers[l].rung < st.levers[l].cap) {
                st.levers[l].rung += 1;
            }
        }
    }

    /// `C`: step the most intense lever above its floor down one rung.
    fn concede(&mut self, i: usize) {
        let side = &self.sc.sides[i];
        let st = &mut self.sides[i];
        let mut best: Option<(usize, f64)> = None;
        for (l, (ls, lever)) in st.levers.iter().zip(&side.levers).enumerate() {
            if ls.rung > lever.floor {
                let x = lever.intensity[ls.rung];
                if best.is_none_or(|(_, b)| x > b) {
                    best = Some((l, x));
                }
            }
        }
        if let Some((l, _)) = best {
            st.levers[l].rung -= 1;
        }
    }

    /// Welfare of round t (after `record(t)`, which computed the indices):
    /// w_i = b_i − Σ_{l∈j} pain_l·I_l·η_l − Σ_{l∈i} cost_l·I_l − m_i·E_i·E_j,
    /// with η_l = φ_l + (1 − φ_l)(1 − ρ_l)^age_l.
    fn payoffs(&mut self, t: u32) {
        let sc = self.sc;
        let row = t as usize;
        let index = [self.trace.index[row * 2], self.trace.index[row * 2 + 1]];
        let mut pain_from = [0.0; 2]; // pain side i inflicts
        let mut cost_of = [0.0; 2];
        for (i, (st, side)) in self.sides.iter_mut().zip(&sc.sides).enumerate() {
            for (ls, lever) in st.levers.iter_mut().zip(&side.levers) {
                let x = lever.intensity[ls.rung];
                let eta = ls.floor_share + (1.0 - ls.floor_share) * ls.decay;
                pain_from[i] += ls.pain * x * eta;
                cost_of[i] += ls.cost * x;
                // Age advances after the round is scored.
                ls.decay = if ls.rung > 0 { ls.decay * ls.keep } else { 1.0 };
            }
        }
        let d = self.discounts[row - 1];
        for i in 0..2 {
            let side = &sc.sides[i];
            let w = side.baseline_welfare
                - pain_from[1 - i]
                - cost_of[i]
                - side.mutual_escalation_cost * index[i] * index[1 - i];
            self.trace.welfare[i] += d * w;
        }
    }

    fn record(&mut self, t: u32) {
        let row = t as usize;
        let n = self.trace.levers_per_row;
        let rungs = &mut self.trace.rungs[row * n..(row + 1) * n];
        let mut k = 0;
        for (i, (st, side)) in self.sides.iter().zip(&self.sc.sides).enumerate() {
            let mut e = 0.0;
            for (ls, lever) in st.levers.iter().zip(&side.levers) {
                rungs[k] = ls.rung as u8;
                k += 1;
                e += lever.weight * lever.intensity[ls.rung];
            }
            self.trace.index[row * 2 + i] = e / side.weight_total;
        }
    }
}

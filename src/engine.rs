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
   last round (or, for a leverage-seeking rule, those with the best leverage),
   `C` lowers in kind, else what the other side demands, else the lever with
   the worst leverage;
5. each side perceives the other's played action, misreading a `C` as `D`
   with probability μ; concessions to a demand are noted;
6. the trace records the state; welfare and payoff of the round, with erosion;
   each side's view and strategy learn what the round cost and whether its
   demand is met.
*/

use crate::rng::{Channel, Clock, LazyRng, Streams};
use crate::scenario::{EventKind, INDEX_BINS, MAX_LEVERS, Param, Scenario};
use crate::strategy::{Action, Feedback, LeverChoice, Strategy, View};

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
const DEMAND_MET: u8 = 64; // << side

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
    /// Cumulative (discounted) welfare of each side: net economic welfare.
    pub welfare: [f64; 2],
    /// Cumulative (discounted) payoff of each side: welfare plus the
    /// political terms, what strategies that read payoffs weigh.
    pub utility: [f64; 2],
    /// The first concession to a demand: (side, round) — a side lowered a
    /// lever the other demands while the other kept up pressure (a lever above
    /// its floor) and lowered nothing that round or the round before
    /// (docs/model.md §2b).
    pub first_yield: Option<(usize, u32)>,
    /// The lever (of the conceding side) of the first concession.
    pub first_yield_lever: usize,
    /// Truce spells, in the order they ended (those still in force last).
    pub spells: Vec<Spell>,
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
            utility: [0.0; 2],
            first_yield: None,
            first_yield_lever: 0,
            spells: Vec::with_capacity(sc.events.len() + 4),
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

    /// Whether `side`'s demand is met after round `t` (t ≥ 0).
    pub fn demand_met(&self, t: u32, side: usize) -> bool {
        self.flags[t as usize] & (DEMAND_MET << side) != 0
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
    /// A truce in force, since round `since`.
    active: bool,
    since: u32,
    /// Acts perceived as violations during the current term.
    violations: u32,
    /// A violation ended it: it snaps back at the start of the next round.
    collapse: bool,
    /// Own levers (bits, per side) that the truce caps.
    levers: [u32; 2],
    /// This run's renewal and violation probabilities (parameter draws).
    renew_p: f64,
    violation_p: f64,
}

/// How a truce spell ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SpellEnd {
    /// It expired and was not renewed.
    Lapsed,
    /// A perceived violation ended it early.
    Collapsed,
    /// Still in force after the last round.
    Censored,
}

/// One truce spell of a run: event `event` in force from round `start`
/// through round `end` (renewals extend a spell).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Spell {
    pub event: usize,
    pub start: u32,
    pub end: u32,
    pub how: SpellEnd,
}

impl Spell {
    /// Rounds in force.
    pub fn duration(&self) -> u32 {
        self.end + 1 - self.start
    }
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
    /// Side i's demands: (global lever of the other side, rung at or below which it is met).
    demands: [Vec<(usize, u8)>; 2],
    /// Side i's own levers (bits) that the other side demands.
    demanded: [u32; 2],
    /// Side i's demand met at the start of every run.
    demand_met0: [bool; 2],
    /// Each side's payoff in the run's starting state (no erosion yet).
    start_payoff: [f64; 2],
    /// Levers taken away (`set_disabled`): pinned at their bottom rung.
    disabled: u32,
    // Per-run parameters.
    pain: [f64; LEVERS],
    cost: [f64; LEVERS],
    keep: [f64; LEVERS],
    floor_share: [f64; LEVERS],
    /// Extra political pain to the target and political gain to the user.
    political_pain: [f64; LEVERS],
    political_gain: [f64; LEVERS],
    strategies: [Strategy; 2],
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
    /// Own levers lowered by the side's own choice this round and last round (bits).
    lowered: [u32; 2],
    lowered_last: [u32; 2],
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
    /// Uniforms to use instead of the parameter stream's draws, in draw
    /// order (`set_param_uniforms`: variance-based sensitivity).
    param_u: Option<Vec<f64>>,
    /// The last parameter draw and its group (run / runs_per_draw): the runs
    /// of a group reuse it instead of inverting the distributions again.
    drawn: Vec<f64>,
    drawn_group: Option<u64>,
    events_rng: LazyRng,
    talks_rng: LazyRng,
    violations_rng: LazyRng,
    /// Each side's loss (b − u) in the last round, for the ripeness of talks.
    last_loss: [f64; 2],
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
                .map(|(k, p)| (Clock::new(Channel::Provocation(i, k), p.prob.nominal()), lo[i] + p.lever))
                .collect()
        });
        let events = sc
            .events
            .iter()
            .map(|e| EventState {
                expiry: 0,
                pre: match &e.kind {
                    EventKind::Suspension { measures, .. } => vec![0; measures.len()],
                    EventKind::Scheduled { .. } | EventKind::Violation { .. } => Vec::new(),
                },
                active: false,
                since: 0,
                violations: 0,
                collapse: false,
                renew_p: 0.0,
                violation_p: 0.0,
                levers: match &e.kind {
                    EventKind::Suspension { measures, .. } => {
                        let mut bits = [0u32; 2];
                        for m in measures {
                            bits[m.side] |= 1 << m.lever;
                        }
                        bits
                    }
                    EventKind::Scheduled { .. } | EventKind::Violation { .. } => [0; 2],
                },
            })
            .collect();
        debug_assert!(levers.len() <= LEVERS);
        let demands: [Vec<(usize, u8)>; 2] =
            [0, 1].map(|i| sc.sides[i].demands.iter().map(|d| (lo[1 - i] + d.lever, d.level as u8)).collect());
        let demanded = [0, 1].map(|i| sc.sides[1 - i].demands.iter().fold(0u32, |m, d| m | 1 << d.lever));
        let ipd = sc.events.is_empty()
            && sc.sides.iter().all(|s| {
                s.provocations.is_empty()
                    && s.levers.len() == 1
                    && s.levers[0].ladder.len() == 2
                    && s.levers[0].floor == 0
            });
        let mut game = Game {
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
            demands,
            demanded,
            demand_met0: [false; 2],
            start_payoff: [0.0; 2],
            disabled: 0,
            pain: [0.0; LEVERS],
            cost: [0.0; LEVERS],
            keep: [1.0; LEVERS],
            floor_share: [0.0; LEVERS],
            political_pain: [0.0; LEVERS],
            political_gain: [0.0; LEVERS],
            strategies: [sc.sides[0].strategy.clone(), sc.sides[1].strategy.clone()],
            rung: [0; LEVERS],
            cap: [0; LEVERS],
            decay: [1.0; LEVERS],
            before: [0; LEVERS],
            index: [0.0; 2],
            views: [View::first(); 2],
            rose_last: [0; 2],
            fell_last: [0; 2],
            forced: [0; 2],
            lowered: [0; 2],
            lowered_last: [0; 2],
            grievance: [None; 2],
            last_bin: [FIRST; 2],
            last_joint: FIRST,
            events,
            noise: [0, 1].map(|i| Clock::new(Channel::Noise(i), sc.sides[i].noise.nominal())),
            misperception: [0, 1].map(|i| Clock::new(Channel::Misperception(i), sc.sides[i].misperception.nominal())),
            provocations,
            strategy_rng: [LazyRng::new(Channel::Strategy(0)), LazyRng::new(Channel::Strategy(1))],
            params_rng: LazyRng::new(Channel::Params),
            param_u: None,
            drawn: Vec::new(),
            drawn_group: None,
            events_rng: LazyRng::new(Channel::Events),
            talks_rng: LazyRng::new(Channel::Talks),
            violations_rng: LazyRng::new(Channel::Violations),
            last_loss: [0.0; 2],
            trace: GameTrace::new(sc),
            ipd,
        };
        game.demand_met0 = [0, 1].map(|i| game.demand_met(i, |l| levers[l].start as u8));
        game
    }

    /// Take levers away: each lever whose bit is set in `levers` (global
    /// index, side 0's levers first) is pinned at its bottom rung for the whole
    /// run, as if the side did not have it; its uncertain parameters are still
    /// drawn, so every other draw is unchanged (common random numbers).
    pub fn set_disabled(&mut self, levers: u32) {
        self.disabled = levers;
        let sc = self.sc;
        let starts: Vec<u8> = sc
            .sides
            .iter()
            .flat_map(|s| &s.levers)
            .map(|l| l.start as u8)
            .enumerate()
            .map(|(k, r)| if levers & 1 << k != 0 { 0 } else { r })
            .collect();
        self.demand_met0 = [0, 1].map(|i| self.demand_met(i, |l| starts[l]));
        if levers != 0 {
            self.ipd = false;
        }
    }

    /// Whether side `i`'s demand is met with the other side's levers at `rung(l)`.
    fn demand_met(&self, i: usize, rung: impl Fn(usize) -> u8) -> bool {
        self.demands[i].iter().all(|&(l, level)| rung(l) <= level)
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

    /// The trace of the last run played.
    pub fn trace(&self) -> &GameTrace {
        &self.trace
    }

    /// Play run `run` and return its trace (valid until the next call).
    pub fn play(&mut self, run: u64) -> &GameTrace {
        self.reset(run);
        self.record(0, [Action::C; 2], [true; 2]);
        self.start_payoff = self.state_payoffs();
        self.last_loss = [0, 1].map(|i| self.sc.sides[i].baseline_welfare - self.start_payoff[i]);
        let met0 = ((self.demand_met0[0] as u8) * DEMAND_MET) | ((self.demand_met0[1] as u8) * (DEMAND_MET << 1));
        self.trace.flags[0] = met0;
        if self.ipd {
            self.play_ipd();
        } else {
            for t in 1..=self.sc.rounds {
                self.round(t);
            }
            // Truces still in force are censored at the last round.
            for (k, e) in self.events.iter().enumerate() {
                if e.active {
                    let spell = Spell { event: k, start: e.since, end: self.sc.rounds, how: SpellEnd::Censored };
                    self.trace.spells.push(spell);
                }
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
        let base = [&sc.sides[0], &sc.sides[1]].map(|s| (s.baseline_welfare, s.mutual_escalation_cost));
        let range = [sc.sides[0].payoff_range, sc.sides[1].payoff_range];
        let intensity = [1, 2].map(|k| self.intensity[self.base[k - 1]..self.base[k - 1] + 2].to_vec());
        let weighted = [0, 1].map(|l| [self.weighted[self.base[l]], self.weighted[self.base[l] + 1]]);
        let demand = [0, 1].map(|i| self.demands[i].first().map_or(1, |&(_, level)| level));
        let mut rung = [self.rung[0], self.rung[1]];
        let mut decay = [self.decay[0], self.decay[1]];
        let mut index = self.index;
        let (pain, cost, keep, floor_share, political_pain, political_gain) = (
            [self.pain[0], self.pain[1]],
            [self.cost[0], self.cost[1]],
            [self.keep[0], self.keep[1]],
            [self.floor_share[0], self.floor_share[1]],
            [self.political_pain[0], self.political_pain[1]],
            [self.political_gain[0], self.political_gain[1]],
        );
        // The general path's `payoffs`, for two one-lever sides: (welfare, payoff).
        let payoff_ipd = |rung: [u8; 2], decay: &mut [f64; 2], index: &[f64; 2]| -> [[f64; 2]; 2] {
            let mut pain_from = [0.0; 2];
            let mut cost_of = [0.0; 2];
            let mut political = [0.0; 2];
            for i in 0..2 {
                let x = intensity[i][rung[i] as usize];
                let eta = floor_share[i] + (1.0 - floor_share[i]) * decay[i];
                pain_from[i] += pain[i] * x * eta;
                cost_of[i] += cost[i] * x;
                political[i] += political_pain[i] * x * eta;
                political[1 - i] -= political_gain[i] * x;
                decay[i] = if rung[i] > 0 { decay[i] * keep[i] } else { 1.0 };
            }
            let w = [0, 1].map(|i| base[i].0 - pain_from[1 - i] - cost_of[i] - base[i].1 * index[i] * index[1 - i]);
            [w, [0, 1].map(|i| w[i] - political[1 - i])]
        };
        let fixed: Option<[[[f64; 2]; 2]; 4]> = (keep == [1.0, 1.0]).then(|| {
            std::array::from_fn(|s| {
                let rung = [(s >> 1) as u8, (s & 1) as u8];
                let index = [0, 1].map(|i| (0.0 + weighted[i][rung[i] as usize]) / self.weight_total[i]);
                payoff_ipd(rung, &mut [1.0, 1.0], &index)
            })
        });
        let tr = &mut self.trace;
        for t in 1..=sc.rounds {
            let row = t as usize;
            let mut chosen = [Action::C; 2];
            for (i, c) in chosen.iter_mut().enumerate() {
                let rng = &mut self.strategy_rng[i];
                let intended = self.strategies[i].decide(&self.views[i], &mut |p| rng.chance(streams, p));
                *c = if self.noise[i].tick(streams) { intended.flip() } else { intended };
            }
            let mut moved = [false; 2];
            let mut lowered = [false; 2];
            let mut rise = [0u32; 2];
            for i in 0..2 {
                let to = chosen[i].is_d() as u8;
                moved[i] = to != rung[i];
                lowered[i] = to < rung[i];
                rise[i] = (to > rung[i]) as u32;
                rung[i] = to;
            }
            let played = chosen;
            let mut flags = 0u8;
            let mut perceived = [Action::C; 2];
            for i in 0..2 {
                let j = 1 - i;
                perceived[i] =
                    if played[j] == Action::C && self.misperception[i].tick(streams) { Action::D } else { played[j] };
                let mut f = 0;
                if played[i].is_d() {
                    f |= PLAYED_D;
                }
                if chosen[i].is_d() && self.views[i].their_last == Some(Action::D) {
                    f |= RETALIATED;
                }
                if perceived[i].is_d() {
                    f |= PERCEIVED_D;
                }
                if rung[j] <= demand[i] {
                    f |= DEMAND_MET;
                }
                flags |= f << i;
            }
            tr.flags[row] = flags;
            tr.exchanges += is_exchange(flags, tr.flags[row - 1]) as u32;
            if tr.first_yield.is_none() {
                for i in 0..2 {
                    let j = 1 - i;
                    // Under pressure: the other side's lever is up (above its floor, 0).
                    let pressed = rung[j] > 0;
                    if lowered[i] && self.demanded[i] != 0 && pressed && !lowered[j] && self.lowered_last[j] == 0 {
                        tr.first_yield = Some((i, t));
                        tr.first_yield_lever = 0;
                    }
                }
            }
            self.lowered_last = [lowered[0] as u32, lowered[1] as u32];

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

            // payoffs(t). Without erosion the round's payoffs depend only on
            // the two rungs: look them up (computed with the same operations).
            let d = self.discounts[row - 1];
            let [w, u] = match &fixed {
                Some(table) => table[(rung[0] as usize) << 1 | rung[1] as usize],
                None => payoff_ipd(rung, &mut decay, &index),
            };
            tr.welfare[0] += d * w[0];
            tr.welfare[1] += d * w[1];
            tr.utility[0] += d * u[0];
            tr.utility[1] += d * u[1];

            // Views and strategies learn the round.
            for i in 0..2 {
                let view = &mut self.views[i];
                view.observe(played[i], perceived[i]);
                view.feedback(&Feedback {
                    loss: base[i].0 - u[i],
                    loss_from_start: self.start_payoff[i] - u[i],
                    payoff: normalised(u[i], range[i]),
                    demand_met: flags & (DEMAND_MET << i) != 0,
                    their_rise: rise[1 - i],
                });
                self.strategies[i].observe(view);
            }
        }
    }

    /// Draw the uncertain parameters (`Scenario::uncertain_params`, in that
    /// order) from these uniforms instead of the run's parameter stream; `None`
    /// restores the stream.
    pub fn set_param_uniforms(&mut self, u: Option<Vec<f64>>) {
        self.param_u = u;
    }

    fn reset(&mut self, run: u64) {
        let sc = self.sc;
        // Runs that share a parameter draw share its stream.
        self.params_rng.reset(run / sc.runs_per_draw);
        self.events_rng.reset(run);
        self.talks_rng.reset(run);
        self.violations_rng.reset(run);
        for i in 0..2 {
            self.views[i] = View::first();
            self.views[i].demand_met = self.demand_met0[i];
            if let Some(m) = sc.sides[i].last_move {
                self.views[i].their_last = Some(m);
                self.views[i].their_defections = m.is_d() as u32;
            }
            self.rose_last[i] = 0;
            self.fell_last[i] = 0;
            self.lowered_last[i] = 0;
            self.grievance[i] = None;
            self.last_bin[i] = FIRST;
            self.strategy_rng[i].reset(run);
        }
        self.last_joint = FIRST;
        // Uncertain parameters: one draw each, in file order, from the run's
        // parameter stream (fixed ones draw nothing): every lever's, then each
        // side's strategy parameters.
        let over = self.param_u.take();
        let group = run / sc.runs_per_draw;
        let reuse = over.is_none() && self.drawn_group == Some(group);
        let mut cache = std::mem::take(&mut self.drawn);
        if !reuse {
            cache.clear();
        }
        let mut drawn = 0;
        let streams = self.streams;
        let mut draw = |p: &Param, rng: &mut LazyRng| {
            if !p.is_random() {
                return p.nominal();
            }
            let v = if reuse {
                cache[drawn]
            } else {
                let u = match &over {
                    Some(u) => u[drawn],
                    None => rng.unit(streams),
                };
                let v = p.sample(u);
                cache.push(v);
                v
            };
            drawn += 1;
            v
        };
        for (l, lever) in sc.sides.iter().flat_map(|s| &s.levers).enumerate() {
            let off = self.disabled & 1 << l != 0;
            self.rung[l] = if off { 0 } else { lever.start as u8 };
            self.floor[l] = if off { 0 } else { self.floor0[l] };
            self.cap[l] = if off { 0 } else { self.top[l] };
            self.decay[l] = 1.0;
            self.pain[l] = draw(&lever.pain, &mut self.params_rng);
            self.cost[l] = draw(&lever.cost, &mut self.params_rng);
            self.keep[l] = 1.0 - draw(&lever.erosion, &mut self.params_rng);
            self.floor_share[l] = draw(&lever.erosion_floor, &mut self.params_rng);
            // Net economic cost: the gross cost less the revenue (a transfer)
            // and the terms-of-trade gain. x − 0 − 0 = x exactly.
            self.cost[l] = self.cost[l]
                - draw(&lever.revenue, &mut self.params_rng)
                - draw(&lever.terms_of_trade, &mut self.params_rng);
            self.political_gain[l] = draw(&lever.political_gain, &mut self.params_rng);
            self.political_pain[l] = draw(&lever.political_pain, &mut self.params_rng);
        }
        for i in 0..2 {
            let side = &sc.sides[i];
            self.strategies[i] = if side.strategy_params.iter().any(Param::is_random) {
                let mut values = [0.0; 8];
                for (v, p) in values.iter_mut().zip(&side.strategy_params) {
                    *v = draw(p, &mut self.params_rng);
                }
                side.strategy.kind().with(&values[..side.strategy_params.len()])
            } else {
                side.strategy.clone()
            };
        }
        // Then the probabilities: each side's noise, misperception and
        // provocations, then each truce's renewal and violation odds.
        for i in 0..2 {
            let side = &sc.sides[i];
            if side.noise.is_random() {
                self.noise[i].set_p(draw(&side.noise, &mut self.params_rng));
            }
            if side.misperception.is_random() {
                self.misperception[i].set_p(draw(&side.misperception, &mut self.params_rng));
            }
            for (c, p) in self.provocations[i].iter_mut().zip(&side.provocations) {
                if p.prob.is_random() {
                    c.0.set_p(draw(&p.prob, &mut self.params_rng));
                }
            }
            self.noise[i].reset(run);
            self.misperception[i].reset(run);
            self.provocations[i].iter_mut().for_each(|(c, _)| c.reset(run));
        }
        for (e, ev) in self.events.iter_mut().zip(&sc.events) {
            if let EventKind::Suspension { renew_prob, violation_prob, .. } = &ev.kind {
                e.renew_p = draw(renew_prob, &mut self.params_rng);
                e.violation_p = draw(violation_prob, &mut self.params_rng);
            }
        }
        debug_assert!(over.as_ref().is_none_or(|u| u.len() == drawn), "one uniform per uncertain parameter");
        self.drawn_group = if over.is_none() { Some(group) } else { None };
        self.param_u = over;
        self.drawn = cache;
        for e in &mut self.events {
            e.expiry = 0;
            e.active = false;
            e.since = 0;
            e.violations = 0;
            e.collapse = false;
        }
        self.trace.spells.clear();
        let tr = &mut self.trace;
        tr.welfare = [0.0; 2];
        tr.utility = [0.0; 2];
        tr.first_yield = None;
        tr.peak = [0.0; 2];
        tr.exchanges = 0;
        tr.n_changes = 0;
    }

    fn round(&mut self, t: u32) {
        self.before = self.rung;
        self.forced = [0; 2];
        self.lowered = [0; 2];

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
            let intended = self.strategies[i].decide(&self.views[i], &mut |p| rng.chance(streams, p));
            *c = if self.noise[i].tick(streams) { intended.flip() } else { intended };
        }

        // 4. Lever moves.
        for (i, &action) in chosen.iter().enumerate() {
            match action {
                Action::D => {
                    let size = self.strategies[i].size(&self.views[i]).max(1);
                    self.escalate(i, size, self.strategies[i].traits().lever_choice)
                }
                Action::C => self.concede(i),
            }
        }

        // 5. Played actions, perception, concessions. A forced rise is seen
        // even if the lever is back where it started.
        let (mut rose, mut fell) = ([0u32; 2], [0u32; 2]);
        let mut rise = [0u32; 2];
        let mut played = [Action::C; 2];
        for i in 0..2 {
            for l in self.lo[i]..self.hi[i] {
                rose[i] |= ((self.rung[l] > self.before[l]) as u32) << (l - self.lo[i]);
                fell[i] |= ((self.rung[l] < self.before[l]) as u32) << (l - self.lo[i]);
                rise[i] += self.rung[l].saturating_sub(self.before[l]) as u32;
            }
            rose[i] |= self.forced[i];
            fell[i] &= !rose[i];
            played[i] = if chosen[i].is_d() || rose[i] != 0 { Action::D } else { Action::C };
        }
        let mut flags = 0u8;
        let mut perceived = [Action::C; 2];
        for i in 0..2 {
            let j = 1 - i;
            perceived[i] =
                if played[j] == Action::C && self.misperception[i].tick(self.streams) { Action::D } else { played[j] };
            let retaliated = chosen[i].is_d() && self.views[i].their_last == Some(Action::D);
            let mut f = 0;
            if played[i].is_d() {
                f |= PLAYED_D;
            }
            if retaliated {
                f |= RETALIATED;
            }
            if perceived[i].is_d() {
                f |= PERCEIVED_D;
            }
            if self.demand_met(i, |l| self.rung[l]) {
                f |= DEMAND_MET;
            }
            flags |= f << i;
            // What the other side raised this round, for next round's answer.
            self.rose_last[i] = rose[j];
            self.fell_last[i] = fell[j];
            if rose[j] != 0 {
                self.grievance[i] = Some(rose[j].trailing_zeros() as usize);
            }
        }
        self.trace.flags[t as usize] = flags;
        self.trace.exchanges += is_exchange(flags, self.trace.flags[t as usize - 1]) as u32;
        if self.trace.first_yield.is_none() {
            for i in 0..2 {
                let j = 1 - i;
                // Under pressure: one of the other side's levers is above its floor.
                let pressed = (self.lo[j]..self.hi[j]).any(|l| self.rung[l] > self.floor0[l]);
                if self.lowered[i] & self.demanded[i] != 0
                    && pressed
                    && self.lowered[j] == 0
                    && self.lowered_last[j] == 0
                {
                    self.trace.first_yield = Some((i, t));
                    self.trace.first_yield_lever = (self.lowered[i] & self.demanded[i]).trailing_zeros() as usize;
                }
            }
        }
        self.lowered_last = self.lowered;

        // Acts perceived as violating a truce in force: a rise of a lever it
        // caps, a provocation (any forced rise), a concession misread as an
        // escalation. Each may end the truce (docs/model.md §6).
        if !self.events.is_empty() {
            self.check_violations(&rose, &played, &perceived);
        }

        // 6. Trace, welfare and payoffs.
        self.record(t, played, [rose[0] | fell[0] != 0, rose[1] | fell[1] != 0]);
        let u = self.payoffs(t);

        // 7. Views and strategies learn the round.
        for i in 0..2 {
            let side = &self.sc.sides[i];
            self.last_loss[i] = side.baseline_welfare - u[i];
            let view = &mut self.views[i];
            view.observe(played[i], perceived[i]);
            view.feedback(&Feedback {
                loss: side.baseline_welfare - u[i],
                loss_from_start: self.start_payoff[i] - u[i],
                payoff: normalised(u[i], side.payoff_range),
                demand_met: flags & (DEMAND_MET << i) != 0,
                their_rise: rise[1 - i],
            });
            self.strategies[i].observe(view);
        }
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
                    let l = self.lo[*side] + lever;
                    if t == e.start && self.disabled & 1 << l == 0 {
                        self.force(l, *to as u8);
                    }
                }
                EventKind::Violation { side, lever } => {
                    let l = self.lo[*side] + lever;
                    if t == e.start && self.disabled & 1 << l == 0 && self.rung[l] < self.top[l] {
                        self.force(l, self.rung[l] + 1);
                    }
                }
                EventKind::Suspension { duration, renew_penalty, talks, .. } => {
                    let state = &self.events[k];
                    if state.active {
                        if state.collapse {
                            self.end_truce(k, t, SpellEnd::Collapsed);
                        } else if t == state.expiry {
                            let p = state.renew_p * (1.0 - renew_penalty).powi(state.violations as i32);
                            if self.events_rng.chance(self.streams, p) {
                                let state = &mut self.events[k];
                                state.expiry = state.expiry.saturating_add(*duration);
                                state.violations = 0;
                            } else {
                                self.end_truce(k, t, SpellEnd::Lapsed);
                            }
                        }
                        continue;
                    }
                    let begins = match talks {
                        // A scheduled truce begins once, at its start.
                        None => t == e.start && state.since == 0,
                        // Talks are held from `start` on (or at the summits
                        // listed), and conclude a truce when both sides hurt
                        // enough: Zartman's mutually hurting stalemate.
                        Some(talks) => {
                            t >= e.start
                                && (talks.rounds.is_empty() || talks.rounds.contains(&t))
                                && self.last_loss.iter().all(|&l| l >= talks.ripeness)
                                && self.talks_rng.chance(self.streams, talks.agree_prob)
                        }
                    };
                    if begins {
                        self.begin_truce(k, t, *duration, talks.is_some());
                    }
                }
            }
        }
    }

    /// Truce `k` begins in round `t`: its levers are capped (and lowered to
    /// the cap). A negotiated truce also restores the scenario's floors of its
    /// levers: the new deal replaces any snap-back status quo.
    fn begin_truce(&mut self, k: usize, t: u32, duration: u32, negotiated: bool) {
        let EventKind::Suspension { measures, .. } = &self.sc.events[k].kind else { return };
        let state = &mut self.events[k];
        state.active = true;
        state.since = t;
        state.expiry = t.saturating_add(duration);
        state.violations = 0;
        state.collapse = false;
        for (m_idx, m) in measures.iter().enumerate() {
            let l = self.lo[m.side] + m.lever;
            self.events[k].pre[m_idx] = self.rung[l];
            if negotiated {
                self.floor[l] = self.floor0[l].min(self.floor[l]);
            }
            self.cap[l] = self.cap[l].min(m.level as u8);
            self.rung[l] = self.rung[l].min(m.level as u8);
        }
    }

    /// Truce `k` ends at the start of round `t` (lapsed or collapsed): every
    /// cap lifts and each lever rises to at least its snap-back rung, the new
    /// status quo.
    fn end_truce(&mut self, k: usize, t: u32, how: SpellEnd) {
        let EventKind::Suspension { measures, .. } = &self.sc.events[k].kind else { return };
        let state = &mut self.events[k];
        state.active = false;
        state.expiry = 0;
        state.collapse = false;
        self.trace.spells.push(Spell { event: k, start: state.since, end: t - 1, how });
        for (m_idx, m) in measures.iter().enumerate() {
            let l = self.lo[m.side] + m.lever;
            if self.disabled & 1 << l != 0 {
                continue;
            }
            let back = m.snap_back.map_or(self.events[k].pre[m_idx], |r| r as u8);
            self.cap[l] = self.top[l];
            // The measure is back in force: the new status quo.
            self.floor[l] = self.floor[l].max(back);
            self.force(l, self.rung[l].max(back));
        }
    }

    /// After round t's moves: each act perceived as violating a truce in force
    /// counts against its renewal and ends it with the truce's
    /// `violation_prob`. Acts of side i: a rise of a lever the truce caps, a
    /// forced rise (provocation) of any of its levers, and a concession the
    /// other side misread as an escalation.
    fn check_violations(&mut self, rose: &[u32; 2], played: &[Action; 2], perceived: &[Action; 2]) {
        let sc = self.sc;
        for (k, e) in sc.events.iter().enumerate() {
            let EventKind::Suspension { .. } = &e.kind else { continue };
            let violation_p = self.events[k].violation_p;
            if !self.events[k].active || self.events[k].collapse {
                continue;
            }
            for i in 0..2 {
                let acts = (rose[i] & self.events[k].levers[i] != 0) as u32
                    + (self.forced[i] != 0) as u32
                    + (played[i] == Action::C && perceived[1 - i] == Action::D) as u32;
                for _ in 0..acts {
                    self.events[k].violations += 1;
                    if self.violations_rng.chance(self.streams, violation_p) {
                        self.events[k].collapse = true;
                    }
                }
            }
        }
    }

    /// The leverage of one rung of lever `l` (global), going up (`up`) or
    /// down from its current rung: the pain and political pain it inflicts
    /// (after erosion) per unit of the user's own net cost less political
    /// gain. Ordered so that larger is better leverage: levers that pay for
    /// themselves (net cost ≤ 0) come first, by pressure plus gain.
    fn leverage(&self, l: usize, up: bool) -> (bool, f64) {
        let r = self.rung[l] as usize;
        let b = self.base[l];
        let dx = if up {
            self.intensity[b + r + 1] - self.intensity[b + r]
        } else {
            self.intensity[b + r] - self.intensity[b + r - 1]
        };
        let eta = self.floor_share[l] + (1.0 - self.floor_share[l]) * self.decay[l];
        let pressure = (self.pain[l] + self.political_pain[l]) * eta * dx;
        let cost = (self.cost[l] - self.political_gain[l]) * dx;
        if cost <= 0.0 { (true, pressure - cost) } else { (false, pressure / cost) }
    }

    /// Among own levers of side `i` whose bit is in `candidates`, the one with
    /// the best (`best`) or worst leverage for a move up or down (ties: the
    /// first in file order).
    fn by_leverage(&self, i: usize, mut candidates: u32, up: bool, best: bool) -> Option<usize> {
        let mut pick: Option<(usize, (bool, f64))> = None;
        while candidates != 0 {
            let l = self.lo[i] + candidates.trailing_zeros() as usize;
            candidates &= candidates - 1;
            let score = self.leverage(l, up);
            let better = match &pick {
                None => true,
                Some((_, s)) => {
                    // Scores within rounding error of each other are ties.
                    let ord = if score.0 != s.0 {
                        score.0.cmp(&s.0)
                    } else if (score.1 - s.1).abs() <= 1e-9 * score.1.abs().max(s.1.abs()) {
                        std::cmp::Ordering::Equal
                    } else {
                        score.1.partial_cmp(&s.1).unwrap_or(std::cmp::Ordering::Equal)
                    };
                    if best { ord.is_gt() } else { ord.is_lt() }
                }
            };
            if better {
                pick = Some((l, score));
            }
        }
        pick.map(|(l, _)| l)
    }

    /// Own levers of side `i` (bits) that can rise one rung.
    fn can_rise(&self, i: usize) -> u32 {
        (self.lo[i]..self.hi[i]).filter(|&l| self.rung[l] < self.cap[l]).fold(0, |m, l| m | 1 << (l - self.lo[i]))
    }

    /// `D`: raise `size` rungs, one per lever. Answering in kind
    /// (`LeverChoice::Answer`), each lever that answers what the other side
    /// raised last round rises (else those that answer the standing
    /// grievance, else the primary lever); a lever at its cap or top does not
    /// pass its escalation on to unrelated levers. Only when none of those can
    /// rise, or `size` asks for more rungs, do further levers rise, by best
    /// leverage. A leverage-seeking rule (`LeverChoice::Leverage`) raises its
    /// best-leverage levers directly, but never one that costs it more than
    /// it hurts the other side (leverage below 1). If nothing can rise, the
    /// side holds.
    fn escalate(&mut self, i: usize, size: u32, choice: LeverChoice) {
        let lo = self.lo[i];
        let mut open = self.can_rise(i);
        let mut budget = size;
        if choice == LeverChoice::Answer {
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
            let mut raised = 0;
            let mut t = targets & open;
            while t != 0 {
                let own = t.trailing_zeros() as usize;
                t &= t - 1;
                self.rung[lo + own] += 1;
                open &= !(1 << own);
                raised += 1;
            }
            budget = budget.saturating_sub(raised);
        }
        if choice == LeverChoice::Leverage {
            // A leverage-seeking side never raises a lever that costs it more
            // than it hurts the other side.
            let mut t = open;
            while t != 0 {
                let own = t.trailing_zeros() as usize;
                t &= t - 1;
                let (free, ratio) = self.leverage(lo + own, true);
                if !free && ratio < 1.0 {
                    open &= !(1 << own);
                }
            }
        }
        while budget > 0 {
            let Some(l) = self.by_leverage(i, open, true, true) else { break };
            self.rung[l] += 1;
            open &= !(1 << (l - lo));
            budget -= 1;
        }
    }

    /// `C`: lower by one rung each own lever (above its floor) that answers a
    /// lever the other side lowered last round; if that lowers nothing, step
    /// down the lever the other side demands (the one with the worst
    /// leverage, if several are above their demanded level), else the lever
    /// with the worst leverage. A lever forced up this round is left where it
    /// is. What is lowered here is the side's own concession (`lowered`).
    fn concede(&mut self, i: usize) {
        let (lo, hi) = (self.lo[i], self.hi[i]);
        let movable = |g: &Self, l: usize| g.rung[l] > g.floor[l] && g.forced[i] & (1 << (l - lo)) == 0;
        let mut targets = 0u32;
        let mut fl = self.fell_last[i];
        while fl != 0 {
            targets |= self.responses[i][fl.trailing_zeros() as usize];
            fl &= fl - 1;
        }
        while targets != 0 {
            let l = lo + targets.trailing_zeros() as usize;
            targets &= targets - 1;
            if movable(self, l) {
                self.rung[l] -= 1;
                self.lowered[i] |= 1 << (l - lo);
            }
        }
        if self.lowered[i] != 0 {
            return;
        }
        let mut all = 0u32;
        for l in lo..hi {
            if movable(self, l) {
                all |= 1 << (l - lo);
            }
        }
        // What the other side demands and does not have yet.
        let j = 1 - i;
        let mut asked = 0u32;
        for &(l, level) in &self.demands[j] {
            if self.rung[l] > level {
                asked |= 1 << (l - lo);
            }
        }
        let pool = if all & asked != 0 { all & asked } else { all };
        if let Some(l) = self.by_leverage(i, pool, false, false) {
            self.rung[l] -= 1;
            self.lowered[i] |= 1 << (l - lo);
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

    /// Welfare and payoff of round t (after `record(t)`, which computed the
    /// indices), added to the run's discounted totals; returns each side's
    /// (undiscounted) payoff of the round:
    /// w_i = b_i − Σ_{l∈j} pain_l·I_l·η_l − Σ_{l∈i} netcost_l·I_l − m_i·E_i·E_j,
    /// u_i = w_i − Σ_{l∈j} politicalpain_l·I_l·η_l + Σ_{l∈i} politicalgain_l·I_l,
    /// with η_l = φ_l + (1 − φ_l)(1 − ρ_l)^age_l.
    fn payoffs(&mut self, t: u32) -> [f64; 2] {
        let row = t as usize;
        let index = [self.trace.index[row * 2], self.trace.index[row * 2 + 1]];
        let mut pain_from = [0.0; 2]; // pain side i inflicts
        let mut cost_of = [0.0; 2];
        let mut political = [0.0; 2]; // political loss side i inflicts, net of its own gains
        for i in 0..2 {
            for l in self.lo[i]..self.hi[i] {
                let x = self.intensity[self.base[l] + self.rung[l] as usize];
                let eta = self.floor_share[l] + (1.0 - self.floor_share[l]) * self.decay[l];
                pain_from[i] += self.pain[l] * x * eta;
                cost_of[i] += self.cost[l] * x;
                political[i] += self.political_pain[l] * x * eta;
                political[1 - i] -= self.political_gain[l] * x;
                // Age advances after the round is scored.
                self.decay[l] = if self.rung[l] > 0 { self.decay[l] * self.keep[l] } else { 1.0 };
            }
        }
        let d = self.discounts[row - 1];
        let mut u = [0.0; 2];
        for i in 0..2 {
            let side = &self.sc.sides[i];
            let w = side.baseline_welfare
                - pain_from[1 - i]
                - cost_of[i]
                - side.mutual_escalation_cost * index[i] * index[1 - i];
            u[i] = w - political[1 - i];
            self.trace.welfare[i] += d * w;
            self.trace.utility[i] += d * u[i];
        }
        u
    }
}

impl Game<'_> {
    /// Each side's payoff in the current state, as `payoffs` would score it,
    /// without recording it or ageing erosion.
    fn state_payoffs(&self) -> [f64; 2] {
        let mut pain_from = [0.0; 2];
        let mut cost_of = [0.0; 2];
        let mut political = [0.0; 2];
        for i in 0..2 {
            for l in self.lo[i]..self.hi[i] {
                let x = self.intensity[self.base[l] + self.rung[l] as usize];
                let eta = self.floor_share[l] + (1.0 - self.floor_share[l]) * self.decay[l];
                pain_from[i] += self.pain[l] * x * eta;
                cost_of[i] += self.cost[l] * x;
                political[i] += self.political_pain[l] * x * eta;
                political[1 - i] -= self.political_gain[l] * x;
            }
        }
        [0, 1].map(|i| {
            let side = &self.sc.sides[i];
            side.baseline_welfare
                - pain_from[1 - i]
                - cost_of[i]
                - side.mutual_escalation_cost * self.index[i] * self.index[1 - i]
                - political[1 - i]
        })
    }
}

/// A round's payoff as a share of the side's payoff range, in [0, 1].
#[inline]
fn normalised(u: f64, (lo, hi): (f64, f64)) -> f64 {
    if hi > lo { ((u - lo) / (hi - lo)).clamp(0.0, 1.0) } else { 0.5 }
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

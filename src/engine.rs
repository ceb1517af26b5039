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
    // Bit k of EXCHANGE: k = the retaliation bits of this round (bits 0-1)
    // and the last (bits 2-3).
    const EXCHANGE: u16 = {
        let mut table = 0;
        let mut k = 0;
        while k < 16 {
            let (now, before) = ([k & 1 != 0, k & 2 != 0], [k & 4 != 0, k & 8 != 0]);
            if (now[0] && (now[1] || before[1])) || (now[1] && (now[0] || before[0])) {
                table |= 1 << k;
            }
            k += 1;
        }
        table
    };
    let k = ((flags / RETALIATED) & 3) | ((prev / RETALIATED) & 3) << 2;
    EXCHANGE >> k & 1 != 0
}

/// `mask` if `b`, else 0.
#[inline]
fn bit(b: bool, mask: u8) -> u8 {
    if b { mask } else { 0 }
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
    /// A run of the IPD structure (docs/model.md §7): the change log holds
    /// round 0 only, and rounds 1..=T are counted from `flags` (each side's
    /// rung after a round is its played action, the joint action the pair).
    /// Counting a round costs one increment, whatever moved.
    counted_by_rows: bool,
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
            counted_by_rows: false,
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
        [0, 1].map(|i| Action::from_d(f & (PLAYED_D << i) != 0))
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

    /// Over rounds `from..=to` (1 ≤ from ≤ to ≤ T): the sum of each side's
    /// escalation index (added in round order), the rounds holding an
    /// exchange, and whether each side's demand is met in every one of them.
    pub fn window(&self, from: u32, to: u32) -> ([f64; 2], u32, [bool; 2]) {
        let (from, to) = (from as usize, to as usize);
        let (mut sum, mut x, mut met) = ([0.0; 2], 0u32, DEMAND_MET | DEMAND_MET << 1);
        let index = &self.index[2 * from..2 * to + 2];
        // As `exchanged`: round 1 has no round before it.
        let mut prev = if from > 1 { self.flags[from - 1] } else { 0 };
        for (e, &f) in index.chunks_exact(2).zip(&self.flags[from..=to]) {
            sum[0] += e[0];
            sum[1] += e[1];
            x += is_exchange(f, prev) as u32;
            prev = f;
            met &= f;
        }
        (sum, x, [met & DEMAND_MET != 0, met & DEMAND_MET << 1 != 0])
    }

    /// Every change of a counted quantity, in order (round 0 only when
    /// `played_rows` is given).
    pub fn changes(&self) -> &[Change] {
        &self.changes[..self.n_changes]
    }

    /// For a run of the IPD structure: per round 1..=T, the played actions as
    /// bits (side 0's `D` in bit 0, side 1's in bit 1). Each side's rung after
    /// round t is its action and the joint action is the pair, so these rows
    /// replace the change log after round 0.
    pub fn played_rows(&self) -> Option<impl Iterator<Item = u8> + '_> {
        self.counted_by_rows.then(|| self.flags[1..].iter().map(|f| f & (PLAYED_D | PLAYED_D << 1)))
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
    /// For that loop, each side's decision by posture state
    /// (`posture_state`): `C`, `D` or `DRAW` (ask the strategy, which draws).
    /// All `DRAW` for a strategy that reads payoffs or remembers more than
    /// one round (`full_view`): its view and state are then kept round by round.
    postures: [[u8; 9]; 2],
    full_view: [bool; 2],
    /// `play_pairs`' tables for these postures: the pair intended after
    /// each pair (or the start) and the flags of each pair after each.
    pair_tables: Option<([usize; 5], [[u8; 4]; 5])>,
}

/// A `postures` entry: the strategy decides by a draw from its stream.
const DRAW: u8 = 2;

/// Index of a side's posture state: its own last played action and the other
/// side's last perceived one, each none (round 1), `C` or `D`.
fn posture_state(mine: Option<Action>, theirs: Option<Action>) -> usize {
    let code = |a: Option<Action>| a.map_or(0, |a| 1 + a.is_d() as usize);
    code(mine) * 3 + code(theirs)
}

/// A strategy's decision in each posture state (`Game::postures`), if it
/// decides from postures only and remembers one round at most (its
/// `Traits`); `None` otherwise. An entry is `DRAW` when `decide` would draw
/// from the strategy stream there (a trial whose probability is strictly
/// between 0 and 1, as `LazyRng::chance` draws), else the action `decide`
/// returns: so the table skips exactly the draws the strategy skips (a
/// `p_escalate` of 1 can round a tiny concession probability away, and would
/// drop a draw).
fn posture_table(s: &Strategy) -> Option<[u8; 9]> {
    let tr = s.traits();
    if tr.reads_payoffs || tr.memory_depth.is_none_or(|m| m > 1) {
        return None;
    }
    let acts = [None, Some(Action::C), Some(Action::D)];
    Some(std::array::from_fn(|k| {
        let (mine, theirs) = (acts[k / 3], acts[k % 3]);
        let v = View {
            round: if mine.is_some() { 2 } else { 1 },
            my_last: mine,
            their_last: theirs,
            their_defections: (theirs == Some(Action::D)) as u32,
            ..View::first()
        };
        let mut draws = false;
        let a = s.decide(&v, &mut |p| {
            draws |= p > 0.0 && p < 1.0;
            p >= 1.0
        });
        if draws { DRAW } else { a as u8 }
    }))
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
            postures: [[DRAW; 9]; 2],
            full_view: [true; 2],
            pair_tables: None,
        };
        game.set_postures();
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

    /// The IPD loop's decision tables for this run's strategies.
    fn set_postures(&mut self) {
        self.pair_tables = None;
        for i in 0..2 {
            let table = posture_table(&self.strategies[i]);
            self.full_view[i] = table.is_none();
            self.postures[i] = table.unwrap_or([DRAW; 9]);
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
        let intensity = [0, 1].map(|l| [self.intensity[self.base[l]], self.intensity[self.base[l] + 1]]);
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
        // Per side: index after each rung, and whether its demand is met
        // with the other side's lever on each rung (all rungs without a demand).
        let index_at = [0, 1].map(|i| weighted[i].map(|w| (0.0 + w) / self.weight_total[i]));
        let met = [0, 1].map(|i| [0, 1].map(|r| r <= demand[i]));
        let postures = self.postures;
        let full = self.full_view;
        // Sides whose posture history (`View::observe`) a decision may read.
        let track = [0, 1].map(|i| full[i] || postures[i].contains(&DRAW));
        if !track[0] && !track[1] && self.misperception.iter().all(|c| c.p() <= 0.0) {
            return self.play_pairs(payoff_ipd, fixed, index_at, met);
        }
        let mut state = [0, 1].map(|i| posture_state(self.views[i].my_last, self.views[i].their_last));
        let mut lowered_last = [false; 2];
        let tr = &mut self.trace;
        let mut prev_flags = tr.flags[0];
        for t in 1..=sc.rounds {
            let row = t as usize;
            // Decisions (from the table, or the strategy when it draws or
            // reads payoffs), then implementation noise: the played action.
            let mut played = [false; 2];
            for (i, p) in played.iter_mut().enumerate() {
                let d = match postures[i][state[i]] {
                    DRAW => {
                        let rng = &mut self.strategy_rng[i];
                        self.strategies[i].decide(&self.views[i], &mut |p| rng.chance(streams, p)).is_d()
                    }
                    a => a == Action::D as u8,
                };
                *p = d ^ self.noise[i].tick(streams);
            }
            // A `C` may be misread as `D` (a `D` is never misread).
            let perceived = [0, 1].map(|i| played[1 - i] || self.misperception[i].tick(streams));
            let mut flags = 0u8;
            let mut lowered = [false; 2];
            let mut rise = [0u32; 2];
            for i in 0..2 {
                let j = 1 - i;
                // Retaliation: D right after perceiving D (their last, in the state).
                let retaliated = played[i] && state[i] % 3 == 2;
                let f = bit(played[i], PLAYED_D)
                    | bit(retaliated, RETALIATED)
                    | bit(perceived[i], PERCEIVED_D)
                    | bit(met[i][played[j] as usize], DEMAND_MET);
                flags |= f << i;
                lowered[i] = rung[i] > played[i] as u8;
                rise[i] = (played[i] as u8 > rung[i]) as u32;
            }
            tr.flags[row] = flags;
            tr.exchanges += is_exchange(flags, prev_flags) as u32;
            prev_flags = flags;
            if tr.first_yield.is_none() {
                for i in 0..2 {
                    let j = 1 - i;
                    // Under pressure: the other side's lever is up (above its floor, 0).
                    if lowered[i] && self.demanded[i] != 0 && played[j] && !lowered[j] && !lowered_last[j] {
                        tr.first_yield = Some((i, t));
                        tr.first_yield_lever = 0;
                    }
                }
            }
            lowered_last = lowered;

            // The state after the round (rows; the Monte Carlo counts them
            // from `flags`, see `GameTrace::played_rows`).
            for i in 0..2 {
                let to = played[i] as u8;
                if to != rung[i] {
                    rung[i] = to;
                    index[i] = index_at[i][to as usize];
                    tr.peak[i] = tr.peak[i].max(index[i]);
                }
                tr.rungs[row * 2 + i] = to;
                tr.index[row * 2 + i] = index[i];
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

            // Views and strategies learn the round: the posture state always,
            // the view for decisions that read it, what the round paid for
            // strategies that read payoffs.
            for i in 0..2 {
                let (mine, theirs) = (played[i], perceived[i]);
                state[i] = (1 + mine as usize) * 3 + 1 + theirs as usize;
                if track[i] {
                    let view = &mut self.views[i];
                    view.observe(Action::from_d(mine), Action::from_d(theirs));
                    if full[i] {
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
        }
    }

    /// `play_ipd` when both strategies decide by their tables alone and
    /// neither side misperceives: each side's view is then the pair of
    /// actions played last round, so the round is a function of that pair
    /// and the noise. Decisions, flags and payoffs are looked up by pair;
    /// the noise clocks are asked for the round of their next flip instead
    /// of ticking every round (the same draws: `Clock::failures`). The
    /// same trace as `play_ipd` and the general path (tests below).
    fn play_pairs(
        &mut self,
        payoff_ipd: impl Fn([u8; 2], &mut [f64; 2], &[f64; 2]) -> [[f64; 2]; 2],
        fixed: Option<[[[f64; 2]; 2]; 4]>,
        index_at: [[f64; 2]; 2],
        met: [[bool; 2]; 2],
    ) {
        const START: usize = 4;
        let streams = self.streams;
        // A pair is two bits: side 0's D in bit 0, side 1's in bit 1 (as
        // `flags`); `START` stands for the views before round 1.
        let d_of = |pair: usize, i: usize| pair >> i & 1 == 1;
        let state = |pair: usize, i: usize| {
            if pair == START {
                posture_state(self.views[i].my_last, self.views[i].their_last)
            } else {
                posture_state(Some(Action::from_d(d_of(pair, i))), Some(Action::from_d(d_of(pair, 1 - i))))
            }
        };
        // The pair both sides intend after each pair, and the flags of each
        // pair played after each pair. They depend on the strategies (and
        // the scenario) only: computed once, and again when a run draws
        // other strategy parameters (`set_postures`).
        let (intend, flags_of) = *self.pair_tables.get_or_insert_with(|| {
            let intend: [usize; 5] = std::array::from_fn(|prev| {
                (0..2).map(|i| ((self.postures[i][state(prev, i)] == Action::D as u8) as usize) << i).sum()
            });
            let flags_of: [[u8; 4]; 5] = std::array::from_fn(|prev| {
                std::array::from_fn(|pair| {
                    (0..2)
                        .map(|i| {
                            let (mine, theirs) = (d_of(pair, i), d_of(pair, 1 - i));
                            // Their last perceived action is in the state (index % 3: 2 for D).
                            let retaliated = mine && state(prev, i) % 3 == 2;
                            let f = bit(mine, PLAYED_D)
                                | bit(retaliated, RETALIATED)
                                | bit(theirs, PERCEIVED_D)
                                | bit(met[i][theirs as usize], DEMAND_MET);
                            f << i
                        })
                        .fold(0, |a, f| a | f)
                })
            });
            (intend, flags_of)
        });
        // Payoffs without erosion, by pair.
        let fixed = fixed.map(|table| std::array::from_fn::<_, 4, _>(|pair| table[(pair & 1) << 1 | pair >> 1]));
        // Each pair's rungs and indices (side i's rung is its bit).
        let rungs_of: [[u8; 2]; 4] = std::array::from_fn(|pair| [(pair & 1) as u8, (pair >> 1) as u8]);
        let index_of: [[f64; 2]; 4] =
            std::array::from_fn(|pair| [0, 1].map(|i| index_at[i][rungs_of[pair][i] as usize]));
        let rounds = self.sc.rounds as u64;
        // The round of each side's next noise flip (after the last: never).
        let mut flip = [0, 1].map(|i| self.noise[i].failures(streams).saturating_add(1));
        let mut rung = [self.rung[0], self.rung[1]];
        let mut decay = [self.decay[0], self.decay[1]];
        // Pairs played (bit per pair), for the peaks.
        let mut visited = 0u8;
        let mut lowered_last = [false; 2];
        let mut prev = START;
        let tr = &mut self.trace;
        let mut prev_flags = tr.flags[0];
        // Totals in locals (registers), stored once after the last round.
        let (mut welfare, mut utility, mut exchanges, mut first_yield) =
            (tr.welfare, tr.utility, tr.exchanges, tr.first_yield);
        let n = rounds as usize;
        let (rungs, index, flags_row) =
            (&mut tr.rungs[2..2 + 2 * n], &mut tr.index[2..2 + 2 * n], &mut tr.flags[1..=n]);
        let discounts = &self.discounts[..n];
        for k in 0..n {
            let t = k as u64 + 1;
            let mut pair = intend[prev];
            for (i, f) in flip.iter_mut().enumerate() {
                if t == *f {
                    pair ^= 1 << i;
                    *f = t.saturating_add(1).saturating_add(self.noise[i].failures(streams));
                }
            }
            let flags = flags_of[prev][pair];
            flags_row[k] = flags;
            exchanges += is_exchange(flags, prev_flags) as u32;
            prev_flags = flags;
            let to = rungs_of[pair];
            if first_yield.is_none() {
                let lowered = [rung[0] > to[0], rung[1] > to[1]];
                for i in 0..2 {
                    let j = 1 - i;
                    // Under pressure: the other side's lever is up (above its floor, 0).
                    if lowered[i] && self.demanded[i] != 0 && to[j] == 1 && !lowered[j] && !lowered_last[j] {
                        first_yield = Some((i, t as u32));
                    }
                }
                lowered_last = lowered;
            }
            rung = to;
            visited |= 1 << pair;
            rungs[2 * k..2 * k + 2].copy_from_slice(&to);
            index[2 * k..2 * k + 2].copy_from_slice(&index_of[pair]);
            let [w, u] = match &fixed {
                Some(table) => table[pair],
                None => payoff_ipd(rung, &mut decay, &index_of[pair]),
            };
            let d = discounts[k];
            welfare[0] += d * w[0];
            welfare[1] += d * w[1];
            utility[0] += d * u[0];
            utility[1] += d * u[1];
            prev = pair;
        }
        (tr.welfare, tr.utility, tr.exchanges) = (welfare, utility, exchanges);
        if first_yield.is_some() {
            (tr.first_yield, tr.first_yield_lever) = (first_yield, 0);
        }
        for (pair, index) in index_of.iter().enumerate() {
            if visited & 1 << pair != 0 {
                tr.peak = [tr.peak[0].max(index[0]), tr.peak[1].max(index[1])];
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
        let mut redrawn = false;
        for i in 0..2 {
            let side = &sc.sides[i];
            self.strategies[i] = if side.strategy_params.iter().any(Param::is_random) {
                let mut values = [0.0; 8];
                for (v, p) in values.iter_mut().zip(&side.strategy_params) {
                    *v = draw(p, &mut self.params_rng);
                }
                redrawn = true;
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
        if redrawn && self.ipd {
            self.set_postures();
        }
        self.trace.spells.clear();
        let tr = &mut self.trace;
        tr.welfare = [0.0; 2];
        tr.utility = [0.0; 2];
        tr.first_yield = None;
        tr.peak = [0.0; 2];
        tr.exchanges = 0;
        tr.n_changes = 0;
        tr.counted_by_rows = self.ipd;
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
            played[i] = Action::from_d(chosen[i].is_d() || rose[i] != 0);
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
        // With a lever starting up, side a also enters round 1 answering an
        // escalation (`last_move`).
        let side = |name: &str, strategy: &str| {
            let last = if start == 1 && name == "a" { "last_move = \"escalate\"\n" } else { "" };
            format!(
                "[[sides]]\nname = \"{name}\"\nstrategy = {strategy}\n{last}noise = {noise}\nmisperception = {mis}\n\
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

    /// The IPD loop's trace against the general path's: every row, every
    /// total; the change log of round 0 (the IPD loop counts later rounds
    /// from its rows, which `ipd_path_counts_like_general_path` checks).
    fn same_trace(a: &GameTrace, b: &GameTrace) {
        assert_eq!(a.rungs, b.rungs);
        assert_eq!(a.index, b.index);
        assert_eq!(a.flags, b.flags);
        let round0 = |t: &GameTrace| t.changes().iter().filter(|c| c.round == 0).copied().collect::<Vec<_>>();
        assert_eq!(round0(a), round0(b));
        assert!(a.counted_by_rows && !b.counted_by_rows);
        assert_eq!(a.welfare, b.welfare);
        assert_eq!(a.utility, b.utility);
        assert_eq!(a.peak, b.peak);
        assert_eq!(a.exchanges, b.exchanges);
        assert_eq!(a.first_yield, b.first_yield);
        for tr in [a, b] {
            for from in [1, tr.rounds / 2 + 1, tr.rounds] {
                // `window` against the per-round accessors.
                let (mut sum, mut x, mut met) = ([0.0; 2], 0, [true; 2]);
                for t in from..=tr.rounds {
                    sum = [sum[0] + tr.index(t, 0), sum[1] + tr.index(t, 1)];
                    x += tr.exchanged(t) as u32;
                    met = [met[0] && tr.demand_met(t, 0), met[1] && tr.demand_met(t, 1)];
                }
                assert_eq!(tr.window(from, tr.rounds), (sum, x, met));
            }
        }
    }

    /// Every strategy kind (with its defaults, or the parameters given).
    fn every_kind() -> Vec<String> {
        crate::strategy::Kind::ALL
            .iter()
            .map(|k| match k.name() {
                "memory_one" => {
                    r#"{ kind = "memory_one", p_cc = 0.9, p_cd = 0.1, p_dc = 0.6, p_dd = 0.2, initial = 0.5 }"#
                        .to_string()
                }
                "random" => r#"{ kind = "random", p_escalate = 0.3 }"#.to_string(),
                "generous_tit_for_tat" => r#"{ kind = "generous_tit_for_tat", generosity = 0.3 }"#.to_string(),
                "resolve" => r#"{ kind = "resolve", resolve = 20.0 }"#.to_string(),
                "resolute_tit_for_tat" => {
                    r#"{ kind = "resolute_tit_for_tat", generosity = 0.2, resolve = 30.0 }"#.to_string()
                }
                name => format!(r#"{{ kind = "{name}" }}"#),
            })
            .collect()
    }

    #[test]
    fn exchange_table_is_the_rule() {
        for flags in 0..=255u8 {
            for prev in 0..=255u8 {
                let now = |f: u8, side: u8| f & (RETALIATED << side) != 0;
                let rule = (now(flags, 0) && (now(flags, 1) || now(prev, 1)))
                    || (now(flags, 1) && (now(flags, 0) || now(prev, 0)));
                assert_eq!(is_exchange(flags, prev), rule, "{flags:08b} after {prev:08b}");
            }
        }
    }

    #[test]
    fn ipd_path_matches_general_path() {
        let strategies = every_kind();
        let mut cases = 0;
        for (k, a) in strategies.iter().enumerate() {
            let b = &strategies[(k * 3 + 1) % strategies.len()];
            for (noise, mis, start, erosion, discount) in [
                (0.05, 0.0, 0, "", 1.0),
                (0.1, 0.2, 1, "erosion = 0.1\nerosion_floor = 0.3", 0.97),
                (0.2, 0.0, 1, "erosion = 0.2", 0.9),
            ] {
                let sc = ipd_scenario([a, b], noise, mis, start, erosion, discount);
                assert_eq!(sc.sides[0].last_move, (start == 1).then_some(Action::D));
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
        assert_eq!(cases, strategies.len() * 3 * 40);
    }

    /// A concession probability too small to move `p_escalate` off 1 still
    /// costs `decide` a draw: the tables must draw there too, or every later
    /// draw of the stream shifts.
    #[test]
    fn tiny_probabilities_still_draw_in_the_ipd_loops() {
        let m1 = r#"{ kind = "memory_one", p_cc = 1e-20, p_cd = 0.5, p_dc = 0.5, p_dd = 0.5, initial = 0.5 }"#;
        let gtft = r#"{ kind = "generous_tit_for_tat", generosity = 1e-20 }"#;
        for b in [m1, gtft, r#"{ kind = "tit_for_tat" }"#] {
            let sc = ipd_scenario([m1, b], 0.05, 0.0, 0, "", 1.0);
            let streams = Streams::new(sc.seed);
            let (mut fast, mut general) = (Game::new(&sc, &streams), Game::new(&sc, &streams));
            general.force_general_path();
            for run in 0..40 {
                same_trace(fast.play(run), general.play(run));
            }
        }
    }

    /// The Monte Carlo's counts (rungs, indices, joint actions per round)
    /// from the IPD loop's rows equal those from the general path's change log.
    #[test]
    fn ipd_path_counts_like_general_path() {
        use crate::montecarlo::Batch;
        use crate::outcome::classify;
        let strategies = every_kind();
        for (k, a) in strategies.iter().enumerate() {
            let b = &strategies[(k * 5 + 2) % strategies.len()];
            // Odd k: with misperception (`play_ipd`'s own loop); even k without (`play_pairs`).
            let sc = ipd_scenario([a, b], 0.1, (k % 2) as f64 * 0.1, (k / 2 % 2) as u8, "", 1.0);
            let streams = Streams::new(sc.seed);
            let mut batches = [false, true].map(|general| {
                let mut game = Game::new(&sc, &streams);
                if general {
                    game.force_general_path();
                }
                let mut batch = Batch::empty(&sc, sc.seed);
                for run in 0..50 {
                    let tr = game.play(run);
                    batch.add(tr, &classify(tr, &sc.outcomes), 1 + run % 3);
                }
                batch
            });
            batches.iter_mut().for_each(Batch::integrate);
            for t in 0..=sc.rounds {
                for i in 0..2 {
                    let (x, y) = (&batches[0], &batches[1]);
                    assert_eq!(x.lever_counts(t, i, 0), y.lever_counts(t, i, 0), "{a} vs {b}: round {t} side {i}");
                    assert_eq!(x.index_counts(t, i), y.index_counts(t, i), "{a} vs {b}: round {t} side {i}");
                }
                assert_eq!(batches[0].joint_actions(t), batches[1].joint_actions(t), "{a} vs {b}: round {t}");
            }
            assert!(batches[0] == batches[1], "{a} vs {b}");
        }
    }
}

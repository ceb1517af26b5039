/*!
Scenarios: the validated description of a standoff.

`load(path)` reads a TOML file into a `RawScenario` (syntax and types) and
`validate` turns it into a `Scenario` (ranges, references, ladders). A
`Scenario` is valid by construction: the engine never re-checks it and never
fails on it. The file format is documented field by field in
`docs/scenarios.md`.
*/

pub mod edit;
pub mod notes;
pub(crate) mod raw;
pub mod schema;
pub mod starter;
mod validate;

use std::path::Path;
use std::sync::Arc;

use crate::error::ScenarioError;
use crate::stats;
use crate::strategy::Strategy;

pub use validate::{INDEX_BINS, MAX_LEVERS, MAX_ROUNDS, MAX_RUNGS, MAX_RUNS};
pub(crate) use validate::{edit_distance, nearest, strategy_for_side, toml_error};

/// Defaults, documented in docs/scenarios.md.
pub const DEFAULT_RUNS: u64 = 10_000;
pub const DEFAULT_SEED: u64 = 2025;
pub const DEFAULT_LOW: f64 = 0.2;
pub const DEFAULT_HIGH: f64 = 0.5;
pub const DEFAULT_RISE: f64 = 0.1;
/// Largest scenario or sweep file read (a scenario is a few kilobytes).
pub const MAX_FILE_BYTES: u64 = crate::input::MAX_TEXT_BYTES;

#[derive(Clone, Debug)]
pub struct Scenario {
    /// File stem, used for the default output folder.
    pub id: String,
    pub name: String,
    pub description: String,
    pub rounds: u32,
    pub runs: u64,
    pub seed: u64,
    /// Per-round discount factor δ in (0, 1].
    pub discount: f64,
    /// "month", "round", ... (labels only).
    pub round_unit: String,
    /// Unit of welfare, pain and cost per round ("$bn"; labels only).
    pub welfare_unit: String,
    /// Label of round 1 (e.g. "Nov 2025"), for charts.
    pub first_round: Option<String>,
    /// Runs that share one draw of the uncertain parameters: run k draws
    /// them from stream k / runs_per_draw (nested sampling; 1: every run
    /// draws its own). Groups of runs give the spread due to parameter
    /// uncertainty apart from the Monte Carlo error (docs/model.md §8c).
    pub runs_per_draw: u64,
    pub sides: Vec<Side>,
    pub events: Vec<Event>,
    pub outcomes: OutcomeRules,
}

#[derive(Clone, Debug)]
pub struct Side {
    pub name: String,
    pub label: String,
    /// The strategy at its nominal parameter values.
    pub strategy: Strategy,
    /// The strategy's parameters as given (numbers or distributions drawn
    /// once per run), in registry order.
    pub strategy_params: Vec<Param>,
    /// What the side wants of the other (never empty: by default every lever
    /// of the other side back at its floor).
    pub demands: Vec<Demand>,
    /// Whether `demands` were written in the file.
    pub demands_given: bool,
    /// The other side's last move before round 1, as this side remembers it.
    pub last_move: Option<crate::strategy::Action>,
    /// Probability ε that an intended action is replaced by its opposite
    /// (a number, or a distribution drawn once per parameter draw).
    pub noise: Param,
    /// Probability μ that this side reads the other's concession as an escalation.
    pub misperception: Param,
    pub baseline_welfare: f64,
    /// m: extra welfare loss per round of E_self · E_other.
    pub mutual_escalation_cost: f64,
    pub levers: Vec<Lever>,
    pub provocations: Vec<Provocation>,
    /// Lever escalated when there is nothing specific to answer.
    pub primary: usize,
    /// `responses[l]`: own levers that answer the other side's lever `l`.
    pub responses: Vec<Vec<usize>>,
    /// Sum of lever weights (for the escalation index).
    pub weight_total: f64,
    /// Smallest and largest payoff the side can get in one round (utility,
    /// over every lever state and parameter draw): learners normalise by it.
    pub payoff_range: (f64, f64),
}

/// A demand: the other side's lever `lever` at rung `level` or below (less
/// escalated).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Demand {
    pub lever: usize,
    pub level: usize,
}

#[derive(Clone, Debug)]
pub struct Lever {
    pub name: String,
    pub label: String,
    pub unit: String,
    /// Rung values in the lever's units, from least to most escalated.
    pub ladder: Vec<f64>,
    /// Normalised intensity of each rung: |v_r − v_0| / |v_K − v_0|, in [0, 1].
    pub intensity: Vec<f64>,
    pub start: usize,
    pub floor: usize,
    /// Welfare loss per round inflicted on the other side at full intensity.
    pub pain: Param,
    /// Welfare loss per round to the user at full intensity (negative: a gain).
    pub cost: Param,
    /// Fraction of the pain lost to substitution per round the lever stays up.
    pub erosion: Param,
    /// Share of the pain that substitution can never remove.
    pub erosion_floor: Param,
    /// Tariff revenue (or a fee's) collected per round at full intensity: a
    /// transfer back from the user's own buyers, offsetting `cost`.
    pub revenue: Param,
    /// Terms-of-trade gain to the user per round at full intensity.
    pub terms_of_trade: Param,
    /// Domestic political gain to the user per round at full intensity
    /// (looking tough, a protected constituency): utility, not welfare.
    pub political_gain: Param,
    /// Extra political loss to the target per round at full intensity, on
    /// top of the economic pain (a hurt constituency such as farmers):
    /// utility, not welfare. Eroded like the pain.
    pub political_pain: Param,
    pub weight: f64,
}

impl Lever {
    pub fn top(&self) -> usize {
        self.ladder.len() - 1
    }

    /// Every parameter drawn per run, in draw order (docs/model.md §8).
    pub fn params(&self) -> [&Param; 8] {
        [
            &self.pain,
            &self.cost,
            &self.erosion,
            &self.erosion_floor,
            &self.revenue,
            &self.terms_of_trade,
            &self.political_gain,
            &self.political_pain,
        ]
    }

    /// Net economic cost to the user per round at full intensity, at nominal
    /// values: cost − revenue − terms-of-trade gain.
    pub fn net_cost(&self) -> f64 {
        self.cost.nominal() - self.revenue.nominal() - self.terms_of_trade.nominal()
    }
}

/// A numeric lever parameter, possibly uncertain: drawn once per run.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Param {
    Fixed(f64),
    Uniform {
        lo: f64,
        hi: f64,
    },
    /// Normal(mean, sd) truncated to [lo, hi], drawn by inverse CDF.
    Normal {
        mean: f64,
        sd: f64,
        lo: f64,
        hi: f64,
    },
    /// Beta(a, b) on [0, 1], drawn by inverse CDF: the posterior of a
    /// probability after a − 1 successes and b − 1 failures under a uniform
    /// prior.
    Beta {
        a: f64,
        b: f64,
    },
    /// Exponential with the given mean, drawn by inverse CDF.
    Exponential {
        mean: f64,
    },
}

/// The largest value an exponential draw can take, in means: −ln(2^−53).
const EXP_MAX_MEANS: f64 = 36.737;

impl Param {
    /// The value used for the stage game and tables: the value, the midpoint
    /// or the (untruncated) mean.
    pub fn nominal(&self) -> f64 {
        match *self {
            Param::Fixed(v) => v,
            Param::Uniform { lo, hi } => 0.5 * (lo + hi),
            Param::Normal { mean, lo, hi, .. } => mean.clamp(lo, hi),
            Param::Beta { a, b } => a / (a + b),
            Param::Exponential { mean } => mean,
        }
    }

    pub fn is_random(&self) -> bool {
        match *self {
            Param::Fixed(_) => false,
            Param::Uniform { lo, hi } => lo != hi,
            Param::Normal { sd, lo, hi, .. } => sd > 0.0 && lo < hi,
            Param::Beta { .. } => true,
            Param::Exponential { mean } => mean > 0.0,
        }
    }

    /// Smallest and largest value a draw can take.
    pub fn bounds(&self) -> (f64, f64) {
        match *self {
            Param::Fixed(v) => (v, v),
            Param::Uniform { lo, hi } | Param::Normal { lo, hi, .. } => (lo, hi),
            Param::Beta { .. } => (0.0, 1.0),
            Param::Exponential { mean } => (0.0, EXP_MAX_MEANS * mean),
        }
    }

    /// The value for a uniform draw `u` in [0, 1): one draw per parameter, so
    /// the number of draws never depends on the values.
    pub fn sample(&self, u: f64) -> f64 {
        match *self {
            Param::Fixed(v) => v,
            Param::Uniform { lo, hi } => lo + u * (hi - lo),
            Param::Normal { mean, sd, lo, hi } => {
                if sd <= 0.0 {
                    return mean.clamp(lo, hi);
                }
                let a = stats::normal_cdf((lo - mean) / sd);
                let b = stats::normal_cdf((hi - mean) / sd);
                let p = a + u * (b - a);
                (mean + sd * stats::normal_inv_cdf(p)).clamp(lo, hi)
            }
            Param::Beta { a, b } => stats::beta_inv_cdf(u, a, b),
            // 1 − u is in (0, 1]: its logarithm is finite.
            Param::Exponential { mean } => -mean * (1.0 - u).ln(),
        }
    }

    /// The distribution in words, for tables and reports.
    pub fn describe(&self) -> String {
        let n = |x: f64| crate::fmt::num(x, 4);
        match *self {
            Param::Fixed(v) => n(v),
            Param::Uniform { lo, hi } => format!("uniform [{}, {}]", n(lo), n(hi)),
            Param::Normal { mean, sd, lo, hi } => format!("normal({}, {}) in [{}, {}]", n(mean), n(sd), n(lo), n(hi)),
            Param::Beta { a, b } => format!("beta({}, {})", n(a), n(b)),
            Param::Exponential { mean } => format!("exponential (mean {})", n(mean)),
        }
    }
}

#[derive(Clone, Debug)]
pub struct Provocation {
    pub lever: usize,
    pub prob: Param,
    pub label: String,
}

#[derive(Clone, Debug)]
pub struct Event {
    pub label: String,
    /// Round (1-based) at whose start the event applies.
    pub start: u32,
    pub kind: EventKind,
}

#[derive(Clone, Debug)]
pub enum EventKind {
    /// A truce: levers capped at a rung for `duration` rounds; at expiry it is
    /// renewed with probability `renew_prob`·(1 − `renew_penalty`)^violations,
    /// else the measures snap back. An act perceived as violating it ends it
    /// early with probability `violation_prob`. Scheduled at `start`, or, with
    /// `talks`, negotiated from `start` on when the standoff is ripe.
    Suspension {
        duration: u32,
        renew_prob: Param,
        measures: Vec<Measure>,
        violation_prob: Param,
        renew_penalty: f64,
        talks: Option<Talks>,
    },
    /// A lever set to a rung at the start of a round.
    Scheduled { side: usize, lever: usize, to: usize },
    /// A deliberate breach: a lever raised one rung at the start of a round,
    /// above any truce cap (perceived as a violation of the truces in force).
    Violation { side: usize, lever: usize },
}

/// When a negotiated truce can begin (docs/model.md §6).
#[derive(Clone, Debug, PartialEq)]
pub struct Talks {
    /// Each side's loss in the last round (b − u) must be at least this:
    /// the mutually hurting stalemate (Zartman).
    pub ripeness: f64,
    /// The chance that talks held in a ripe round conclude the truce.
    pub agree_prob: f64,
    /// The rounds talks are held in (summits); empty: every round.
    pub rounds: Vec<u32>,
}

#[derive(Clone, Debug)]
pub struct Measure {
    pub side: usize,
    pub lever: usize,
    /// Rung the lever is capped at while suspended.
    pub level: usize,
    /// Rung the lever returns to (at least) when the suspension lapses;
    /// `None`: the rung it had when the suspension began.
    pub snap_back: Option<usize>,
}

/// Thresholds that classify a run from its final window (docs/model.md §6).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct OutcomeRules {
    pub window: u32,
    pub low: f64,
    pub high: f64,
    pub exchanges: u32,
    /// A vicious cycle by exchanges needs each side's window mean index at
    /// least this far above its starting index.
    pub rise: f64,
}

/// The 2×2 stage game a side faces when every lever is at its floor (C) or at
/// its top rung (D), with nominal parameters and no erosion, in the side's
/// payoff (utility: net welfare plus political terms, docs/model.md §5).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct StageGame {
    /// Both concede (reward).
    pub r: f64,
    /// The side concedes, the other escalates (sucker).
    pub s: f64,
    /// The side escalates, the other concedes (temptation).
    pub t: f64,
    /// Both escalate (punishment).
    pub p: f64,
}

/// The ordinal type of a side's stage game (docs/model.md §5b).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GameKind {
    /// T > R > P > S: escalating dominates, mutual escalation is worse than mutual restraint.
    PrisonersDilemma,
    /// T > R > S > P: escalate against a conceder, concede against an escalator.
    Chicken,
    /// R > T and P > S: restraint pays if the other restrains (assurance).
    StagHunt,
    /// T > P > R > S: escalating dominates and mutual escalation beats mutual restraint.
    Deadlock,
    /// R ≥ T and S ≥ P: escalating never pays in the stage game.
    Harmony,
    /// Any other ordering.
    Other,
}

impl GameKind {
    pub fn name(self) -> &'static str {
        match self {
            GameKind::PrisonersDilemma => "a prisoner's dilemma",
            GameKind::Chicken => "chicken",
            GameKind::StagHunt => "a stag hunt",
            GameKind::Deadlock => "deadlock",
            GameKind::Harmony => "harmony (escalating never pays)",
            GameKind::Other => "an unnamed ordering",
        }
    }
}

impl StageGame {
    pub fn is_prisoners_dilemma(&self) -> bool {
        self.t > self.r && self.r > self.p && self.p > self.s
    }

    /// The ordinal type of the game.
    pub fn kind(&self) -> GameKind {
        let StageGame { r, s, t, p } = *self;
        if r >= t && s >= p {
            GameKind::Harmony
        } else if t > r && r > p && p > s {
            GameKind::PrisonersDilemma
        } else if t > r && r > s && s > p {
            GameKind::Chicken
        } else if r > t && p > s {
            GameKind::StagHunt
        } else if t > p && p > r && r > s {
            GameKind::Deadlock
        } else {
            GameKind::Other
        }
    }

    /// Whether escalating can never pay in the stage game: T ≤ R and P ≤ S.
    pub fn escalation_never_pays(&self) -> bool {
        self.t <= self.r && self.p <= self.s
    }
}

impl Scenario {
    /// The stage game of side `i` (two-sided scenarios).
    pub fn stage_game(&self, i: usize) -> StageGame {
        stage_game(&self.sides, i)
    }

    /// True when every run plays out identically: no noise, no
    /// misperception, no provocations, no uncertain parameters, no uncertain
    /// renewals and only deterministic strategies. Such a scenario is played
    /// once and counted `runs` times.
    pub fn is_deterministic(&self) -> bool {
        let sides_fixed = self.sides.iter().all(|s| {
            let never = |p: &Param| p.bounds() == (0.0, 0.0);
            never(&s.noise)
                && never(&s.misperception)
                && s.provocations.iter().all(|p| never(&p.prob))
                && !s.strategy.traits().stochastic
                && s.strategy_params.iter().all(|p| !p.is_random())
                && s.levers.iter().all(|l| l.params().iter().all(|p| !p.is_random()))
        });
        let events_fixed = self.events.iter().all(|e| match &e.kind {
            EventKind::Suspension { renew_prob, violation_prob, renew_penalty, talks, .. } => {
                let certain = |p: f64| p == 0.0 || p == 1.0;
                let fixed = |p: &Param| !p.is_random() && certain(p.nominal());
                fixed(renew_prob)
                    && fixed(violation_prob)
                    && (*renew_penalty == 0.0 || renew_prob.bounds() == (0.0, 0.0))
                    && talks.as_ref().is_none_or(|t| certain(t.agree_prob))
            }
            EventKind::Scheduled { .. } | EventKind::Violation { .. } => true,
        });
        sides_fixed && events_fixed
    }

    /// Every parameter written as a distribution, in the order the engine
    /// draws them (docs/model.md §8): (sweep-style path, the parameter).
    pub fn uncertain_params(&self) -> Vec<(String, Param)> {
        const LEVER_FIELDS: [&str; 8] = [
            "pain",
            "cost",
            "erosion",
            "erosion_floor",
            "revenue",
            "terms_of_trade",
            "political_gain",
            "political_pain",
        ];
        let mut out = Vec::new();
        for s in &self.sides {
            for l in &s.levers {
                for (field, p) in LEVER_FIELDS.iter().zip(l.params()) {
                    if p.is_random() {
                        out.push((format!("sides.{}.levers.{}.{field}", s.name, l.name), *p));
                    }
                }
            }
        }
        for s in &self.sides {
            let specs = s.strategy.kind().info().params;
            for (spec, p) in specs.iter().zip(&s.strategy_params) {
                if p.is_random() {
                    out.push((format!("sides.{}.strategy.{}", s.name, spec.name), *p));
                }
            }
        }
        for s in &self.sides {
            for (name, p) in [("noise", &s.noise), ("misperception", &s.misperception)] {
                if p.is_random() {
                    out.push((format!("sides.{}.{name}", s.name), *p));
                }
            }
            for (k, p) in s.provocations.iter().enumerate() {
                if p.prob.is_random() {
                    out.push((format!("sides.{}.provocations.{k}.prob", s.name), p.prob));
                }
            }
        }
        for (k, e) in self.events.iter().enumerate() {
            if let EventKind::Suspension { renew_prob, violation_prob, .. } = &e.kind {
                for (name, p) in [("renew_prob", renew_prob), ("violation_prob", violation_prob)] {
                    if p.is_random() {
                        out.push((format!("events.{k}.{name}"), *p));
                    }
                }
            }
        }
        out
    }

    /// Whether any parameter is a distribution (drawn per parameter draw).
    pub fn has_uncertain_params(&self) -> bool {
        !self.uncertain_params().is_empty()
    }

    pub fn side_index(&self, name: &str) -> Option<usize> {
        self.sides.iter().position(|s| s.name == name)
    }

    /// Give side `i` strategy `s`. Its parameters are fixed at the values
    /// `s` holds, unless `s` is the side's own strategy, whose per-run
    /// distributions are kept.
    pub fn set_strategy(&mut self, i: usize, s: Strategy) {
        let side = &mut self.sides[i];
        if side.strategy != s {
            side.strategy_params = s.params().into_iter().map(Param::Fixed).collect();
            side.strategy = s;
        }
    }
}

pub(crate) fn stage_game(sides: &[Side], i: usize) -> StageGame {
    let j = 1 - i;
    let (me, them) = (&sides[i], &sides[j]);
    let at = |l: &Lever, up: bool| l.intensity[if up { l.top() } else { l.floor }];
    let index = |side: &Side, up: bool| -> f64 {
        side.levers.iter().map(|l| l.weight * at(l, up)).sum::<f64>() / side.weight_total
    };
    // Pain and political pain the other side's levers inflict, and the side's
    // own net cost less its political gain.
    let pain = |side: &Side, up: bool| -> f64 {
        side.levers.iter().map(|l| (l.pain.nominal() + l.political_pain.nominal()) * at(l, up)).sum()
    };
    let cost = |side: &Side, up: bool| -> f64 {
        side.levers.iter().map(|l| (l.net_cost() - l.political_gain.nominal()) * at(l, up)).sum()
    };
    let w = |i_up: bool, j_up: bool| {
        me.baseline_welfare
            - pain(them, j_up)
            - cost(me, i_up)
            - me.mutual_escalation_cost * index(me, i_up) * index(them, j_up)
    };
    StageGame { r: w(false, false), s: w(false, true), t: w(true, false), p: w(true, true) }
}

/// The smallest and largest payoff side `i` can get in one round: every
/// lever's term at its least and most favourable intensity and draw.
pub(crate) fn payoff_range(sides: &[Side], i: usize) -> (f64, f64) {
    let (me, them) = (&sides[i], &sides[1 - i]);
    let bounds = |p: &Param| p.bounds();
    let mut range = (me.baseline_welfare, me.baseline_welfare);
    // A term x·I with I in [0, 1] and x in [a, b] lies in [min(0, a), max(0, b)].
    let mut add = |a: f64, b: f64| {
        range.0 += a.min(0.0);
        range.1 += b.max(0.0);
    };
    for l in &them.levers {
        let (p, q) = (bounds(&l.pain), bounds(&l.political_pain));
        add(-(p.1 + q.1), -(p.0 + q.0));
    }
    for l in &me.levers {
        let (c, r, t, g) = (bounds(&l.cost), bounds(&l.revenue), bounds(&l.terms_of_trade), bounds(&l.political_gain));
        add(-c.1 + r.0 + t.0 + g.0, -c.0 + r.1 + t.1 + g.1);
    }
    let m = me.mutual_escalation_cost;
    add(-m.max(0.0), -m.min(0.0));
    range
}

/// Command-line values that replace the file's, before validation (so every
/// check sees them). An error about such a value names where it came from,
/// not a line of the file.
#[derive(Clone, Copy, Debug, Default)]
pub struct Overrides {
    pub rounds: Option<u32>,
    /// Where `rounds` came from, for messages [default: `--rounds`].
    pub rounds_from: Option<&'static str>,
}

/// Read and validate a scenario file.
pub fn load(path: &Path) -> Result<Scenario, ScenarioError> {
    load_with(path, &Overrides::default())
}

/// Read and validate a scenario file with command-line overrides.
pub fn load_with(path: &Path, overrides: &Overrides) -> Result<Scenario, ScenarioError> {
    let text = read_text(path)?;
    parse_with(path, &text, overrides)
}

/// Read a TOML file (scenario or sweep) as text, with the errors `load` gives:
/// only a regular file of at most `MAX_FILE_BYTES` (`input::read_bounded`).
pub fn read_text(path: &Path) -> Result<String, ScenarioError> {
    let empty: Arc<str> = Arc::from("");
    let bytes = crate::input::read_bounded(path, MAX_FILE_BYTES)
        .map_err(|e| ScenarioError::new(path, &empty, None, e.describe("scenario")))?;
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let bytes = e.as_bytes();
        if at < 4 || bytes.iter().take(4096).any(|&b| b == 0) {
            return ScenarioError::new(path, &empty, None, "binary data, not a TOML text file")
                .with_help("a scenario is a TOML text file; see docs/scenarios.md");
        }
        // Lossy text up to the bad byte, so the error can show line and column.
        let prefix: Arc<str> = Arc::from(String::from_utf8_lossy(&bytes[..at]).into_owned() + "\u{FFFD}");
        let line_end = bytes[at..].iter().position(|&b| b == b'\n').map_or(bytes.len(), |n| at + n);
        let shown: Arc<str> = Arc::from(String::from_utf8_lossy(&bytes[..line_end]).into_owned());
        let source = if shown.len() >= prefix.len() { shown } else { prefix };
        ScenarioError::new(path, &source, Some(at..at + 1), format!("not UTF-8 text: invalid byte 0x{:02X}", bytes[at]))
            .with_help("scenario files are TOML, which must be UTF-8: re-save the file as UTF-8")
    })
}

/// Validate scenario text as if read from `path` (used by `load` and tests).
pub fn parse(path: &Path, text: &str) -> Result<Scenario, ScenarioError> {
    parse_with(path, text, &Overrides::default())
}

pub fn parse_with(path: &Path, text: &str, overrides: &Overrides) -> Result<Scenario, ScenarioError> {
    let source: Arc<str> = Arc::from(text);
    let mut raw: raw::RawScenario = toml::from_str(text).map_err(|e| validate::toml_error(path, &source, &e))?;
    // An overridden value has no place in the file: its span is a marker
    // that no span of the file can equal, and errors carrying it are told
    // apart below.
    const OVERRIDDEN: std::ops::Range<usize> = usize::MAX..usize::MAX;
    if let Some(r) = overrides.rounds {
        raw.rounds = toml::Spanned::new(OVERRIDDEN, r as i64);
    }
    validate::validate(path, &source, raw).map_err(|e| match overrides.rounds {
        Some(r) if e.span == Some(OVERRIDDEN) => {
            let from = overrides.rounds_from.unwrap_or("--rounds");
            let err =
                ScenarioError::new(path, &Arc::from(""), None, format!("{r} rounds (from {from}): {}", e.message));
            match e.help {
                Some(h) => err.with_help(h),
                None => err,
            }
        }
        _ => e,
    })
}

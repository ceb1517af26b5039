/*!
Scenarios: the validated description of a standoff.

`load(path)` reads a TOML file into a `RawScenario` (syntax and types) and
`validate` turns it into a `Scenario` (ranges, references, ladders). A
`Scenario` is valid by construction: the engine never re-checks it and never
fails on it. The file format is documented field by field in
`docs/scenarios.md`.
*/

pub mod edit;
pub(crate) mod raw;
pub mod schema;
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
/// Largest scenario file read (a scenario is a few kilobytes).
pub const MAX_FILE_BYTES: u64 = 16 << 20;

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
    pub sides: Vec<Side>,
    pub events: Vec<Event>,
    pub outcomes: OutcomeRules,
}

#[derive(Clone, Debug)]
pub struct Side {
    pub name: String,
    pub label: String,
    pub strategy: Strategy,
    /// Probability ε that an intended action is replaced by its opposite.
    pub noise: f64,
    /// Probability μ that this side reads the other's concession as an escalation.
    pub misperception: f64,
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
    pub weight: f64,
}

impl Lever {
    pub fn top(&self) -> usize {
        self.ladder.len() - 1
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
}

impl Param {
    /// The value used for the stage game and tables: the value, the midpoint
    /// or the (untruncated) mean.
    pub fn nominal(&self) -> f64 {
        match *self {
            Param::Fixed(v) => v,
            Param::Uniform { lo, hi } => 0.5 * (lo + hi),
            Param::Normal { mean, lo, hi, .. } => mean.clamp(lo, hi),
        }
    }

    pub fn is_random(&self) -> bool {
        match *self {
            Param::Fixed(_) => false,
            Param::Uniform { lo, hi } => lo != hi,
            Param::Normal { sd, lo, hi, .. } => sd > 0.0 && lo < hi,
        }
    }

    /// Smallest and largest value a draw can take.
    pub fn bounds(&self) -> (f64, f64) {
        match *self {
            Param::Fixed(v) => (v, v),
            Param::Uniform { lo, hi } | Param::Normal { lo, hi, .. } => (lo, hi),
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
        }
    }
}

#[derive(Clone, Debug)]
pub struct Provocation {
    pub lever: usize,
    pub prob: f64,
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
    /// Levers capped at a rung for `duration` rounds; at expiry the suspension
    /// is renewed with probability `renew_prob`, else the measures snap back.
    Suspension { duration: u32, renew_prob: f64, measures: Vec<Measure> },
    /// A lever set to a rung at the start of a round.
    Scheduled { side: usize, lever: usize, to: usize },
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
}

/// The 2×2 stage game a side faces when every lever is at its floor (C) or at
/// its top rung (D), with nominal parameters and no erosion.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct StageGame {
    pub r: f64,
    pub s: f64,
    pub t: f64,
    pub p: f64,
}

impl StageGame {
    pub fn is_prisoners_dilemma(&self) -> bool {
        self.t > self.r && self.r > self.p && self.p > self.s
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
            s.noise == 0.0
                && s.misperception == 0.0
                && s.provocations.iter().all(|p| p.prob == 0.0)
                && !s.strategy.traits().stochastic
                && s.levers.iter().all(|l| {
                    !(l.pain.is_random() || l.cost.is_random() || l.erosion.is_random() || l.erosion_floor.is_random())
                })
        });
        let events_fixed = self.events.iter().all(|e| match &e.kind {
            EventKind::Suspension { renew_prob, .. } => *renew_prob == 0.0 || *renew_prob == 1.0,
            EventKind::Scheduled { .. } => true,
        });
        sides_fixed && events_fixed
    }

    pub fn side_index(&self, name: &str) -> Option<usize> {
        self.sides.iter().position(|s| s.name == name)
    }
}

pub(crate) fn stage_game(sides: &[Side], i: usize) -> StageGame {
    let j = 1 - i;
    let (me, them) = (&sides[i], &sides[j]);
    let index = |side: &Side, up: bool| -> f64 {
        side.levers.iter().map(|l| l.weight * l.intensity[if up { l.top() } else { l.floor }]).sum::<f64>()
            / side.weight_total
    };
    let pain = |side: &Side, up: bool| -> f64 {
        side.levers.iter().map(|l| l.pain.nominal() * l.intensity[if up { l.top() } else { l.floor }]).sum()
    };
    let cost = |side: &Side, up: bool| -> f64 {
        side.levers.iter().map(|l| l.cost.nominal() * l.intensity[if up { l.top() } else { l.floor }]).sum()
    };
    let w = |i_up: bool, j_up: bool| {
        me.baseline_welfare
            - pain(them, j_up)
            - cost(me, i_up)
            - me.mutual_escalation_cost * index(me, i_up) * index(them, j_up)
    };
    StageGame { r: w(false, false), s: w(false, true), t: w(true, false), p: w(true, true) }
}

/// Command-line values that replace the file's, before validation (so every
/// check sees them).
#[derive(Clone, Copy, Debug, Default)]
pub struct Overrides {
    pub rounds: Option<u32>,
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

/// Read a TOML file (scenario or sweep) as text, with the errors `load` gives.
pub fn read_text(path: &Path) -> Result<String, ScenarioError> {
    let empty: Arc<str> = Arc::from("");
    if let Ok(meta) = std::fs::metadata(path)
        && meta.len() > MAX_FILE_BYTES
    {
        return Err(ScenarioError::new(
            path,
            &empty,
            None,
            format!("scenario file is {} bytes; the limit is {MAX_FILE_BYTES}", meta.len()),
        ));
    }
    let bytes = std::fs::read(path).map_err(|e| {
        let msg = if path.is_dir() {
            "is a directory, not a scenario file".to_string()
        } else {
            format!("cannot read scenario: {}", io_reason(&e))
        };
        ScenarioError::new(path, &empty, None, msg)
    })?;
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
    if let Some(r) = overrides.rounds {
        raw.rounds = toml::Spanned::new(raw.rounds.span(), r as i64);
    }
    validate::validate(path, &source, raw)
}

fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => e.to_string(),
    }
}

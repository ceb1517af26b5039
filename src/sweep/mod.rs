/*!
Parameter sweeps: one scenario played at every point of a grid of parameter
values, with the same random numbers at every point.

A [`SweepSpec`] (from `--vary PATH=VALUES` flags or a sweep file, see
[`read_input`]) names the scenario, the parameters ([`path`]) and their values
([`values`]). [`Sweep::prepare`] checks it all before any work: the paths, the
grid's size, and every point's scenario, which is the scenario file with the
point's values written in and validated like any file. [`run_sweep`] plays the
points (each one a normal `run_batch`) and keeps each point's exact integer
totals in a [`PointResult`]; `report::sweep` turns them into `sweep.csv`, the
table and the charts.

Common random numbers: the engine keys every stream by (seed, run, channel),
never by a parameter, so run `k` of every point draws the same numbers for the
same purposes, and differences between points come from the parameters.

Sharding ([`shard`]): a [`Shard`] `K/N` plays every N-th [`Piece`] of the
sweep's work (a point, or, with more shards than points, a block of a point's
runs); its results, with the scenario text, the sweep, a fingerprint and a
digest, go to a partial file; `shard::merge` checks that the partial files
make exactly one whole sweep and adds the pieces up into the very same
results, so the outputs are byte-identical to an unsharded run.
*/

mod file;
pub mod path;

pub mod shard;
pub mod values;

use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};

pub use file::{Input, read_input};
pub use path::{ParamPath, ValueKind};
pub use shard::Shard;

pub use crate::error::SweepError;
use crate::error::{Error, ScenarioError};
use crate::montecarlo::{Batch, Hooks, run_range};
use crate::scenario::edit::Document;
use crate::scenario::{self, Scenario};
use crate::totals::Totals;
use values::fmt_value;

/// Most parameters varied at once.
pub const MAX_PARAMS: usize = 4;
/// Most points in a grid (50 × 50 = 2,500 fits; 100 × 100 is the limit).
pub const MAX_POINTS: usize = 10_000;
/// Nearest paths listed when a path is unknown.
const NEAREST: usize = 5;

/// One swept parameter as given: a path as typed and its values.
#[derive(Clone, Debug, PartialEq)]
pub struct Vary {
    pub path: String,
    pub values: Vec<f64>,
    /// Axis title on the charts (default: the canonical path).
    pub label: Option<String>,
    /// Where the entry is written in the sweep file, for error messages.
    pub span: Option<Range<usize>>,
}

impl Vary {
    /// `PATH=VALUES`, as given to `--vary`. The path ends at the first `=`
    /// outside double quotes: `events."a=b".renew_prob=0,1`.
    pub fn parse_arg(arg: &str) -> Result<Vary, SweepError> {
        let mut quoted = false;
        let at = arg.char_indices().find(|&(_, c)| {
            quoted ^= c == '"';
            c == '=' && !quoted
        });
        let Some((path, spec)) = at.map(|(i, _)| (&arg[..i], &arg[i + 1..])) else {
            return Err(SweepError::VaryArg { arg: arg.to_string() });
        };
        let path = path.trim();
        if path.is_empty() {
            return Err(SweepError::VaryArg { arg: arg.to_string() });
        }
        let values = values::parse_values(spec).map_err(|reason| SweepError::Values {
            path: path.to_string(),
            spec: spec.to_string(),
            reason,
        })?;
        Ok(Vary { path: path.to_string(), values, label: None, span: None })
    }
}

/// A sweep as asked for, not yet checked against its scenario.
#[derive(Clone, Debug)]
pub struct SweepSpec {
    pub scenario_path: PathBuf,
    pub scenario_text: String,
    pub vary: Vec<Vary>,
    /// Runs per point (default: the scenario's `runs`).
    pub runs: Option<u64>,
    /// Default: the scenario's `seed`.
    pub seed: Option<u64>,
    /// Names the default output folder `output/<name>-sweep`.
    pub name: String,
    /// The sweep file and its text, when the sweep comes from one.
    pub file: Option<(PathBuf, Arc<str>)>,
}

impl SweepSpec {
    /// A sweep of the scenario file `path` (already read into `text`) over
    /// `--vary` arguments.
    pub fn from_args(path: &Path, text: String, vary: &[String]) -> Result<SweepSpec, SweepError> {
        Ok(SweepSpec {
            scenario_path: path.to_path_buf(),
            scenario_text: text,
            vary: vary.iter().map(|a| Vary::parse_arg(a)).collect::<Result<_, _>>()?,
            runs: None,
            seed: None,
            name: stem(path),
            file: None,
        })
    }
}

fn stem(path: &Path) -> String {
    path.file_stem().map_or_else(|| "scenario".to_string(), |s| s.to_string_lossy().into_owned())
}

/// A parameter of a prepared sweep.
#[derive(Clone, Debug)]
pub struct SweptParam {
    pub path: ParamPath,
    pub values: Vec<f64>,
    pub label: Option<String>,
}

impl SweptParam {
    /// The axis title: the label, else the canonical path.
    pub fn title(&self) -> &str {
        self.label.as_deref().unwrap_or(&self.path.canonical)
    }
}

/// A checked sweep: every point is known to be a valid scenario.
#[derive(Clone, Debug)]
pub struct Sweep {
    pub scenario_path: PathBuf,
    pub scenario_text: String,
    /// The scenario as written (for names and labels).
    pub base: Scenario,
    pub params: Vec<SweptParam>,
    /// Runs per point.
    pub runs: u64,
    pub seed: u64,
    pub name: String,
    /// The scenario's document, which `scenario_at` writes a point's values into. Every point
    /// sets the same keys, so writing over the previous point's values gives
    /// the file with this point's values, without a copy per point.
    scratch: Arc<Mutex<Document>>,
}

impl Sweep {
    /// Check everything before any work: the scenario, the paths, the grid's
    /// size and every point's scenario.
    pub fn prepare(spec: &SweepSpec) -> Result<Sweep, Error> {
        let base = scenario::parse(&spec.scenario_path, &spec.scenario_text)?;
        let doc = document(&spec.scenario_path, &spec.scenario_text)?;
        if spec.vary.is_empty() {
            return Err(SweepError::NoParams.into());
        }
        if spec.vary.len() > MAX_PARAMS {
            return Err(SweepError::TooManyParams { count: spec.vary.len(), max: MAX_PARAMS }.into());
        }
        let catalog = path::catalog(&doc);
        let mut params: Vec<SweptParam> = Vec::with_capacity(spec.vary.len());
        for (i, v) in spec.vary.iter().enumerate() {
            let at = |e: SweepError| spec.locate(v, e);
            let found = path::resolve(&doc, &catalog, &v.path, NEAREST)
                .map_err(|nearest| at(SweepError::UnknownPath { path: v.path.clone(), nearest }))?;
            if let Some(j) = params.iter().position(|p| p.path.overlaps(found)) {
                return Err(at(SweepError::DuplicatePath {
                    path: found.canonical.clone(),
                    first: spec.vary[j].path.clone(),
                    second: spec.vary[i].path.clone(),
                }));
            }
            if found.kind == ValueKind::Integer
                && let Some(x) = v.values.iter().find(|x| x.fract() != 0.0)
            {
                return Err(at(SweepError::Values {
                    path: found.canonical.clone(),
                    spec: v.values.iter().map(|x| fmt_value(*x)).collect::<Vec<_>>().join(","),
                    reason: format!("takes whole numbers, got {}", fmt_value(*x)),
                }));
            }
            params.push(SweptParam { path: found.clone(), values: v.values.clone(), label: v.label.clone() });
        }
        let points = params.iter().map(|p| p.values.len() as u128).product::<u128>();
        if points > MAX_POINTS as u128 {
            let sizes = params.iter().map(|p| p.values.len().to_string()).collect::<Vec<_>>().join(" × ");
            return Err(SweepError::TooLarge { sizes, points, max: MAX_POINTS }.into());
        }
        let sweep = Sweep {
            scenario_path: spec.scenario_path.clone(),
            scenario_text: spec.scenario_text.clone(),
            runs: spec.runs.unwrap_or(base.runs),
            seed: spec.seed.unwrap_or(base.seed),
            base,
            params,
            name: spec.name.clone(),
            scratch: Arc::new(Mutex::new(doc)),
        };
        for p in 0..sweep.points() {
            sweep.scenario_at(p)?;
        }
        Ok(sweep)
    }

    /// Number of points: the product of the parameters' value counts.
    pub fn points(&self) -> usize {
        self.params.iter().map(|p| p.values.len()).product()
    }

    /// The values of point `point`. Points run through the grid with the
    /// first parameter slowest and the last fastest.
    pub fn point_values(&self, point: usize) -> Vec<f64> {
        let mut rest = point;
        let mut out = vec![0.0; self.params.len()];
        for (slot, p) in out.iter_mut().zip(&self.params).rev() {
            *slot = p.values[rest % p.values.len()];
            rest /= p.values.len();
        }
        out
    }

    /// The whole sweep's work: every point, all its runs.
    pub fn pieces(&self) -> Vec<Piece> {
        (0..self.points()).map(|point| Piece { point, runs: 0..self.runs }).collect()
    }

    /// "sides.us.noise = 0.1, outcomes.low = 0.2".
    pub fn describe_point(&self, point: usize) -> String {
        let values = self.point_values(point);
        let parts: Vec<String> =
            self.params.iter().zip(values).map(|(p, v)| format!("{} = {}", p.path.canonical, fmt_value(v))).collect();
        parts.join(", ")
    }

    /// The scenario at `point`: the file with the point's values written in,
    /// validated as a file.
    pub fn scenario_at(&self, point: usize) -> Result<Scenario, SweepError> {
        let invalid = |message: String| SweepError::InvalidPoint { point: self.describe_point(point), message };
        let text = {
            let mut doc = self.scratch.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            for (p, v) in self.params.iter().zip(self.point_values(point)) {
                p.path.set(&mut doc, v).map_err(invalid)?;
            }
            doc.to_string()
        };
        scenario::parse(&self.scenario_path, &text).map_err(|e| {
            let help = e.help.map_or(String::new(), |h| format!(" ({h})"));
            invalid(format!("{}{help}", e.message))
        })
    }

    /// Hash of everything the results depend on: simulate's version, the
    /// scenario's file name and text, runs, seed, and the parameters with
    /// their values and labels.
    pub fn fingerprint(&self) -> String {
        shard::fingerprint(&shard::FingerprintParts::of(self))
    }
}

impl SweepSpec {
    /// Point `err` about `vary` at its place in the sweep file, if any.
    fn locate(&self, vary: &Vary, err: SweepError) -> Error {
        match (&self.file, &vary.span) {
            (Some((path, source)), Some(span)) => {
                let (message, help) = match &err {
                    SweepError::UnknownPath { path, nearest } => {
                        (format!("unknown parameter `{path}`"), Some(format!("nearest: {}", nearest.join(", "))))
                    }
                    other => (other.to_string(), None),
                };
                let e = ScenarioError::new(path, source, Some(span.clone()), message);
                Error::Scenario(match help {
                    Some(h) => e.with_help(h),
                    None => e,
                })
            }
            _ => err.into(),
        }
    }
}

/// Every parameter a sweep of the scenario `text` (read from `path`) may
/// vary, once the scenario is known to be valid.
pub fn list_params(path: &Path, text: &str) -> Result<Vec<ParamPath>, Error> {
    scenario::parse(path, text)?;
    Ok(path::catalog(&document(path, text)?))
}

/// The scenario as a TOML document (it parses: it was validated first).
fn document(path: &Path, text: &str) -> Result<Document, ScenarioError> {
    Document::parse(text).map_err(|e| {
        let source: Arc<str> = Arc::from(text);
        ScenarioError::new(path, &source, e.span(), e.message().trim())
    })
}

/// A part of a sweep's work: the runs `runs` of point `point`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Piece {
    pub point: usize,
    pub runs: Range<u64>,
}

impl Piece {
    /// Number of runs.
    pub fn count(&self) -> u64 {
        self.runs.end - self.runs.start
    }
}

/// The exact totals of one point (or piece of a point): the summary-level totals of its `Batch`
/// (run counts per outcome and fixed-point moments), without the per-round
/// histograms.
#[derive(Clone, Debug, PartialEq)]
pub struct PointResult {
    pub point: usize,
    /// The point's per-outcome totals.
    pub totals: Totals,
}

impl PointResult {
    pub fn of(point: usize, batch: &Batch) -> PointResult {
        PointResult { point, totals: batch.totals.clone() }
    }

    /// Add the totals of other runs of the same point (exact: integers).
    pub fn merge(&mut self, other: &PointResult) {
        debug_assert_eq!(self.point, other.point);
        self.totals.merge(&other.totals);
    }
}

/// Play `pieces` of `sweep` (`Sweep::pieces`, or a shard's), in order: one
/// `PointResult` per piece. Progress and cancellation go through `hooks`, as
/// in `run_batch`; an interruption counts the runs done over all the pieces.
pub fn run_sweep(sweep: &Sweep, pieces: &[Piece], hooks: &Hooks) -> Result<Vec<PointResult>, Error> {
    let total = pieces.iter().map(Piece::count).sum();
    let mut before = 0;
    let mut out = Vec::with_capacity(pieces.len());
    for piece in pieces {
        if hooks.cancel.is_some_and(|c| c.load(Ordering::Relaxed)) {
            return Err(Error::Interrupted { done: before, total });
        }
        let sc = sweep.scenario_at(piece.point)?;
        let batch = run_range(&sc, sweep.seed, piece.runs.clone(), hooks, None).map_err(|e| match e {
            Error::Interrupted { done, .. } => Error::Interrupted { done: before + done, total },
            other => other,
        })?;
        out.push(PointResult::of(piece.point, &batch));
        before += piece.count();
    }
    Ok(out)
}

#[cfg(test)]
mod tests;

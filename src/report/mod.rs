/*!
Outputs: the rows a user sees (`SummaryRow`, `TrajectoryRow`), computed once
from a `Batch`, then serialised as CSV, JSON, a terminal table and charts.
Charts are drawn from the same rows the CSV writes.

The serialisers are pure (they return bytes). The binary writes them: output
folders through its `OutputSet` (staged, then switched in as a whole), and a
single file elsewhere (`fit --write-scenario`) through `write_atomic`: a
temporary file in the destination folder, then renamed into place, so a failed
or interrupted run never leaves a half-written output.
*/

pub mod caption;
pub mod chart;
pub mod compare;
pub mod csv;
pub mod fit;
pub mod html;
pub mod leverage;
pub mod playthrough;
pub mod sweep;
pub mod table;
pub mod tournament;
pub mod truces;

use std::io::Write;
use std::path::Path;

pub use caption::{Calendar, Caption};

use crate::error::ReportError;
use crate::montecarlo::{Batch, RunMeta};
use crate::outcome::Outcome;
use crate::scenario::{EventKind, Scenario};
use crate::stats::{self, Moments};
use crate::totals::{Slot, Totals};

/// One line of the summary: an outcome (or all runs) with its share and the
/// mean per-run figures of the runs that ended that way.
#[derive(Clone, Debug, PartialEq)]
pub struct SummaryRow {
    /// An outcome, or all runs.
    pub slot: Slot,
    pub runs: u64,
    pub share: f64,
    /// 95% interval of the share: Wilson's, on the effective sample size
    /// when runs share parameter draws (`spread`).
    pub ci_low: f64,
    pub ci_high: f64,
    /// Per side: mean cumulative welfare and its 95% interval.
    pub welfare: Vec<Estimate>,
    /// Per side: mean cumulative payoff (welfare plus political terms) and
    /// its 95% interval.
    pub payoff: Vec<Estimate>,
    /// Per side: mean peak escalation index.
    pub peak: Vec<Option<f64>>,
    /// Per side: mean escalation index over the final window (the
    /// continuous outcome beside the label).
    pub final_index: Vec<Option<f64>>,
    pub exchanges: Option<f64>,
    pub rounds_to_detente: Option<f64>,
    /// With `runs_per_draw > 1`: the spread of the share due to parameter
    /// uncertainty (`ci_low`/`ci_high` are then the clustered interval).
    pub spread: Option<crate::spread::Spread>,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Estimate {
    pub mean: Option<f64>,
    pub ci_low: Option<f64>,
    pub ci_high: Option<f64>,
}

impl Estimate {
    pub fn of(m: &Moments) -> Estimate {
        let ci = m.ci95();
        Estimate { mean: m.mean(), ci_low: ci.map(|c| c.0), ci_high: ci.map(|c| c.1) }
    }
}

/// One line of the trajectory: the distribution across runs of a lever's
/// value (in its units) or of a side's escalation index, after a round.
#[derive(Clone, Debug, PartialEq)]
pub struct TrajectoryRow {
    pub round: u32,
    pub side: String,
    /// Lever name, or `escalation_index`.
    pub series: String,
    pub unit: String,
    pub mean: f64,
    pub p10: f64,
    pub p50: f64,
    pub p90: f64,
}

pub const INDEX_SERIES: &str = "escalation_index";

/// A vertical marker on the trajectory chart.
#[derive(Clone, Debug, PartialEq)]
pub struct EventMark {
    pub round: u32,
    pub label: String,
}

/// Who gave way: the share of runs in which a side made the first concession
/// to a demand (or nobody did), or in which a side coerced the other.
#[derive(Clone, Debug, PartialEq)]
pub struct ConcessionRow {
    /// `first_concession` or `coercion`.
    pub measure: &'static str,
    /// The side that conceded first (or coerced); `None`: nobody conceded.
    pub side: Option<usize>,
    pub runs: u64,
    pub share: f64,
    pub ci_low: f64,
    pub ci_high: f64,
    /// First concessions: the mean round it came in.
    pub mean_round: Option<f64>,
    /// For `first_concession_on`: the lever of the side it lowered.
    pub lever: Option<String>,
}

/// The concession rows of a set of totals: first concession by each side,
/// by nobody, then on which lever, then coercion by each side.
pub fn concession_rows(sc: &Scenario, t: &Totals) -> Vec<ConcessionRow> {
    let n = t.runs();
    let row = |measure, side, runs: u64, mean_round, lever: Option<String>| {
        let (ci_low, ci_high) = stats::wilson(runs, n, stats::Z95);
        let share = if n == 0 { 0.0 } else { runs as f64 / n as f64 };
        ConcessionRow { measure, side, runs, share, ci_low, ci_high, mean_round, lever }
    };
    let mut rows: Vec<ConcessionRow> =
        (0..2).map(|i| row("first_concession", Some(i), t.first_yield[i].n, t.first_yield[i].mean(), None)).collect();
    rows.push(row("first_concession", None, t.no_yield(), None, None));
    for (i, side) in sc.sides.iter().enumerate() {
        for (l, lever) in side.levers.iter().enumerate() {
            let k = t.first_yield_lever[i][l];
            if k > 0 {
                rows.push(row("first_concession_on", Some(i), k, None, Some(lever.name.clone())));
            }
        }
    }
    rows.extend((0..2).map(|i| row("coercion", Some(i), t.coercion_by[i], None, None)));
    rows
}

/// Everything the outputs show, computed from a batch.
#[derive(Clone, Debug)]
pub struct Report {
    pub meta: RunMeta,
    pub strategies: Vec<String>,
    pub summary: Vec<SummaryRow>,
    pub concessions: Vec<ConcessionRow>,
    /// One per truce (suspension or negotiation) of the scenario.
    pub truces: Vec<truces::TruceReport>,
    pub trajectory: Vec<TrajectoryRow>,
    pub events: Vec<EventMark>,
    /// Rounds of the final window the outcome is read from.
    pub window: u32,
    /// The calendar of the rounds, when the scenario gives `first_round`.
    pub calendar: Option<Calendar>,
}

impl Report {
    pub fn new(sc: &Scenario, batch: &Batch) -> Report {
        let truces = truces::truce_reports(sc, batch);
        let mut events = event_marks(sc);
        events.extend(truce_marks(&truces));
        events.sort_by_key(|m| m.round);
        Report {
            meta: RunMeta::new(sc, batch.runs, batch.seed),
            strategies: sc.sides.iter().map(|s| s.strategy.describe()).collect(),
            summary: summary_rows(batch),
            concessions: concession_rows(sc, &batch.totals),
            truces,
            trajectory: trajectory_rows(sc, batch),
            events,
            window: sc.outcomes.window,
            calendar: Calendar::of(sc),
        }
    }
}

pub fn summary_rows(batch: &Batch) -> Vec<SummaryRow> {
    let mut rows = totals_rows(&batch.totals);
    for r in &mut rows {
        if let Slot::Outcome(o) = r.slot
            && let Some(s) = batch.groups.spread(o, r.runs, batch.totals.runs())
        {
            (r.ci_low, r.ci_high) = (s.ci_low, s.ci_high);
            r.spread = Some(s);
        }
    }
    rows
}

/// One row per outcome, then `all`.
pub fn totals_rows(t: &Totals) -> Vec<SummaryRow> {
    Slot::ALL
        .iter()
        .map(|&slot| {
            let runs = *t.runs.get(slot);
            // The `all` row is every run by definition: no sampling error.
            let (ci_low, ci_high) =
                if slot == Slot::All { (1.0, 1.0) } else { stats::wilson(runs, t.runs(), stats::Z95) };
            let detente = slot == Slot::Outcome(Outcome::Detente);
            SummaryRow {
                slot,
                runs,
                share: if t.runs() == 0 { 0.0 } else { runs as f64 / t.runs() as f64 },
                ci_low,
                ci_high,
                welfare: t.welfare.get(slot).iter().map(Estimate::of).collect(),
                payoff: t.utility.get(slot).iter().map(Estimate::of).collect(),
                peak: t.peak.get(slot).iter().map(|m| m.mean()).collect(),
                final_index: t.final_index.get(slot).iter().map(|m| m.mean()).collect(),
                exchanges: t.exchanges.get(slot).mean(),
                rounds_to_detente: if detente { t.rounds_to_detente.mean() } else { None },
                spread: None,
            }
        })
        .collect()
}

pub fn trajectory_rows(sc: &Scenario, batch: &Batch) -> Vec<TrajectoryRow> {
    let mut rows = Vec::new();
    let bins = (crate::scenario::INDEX_BINS - 1) as f64;
    for t in 0..=batch.rounds {
        for (i, side) in sc.sides.iter().enumerate() {
            for (l, lever) in side.levers.iter().enumerate() {
                let counts = batch.lever_counts(t, i, l);
                let n: u64 = counts.iter().sum();
                let mean = if n == 0 {
                    0.0
                } else {
                    counts.iter().zip(&lever.ladder).map(|(&c, &v)| c as f64 * v).sum::<f64>() / n as f64
                };
                let q = |p: f64| stats::hist_quantile(counts, p).map_or(0.0, |r| lever.ladder[r]);
                rows.push(TrajectoryRow {
                    round: t,
                    side: side.name.clone(),
                    series: lever.name.clone(),
                    unit: lever.unit.clone(),
                    mean,
                    p10: q(0.1),
                    p50: q(0.5),
                    p90: q(0.9),
                });
            }
            let counts = batch.index_counts(t, i);
            let q = |p: f64| stats::hist_quantile(counts, p).map_or(0.0, |b| b as f64 / bins);
            rows.push(TrajectoryRow {
                round: t,
                side: side.name.clone(),
                series: INDEX_SERIES.to_string(),
                unit: "0-1".to_string(),
                mean: batch.index_mean(t, i),
                p10: q(0.1),
                p50: q(0.5),
                p90: q(0.9),
            });
        }
    }
    rows
}

impl Report {
    /// The summary as JSON (for `--json`): the same figures as `summary.csv`.
    pub fn summary_json(&self) -> String {
        use serde_json::{Map, Value, json};
        let opt = |x: Option<f64>| x.map_or(Value::Null, |v| json!(v));
        let outcomes: Vec<Value> = self
            .summary
            .iter()
            .map(|r| {
                let est = |e: &Estimate| json!({ "mean": opt(e.mean), "ci_low": opt(e.ci_low), "ci_high": opt(e.ci_high) });
                let (mut welfare, mut payoff, mut peak, mut fin) = (Map::new(), Map::new(), Map::new(), Map::new());
                for (i, s) in self.meta.sides.iter().enumerate() {
                    welfare.insert(s.clone(), est(&r.welfare[i]));
                    payoff.insert(s.clone(), est(&r.payoff[i]));
                    peak.insert(s.clone(), opt(r.peak[i]));
                    fin.insert(s.clone(), opt(r.final_index[i]));
                }
                json!({
                    "outcome": r.slot.key(), "runs": r.runs, "share": r.share, "ci_low": r.ci_low, "ci_high": r.ci_high,
                    "welfare": welfare, "payoff": payoff, "peak": peak, "final_index": fin, "exchanges": opt(r.exchanges),
                    "rounds_to_detente": opt(r.rounds_to_detente),
                    "parameter_spread": r.spread.map_or(Value::Null, |s| json!({
                        "draws": s.groups, "runs_per_draw": s.per, "sd": s.sd, "p05": s.p05, "p95": s.p95,
                        "design_effect": s.deff,
                    })),
                })
            })
            .collect();
        let concessions: Vec<Value> = self
            .concessions
            .iter()
            .map(|c| {
                json!({
                    "measure": c.measure, "side": c.side.map_or(Value::Null, |i| json!(self.meta.sides[i])),
                    "lever": c.lever, "runs": c.runs, "share": c.share, "ci_low": c.ci_low, "ci_high": c.ci_high,
                    "mean_round": opt(c.mean_round),
                })
            })
            .collect();
        let sides: Vec<Value> = (0..self.meta.sides.len())
            .map(|i| json!({ "name": self.meta.sides[i], "label": self.meta.side_labels[i], "strategy": self.strategies[i] }))
            .collect();
        let v = json!({
            "scenario": self.meta.scenario, "id": self.meta.scenario_id, "runs": self.meta.runs, "seed": self.meta.seed,
            "rounds": self.meta.rounds, "round_unit": self.meta.round_unit, "welfare_unit": self.meta.welfare_unit, "sides": sides, "outcomes": outcomes,
            "concessions": concessions,
        });
        serde_json::to_string_pretty(&v).expect("JSON of plain values") + "\n"
    }
}

/// Scheduled moments worth marking, each by name: every scheduled change
/// (round 1 included: Liberation Day), suspensions that start after round 1
/// (one in force from round 1 is the starting state), and each suspension's
/// first expiry (a snap-back unless renewed, with the renewal odds). Marks
/// are in round order, file order within a round.
pub fn event_marks(sc: &Scenario) -> Vec<EventMark> {
    let mut marks = Vec::new();
    for e in &sc.events {
        match &e.kind {
            EventKind::Scheduled { .. } | EventKind::Violation { .. } => {
                marks.push(EventMark { round: e.start, label: e.label.clone() })
            }
            // A negotiated truce begins from play: its starts and collapses
            // are marked from the runs (`truce_marks`).
            EventKind::Suspension { talks: Some(_), .. } => {}
            EventKind::Suspension { duration, renew_prob, .. } => {
                if e.start > 1 {
                    marks.push(EventMark { round: e.start, label: e.label.clone() });
                }
                let end = e.start + duration;
                if end <= sc.rounds {
                    let label = if renew_prob.bounds().1 > 0.0 {
                        format!(
                            "{} lapses unless renewed ({}p = {})",
                            e.label,
                            if renew_prob.is_random() { "mean " } else { "" },
                            crate::fmt::num(renew_prob.nominal(), 3)
                        )
                    } else {
                        format!("{} lapses", e.label)
                    };
                    marks.push(EventMark { round: end, label });
                }
            }
        }
    }
    marks.sort_by_key(|m| m.round);
    marks
}

/// Marks from the runs: for each truce, the round in which it most often
/// began (negotiated truces) and the round in which it most often collapsed,
/// with the share of runs.
pub fn truce_marks(truces: &[truces::TruceReport]) -> Vec<EventMark> {
    let mut marks = Vec::new();
    let peak = |v: &[f64]| {
        v.iter()
            .enumerate()
            .skip(1)
            .max_by(|a, b| a.1.total_cmp(b.1))
            .filter(|(_, s)| **s >= 0.01)
            .map(|(t, s)| (t, *s))
    };
    for t in truces {
        if t.negotiated
            && let Some((round, share)) = peak(&t.began)
        {
            let label = format!("{} begins most often ({:.0}% of runs)", t.label, 100.0 * share);
            marks.push(EventMark { round: round as u32, label });
        }
        if let Some((round, share)) = peak(&t.collapsed_in) {
            let label = format!("{} collapses most often ({:.0}% of runs)", t.label, 100.0 * share);
            marks.push(EventMark { round: round as u32, label });
        }
    }
    marks
}

/// "10,000": digits grouped by thousands (`fmt::count`).
pub fn thousands(n: u64) -> String {
    crate::fmt::count(n)
}

/// A file written under a temporary name (`.simulate-PID-N.tmp`) in its
/// destination folder and renamed into place by `commit`; dropped without
/// `commit`, it is removed. Errors name the destination, never the
/// temporary name.
pub struct AtomicFile {
    path: std::path::PathBuf,
    tmp: std::path::PathBuf,
    file: Option<std::fs::File>,
}

impl AtomicFile {
    pub fn create(path: &Path) -> Result<AtomicFile, ReportError> {
        use std::sync::atomic::{AtomicU32, Ordering};
        static NEXT: AtomicU32 = AtomicU32::new(0);
        let dir = match path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => Path::new("."),
        };
        let tmp = dir.join(format!(".simulate-{}-{}.tmp", std::process::id(), NEXT.fetch_add(1, Ordering::Relaxed)));
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o644);
        }
        let file = options.open(&tmp).map_err(|e| io_error_at(path, e))?;
        Ok(AtomicFile { path: path.to_path_buf(), tmp, file: Some(file) })
    }

    /// Flush to disk and rename over the destination.
    pub fn commit(mut self) -> Result<(), ReportError> {
        let file = self.file.take().expect("open until commit");
        file.sync_all().map_err(|e| io_error_at(&self.path, e))?;
        drop(file);
        std::fs::rename(&self.tmp, &self.path).map_err(|e| io_error_at(&self.path, e))?;
        self.tmp = std::path::PathBuf::new();
        Ok(())
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        // Emptied by a successful `commit`.
        if !self.tmp.as_os_str().is_empty() {
            let _ = std::fs::remove_file(&self.tmp);
        }
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.file.as_mut().expect("open until commit").write(buf)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.file.as_mut().expect("open until commit").flush()
    }
}

fn io_error_at(path: &Path, source: std::io::Error) -> ReportError {
    ReportError::Io { path: path.to_path_buf(), source }
}

/// An IO failure on an output file, as a library error.
pub fn io_error(path: &Path, source: std::io::Error) -> crate::Error {
    crate::Error::Report(io_error_at(path, source))
}

/// Write `bytes` to `path` atomically: a temporary file in the same folder,
/// flushed and synced, then renamed over `path` (mode 0644 on Unix).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), ReportError> {
    let mut f = AtomicFile::create(path)?;
    f.write_all(bytes).map_err(|e| io_error_at(path, e))?;
    f.commit()
}

/*!
What a sweep shows: one row per point and outcome ([`SweepRow`]), computed
once from the points' exact totals, then written as `sweep.csv`, printed as a
table and drawn by `sweep_chart`.

`sweep.csv` columns: one `param_<path>` per swept parameter (the canonical
path, dots kept: `param_sides.china.misperception`; values printed as the
shortest decimals that read back exactly), then `outcome, runs, share, ci_low, ci_high`, then per
side `welfare_<side>_mean, welfare_<side>_ci_low, welfare_<side>_ci_high`.
Rows run through the points in grid order (first parameter slowest), each
with the outcomes `detente, vicious_cycle, coercion, standoff`, then `all`
(every run of the point: share 1, welfare over all runs).
*/

use super::csv::{csv_bytes, num};
use super::table::{TextTable, WIDTH};
use super::{SummaryRow, thousands, totals_rows};
use crate::montecarlo::RunMeta;
use crate::outcome::Outcome;
use crate::scenario::Scenario;
use crate::sweep::values::fmt_value;
use crate::sweep::{PointResult, Sweep};
use crate::totals::Slot;

/// A swept parameter, as the outputs name it.
#[derive(Clone, Debug, PartialEq)]
pub struct SweepAxis {
    /// `sides.china.misperception`.
    pub path: String,
    /// `param_sides.china.misperception`.
    pub column: String,
    /// Axis title: the sweep file's label, else the parameter in words
    /// ([`describe_path`]: "China misperception μ").
    pub title: String,
    /// The title without its explanation in parentheses, for subtitles.
    pub name: String,
    pub values: Vec<f64>,
    /// The scenario's own value of the parameter, when it is a number.
    pub own: Option<f64>,
}

/// One point and outcome (or `all`): the point's values and the same row a
/// single run's `summary.csv` would have.
#[derive(Clone, Debug, PartialEq)]
pub struct SweepRow {
    pub point: usize,
    /// The point's value of each parameter.
    pub values: Vec<f64>,
    pub summary: SummaryRow,
}

/// Everything a sweep's outputs show.
#[derive(Clone, Debug)]
pub struct SweepReport {
    /// Runs per point.
    pub meta: RunMeta,
    pub axes: Vec<SweepAxis>,
    pub points: usize,
    pub rows: Vec<SweepRow>,
    /// The calendar of the rounds (`first_round`).
    pub calendar: Option<super::Calendar>,
}

impl SweepReport {
    /// `results` holds every point of `sweep`, in point order.
    pub fn new(sweep: &Sweep, results: &[PointResult]) -> SweepReport {
        let sc = &sweep.base;
        let mut rows = Vec::with_capacity(results.len() * 5);
        for r in results {
            let values = sweep.point_values(r.point);
            for summary in totals_rows(&r.totals) {
                rows.push(SweepRow { point: r.point, values: values.clone(), summary });
            }
        }
        SweepReport {
            meta: RunMeta::new(sc, sweep.runs, sweep.seed),
            axes: sweep
                .params
                .iter()
                .map(|p| SweepAxis {
                    path: p.path.canonical.clone(),
                    column: p.path.column(),
                    title: p.label.clone().unwrap_or_else(|| describe_path(sc, &p.path.canonical)),
                    name: p.label.clone().unwrap_or_else(|| short_name(&describe_path(sc, &p.path.canonical))),
                    values: p.values.clone(),
                    own: own_value(sc, &p.path),
                })
                .collect(),
            points: results.len(),
            rows,
            calendar: super::Calendar::of(sc),
        }
    }

    /// The rows of one outcome, in point order.
    pub fn outcome_rows(&self, slot: impl Into<Slot>) -> impl Iterator<Item = &SweepRow> + '_ {
        let slot = slot.into();
        self.rows.iter().filter(move |r| r.summary.slot == slot)
    }

    /// The title: the scenario's name with the period run (unless the
    /// sweep varies the rounds).
    pub fn title(&self) -> String {
        let calendar = if self.varies("rounds") { None } else { self.calendar.as_ref() };
        super::caption::scenario_title(&self.meta.scenario, calendar, self.meta.rounds)
    }

    /// True when `path` (canonical) is one of the swept parameters.
    pub fn varies(&self, path: &str) -> bool {
        self.axes.iter().any(|a| a.path == path)
    }
}

/// `sweep.csv` header.
pub fn sweep_header(report: &SweepReport) -> Vec<String> {
    let mut h: Vec<String> = report.axes.iter().map(|a| a.column.clone()).collect();
    h.extend(["outcome", "runs", "share", "ci_low", "ci_high"].map(String::from));
    for s in &report.meta.sides {
        h.extend([format!("welfare_{s}_mean"), format!("welfare_{s}_ci_low"), format!("welfare_{s}_ci_high")]);
    }
    h
}

/// `sweep.csv`: one row per point and outcome, then the point's `all` row.
pub fn sweep_csv(report: &SweepReport) -> Vec<u8> {
    let opt = |x: Option<f64>| x.map_or(String::new(), |v| num(v, 4));
    csv_bytes(
        sweep_header(report),
        report.rows.iter().map(|r| {
            let s = &r.summary;
            let mut v: Vec<String> = r.values.iter().map(|x| fmt_value(*x)).collect();
            v.extend([
                s.slot.key().to_string(),
                s.runs.to_string(),
                num(s.share, 6),
                num(s.ci_low, 6),
                num(s.ci_high, 6),
            ]);
            for w in &s.welfare {
                v.extend([opt(w.mean), opt(w.ci_low), opt(w.ci_high)]);
            }
            v
        }),
    )
}

/// Most points printed in the table; the CSV has them all.
const TABLE_POINTS: usize = 40;

/// A parameter path in words, for axis titles and tables: the side's label
/// and the parameter's name and symbol, from the strategy registry for a
/// strategy parameter ("China misperception μ", "United States generosity
/// g", "China rare earths erosion ρ"); the path itself when it is none of
/// the known kinds.
pub fn describe_path(sc: &Scenario, path: &str) -> String {
    let segs: Vec<&str> = path.split('.').collect();
    let side = |name: &str| {
        sc.sides
            .iter()
            .position(|s| s.name == name)
            .or_else(|| name.parse::<usize>().ok().filter(|&i| i < sc.sides.len()))
    };
    let bound = |rest: &[&str]| match rest {
        ["uniform", "0"] => " (lower bound)",
        ["uniform", "1"] => " (upper bound)",
        ["normal", "mean"] => " (mean)",
        ["normal", "sd"] => " (standard deviation)",
        ["normal", "min"] => " (minimum)",
        ["normal", "max"] => " (maximum)",
        _ => "",
    };
    let described = match segs.as_slice() {
        ["rounds"] => Some(format!("rounds ({}s)", sc.round_unit)),
        ["discount"] => Some("discount factor δ".to_string()),
        ["outcomes", "window"] => Some(format!("outcome window ({}s)", sc.round_unit)),
        ["outcomes", "low"] => Some("détente threshold (escalation index)".to_string()),
        ["outcomes", "high"] => Some("vicious-cycle threshold (escalation index)".to_string()),
        ["outcomes", "exchanges"] => Some("exchanges that make a vicious cycle".to_string()),
        ["outcomes", "rise"] => Some("rise that makes a vicious cycle (escalation index)".to_string()),
        ["sides", s, rest @ ..] => side(s).and_then(|i| {
            let sd = &sc.sides[i];
            let who = &sd.label;
            match rest {
                ["noise"] => Some(format!("{who} implementation noise ε")),
                ["misperception"] => Some(format!("{who} misperception μ")),
                ["baseline_welfare"] => Some(format!("{who} baseline welfare b ({})", sc.welfare_unit)),
                ["mutual_escalation_cost"] => Some(format!("{who} cost of mutual escalation m ({})", sc.welfare_unit)),
                ["strategy", p] => {
                    let spec = sd.strategy.kind().info().params.iter().find(|spec| spec.name == *p)?;
                    let symbol = if spec.symbol == spec.name { String::new() } else { format!(" {}", spec.symbol) };
                    Some(format!("{who} {}{symbol} ({})", spec.name.replace('_', " "), spec.about))
                }
                ["levers", l, field, tail @ ..] => {
                    let lever =
                        sd.levers.iter().find(|lv| lv.name == *l).map_or(l.replace('_', " "), |lv| lv.label.clone());
                    let what = match *field {
                        "pain" => "pain π".to_string(),
                        "cost" => "cost c".to_string(),
                        "erosion" => "erosion ρ".to_string(),
                        "erosion_floor" => "erosion floor φ".to_string(),
                        "weight" => "weight".to_string(),
                        "start" => "starting value".to_string(),
                        "floor" => "floor".to_string(),
                        "ladder" => format!("rung {}", tail.first().copied().unwrap_or("")),
                        other => other.replace('_', " "),
                    };
                    // A lever label may already name its side ("China rare-earth
                    // controls", "US tariffs on China").
                    let named = lever.starts_with(who.as_str())
                        || lever.to_lowercase().starts_with(&format!("{} ", sd.name.to_lowercase()));
                    let lever = if named { lever } else { format!("{who} {lever}") };
                    Some(format!("{lever} {what}{}", bound(tail)))
                }
                ["provocations", k, "prob"] => {
                    let label = k.parse::<usize>().ok().and_then(|k| sd.provocations.get(k)).map(|p| p.label.clone());
                    Some(format!("{who} provocation probability{}", label.map_or(String::new(), |l| format!(" ({l})"))))
                }
                _ => None,
            }
        }),
        ["events", e, field, ..] => {
            let event = sc
                .events
                .iter()
                .enumerate()
                .find(|(k, ev)| crate::sweep::path::slug(&ev.label) == *e || k.to_string() == *e)
                .map(|(_, ev)| ev.label.clone());
            let what = match *field {
                "renew_prob" => "renewal probability",
                "duration" => "duration",
                "start" => "start",
                "level" => "level while suspended",
                "snap_back" => "snap-back level",
                "to" => "new level",
                _ => return path.to_string(),
            };
            event.map(|label| format!("{label}: {what}"))
        }
        _ => None,
    };
    described.unwrap_or_else(|| path.to_string())
}

/// A parameter's description without a closing explanation in parentheses
/// ("United States generosity g (probability of ...)" → "United States
/// generosity g"); units in parentheses stay.
fn short_name(title: &str) -> String {
    match title.rfind(" (") {
        Some(k) if title.ends_with(')') && title[k..].contains(' ') && title.len() - k > 12 => title[..k].to_string(),
        _ => title.to_string(),
    }
}

/// The scenario's own value of a parameter: as written in the file, else
/// its default where the scenario knows it.
fn own_value(sc: &Scenario, p: &crate::sweep::ParamPath) -> Option<f64> {
    if let Some(v) = p.current.as_deref().and_then(|c| c.trim().parse::<f64>().ok()) {
        return Some(v);
    }
    let segs: Vec<&str> = p.canonical.split('.').collect();
    let side = |name: &str| sc.sides.iter().find(|s| s.name == name);
    match segs.as_slice() {
        ["rounds"] => Some(f64::from(sc.rounds)),
        ["discount"] => Some(sc.discount),
        ["outcomes", "window"] => Some(f64::from(sc.outcomes.window)),
        ["outcomes", "low"] => Some(sc.outcomes.low),
        ["outcomes", "high"] => Some(sc.outcomes.high),
        ["outcomes", "exchanges"] => Some(f64::from(sc.outcomes.exchanges)),
        ["outcomes", "rise"] => Some(sc.outcomes.rise),
        ["sides", s, "noise"] => side(s).map(|s| s.noise.nominal()),
        ["sides", s, "misperception"] => side(s).map(|s| s.misperception.nominal()),
        ["sides", s, "baseline_welfare"] => side(s).map(|s| s.baseline_welfare),
        ["sides", s, "mutual_escalation_cost"] => side(s).map(|s| s.mutual_escalation_cost),
        ["sides", s, "strategy", name] => side(s).and_then(|s| {
            let k = s.strategy.kind().info().params.iter().position(|spec| spec.name == *name)?;
            s.strategy.params().get(k).copied()
        }),
        _ => None,
    }
}

/// Short outcome names for narrow tables.
fn short_title(o: Outcome) -> &'static str {
    match o {
        Outcome::Coercion => "coercion",
        other => other.title(),
    }
}

/// The table printed on stdout: one line per point with each outcome's
/// share, the parameters named in a key above it; within `table::WIDTH`.
pub fn sweep_table(report: &SweepReport) -> String {
    let mut out = format!(
        "{}\nsweep of {} × {}, seed {}\n",
        report.title(),
        thousands_of(report.points as u64, "point"),
        thousands_of(report.meta.runs, "run"),
        report.meta.seed
    );
    for (k, a) in report.axes.iter().enumerate() {
        let own = a.own.map_or(String::new(), |v| format!("; the scenario's value: {}", fmt_value(v)));
        out.push_str(&format!("  p{} {}: {}{own}\n", k + 1, a.path, a.title));
    }
    out.push('\n');
    let mut header: Vec<String> = (1..=report.axes.len()).map(|k| format!("p{k}")).collect();
    header.extend(Outcome::ALL.iter().map(|o| short_title(*o).to_string()));
    let first_outcome = report.axes.len();
    let mut t = TextTable::new(header).group("share of runs", first_outcome, Outcome::ALL.len());
    for point in report.rows.chunks(Outcome::ALL.len() + 1).take(TABLE_POINTS) {
        let mut cells: Vec<String> = point[0].values.iter().map(|v| fmt_value(*v)).collect();
        cells.extend(point.iter().take(Outcome::ALL.len()).map(|r| crate::fmt::percent(r.summary.share)));
        t.row(cells);
    }
    out.push_str(&t.render());
    if report.points > TABLE_POINTS {
        out.push_str(&format!("… {} more points in sweep.csv\n", thousands((report.points - TABLE_POINTS) as u64)));
    }
    crate::fmt::wrap(&out, WIDTH)
}

fn thousands_of(n: u64, unit: &str) -> String {
    crate::fmt::count_of(n, unit)
}

/// The sweep as one JSON document (`--json`): the same figures as
/// `sweep.csv`, points with their parameter values and per-outcome rows.
pub fn sweep_json(report: &SweepReport) -> String {
    use serde_json::{Map, Value, json};
    let opt = |x: Option<f64>| x.map_or(Value::Null, |v| json!(v));
    let params: Vec<Value> = report
        .axes
        .iter()
        .map(|a| json!({ "path": a.path, "column": a.column, "title": a.title, "values": a.values, "scenario_value": opt(a.own) }))
        .collect();
    let points: Vec<Value> = report
        .rows
        .chunks(Outcome::ALL.len() + 1)
        .map(|rows| {
            let mut values = Map::new();
            for (a, v) in report.axes.iter().zip(&rows[0].values) {
                values.insert(a.path.clone(), json!(v));
            }
            let outcomes: Vec<Value> = rows
                .iter()
                .map(|r| {
                    let s = &r.summary;
                    let mut welfare = Map::new();
                    for (side, w) in report.meta.sides.iter().zip(&s.welfare) {
                        welfare.insert(side.clone(), json!({ "mean": opt(w.mean), "ci_low": opt(w.ci_low), "ci_high": opt(w.ci_high) }));
                    }
                    json!({
                        "outcome": s.slot.key(), "runs": s.runs, "share": s.share, "ci_low": s.ci_low, "ci_high": s.ci_high,
                        "welfare": welfare,
                    })
                })
                .collect();
            json!({ "point": rows[0].point, "values": values, "outcomes": outcomes })
        })
        .collect();
    let v = json!({
        "scenario": report.meta.scenario, "id": report.meta.scenario_id, "runs_per_point": report.meta.runs,
        "seed": report.meta.seed, "rounds": report.meta.rounds, "sides": report.meta.sides,
        "parameters": params, "points": points,
    });
    serde_json::to_string_pretty(&v).expect("JSON of plain values") + "\n"
}

/*!
An observed record of a standoff, in the project's history format
(`docs/history.md`), checked against a scenario's sides, levers and ladders.

A history is a CSV file with the columns `round,date,side,lever,value,source`:
round 0 gives every lever's starting value, and a row for round t ≥ 1 gives a
lever's value at the end of round t; a lever without a row in a round keeps
its value. Values must be rungs of the scenario's ladders. Lines starting with
`#` are comments.

From the rungs the history derives what the fit and the backtest compare with
the model: each side's escalation index E_i(t), computed as the engine
computes it, and each side's posture in each round, read as docs/model.md §3
step 5 defines a played action: `D` if any of the side's levers rose in the
round, `C` otherwise.

Parsing and validation are pure: `parse` takes the text; only `load` reads
the file.
*/

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::scenario::{self, MAX_ROUNDS, Scenario, Side};
use crate::strategy::Action;

/// The columns of a history file, in the documented order.
pub const COLUMNS: [&str; 6] = ["round", "date", "side", "lever", "value", "source"];

/// A problem with a history file: where it is and what is wrong.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{}{}: {message}{}", path.display(), line.map_or(String::new(), |l| format!(":{l}")), help.as_ref().map_or(String::new(), |h| format!(" ({h})")))]
pub struct HistoryError {
    pub path: PathBuf,
    /// 1-based line of the offending row, when there is one.
    pub line: Option<u64>,
    pub message: String,
    /// Valid names or rungs, or how to fix it.
    pub help: Option<String>,
}

impl HistoryError {
    fn new(path: &Path, line: Option<u64>, message: impl Into<String>) -> Self {
        HistoryError { path: path.to_path_buf(), line, message: message.into(), help: None }
    }

    fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
}

/// One row of the file, as read and resolved against the scenario.
#[derive(Clone, Debug, PartialEq)]
pub struct HistoryRow {
    /// 1-based line in the file.
    pub line: u64,
    pub round: u32,
    pub date: String,
    pub side: usize,
    pub lever: usize,
    /// Rung of the lever's ladder.
    pub rung: usize,
    pub source: String,
}

/// A validated record: the rung of every lever of both sides after each round
/// 0..=`rounds`.
#[derive(Clone, Debug, PartialEq)]
pub struct History {
    pub path: PathBuf,
    /// Last round of the record (T ≥ 1).
    pub rounds: u32,
    /// `rungs[t][side][lever]`.
    rungs: Vec<Vec<Vec<usize>>>,
    /// Calendar month of round 1 as (year, month 1–12), when the dates give it.
    pub first_month: Option<(i32, u32)>,
    pub rows: Vec<HistoryRow>,
}

/// Read and validate a history file against `sc`.
pub fn load(path: &Path, sc: &Scenario) -> Result<History, HistoryError> {
    let bytes = crate::input::read_bounded(path, crate::input::MAX_TEXT_BYTES)
        .map_err(|e| HistoryError::new(path, None, e.describe("history")))?;
    let text = String::from_utf8(bytes)
        .map_err(|_| HistoryError::new(path, None, "cannot read history: not a UTF-8 text file"))?;
    parse(path, &text, sc)
}

/// Validate history text as if read from `path`.
pub fn parse(path: &Path, text: &str, sc: &Scenario) -> Result<History, HistoryError> {
    let mut reader = csv::ReaderBuilder::new().comment(Some(b'#')).trim(csv::Trim::All).from_reader(text.as_bytes());
    let header = reader
        .headers()
        .map_err(|e| HistoryError::new(path, e.position().map(|p| p.line()), format!("cannot read the header: {e}")))?
        .clone();
    // The first line that is neither blank nor a comment (csv skips both).
    let header_line =
        text.lines().position(|l| !l.trim().is_empty() && !l.starts_with('#')).map_or(1, |i| i as u64 + 1);
    // A repeated column would be read from its first copy only: refuse it.
    for (i, name) in header.iter().enumerate() {
        if header.iter().take(i).any(|h| h == name) {
            return Err(HistoryError::new(
                path,
                Some(header_line),
                format!("column `{name}` appears twice in the header"),
            )
            .with_help(format!("the header must be `{}`", COLUMNS.join(","))));
        }
    }
    let mut col = [0usize; 6];
    for (k, name) in COLUMNS.iter().enumerate() {
        col[k] = header.iter().position(|h| h == *name).ok_or_else(|| {
            HistoryError::new(path, Some(header_line), format!("missing column `{name}`"))
                .with_help(format!("the header must be `{}`", COLUMNS.join(",")))
        })?;
    }
    if let Some(extra) = header.iter().find(|h| !COLUMNS.contains(h)) {
        return Err(HistoryError::new(path, Some(header_line), format!("unknown column `{extra}`"))
            .with_help(format!("the columns are `{}`", COLUMNS.join(","))));
    }

    let mut rows = Vec::new();
    let mut record = csv::StringRecord::new();
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                let line = e.position().map(|p| p.line());
                return Err(HistoryError::new(path, line, format!("malformed CSV: {e}")));
            }
        }
        let line = record.position().map_or(0, |p| p.line());
        let field = |k: usize| record.get(col[k]).unwrap_or("");
        rows.push(row(path, sc, line, [field(0), field(1), field(2), field(3), field(4), field(5)])?);
    }
    build(path, sc, rows)
}

fn row(path: &Path, sc: &Scenario, line: u64, f: [&str; 6]) -> Result<HistoryRow, HistoryError> {
    let [round, date, side, lever, value, source] = f;
    let err = |msg: String| HistoryError::new(path, Some(line), msg);
    let round: u32 = round
        .parse()
        .ok()
        .filter(|r| *r <= MAX_ROUNDS)
        .ok_or_else(|| err(format!("round must be a whole number from 0 to {MAX_ROUNDS}, got `{round}`")))?;
    if parse_month(date).is_none() {
        return Err(err(format!("date must be YYYY-MM-DD or YYYY-MM, got `{date}`")));
    }
    if let Some((year, month, day)) = day_of(date)
        && day > days_in_month(year, month)
    {
        return Err(err(format!(
            "date {date} does not exist: {} {year} has {} days",
            MONTHS[month as usize - 1],
            days_in_month(year, month)
        )));
    }
    let sides: Vec<&str> = sc.sides.iter().map(|s| s.name.as_str()).collect();
    let side_ix = sc
        .side_index(side)
        .ok_or_else(|| err(format!("unknown side `{side}`")).with_help(known("sides of the scenario", side, &sides)))?;
    let s = &sc.sides[side_ix];
    let levers: Vec<&str> = s.levers.iter().map(|l| l.name.as_str()).collect();
    let lever_ix = levers.iter().position(|l| *l == lever).ok_or_else(|| {
        err(format!("unknown lever `{lever}` of side `{side}`")).with_help(known(
            &format!("levers of `{side}`"),
            lever,
            &levers,
        ))
    })?;
    let ladder = &s.levers[lever_ix].ladder;
    let rungs = || ladder.iter().map(|r| r.to_string()).collect::<Vec<_>>().join(", ");
    let x: f64 = value
        .parse()
        .ok()
        .filter(|x: &f64| x.is_finite())
        .ok_or_else(|| err(format!("value must be a number, got `{value}`")))?;
    let rung = ladder.iter().position(|&r| (r - x).abs() <= 1e-9 * r.abs().max(1.0)).ok_or_else(|| {
        err(format!("value {x} is not a rung of `{side}.{lever}`")).with_help(format!("rungs: {}", rungs()))
    })?;
    if source.is_empty() {
        return Err(err("source is empty".into()).with_help("cite where the value comes from"));
    }
    Ok(HistoryRow {
        line,
        round,
        date: date.to_string(),
        side: side_ix,
        lever: lever_ix,
        rung,
        source: source.to_string(),
    })
}

fn known(what: &str, got: &str, names: &[&str]) -> String {
    let list = names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ");
    match scenario::nearest(got, names) {
        Some(n) => format!("did you mean `{n}`? {what}: {list}"),
        None => format!("{what}: {list}"),
    }
}

/// (year, month) of `YYYY-MM-DD` or `YYYY-MM` (the day is checked in `row`).
fn parse_month(date: &str) -> Option<(i32, u32)> {
    let mut parts = date.split('-');
    let year: i32 = parts.next().filter(|y| y.len() == 4)?.parse().ok()?;
    let month: u32 = parts.next().filter(|m| m.len() == 2)?.parse().ok().filter(|m| (1..=12).contains(m))?;
    match parts.next() {
        None => {}
        Some(d) if d.len() == 2 && d.parse::<u32>().is_ok_and(|d| (1..=31).contains(&d)) => {}
        Some(_) => return None,
    }
    parts.next().is_none().then_some((year, month))
}

/// (year, month, day) of a `YYYY-MM-DD` date that `parse_month` accepts.
fn day_of(date: &str) -> Option<(i32, u32, u32)> {
    let (year, month) = parse_month(date)?;
    let day = date.splitn(3, '-').nth(2)?.parse().ok()?;
    Some((year, month, day))
}

/// Days in `month` (1–12) of `year`, Gregorian calendar.
fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        _ => 31,
    }
}

fn month_number((year, month): (i32, u32)) -> i64 {
    i64::from(year) * 12 + i64::from(month) - 1
}

fn build(path: &Path, sc: &Scenario, rows: Vec<HistoryRow>) -> Result<History, HistoryError> {
    let Some(rounds) = rows.iter().map(|r| r.round).max().filter(|&t| t >= 1) else {
        return Err(HistoryError::new(path, None, "the history has no rounds after the start (round 0)")
            .with_help("give round 0 (the starting state) and at least round 1"));
    };
    // One row per (round, side, lever).
    let mut seen: BTreeMap<(u32, usize, usize), u64> = BTreeMap::new();
    for r in &rows {
        if let Some(first) = seen.insert((r.round, r.side, r.lever), r.line) {
            return Err(HistoryError::new(
                path,
                Some(r.line),
                format!(
                    "second value for `{}.{}` in round {} (first on line {first})",
                    sc.sides[r.side].name, sc.sides[r.side].levers[r.lever].name, r.round
                ),
            ));
        }
    }
    // Round 0 names every lever.
    let missing: Vec<String> = sc
        .sides
        .iter()
        .enumerate()
        .flat_map(|(i, s)| s.levers.iter().enumerate().map(move |(l, lever)| (i, l, s, lever)))
        .filter(|(i, l, _, _)| !seen.contains_key(&(0, *i, *l)))
        .map(|(_, _, s, lever)| format!("`{}.{}`", s.name, lever.name))
        .collect();
    if !missing.is_empty() {
        return Err(HistoryError::new(path, None, format!("no starting value (round 0) for {}", missing.join(", ")))
            .with_help("round 0 gives the rung of every lever of both sides at the start"));
    }
    // Dates agree on one calendar: round t falls in month (first month + t − 1).
    let mut first_month: Option<(i64, u64)> = None;
    for r in rows.iter().filter(|r| r.round >= 1) {
        let m = month_number(parse_month(&r.date).expect("checked in row"));
        let round1 = m - i64::from(r.round) + 1;
        match first_month {
            None => first_month = Some((round1, r.line)),
            Some((f, line)) if f != round1 => {
                return Err(HistoryError::new(
                    path,
                    Some(r.line),
                    format!(
                        "date {} is not in the month of round {} (line {line} puts round 1 in {})",
                        r.date,
                        r.round,
                        month_label(f)
                    ),
                )
                .with_help("round t is the t-th month of the record; use the date the change took effect"));
            }
            Some(_) => {}
        }
    }
    let mut rungs: Vec<Vec<Vec<usize>>> = Vec::with_capacity(rounds as usize + 1);
    let start: Vec<Vec<usize>> = sc.sides.iter().map(|s| vec![0; s.levers.len()]).collect();
    rungs.push(start);
    for t in 0..=rounds {
        if t > 0 {
            let prev = rungs[t as usize - 1].clone();
            rungs.push(prev);
        }
        for r in rows.iter().filter(|r| r.round == t) {
            rungs[t as usize][r.side][r.lever] = r.rung;
        }
    }
    Ok(History {
        path: path.to_path_buf(),
        rounds,
        rungs,
        first_month: first_month.map(|(m, _)| ((m.div_euclid(12)) as i32, (m.rem_euclid(12) + 1) as u32)),
        rows,
    })
}

const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

fn month_label(m: i64) -> String {
    format!("{} {}", MONTHS[m.rem_euclid(12) as usize], m.div_euclid(12))
}

/// The escalation index of `side` when its lever `l` stands at rung `rung(l)`:
/// Σ w_l·I_l / Σ w_l, summed in file order as the engine sums it.
pub fn escalation_index(side: &Side, rung: impl Fn(usize) -> usize) -> f64 {
    let mut e = 0.0;
    for (l, lever) in side.levers.iter().enumerate() {
        e += lever.weight * lever.intensity[rung(l)];
    }
    e / side.weight_total
}

impl History {
    /// Rung of `side`'s lever `lever` after round `t` (0 = the start).
    pub fn rung(&self, t: u32, side: usize, lever: usize) -> usize {
        self.rungs[t as usize][side][lever]
    }

    /// Observed escalation index of `side` after round `t`.
    pub fn index(&self, sc: &Scenario, t: u32, side: usize) -> f64 {
        escalation_index(&sc.sides[side], |l| self.rung(t, side, l))
    }

    /// Whether any of `side`'s levers rose in round `t` (t ≥ 1).
    pub fn rose(&self, t: u32, side: usize) -> bool {
        let (now, before) = (&self.rungs[t as usize][side], &self.rungs[t as usize - 1][side]);
        now.iter().zip(before).any(|(a, b)| a > b)
    }

    /// `side`'s posture in round `t` (t ≥ 1): `D` if any of its levers rose.
    pub fn posture(&self, t: u32, side: usize) -> Action {
        if self.rose(t, side) { Action::D } else { Action::C }
    }

    /// `side`'s postures in rounds 1..=T.
    pub fn postures(&self, side: usize) -> Vec<Action> {
        (1..=self.rounds).map(|t| self.posture(t, side)).collect()
    }

    /// Rounds read as `C` although the side could not have raised anything:
    /// every lever already at its top rung and none lowered. The model would
    /// call such a hold a `D` if the side chose to escalate (docs/history.md).
    pub fn ambiguous_holds(&self, sc: &Scenario, side: usize) -> Vec<u32> {
        let s = &sc.sides[side];
        (1..=self.rounds)
            .filter(|&t| {
                let before = &self.rungs[t as usize - 1][side];
                let now = &self.rungs[t as usize][side];
                now == before && now.iter().zip(&s.levers).all(|(&r, l)| r == l.top())
            })
            .collect()
    }

    /// Label of round `t`: "Apr 2025" when the dates give a calendar, else
    /// "round 4"; round 0 is "start".
    pub fn round_label(&self, t: u32) -> String {
        match (t, self.first_month) {
            (0, _) => "start".to_string(),
            (t, Some(first)) => month_label(month_number(first) + i64::from(t) - 1),
            (t, None) => format!("round {t}"),
        }
    }

    /// Line of the row that set `side`'s lever `lever` in round 0.
    pub fn start_line(&self, side: usize, lever: usize) -> Option<u64> {
        self.rows.iter().find(|r| r.round == 0 && r.side == side && r.lever == lever).map(|r| r.line)
    }

    /// Check that the record starts where the scenario does (for a backtest).
    pub fn check_start(&self, sc: &Scenario) -> Result<(), HistoryError> {
        for (i, s) in sc.sides.iter().enumerate() {
            for (l, lever) in s.levers.iter().enumerate() {
                let (ours, theirs) = (self.rung(0, i, l), lever.start);
                if ours != theirs {
                    return Err(HistoryError::new(
                        &self.path,
                        self.start_line(i, l),
                        format!(
                            "`{}.{}` starts at {} in the history but at {} in scenario `{}`",
                            s.name, lever.name, lever.ladder[ours], lever.ladder[theirs], sc.id
                        ),
                    )
                    .with_help("a backtest plays the scenario from the record's starting state: make `start` agree"));
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;

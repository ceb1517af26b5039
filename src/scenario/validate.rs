/*!
`RawScenario` → `Scenario`: every semantic check, each error pointing at the
offending value. This is the only constructor of `Scenario`.
*/

use std::ops::Range;
use std::path::Path;
use std::sync::Arc;

use super::raw::*;
use super::*;
use crate::error::ScenarioError;
use crate::rng;
use crate::strategy::{self, Kind, ParamDefault, ParamSpec, Strategy};

/// Most rounds a scenario may have.
pub const MAX_ROUNDS: u32 = 10_000;
/// Most runs in one batch (the exact welfare accumulators hold 2^35 values).
pub const MAX_RUNS: u64 = 10_000_000_000;
/// Most levers per side.
pub const MAX_LEVERS: usize = 16;
/// Most rungs per ladder.
pub const MAX_RUNGS: usize = 64;
/// Most per-round histogram cells ((rounds + 1) × (rungs + index bins) over
/// sides): what `MAX_ROUNDS` rounds of the smallest scenario (one two-rung
/// lever per side) need, so that the rounds limit is reachable; keeps each
/// worker's accumulator under about 32 MB.
pub const MAX_CELLS: u64 = (MAX_ROUNDS as u64 + 1) * 2 * (2 + INDEX_BINS as u64);
/// Bins of the per-round escalation-index histogram (resolution 1/200).
pub const INDEX_BINS: usize = 201;

struct Ctx<'a> {
    path: &'a Path,
    source: &'a Arc<str>,
}

impl Ctx<'_> {
    fn err(&self, span: Range<usize>, msg: impl Into<String>) -> ScenarioError {
        ScenarioError::new(self.path, self.source, Some(span), msg)
    }
}

type R<T> = Result<T, ScenarioError>;

pub(crate) fn toml_error(path: &Path, source: &Arc<str>, e: &toml::de::Error) -> ScenarioError {
    let message = plain_types(e.message().trim());
    let mut err = ScenarioError::new(path, source, e.span(), message.clone());
    if let Some(help) = did_you_mean_from_message(&message) {
        err = err.with_help(help);
    }
    err
}

/// Serde names the Rust type it wanted ("expected i64"); a scenario's author
/// reads "a whole number" or "a number".
fn plain_types(msg: &str) -> String {
    let whole = ["i8", "i16", "i32", "i64", "u8", "u16", "u32", "u64", "usize", "isize"];
    let kind = |t: &str| {
        if whole.contains(&t) { Some("a whole number") } else { ["f32", "f64"].contains(&t).then_some("a number") }
    };
    match msg.rsplit_once(", expected ") {
        Some((head, t)) => match kind(t) {
            Some(plain) => format!("{head}, expected {plain}"),
            None => msg.to_string(),
        },
        None => msg.to_string(),
    }
}

/// For serde's "unknown field `x`, expected one of `a`, `b`" (and "unknown
/// variant"), suggest the nearest expected name.
fn did_you_mean_from_message(msg: &str) -> Option<String> {
    let rest = msg.strip_prefix("unknown field `").or_else(|| msg.strip_prefix("unknown variant `"))?;
    let (got, tail) = rest.split_once('`')?;
    let expected: Vec<&str> = tail.split('`').skip(1).step_by(2).collect();
    nearest(got, &expected).map(|n| format!("did you mean `{n}`?"))
}

/// The candidate closest to `got` by edit distance, if it is close enough to
/// be a typo.
pub(crate) fn nearest<'a>(got: &str, candidates: &[&'a str]) -> Option<&'a str> {
    let limit = (got.chars().count() / 3).max(2);
    let close = candidates
        .iter()
        .map(|c| (edit_distance(got, c), *c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c);
    // Else the one name sharing a long start with it (`soybeans` →
    // `soybean_purchases`).
    close.or_else(|| {
        let common = |c: &str| got.chars().zip(c.chars()).take_while(|(a, b)| a == b).count();
        let mut long = candidates.iter().filter(|c| common(c) >= 5);
        match (long.next(), long.next()) {
            (Some(c), None) => Some(*c),
            _ => None,
        }
    })
}

pub(crate) fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + (ca != *cb) as usize).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

fn list(names: &[&str]) -> String {
    names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ")
}

/// "unknown lever `x` of side `us`": `what` names the kind, `of` the owner.
fn unknown_name(cx: &Ctx, span: Range<usize>, what: &str, of: &str, got: &str, known: &[&str]) -> ScenarioError {
    let err = cx.err(span, format!("unknown {what} `{got}`{of}"));
    match nearest(got, known) {
        Some(n) => err.with_help(format!("did you mean `{n}`? known: {}", list(known))),
        None => err.with_help(format!("known: {}", list(known))),
    }
}

fn check_name(cx: &Ctx, name: &S<String>, what: &str) -> R<String> {
    let n = name.get_ref();
    let ok = n.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && n.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if !ok {
        return Err(cx
            .err(name.span(), format!("invalid {what} name `{n}`"))
            .with_help("use letters, digits, `_` or `-`, starting with a letter (it names CSV columns)"));
    }
    Ok(n.clone())
}

fn prob(cx: &Ctx, v: &S<f64>, what: &str) -> R<f64> {
    let x = *v.get_ref();
    if !(0.0..=1.0).contains(&x) {
        return Err(cx.err(v.span(), format!("{what} must be a probability in [0, 1], got {x}")));
    }
    Ok(x)
}

fn finite(cx: &Ctx, v: &S<f64>, what: &str) -> R<f64> {
    let x = *v.get_ref();
    if !x.is_finite() {
        return Err(cx.err(v.span(), format!("{what} must be a finite number, got {x}")));
    }
    if x.abs() > 1e6 {
        return Err(cx.err(v.span(), format!("{what} must be at most 1e6 in size, got {x}")).with_help(
            "rescale the welfare unit (e.g. $bn instead of $m per round): totals are kept exactly up to 1e9",
        ));
    }
    Ok(x)
}

fn int_in(cx: &Ctx, v: &S<i64>, what: &str, lo: i64, hi: i64) -> R<i64> {
    let x = *v.get_ref();
    if x < lo || x > hi {
        return Err(cx.err(v.span(), format!("{what} must be between {lo} and {hi}, got {x}")));
    }
    Ok(x)
}

fn param(cx: &Ctx, v: &S<RawParam>, what: &str, unit_interval: bool) -> R<Param> {
    let check = |x: f64, span: Range<usize>| -> R<f64> {
        let sx = S::new(span, x);
        if unit_interval { prob(cx, &sx, what) } else { finite(cx, &sx, what) }
    };
    Ok(match v.get_ref() {
        RawParam::Fixed(x) => Param::Fixed(check(*x, v.span())?),
        RawParam::Uniform(u) => {
            let span = u.span();
            let &[lo, hi] = u.get_ref().as_slice() else {
                return Err(
                    cx.err(span, format!("{what}: `uniform` takes two numbers [lo, hi], got {}", u.get_ref().len()))
                );
            };
            let (lo, hi) = (check(lo, span.clone())?, check(hi, span.clone())?);
            if lo > hi {
                return Err(cx.err(span, format!("{what}: uniform lower bound {lo} is above the upper bound {hi}")));
            }
            Param::Uniform { lo, hi }
        }
        RawParam::Normal(n) => {
            let span = n.span();
            let RawNormal { mean, sd, min, max } = *n.get_ref();
            let (mean, min, max) = (check(mean, span.clone())?, check(min, span.clone())?, check(max, span.clone())?);
            if !(sd.is_finite() && sd >= 0.0) {
                return Err(cx.err(span, format!("{what}: normal sd must be finite and >= 0, got {sd}")));
            }
            if min > max {
                return Err(cx.err(span, format!("{what}: normal min {min} is above max {max}")));
            }
            if sd > 0.0 {
                let mass = stats::normal_cdf((max - mean) / sd) - stats::normal_cdf((min - mean) / sd);
                if mass < 1e-6 {
                    return Err(cx.err(
                        span,
                        format!("{what}: [{min}, {max}] holds almost none of the normal's mass (mean {mean}, sd {sd})"),
                    ));
                }
            }
            Param::Normal { mean, sd, lo: min, hi: max }
        }
        RawParam::Beta(v) => {
            let span = v.span();
            let &[a, b] = v.get_ref().as_slice() else {
                return Err(cx.err(span, format!("{what}: `beta` takes two numbers [a, b], got {}", v.get_ref().len())));
            };
            if !(a.is_finite() && b.is_finite() && a > 0.0 && b > 0.0 && a <= 1e6 && b <= 1e6) {
                return Err(cx
                    .err(span, format!("{what}: beta parameters must be positive, got [{a}, {b}]"))
                    .with_help(
                        "beta = [successes + 1, failures + 1] is the posterior of a probability under a uniform prior",
                    ));
            }
            Param::Beta { a, b }
        }
        RawParam::Exponential(v) => {
            let mean = *v.get_ref();
            if !(mean.is_finite() && mean > 0.0) {
                return Err(cx.err(v.span(), format!("{what}: exponential mean must be positive, got {mean}")));
            }
            if unit_interval {
                return Err(cx
                    .err(v.span(), format!("{what} is a probability: an exponential draw can exceed 1"))
                    .with_help("use `{ beta = [a, b] }` or `{ uniform = [lo, hi] }` for a probability"));
            }
            finite(cx, &S::new(v.span(), mean * 36.737), what)?;
            Param::Exponential { mean }
        }
    })
}

/// The rung whose value is `v` (exact, or within 1e-9 relative).
fn rung_of(cx: &Ctx, ladder: &[f64], v: &S<f64>, what: &str) -> R<usize> {
    let x = *v.get_ref();
    ladder.iter().position(|&r| (r - x).abs() <= 1e-9 * r.abs().max(1.0)).ok_or_else(|| {
        let rungs: Vec<String> = ladder.iter().map(|r| r.to_string()).collect();
        cx.err(v.span(), format!("{what} {x} is not a rung of the ladder"))
            .with_help(format!("rungs: {}", rungs.join(", ")))
    })
}

pub(super) fn validate(path: &Path, source: &Arc<str>, raw: RawScenario) -> R<Scenario> {
    let cx = Ctx { path, source };
    let id = path.file_stem().map_or("scenario".to_string(), |s| s.to_string_lossy().into_owned());
    let name = raw.name.as_ref().map_or(id.clone(), |n| n.get_ref().clone());
    let rounds = int_in(&cx, &raw.rounds, "rounds", 1, MAX_ROUNDS as i64)? as u32;
    let runs = match &raw.runs {
        Some(r) => int_in(&cx, r, "runs", 1, MAX_RUNS as i64)? as u64,
        None => DEFAULT_RUNS,
    };
    let seed = match &raw.seed {
        Some(s) => int_in(&cx, s, "seed", 0, i64::MAX)? as u64,
        None => DEFAULT_SEED,
    };
    let discount = match &raw.discount {
        Some(d) => {
            let x = *d.get_ref();
            if !(x > 0.0 && x <= 1.0) {
                return Err(cx.err(d.span(), format!("discount must be in (0, 1], got {x}")));
            }
            x
        }
        None => 1.0,
    };
    let outcomes = outcome_rules(&cx, raw.outcomes.as_ref(), rounds)?;

    if raw.sides.len() != 2 {
        // Point at the first side too many, or at the lone side; with none
        // there is nothing to point at.
        let span = raw.sides.get(2).or(raw.sides.last()).map(|s| s.span());
        return Err(ScenarioError::new(
            path,
            source,
            span,
            format!("a scenario needs exactly two sides, found {}", raw.sides.len()),
        )
        .with_help("declare each side with a `[[sides]]` table; more than two sides is not supported yet"));
    }
    let mut sides = Vec::with_capacity(2);
    for (i, s) in raw.sides.iter().enumerate() {
        let side = side(&cx, s.get_ref())?;
        if let Some(prev) = sides.iter().position(|p: &Side| p.name == side.name) {
            let _ = prev;
            return Err(cx.err(s.get_ref().name.span(), format!("duplicate side name `{}`", side.name)));
        }
        debug_assert!(i < rng::MAX_SIDES);
        sides.push(side);
    }
    // Cross-references: `answers` names levers of the other side.
    for i in 0..2 {
        let j = 1 - i;
        let other: Vec<&str> = sides[j].levers.iter().map(|l| l.name.as_str()).collect();
        let mut responses = vec![Vec::new(); other.len()];
        for (own, rl) in raw.sides[i].get_ref().levers.iter().enumerate() {
            for a in &rl.get_ref().answers {
                let Some(t) = other.iter().position(|n| *n == a.get_ref()) else {
                    let of = format!(" of side `{}`", sides[j].name);
                    return Err(unknown_name(&cx, a.span(), "lever", &of, a.get_ref(), &other));
                };
                if !responses[t].contains(&own) {
                    responses[t].push(own);
                }
            }
        }
        for r in responses.iter_mut().filter(|r| r.is_empty()) {
            r.push(sides[i].primary);
        }
        sides[i].responses = responses;
    }
    // Demands name levers of the other side.
    for i in 0..2 {
        let (demands, given) = demands(&cx, &raw.sides[i].get_ref().demands, &sides[1 - i])?;
        sides[i].demands = demands;
        sides[i].demands_given = given;
    }
    for i in 0..2 {
        sides[i].payoff_range = payoff_range(&sides, i);
    }
    // Strategies last: generous TFT's default needs the stage game.
    for (i, s) in raw.sides.iter().enumerate() {
        let (strategy, params) = strategy(&cx, &s.get_ref().strategy, &sides, i)?;
        sides[i].strategy = strategy;
        sides[i].strategy_params = params;
    }
    let events = raw.events.iter().map(|e| event(&cx, e, &sides, rounds)).collect::<R<Vec<_>>>()?;

    check_size(&cx, &sides, rounds, raw.rounds.span())?;
    check_welfare_bound(&cx, &raw, &sides, rounds)?;
    let runs_per_draw =
        raw.runs_per_draw.as_ref().map(|v| int_in(&cx, v, "runs_per_draw", 1, 1_000_000)).transpose()?.unwrap_or(1)
            as u64;

    Ok(Scenario {
        id,
        name,
        description: raw.description.unwrap_or_default().trim().to_string(),
        rounds,
        runs,
        seed,
        discount,
        round_unit: raw.round_unit.unwrap_or_else(|| "round".into()),
        welfare_unit: raw.welfare_unit.unwrap_or_else(|| "welfare units".into()),
        first_round: raw.first_round,
        runs_per_draw,
        sides,
        events,
        outcomes,
    })
}

/// A side's demands on `other`: each names a lever of `other` and a rung it
/// must come down to. None written: every lever of `other` at its floor.
fn demands(cx: &Ctx, raw: &[S<RawDemand>], other: &Side) -> R<(Vec<Demand>, bool)> {
    if raw.is_empty() {
        let all = other.levers.iter().enumerate().map(|(l, lever)| Demand { lever: l, level: lever.floor });
        return Ok((all.collect(), false));
    }
    let names: Vec<&str> = other.levers.iter().map(|l| l.name.as_str()).collect();
    let mut out: Vec<Demand> = Vec::with_capacity(raw.len());
    for d in raw {
        let d = d.get_ref();
        let of = format!(" of side `{}`", other.name);
        let lever = names
            .iter()
            .position(|n| *n == d.lever.get_ref())
            .ok_or_else(|| unknown_name(cx, d.lever.span(), "lever", &of, d.lever.get_ref(), &names))?;
        if out.iter().any(|o| o.lever == lever) {
            return Err(cx.err(d.lever.span(), format!("lever `{}` is demanded twice", names[lever])));
        }
        let level = rung_of(cx, &other.levers[lever].ladder, &d.level, "demand level")?;
        out.push(Demand { lever, level });
    }
    Ok((out, true))
}

fn outcome_rules(cx: &Ctx, raw: Option<&S<RawOutcomes>>, rounds: u32) -> R<OutcomeRules> {
    let default_window = (rounds / 4).max(1);
    let Some(o) = raw else {
        return Ok(OutcomeRules {
            window: default_window,
            low: DEFAULT_LOW,
            high: DEFAULT_HIGH,
            exchanges: default_window.div_ceil(2),
            rise: DEFAULT_RISE,
        });
    };
    let o_ref = o.get_ref();
    let window = match &o_ref.window {
        Some(w) => int_in(cx, w, "outcomes.window", 1, rounds as i64)? as u32,
        None => default_window,
    };
    let low = o_ref.low.as_ref().map(|v| prob(cx, v, "outcomes.low")).transpose()?.unwrap_or(DEFAULT_LOW);
    let high = o_ref.high.as_ref().map(|v| prob(cx, v, "outcomes.high")).transpose()?.unwrap_or(DEFAULT_HIGH);
    if low >= high {
        let span = o_ref.high.as_ref().or(o_ref.low.as_ref()).map_or(o.span(), |v| v.span());
        return Err(cx.err(span, format!("outcomes.low ({low}) must be below outcomes.high ({high})")));
    }
    let exchanges = match &o_ref.exchanges {
        Some(x) => int_in(cx, x, "outcomes.exchanges", 1, window as i64)? as u32,
        None => window.div_ceil(2),
    };
    let rise = o_ref.rise.as_ref().map(|v| prob(cx, v, "outcomes.rise")).transpose()?.unwrap_or(DEFAULT_RISE);
    Ok(OutcomeRules { window, low, high, exchanges, rise })
}

fn side(cx: &Ctx, s: &RawSide) -> R<Side> {
    let name = check_name(cx, &s.name, "side")?;
    if s.levers.is_empty() {
        return Err(cx
            .err(s.name.span(), format!("side `{name}` has no levers"))
            .with_help("add at least one `[[sides.levers]]` table"));
    }
    if s.levers.len() > MAX_LEVERS {
        return Err(cx.err(
            s.levers[MAX_LEVERS].span(),
            format!("side `{name}` has {} levers; at most {MAX_LEVERS} are supported", s.levers.len()),
        ));
    }
    let mut levers: Vec<Lever> = Vec::with_capacity(s.levers.len());
    for l in &s.levers {
        let lever = lever(cx, l.get_ref())?;
        if levers.iter().any(|p| p.name == lever.name) {
            return Err(
                cx.err(l.get_ref().name.span(), format!("duplicate lever name `{}` on side `{name}`", lever.name))
            );
        }
        levers.push(lever);
    }
    let names: Vec<&str> = levers.iter().map(|l| l.name.as_str()).collect();
    let find = |n: &S<String>| -> R<usize> {
        names
            .iter()
            .position(|x| x == n.get_ref())
            .ok_or_else(|| unknown_name(cx, n.span(), "lever", &format!(" of side `{name}`"), n.get_ref(), &names))
    };
    let primary = s.primary.as_ref().map(&find).transpose()?.unwrap_or(0);
    if s.provocations.len() > rng::MAX_PROVOCATIONS {
        return Err(cx.err(
            s.provocations[rng::MAX_PROVOCATIONS].span(),
            format!("at most {} provocations per side", rng::MAX_PROVOCATIONS),
        ));
    }
    let provocations = s
        .provocations
        .iter()
        .map(|p| {
            let p = p.get_ref();
            let lever = find(&p.lever)?;
            Ok(Provocation {
                lever,
                prob: param(cx, &p.prob, "provocation prob", true)?,
                label: p.label.clone().unwrap_or_else(|| format!("{} {} provocation", name, names[lever])),
            })
        })
        .collect::<R<Vec<_>>>()?;
    let weight_total = levers.iter().map(|l| l.weight).sum();
    Ok(Side {
        label: s.label.clone().unwrap_or_else(|| name.clone()),
        strategy: Kind::TitForTat.with(&[]), // resolved once both sides are known
        strategy_params: Vec::new(),
        demands: Vec::new(),
        demands_given: false,
        last_move: match &s.last_move {
            None => None,
            Some(m) => match m.get_ref().as_str() {
                "escalate" => Some(crate::strategy::Action::D),
                "concede" => Some(crate::strategy::Action::C),
                other => {
                    return Err(unknown_name(cx, m.span(), "last move", "", other, &["escalate", "concede"]));
                }
            },
        },
        payoff_range: (0.0, 0.0),
        noise: s.noise.as_ref().map(|v| param(cx, v, "noise", true)).transpose()?.unwrap_or(Param::Fixed(0.0)),
        misperception: s
            .misperception
            .as_ref()
            .map(|v| param(cx, v, "misperception", true))
            .transpose()?
            .unwrap_or(Param::Fixed(0.0)),
        baseline_welfare: s
            .baseline_welfare
            .as_ref()
            .map(|v| finite(cx, v, "baseline_welfare"))
            .transpose()?
            .unwrap_or(0.0),
        mutual_escalation_cost: s
            .mutual_escalation_cost
            .as_ref()
            .map(|v| finite(cx, v, "mutual_escalation_cost"))
            .transpose()?
            .unwrap_or(0.0),
        name,
        levers,
        provocations,
        primary,
        responses: Vec::new(),
        weight_total,
    })
}

fn lever(cx: &Ctx, l: &RawLever) -> R<Lever> {
    let name = check_name(cx, &l.name, "lever")?;
    let ladder_span = l.ladder.span();
    let ladder: Vec<f64> = l.ladder.get_ref().iter().map(|v| finite(cx, v, "ladder rung")).collect::<R<_>>()?;
    if ladder.len() < 2 {
        return Err(cx
            .err(ladder_span, format!("lever `{name}` needs a ladder of at least 2 rungs, got {}", ladder.len()))
            .with_help("list the lever's levels from least to most escalated, e.g. ladder = [10, 20, 47, 145]"));
    }
    if ladder.len() > MAX_RUNGS {
        return Err(cx.err(
            ladder_span,
            format!("lever `{name}` has {} rungs; at most {MAX_RUNGS} are supported", ladder.len()),
        ));
    }
    let up = ladder[1] > ladder[0];
    for (k, w) in l.ladder.get_ref().windows(2).enumerate() {
        let (a, b) = (*w[0].get_ref(), *w[1].get_ref());
        if (up && b <= a) || (!up && b >= a) {
            return Err(cx
                .err(
                    w[1].span(),
                    format!("ladder of `{name}` is not strictly monotonic at rung {}: {a} then {b}", k + 1),
                )
                .with_help(
                    "rungs go from least to most escalated, all increasing (tariff %) or all decreasing (purchases)",
                ));
        }
    }
    let span = (ladder[ladder.len() - 1] - ladder[0]).abs();
    let intensity = ladder.iter().map(|v| (v - ladder[0]).abs() / span).collect();
    let start = l.start.as_ref().map(|v| rung_of(cx, &ladder, v, "start")).transpose()?.unwrap_or(0);
    let floor = l.floor.as_ref().map(|v| rung_of(cx, &ladder, v, "floor")).transpose()?.unwrap_or(0);
    let weight = match &l.weight {
        Some(w) => {
            let x = finite(cx, w, "weight")?;
            if x <= 0.0 {
                return Err(cx.err(w.span(), format!("weight must be positive, got {x}")));
            }
            x
        }
        None => 1.0,
    };
    let opt = |p: &Option<S<RawParam>>, what: &str, unit: bool, default: f64| -> R<Param> {
        p.as_ref().map(|p| param(cx, p, what, unit)).transpose().map(|p| p.unwrap_or(Param::Fixed(default)))
    };
    Ok(Lever {
        label: l.label.clone().unwrap_or_else(|| name.replace('_', " ")),
        unit: l.unit.clone().unwrap_or_default(),
        ladder,
        intensity,
        start,
        floor,
        pain: param(cx, &l.pain, "pain", false)?,
        cost: opt(&l.cost, "cost", false, 0.0)?,
        erosion: opt(&l.erosion, "erosion", true, 0.0)?,
        erosion_floor: opt(&l.erosion_floor, "erosion_floor", true, 0.0)?,
        revenue: opt(&l.revenue, "revenue", false, 0.0)?,
        terms_of_trade: opt(&l.terms_of_trade, "terms_of_trade", false, 0.0)?,
        political_gain: opt(&l.political_gain, "political_gain", false, 0.0)?,
        political_pain: opt(&l.political_pain, "political_pain", false, 0.0)?,
        weight,
        name,
    })
}

/// Validate a `{ kind = "...", <parameters> }` strategy table for side `i` of
/// already validated `sides` (a generous TFT's default generosity comes from
/// that side's stage game), with errors pointing into `source`, read from
/// `path`. The same check as a scenario's own strategies; used for tournament
/// candidates.
pub(crate) fn strategy_for_side(
    path: &Path,
    source: &Arc<str>,
    s: &S<RawStrategy>,
    sides: &[Side],
    i: usize,
) -> R<Strategy> {
    // A candidate plays its parameters' nominal values (a distribution's mean).
    strategy(&Ctx { path, source }, s, sides, i).map(|(s, _)| s)
}

fn strategy(cx: &Ctx, s: &S<RawStrategy>, sides: &[Side], i: usize) -> R<(Strategy, Vec<Param>)> {
    let raw = s.get_ref();
    let name = raw.kind.get_ref().as_str();
    let names = Kind::names();
    let Some(kind) = Kind::from_name(name) else {
        return Err(unknown_name(cx, raw.kind.span(), "strategy", "", name, &names).with_help(format!(
            "{}strategies: {} (run `simulate strategies` for their parameters)",
            nearest(name, &names).map_or(String::new(), |n| format!("did you mean `{n}`? ")),
            names.join(", ")
        )));
    };
    let specs = kind.info().params;
    let allowed: Vec<&str> = specs.iter().map(|p| p.name).collect();
    for (pname, _) in &raw.params {
        if kind.param(pname.get_ref()).is_none() {
            let help = match (allowed.is_empty(), nearest(pname.get_ref(), &allowed)) {
                (true, _) => format!("`{name}` takes no parameters"),
                (false, Some(n)) => format!("did you mean `{n}`? `{name}` takes: {}", list(&allowed)),
                (false, None) => format!("`{name}` takes: {}", list(&allowed)),
            };
            return Err(cx
                .err(pname.span(), format!("strategy `{name}` has no parameter `{}`", pname.get_ref()))
                .with_help(help));
        }
    }
    let mut params = Vec::with_capacity(specs.len());
    for spec in specs {
        let given = raw.params.iter().find(|(n, _)| n.get_ref() == spec.name).map(|(_, v)| v);
        let value = match (given, spec.default) {
            (Some(v), _) => param_value(cx, v, spec)?,
            (None, ParamDefault::Value(x)) => Param::Fixed(x),
            (None, ParamDefault::Required) => {
                let required: Vec<String> = specs
                    .iter()
                    .filter(|p| p.default == ParamDefault::Required)
                    .map(|p| format!("{} ({})", p.name, p.about))
                    .collect();
                return Err(cx
                    .err(raw.kind.span(), format!("strategy `{name}` needs `{}`", spec.name))
                    .with_help(format!("{name} takes: {}", required.join("; "))));
            }
            (None, ParamDefault::StageGame) => {
                let g = stage_game(sides, i);
                Param::Fixed(strategy::gtft_generosity(g.r, g.s, g.t, g.p).ok_or_else(|| {
                    cx.err(s.span(), format!(
                        "{name} needs `{}`: the stage game of side `{}` is not a prisoner's dilemma (R={:.3}, S={:.3}, T={:.3}, P={:.3})",
                        spec.name, sides[i].name, g.r, g.s, g.t, g.p
                    ))
                    .with_help(format!("the default {} min(1 - (T-R)/(R-S), (R-P)/(T-P)) needs T > R > P > S; give `{} = 0.1` (say)", spec.name, spec.name))
                })?)
            }
        };
        params.push(value);
    }
    let nominal: Vec<f64> = params.iter().map(Param::nominal).collect();
    Ok((kind.with(&nominal), params))
}

/// A strategy parameter (a number or a distribution), every value it can
/// take within the registry's range for it.
fn param_value(cx: &Ctx, v: &S<RawParam>, spec: &ParamSpec) -> R<Param> {
    let unit = spec.range == (0.0, 1.0);
    let p = param(cx, v, spec.name, unit)?;
    let (lo, hi) = spec.range;
    let (min, max) = p.bounds();
    if min < lo || max > hi {
        return Err(cx.err(v.span(), format!("{} must be between {lo} and {hi}, got {}", spec.name, p.describe())));
    }
    Ok(p)
}

fn event(cx: &Ctx, e: &S<RawEvent>, sides: &[Side], rounds: u32) -> R<Event> {
    let raw = e.get_ref();
    let kind = raw.kind.get_ref().as_str();
    let start = match &raw.start {
        Some(s) => int_in(cx, s, "event start", 1, rounds as i64)? as u32,
        None => 1,
    };
    let side_names: Vec<&str> = sides.iter().map(|s| s.name.as_str()).collect();
    let find_side = |n: &S<String>| -> R<usize> {
        side_names
            .iter()
            .position(|x| x == n.get_ref())
            .ok_or_else(|| unknown_name(cx, n.span(), "side", "", n.get_ref(), &side_names))
    };
    let find_lever = |side: usize, n: &S<String>| -> R<usize> {
        let names: Vec<&str> = sides[side].levers.iter().map(|l| l.name.as_str()).collect();
        names.iter().position(|x| x == n.get_ref()).ok_or_else(|| {
            unknown_name(cx, n.span(), "lever", &format!(" of side `{}`", sides[side].name), n.get_ref(), &names)
        })
    };
    let missing = |field: &str| cx.err(raw.kind.span(), format!("a `{kind}` event needs `{field}`"));
    let reject = |field: &str, span: Range<usize>| cx.err(span, format!("a `{kind}` event has no field `{field}`"));
    let (label, kind) = match kind {
        "suspension" | "negotiation" => {
            for (f, sp) in [
                ("side", raw.side.as_ref().map(|v| v.span())),
                ("lever", raw.lever.as_ref().map(|v| v.span())),
                ("to", raw.to.as_ref().map(|v| v.span())),
            ] {
                if let Some(sp) = sp {
                    return Err(reject(f, sp).with_help(
                        "a suspension lists its levers under `measures = [{ side, lever, level, snap_back }]`",
                    ));
                }
            }
            let duration = int_in(
                cx,
                raw.duration.as_ref().ok_or_else(|| missing("duration"))?,
                "duration",
                1,
                MAX_ROUNDS as i64,
            )? as u32;
            let renew_prob = raw
                .renew_prob
                .as_ref()
                .map(|v| param(cx, v, "renew_prob", true))
                .transpose()?
                .unwrap_or(Param::Fixed(0.0));
            if raw.measures.is_empty() {
                return Err(missing("measures").with_help(
                    "e.g. measures = [{ side = \"us\", lever = \"port_fees\", level = 0, snap_back = 50 }]",
                ));
            }
            let measures = raw
                .measures
                .iter()
                .map(|m| {
                    let m = m.get_ref();
                    let side = find_side(&m.side)?;
                    let lever = find_lever(side, &m.lever)?;
                    let ladder = &sides[side].levers[lever].ladder;
                    Ok(Measure {
                        side,
                        lever,
                        level: rung_of(cx, ladder, &m.level, "level")?,
                        snap_back: m.snap_back.as_ref().map(|v| rung_of(cx, ladder, v, "snap_back")).transpose()?,
                    })
                })
                .collect::<R<Vec<_>>>()?;
            let violation_prob = raw
                .violation_prob
                .as_ref()
                .map(|v| param(cx, v, "violation_prob", true))
                .transpose()?
                .unwrap_or(Param::Fixed(0.0));
            let renew_penalty =
                raw.renew_penalty.as_ref().map(|v| prob(cx, v, "renew_penalty")).transpose()?.unwrap_or(0.0);
            let talks = if kind == "negotiation" {
                let ripeness = raw.ripeness.as_ref().map(|v| finite(cx, v, "ripeness")).transpose()?.unwrap_or(0.0);
                let agree_prob = raw.agree_prob.as_ref().map(|v| prob(cx, v, "agree_prob")).transpose()?.unwrap_or(1.0);
                let rounds = raw
                    .talks
                    .iter()
                    .map(|r| int_in(cx, r, "talks round", 1, rounds as i64).map(|x| x as u32))
                    .collect::<R<Vec<u32>>>()?;
                Some(Talks { ripeness, agree_prob, rounds })
            } else {
                for (f, sp) in [
                    ("ripeness", raw.ripeness.as_ref().map(|v| v.span())),
                    ("agree_prob", raw.agree_prob.as_ref().map(|v| v.span())),
                    ("talks", raw.talks.first().map(|v| v.span())),
                ] {
                    if let Some(sp) = sp {
                        return Err(reject(f, sp)
                            .with_help("a truce that begins from play is a `negotiation` event (docs/scenarios.md)"));
                    }
                }
                None
            };
            let label = raw.label.clone().unwrap_or_else(|| kind.to_string());
            (label, EventKind::Suspension { duration, renew_prob, measures, violation_prob, renew_penalty, talks })
        }
        "violation" => {
            for (f, sp) in [
                ("to", raw.to.as_ref().map(|v| v.span())),
                ("duration", raw.duration.as_ref().map(|v| v.span())),
                ("renew_prob", raw.renew_prob.as_ref().map(|v| v.span())),
                ("measures", raw.measures.first().map(|v| v.span())),
                ("violation_prob", raw.violation_prob.as_ref().map(|v| v.span())),
                ("renew_penalty", raw.renew_penalty.as_ref().map(|v| v.span())),
                ("ripeness", raw.ripeness.as_ref().map(|v| v.span())),
                ("agree_prob", raw.agree_prob.as_ref().map(|v| v.span())),
                ("talks", raw.talks.first().map(|v| v.span())),
            ] {
                if let Some(sp) = sp {
                    return Err(reject(f, sp).with_help("a violation raises `lever` of `side` one rung at `start`"));
                }
            }
            let side = find_side(raw.side.as_ref().ok_or_else(|| missing("side"))?)?;
            let lever = find_lever(side, raw.lever.as_ref().ok_or_else(|| missing("lever"))?)?;
            let label = raw
                .label
                .clone()
                .unwrap_or_else(|| format!("{} violation ({})", sides[side].name, sides[side].levers[lever].name));
            (label, EventKind::Violation { side, lever })
        }
        "scheduled" => {
            for (f, sp) in [
                ("duration", raw.duration.as_ref().map(|v| v.span())),
                ("renew_prob", raw.renew_prob.as_ref().map(|v| v.span())),
                ("measures", raw.measures.first().map(|v| v.span())),
                ("violation_prob", raw.violation_prob.as_ref().map(|v| v.span())),
                ("renew_penalty", raw.renew_penalty.as_ref().map(|v| v.span())),
                ("ripeness", raw.ripeness.as_ref().map(|v| v.span())),
                ("agree_prob", raw.agree_prob.as_ref().map(|v| v.span())),
                ("talks", raw.talks.first().map(|v| v.span())),
            ] {
                if let Some(sp) = sp {
                    return Err(reject(f, sp));
                }
            }
            let side = find_side(raw.side.as_ref().ok_or_else(|| missing("side"))?)?;
            let lever = find_lever(side, raw.lever.as_ref().ok_or_else(|| missing("lever"))?)?;
            let to =
                rung_of(cx, &sides[side].levers[lever].ladder, raw.to.as_ref().ok_or_else(|| missing("to"))?, "to")?;
            let label = raw
                .label
                .clone()
                .unwrap_or_else(|| format!("{} {} change", sides[side].name, sides[side].levers[lever].name));
            (label, EventKind::Scheduled { side, lever, to })
        }
        other => {
            return Err(unknown_name(
                cx,
                raw.kind.span(),
                "event kind",
                "",
                other,
                &["suspension", "negotiation", "scheduled", "violation"],
            ));
        }
    };
    Ok(Event { label, start, kind })
}

fn check_size(cx: &Ctx, sides: &[Side], rounds: u32, rounds_span: Range<usize>) -> R<()> {
    let per_round: u64 =
        sides.iter().map(|s| s.levers.iter().map(|l| l.ladder.len() as u64).sum::<u64>() + INDEX_BINS as u64).sum();
    let cells = per_round * (rounds as u64 + 1);
    if cells > MAX_CELLS {
        return Err(cx.err(rounds_span, format!(
            "scenario too large: {rounds} rounds × {per_round} histogram cells per round = {cells} cells, the limit is {MAX_CELLS}"
        )).with_help("use fewer rounds, levers or rungs"));
    }
    Ok(())
}

/// Cumulative welfare must stay within the exact accumulators' range.
fn check_welfare_bound(cx: &Ctx, raw: &RawScenario, sides: &[Side], rounds: u32) -> R<()> {
    let abs_max = |p: &Param| {
        let (lo, hi) = p.bounds();
        lo.abs().max(hi.abs())
    };
    for (i, s) in sides.iter().enumerate() {
        let other = &sides[1 - i];
        let per_round = s.baseline_welfare.abs()
            + other.levers.iter().map(|l| abs_max(&l.pain)).sum::<f64>()
            + s.levers.iter().map(|l| abs_max(&l.cost)).sum::<f64>()
            + s.mutual_escalation_cost.abs();
        let bound = per_round * rounds as f64;
        if bound > stats::MAX_ABS_VALUE {
            return Err(cx
                .err(raw.rounds.span(), format!(
                    "welfare of side `{}` could reach {bound:.3e} over {rounds} rounds; totals are kept exactly only up to {:.0e}",
                    s.name,
                    stats::MAX_ABS_VALUE
                ))
                .with_help("rescale pain, cost and baseline_welfare to a larger unit"));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edit_distance_basics() {
        assert_eq!(edit_distance("misperceptoin", "misperception"), 2);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(nearest("tit_for_tta", &["tit_for_tat", "grim_trigger"]), Some("tit_for_tat"));
        assert_eq!(nearest("zzz", &["tit_for_tat"]), None);
    }

    #[test]
    fn serde_unknown_field_gets_a_suggestion() {
        let m = "unknown field `misperceptoin`, expected one of `name`, `noise`, `misperception`";
        assert_eq!(did_you_mean_from_message(m).as_deref(), Some("did you mean `misperception`?"));
    }
}

/*!
The scenario file as written: serde structs that mirror the TOML one to one.

Building a `RawScenario` only checks syntax and types (toml reports those with
their position). Everything semantic (ranges, references, ladders) is checked
by `validate`, which is the only way to obtain a `Scenario`. Fields that
`validate` checks are `Spanned`, so its errors point at the offending value.
Plain structs (never `#[serde(flatten)]` or internally tagged enums) keep toml's
error spans exact.
*/

use serde::Deserialize;
use toml::Spanned;

pub type S<T> = Spanned<T>;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawScenario {
    pub name: Option<S<String>>,
    pub description: Option<String>,
    pub rounds: S<i64>,
    pub runs: Option<S<i64>>,
    pub seed: Option<S<i64>>,
    pub discount: Option<S<f64>>,
    pub round_unit: Option<String>,
    pub welfare_unit: Option<String>,
    pub first_round: Option<String>,
    /// Runs that share one draw of the uncertain parameters (nested sampling).
    pub runs_per_draw: Option<S<i64>>,
    pub outcomes: Option<S<RawOutcomes>>,
    #[serde(default)]
    pub sides: Vec<S<RawSide>>,
    #[serde(default)]
    pub events: Vec<S<RawEvent>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawOutcomes {
    pub window: Option<S<i64>>,
    pub low: Option<S<f64>>,
    pub high: Option<S<f64>>,
    pub exchanges: Option<S<i64>>,
    pub rise: Option<S<f64>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSide {
    pub name: S<String>,
    pub label: Option<String>,
    pub strategy: S<RawStrategy>,
    pub noise: Option<S<RawParam>>,
    pub misperception: Option<S<RawParam>>,
    pub baseline_welfare: Option<S<f64>>,
    pub mutual_escalation_cost: Option<S<f64>>,
    pub primary: Option<S<String>>,
    /// The other side's last move before round 1, as the side remembers it:
    /// "escalate" or "concede" (default: none, a fresh start).
    pub last_move: Option<S<String>>,
    /// What the side wants of the other: levers of the other side and the
    /// level each must come down to (docs/model.md §2b).
    #[serde(default)]
    pub demands: Vec<S<RawDemand>>,
    #[serde(default)]
    pub levers: Vec<S<RawLever>>,
    #[serde(default)]
    pub provocations: Vec<S<RawProvocation>>,
}

/// `strategy = { kind = "...", <parameters> }`. Which parameters a kind takes
/// is the strategy registry's business (`crate::strategy::Kind`): `validate`
/// checks every key here against it, so this type lists no parameter names.
#[derive(Debug)]
pub struct RawStrategy {
    pub kind: S<String>,
    /// Every other key, in file order, with its value (a number or a
    /// distribution drawn once per run).
    pub params: Vec<(S<String>, S<RawParam>)>,
}

impl<'de> Deserialize<'de> for RawStrategy {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = RawStrategy;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a strategy table `{ kind = \"...\", <parameters> }`")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut m: A) -> Result<RawStrategy, A::Error> {
                use serde::de::Error;
                let (mut kind, mut params) = (None, Vec::new());
                while let Some(key) = m.next_key::<S<String>>()? {
                    if key.get_ref() == "kind" {
                        kind = Some(m.next_value()?);
                    } else {
                        params.push((key, m.next_value()?));
                    }
                }
                let kind = kind.ok_or_else(|| A::Error::missing_field("kind"))?;
                Ok(RawStrategy { kind, params })
            }
        }
        d.deserialize_map(V)
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawLever {
    pub name: S<String>,
    pub label: Option<String>,
    pub unit: Option<String>,
    pub ladder: S<Vec<S<f64>>>,
    pub start: Option<S<f64>>,
    pub floor: Option<S<f64>>,
    pub pain: S<RawParam>,
    pub cost: Option<S<RawParam>>,
    pub erosion: Option<S<RawParam>>,
    pub erosion_floor: Option<S<RawParam>>,
    pub revenue: Option<S<RawParam>>,
    pub terms_of_trade: Option<S<RawParam>>,
    pub political_gain: Option<S<RawParam>>,
    pub political_pain: Option<S<RawParam>>,
    pub weight: Option<S<f64>>,
    #[serde(default)]
    pub answers: Vec<S<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDemand {
    pub lever: S<String>,
    pub level: S<f64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawProvocation {
    pub lever: S<String>,
    pub prob: S<RawParam>,
    pub label: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawEvent {
    pub kind: S<String>,
    pub label: Option<String>,
    pub start: Option<S<i64>>,
    pub duration: Option<S<i64>>,
    pub renew_prob: Option<S<RawParam>>,
    /// Chance that an act perceived as violating the truce ends it.
    pub violation_prob: Option<S<RawParam>>,
    /// Each violation during a term multiplies the renewal chance by (1 − this).
    pub renew_penalty: Option<S<f64>>,
    /// Negotiations: each side's per-round loss that makes the standoff ripe.
    pub ripeness: Option<S<f64>>,
    /// Negotiations: the chance that ripe talks conclude the truce.
    pub agree_prob: Option<S<f64>>,
    /// Negotiations: the rounds talks are held in (default: every round).
    #[serde(default)]
    pub talks: Vec<S<i64>>,
    #[serde(default)]
    pub measures: Vec<S<RawMeasure>>,
    pub side: Option<S<String>>,
    pub lever: Option<S<String>>,
    pub to: Option<S<f64>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawMeasure {
    pub side: S<String>,
    pub lever: S<String>,
    pub level: S<f64>,
    pub snap_back: Option<S<f64>>,
}

/// A number, or a distribution drawn once per run:
/// `{ uniform = [lo, hi] }`, `{ normal = { mean, sd, min, max } }`,
/// `{ beta = [a, b] }` or `{ exponential = mean }`.
#[derive(Debug)]
pub enum RawParam {
    Fixed(f64),
    Uniform(S<Vec<f64>>),
    Normal(S<RawNormal>),
    Beta(S<Vec<f64>>),
    Exponential(S<f64>),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawNormal {
    pub mean: f64,
    pub sd: f64,
    pub min: f64,
    pub max: f64,
}

impl<'de> Deserialize<'de> for RawParam {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = RawParam;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str(
                    "a number, `{ uniform = [lo, hi] }`, `{ normal = { mean, sd, min, max } }`, `{ beta = [a, b] }` or `{ exponential = mean }`",
                )
            }
            fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<RawParam, E> {
                Ok(RawParam::Fixed(v))
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<RawParam, E> {
                Ok(RawParam::Fixed(v as f64))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<RawParam, E> {
                Ok(RawParam::Fixed(v as f64))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut m: A) -> Result<RawParam, A::Error> {
                use serde::de::Error;
                const KINDS: &[&str] = &["uniform", "normal", "beta", "exponential"];
                let Some(key) = m.next_key::<String>()? else {
                    return Err(A::Error::custom(
                        "empty distribution: use `{ uniform = [lo, hi] }` or `{ normal = { mean, sd, min, max } }`",
                    ));
                };
                let param = match key.as_str() {
                    "uniform" => RawParam::Uniform(m.next_value()?),
                    "normal" => RawParam::Normal(m.next_value()?),
                    "beta" => RawParam::Beta(m.next_value()?),
                    "exponential" => RawParam::Exponential(m.next_value()?),
                    other => return Err(A::Error::unknown_field(other, KINDS)),
                };
                if let Some(extra) = m.next_key::<String>()? {
                    return Err(A::Error::custom(format!(
                        "a distribution has exactly one key, found `{key}` and `{extra}`"
                    )));
                }
                Ok(param)
            }
        }
        d.deserialize_any(V)
    }
}

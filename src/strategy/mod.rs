/*!
Strategies: how a side chooses to escalate (`D`) or concede (`C`) each round.

A strategy decides a side's *posture*: its action in a round is `D` if it
escalated (or chose to escalate and could not, being at the top), `C`
otherwise. It sees its own last action as played and the other side's actions
as *perceived* (possibly misread, see `docs/model.md`). How a posture becomes
lever moves is the engine's business, not the strategy's.

**The registry.** Each kind is a type implementing [`Rule`] in a family file
(as Axelrod-Python lays them out): its [`KindInfo`] (name, literature,
parameters with ranges and defaults) is declared next to its rule. The
`registry!` invocation below lists every kind once and generates [`Kind`] (the
list), [`Strategy`] (a kind with its parameters) and the dispatch, each an
exhaustive `match`: adding a kind is one new file (or type) plus one registry
line, and a forgotten case does not compile. Parsing, validation, `simulate
strategies`, fitting, sweep paths, tournament labels and chart labels all read
the registry; none lists kinds or parameter names of its own.

Families:
- `titfortat`: tit-for-tat, suspicious TFT, generous TFT, tit-for-two-tats;
- `grudger`: grim trigger;
- `memoryone`: win-stay-lose-shift and the general memory-one strategy;
- `simple`: always escalate, always concede, random;
- `reciprocal`: contrite tit-for-tat (Wu & Axelrod 1995), proportional
  retaliation (Downs & Rocke 1990);
- `payoff`: rules that read payoffs: resolve (war of attrition), coercer;
- `learning`: Roth–Erev reinforcement learning.
*/

mod grudger;
mod learning;
mod memoryone;
mod payoff;
mod reciprocal;
mod simple;
mod titfortat;

#[cfg(test)]
mod tests;

pub use grudger::GrimTrigger;
pub use learning::Learner;
pub use memoryone::{MemoryOne, WinStayLoseShift};
pub use payoff::{Coercer, ResoluteTitForTat, Resolve};
pub use reciprocal::{ContriteTitForTat, Proportional};
pub use simple::{AlwaysConcede, AlwaysEscalate, Random};
pub use titfortat::{GenerousTitForTat, SuspiciousTitForTat, TitForTat, TitForTwoTats};

/// A side's posture in one round.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Action {
    /// Cooperate: hold at or step down towards the floor.
    C,
    /// Defect: escalate.
    D,
}

impl Action {
    pub fn flip(self) -> Action {
        match self {
            Action::C => Action::D,
            Action::D => Action::C,
        }
    }

    pub fn is_d(self) -> bool {
        self == Action::D
    }

    /// `D` if `d`, else `C`.
    pub fn from_d(d: bool) -> Action {
        if d { Action::D } else { Action::C }
    }
}

/// What a strategy knows when it decides round `round`.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct View {
    /// 1-based round being decided.
    pub round: u32,
    /// Own action last round, as actually played (None in round 1).
    pub my_last: Option<Action>,
    /// The other side's action last round, as perceived.
    pub their_last: Option<Action>,
    /// The other side's action two rounds ago, as perceived.
    pub their_prev: Option<Action>,
    /// How many times the other side has been perceived escalating so far.
    pub their_defections: u32,
    /// What the side has lost so far: the sum over past rounds of its
    /// baseline payoff minus its payoff (pain suffered net of its gains,
    /// undiscounted; docs/model.md §5).
    pub loss: f64,
    /// The same loss counted from the payoff of the run's starting state
    /// instead of the baseline: what the standoff has cost beyond the status
    /// quo.
    pub loss_from_start: f64,
    /// Last round's payoff, normalised to [0, 1] by the side's payoff range.
    pub payoff: f64,
    /// Whether the side's demand is met (after last round).
    pub demand_met: bool,
    /// Rungs the other side raised last round (0 when its perceived `D` was
    /// a misreading or a hold at the top).
    pub their_rise: u32,
}

impl View {
    /// The view before round 1: no history.
    pub fn first() -> View {
        View { round: 1, ..View::default() }
    }

    /// Record a finished round: own action as played, the other's as perceived.
    /// The only place the history is kept, for the engine and the tests alike.
    #[inline]
    pub fn observe(&mut self, mine: Action, theirs: Action) {
        self.round += 1;
        self.my_last = Some(mine);
        self.their_prev = self.their_last;
        self.their_last = Some(theirs);
        self.their_defections += theirs.is_d() as u32;
    }

    /// Record what the finished round paid and changed (engine only; the
    /// posture history is `observe`'s).
    #[inline]
    pub fn feedback(&mut self, f: &Feedback) {
        self.loss += f.loss;
        self.loss_from_start += f.loss_from_start;
        self.payoff = f.payoff;
        self.demand_met = f.demand_met;
        self.their_rise = f.their_rise;
    }
}

/// What one round paid and changed, for `View::feedback`.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Feedback {
    /// Baseline payoff minus the round's payoff.
    pub loss: f64,
    /// The starting state's payoff minus the round's payoff.
    pub loss_from_start: f64,
    /// The round's payoff normalised to [0, 1].
    pub payoff: f64,
    pub demand_met: bool,
    /// Rungs the other side raised.
    pub their_rise: u32,
}

/// How a side chooses which lever an escalation raises (docs/model.md §3).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LeverChoice {
    /// Answer in kind: the levers that answer what the other side raised.
    Answer,
    /// The lever with the best leverage: pain inflicted per unit of own net cost.
    Leverage,
}

/// Declared properties the engine relies on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Traits {
    /// Rounds of history used; `None` for unbounded (grim trigger).
    pub memory_depth: Option<u32>,
    /// Whether the strategy draws random numbers.
    pub stochastic: bool,
    /// Whether it reads payoffs (`View::loss`, `payoff`, `demand_met`).
    pub reads_payoffs: bool,
    /// How its escalations choose levers.
    pub lever_choice: LeverChoice,
}

impl Traits {
    /// A rule that reads only postures and answers in kind.
    pub const fn postures(memory_depth: Option<u32>, stochastic: bool) -> Traits {
        Traits { memory_depth, stochastic, reads_payoffs: false, lever_choice: LeverChoice::Answer }
    }
}

/// How a parameter gets its value when a scenario does not give one.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum ParamDefault {
    Value(f64),
    /// The scenario must give it.
    Required,
    /// Nowak and Sigmund's generosity min(1 − (T−R)/(R−S), (R−P)/(T−P)) of
    /// the side's stage game (docs/model.md §2); refused when the stage game
    /// is not a prisoner's dilemma.
    StageGame,
}

/// One parameter of a strategy kind.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ParamSpec {
    /// Key in scenario files, sweep paths and CSV columns.
    pub name: &'static str,
    /// Short symbol for tables and charts ("g").
    pub symbol: &'static str,
    /// What it means, for `simulate strategies` and docs.
    pub about: &'static str,
    /// Smallest and largest valid value (inclusive).
    pub range: (f64, f64),
    pub default: ParamDefault,
    /// Other names a sweep path may use for it ("forgiveness").
    pub aliases: &'static [&'static str],
}

impl ParamSpec {
    /// A probability parameter.
    pub const fn probability(
        name: &'static str,
        symbol: &'static str,
        about: &'static str,
        default: ParamDefault,
    ) -> ParamSpec {
        ParamSpec { name, symbol, about, range: (0.0, 1.0), default, aliases: &[] }
    }

    /// The same parameter, also known by `aliases`.
    pub const fn aka(self, aliases: &'static [&'static str]) -> ParamSpec {
        ParamSpec { aliases, ..self }
    }
}

/// How `simulate fit` treats a kind.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum FitSupport {
    /// Fitted with its parameters, implementation noise ε (unless
    /// `noise_identified` is false: ε is then fixed at 0, confounded with a
    /// parameter) and misperception μ (when the rule reads the other side).
    Yes { noise_identified: bool },
    /// Not fitted, for the reason given.
    No(&'static str),
}

/// What the registry knows of a kind.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct KindInfo {
    /// Name in scenario files (`kind = "..."`).
    pub name: &'static str,
    /// Human title ("generous tit-for-tat").
    pub title: &'static str,
    /// Names in the literature.
    pub names: &'static str,
    pub about: &'static str,
    pub params: &'static [ParamSpec],
    pub fit: FitSupport,
}

/// A strategy rule: one type per kind, holding its parameter values.
pub trait Rule: Clone + std::fmt::Debug + PartialEq + Send + Sync + 'static {
    const INFO: KindInfo;

    /// The rule with parameter values in `INFO.params` order (validated and
    /// defaulted by the caller).
    fn new(params: &[f64]) -> Self;

    /// Parameter values in `INFO.params` order.
    fn params(&self) -> Vec<f64> {
        Vec::new()
    }

    /// This round's intended action. `chance(p)` is a Bernoulli(p) trial from
    /// the side's own strategy stream.
    fn decide(&self, v: &View, chance: &mut impl FnMut(f64) -> bool) -> Action;

    /// The probability that `decide` intends `D` from view `v`: its exact
    /// law, without drawing (the fit's likelihood uses it). May read
    /// `v.their_defections` only through whether it is positive.
    fn p_escalate(&self, v: &View) -> f64;

    fn traits(&self) -> Traits;

    /// Rungs an escalation (`D`) from view `v` raises, at least 1.
    fn size(&self, _v: &View) -> u32 {
        1
    }

    /// Update the rule's own state after a round, from the view the next
    /// decision will see (stateful rules: contrition, learning, resolve).
    fn observe(&mut self, _v: &View) {}

    /// Short human description with parameters, for tables and titles.
    fn describe(&self) -> String {
        Self::INFO.title.to_string()
    }
}

/// Whether a probability is 0 or 1 (a trial that needs no draw).
fn certain(p: f64) -> bool {
    p == 0.0 || p == 1.0
}

/// 1 for `D`, 0 for `C`: the law of a deterministic decision.
fn law(a: Action) -> f64 {
    if a.is_d() { 1.0 } else { 0.0 }
}

macro_rules! registry {
    ($($variant:ident => $rule:ty),* $(,)?) => {
        /// Every strategy kind, in catalogue order.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Kind {
            $($variant),*
        }

        impl Kind {
            pub const ALL: &'static [Kind] = &[$(Kind::$variant),*];

            pub fn info(self) -> &'static KindInfo {
                match self {
                    $(Kind::$variant => &<$rule as Rule>::INFO),*
                }
            }

            /// The strategy of this kind with parameter values in
            /// `info().params` order.
            pub fn with(self, params: &[f64]) -> Strategy {
                assert_eq!(params.len(), self.info().params.len(), "{} takes {} parameters", self.name(), self.info().params.len());
                match self {
                    $(Kind::$variant => Strategy::$variant(<$rule as Rule>::new(params))),*
                }
            }
        }

        /// A strategy: a kind with its parameter values.
        #[derive(Clone, Debug, PartialEq)]
        pub enum Strategy {
            $($variant($rule)),*
        }

        impl Strategy {
            pub fn kind(&self) -> Kind {
                match self {
                    $(Strategy::$variant(_) => Kind::$variant),*
                }
            }

            /// Parameter values in `kind().info().params` order.
            pub fn params(&self) -> Vec<f64> {
                match self {
                    $(Strategy::$variant(r) => r.params()),*
                }
            }

            /// Decide this round's intended action. `chance(p)` is a
            /// Bernoulli(p) trial from the side's own strategy stream.
            #[inline]
            pub fn decide(&self, v: &View, chance: &mut impl FnMut(f64) -> bool) -> Action {
                match self {
                    $(Strategy::$variant(r) => r.decide(v, chance)),*
                }
            }

            /// The exact probability that the strategy intends `D` from view
            /// `v` (see [`Rule::p_escalate`]).
            pub fn p_escalate(&self, v: &View) -> f64 {
                match self {
                    $(Strategy::$variant(r) => r.p_escalate(v)),*
                }
            }

            pub fn traits(&self) -> Traits {
                match self {
                    $(Strategy::$variant(r) => r.traits()),*
                }
            }

            /// Rungs an escalation from view `v` raises.
            #[inline]
            pub fn size(&self, v: &View) -> u32 {
                match self {
                    $(Strategy::$variant(r) => r.size(v)),*
                }
            }

            /// Update the strategy's state after a round.
            #[inline]
            pub fn observe(&mut self, v: &View) {
                match self {
                    $(Strategy::$variant(r) => r.observe(v)),*
                }
            }

            /// Short human description with parameters, for tables and
            /// titles: "tit-for-tat", "generous TFT (forgives 33%)".
            pub fn describe(&self) -> String {
                match self {
                    $(Strategy::$variant(r) => r.describe()),*
                }
            }
        }
    };
}

registry! {
    TitForTat => TitForTat,
    SuspiciousTitForTat => SuspiciousTitForTat,
    GenerousTitForTat => GenerousTitForTat,
    TitForTwoTats => TitForTwoTats,
    GrimTrigger => GrimTrigger,
    WinStayLoseShift => WinStayLoseShift,
    AlwaysEscalate => AlwaysEscalate,
    AlwaysConcede => AlwaysConcede,
    Random => Random,
    MemoryOne => MemoryOne,
    ContriteTitForTat => ContriteTitForTat,
    Proportional => Proportional,
    Resolve => Resolve,
    ResoluteTitForTat => ResoluteTitForTat,
    Coercer => Coercer,
    Learner => Learner,
}

impl std::fmt::Display for Kind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.pad(self.name())
    }
}

impl Kind {
    /// Name in scenario files.
    pub fn name(self) -> &'static str {
        self.info().name
    }

    /// The kind named `name` in scenario files.
    pub fn from_name(name: &str) -> Option<Kind> {
        Kind::ALL.iter().copied().find(|k| k.name() == name)
    }

    /// Every kind's name, in catalogue order.
    pub fn names() -> Vec<&'static str> {
        Kind::ALL.iter().map(|k| k.name()).collect()
    }

    /// The parameter called `name`, with its position.
    pub fn param(self, name: &str) -> Option<(usize, &'static ParamSpec)> {
        self.info().params.iter().enumerate().find(|(_, p)| p.name == name)
    }

    /// The parameter called `name` or known by it as an alias.
    pub fn param_or_alias(self, name: &str) -> Option<&'static ParamSpec> {
        self.info().params.iter().find(|p| p.name == name || p.aliases.contains(&name))
    }

    /// The strategy with every parameter at a fixed default (`None` if one is
    /// required or comes from the stage game).
    pub fn with_defaults(self) -> Option<Strategy> {
        let values: Option<Vec<f64>> = self
            .info()
            .params
            .iter()
            .map(|p| match p.default {
                ParamDefault::Value(v) => Some(v),
                _ => None,
            })
            .collect();
        values.map(|v| self.with(&v))
    }
}

impl Strategy {
    /// The catalogue name (`kind` in scenario files).
    pub fn name(&self) -> &'static str {
        self.kind().name()
    }

    /// A stable machine key: the kind's name, with its parameters in
    /// parentheses when it has any (`generous_tit_for_tat(generosity=0.1)`):
    /// CSV cells and tournament rows.
    pub fn key(&self) -> String {
        let info = self.kind().info();
        let values = self.params();
        if values.is_empty() {
            return info.name.to_string();
        }
        let params: Vec<String> =
            info.params.iter().zip(&values).map(|(p, v)| format!("{}={}", p.name, crate::fmt::num(*v, 6))).collect();
        format!("{}({})", info.name, params.join(","))
    }
}

/// The Nowak–Sigmund generosity of GTFT for a stage game, when it is a
/// prisoner's dilemma (T > R > P > S): min(1 − (T−R)/(R−S), (R−P)/(T−P)).
pub fn gtft_generosity(r: f64, s: f64, t: f64, p: f64) -> Option<f64> {
    if !(t > r && r > p && p > s) {
        return None;
    }
    let g = (1.0 - (t - r) / (r - s)).min((r - p) / (t - p));
    Some(g.clamp(0.0, 1.0))
}

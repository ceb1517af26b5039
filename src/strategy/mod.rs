/*!
Strategies: how a side chooses to escalate (`D`) or concede (`C`) each round.

Every strategy here is a rule of the classic iterated prisoner's dilemma, stated
on *postures*: a side's action in a round is `D` if it escalated (or chose to
escalate and could not, being at the top), `C` otherwise. A strategy sees its own
last action as played and the other side's actions as *perceived* (possibly
misread, see `docs/model.md`). How a posture becomes lever moves is the engine's
business, not the strategy's.

Families, one file each (as Axelrod-Python lays them out):
- `titfortat`: tit-for-tat, suspicious TFT, generous TFT, tit-for-two-tats;
- `grudger`: grim trigger;
- `memoryone`: win-stay-lose-shift and the general memory-one strategy;
- `simple`: always escalate, always concede, random.

The list is an enum: the compiler keeps `CATALOG`, `decide` and `traits`
complete.
*/

mod grudger;
mod memoryone;
mod simple;
mod titfortat;

#[cfg(test)]
mod tests;

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
}

/// What a strategy knows when it decides round `round`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
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
}

/// A strategy with its parameters resolved.
#[derive(Clone, Debug, PartialEq)]
pub enum Strategy {
    TitForTat,
    SuspiciousTitForTat,
    GenerousTitForTat {
        generosity: f64,
    },
    TitForTwoTats,
    GrimTrigger,
    WinStayLoseShift,
    AlwaysEscalate,
    AlwaysConcede,
    Random {
        p_escalate: f64,
    },
    /// `p[k]` = P(C | last round was k), with k in CC, CD, DC, DD (own action first).
    MemoryOne {
        p: [f64; 4],
        initial: f64,
    },
}

/// Declared properties the engine relies on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Traits {
    /// Rounds of history used; `None` for unbounded (grim trigger).
    pub memory_depth: Option<u32>,
    /// Whether the strategy draws random numbers.
    pub stochastic: bool,
}

impl Strategy {
    /// Decide this round's intended action. `chance(p)` is a Bernoulli(p)
    /// trial from the side's own strategy stream.
    #[inline]
    pub fn decide(&self, v: &View, chance: &mut impl FnMut(f64) -> bool) -> Action {
        match self {
            Strategy::TitForTat => titfortat::tit_for_tat(v),
            Strategy::SuspiciousTitForTat => titfortat::suspicious_tit_for_tat(v),
            Strategy::GenerousTitForTat { generosity } => titfortat::generous_tit_for_tat(v, *generosity, chance),
            Strategy::TitForTwoTats => titfortat::tit_for_two_tats(v),
            Strategy::GrimTrigger => grudger::grim_trigger(v),
            Strategy::WinStayLoseShift => memoryone::win_stay_lose_shift(v),
            Strategy::MemoryOne { p, initial } => memoryone::memory_one(v, p, *initial, chance),
            Strategy::AlwaysEscalate => Action::D,
            Strategy::AlwaysConcede => Action::C,
            Strategy::Random { p_escalate } => simple::random(*p_escalate, chance),
        }
    }

    /// The probability that the strategy *intends* to escalate (`D`) from view
    /// `v`: the exact distribution of `decide`'s answer, without drawing. The
    /// fit's likelihood uses it (`fit`); `decide` stays the engine's path.
    /// Depends on `v.their_defections` only through whether it is positive.
    pub fn p_escalate(&self, v: &View) -> f64 {
        let d = |a: Action| if a.is_d() { 1.0 } else { 0.0 };
        match self {
            Strategy::TitForTat => d(titfortat::tit_for_tat(v)),
            Strategy::SuspiciousTitForTat => d(titfortat::suspicious_tit_for_tat(v)),
            Strategy::GenerousTitForTat { generosity } => {
                if v.their_last == Some(Action::D) {
                    1.0 - generosity
                } else {
                    0.0
                }
            }
            Strategy::TitForTwoTats => d(titfortat::tit_for_two_tats(v)),
            Strategy::GrimTrigger => d(grudger::grim_trigger(v)),
            Strategy::WinStayLoseShift => d(memoryone::win_stay_lose_shift(v)),
            Strategy::MemoryOne { p, initial } => 1.0 - memoryone::p_concede(v, p, *initial),
            Strategy::AlwaysEscalate => 1.0,
            Strategy::AlwaysConcede => 0.0,
            Strategy::Random { p_escalate } => *p_escalate,
        }
    }

    pub fn traits(&self) -> Traits {
        let certain = |p: f64| p == 0.0 || p == 1.0;
        let (memory_depth, stochastic) = match self {
            Strategy::TitForTat | Strategy::SuspiciousTitForTat => (Some(1), false),
            Strategy::GenerousTitForTat { generosity } => (Some(1), !certain(*generosity)),
            Strategy::TitForTwoTats => (Some(2), false),
            Strategy::GrimTrigger => (None, false),
            Strategy::WinStayLoseShift => (Some(1), false),
            Strategy::AlwaysEscalate | Strategy::AlwaysConcede => (Some(0), false),
            Strategy::Random { p_escalate } => (Some(0), !certain(*p_escalate)),
            Strategy::MemoryOne { p, initial } => (Some(1), !(p.iter().all(|&x| certain(x)) && certain(*initial))),
        };
        Traits { memory_depth, stochastic }
    }

    /// The catalogue name (`kind` in scenario files).
    pub fn kind(&self) -> &'static str {
        match self {
            Strategy::TitForTat => "tit_for_tat",
            Strategy::SuspiciousTitForTat => "suspicious_tit_for_tat",
            Strategy::GenerousTitForTat { .. } => "generous_tit_for_tat",
            Strategy::TitForTwoTats => "tit_for_two_tats",
            Strategy::GrimTrigger => "grim_trigger",
            Strategy::WinStayLoseShift => "win_stay_lose_shift",
            Strategy::AlwaysEscalate => "always_escalate",
            Strategy::AlwaysConcede => "always_concede",
            Strategy::Random { .. } => "random",
            Strategy::MemoryOne { .. } => "memory_one",
        }
    }

    /// Short human description with parameters, for tables and titles.
    pub fn describe(&self) -> String {
        match self {
            Strategy::GenerousTitForTat { generosity } => format!("generous TFT (forgives {:.0}%)", generosity * 100.0),
            Strategy::Random { p_escalate } => format!("random (escalates {:.0}%)", p_escalate * 100.0),
            Strategy::MemoryOne { p, initial } => {
                format!("memory-one ({}, {}, {}, {}; first {})", p[0], p[1], p[2], p[3], initial)
            }
            other => catalog_entry(other.kind()).map_or(other.kind().to_string(), |e| e.title.to_string()),
        }
    }
}

/// One parameter of a strategy, for `simulate strategies` and validation.
pub struct ParamInfo {
    pub name: &'static str,
    pub about: &'static str,
    pub default: Option<&'static str>,
}

/// One catalogue entry.
pub struct StrategyInfo {
    pub kind: &'static str,
    pub title: &'static str,
    /// Names in the literature.
    pub names: &'static str,
    pub about: &'static str,
    pub params: &'static [ParamInfo],
}

const PROB_C: &str = "probability of conceding (C)";

pub const CATALOG: &[StrategyInfo] = &[
    StrategyInfo {
        kind: "tit_for_tat",
        title: "tit-for-tat",
        names: "TFT (Rapoport; Axelrod 1980)",
        about: "concedes first, then copies the other side's last perceived action",
        params: &[],
    },
    StrategyInfo {
        kind: "suspicious_tit_for_tat",
        title: "suspicious tit-for-tat",
        names: "STFT",
        about: "escalates first, then copies the other side's last perceived action",
        params: &[],
    },
    StrategyInfo {
        kind: "generous_tit_for_tat",
        title: "generous tit-for-tat",
        names: "GTFT (Nowak & Sigmund 1992)",
        about: "like tit-for-tat, but answers a perceived escalation by conceding with probability `generosity`",
        params: &[ParamInfo {
            name: "generosity",
            about: "probability of forgiving a perceived escalation",
            default: Some("min(1 - (T-R)/(R-S), (R-P)/(T-P)) of the side's stage game (1/3 for R=3 S=0 T=5 P=1)"),
        }],
    },
    StrategyInfo {
        kind: "tit_for_two_tats",
        title: "tit-for-two-tats",
        names: "TF2T (Axelrod 1980)",
        about: "escalates only after two perceived escalations in a row",
        params: &[],
    },
    StrategyInfo {
        kind: "grim_trigger",
        title: "grim trigger",
        names: "Grim, Grudger, Friedman",
        about: "concedes until the first perceived escalation, then escalates for ever",
        params: &[],
    },
    StrategyInfo {
        kind: "win_stay_lose_shift",
        title: "win-stay-lose-shift",
        names: "WSLS, Pavlov (Kraines & Kraines 1989; Nowak & Sigmund 1993)",
        about: "concedes when both sides did the same last round, escalates otherwise: memory-one (1, 0, 0, 1)",
        params: &[],
    },
    StrategyInfo {
        kind: "always_escalate",
        title: "always escalate",
        names: "ALLD",
        about: "escalates every round",
        params: &[],
    },
    StrategyInfo {
        kind: "always_concede",
        title: "always concede",
        names: "ALLC",
        about: "concedes every round",
        params: &[],
    },
    StrategyInfo {
        kind: "random",
        title: "random",
        names: "Random",
        about: "escalates with probability `p_escalate` each round, independently",
        params: &[ParamInfo { name: "p_escalate", about: "probability of escalating", default: Some("0.5") }],
    },
    StrategyInfo {
        kind: "memory_one",
        title: "memory-one",
        names: "memory-one strategy (Nowak & Sigmund 1990; Press & Dyson 2012)",
        about: "concedes with a probability that depends on last round's (own, other) actions",
        params: &[
            ParamInfo { name: "p_cc", about: PROB_C, default: None },
            ParamInfo { name: "p_cd", about: PROB_C, default: None },
            ParamInfo { name: "p_dc", about: PROB_C, default: None },
            ParamInfo { name: "p_dd", about: PROB_C, default: None },
            ParamInfo { name: "initial", about: "probability of conceding in round 1", default: Some("1") },
        ],
    },
];

pub fn catalog_entry(kind: &str) -> Option<&'static StrategyInfo> {
    CATALOG.iter().find(|e| e.kind == kind)
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

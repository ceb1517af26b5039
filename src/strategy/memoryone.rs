/*!
Memory-one strategies: the probability of conceding depends only on last
round's (own, other) actions, in the order CC, CD, DC, DD (own first).

Names: WinStayLoseShift = Pavlov = (1, 0, 0, 1); TitForTat = (1, 0, 1, 0);
GTFT(g) = (1, g, 1, g); ALLC = (1, 1, 1, 1); ALLD = (0, 0, 0, 0).
*/

use super::{Action, FitSupport, KindInfo, ParamDefault, ParamSpec, Rule, Traits, View, certain, law};

/// Index of last round's state in the CC, CD, DC, DD order.
pub fn state_index(me: Action, them: Action) -> usize {
    (me.is_d() as usize) << 1 | them.is_d() as usize
}

#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct WinStayLoseShift;

impl Rule for WinStayLoseShift {
    const INFO: KindInfo = KindInfo {
        name: "win_stay_lose_shift",
        title: "win-stay-lose-shift",
        names: "WSLS, Pavlov (Kraines & Kraines 1989; Nowak & Sigmund 1993)",
        about: "concedes when both sides did the same last round, escalates otherwise: memory-one (1, 0, 0, 1)",
        params: &[],
        fit: FitSupport::Yes { noise_identified: true },
    };
    fn new(_: &[f64]) -> Self {
        WinStayLoseShift
    }
    fn decide(&self, v: &View, _: &mut impl FnMut(f64) -> bool) -> Action {
        match (v.my_last, v.their_last) {
            (Some(me), Some(them)) if me != them => Action::D,
            _ => Action::C,
        }
    }
    fn p_escalate(&self, v: &View) -> f64 {
        law(self.decide(v, &mut |_| unreachable!()))
    }
    fn traits(&self) -> Traits {
        Traits::postures(Some(1), false)
    }
}

/// `p[k]` = P(C | last round was k), with k in CC, CD, DC, DD (own action first).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MemoryOne {
    pub p: [f64; 4],
    pub initial: f64,
}

impl MemoryOne {
    /// The probability of conceding from view `v`.
    pub fn p_concede(&self, v: &View) -> f64 {
        match (v.my_last, v.their_last) {
            (Some(me), Some(them)) => self.p[state_index(me, them)],
            _ => self.initial,
        }
    }
}

impl Rule for MemoryOne {
    const INFO: KindInfo = KindInfo {
        name: "memory_one",
        title: "memory-one",
        names: "memory-one strategy (Nowak & Sigmund 1990; Press & Dyson 2012)",
        about: "concedes with a probability that depends on last round's (own, other) actions",
        params: &[
            ParamSpec::probability(
                "p_cc",
                "p_cc",
                "probability of conceding after both sides conceded",
                ParamDefault::Required,
            ),
            ParamSpec::probability(
                "p_cd",
                "p_cd",
                "probability of conceding after conceding while the other side escalated",
                ParamDefault::Required,
            ),
            ParamSpec::probability(
                "p_dc",
                "p_dc",
                "probability of conceding after escalating while the other side conceded",
                ParamDefault::Required,
            ),
            ParamSpec::probability(
                "p_dd",
                "p_dd",
                "probability of conceding after both sides escalated",
                ParamDefault::Required,
            ),
            ParamSpec::probability("initial", "p_0", "probability of conceding in round 1", ParamDefault::Value(1.0)),
        ],
        fit: FitSupport::No(
            "its five probabilities absorb the noise (a noisy memory-one rule is another memory-one rule), so ε is not identifiable",
        ),
    };
    fn new(p: &[f64]) -> Self {
        MemoryOne { p: [p[0], p[1], p[2], p[3]], initial: p[4] }
    }
    fn params(&self) -> Vec<f64> {
        vec![self.p[0], self.p[1], self.p[2], self.p[3], self.initial]
    }
    fn decide(&self, v: &View, chance: &mut impl FnMut(f64) -> bool) -> Action {
        if chance(self.p_concede(v)) { Action::C } else { Action::D }
    }
    fn p_escalate(&self, v: &View) -> f64 {
        1.0 - self.p_concede(v)
    }
    fn traits(&self) -> Traits {
        Traits::postures(Some(1), !(self.p.iter().all(|&x| certain(x)) && certain(self.initial)))
    }
    fn describe(&self) -> String {
        let p = self.p;
        format!("memory-one ({}, {}, {}, {}; first {})", p[0], p[1], p[2], p[3], self.initial)
    }
}

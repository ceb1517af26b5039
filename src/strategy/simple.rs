/*!
Strategies that ignore the other side. Names: ALLD (always escalate), ALLC
(always concede), Random.
*/

use super::{Action, FitSupport, KindInfo, ParamDefault, ParamSpec, Rule, Traits, View, certain};

const FITTED: FitSupport = FitSupport::Yes { noise_identified: true };

#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct AlwaysEscalate;

impl Rule for AlwaysEscalate {
    const INFO: KindInfo = KindInfo {
        name: "always_escalate",
        title: "always escalate",
        names: "ALLD",
        about: "escalates every round",
        params: &[],
        fit: FITTED,
    };
    fn new(_: &[f64]) -> Self {
        AlwaysEscalate
    }
    fn decide(&self, _: &View, _: &mut impl FnMut(f64) -> bool) -> Action {
        Action::D
    }
    fn p_escalate(&self, _: &View) -> f64 {
        1.0
    }
    fn traits(&self) -> Traits {
        Traits::postures(Some(0), false)
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct AlwaysConcede;

impl Rule for AlwaysConcede {
    const INFO: KindInfo = KindInfo {
        name: "always_concede",
        title: "always concede",
        names: "ALLC",
        about: "concedes every round",
        params: &[],
        fit: FITTED,
    };
    fn new(_: &[f64]) -> Self {
        AlwaysConcede
    }
    fn decide(&self, _: &View, _: &mut impl FnMut(f64) -> bool) -> Action {
        Action::C
    }
    fn p_escalate(&self, _: &View) -> f64 {
        0.0
    }
    fn traits(&self) -> Traits {
        Traits::postures(Some(0), false)
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Random {
    pub p_escalate: f64,
}

impl Rule for Random {
    const INFO: KindInfo = KindInfo {
        name: "random",
        title: "random",
        names: "Random",
        about: "escalates with probability `p_escalate` each round, independently",
        params: &[ParamSpec::probability("p_escalate", "p", "probability of escalating", ParamDefault::Value(0.5))],
        // Implementation noise only rescales p_escalate: ε is fixed at 0.
        fit: FitSupport::Yes { noise_identified: false },
    };
    fn new(p: &[f64]) -> Self {
        Random { p_escalate: p[0] }
    }
    fn params(&self) -> Vec<f64> {
        vec![self.p_escalate]
    }
    fn decide(&self, _: &View, chance: &mut impl FnMut(f64) -> bool) -> Action {
        if chance(self.p_escalate) { Action::D } else { Action::C }
    }
    fn p_escalate(&self, _: &View) -> f64 {
        self.p_escalate
    }
    fn traits(&self) -> Traits {
        Traits::postures(Some(0), !certain(self.p_escalate))
    }
    fn describe(&self) -> String {
        format!("random (escalates {:.0}%)", self.p_escalate * 100.0)
    }
}

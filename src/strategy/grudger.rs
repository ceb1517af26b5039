/*!
Grudgers. Names: Grim trigger, Grudger, Friedman.
*/

use super::{Action, FitSupport, KindInfo, Rule, Traits, View, law};

#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct GrimTrigger;

impl Rule for GrimTrigger {
    const INFO: KindInfo = KindInfo {
        name: "grim_trigger",
        title: "grim trigger",
        names: "Grim, Grudger, Friedman",
        about: "concedes until the first perceived escalation, then escalates for ever",
        params: &[],
        fit: FitSupport::Yes { noise_identified: true },
    };
    fn new(_: &[f64]) -> Self {
        GrimTrigger
    }
    fn decide(&self, v: &View, _: &mut impl FnMut(f64) -> bool) -> Action {
        if v.their_defections > 0 { Action::D } else { Action::C }
    }
    fn p_escalate(&self, v: &View) -> f64 {
        law(self.decide(v, &mut |_| unreachable!()))
    }
    fn traits(&self) -> Traits {
        Traits::postures(None, false)
    }
}

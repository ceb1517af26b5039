/*!
Rules that read payoffs: they see what the standoff costs them and whether
their demand is met, not only the other side's postures.

Names: Resolve (the war of attrition: Maynard Smith 1974; Bishop & Cannings
1978; Fearon 1994's audience costs are one reading of the resolve), Coercer
(compellence: Schelling 1966; Drezner 1999).
*/

use super::{Action, FitSupport, KindInfo, LeverChoice, ParamDefault, ParamSpec, Rule, Traits, View, law};

/// War of attrition: keep up the pressure (escalate, or hold at the top)
/// until what the standoff has cost the side — its pain net of its gains,
/// summed over the rounds — reaches its `resolve`, then concede for good.
/// Give `resolve` as a distribution (e.g. `{ exponential = 40 }`) for
/// private resolve drawn per run.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Resolve {
    pub resolve: f64,
    conceded: bool,
}

impl Rule for Resolve {
    const INFO: KindInfo = KindInfo {
        name: "resolve",
        title: "resolve",
        names: "war of attrition (Maynard Smith 1974; Bishop & Cannings 1978; Fearon 1994)",
        about: "escalates until its cumulative loss (pain net of gains) reaches its resolve, then concedes for good",
        params: &[ParamSpec {
            name: "resolve",
            symbol: "R",
            about: "the cumulative loss, in welfare units, the side will bear before it concedes",
            range: (0.0, 1e6),
            default: ParamDefault::Required,
            aliases: &[],
        }],
        fit: FitSupport::No("it reads payoffs, which the fit's likelihood does not follow yet"),
    };
    fn new(p: &[f64]) -> Self {
        Resolve { resolve: p[0], conceded: false }
    }
    fn params(&self) -> Vec<f64> {
        vec![self.resolve]
    }
    fn decide(&self, v: &View, _: &mut impl FnMut(f64) -> bool) -> Action {
        if self.conceded || v.loss >= self.resolve { Action::C } else { Action::D }
    }
    fn p_escalate(&self, v: &View) -> f64 {
        law(self.decide(v, &mut |_| unreachable!()))
    }
    fn observe(&mut self, v: &View) {
        self.conceded |= v.loss >= self.resolve;
    }
    fn traits(&self) -> Traits {
        Traits { reads_payoffs: true, ..Traits::postures(None, false) }
    }
    fn describe(&self) -> String {
        format!("resolve (concedes after a loss of {})", crate::fmt::num(self.resolve, 3))
    }
}

/// Compellence: while its demand is unmet, escalate the lever with the best
/// leverage (pain inflicted per unit of own net cost, after erosion); once it
/// is met, stop (concede, which lifts the pressure).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Coercer;

impl Rule for Coercer {
    const INFO: KindInfo = KindInfo {
        name: "coercer",
        title: "coercer",
        names: "compellence (Schelling 1966; Drezner 1999)",
        about: "escalates its best-leverage lever until its demand is met, then stops (concedes)",
        params: &[],
        fit: FitSupport::No("it reads whether its demand is met, which the fit's likelihood does not follow yet"),
    };
    fn new(_: &[f64]) -> Self {
        Coercer
    }
    fn decide(&self, v: &View, _: &mut impl FnMut(f64) -> bool) -> Action {
        if v.demand_met { Action::C } else { Action::D }
    }
    fn p_escalate(&self, v: &View) -> f64 {
        law(self.decide(v, &mut |_| unreachable!()))
    }
    fn traits(&self) -> Traits {
        Traits { reads_payoffs: true, lever_choice: LeverChoice::Leverage, ..Traits::postures(Some(0), false) }
    }
}

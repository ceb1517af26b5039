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
    /// 0: losses counted from the baseline payoff; 1: from the starting state.
    pub reference: f64,
    conceded: bool,
}

/// What a side has lost so far, counted from the baseline payoff
/// (`reference` 0), from the run's starting state (1), or in between.
fn loss(v: &View, reference: f64) -> f64 {
    (1.0 - reference) * v.loss + reference * v.loss_from_start
}

const REFERENCE: ParamSpec = ParamSpec {
    name: "reference",
    symbol: "ref",
    about: "where losses are counted from: 0 the baseline payoff (every lever at its bottom rung), 1 the run's starting state (the status quo)",
    range: (0.0, 1.0),
    default: ParamDefault::Value(0.0),
    aliases: &[],
};

const RESOLVE: ParamSpec = ParamSpec {
    name: "resolve",
    symbol: "R",
    about: "the cumulative loss, in welfare units, the side will bear before it concedes",
    range: (0.0, 1e6),
    default: ParamDefault::Required,
    aliases: &[],
};

impl Rule for Resolve {
    const INFO: KindInfo = KindInfo {
        name: "resolve",
        title: "resolve",
        names: "war of attrition (Maynard Smith 1974; Bishop & Cannings 1978; Fearon 1994)",
        about: "escalates until its cumulative loss (pain net of gains) reaches its resolve, then concedes for good",
        params: &[RESOLVE, REFERENCE],
        fit: FitSupport::No("it reads payoffs, which the fit's likelihood does not follow yet"),
    };
    fn new(p: &[f64]) -> Self {
        Resolve { resolve: p[0], reference: p[1], conceded: false }
    }
    fn params(&self) -> Vec<f64> {
        vec![self.resolve, self.reference]
    }
    fn decide(&self, v: &View, _: &mut impl FnMut(f64) -> bool) -> Action {
        if self.conceded || loss(v, self.reference) >= self.resolve { Action::C } else { Action::D }
    }
    fn p_escalate(&self, v: &View) -> f64 {
        law(self.decide(v, &mut |_| unreachable!()))
    }
    fn observe(&mut self, v: &View) {
        self.conceded |= loss(v, self.reference) >= self.resolve;
    }
    fn traits(&self) -> Traits {
        Traits { reads_payoffs: true, ..Traits::postures(None, false) }
    }
    fn describe(&self) -> String {
        format!("resolve (concedes after a loss of {})", crate::fmt::num(self.resolve, 3))
    }
}

/// Reciprocity with a limit: generous tit-for-tat while what the standoff
/// has cost the side is below its `resolve`, then concede for good. The
/// tit-for-tat family's answer to leverage: the side that is hurt more gives
/// in sooner.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ResoluteTitForTat {
    pub generosity: f64,
    pub resolve: f64,
    pub reference: f64,
    conceded: bool,
}

impl Rule for ResoluteTitForTat {
    const INFO: KindInfo = KindInfo {
        name: "resolute_tit_for_tat",
        title: "resolute tit-for-tat",
        names: "generous TFT (Nowak & Sigmund 1992) with a war-of-attrition resolve (Maynard Smith 1974)",
        about: "generous tit-for-tat until its cumulative loss reaches its resolve, then concedes for good",
        params: &[
            ParamSpec::probability(
                "generosity",
                "g",
                "probability of forgiving a perceived escalation",
                ParamDefault::StageGame,
            ),
            RESOLVE,
            ParamSpec { default: ParamDefault::Value(1.0), ..REFERENCE },
        ],
        fit: FitSupport::No("it reads payoffs, which the fit's likelihood does not follow yet"),
    };
    fn new(p: &[f64]) -> Self {
        ResoluteTitForTat { generosity: p[0], resolve: p[1], reference: p[2], conceded: false }
    }
    fn params(&self) -> Vec<f64> {
        vec![self.generosity, self.resolve, self.reference]
    }
    fn decide(&self, v: &View, chance: &mut impl FnMut(f64) -> bool) -> Action {
        if self.conceded || loss(v, self.reference) >= self.resolve {
            return Action::C;
        }
        match v.their_last {
            Some(Action::D) if !chance(self.generosity) => Action::D,
            _ => Action::C,
        }
    }
    fn p_escalate(&self, v: &View) -> f64 {
        if self.conceded || loss(v, self.reference) >= self.resolve || v.their_last != Some(Action::D) {
            0.0
        } else {
            1.0 - self.generosity
        }
    }
    fn observe(&mut self, v: &View) {
        self.conceded |= loss(v, self.reference) >= self.resolve;
    }
    fn traits(&self) -> Traits {
        let certain = self.generosity == 0.0 || self.generosity == 1.0;
        Traits { reads_payoffs: true, ..Traits::postures(None, !certain) }
    }
    fn describe(&self) -> String {
        format!(
            "resolute TFT (forgives {:.0}%, concedes after a loss of {})",
            self.generosity * 100.0,
            crate::fmt::num(self.resolve, 3)
        )
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

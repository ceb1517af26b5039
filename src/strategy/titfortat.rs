/*!
The tit-for-tat family.

Names: TitForTat (Rapoport), SuspiciousTitForTat, GenerousTitForTat (Nowak &
Sigmund 1992; "TitForTat is equivalent to GTFT(0)"), TitForTwoTats (Axelrod
1980).
*/

use super::{Action, FitSupport, KindInfo, ParamDefault, ParamSpec, Rule, Traits, View, certain, law};

const FITTED: FitSupport = FitSupport::Yes { noise_identified: true };

#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct TitForTat;

impl Rule for TitForTat {
    const INFO: KindInfo = KindInfo {
        name: "tit_for_tat",
        title: "tit-for-tat",
        names: "TFT (Rapoport; Axelrod 1980)",
        about: "concedes first, then copies the other side's last perceived action",
        params: &[],
        fit: FITTED,
    };
    fn new(_: &[f64]) -> Self {
        TitForTat
    }
    fn decide(&self, v: &View, _: &mut impl FnMut(f64) -> bool) -> Action {
        v.their_last.unwrap_or(Action::C)
    }
    fn p_escalate(&self, v: &View) -> f64 {
        law(self.decide(v, &mut |_| unreachable!()))
    }
    fn traits(&self) -> Traits {
        Traits::postures(Some(1), false)
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct SuspiciousTitForTat;

impl Rule for SuspiciousTitForTat {
    const INFO: KindInfo = KindInfo {
        name: "suspicious_tit_for_tat",
        title: "suspicious tit-for-tat",
        names: "STFT",
        about: "escalates first, then copies the other side's last perceived action",
        params: &[],
        fit: FITTED,
    };
    fn new(_: &[f64]) -> Self {
        SuspiciousTitForTat
    }
    fn decide(&self, v: &View, _: &mut impl FnMut(f64) -> bool) -> Action {
        v.their_last.unwrap_or(Action::D)
    }
    fn p_escalate(&self, v: &View) -> f64 {
        law(self.decide(v, &mut |_| unreachable!()))
    }
    fn traits(&self) -> Traits {
        Traits::postures(Some(1), false)
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct GenerousTitForTat {
    /// Probability of answering a perceived escalation by conceding.
    pub generosity: f64,
}

impl Rule for GenerousTitForTat {
    const INFO: KindInfo = KindInfo {
        name: "generous_tit_for_tat",
        title: "generous tit-for-tat",
        names: "GTFT (Nowak & Sigmund 1992)",
        about: "like tit-for-tat, but answers a perceived escalation by conceding with probability `generosity`",
        params: &[ParamSpec::probability(
            "generosity",
            "g",
            "probability of forgiving a perceived escalation",
            ParamDefault::StageGame,
        )
        // GTFT's generosity is its probability of forgiving.
        .aka(&["forgiveness"])],
        fit: FITTED,
    };
    fn new(p: &[f64]) -> Self {
        GenerousTitForTat { generosity: p[0] }
    }
    fn params(&self) -> Vec<f64> {
        vec![self.generosity]
    }
    fn decide(&self, v: &View, chance: &mut impl FnMut(f64) -> bool) -> Action {
        match v.their_last {
            Some(Action::D) if !chance(self.generosity) => Action::D,
            _ => Action::C,
        }
    }
    fn p_escalate(&self, v: &View) -> f64 {
        if v.their_last == Some(Action::D) { 1.0 - self.generosity } else { 0.0 }
    }
    fn traits(&self) -> Traits {
        Traits::postures(Some(1), !certain(self.generosity))
    }
    fn describe(&self) -> String {
        format!("generous TFT (forgives {:.0}%)", self.generosity * 100.0)
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct TitForTwoTats;

impl Rule for TitForTwoTats {
    const INFO: KindInfo = KindInfo {
        name: "tit_for_two_tats",
        title: "tit-for-two-tats",
        names: "TF2T (Axelrod 1980)",
        about: "escalates only after two perceived escalations in a row",
        params: &[],
        fit: FITTED,
    };
    fn new(_: &[f64]) -> Self {
        TitForTwoTats
    }
    fn decide(&self, v: &View, _: &mut impl FnMut(f64) -> bool) -> Action {
        if v.their_last == Some(Action::D) && v.their_prev == Some(Action::D) { Action::D } else { Action::C }
    }
    fn p_escalate(&self, v: &View) -> f64 {
        law(self.decide(v, &mut |_| unreachable!()))
    }
    fn traits(&self) -> Traits {
        Traits::postures(Some(2), false)
    }
}

/*!
Reciprocal rules refined for noise.

Names: ContriteTitForTat (Sugden 1986; Boyd 1989; Wu & Axelrod 1995: the
"standing" rule that accepts punishment for its own errors and so ends echo
loops), Proportional retaliation (Downs & Rocke 1990: limited, proportionate
punishment; compare the WTO DSU Art. 22.4 "equivalent" retaliation).
*/

use super::{Action, FitSupport, KindInfo, ParamDefault, ParamSpec, Rule, Traits, View, law};

/// Contrite tit-for-tat: each side has a *standing*, good or bad. A side is
/// in good standing after conceding, or after escalating while in good
/// standing against a side in bad standing (a justified punishment); any
/// other escalation puts it in bad standing. The rule escalates only when it
/// is in good standing and the other side is not: it answers the other's
/// unjustified escalations, but not the punishment of its own.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ContriteTitForTat {
    mine_good: bool,
    theirs_good: bool,
}

impl Default for ContriteTitForTat {
    fn default() -> Self {
        ContriteTitForTat { mine_good: true, theirs_good: true }
    }
}

impl Rule for ContriteTitForTat {
    const INFO: KindInfo = KindInfo {
        name: "contrite_tit_for_tat",
        title: "contrite tit-for-tat",
        names: "CTFT (Sugden 1986; Boyd 1989; Wu & Axelrod 1995)",
        about: "tit-for-tat that keeps each side's standing: it does not answer the punishment of its own (noisy) escalation, which ends echo loops",
        params: &[],
        fit: FitSupport::No("its standing is a state the fit's likelihood does not follow yet"),
    };
    fn new(_: &[f64]) -> Self {
        ContriteTitForTat::default()
    }
    fn decide(&self, _: &View, _: &mut impl FnMut(f64) -> bool) -> Action {
        if self.mine_good && !self.theirs_good { Action::D } else { Action::C }
    }
    fn p_escalate(&self, v: &View) -> f64 {
        law(self.decide(v, &mut |_| unreachable!()))
    }
    fn observe(&mut self, v: &View) {
        let (mine, theirs) = (self.mine_good, self.theirs_good);
        if let (Some(my_last), Some(their_last)) = (v.my_last, v.their_last) {
            self.mine_good = my_last == Action::C || (mine && !theirs);
            self.theirs_good = their_last == Action::C || (theirs && !mine);
        }
    }
    fn traits(&self) -> Traits {
        Traits::postures(None, false)
    }
}

/// Proportional retaliation: tit-for-tat whose escalation matches the size
/// of the one it answers: `ratio` × the rungs the other side raised, rounded,
/// at least one rung and at most `cap`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Proportional {
    pub ratio: f64,
    pub cap: f64,
}

impl Rule for Proportional {
    const INFO: KindInfo = KindInfo {
        name: "proportional",
        title: "proportional retaliation",
        names: "proportional tit-for-tat (Downs & Rocke 1990; WTO DSU Art. 22.4)",
        about: "copies the other side's last perceived action, answering an escalation of n rungs with ratio × n rungs (at least 1, at most cap)",
        params: &[
            ParamSpec {
                name: "ratio",
                symbol: "k",
                about: "rungs of retaliation per rung of the escalation answered",
                range: (0.0, 4.0),
                default: ParamDefault::Value(1.0),
                aliases: &[],
            },
            ParamSpec {
                name: "cap",
                symbol: "cap",
                about: "most rungs one retaliation raises",
                range: (1.0, 16.0),
                default: ParamDefault::Value(2.0),
                aliases: &[],
            },
        ],
        // Postures cannot show the size of a move.
        fit: FitSupport::No("in postures it is tit-for-tat: a record of postures cannot tell the two apart"),
    };
    fn new(p: &[f64]) -> Self {
        Proportional { ratio: p[0], cap: p[1] }
    }
    fn params(&self) -> Vec<f64> {
        vec![self.ratio, self.cap]
    }
    fn decide(&self, v: &View, _: &mut impl FnMut(f64) -> bool) -> Action {
        v.their_last.unwrap_or(Action::C)
    }
    fn p_escalate(&self, v: &View) -> f64 {
        law(self.decide(v, &mut |_| unreachable!()))
    }
    fn size(&self, v: &View) -> u32 {
        let wanted = (self.ratio * f64::from(v.their_rise.max(1))).round();
        wanted.clamp(1.0, self.cap.floor().max(1.0)) as u32
    }
    fn traits(&self) -> Traits {
        Traits::postures(Some(1), false)
    }
    fn describe(&self) -> String {
        format!("proportional (×{}, cap {})", crate::fmt::num(self.ratio, 3), crate::fmt::num(self.cap, 3))
    }
}

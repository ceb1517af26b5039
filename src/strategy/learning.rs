/*!
Learning from realised payoffs.

Names: Roth–Erev reinforcement learning (Roth & Erev 1995; Erev & Roth 1998),
the basic model with forgetting (recency) and experimentation.
*/

use super::{Action, FitSupport, KindInfo, ParamDefault, ParamSpec, Rule, Traits, View};

/// Roth–Erev: propensities q_C and q_D; escalate with probability
/// q_D / (q_C + q_D). After each round, with R the round's payoff normalised
/// to [0, 1] by the side's payoff range, q_j ← (1 − φ)·q_j + E_j, where
/// E_j = (1 − ε)·R for the action played and ε·R for the other (M = 2).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Learner {
    pub recency: f64,
    pub experimentation: f64,
    pub initial: f64,
    pub strength: f64,
    q: [f64; 2],
}

impl Learner {
    fn p_d(&self) -> f64 {
        let total = self.q[0] + self.q[1];
        if total > 0.0 { self.q[1] / total } else { 0.5 }
    }
}

impl Rule for Learner {
    const INFO: KindInfo = KindInfo {
        name: "learner",
        title: "Roth–Erev learner",
        names: "reinforcement learning (Roth & Erev 1995; Erev & Roth 1998)",
        about: "escalates with a probability that grows with the payoffs escalating has brought (Roth–Erev reinforcement with recency and experimentation)",
        params: &[
            ParamSpec::probability(
                "recency",
                "φ",
                "share of propensity forgotten each round",
                ParamDefault::Value(0.1),
            ),
            ParamSpec::probability(
                "experimentation",
                "ε",
                "share of a round's reinforcement given to the action not played",
                ParamDefault::Value(0.2),
            ),
            ParamSpec::probability(
                "initial",
                "p_0",
                "probability of escalating before any learning",
                ParamDefault::Value(0.5),
            ),
            ParamSpec {
                name: "strength",
                symbol: "s_0",
                about: "initial total propensity: how many rounds of payoff it takes to move the initial probability",
                range: (0.01, 100.0),
                default: ParamDefault::Value(2.0),
                aliases: &[],
            },
        ],
        fit: FitSupport::No("it learns from payoffs, which the fit's likelihood does not follow yet"),
    };
    fn new(p: &[f64]) -> Self {
        let (initial, strength) = (p[2], p[3]);
        Learner {
            recency: p[0],
            experimentation: p[1],
            initial,
            strength,
            q: [strength * (1.0 - initial), strength * initial],
        }
    }
    fn params(&self) -> Vec<f64> {
        vec![self.recency, self.experimentation, self.initial, self.strength]
    }
    fn decide(&self, _: &View, chance: &mut impl FnMut(f64) -> bool) -> Action {
        if chance(self.p_d()) { Action::D } else { Action::C }
    }
    fn p_escalate(&self, _: &View) -> f64 {
        self.p_d()
    }
    fn observe(&mut self, v: &View) {
        let Some(played) = v.my_last else { return };
        let r = v.payoff.clamp(0.0, 1.0);
        let k = played.is_d() as usize;
        for (j, q) in self.q.iter_mut().enumerate() {
            let reinforcement = if j == k { (1.0 - self.experimentation) * r } else { self.experimentation * r };
            *q = (1.0 - self.recency) * *q + reinforcement;
        }
    }
    fn traits(&self) -> Traits {
        Traits { reads_payoffs: true, ..Traits::postures(None, true) }
    }
}

/*!
Strategies that ignore the other side. Names: ALLD (always escalate), ALLC
(always concede), Random.
*/

use super::Action;

pub fn random(p_escalate: f64, chance: &mut impl FnMut(f64) -> bool) -> Action {
    if chance(p_escalate) { Action::D } else { Action::C }
}

/*!
Memory-one strategies: the probability of conceding depends only on last
round's (own, other) actions, in the order CC, CD, DC, DD (own first).

Names: WinStayLoseShift = Pavlov = (1, 0, 0, 1); TitForTat = (1, 0, 1, 0);
GTFT(g) = (1, g, 1, g); ALLC = (1, 1, 1, 1); ALLD = (0, 0, 0, 0).
*/

use super::{Action, View};

/// Index of last round's state in the CC, CD, DC, DD order.
pub fn state_index(me: Action, them: Action) -> usize {
    (me.is_d() as usize) << 1 | them.is_d() as usize
}

pub fn win_stay_lose_shift(v: &View) -> Action {
    match (v.my_last, v.their_last) {
        (Some(me), Some(them)) if me != them => Action::D,
        _ => Action::C,
    }
}

pub fn memory_one(v: &View, p: &[f64; 4], initial: f64, chance: &mut impl FnMut(f64) -> bool) -> Action {
    if chance(p_concede(v, p, initial)) { Action::C } else { Action::D }
}

/// The probability of conceding from view `v`.
pub fn p_concede(v: &View, p: &[f64; 4], initial: f64) -> f64 {
    match (v.my_last, v.their_last) {
        (Some(me), Some(them)) => p[state_index(me, them)],
        _ => initial,
    }
}

/*!
The tit-for-tat family.

Names: TitForTat (Rapoport), SuspiciousTitForTat, GenerousTitForTat (Nowak &
Sigmund 1992; "TitForTat is equivalent to GTFT(0)"), TitForTwoTats (Axelrod
1980).
*/

use super::{Action, View};

pub fn tit_for_tat(v: &View) -> Action {
    v.their_last.unwrap_or(Action::C)
}

pub fn suspicious_tit_for_tat(v: &View) -> Action {
    v.their_last.unwrap_or(Action::D)
}

pub fn generous_tit_for_tat(v: &View, generosity: f64, chance: &mut impl FnMut(f64) -> bool) -> Action {
    match v.their_last {
        Some(Action::D) if !chance(generosity) => Action::D,
        _ => Action::C,
    }
}

pub fn tit_for_two_tats(v: &View) -> Action {
    if v.their_last == Some(Action::D) && v.their_prev == Some(Action::D) { Action::D } else { Action::C }
}

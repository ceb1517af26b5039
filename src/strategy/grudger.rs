/*!
Grudgers. Names: Grim trigger, Grudger, Friedman.
*/

use super::{Action, View};

pub fn grim_trigger(v: &View) -> Action {
    if v.their_defections > 0 { Action::D } else { Action::C }
}

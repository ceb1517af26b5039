//! Engine behaviour on small hand-checked games.

use tradewar::engine::Game;
use tradewar::rng::Streams;
use tradewar::strategy::Action;

use crate::common::{classic, parse};

fn moves(s: &str) -> Vec<Action> {
    s.chars().map(|c| if c == 'D' { Action::D } else { Action::C }).collect()
}

#[test]
fn two_rung_rung_equals_action() {
    // In the classic reduction the rung after round t is the action of round t.
    let sc = classic(r#"{ kind = "random" }"#, r#"{ kind = "tit_for_tat" }"#, 0.1, 60, 1);
    let streams = Streams::new(3);
    let mut game = Game::new(&sc, &streams);
    for run in 0..20 {
        let tr = game.play(run);
        for t in 1..=60 {
            let a = tr.actions(t);
            for (side, action) in a.iter().enumerate() {
                assert_eq!(tr.rung(t, side, 0), action.is_d() as usize, "run {run} round {t}");
            }
        }
    }
}

#[test]
fn tit_for_tat_echo_after_one_error() {
    // Noise-free TFT vs a scripted accident: use grim vs TFT? Simpler: TFT vs
    // suspicious TFT alternates for ever (the echo effect).
    let sc = classic(r#"{ kind = "tit_for_tat" }"#, r#"{ kind = "suspicious_tit_for_tat" }"#, 0.0, 6, 1);
    let streams = Streams::new(0);
    let mut game = Game::new(&sc, &streams);
    let tr = game.play(0);
    let row: Vec<Action> = (1..=6).map(|t| tr.actions(t)[0]).collect();
    let col: Vec<Action> = (1..=6).map(|t| tr.actions(t)[1]).collect();
    assert_eq!(row, moves("CDCDCD"));
    assert_eq!(col, moves("DCDCDC"));
}

const LADDER: &str = r#"
rounds = 8
[[sides]]
name = "a"
strategy = { kind = "always_escalate" }
[[sides.levers]]
name = "tariffs"
ladder = [10, 20, 30]
pain = 1
[[sides.levers]]
name = "controls"
ladder = [0, 1]
pain = 1
[[sides]]
name = "b"
strategy = { kind = "tit_for_tat" }
[[sides.levers]]
name = "tariffs"
ladder = [10, 20, 30, 40]
pain = 1
answers = ["tariffs"]
[[sides.levers]]
name = "minerals"
ladder = [0, 5, 12]
pain = 1
answers = ["controls"]
"#;

#[test]
fn escalation_climbs_answers_and_spills_over() {
    let sc = parse(LADDER);
    let streams = Streams::new(0);
    let mut game = Game::new(&sc, &streams);
    let tr = game.play(0);
    let a: Vec<(usize, usize)> = (0..=8).map(|t| (tr.rung(t, 0, 0), tr.rung(t, 0, 1))).collect();
    let b: Vec<(usize, usize)> = (0..=8).map(|t| (tr.rung(t, 1, 0), tr.rung(t, 1, 1))).collect();
    // Side a escalates its primary (tariffs) to the top, then spills over to controls.
    assert_eq!(a, vec![(0, 0), (1, 0), (2, 0), (2, 1), (2, 1), (2, 1), (2, 1), (2, 1), (2, 1)]);
    // Side b (TFT) answers a's tariffs with tariffs from round 2, a's controls
    // (raised in round 3) with minerals in round 4, and the standing grievance
    // (controls) afterwards while a holds at the top.
    assert_eq!(b, vec![(0, 0), (0, 0), (1, 0), (2, 0), (2, 1), (2, 2), (3, 2), (3, 2), (3, 2)]);
}

#[test]
fn concession_steps_down_most_intense_lever_to_floor() {
    let text = LADDER
        .replace(r#"strategy = { kind = "always_escalate" }"#, r#"strategy = { kind = "always_concede" }"#)
        .replace("ladder = [10, 20, 30]\npain = 1", "ladder = [10, 20, 30]\nstart = 30\nfloor = 20\npain = 1")
        .replace("ladder = [0, 1]\npain = 1", "ladder = [0, 1]\nstart = 1\npain = 1");
    let sc = parse(&text);
    let streams = Streams::new(0);
    let mut game = Game::new(&sc, &streams);
    let tr = game.play(0);
    let a: Vec<(usize, usize)> = (0..=3).map(|t| (tr.rung(t, 0, 0), tr.rung(t, 0, 1))).collect();
    // Both at intensity 1: the first (tariffs) goes first, down to its floor (rung 1).
    assert_eq!(a, vec![(2, 1), (1, 1), (1, 0), (1, 0)]);
}

#[test]
fn suspension_caps_then_snaps_back_unless_renewed() {
    let base = r#"
rounds = 6
[[sides]]
name = "a"
strategy = { kind = "always_concede" }
[[sides.levers]]
name = "fees"
ladder = [0, 50, 80]
start = 50
floor = 50
pain = 1
[[sides]]
name = "b"
strategy = { kind = "always_concede" }
[[sides.levers]]
name = "fees"
ladder = [0, 1]
pain = 1
[[events]]
kind = "suspension"
label = "fees suspended"
start = 2
duration = 3
renew_prob = RENEW
measures = [{ side = "a", lever = "fees", level = 0, snap_back = 80 }]
"#;
    let streams = Streams::new(0);
    let sc = parse(&base.replace("RENEW", "0.0"));
    let mut game = Game::new(&sc, &streams);
    let tr = game.play(0);
    let fees: Vec<usize> = (0..=6).map(|t| tr.rung(t, 0, 0)).collect();
    // Round 5 opens with the snap-back to 80 (rung 2). The measure is back in
    // force: it becomes the new floor, so the always-conceding side keeps it.
    assert_eq!(fees, vec![1, 1, 0, 0, 0, 2, 2]);
    assert_eq!(tr.actions(5)[0], Action::D, "a snap-back is seen as an escalation");
    let sc = parse(&base.replace("RENEW", "1.0"));
    let mut game = Game::new(&sc, &streams);
    let tr = game.play(0);
    let fees: Vec<usize> = (0..=6).map(|t| tr.rung(t, 0, 0)).collect();
    assert_eq!(fees, vec![1, 1, 0, 0, 0, 0, 0]);
}

#[test]
fn same_run_same_trace() {
    let sc = classic(r#"{ kind = "generous_tit_for_tat" }"#, r#"{ kind = "random" }"#, 0.05, 50, 1);
    let streams = Streams::new(11);
    let mut g1 = Game::new(&sc, &streams);
    let mut g2 = Game::new(&sc, &streams);
    for run in [0, 5, 17] {
        let w1 = g1.play(run).welfare;
        g2.play(run + 1); // a different run in between must not matter
        let w2 = g2.play(run).welfare;
        assert_eq!(w1, w2);
    }
}

#[test]
fn provocation_is_seen_and_not_undone_the_same_round() {
    // An always-conceding side is provoked every round; tit-for-tat sees it
    // and answers. The concession steps the lever back down the next round.
    let text = r#"
rounds = 4
[[sides]]
name = "a"
strategy = { kind = "always_concede" }
[[sides.levers]]
name = "controls"
ladder = [0, 1, 2, 3, 4, 5]
pain = 1
[[sides.provocations]]
lever = "controls"
prob = 1.0
[[sides]]
name = "b"
strategy = { kind = "tit_for_tat" }
[[sides.levers]]
name = "minerals"
ladder = [0, 1, 2, 3, 4, 5]
pain = 1
"#;
    let sc = parse(text);
    let streams = Streams::new(0);
    let mut game = Game::new(&sc, &streams);
    let tr = game.play(0);
    let a: Vec<usize> = (0..=4).map(|t| tr.rung(t, 0, 0)).collect();
    let b: Vec<usize> = (0..=4).map(|t| tr.rung(t, 1, 0)).collect();
    // Each round: +1 by provocation, and the concession may not undo a rise
    // forced this round (a's only lever), so the lever ratchets up.
    assert_eq!(a, vec![0, 1, 2, 3, 4]);
    assert!((1..=4).all(|t| tr.actions(t)[0] == Action::D), "a provocation is an escalation");
    assert_eq!(b, vec![0, 0, 1, 2, 3], "tit-for-tat answers every provocation");
}

#[test]
fn spill_over_never_raises_a_lever_twice() {
    // Side a answers b's two levers with `x` and `y`; `y` is capped by a
    // suspension, so its escalation spills over, but not onto `x`, which has
    // already moved this round: it goes to `z`.
    let text = r#"
rounds = 3
[[sides]]
name = "a"
strategy = { kind = "tit_for_tat" }
[[sides.levers]]
name = "x"
ladder = [0, 1, 2, 3]
pain = 1
answers = ["p"]
[[sides.levers]]
name = "y"
ladder = [0, 1, 2, 3]
pain = 1
answers = ["q"]
[[sides.levers]]
name = "z"
ladder = [0, 1, 2, 3]
pain = 1
[[sides]]
name = "b"
strategy = { kind = "always_escalate" }
[[sides.levers]]
name = "p"
ladder = [0, 1, 2, 3]
pain = 1
answers = ["x"]
[[sides.levers]]
name = "q"
ladder = [0, 1, 2, 3]
pain = 1
[[events]]
kind = "suspension"
duration = 10
measures = [{ side = "a", lever = "y", level = 0 }]
"#;
    let sc = parse(text);
    let streams = Streams::new(0);
    let mut game = Game::new(&sc, &streams);
    let tr = game.play(0);
    let a: Vec<[usize; 3]> = (0..=3).map(|t| [tr.rung(t, 0, 0), tr.rung(t, 0, 1), tr.rung(t, 0, 2)]).collect();
    // Round 1: b raises its primary p. Round 2: a answers p with x. Round 3: b
    // answers x with p again (and the grievance is p): a raises x once more.
    assert_eq!(a[2], [1, 0, 0]);
    let b: Vec<[usize; 2]> = (0..=3).map(|t| [tr.rung(t, 1, 0), tr.rung(t, 1, 1)]).collect();
    assert_eq!(b, vec![[0, 0], [1, 0], [2, 0], [3, 0]]);
    assert_eq!(a[3], [2, 0, 0]);
}

#[test]
fn concession_answers_in_kind() {
    // b lowers its tariffs; a (tit-for-tat) answers by lowering the lever that
    // answers tariffs (its own tariffs), not its most intense lever.
    let text = r#"
rounds = 2
[[sides]]
name = "a"
strategy = { kind = "tit_for_tat" }
[[sides.levers]]
name = "controls"
ladder = [0, 1, 2, 3]
start = 3
pain = 1
[[sides.levers]]
name = "tariffs"
ladder = [0, 1, 2, 3]
start = 1
pain = 1
answers = ["tariffs"]
[[sides]]
name = "b"
strategy = { kind = "always_concede" }
[[sides.levers]]
name = "tariffs"
ladder = [0, 1, 2, 3]
start = 2
pain = 1
"#;
    let sc = parse(text);
    let streams = Streams::new(0);
    let mut game = Game::new(&sc, &streams);
    let tr = game.play(0);
    // Round 1: nothing to answer in kind yet: a steps its most intense lever
    // (controls) down; b lowers tariffs. Round 2: a lowers tariffs in kind.
    assert_eq!([tr.rung(1, 0, 0), tr.rung(1, 0, 1)], [2, 1]);
    assert_eq!([tr.rung(2, 0, 0), tr.rung(2, 0, 1)], [2, 0]);
}

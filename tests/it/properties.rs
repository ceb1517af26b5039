//! Property tests of the engine (proptest): on randomly generated scenarios,
//! rungs stay on their ladders and under their caps, the specialised IPD loop
//! equals the general round, and batch totals do not depend on the thread
//! count.

use proptest::prelude::*;
use tradewar::engine::Game;
use tradewar::montecarlo::{Hooks, McConfig, run_batch, with_threads};
use tradewar::rng::Streams;
use tradewar::scenario::Scenario;
use tradewar::strategy::Kind;

use crate::common::parse;

/// A strategy table with random parameter values for a registry kind.
fn strategy_table() -> impl Strategy<Value = String> {
    (0..Kind::ALL.len(), prop::collection::vec(0.0f64..=1.0, 5)).prop_map(|(k, u)| {
        let kind = Kind::ALL[k];
        let params: Vec<String> = kind
            .info()
            .params
            .iter()
            .zip(&u)
            .map(|(p, x)| format!(", {} = {}", p.name, p.range.0 + x * (p.range.1 - p.range.0)))
            .collect();
        format!("{{ kind = \"{}\"{} }}", kind.name(), params.concat())
    })
}

/// One lever: rungs, start, floor and a random erosion.
#[derive(Clone, Debug)]
struct LeverSpec {
    rungs: usize,
    start: usize,
    floor: usize,
    erosion: f64,
    provoked: Option<f64>,
}

fn lever_spec(max_rungs: usize) -> impl Strategy<Value = LeverSpec> {
    (2..=max_rungs, 0usize..8, 0usize..8, 0.0f64..0.3, prop::option::of(0.0f64..0.5)).prop_map(
        |(rungs, s, f, erosion, provoked)| LeverSpec { rungs, start: s % rungs, floor: f % rungs, erosion, provoked },
    )
}

#[derive(Clone, Debug)]
struct SideSpec {
    strategy: String,
    noise: f64,
    misperception: f64,
    levers: Vec<LeverSpec>,
}

fn side_spec(max_levers: usize, max_rungs: usize) -> impl Strategy<Value = SideSpec> {
    (strategy_table(), 0.0f64..0.3, 0.0f64..0.3, prop::collection::vec(lever_spec(max_rungs), 1..=max_levers))
        .prop_map(|(strategy, noise, misperception, levers)| SideSpec { strategy, noise, misperception, levers })
}

fn render(sides: &[SideSpec; 2], rounds: u32, truce: Option<(u32, u32, f64)>) -> String {
    let mut t = format!("rounds = {rounds}\nseed = 11\n");
    for (i, s) in sides.iter().enumerate() {
        t += &format!(
            "[[sides]]\nname = \"s{i}\"\nstrategy = {}\nnoise = {}\nmisperception = {}\nbaseline_welfare = 1.0\n",
            s.strategy, s.noise, s.misperception
        );
        for (l, lever) in s.levers.iter().enumerate() {
            let ladder: Vec<String> = (0..lever.rungs).map(|r| (r * 10).to_string()).collect();
            t += &format!(
                "[[sides.levers]]\nname = \"l{l}\"\nladder = [{}]\nstart = {}\nfloor = {}\npain = {{ uniform = [1, 3] }}\ncost = 0.5\nerosion = {}\n",
                ladder.join(", "),
                lever.start * 10,
                lever.floor * 10,
                lever.erosion
            );
        }
        for (l, lever) in s.levers.iter().enumerate() {
            if let Some(p) = lever.provoked {
                t += &format!("[[sides.provocations]]\nlever = \"l{l}\"\nprob = {p}\n");
            }
        }
    }
    if let Some((start, duration, renew)) = truce {
        t += &format!(
            "[[events]]\nkind = \"suspension\"\nstart = {start}\nduration = {duration}\nrenew_prob = {renew}\n\
             measures = [{{ side = \"s0\", lever = \"l0\", level = 0 }}, {{ side = \"s1\", lever = \"l0\", level = 0 }}]\n"
        );
    }
    t
}

/// A scenario whose sides may have several levers, provocations and a truce.
fn any_scenario() -> impl Strategy<Value = Scenario> {
    (side_spec(3, 5), side_spec(3, 5), 1u32..30, prop::option::of((1u32..10, 1u32..10, 0.0f64..=1.0))).prop_map(
        |(a, b, rounds, truce)| {
            let truce = truce.map(|(s, d, r)| (s.min(rounds), d, r));
            parse(&render(&[a, b], rounds, truce))
        },
    )
}

/// A scenario with the classic IPD structure: one two-rung lever per side,
/// floor 0, no provocations, no events.
fn ipd_side() -> impl Strategy<Value = SideSpec> {
    (strategy_table(), 0.0f64..0.3, 0.0f64..0.3, 0usize..2, 0.0f64..0.3).prop_map(
        |(strategy, noise, misperception, start, erosion)| SideSpec {
            strategy,
            noise,
            misperception,
            levers: vec![LeverSpec { rungs: 2, start, floor: 0, erosion, provoked: None }],
        },
    )
}

fn ipd_scenario() -> impl Strategy<Value = Scenario> {
    (ipd_side(), ipd_side(), 1u32..60).prop_map(|(a, b, rounds)| parse(&render(&[a, b], rounds, None)))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn rungs_stay_on_their_ladders(sc in any_scenario()) {
        let streams = Streams::new(sc.seed);
        let mut game = Game::new(&sc, &streams);
        for run in 0..20 {
            let tr = game.play(run);
            for t in 0..=sc.rounds {
                for (i, side) in sc.sides.iter().enumerate() {
                    for (l, lever) in side.levers.iter().enumerate() {
                        prop_assert!(tr.rung(t, i, l) <= lever.top(), "run {run} round {t} lever {i}.{l}");
                    }
                    let e = tr.index(t, i);
                    prop_assert!((0.0..=1.0).contains(&e), "index {e}");
                }
            }
            prop_assert!(tr.welfare.iter().all(|w| w.is_finite()));
        }
    }

    #[test]
    fn ipd_path_equals_general_path(sc in ipd_scenario()) {
        let streams = Streams::new(sc.seed);
        let mut fast = Game::new(&sc, &streams);
        let mut general = Game::new(&sc, &streams);
        prop_assert!(fast.uses_ipd_path());
        general.force_general_path();
        for run in 0..20 {
            let (a, b) = (fast.play(run).clone(), general.play(run).clone());
            prop_assert_eq!(a.welfare, b.welfare);
            prop_assert_eq!(a.peak, b.peak);
            prop_assert_eq!(a.exchanges, b.exchanges);
            prop_assert_eq!(a.utility, b.utility);
            prop_assert_eq!(a.first_yield, b.first_yield);
            // The IPD loop logs round 0 and counts later rounds from its rows.
            let round0 = |t: &tradewar::engine::GameTrace| t.changes().iter().filter(|c| c.round == 0).copied().collect::<Vec<_>>();
            prop_assert_eq!(round0(&a), round0(&b));
            for t in 0..=sc.rounds {
                prop_assert_eq!(a.rung(t, 0, 0), b.rung(t, 0, 0));
                prop_assert_eq!(a.rung(t, 1, 0), b.rung(t, 1, 0));
                prop_assert_eq!(a.index(t, 0), b.index(t, 0));
                prop_assert_eq!(a.index(t, 1), b.index(t, 1));
                if t > 0 {
                    prop_assert_eq!(a.actions(t), b.actions(t));
                    prop_assert_eq!(a.exchanged(t), b.exchanged(t));
                }
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    #[test]
    fn totals_do_not_depend_on_threads(sc in any_scenario(), runs in 1u64..400) {
        let cfg = McConfig { runs, seed: 5 };
        let one = with_threads(1, || run_batch(&sc, &cfg, &Hooks::default(), None)).unwrap().unwrap();
        let three = with_threads(3, || run_batch(&sc, &cfg, &Hooks::default(), None)).unwrap().unwrap();
        prop_assert_eq!(one, three);
    }
}

//! Games with known answers (textbook), degenerate games, and properties
//! checked on pseudo-random games.

use super::*;

fn game(a: &[&[f64]], b: &[&[f64]]) -> Bimatrix {
    let a: Vec<Vec<f64>> = a.iter().map(|r| r.to_vec()).collect();
    let b: Vec<Vec<f64>> = b.iter().map(|r| r.to_vec()).collect();
    Bimatrix::new(&a, &b).unwrap()
}

fn close(a: &[f64], b: &[f64]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| (x - y).abs() < 1e-9)
}

/// The equilibria as (row mix, column mix) for compact assertions.
fn profiles(s: &Solution) -> Vec<(Vec<f64>, Vec<f64>)> {
    s.equilibria.iter().map(|e| (e.row.clone(), e.col.clone())).collect()
}

fn assert_profiles(s: &Solution, expected: &[(&[f64], &[f64])]) {
    let got = profiles(s);
    assert_eq!(got.len(), expected.len(), "equilibria: {got:?}");
    for ((x, y), (ex, ey)) in got.iter().zip(expected) {
        assert!(close(x, ex) && close(y, ey), "got {x:?} {y:?}, expected {ex:?} {ey:?}; all: {got:?}");
    }
}

/// Each listed profile is an equilibrium: everything in a support is a best response.
fn assert_all_are_equilibria(g: &Bimatrix, s: &Solution) {
    for e in &s.equilibria {
        let br_row = g.row_best_responses(&e.col);
        let br_col = g.col_best_responses(&e.row);
        assert!(e.row_support().iter().all(|i| br_row.contains(i)), "{e:?}");
        assert!(e.col_support().iter().all(|j| br_col.contains(j)), "{e:?}");
        assert!((e.row.iter().sum::<f64>() - 1.0).abs() < 1e-9 && (e.col.iter().sum::<f64>() - 1.0).abs() < 1e-9);
        let p = g.expected(&e.row, &e.col);
        assert!((p[0] - e.payoff[0]).abs() < 1e-9 && (p[1] - e.payoff[1]).abs() < 1e-9);
    }
}

#[test]
fn prisoners_dilemma_has_one_pure_equilibrium() {
    // Strategies C, D; R=3 S=0 T=5 P=1.
    let g = game(&[&[3.0, 0.0], &[5.0, 1.0]], &[&[3.0, 5.0], &[0.0, 1.0]]);
    let s = solve(&g);
    assert_profiles(&s, &[(&[0.0, 1.0], &[0.0, 1.0])]);
    assert_eq!(s.equilibria[0].payoff, [1.0, 1.0]);
    assert!(s.equilibria[0].is_pure());
    assert!(!s.degenerate);
    assert!(s.convex_sets.is_empty());
    // Mutual defection is the only cell that is not Pareto-efficient.
    let cells = [g.payoff(0, 0), g.payoff(0, 1), g.payoff(1, 0), g.payoff(1, 1)];
    assert_eq!(pareto_efficient(&cells), [true, true, true, false]);
    assert!(is_dominated(s.equilibria[0].payoff, &cells));
}

#[test]
fn matching_pennies_has_one_mixed_equilibrium() {
    let g = game(&[&[1.0, -1.0], &[-1.0, 1.0]], &[&[-1.0, 1.0], &[1.0, -1.0]]);
    let s = solve(&g);
    assert_profiles(&s, &[(&[0.5, 0.5], &[0.5, 0.5])]);
    assert!(s.equilibria[0].payoff.iter().all(|p| p.abs() < 1e-12));
    assert!(!s.degenerate);
}

#[test]
fn battle_of_the_sexes_has_two_pure_and_one_mixed() {
    // Row prefers opera (2 vs 1), column prefers football; miscoordination pays 0.
    let g = game(&[&[2.0, 0.0], &[0.0, 1.0]], &[&[1.0, 0.0], &[0.0, 2.0]]);
    let s = solve(&g);
    // Textbook mixed equilibrium: row plays opera w.p. 2/3, column w.p. 1/3;
    // each then expects 2/3.
    assert_profiles(
        &s,
        &[(&[1.0, 0.0], &[1.0, 0.0]), (&[0.0, 1.0], &[0.0, 1.0]), (&[2.0 / 3.0, 1.0 / 3.0], &[1.0 / 3.0, 2.0 / 3.0])],
    );
    assert_eq!(s.equilibria[0].payoff, [2.0, 1.0]);
    assert_eq!(s.equilibria[1].payoff, [1.0, 2.0]);
    assert!(close(&s.equilibria[2].payoff, &[2.0 / 3.0, 2.0 / 3.0]));
    assert!(!s.degenerate);
    let components: Vec<usize> = s.equilibria.iter().map(|e| e.component).collect();
    assert_eq!(components, [0, 1, 2]);
    // The mixed equilibrium is Pareto-dominated by both pure ones.
    let cells = [g.payoff(0, 0), g.payoff(0, 1), g.payoff(1, 0), g.payoff(1, 1)];
    assert!(is_dominated(s.equilibria[2].payoff, &cells));
    assert!(!is_dominated(s.equilibria[0].payoff, &cells));
}

#[test]
fn weakly_dominated_strategies_give_an_extra_pure_equilibrium() {
    // D is weakly dominated by U, R by L: (D, R) is an equilibrium all the
    // same (nobody gains by deviating alone). The game is degenerate (against
    // D both columns are best responses) but the equilibria are isolated.
    let g = game(&[&[1.0, 0.0], &[0.0, 0.0]], &[&[1.0, 0.0], &[0.0, 0.0]]);
    let s = solve(&g);
    assert_profiles(&s, &[(&[1.0, 0.0], &[1.0, 0.0]), (&[0.0, 1.0], &[0.0, 1.0])]);
    assert!(s.degenerate);
    assert!(s.convex_sets.is_empty(), "{:?}", s.convex_sets);
    assert_ne!(s.equilibria[0].component, s.equilibria[1].component);
}

#[test]
fn degenerate_game_returns_the_vertices_of_a_continuum() {
    // The column player is indifferent everywhere; the row player matches.
    // Equilibria: (U, y) for y(L) ≥ ½, (D, y) for y(L) ≤ ½, and (x, ½½) for
    // every x: one connected continuum. The solver returns its four extreme
    // equilibria and the three segments they span.
    let g = game(&[&[1.0, 0.0], &[0.0, 1.0]], &[&[0.0, 0.0], &[0.0, 0.0]]);
    let s = solve(&g);
    assert_profiles(
        &s,
        &[
            (&[1.0, 0.0], &[1.0, 0.0]),
            (&[0.0, 1.0], &[0.0, 1.0]),
            (&[1.0, 0.0], &[0.5, 0.5]),
            (&[0.0, 1.0], &[0.5, 0.5]),
        ],
    );
    assert!(s.degenerate);
    assert!(s.equilibria.iter().all(|e| e.component == 0));
    assert_eq!(s.convex_sets, vec![vec![0, 2], vec![1, 3], vec![2, 3]]);
    assert!(!s.convex_sets_incomplete);
    assert_all_are_equilibria(&g, &s);
}

#[test]
fn duplicated_strategy_gives_a_segment_of_equilibria() {
    // Prisoner's dilemma with D listed twice: every mixture of the two copies
    // is an equilibrium strategy; the ends are the extreme equilibria.
    let g = game(
        &[&[3.0, 0.0, 0.0], &[5.0, 1.0, 1.0], &[5.0, 1.0, 1.0]],
        &[&[3.0, 5.0, 5.0], &[0.0, 1.0, 1.0], &[0.0, 1.0, 1.0]],
    );
    let s = solve(&g);
    assert!(s.degenerate);
    assert_eq!(s.equilibria.len(), 4, "{:?}", profiles(&s));
    assert!(s.equilibria.iter().all(|e| e.is_pure() && e.payoff == [1.0, 1.0]));
    assert_eq!(s.convex_sets, vec![vec![0, 1, 2, 3]]);
    assert_all_are_equilibria(&g, &s);
}

#[test]
fn rock_paper_scissors_is_uniform() {
    let a: &[&[f64]] = &[&[0.0, -1.0, 1.0], &[1.0, 0.0, -1.0], &[-1.0, 1.0, 0.0]];
    let b: &[&[f64]] = &[&[0.0, 1.0, -1.0], &[-1.0, 0.0, 1.0], &[1.0, -1.0, 0.0]];
    let s = solve(&game(a, b));
    let third = [1.0 / 3.0; 3];
    assert_profiles(&s, &[(&third, &third)]);
}

#[test]
fn one_strategy_each_and_one_against_many() {
    let s = solve(&game(&[&[4.0]], &[&[-2.0]]));
    assert_profiles(&s, &[(&[1.0], &[1.0])]);
    // The row player has one strategy; the column player best-responds.
    let s = solve(&game(&[&[0.0, 0.0, 0.0]], &[&[1.0, 3.0, 2.0]]));
    assert_profiles(&s, &[(&[1.0], &[0.0, 1.0, 0.0])]);
    assert!(!s.degenerate);
}

#[test]
fn bad_games_are_errors() {
    assert_eq!(Bimatrix::from_fn(0, 3, |_, _| (0.0, 0.0)), Err(NashError::Empty { rows: 0, cols: 3 }));
    assert_eq!(Bimatrix::from_fn(13, 2, |_, _| (0.0, 0.0)), Err(NashError::TooLarge { rows: 13, cols: 2 }));
    assert!(matches!(
        Bimatrix::from_fn(2, 2, |i, j| (if i + j == 2 { f64::NAN } else { 0.0 }, 0.0)),
        Err(NashError::NotFinite { row: 1, col: 1, .. })
    ));
    assert!(matches!(Bimatrix::new(&[vec![1.0, 2.0]], &[vec![1.0]]), Err(NashError::Ragged { .. })));
}

#[test]
fn scale_does_not_matter() {
    // Battle of the sexes in large, shifted units: same strategies.
    let f = |x: f64| 1e6 * x - 3e6;
    let g = game(&[&[f(2.0), f(0.0)], &[f(0.0), f(1.0)]], &[&[f(1.0), f(0.0)], &[f(0.0), f(2.0)]]);
    let s = solve(&g);
    assert_eq!(s.equilibria.len(), 3);
    assert!(close(&s.equilibria[2].row, &[2.0 / 3.0, 1.0 / 3.0]));
}

/// A small deterministic generator for test games.
fn lcg(state: &mut u64) -> f64 {
    *state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
    ((*state >> 11) as f64 / (1u64 << 53) as f64 * 20.0 - 10.0).round() / 2.0
}

#[test]
fn random_games_give_valid_equilibria_and_nondegenerate_ones_an_odd_number() {
    let mut state = 17u64;
    let mut nondegenerate = 0;
    for (n, m) in [(2, 2), (2, 3), (3, 3), (3, 4), (4, 4), (5, 4)].into_iter().cycle().take(60) {
        // Continuous payoffs: almost surely nondegenerate.
        let g =
            Bimatrix::from_fn(n, m, |_, _| (lcg(&mut state) + lcg(&mut state) * 1e-3, lcg(&mut state) * 1.7)).unwrap();
        let s = solve(&g);
        assert!(!s.equilibria.is_empty());
        assert_all_are_equilibria(&g, &s);
        if !s.degenerate {
            nondegenerate += 1;
            assert_eq!(s.equilibria.len() % 2, 1, "{n}×{m}: {:?}", profiles(&s));
        }
        // Coarse integer payoffs: often degenerate; equilibria stay valid.
        let g = Bimatrix::from_fn(n, m, |_, _| (lcg(&mut state).round(), lcg(&mut state).round())).unwrap();
        assert_all_are_equilibria(&g, &solve(&g));
    }
    assert!(nondegenerate > 30, "{nondegenerate}");
}

#[test]
fn a_ten_by_ten_game_solves() {
    let mut state = 3u64;
    let g = Bimatrix::from_fn(10, 10, |_, _| (lcg(&mut state), lcg(&mut state))).unwrap();
    let s = solve(&g);
    assert!(!s.equilibria.is_empty());
    assert_all_are_equilibria(&g, &s);
}

#[test]
fn skipping_dominated_tight_sets_loses_nothing() {
    let mut state = 29u64;
    let mut degenerate = 0;
    for (n, m) in [(2, 3), (3, 3), (4, 4), (5, 4), (6, 6), (7, 5)].into_iter().cycle().take(48) {
        // Continuous payoffs, coarse integers (ties, degenerate games) and
        // duplicated strategies.
        let games = [
            Bimatrix::from_fn(n, m, |_, _| (lcg(&mut state) + lcg(&mut state) * 1e-3, lcg(&mut state) * 1.7)),
            Bimatrix::from_fn(n, m, |_, _| (lcg(&mut state).round(), lcg(&mut state).round())),
            Bimatrix::from_fn(n, m, |i, j| ((i % 2 + j % 3) as f64, ((i * j) % 3) as f64)),
        ];
        for g in games.map(Result::unwrap) {
            let (fast, full) = (solve_with(&g, true), solve_with(&g, false));
            degenerate += full.degenerate as u32;
            assert_eq!(fast, full, "{g:?}");
        }
    }
    assert!(degenerate > 10, "{degenerate}");
}

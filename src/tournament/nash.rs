/*!
Nash equilibria of two-player games in normal form (bimatrix games).

A [`Bimatrix`] holds the row player's payoffs `A` and the column player's
payoffs `B`. [`solve`] returns every **extreme** equilibrium: every pair
(x, y) of mixed strategies, each a vertex of its player's best-response
polytope, that are best responses to each other. In a nondegenerate game these
are all the equilibria (finitely many, an odd number). In a degenerate game
(some mixed strategy with k strategies in its support has more than k pure
best responses: ties, duplicated or weakly dominated strategies) equilibria can
form continua; [`Solution::convex_sets`] then lists the maximal sets X × Y of
extreme equilibria whose convex hulls conv(X) × conv(Y) consist of equilibria,
and their union is the whole equilibrium set (Avis, Rosenberg, Savani and von
Stengel 2010). Nothing is missing: a degenerate game is flagged, not guessed.

**Method: support enumeration over (support, tight set) pairs**, which is
vertex enumeration by brute force. For the row player, for each set I of rows
and each set K of columns of the same size k, solve the (k + 1) × (k + 1)
linear system

    Σ_{i∈I} x_i B[i][l] = v   for l ∈ K,      Σ_{i∈I} x_i = 1

by Gaussian elimination with partial pivoting. A singular system is skipped
(its vertices, if any, come from another choice of K); a solution with x ≥ 0
under which no column pays more than v is a vertex, kept with its support and
its full set of pure best responses. The column player's vertices come the same
way from `A`. Each vertex x of the row player and y of the column player form
an equilibrium iff supp(x) ⊆ BR(y) and supp(y) ⊆ BR(x). Supports of different
sizes pair naturally, which is what degenerate games need. The work grows like
C(n + m, n) small solves, less the tight sets that hold an opponent strategy
strictly dominated on the support (never a best response there, so never a
vertex: skipped unsolved, which the tests check loses nothing); see
BENCHMARKS.md for what that saves on a 12 × 12 tournament.

**Tolerances.** Payoffs are divided by their largest magnitude before solving,
so the tolerances are relative: a pivot below 1e-10 is singular, a probability
below 1e-9 is zero (then the vector is renormalised), and two payoffs within
1e-9 of the largest magnitude are tied. Ties in Monte Carlo estimates are the
caller's business (see `tournament`): this module treats payoffs as exact.

Pure and allocation-free in its inner loop apart from the vertices found; no
IO. The supports' systems are solved on the rayon pool (`vertices`), with the
same result whatever the number of threads.
*/

use std::collections::BTreeSet;

/// Most pure strategies per player [`solve`] accepts.
pub const MAX_STRATEGIES: usize = 12;
/// Pivots below this (after scaling payoffs to at most 1 in size) are zero.
const PIVOT_TOL: f64 = 1e-10;
/// Probabilities below this are zero.
const PROB_TOL: f64 = 1e-9;
/// Payoffs (scaled to at most 1 in size) within this of each other are tied.
const PAYOFF_TOL: f64 = 1e-9;
/// Most distinct vertices on one side of a component for which maximal convex
/// sets are enumerated (2^this subsets).
const MAX_COMPONENT_VERTICES: usize = 16;

/// Why a game cannot be solved.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum NashError {
    #[error("a game needs at least one strategy per player, got {rows} × {cols}")]
    Empty { rows: usize, cols: usize },
    #[error("a game has at most {MAX_STRATEGIES} strategies per player, got {rows} × {cols}")]
    TooLarge { rows: usize, cols: usize },
    #[error("payoff matrices must be {rows} × {cols}; a row has {got} entries")]
    Ragged { rows: usize, cols: usize, got: usize },
    #[error("payoff at row {row}, column {col} is not a finite number: {value}")]
    NotFinite { row: usize, col: usize, value: f64 },
}

/// A two-player game in normal form: `a[i][j]` and `b[i][j]` are the row and
/// column player's payoffs when row plays `i` and column plays `j`.
#[derive(Clone, Debug, PartialEq)]
pub struct Bimatrix {
    rows: usize,
    cols: usize,
    /// Row-major `rows × cols`.
    a: Vec<f64>,
    b: Vec<f64>,
}

impl Bimatrix {
    /// A game from two payoff matrices of the same shape.
    pub fn new(a: &[Vec<f64>], b: &[Vec<f64>]) -> Result<Bimatrix, NashError> {
        let rows = a.len();
        let cols = a.first().map_or(0, Vec::len);
        for r in a.iter().chain(b) {
            if r.len() != cols {
                return Err(NashError::Ragged { rows, cols, got: r.len() });
            }
        }
        if b.len() != rows {
            return Err(NashError::Ragged { rows, cols, got: b.len() });
        }
        Bimatrix::from_fn(rows, cols, |i, j| (a[i][j], b[i][j]))
    }

    /// A `rows × cols` game whose cell (i, j) pays `f(i, j)` = (row, column).
    pub fn from_fn(
        rows: usize,
        cols: usize,
        mut f: impl FnMut(usize, usize) -> (f64, f64),
    ) -> Result<Bimatrix, NashError> {
        if rows == 0 || cols == 0 {
            return Err(NashError::Empty { rows, cols });
        }
        if rows > MAX_STRATEGIES || cols > MAX_STRATEGIES {
            return Err(NashError::TooLarge { rows, cols });
        }
        let (mut a, mut b) = (Vec::with_capacity(rows * cols), Vec::with_capacity(rows * cols));
        for i in 0..rows {
            for j in 0..cols {
                let (pa, pb) = f(i, j);
                for value in [pa, pb] {
                    if !value.is_finite() {
                        return Err(NashError::NotFinite { row: i, col: j, value });
                    }
                }
                a.push(pa);
                b.push(pb);
            }
        }
        Ok(Bimatrix { rows, cols, a, b })
    }

    pub fn rows(&self) -> usize {
        self.rows
    }

    pub fn cols(&self) -> usize {
        self.cols
    }

    /// Payoffs (row, column) of the pure profile (i, j).
    pub fn payoff(&self, i: usize, j: usize) -> [f64; 2] {
        let k = i * self.cols + j;
        [self.a[k], self.b[k]]
    }

    /// Expected payoffs (row, column) of the mixed profile (x, y).
    pub fn expected(&self, x: &[f64], y: &[f64]) -> [f64; 2] {
        let mut out = [0.0; 2];
        for (i, &xi) in x.iter().enumerate() {
            for (j, &yj) in y.iter().enumerate() {
                let p = self.payoff(i, j);
                out[0] += xi * yj * p[0];
                out[1] += xi * yj * p[1];
            }
        }
        out
    }

    /// The row player's pure best responses to the column mixture `y`.
    pub fn row_best_responses(&self, y: &[f64]) -> Vec<usize> {
        let pay: Vec<f64> =
            (0..self.rows).map(|i| (0..self.cols).map(|j| self.a[i * self.cols + j] * y[j]).sum()).collect();
        argmax_set(&pay, self.tolerance())
    }

    /// The column player's pure best responses to the row mixture `x`.
    pub fn col_best_responses(&self, x: &[f64]) -> Vec<usize> {
        let pay: Vec<f64> =
            (0..self.cols).map(|j| (0..self.rows).map(|i| self.b[i * self.cols + j] * x[i]).sum()).collect();
        argmax_set(&pay, self.tolerance())
    }

    /// Largest payoff magnitude (at least a tiny positive number).
    fn scale(&self) -> f64 {
        self.a.iter().chain(&self.b).fold(0.0f64, |m, v| m.max(v.abs())).max(f64::MIN_POSITIVE)
    }

    fn tolerance(&self) -> f64 {
        PAYOFF_TOL * self.scale()
    }
}

/// A Nash equilibrium: each side's mixed strategy and expected payoffs.
#[derive(Clone, Debug, PartialEq)]
pub struct Equilibrium {
    /// Probability of each row strategy.
    pub row: Vec<f64>,
    /// Probability of each column strategy.
    pub col: Vec<f64>,
    /// Expected payoffs (row, column).
    pub payoff: [f64; 2],
    /// Index of its connected component among the extreme equilibria: two
    /// equilibria share a component when a path of convex sets of equilibria
    /// joins them. In a nondegenerate game each is its own component.
    pub component: usize,
}

impl Equilibrium {
    pub fn row_support(&self) -> Vec<usize> {
        support(&self.row)
    }

    pub fn col_support(&self) -> Vec<usize> {
        support(&self.col)
    }

    /// Both sides play a single strategy.
    pub fn is_pure(&self) -> bool {
        self.row_support().len() == 1 && self.col_support().len() == 1
    }
}

/// Every extreme equilibrium of a game, and how they combine.
#[derive(Clone, Debug, PartialEq)]
pub struct Solution {
    /// Pure equilibria first (in row-major order), then mixed ones by support size.
    pub equilibria: Vec<Equilibrium>,
    /// Some mixed strategy has more pure best responses than strategies in
    /// its support. Equilibria may then form continua: see `convex_sets`.
    pub degenerate: bool,
    /// Maximal sets of extreme equilibria (indices into `equilibria`) that
    /// span a convex set of equilibria: for rows X and columns Y appearing in
    /// the set, every (x, y) in conv(X) × conv(Y) is an equilibrium. Only sets
    /// of two or more; in a nondegenerate game this is empty.
    pub convex_sets: Vec<Vec<usize>>,
    /// True when some component had too many vertices for `convex_sets` to be
    /// enumerated (the equilibria listed are still all the extreme ones).
    pub convex_sets_incomplete: bool,
}

/// All extreme Nash equilibria of `game` (see the module documentation).
pub fn solve(game: &Bimatrix) -> Solution {
    solve_with(game, true)
}

/// `solve`, optionally without skipping the tight sets that hold a dominated
/// strategy (`vertices`): the tests check that skipping them loses nothing.
fn solve_with(game: &Bimatrix, prune: bool) -> Solution {
    let (n, m) = (game.rows, game.cols);
    let scale = game.scale();
    // Row player's vertices: the column player's payoffs decide its best responses.
    let b: Vec<f64> = game.b.iter().map(|v| v / scale).collect();
    let xs = vertices(n, m, &b, prune);
    // Column player's vertices: the row player's payoffs decide (transposed).
    let a_t: Vec<f64> = (0..m * n).map(|k| game.a[(k % n) * m + k / n] / scale).collect();
    let ys = vertices(m, n, &a_t, prune);
    let degenerate = xs.iter().chain(&ys).any(|v| v.best_responses.len() > v.support.len());

    let mut pairs: Vec<(usize, usize)> = Vec::new();
    for (xi, x) in xs.iter().enumerate() {
        for (yi, y) in ys.iter().enumerate() {
            if is_subset(&x.support, &y.best_responses) && is_subset(&y.support, &x.best_responses) {
                pairs.push((xi, yi));
            }
        }
    }
    // Pure first, then by total support size; ties in enumeration order.
    pairs.sort_by_key(|&(xi, yi)| {
        let (x, y) = (&xs[xi], &ys[yi]);
        let pure_cell =
            if x.support.len() == 1 && y.support.len() == 1 { x.support[0] * m + y.support[0] } else { usize::MAX };
        (pure_cell, x.support.len() + y.support.len())
    });

    let component = components(&pairs);
    let equilibria: Vec<Equilibrium> = pairs
        .iter()
        .zip(&component)
        .map(|(&(xi, yi), &c)| {
            let (row, col) = (xs[xi].mix.clone(), ys[yi].mix.clone());
            let payoff = game.expected(&row, &col);
            Equilibrium { row, col, payoff, component: c }
        })
        .collect();
    let (convex_sets, convex_sets_incomplete) = convex_sets(&pairs, &component);
    Solution { equilibria, degenerate, convex_sets, convex_sets_incomplete }
}

/// Which of `points` (payoff pairs) are Pareto-efficient among them: no other
/// point gives both players at least as much and one of them more (beyond a
/// relative tolerance of 1e-9).
pub fn pareto_efficient(points: &[[f64; 2]]) -> Vec<bool> {
    points.iter().map(|p| !is_dominated(*p, points)).collect()
}

/// Whether some point of `others` gives both players at least `p` and one of
/// them more (beyond a relative tolerance of 1e-9).
pub fn is_dominated(p: [f64; 2], others: &[[f64; 2]]) -> bool {
    let scale = others.iter().flatten().chain(&p).fold(0.0f64, |m, v| m.max(v.abs())).max(f64::MIN_POSITIVE);
    let tol = PAYOFF_TOL * scale;
    others.iter().any(|q| q[0] >= p[0] - tol && q[1] >= p[1] - tol && (q[0] > p[0] + tol || q[1] > p[1] + tol))
}

// ---------------------------------------------------------------------------
// Vertex enumeration

/// A vertex of one player's best-response polytope.
#[derive(Clone, Debug)]
struct Vertex {
    /// The mixed strategy (sums to 1).
    mix: Vec<f64>,
    /// Own strategies played with positive probability.
    support: Vec<usize>,
    /// The opponent's pure best responses to `mix`.
    best_responses: Vec<usize>,
}

/// Every vertex of the best-response polytope of a player with `own`
/// strategies whose opponent has `other`; `pay[k * other + l]` is the
/// opponent's (scaled) payoff when the player plays k and the opponent l.
/// The (support, tight set) systems are independent: each support's are
/// solved on the rayon pool (in a one-thread pool, in turn), the candidates
/// kept in enumeration order, then deduplicated in that order.
fn vertices(own: usize, other: usize, pay: &[f64], prune: bool) -> Vec<Vertex> {
    use rayon::prelude::*;
    let own_sets = subsets_by_size(own);
    let other_sets = subsets_by_size(other);
    let jobs: Vec<(usize, &Vec<usize>)> =
        (1..=own.min(other)).flat_map(|k| own_sets[k].iter().map(move |set| (k, set))).collect();
    let candidates: Vec<Vec<(Vec<f64>, Vec<usize>)>> = jobs
        .par_iter()
        .map(|&(k, own_set)| {
            let mut out = Vec::new();
            let d = k + 1;
            let mut matrix = [0.0; (MAX_STRATEGIES + 1) * (MAX_STRATEGIES + 1)];
            let mut z = [0.0; MAX_STRATEGIES + 1];
            // Opponent strategies strictly dominated on this support (by more
            // than twice the tie tolerance, so rounding cannot matter) are
            // never best responses to a mix on it: tight sets holding one
            // cannot give a vertex, and are skipped unsolved.
            let dominated = |l: usize| {
                (0..other)
                    .any(|l2| own_set.iter().all(|&i| pay[i * other + l] + 2.0 * PAYOFF_TOL < pay[i * other + l2]))
            };
            let open: u32 = (0..other).filter(|&l| !prune || !dominated(l)).fold(0, |m, l| m | 1 << l);
            for tight in &other_sets[k] {
                if tight.iter().any(|&l| open & 1 << l == 0) {
                    continue;
                }
                // Unknowns: x over `own_set`, then v. Rows: one per tight l, then Σx = 1.
                let m = &mut matrix[..d * d];
                m.fill(0.0);
                let rhs = &mut z[..d];
                rhs.fill(0.0);
                for (r, &l) in tight.iter().enumerate() {
                    for (c, &i) in own_set.iter().enumerate() {
                        m[r * d + c] = pay[i * other + l];
                    }
                    m[r * d + k] = -1.0;
                }
                for c in 0..k {
                    m[k * d + c] = 1.0;
                }
                rhs[k] = 1.0;
                if !solve_linear(m, rhs, d) {
                    continue;
                }
                let z = &*rhs;
                if z[..k].iter().any(|&p| p < -PROB_TOL) {
                    continue;
                }
                let mut mix = vec![0.0; own];
                for (c, &i) in own_set.iter().enumerate() {
                    mix[i] = if z[c] < PROB_TOL { 0.0 } else { z[c] };
                }
                let total: f64 = mix.iter().sum();
                if total <= 0.0 {
                    continue;
                }
                mix.iter_mut().for_each(|p| *p /= total);
                let payoffs: Vec<f64> =
                    (0..other).map(|l| (0..own).map(|i| mix[i] * pay[i * other + l]).sum()).collect();
                let best_responses = argmax_set(&payoffs, PAYOFF_TOL);
                // Every tight strategy must be a best response (none pays more than v).
                if !tight.iter().all(|l| best_responses.contains(l)) {
                    continue;
                }
                out.push((mix, best_responses));
            }
            out
        })
        .collect();
    let mut found: Vec<Vertex> = Vec::new();
    for (mix, best_responses) in candidates.into_iter().flatten() {
        if found.iter().any(|v| same_mix(&v.mix, &mix)) {
            continue;
        }
        found.push(Vertex { support: support(&mix), mix, best_responses });
    }
    found
}

/// Solve `m z = rhs` (`m` is `d × d`, row-major) by Gaussian elimination with
/// partial pivoting, leaving z in `rhs`; false if a pivot is below the tolerance.
fn solve_linear(m: &mut [f64], rhs: &mut [f64], d: usize) -> bool {
    for col in 0..d {
        let Some(pivot_row) = (col..d).max_by(|&r, &s| m[r * d + col].abs().total_cmp(&m[s * d + col].abs())) else {
            return false;
        };
        if m[pivot_row * d + col].abs() < PIVOT_TOL {
            return false;
        }
        if pivot_row != col {
            for c in 0..d {
                m.swap(col * d + c, pivot_row * d + c);
            }
            rhs.swap(col, pivot_row);
        }
        let pivot = m[col * d + col];
        for r in col + 1..d {
            let f = m[r * d + col] / pivot;
            if f != 0.0 {
                for c in col..d {
                    m[r * d + c] -= f * m[col * d + c];
                }
                rhs[r] -= f * rhs[col];
            }
        }
    }
    // Back substitution in place: rhs[r] becomes z[r] once the z's after it are known.
    for r in (0..d).rev() {
        let s: f64 = (r + 1..d).map(|c| m[r * d + c] * rhs[c]).sum();
        rhs[r] = (rhs[r] - s) / m[r * d + r];
    }
    true
}

/// Subsets of 0..n grouped by size, each sorted; `out[k]` holds the k-subsets.
fn subsets_by_size(n: usize) -> Vec<Vec<Vec<usize>>> {
    let mut out = vec![Vec::new(); n + 1];
    for mask in 1u32..(1 << n) {
        let set: Vec<usize> = (0..n).filter(|&i| mask >> i & 1 == 1).collect();
        out[set.len()].push(set);
    }
    out
}

/// Indices whose value is within `tol` of the maximum.
fn argmax_set(values: &[f64], tol: f64) -> Vec<usize> {
    let best = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    (0..values.len()).filter(|&i| values[i] >= best - tol).collect()
}

fn support(mix: &[f64]) -> Vec<usize> {
    (0..mix.len()).filter(|&i| mix[i] > PROB_TOL).collect()
}

fn same_mix(a: &[f64], b: &[f64]) -> bool {
    a.iter().zip(b).all(|(p, q)| (p - q).abs() <= 1e-7)
}

fn is_subset(a: &[usize], b: &[usize]) -> bool {
    a.iter().all(|x| b.contains(x))
}

// ---------------------------------------------------------------------------
// Components and convex sets of a degenerate game

/// Component index of each equilibrium (x vertex, y vertex), numbered in order
/// of first appearance: equilibria sharing a vertex are connected.
fn components(pairs: &[(usize, usize)]) -> Vec<usize> {
    let mut label = vec![usize::MAX; pairs.len()];
    let mut next = 0;
    for start in 0..pairs.len() {
        if label[start] != usize::MAX {
            continue;
        }
        let mut stack = vec![start];
        label[start] = next;
        while let Some(e) = stack.pop() {
            for f in 0..pairs.len() {
                if label[f] == usize::MAX && (pairs[f].0 == pairs[e].0 || pairs[f].1 == pairs[e].1) {
                    label[f] = next;
                    stack.push(f);
                }
            }
        }
        next += 1;
    }
    label
}

/// The maximal bicliques X × Y of the bipartite graph of extreme equilibria,
/// as lists of equilibrium indices, when they have at least two members.
fn convex_sets(pairs: &[(usize, usize)], component: &[usize]) -> (Vec<Vec<usize>>, bool) {
    let mut sets: BTreeSet<Vec<usize>> = BTreeSet::new();
    let mut incomplete = false;
    let n_components = component.iter().max().map_or(0, |c| c + 1);
    for c in 0..n_components {
        let members: Vec<usize> = (0..pairs.len()).filter(|&e| component[e] == c).collect();
        if members.len() < 2 {
            continue;
        }
        let xs: Vec<usize> = members.iter().map(|&e| pairs[e].0).collect::<BTreeSet<_>>().into_iter().collect();
        let ys_of = |x: usize| -> BTreeSet<usize> {
            members.iter().filter(|&&e| pairs[e].0 == x).map(|&e| pairs[e].1).collect()
        };
        if xs.len() > MAX_COMPONENT_VERTICES {
            incomplete = true;
            continue;
        }
        for mask in 1u32..(1 << xs.len()) {
            let chosen: Vec<usize> = (0..xs.len()).filter(|&k| mask >> k & 1 == 1).map(|k| xs[k]).collect();
            // Y: columns joined to every chosen x; then close X over Y.
            let ys = chosen.iter().skip(1).fold(ys_of(chosen[0]), |acc, &x| &acc & &ys_of(x));
            if ys.is_empty() {
                continue;
            }
            let closed: Vec<usize> = xs.iter().copied().filter(|&x| ys.is_subset(&ys_of(x))).collect();
            let set: Vec<usize> =
                members.iter().copied().filter(|&e| closed.contains(&pairs[e].0) && ys.contains(&pairs[e].1)).collect();
            if set.len() >= 2 {
                sets.insert(set);
            }
        }
    }
    (sets.into_iter().collect(), incomplete)
}

#[cfg(test)]
mod tests;

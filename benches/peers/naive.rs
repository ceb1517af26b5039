//! A naive peer: the classic match written the way a memory-one simulator is
//! usually first written, in a few dozen lines. Strategies are memory-one
//! vectors (P(cooperate | CC, CD, DC, DD); TFT is (1, 0, 1, 0)), every round
//! draws each side's move and noise from one ChaCha8 stream per match, the
//! moves go into a `Vec`, and scores and the classification are computed from
//! the history afterwards. Different draws from the engine: its shares agree
//! within Monte Carlo error, not exactly.

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::floor::{ROUNDS, Stats};

const TFT: [f64; 4] = [1.0, 0.0, 1.0, 0.0];

pub fn run(seed: u64, runs: std::ops::Range<u64>) -> Stats {
    let base = ChaCha8Rng::seed_from_u64(seed);
    let payoff = |me: bool, other: bool| [[3.0, 0.0], [5.0, 1.0]][me as usize][other as usize];
    let mut st = Stats::default();
    for k in runs {
        let mut rng = base.clone();
        rng.set_stream(k);
        let players = [TFT, TFT];
        let mut history: Vec<[bool; 2]> = Vec::with_capacity(ROUNDS as usize); // true = D
        for t in 0..ROUNDS as usize {
            let mut moves = [false; 2];
            for (i, m) in moves.iter_mut().enumerate() {
                let p_c = if t == 0 {
                    1.0
                } else {
                    let (me, other) = (history[t - 1][i], history[t - 1][1 - i]);
                    players[i][(me as usize) << 1 | other as usize]
                };
                *m = rng.random::<f64>() >= p_c;
                if rng.random::<f64>() < 0.05 {
                    *m = !*m;
                }
            }
            history.push(moves);
        }
        let retaliated = |t: usize, i: usize| t > 0 && history[t][i] && history[t - 1][1 - i];
        let exchange = |t: usize| {
            let prev = |i| t > 0 && retaliated(t - 1, i);
            (retaliated(t, 0) && (retaliated(t, 1) || prev(1))) || (retaliated(t, 1) && (retaliated(t, 0) || prev(0)))
        };
        let window = &history[ROUNDS as usize - 50..];
        let mean = [0, 1].map(|i| window.iter().filter(|m| m[i]).count() as f64 / 50.0);
        let xw = (ROUNDS as usize - 50..ROUNDS as usize).filter(|&t| exchange(t)).count();
        let outcome = if mean[0] <= 0.2 && mean[1] <= 0.2 && xw < 25 {
            0
        } else if (mean[0] >= 0.5 && mean[1] >= 0.5) || (xw >= 25 && mean[0] >= 0.1 && mean[1] >= 0.1) {
            1
        } else if (mean[1] == 0.0 && mean[0] > 0.2) != (mean[0] == 0.0 && mean[1] > 0.2) {
            2
        } else {
            3
        };
        st.outcomes[outcome] += 1;
        for m in &history {
            st.welfare[0] += payoff(m[0], m[1]);
            st.welfare[1] += payoff(m[1], m[0]);
        }
        st.exchanges += (0..ROUNDS as usize).filter(|&t| exchange(t)).count() as u64;
    }
    st
}

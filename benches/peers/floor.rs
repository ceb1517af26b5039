//! The floor: the classic reduction (scenarios/classic-ipd.toml: TFT vs TFT,
//! noise ε = 0.05, 200 rounds, R/S/T/P = 3/0/5/1) as a hand-written loop with
//! no generality and no output, on the engine's generator and streams: run k
//! draws each side's noise from ChaCha8 stream `k << 8 | (32 i + 1)` of the
//! seeded key (src/rng.rs `Streams`, `Channel::Noise(i)`), flips at geometric
//! gaps exactly as `Clock` does. It computes what the brief asks of the
//! engine: each match classified as src/outcome.rs does for this scenario
//! (window 50, low 0.2, high 0.5, exchanges 25, rise 0.1; no demands written,
//! so each side demands the other's C in every window round for coercion),
//! welfare sums and exchange counts. Same streams, same game:
//! the totals equal the engine's exactly.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

pub const ROUNDS: u32 = 200;
const WINDOW: u32 = 50;
const LOW: f64 = 0.2;
const HIGH: f64 = 0.5;
const EXCHANGES: u32 = 25;
const RISE: f64 = 0.1;
const NOISE: f64 = 0.05;
/// Row player's payoff for (row D?, column D?): CC R, CD S, DC T, DD P.
const PAYOFF: [[f64; 2]; 2] = [[3.0, 0.0], [5.0, 1.0]];

/// Outcome counts (détente, vicious cycle, coercion, standoff), welfare sums
/// per side, exchange rounds.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Stats {
    pub outcomes: [u64; 4],
    pub welfare: [f64; 2],
    pub exchanges: u64,
}

/// Bernoulli(ε) trials by geometric gaps, as `tradewar::rng::Clock`.
struct Flips {
    rng: ChaCha8Rng,
    ln_q: f64,
    /// The round of the next flip.
    next: u32,
}

impl Flips {
    fn gap(&mut self) -> u32 {
        let u = 1.0 - (self.rng.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64);
        ((u.ln() / self.ln_q) as u64).min(u32::MAX as u64 / 2) as u32
    }
    fn new(base: &ChaCha8Rng, stream: u64, ln_q: f64) -> Flips {
        let mut rng = base.clone();
        rng.set_stream(stream);
        let mut f = Flips { rng, ln_q, next: 0 };
        f.next = 1 + f.gap();
        f
    }
    #[inline]
    fn flip(&mut self, t: u32) -> bool {
        if t == self.next {
            self.next = t + 1 + self.gap();
            true
        } else {
            false
        }
    }
}

pub fn run(seed: u64, runs: std::ops::Range<u64>) -> Stats {
    let base = ChaCha8Rng::seed_from_u64(seed);
    let ln_q = (-NOISE).ln_1p();
    let mut st = Stats::default();
    for k in runs {
        let mut noise = [Flips::new(&base, k << 8 | 1, ln_q), Flips::new(&base, k << 8 | 33, ln_q)];
        // Last round's actions (true = D) and retaliations; TFT opens with C.
        let (mut a, mut ret) = ([false; 2], [false; 2]);
        let (mut w, mut x, mut xw, mut d) = ([0.0f64; 2], 0u32, 0u32, [0u32; 2]);
        for t in 1..=ROUNDS {
            let b = [a[1] ^ noise[0].flip(t), a[0] ^ noise[1].flip(t)];
            let r = [b[0] && a[1], b[1] && a[0]];
            let exchange = (r[0] && (r[1] || ret[1])) || (r[1] && (r[0] || ret[0]));
            w[0] += PAYOFF[b[0] as usize][b[1] as usize];
            w[1] += PAYOFF[b[1] as usize][b[0] as usize];
            x += exchange as u32;
            if t > ROUNDS - WINDOW {
                xw += exchange as u32;
                d[0] += b[0] as u32;
                d[1] += b[1] as u32;
            }
            (a, ret) = (b, r);
        }
        let mean = [d[0] as f64 / WINDOW as f64, d[1] as f64 / WINDOW as f64];
        let outcome = if mean[0] <= LOW && mean[1] <= LOW && xw < EXCHANGES {
            0
        } else if (mean[0] >= HIGH && mean[1] >= HIGH) || (xw >= EXCHANGES && mean[0] >= RISE && mean[1] >= RISE) {
            1
        } else if (d[1] == 0 && mean[0] > LOW) != (d[0] == 0 && mean[1] > LOW) {
            2
        } else {
            3
        };
        st.outcomes[outcome] += 1;
        st.welfare[0] += w[0];
        st.welfare[1] += w[1];
        st.exchanges += x as u64;
    }
    st
}

/*!
The only place that builds random-number generators.

Every random draw of a run comes from a ChaCha8 stream identified by
`(seed, run, channel)`: one stream per run *and* per purpose, so that

- any run can be replayed alone, whatever the number of runs or threads;
- an extra draw in one channel (say a stochastic strategy) never shifts another
  (say implementation noise): common random numbers across sweep points and
  tournament cells;
- results do not depend on how runs are grouped into chunks.

The stream number is `run << 8 | channel`, so runs are limited to 2^56.
The algorithm (ChaCha8 from `rand_chacha`, seeded with `seed_from_u64`) is part
of the output contract: changing it changes every number.
*/

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

pub type SimRng = ChaCha8Rng;

/// Most sides a scenario may have (channel layout: 32 channels per side).
pub const MAX_SIDES: usize = 6;
/// Most provocation entries per side.
pub const MAX_PROVOCATIONS: usize = 24;
/// Highest run index + 1 that fits the stream layout.
pub const MAX_RUNS: u64 = 1 << 56;

/// What a stream is used for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Channel {
    /// Per-run draws of uncertain lever parameters.
    Params,
    /// Renewal draws of expiring truces.
    Events,
    /// Whether ripe talks conclude a negotiated truce.
    Talks,
    /// Whether an act perceived as a violation ends a truce.
    Violations,
    /// A side's own stochastic strategy choices.
    Strategy(usize),
    /// A side's implementation noise.
    Noise(usize),
    /// A side's misperception of the other side's moves.
    Misperception(usize),
    /// A side's `k`-th random provocation.
    Provocation(usize, usize),
}

impl Channel {
    pub fn id(self) -> u64 {
        let (side, k) = match self {
            Channel::Params => return 255,
            Channel::Events => return 254,
            Channel::Talks => return 253,
            Channel::Violations => return 252,
            Channel::Strategy(s) => (s, 0),
            Channel::Noise(s) => (s, 1),
            Channel::Misperception(s) => (s, 2),
            Channel::Provocation(s, p) => (s, 3 + p),
        };
        debug_assert!(side < MAX_SIDES && k < 32);
        (side as u64) * 32 + k as u64
    }
}

/// The seeded key, expanded once; streams are cheap clones of it.
#[derive(Clone)]
pub struct Streams {
    base: SimRng,
}

impl Streams {
    pub fn new(seed: u64) -> Self {
        Streams { base: SimRng::seed_from_u64(seed) }
    }

    /// The generator for one run and one purpose.
    pub fn stream(&self, run: u64, channel: Channel) -> SimRng {
        debug_assert!(run < MAX_RUNS);
        let mut rng = self.base.clone();
        rng.set_stream(run << 8 | channel.id());
        rng
    }
}

/// A stream created on first use: a run that never draws from a channel never
/// pays for generating its first ChaCha block.
pub struct LazyRng {
    channel: Channel,
    run: u64,
    rng: Option<SimRng>,
}

impl LazyRng {
    pub fn new(channel: Channel) -> Self {
        LazyRng { channel, run: 0, rng: None }
    }

    /// Point at a new run; the stream is rebuilt on the next draw.
    pub fn reset(&mut self, run: u64) {
        self.run = run;
        self.rng = None;
    }

    /// Uniform in [0, 1) with 53 random bits.
    #[inline]
    pub fn unit(&mut self, streams: &Streams) -> f64 {
        let rng = self.rng.get_or_insert_with(|| streams.stream(self.run, self.channel));
        (rng.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// A Bernoulli trial that draws only when the outcome is uncertain.
    #[inline]
    pub fn chance(&mut self, streams: &Streams, p: f64) -> bool {
        if p <= 0.0 {
            false
        } else if p >= 1.0 {
            true
        } else {
            self.unit(streams) < p
        }
    }
}

/// A sequence of independent Bernoulli(p) trials driven by geometric gaps: one
/// draw per success instead of one per trial. The trials are exactly
/// Bernoulli(p) (up to the 53-bit resolution of the uniform draw): the gap
/// `G = floor(ln U / ln(1 - p))` with `U` uniform on (0, 1] has
/// `P(G = k) = (1 - p)^k p`.
pub struct Clock {
    p: f64,
    ln_q: f64,
    gap: u64,
    armed: bool,
    rng: LazyRng,
}

impl Clock {
    pub fn new(channel: Channel, p: f64) -> Self {
        Clock { p, ln_q: (-p).ln_1p(), gap: 0, armed: false, rng: LazyRng::new(channel) }
    }

    /// Change the probability (a per-run parameter draw); call before `reset`.
    pub fn set_p(&mut self, p: f64) {
        self.p = p;
        self.ln_q = (-p).ln_1p();
    }

    pub fn reset(&mut self, run: u64) {
        self.rng.reset(run);
        self.armed = false;
        self.gap = 0;
    }

    /// One trial: true with probability p.
    #[inline]
    pub fn tick(&mut self, streams: &Streams) -> bool {
        // Hot path: a failure inside a gap already drawn.
        if self.gap > 0 {
            self.gap -= 1;
            return false;
        }
        self.tick_slow(streams)
    }

    /// The trial's probability.
    pub fn p(&self) -> f64 {
        self.p
    }

    /// Failures before the next success, as if `tick` were called until it
    /// returned true: the same draws from the stream (each gap is one draw),
    /// `u64::MAX` for "never". Use either this or `tick` within a run.
    pub fn failures(&mut self, streams: &Streams) -> u64 {
        if self.p <= 0.0 {
            u64::MAX
        } else if self.p >= 1.0 {
            0
        } else {
            self.draw_gap(streams)
        }
    }

    fn tick_slow(&mut self, streams: &Streams) -> bool {
        if self.p <= 0.0 {
            self.gap = u64::MAX; // never: no game has 2^64 trials
            return false;
        }
        if self.p >= 1.0 {
            return true;
        }
        if !self.armed {
            self.armed = true;
            self.gap = self.draw_gap(streams);
            if self.gap > 0 {
                self.gap -= 1;
                return false;
            }
        }
        // A success: draw the gap to the next one.
        self.gap = self.draw_gap(streams);
        true
    }

    fn draw_gap(&mut self, streams: &Streams) -> u64 {
        let u = 1.0 - self.rng.unit(streams); // (0, 1]
        let g = u.ln() / self.ln_q;
        // `as` saturates: a gap beyond u64 is "never" for any real game.
        g as u64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chacha8_golden_value() {
        // Pins the RNG algorithm and seed expansion: part of the output contract.
        let mut rng = SimRng::seed_from_u64(0);
        assert_eq!(rng.next_u64(), 0xb585f767a79a3b6c);
    }

    #[test]
    fn stream_matches_fresh_generator() {
        let streams = Streams::new(42);
        let mut a = streams.stream(7, Channel::Noise(1));
        let mut b = SimRng::seed_from_u64(42);
        b.set_stream(7 << 8 | Channel::Noise(1).id());
        for _ in 0..10 {
            assert_eq!(a.next_u64(), b.next_u64());
        }
    }

    #[test]
    fn channels_are_distinct() {
        let mut ids = vec![Channel::Params.id(), Channel::Events.id(), Channel::Talks.id(), Channel::Violations.id()];
        for s in 0..MAX_SIDES {
            ids.push(Channel::Strategy(s).id());
            ids.push(Channel::Noise(s).id());
            ids.push(Channel::Misperception(s).id());
            for p in 0..MAX_PROVOCATIONS {
                ids.push(Channel::Provocation(s, p).id());
            }
        }
        let n = ids.len();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), n);
        assert!(ids.iter().all(|&i| i < 256));
    }

    #[test]
    fn clock_frequency_matches_p() {
        let streams = Streams::new(1);
        for &p in &[0.01, 0.05, 0.3, 0.9] {
            let mut c = Clock::new(Channel::Noise(0), p);
            c.reset(3);
            let n = 400_000;
            let hits = (0..n).filter(|_| c.tick(&streams)).count() as f64;
            let se = (p * (1.0 - p) / n as f64).sqrt();
            assert!((hits / n as f64 - p).abs() < 5.0 * se, "p={p} got {}", hits / n as f64);
        }
    }

    #[test]
    fn clock_gaps_are_geometric() {
        // P(first success at trial k) = (1-p)^(k-1) p: check the first few k.
        let streams = Streams::new(9);
        let p = 0.2;
        let n = 100_000;
        let mut counts = [0u32; 4];
        for run in 0..n {
            let mut c = Clock::new(Channel::Noise(0), p);
            c.reset(run);
            for (k, slot) in counts.iter_mut().enumerate() {
                if c.tick(&streams) {
                    *slot += 1;
                    break;
                }
                let _ = k;
            }
        }
        for (k, &got) in counts.iter().enumerate() {
            let expect = (1.0 - p).powi(k as i32) * p;
            let se = (expect * (1.0 - expect) / n as f64).sqrt();
            assert!((got as f64 / n as f64 - expect).abs() < 5.0 * se, "k={k}");
        }
    }
}

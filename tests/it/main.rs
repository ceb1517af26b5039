//! One integration binary (matklad: every `tests/*.rs` would link separately).

mod common;
mod engine;
mod markov;

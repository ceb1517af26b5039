//! One integration binary (matklad: every `tests/*.rs` would link separately).

mod attrition;
mod cli;
mod common;
mod determinism;
mod engine;
mod errors;
mod faults;
mod fit;
mod fuzz;
mod golden;
mod interface;
mod markov;
mod properties;
mod reliability;
mod report;
mod sweep;
mod tournament;
mod truces;
mod uncertainty;

/*!
A Monte Carlo simulator of tit-for-tat trade leverage.

A scenario file (TOML) describes two sides, their levers (tariffs, purchases,
export controls...), their strategies (tit-for-tat, generous TFT, grim trigger,
win-stay-lose-shift...), noise and scheduled events (truces that expire and snap
back). The engine plays the repeated game many times in parallel and reports how
often it ends in détente, in a vicious cycle of mutual retaliation, in one-sided
coercion or in a standoff.

Data flows one way: [`scenario::load`] → [`Scenario`] → [`montecarlo::run_batch`]
(which calls [`engine::play_game`] per run and [`outcome::classify`] on each
trace) → [`montecarlo::Batch`] → [`report`] (CSV, PNG, table). The game model is
documented with its equations in `docs/model.md`.
*/

pub mod calibrate;
pub mod compare;
pub mod engine;
pub mod error;
pub mod fmt;
pub mod input;
pub mod leverage;
pub mod montecarlo;
pub mod outcome;
pub mod report;
pub mod rng;
pub mod robustness;
pub mod scenario;
pub mod sensitivity;
pub mod sha256;
pub mod spread;
pub mod stats;
pub mod strategy;
pub mod sweep;
pub mod totals;
pub mod tournament;

pub use error::{Error, ScenarioError};
pub use montecarlo::{Batch, McConfig, run_batch};
pub use outcome::Outcome;
pub use scenario::Scenario;

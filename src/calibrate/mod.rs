/*!
Calibration against the record: an observed history (`history`), the
maximum-likelihood fit of strategies and noise to it (`fit`), the fitted
scenario written back as TOML (`fitted_scenario`), and the backtest that places
the record in a simulated distribution (`backtest`). Pure: no IO beyond
reading the history file.
*/

pub mod backtest;
pub mod fit;
pub mod fitted_scenario;
pub mod history;
pub mod scoring;

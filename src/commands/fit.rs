/*!
`simulate fit` and `simulate backtest`: load, call the library, write outputs.
Bad input (scenario, history, candidate list, base scenario) exits 2.
*/

use std::path::{Path, PathBuf};

use anyhow::{Context, anyhow};
use tradewar::calibrate::backtest;
use tradewar::calibrate::fit::{self, Candidate, FitConfig, Record, SideFit};
use tradewar::calibrate::fitted_scenario::{self, FitOrigin};
use tradewar::calibrate::history::{self, History};
use tradewar::montecarlo::{self, Hooks, McConfig};
use tradewar::report::{self, fit as fit_out};
use tradewar::scenario::{self, Overrides, Scenario};

use super::{Failure, chart_bytes, chart_formats, interrupt_flag, prepare_out_dir, print_stdout};
use crate::cli::{BacktestArgs, FitArgs};

/// Points of the profile drawn in fit.png.
const PROFILE_POINTS: usize = 101;

fn load(path: &Path, history: &Path) -> Result<(Scenario, History), Failure> {
    let sc = scenario::load(path).map_err(|e| Failure::Scenario(vec![e]))?;
    let h = history::load(history, &sc).map_err(|e| Failure::Input(e.into()))?;
    Ok((sc, h))
}

fn write(dir: &Path, name: &str, bytes: &[u8], written: &mut Vec<String>) -> Result<(), Failure> {
    report::write_atomic(&dir.join(name), bytes).map_err(|e| Failure::Runtime(e.into()))?;
    written.push(name.to_string());
    Ok(())
}

/// The candidates: from `--strategies` (or every fittable one), with `--range`s applied.
fn candidates(args: &FitArgs) -> anyhow::Result<Vec<Candidate>> {
    let mut list = if args.strategies.is_empty() {
        fit::default_candidates()
    } else {
        args.strategies.iter().map(|k| Candidate::new(k.trim())).collect::<Result<Vec<_>, _>>()?
    };
    for r in &args.ranges {
        let (name, range) = r.split_once('=').ok_or_else(|| anyhow!("--range takes NAME=LO:HI, got `{r}`"))?;
        let (lo, hi) = range.split_once(':').ok_or_else(|| anyhow!("--range takes NAME=LO:HI, got `{r}`"))?;
        let parse = |x: &str| x.trim().parse::<f64>().map_err(|_| anyhow!("--range {r}: `{x}` is not a number"));
        let (lo, hi) = (parse(lo)?, parse(hi)?);
        let mut used = false;
        for c in list.iter_mut().filter(|c| c.param.is_some_and(|p| p.name == name.trim())) {
            *c = c.clone().with_range(name.trim(), lo, hi)?;
            used = true;
        }
        if !used {
            return Err(anyhow!("--range {r}: no candidate strategy has a parameter `{}`", name.trim()));
        }
    }
    Ok(list)
}

pub fn fit(args: &FitArgs) -> Result<(), Failure> {
    let (sc, h) = load(&args.record.scenario, &args.record.history)?;
    let cfg = FitConfig { candidates: candidates(args).map_err(Failure::Input)?, profile_points: PROFILE_POINTS };
    let out_dir = args.output.out.clone().unwrap_or_else(|| Path::new("output").join(&sc.id));
    // The base is read (and checked) before any work, so a bad one fails fast.
    let base = match &args.write_scenario {
        Some(_) => Some(
            std::fs::read_to_string(&args.base)
                .with_context(|| format!("reading base scenario {}", args.base.display()))
                .map_err(Failure::Input)?,
        ),
        None => None,
    };
    prepare_out_dir(&out_dir).map_err(Failure::Input)?;

    let fits: Vec<SideFit> = (0..sc.sides.len())
        .map(|i| fit::fit_side(i, &Record::from_history(&h, &sc, i), &cfg))
        .collect::<Result<_, _>>()
        .map_err(|e| Failure::Input(e.into()))?;

    let mut written = Vec::new();
    write(&out_dir, "fit.csv", &fit_out::fit_csv(&sc, &h, &fits), &mut written)?;
    for (format, ext) in chart_formats(args.output.no_charts, args.output.svg) {
        let name = format!("fit.{ext}");
        let bytes = chart_bytes(&out_dir.join(&name), report::chart::fit::fit_chart(&sc, &h, &fits, format))?;
        write(&out_dir, &name, &bytes, &mut written)?;
    }
    let mut text = fit_out::fit_text(&sc, &h, &fits);
    if !sc.events.is_empty() {
        text.push_str("\nnote: the scenario's events (truces, scheduled changes) are not part of the likelihood\n");
    }
    for (i, s) in sc.sides.iter().enumerate() {
        for t in h.ambiguous_holds(&sc, i) {
            text.push_str(&format!(
                "note: {} held in {} with every lever at its top: read as C, though the model would call a chosen escalation D\n",
                s.name,
                h.round_label(t)
            ));
        }
    }
    print_stdout(&text);

    if let (Some(dest), Some(base)) = (&args.write_scenario, base) {
        let origin = FitOrigin {
            history: args.record.history.display().to_string(),
            period: format!("{} – {}, {} months", h.round_label(1), h.round_label(h.rounds), h.rounds),
        };
        let pairs: Vec<(&str, &fit::CandidateFit)> =
            fits.iter().map(|sf| (sc.sides[sf.side].name.as_str(), &sf.fits[0])).collect();
        let text =
            fitted_scenario::apply_fit(&args.base, &base, &pairs, &origin).map_err(|e| Failure::Input(e.into()))?;
        report::write_atomic(dest, text.as_bytes()).map_err(|e| Failure::Runtime(e.into()))?;
        written.push(dest.display().to_string());
    }
    if !args.output.quiet {
        eprintln!("wrote {} in {}", written.join(", "), out_dir.display());
    }
    Ok(())
}

pub fn backtest(args: &BacktestArgs) -> Result<(), Failure> {
    let (sc, h) = load(&args.record.scenario, &args.record.history)?;
    h.check_start(&sc).map_err(|e| Failure::Input(e.into()))?;
    // Simulate exactly the record's months.
    let sc = if sc.rounds == h.rounds {
        sc
    } else {
        scenario::load_with(
            &args.record.scenario,
            &Overrides { rounds: Some(h.rounds), rounds_from: Some("the history's rounds") },
        )
        .map_err(|e| Failure::Scenario(vec![e]))?
    };
    let cfg = McConfig { runs: args.batch.runs.unwrap_or(sc.runs), seed: args.batch.seed.unwrap_or(sc.seed) };
    let out_dir: PathBuf = args.output.out.clone().unwrap_or_else(|| Path::new("output").join(&sc.id));
    prepare_out_dir(&out_dir).map_err(Failure::Input)?;
    let hooks = Hooks { progress: None, cancel: Some(interrupt_flag()) };
    let threads = args.batch.threads();
    let batch = montecarlo::with_threads(threads, || montecarlo::run_batch(&sc, &cfg, &hooks, None))??;
    let bt = backtest::backtest(&sc, &h, &batch);

    let mut written = Vec::new();
    write(&out_dir, "backtest.csv", &fit_out::backtest_csv(&sc, &bt), &mut written)?;
    for (format, ext) in chart_formats(args.output.no_charts, args.output.svg) {
        let name = format!("backtest.{ext}");
        let bytes = chart_bytes(&out_dir.join(&name), report::chart::fit::backtest_chart(&sc, &h, &bt, format))?;
        write(&out_dir, &name, &bytes, &mut written)?;
    }
    print_stdout(&fit_out::backtest_text(&sc, &h, &bt));
    if !args.output.quiet {
        eprintln!("wrote {} in {}", written.join(", "), out_dir.display());
    }
    Ok(())
}

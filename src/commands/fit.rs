/*!
`simulate fit` and `simulate backtest`: load, call the library, write outputs.
Bad input (scenario, history, candidate list, base scenario) exits 2.
*/

use std::path::Path;

use anyhow::anyhow;
use tradewar::calibrate::backtest;
use tradewar::calibrate::fit::recovery::{self, Recovery};
use tradewar::calibrate::fit::{self, Candidate, FitConfig, Record, SideFit};
use tradewar::calibrate::fitted_scenario::{self, FitOrigin};
use tradewar::calibrate::history::{self, History};
use tradewar::calibrate::scoring;
use tradewar::montecarlo::{self, McConfig};
use tradewar::report::{self, Caption, fit as fit_out};
use tradewar::scenario::{self, Overrides, Scenario};

use super::Failure;
use super::output::{self, OutputSet};
use super::provenance::Provenance;
use crate::cli::{BacktestArgs, FitArgs};

/// Points of the profile drawn in fit.png.
const PROFILE_POINTS: usize = 101;

/// The scenario, the record, and what `provenance.json` says of them.
fn load(path: &Path, history: &Path) -> Result<(Scenario, History, String, Provenance), Failure> {
    let text = scenario::read_text(path)?;
    let sc = scenario::parse(path, &text)?;
    let h = history::load(history, &sc)?;
    let record = tradewar::input::read_bounded(history, tradewar::input::MAX_TEXT_BYTES).unwrap_or_default();
    let provenance = Provenance::new().input("scenario", path, text.as_bytes()).input("history", history, &record);
    Ok((sc, h, text, provenance))
}

/// `--write-scenario PATH`, checked before any work: a file path (not a
/// folder) in a folder that exists and can be written, or in the output
/// folder (made before the file is written).
fn check_destination(dest: &Path, out_dir: &Path) -> Result<(), Failure> {
    let bad = |why: String| Failure::Input(anyhow!("--write-scenario {}: {why}", dest.display()));
    if dest.is_dir() {
        return Err(bad("is a folder; give the path of the scenario file to write".into()));
    }
    let folder = match dest.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    if !folder.exists() && folder == out_dir {
        return Ok(());
    }
    if !folder.is_dir() {
        return Err(bad(format!("the folder {} does not exist", folder.display())));
    }
    tempfile::Builder::new()
        .prefix(".simulate-probe-")
        .tempfile_in(folder)
        .map_err(|e| bad(format!("cannot write in {}: {}", folder.display(), e.kind())))?;
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
        for c in list.iter_mut().filter(|c| c.param.is_some_and(|p| p.name() == name.trim())) {
            *c = c.clone().with_range(name.trim(), lo, hi)?;
            used = true;
        }
        if !used {
            return Err(anyhow!("--range {r}: no candidate strategy has a parameter `{}`", name.trim()));
        }
    }
    Ok(list)
}

/// Default seed of the recovery test.
const RECOVERY_SEED: u64 = 1;

/// Each side's records (the record's, then each pooled episode's), the pooled
/// episodes in words, and the provenance with their files.
type Episodes = (Vec<Vec<Record>>, Vec<String>, Provenance);

/// Each side's records: the main record's, then one per `--pool` episode (its
/// sides matched to the scenario's by name).
fn episodes(args: &FitArgs, sc: &Scenario, h: &History, mut provenance: Provenance) -> Result<Episodes, Failure> {
    let mut per_side: Vec<Vec<Record>> = (0..sc.sides.len()).map(|i| vec![Record::from_history(h, sc, i)]).collect();
    let mut names = Vec::new();
    for (k, spec) in args.pool.iter().enumerate() {
        let (scenario, history) = spec
            .split_once('=')
            .ok_or_else(|| Failure::Input(anyhow!("--pool takes SCENARIO=HISTORY, got `{spec}`")))?;
        let (scenario, history) = (Path::new(scenario.trim()), Path::new(history.trim()));
        let (psc, ph, ptext, _) = load(scenario, history)?;
        let record = tradewar::input::read_bounded(history, tradewar::input::MAX_TEXT_BYTES).unwrap_or_default();
        provenance = provenance.input(&format!("pool{}_scenario", k + 1), scenario, ptext.as_bytes()).input(
            &format!("pool{}_history", k + 1),
            history,
            &record,
        );
        for (i, side) in sc.sides.iter().enumerate() {
            let j = psc.sides.iter().position(|s| s.name == side.name).ok_or_else(|| {
                Failure::Input(anyhow!("--pool {spec}: {} has no side `{}`", scenario.display(), side.name))
            })?;
            per_side[i].push(Record::from_history(&ph, &psc, j));
        }
        names.push(format!(
            "{} ({} – {}, {} months)",
            history.display(),
            ph.round_label(1),
            ph.round_label(ph.rounds),
            ph.rounds
        ));
    }
    Ok((per_side, names, provenance))
}

pub fn fit(args: &FitArgs) -> Result<(), Failure> {
    // Everything that can be checked is checked before any work.
    let (sc, h, text, provenance) = load(&args.record.scenario, &args.record.history)?;
    let (records, pooled, mut provenance) = episodes(args, &sc, &h, provenance)?;
    let caption = Caption::new(&sc, &args.record.scenario, &text, args.output.title.as_deref());
    let cfg = FitConfig { candidates: candidates(args).map_err(Failure::Input)?, profile_points: PROFILE_POINTS };
    let out_dir = output::out_dir(&args.output, &sc.id, "");
    // The base of --write-scenario: --base, else the scenario fitted.
    let base_path = args.base.as_deref().unwrap_or(&args.record.scenario);
    let base = match &args.write_scenario {
        Some(dest) => {
            check_destination(dest, &out_dir)?;
            let text = scenario::read_text(base_path)?;
            provenance = provenance.input("base", base_path, text.as_bytes());
            Some(text)
        }
        None => None,
    };
    let mut out = OutputSet::open(&out_dir, "fit", args.output.quiet)?;
    out.provenance(provenance.with("write_scenario", args.write_scenario.as_ref().map(|p| p.display().to_string())));

    let mut fits: Vec<SideFit> = (0..sc.sides.len())
        .map(|i| fit::fit_pooled(i, &records[i], &cfg))
        .collect::<Result<_, _>>()
        .map_err(|e| Failure::Input(e.into()))?;
    let seed = args.seed.unwrap_or(RECOVERY_SEED);
    let mut recoveries: Vec<Recovery> = Vec::new();
    if let Some(n) = args.recovery {
        for sf in &mut fits {
            let truths = if args.recovery_all { sf.fits.len() } else { 1 };
            for truth in &sf.fits[..truths] {
                recoveries.push(recovery::recovery(sf.side, truth, &records[sf.side], &cfg, n, seed));
            }
            let best = recoveries.iter().rev().find(|r| r.side == sf.side && r.truth.candidate == sf.fits[0].candidate);
            sf.recovered = best.map(|r| (r.records, r.recovered_share()));
        }
    }

    out.add("fit.csv", &fit_out::fit_csv(&sc, &h, &fits))?;
    if args.recovery.is_some() {
        out.add("recovery.csv", &fit_out::recovery_csv(&sc, &recoveries, seed))?;
    }
    for (format, ext) in output::chart_formats(&args.output) {
        out.add_chart(&format!("fit.{ext}"), report::chart::fit::fit_chart(&sc, &h, &fits, &caption, format))?;
    }
    let fitted = match (&args.write_scenario, base) {
        (Some(_), Some(base)) => {
            let origin = FitOrigin {
                history: args.record.history.display().to_string(),
                period: format!("{} – {}, {} months", h.round_label(1), h.round_label(h.rounds), h.rounds),
            };
            let reasons: Vec<Vec<String>> = fits.iter().map(|sf| sf.identification().reasons).collect();
            let pairs: Vec<fitted_scenario::FittedSide<'_>> = fits
                .iter()
                .zip(&reasons)
                .map(|(sf, why)| (sc.sides[sf.side].name.as_str(), &sf.fits[0], why.as_slice()))
                .collect();
            Some(fitted_scenario::apply_fit(base_path, &base, &pairs, &origin).map_err(|e| Failure::Input(e.into()))?)
        }
        _ => None,
    };
    let mut written = out.commit()?;
    if let (Some(dest), Some(text)) = (&args.write_scenario, fitted) {
        report::write_atomic(dest, text.as_bytes())?;
        written.also(dest);
    }

    let text = || {
        let mut text = String::new();
        if !pooled.is_empty() {
            text.push_str(&format!(
                "Pooled with {}: one likelihood, the sum over the episodes; rounds past the first record's are \
                 numbered on (\"pooled round k\")\n",
                pooled.join(", ")
            ));
        }
        text.push_str(&fit_out::fit_text(&sc, &h, &fits));
        if !recoveries.is_empty() {
            text.push_str(&fit_out::recovery_text(&sc, &recoveries, seed));
        }
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
        tradewar::fmt::wrap(&text, tradewar::report::table::WIDTH)
    };
    output::show(&args.output, text, || fit_out::fit_json(&sc, &h, &fits, &recoveries))?;
    written.report(None);
    Ok(())
}

/// The forecasters of a backtest: each side's model and naive baselines, and
/// the scenario text to simulate. With `--train`, the strategies are fitted
/// to the training episode and written into the scenario (`apply_fit`), and
/// the baselines are the training episode's; without, the scenario's own
/// strategies, and baselines from the record itself (in sample).
struct Forecasters {
    models: Vec<scoring::SideModel>,
    baselines: Vec<scoring::Baseline>,
    text: String,
    /// "fitted to data/... (Jan 2018 – Feb 2020): us tit-for-tat ..." or None in sample.
    train: Option<String>,
}

/// A side's model as the scenario gives it.
fn scenario_model(sc: &Scenario, side: usize) -> scoring::SideModel {
    let s = &sc.sides[side];
    scoring::SideModel {
        strategy: s.strategy.clone(),
        noise: s.noise.nominal(),
        misperception: s.misperception.nominal(),
    }
}

fn forecasters(
    args: &BacktestArgs,
    sc: &Scenario,
    h: &History,
    text: &str,
    mut provenance: Provenance,
) -> Result<(Forecasters, Provenance), Failure> {
    let Some(spec) = &args.train else {
        let baselines = (0..sc.sides.len()).map(|i| scoring::Baseline::from_postures(&[&h.postures(i)])).collect();
        let models = (0..sc.sides.len()).map(|i| scenario_model(sc, i)).collect();
        return Ok((Forecasters { models, baselines, text: text.to_string(), train: None }, provenance));
    };
    let (tscenario, thistory) =
        spec.split_once('=').ok_or_else(|| Failure::Input(anyhow!("--train takes SCENARIO=HISTORY, got `{spec}`")))?;
    let (tscenario, thistory) = (Path::new(tscenario.trim()), Path::new(thistory.trim()));
    let (tsc, th, ttext, _) = load(tscenario, thistory)?;
    let record = tradewar::input::read_bounded(thistory, tradewar::input::MAX_TEXT_BYTES).unwrap_or_default();
    provenance =
        provenance.input("train_scenario", tscenario, ttext.as_bytes()).input("train_history", thistory, &record);
    let cfg = FitConfig { candidates: fit::default_candidates(), profile_points: 2 };
    let mut fits = Vec::new();
    let mut baselines = Vec::new();
    for side in &sc.sides {
        let j = tsc.sides.iter().position(|s| s.name == side.name).ok_or_else(|| {
            Failure::Input(anyhow!("--train {spec}: {} has no side `{}`", tscenario.display(), side.name))
        })?;
        let sf = fit::fit_side(j, &Record::from_history(&th, &tsc, j), &cfg).map_err(|e| Failure::Input(e.into()))?;
        baselines.push(scoring::Baseline::from_postures(&[&th.postures(j)]));
        fits.push(sf);
    }
    let period = format!("{} – {}, {} months", th.round_label(1), th.round_label(th.rounds), th.rounds);
    let origin = FitOrigin { history: thistory.display().to_string(), period: period.clone() };
    let pairs: Vec<fitted_scenario::FittedSide<'_>> =
        sc.sides.iter().zip(&fits).map(|(s, sf)| (s.name.as_str(), &sf.fits[0], &[][..])).collect();
    let fitted = fitted_scenario::apply_fit(&args.record.scenario, text, &pairs, &origin)
        .map_err(|e| Failure::Input(e.into()))?;
    let models = fits
        .iter()
        .map(|sf| {
            let f = &sf.fits[0];
            scoring::SideModel {
                strategy: f.strategy.clone(),
                noise: f.noise.value,
                misperception: f.misperception.map_or(0.0, |m| m.value),
            }
        })
        .collect();
    let described: Vec<String> = sc
        .sides
        .iter()
        .zip(&fits)
        .map(|(s, sf)| {
            let f = &sf.fits[0];
            let id = if sf.identification().identified() { "" } else { ", not identified" };
            let what = match f.param {
                Some(p) if f.candidate.is_history_blind() => format!("{} with p = {:.2}", fit::BERNOULLI, p.value),
                _ => format!("{} (ε {:.2})", f.strategy.describe(), f.noise.value),
            };
            format!("{} {what} (Akaike weight {:.2}{id})", s.name, f.weight)
        })
        .collect();
    let train = format!("fitted to {} ({period}): {}", thistory.display(), described.join("; "));
    Ok((Forecasters { models, baselines, text: fitted, train: Some(train) }, provenance))
}

pub fn backtest(args: &BacktestArgs) -> Result<(), Failure> {
    let (sc, h, text, provenance) = load(&args.record.scenario, &args.record.history)?;
    h.check_start(&sc)?;
    let (fc, provenance) = forecasters(args, &sc, &h, &text, provenance)?;
    // Simulate exactly the record's months, with the forecasters' strategies.
    let overrides = Overrides { rounds: Some(h.rounds), rounds_from: Some("the history's rounds") };
    let sc = scenario::parse_with(&args.record.scenario, &fc.text, &overrides)?;
    let cfg = McConfig { runs: args.batch.runs.unwrap_or(sc.runs), seed: args.batch.seed.unwrap_or(sc.seed) };
    output::check_memory(&sc, &args.batch)?;
    let caption = Caption::new(&sc, &args.record.scenario, &fc.text, args.output.title.as_deref());
    let mut out = OutputSet::open(&output::out_dir(&args.output, &sc.id, ""), "backtest", args.output.quiet)?;
    out.provenance(provenance.with("seed", cfg.seed).with("runs", cfg.runs).with("rounds", sc.rounds));
    let (batch, elapsed) = output::parallel(&sc.id, cfg.runs, &args.batch, args.output.quiet, |hooks| {
        montecarlo::run_batch(&sc, &cfg, hooks, None)
    })?;
    let bt = backtest::backtest(&sc, &h, &batch);
    let scores = scoring::score(&sc, &h, &batch, &bt, &fc.models, &fc.baselines);
    let train = fc.train.as_deref();

    out.add("backtest.csv", &fit_out::backtest_csv(&sc, &bt, &scores))?;
    for (format, ext) in output::chart_formats(&args.output) {
        out.add_chart(&format!("backtest.{ext}"), report::chart::fit::backtest_chart(&sc, &h, &bt, &caption, format))?;
        out.add_chart(
            &format!("scores.{ext}"),
            report::chart::fit::scores_chart(&sc, &h, &bt, &scores, train, &caption, format),
        )?;
    }
    let written = out.commit()?;
    output::show(
        &args.output,
        || fit_out::backtest_text(&sc, &h, &bt) + &fit_out::scores_text(&sc, &scores, train),
        || fit_out::backtest_json(&sc, &h, &bt, &scores, train),
    )?;
    written.report(Some(&output::runs_done(cfg.runs, elapsed)));
    Ok(())
}

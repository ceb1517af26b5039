/*!
`simulate compare A B` and `simulate violation SCENARIO`: two scenarios played
run by run with the same random numbers; write `compare.csv` (or
`violation.csv`), its chart and report.html, print the paired differences.
*/

use anyhow::anyhow;
use tradewar::compare::{comparable, compare as play};
use tradewar::montecarlo::{McConfig, RunMeta};
use tradewar::report::compare::{compare_csv, compare_rows, compare_text};
use tradewar::report::{self, chart, html};
use tradewar::scenario::{self, Event, EventKind, Overrides, Scenario};

use super::output::{self, OutputSet};
use super::provenance::Provenance;
use super::{Failure, term};
use crate::cli::{CompareArgs, SimArgs, ViolationArgs};

pub(super) fn compare(args: &CompareArgs) -> Result<(), Failure> {
    let over = Overrides { rounds: args.sim.rounds, ..Overrides::default() };
    let a = scenario::load_with(&args.a, &over)?;
    let b = scenario::load_with(&args.b, &over)?;
    comparable(&a, &b).map_err(|e| Failure::Input(anyhow!(e)))?;
    let stem = format!("{}-vs-{}", a.id, b.id);
    let names = [a.name.clone(), b.name.clone()];
    run(&a, &b, &args.sim, &stem, "compare", &names, args.sim.output.json)
}

pub(super) fn violation(args: &ViolationArgs) -> Result<(), Failure> {
    let a = scenario::load_with(&args.scenario, &Overrides { rounds: args.sim.rounds, ..Overrides::default() })?;
    let side = a.side_index(&args.side).ok_or_else(|| {
        let known: Vec<String> = a.sides.iter().map(|s| format!("`{}`", s.name)).collect();
        Failure::Input(anyhow!("unknown side `{}` (sides: {})", args.side, known.join(", ")))
    })?;
    let levers = &a.sides[side].levers;
    let lever = levers.iter().position(|l| l.name == args.lever).ok_or_else(|| {
        let known: Vec<String> = levers.iter().map(|l| format!("`{}`", l.name)).collect();
        Failure::Input(anyhow!("unknown lever `{}` of side `{}` (levers: {})", args.lever, args.side, known.join(", ")))
    })?;
    if args.round == 0 || args.round > a.rounds {
        return Err(Failure::Input(anyhow!("--round {} is outside the scenario's rounds 1–{}", args.round, a.rounds)));
    }
    let mut b: Scenario = a.clone();
    let label = format!("{} raises {} in round {}", a.sides[side].label, levers[lever].label, args.round);
    b.events.push(Event { label: label.clone(), start: args.round, kind: EventKind::Violation { side, lever } });
    b.name = format!("{} + {label}", a.name);
    let stem = format!("{}-violation", a.id);
    let names = [a.name.clone(), format!("with the violation: {label}")];
    run(&a, &b, &args.sim, &stem, "violation", &names, args.sim.output.json)
}

fn run(
    a: &Scenario,
    b: &Scenario,
    sim: &SimArgs,
    stem: &str,
    set: &str,
    names: &[String; 2],
    json: bool,
) -> Result<(), Failure> {
    let cfg = McConfig { runs: sim.batch.runs.unwrap_or(a.runs), seed: sim.batch.seed.unwrap_or(a.seed) };
    output::check_memory(a, &sim.batch)?;
    let mut files = OutputSet::open(&output::out_dir(&sim.output, stem, ""), set, sim.output.quiet)?;
    let label = format!("{stem}: 2 variants");
    let (c, elapsed) =
        output::parallel(&label, 2 * cfg.runs, &sim.batch, sim.output.quiet, |hooks| play(a, b, &cfg, hooks))?;
    let meta = RunMeta::new(a, cfg.runs, cfg.seed);
    let rows = compare_rows(&c, &meta);
    files.add(&format!("{set}.csv"), &compare_csv(&rows, &meta))?;
    let mut charts = Vec::new();
    for (format, ext) in output::chart_formats(&sim.output) {
        let name = format!("{set}.{ext}");
        let rendered = chart::compare::compare_chart(&rows, &meta, &names[0], &names[1], format);
        files.add_chart(&name, rendered.clone())?;
        charts.push(html::ChartFile { name, bytes: rendered.unwrap_or_default() });
    }
    files.provenance(Provenance::new().with("seed", cfg.seed).with("runs", cfg.runs).with("rounds", a.rounds));
    let page = html::ComparePage {
        rows: &rows,
        meta: &meta,
        names: [&names[0], &names[1]],
        set,
        charts,
        provenance: files.provenance_record(&[html::FILE]),
    };
    files.add(html::FILE, html::compare_page(&page).as_bytes())?;
    let written = files.commit()?;
    if json {
        let figures: Vec<serde_json::Value> = rows
            .iter()
            .map(|r| {
                let e = |e: &report::Estimate| serde_json::json!({ "mean": e.mean, "ci_low": e.ci_low, "ci_high": e.ci_high });
                serde_json::json!({ "figure": r.key, "a": e(&r.a), "b": e(&r.b), "difference": e(&r.diff) })
            })
            .collect();
        let doc =
            serde_json::json!({ "a": names[0], "b": names[1], "runs": cfg.runs, "seed": cfg.seed, "figures": figures });
        term::print(&(serde_json::to_string_pretty(&doc).expect("JSON of plain values") + "\n"))?;
    } else if !sim.output.quiet {
        term::print(&compare_text(&rows, &meta, &names[0], &names[1]))?;
    }
    written.report(Some(&format!("2 × {} runs in {:.2} s", report::thousands(cfg.runs), elapsed.as_secs_f64())));
    Ok(())
}

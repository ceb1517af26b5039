//! Tournaments: classic payoffs, common random numbers, determinism, and the
//! `tournament` command end to end (outputs, columns, errors).

use assert_cmd::prelude::*;
use predicates::prelude::*;
use tradewar::montecarlo::{Hooks, McConfig, with_threads};
use tradewar::strategy::Strategy;
use tradewar::tournament::{Response, TournamentReport, run_tournament};

use crate::common::{assert_no_temp_files, classic, decode_png, header, repo_path, simulate};

const TFT: Strategy = Strategy::TitForTat(tradewar::strategy::TitForTat);
const ALLD: Strategy = Strategy::AlwaysEscalate(tradewar::strategy::AlwaysEscalate);
const ALLC: Strategy = Strategy::AlwaysConcede(tradewar::strategy::AlwaysConcede);

fn mean(t: &tradewar::tournament::Tournament, cell: usize, side: usize) -> f64 {
    t.cells[cell].welfare()[side].mean().unwrap()
}

#[test]
fn classic_ipd_without_noise_gives_the_classic_payoffs() {
    let mut sc = tradewar::scenario::load(&repo_path("scenarios/classic-ipd.toml")).unwrap();
    for side in &mut sc.sides {
        side.noise = tradewar::scenario::Param::Fixed(0.0);
    }
    assert_eq!(sc.rounds, 200);
    let candidates = [vec![TFT, ALLD, ALLC], vec![TFT, ALLD, ALLC]];
    let cfg = McConfig { runs: 50, seed: 1 };
    let t = run_tournament(&sc, &candidates, &cfg, &Hooks::default()).unwrap();
    let cell = |i: usize, j: usize| i * 3 + j;
    // (row, column) cumulative welfare over 200 rounds, R=3 S=0 T=5 P=1.
    let expected = [
        [(600.0, 600.0), (199.0, 204.0), (600.0, 600.0)],
        [(204.0, 199.0), (200.0, 200.0), (1000.0, 0.0)],
        [(600.0, 600.0), (0.0, 1000.0), (600.0, 600.0)],
    ];
    for (i, row) in expected.iter().enumerate() {
        for (j, &want) in row.iter().enumerate() {
            let got = (mean(&t, cell(i, j), 0), mean(&t, cell(i, j), 1));
            assert_eq!(got, want, "cell ({i}, {j})");
            assert_eq!(t.cells[cell(i, j)].runs(), 50);
        }
    }

    let r = TournamentReport::new(&t).unwrap();
    // Without noise every run is the same: no standard error, no near ties.
    assert_eq!(r.cell(0, 1).welfare_se, [Some(0.0), Some(0.0)]);
    assert_eq!(r.cell(1, 1).vicious_cycle.p, 1.0);
    assert_eq!(r.cell(0, 0).detente.p, 1.0);
    // Against TFT, TFT and ALLC tie at 600; against ALLD only ALLD is best.
    assert_eq!(r.cell(0, 0).best_response[0], Response::Best);
    assert_eq!(r.cell(2, 0).best_response[0], Response::Best);
    assert_eq!(r.cell(1, 0).best_response[0], Response::No);
    assert_eq!(r.cell(1, 1).best_response, [Response::Best, Response::Best]);
    // Mutual TFT and mutual ALLD are pure equilibria; the ties make the game degenerate.
    let pure: Vec<(usize, usize)> =
        r.equilibria.iter().filter(|e| e.is_pure()).map(|e| (e.support(0)[0], e.support(1)[0])).collect();
    assert!(pure.contains(&(0, 0)) && pure.contains(&(1, 1)), "{pure:?}");
    assert!(r.degenerate);
    let all_d = r.equilibria.iter().find(|e| e.is_pure() && e.support(0) == [1]).unwrap();
    assert_eq!((all_d.welfare, all_d.detente, all_d.vicious_cycle), ([200.0, 200.0], 0.0, 1.0));
    assert!(!all_d.pareto_efficient);
    let tft = r.equilibria.iter().find(|e| e.is_pure() && e.support(0) == [0]).unwrap();
    assert!(tft.pareto_efficient && tft.detente == 1.0);
    // Pareto: mutual cooperation and the exploitation cells; not mutual ALLD.
    assert!(r.cell(0, 0).pareto_efficient && r.cell(1, 2).pareto_efficient);
    assert!(!r.cell(1, 1).pareto_efficient && !r.cell(0, 1).pareto_efficient);
}

#[test]
fn cells_share_random_numbers_and_threads_do_not_matter() {
    // Generous TFT that never forgives plays exactly like TFT: with the same
    // random streams in every cell, its cells equal TFT's to the last bit.
    let sc = classic(r#"{ kind = "tit_for_tat" }"#, r#"{ kind = "tit_for_tat" }"#, 0.05, 60, 1);
    let candidates = [
        vec![TFT, tradewar::strategy::Kind::GenerousTitForTat.with(&[0.0])],
        vec![TFT, tradewar::strategy::Kind::Random.with(&[0.3])],
    ];
    let cfg = McConfig { runs: 400, seed: 11 };
    let one = with_threads(1, || run_tournament(&sc, &candidates, &cfg, &Hooks::default())).unwrap().unwrap();
    let two = with_threads(2, || run_tournament(&sc, &candidates, &cfg, &Hooks::default())).unwrap().unwrap();
    assert_eq!(one, two);
    assert_eq!(one.cells[0], one.cells[2]);
    assert_eq!(one.cells[1], one.cells[3]);
    assert_ne!(one.cells[0], one.cells[1]);
}

/// The classic IPD over 60 rounds, with the given noise.
fn write_classic(dir: &std::path::Path, noise: f64) -> std::path::PathBuf {
    let text = std::fs::read_to_string(repo_path("scenarios/classic-ipd.toml"))
        .unwrap()
        .replace("noise = 0.05", &format!("noise = {noise}"))
        .replace("rounds = 200", "rounds = 60")
        .replace("window = 50", "window = 15")
        .replace("exchanges = 25", "exchanges = 8");
    let path = dir.join("ipd.toml");
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn tournament_command_writes_documented_outputs() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = write_classic(dir.path(), 0.0);
    let out = dir.path().join("out");
    simulate()
        .arg("tournament")
        .arg(&scenario)
        .args(["--row", "tit_for_tat,always_escalate,always_concede"])
        .args(["--side", "column=tit_for_tat,always_escalate,always_concede", "--runs", "20", "--out"])
        .arg(&out)
        .assert()
        .success()
        .stdout(
            predicate::str::contains("Nash equilibria")
                .and(predicate::str::contains("In plain words"))
                .and(predicate::str::contains("odds of détente")),
        );
    assert_eq!(
        header(&out.join("payoffs.csv")),
        "scenario,strategy_row,strategy_column,runs,welfare_row_mean,welfare_row_se,welfare_column_mean,\
         welfare_column_se,best_response_row,best_response_column,p_detente,p_detente_ci_low,p_detente_ci_high,\
         p_vicious_cycle,p_vicious_cycle_ci_low,p_vicious_cycle_ci_high,pareto_efficient"
    );
    assert_eq!(
        header(&out.join("equilibria.csv")),
        "scenario,equilibrium,kind,strategy_row,strategy_column,welfare_row,welfare_column,p_detente,\
         p_vicious_cycle,pareto_efficient,robust,component"
    );
    let payoffs = std::fs::read_to_string(out.join("payoffs.csv")).unwrap();
    assert_eq!(payoffs.lines().count(), 1 + 9);
    // TFT against ALLD over 60 rounds: 59 and 64.
    assert!(payoffs.contains("ipd,tit_for_tat,always_escalate,20,59,0,64,0,no,no,"), "{payoffs}");
    let equilibria = std::fs::read_to_string(out.join("equilibria.csv")).unwrap();
    assert!(equilibria.contains(",pure,always_escalate,always_escalate,60,60,0,1,false,true,"), "{equilibria}");

    let ((width, height), pixels) = decode_png(&out.join("tournament.png"));
    assert!(width >= 1200 && height >= 700, "{width}×{height}");
    assert!(pixels.iter().any(|&b| b < 128), "the chart is blank");
    assert_no_temp_files(&out);
}

#[test]
fn tournament_output_does_not_depend_on_threads() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = write_classic(dir.path(), 0.05);
    let mut outputs = Vec::new();
    for threads in ["1", "2"] {
        let out = dir.path().join(format!("t{threads}"));
        let stdout = simulate()
            .arg("tournament")
            .arg(&scenario)
            .args(["--row=tit_for_tat,win_stay_lose_shift", "--column", "generous_tit_for_tat,always_escalate"])
            .args(["--runs", "500", "--seed", "3", "--no-charts", "--quiet", "--threads", threads, "--out"])
            .arg(&out)
            .output()
            .unwrap();
        assert!(stdout.status.success());
        let read = |f: &str| std::fs::read(out.join(f)).unwrap();
        outputs.push((read("payoffs.csv"), read("equilibria.csv"), stdout.stdout));
        assert!(!out.join("tournament.png").exists());
    }
    assert!(outputs[0] == outputs[1], "outputs differ between --threads 1 and --threads 2");
}

#[test]
fn candidates_file_gives_parameters_and_the_other_side_keeps_its_strategy() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = write_classic(dir.path(), 0.05);
    let file = dir.path().join("cands.toml");
    std::fs::write(
        &file,
        "[candidates]\nrow = [\n  { kind = \"generous_tit_for_tat\", generosity = 0.1 },\n  { kind = \"generous_tit_for_tat\", generosity = 0.5 },\n]\n",
    )
    .unwrap();
    let out = dir.path().join("out");
    simulate()
        .arg("tournament")
        .arg(&scenario)
        .arg("--candidates")
        .arg(&file)
        .args(["--runs", "100", "--no-charts", "--out"])
        .arg(&out)
        .assert()
        .success()
        .stderr(predicate::str::contains("no candidates for side `column`"));
    let payoffs = std::fs::read_to_string(out.join("payoffs.csv")).unwrap();
    assert!(payoffs.contains("generous_tit_for_tat(generosity=0.1),tit_for_tat,"), "{payoffs}");
    assert!(payoffs.contains("generous_tit_for_tat(generosity=0.5),tit_for_tat,"), "{payoffs}");
    assert_eq!(payoffs.lines().count(), 3);

    std::fs::write(&file, "[candidates]\nrow = [{ kind = \"generous_tit_for_tat\", generosity = 1.5 }]\n").unwrap();
    simulate()
        .arg("tournament")
        .arg(&scenario)
        .arg("--candidates")
        .arg(&file)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cands.toml:2:54").and(predicate::str::contains("[0, 1]")));
}

#[test]
fn unknown_strategy_or_side_exits_2_listing_the_real_ones() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = write_classic(dir.path(), 0.05);
    simulate()
        .arg("tournament")
        .arg(&scenario)
        .args(["--row", "tit_for_tat,tit_for_tatt", "--column", "always_concede", "--out"])
        .arg(dir.path().join("out"))
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("unknown strategy `tit_for_tatt`")
                .and(predicate::str::contains("--row"))
                .and(predicate::str::contains("did you mean `tit_for_tat`?"))
                .and(predicate::str::contains("grim_trigger, win_stay_lose_shift")),
        );
    assert!(!dir.path().join("out").exists(), "nothing is created for bad input");
    simulate().arg("tournament").arg(&scenario).args(["--colum", "tit_for_tat"]).assert().code(2).stderr(
        predicate::str::contains("unknown side `colum`").and(predicate::str::contains("did you mean `column`?")),
    );
    simulate().args(["tournament", "scenarios/classic-ipd.toml", "--side", "row"]).assert().code(2);
    simulate().args(["tournament", "scenarios/classic-ipd.toml", "--runs", "0"]).assert().code(2);
}

#[test]
fn chart_renders_one_cell_as_png_and_svg_deterministically() {
    use tradewar::report::chart::Format;
    use tradewar::report::chart::tournament::tournament_chart;
    let sc = classic(r#"{ kind = "tit_for_tat" }"#, r#"{ kind = "tit_for_tat" }"#, 0.05, 20, 1);
    let t = run_tournament(&sc, &[vec![TFT], vec![TFT]], &McConfig { runs: 50, seed: 2 }, &Hooks::default()).unwrap();
    let r = TournamentReport::new(&t).unwrap();
    assert_eq!(r.equilibria.len(), 1);
    let dir = tempfile::tempdir().unwrap();
    let (a, b, svg) = (dir.path().join("a.png"), dir.path().join("b.png"), dir.path().join("t.svg"));
    for (path, format) in [(&a, Format::Png), (&b, Format::Png), (&svg, Format::Svg)] {
        let caption = tradewar::report::Caption::titled("one cell");
        std::fs::write(path, tournament_chart(&r, &caption, format).unwrap()).unwrap();
    }
    assert_eq!(std::fs::read(&a).unwrap(), std::fs::read(&b).unwrap());
    assert_eq!(decode_png(&a).0, (1200, 700));
    let svg = std::fs::read_to_string(&svg).unwrap();
    for text in ["probability of a vicious cycle", "1 equilibrium", "row", "column", "tit-for-tat", "détente"] {
        assert!(svg.contains(text), "chart lacks {text:?}");
    }
}

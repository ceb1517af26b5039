use super::*;

const SCENARIO: &str = r#"
rounds = 4
[[sides]]
name = "us"
strategy = { kind = "tit_for_tat" }
[[sides.levers]]
name = "tariffs"
ladder = [20, 30, 60]
pain = 1
[[sides.levers]]
name = "controls"
ladder = [0, 1]
pain = 1
weight = 3
[[sides]]
name = "china"
strategy = { kind = "tit_for_tat" }
[[sides.levers]]
name = "soybeans"
ladder = [27, 12, 0]
pain = 1
"#;

fn sc() -> Scenario {
    scenario::parse(Path::new("s.toml"), SCENARIO).unwrap()
}

const GOOD: &str = "\
# comment line
round,date,side,lever,value,source
0,2025-01-20,us,tariffs,20,start
0,2025-01-20,us,controls,0,start
0,2025-01-20,china,soybeans,27,start
2,2025-02-04,us,tariffs,30,fentanyl
3,2025-03-10,china,soybeans,0,boycott
3,2025-03-04,us,tariffs,60,more
4,2025-04-02,us,tariffs,30,cut
4,2025-04-09,us,controls,1,licence
";

fn parse_str(text: &str) -> Result<History, HistoryError> {
    parse(Path::new("h.csv"), text, &sc())
}

#[test]
fn a_good_history_gives_rungs_postures_and_labels() {
    let h = parse_str(GOOD).unwrap();
    assert_eq!(h.rounds, 4);
    assert_eq!(h.first_month, Some((2025, 1)));
    assert_eq!(h.rung(1, 0, 0), 0, "no row: the start carries over");
    assert_eq!(h.rung(3, 0, 0), 2);
    assert_eq!(h.rung(4, 1, 0), 2, "the boycott carries over");
    let us: String = h.postures(0).iter().map(|a| if a.is_d() { 'D' } else { 'C' }).collect();
    let china: String = h.postures(1).iter().map(|a| if a.is_d() { 'D' } else { 'C' }).collect();
    assert_eq!(us, "CDDD", "a rise of any lever is D, even with another lever falling (round 4)");
    assert_eq!(china, "CCDC");
    assert_eq!(h.round_label(0), "start");
    assert_eq!(h.round_label(4), "Apr 2025");
    // E = (1·I_tariffs + 3·I_controls) / 4 with I(30) = 10/40.
    assert!((h.index(&sc(), 4, 0) - (0.25 + 3.0) / 4.0).abs() < 1e-15);
    assert!((h.index(&sc(), 3, 1) - 1.0).abs() < 1e-15);
    assert!(h.ambiguous_holds(&sc(), 0).is_empty());
    assert_eq!(h.ambiguous_holds(&sc(), 1), vec![4], "china holds with its only lever at the top");
}

#[test]
fn a_hold_with_every_lever_at_the_top_is_flagged() {
    let text = format!("{GOOD}5,2025-05-01,us,tariffs,60,up\n6,2025-06-01,us,controls,1,hold\n");
    let h = parse_str(&text).unwrap();
    assert_eq!(h.ambiguous_holds(&sc(), 1), vec![4, 5, 6]);
    assert_eq!(h.ambiguous_holds(&sc(), 0), vec![6], "us: both levers at the top, nothing moved");
}

fn error_of(text: &str) -> HistoryError {
    parse_str(text).expect_err("should be refused")
}

#[test]
fn an_unknown_lever_names_the_file_line_and_the_levers() {
    let e = error_of(&GOOD.replace("4,2025-04-09,us,controls", "4,2025-04-09,us,port_fees"));
    assert_eq!(e.line, Some(10));
    assert_eq!(e.message, "unknown lever `port_fees` of side `us`");
    assert_eq!(
        e.to_string(),
        "h.csv:10: unknown lever `port_fees` of side `us` (levers of `us`: `tariffs`, `controls`)"
    );
    let e = error_of(&GOOD.replace("4,2025-04-09,us,controls", "4,2025-04-09,us,tarifs"));
    assert!(e.help.unwrap().starts_with("did you mean `tariffs`?"));
}

#[test]
fn bad_sides_values_and_rows_are_refused_with_their_line() {
    let e = error_of(&GOOD.replace("3,2025-03-10,china", "3,2025-03-10,eu"));
    assert_eq!((e.line, e.message.as_str()), (Some(7), "unknown side `eu`"));
    let e = error_of(&GOOD.replace("us,tariffs,30,fentanyl", "us,tariffs,31,fentanyl"));
    assert_eq!((e.line, e.message.as_str()), (Some(6), "value 31 is not a rung of `us.tariffs`"));
    assert_eq!(e.help.as_deref(), Some("rungs: 20, 30, 60"));
    let e = error_of(&GOOD.replace("4,2025-04-02,us,tariffs", "3,2025-03-02,us,tariffs"));
    assert_eq!(e.message, "second value for `us.tariffs` in round 3 (first on line 8)");
    let e = error_of(&GOOD.replace("0,2025-01-20,us,controls,0,start\n", ""));
    assert_eq!(e.message, "no starting value (round 0) for `us.controls`");
    let e = error_of(&GOOD.replace("3,2025-03-10", "3,2025-04-10"));
    assert_eq!(e.line, Some(7));
    assert!(e.message.starts_with("date 2025-04-10 is not in the month of round 3 (line 6 puts round 1 in Jan 2025)"));
    let e = error_of(&GOOD.replace(",cut", ","));
    assert_eq!((e.line, e.message.as_str()), (Some(9), "source is empty"));
    let e = error_of(&GOOD.replace("4,2025-04-02", "x,2025-04-02"));
    assert_eq!(e.line, Some(9));
    let e = error_of(&GOOD.replace("4,2025-04-02", "4,April"));
    assert_eq!(e.message, "date must be YYYY-MM-DD or YYYY-MM, got `April`");
}

#[test]
fn a_bad_header_is_refused() {
    let e = error_of(&GOOD.replace("value,source", "level,source"));
    assert_eq!((e.line, e.message.as_str()), (Some(2), "missing column `value`"));
    let e = error_of(&GOOD.replace("value,source", "value,source,note"));
    assert_eq!(e.message, "unknown column `note`");
    let e = error_of("round,date,side,lever,value,source\n");
    assert!(e.message.contains("no rounds"));
}

#[test]
fn the_start_must_match_the_scenario_for_a_backtest() {
    let h = parse_str(GOOD).unwrap();
    h.check_start(&sc()).unwrap();
    let h = parse_str(&GOOD.replace("0,2025-01-20,us,tariffs,20", "0,2025-01-20,us,tariffs,30")).unwrap();
    let e = h.check_start(&sc()).unwrap_err();
    assert_eq!(e.line, Some(3));
    assert_eq!(e.message, "`us.tariffs` starts at 30 in the history but at 20 in scenario `s`");
}

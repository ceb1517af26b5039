use std::path::Path;

use proptest::prelude::*;

use super::*;
use crate::error::ReportError;
use crate::montecarlo::RunMeta;
use crate::report::{Estimate, EventMark, INDEX_SERIES, Report, SummaryRow, TrajectoryRow};

/// A hand-made report: `rounds` rounds, the four outcome shares in order, and
/// scheduled events; two sides whose index rises and settles.
fn sample_report(rounds: u32, shares: [f64; 4], events: &[(u32, &str)]) -> Report {
    let runs = 10_000u64;
    let row = |slot: Slot, share: f64| {
        let k = (share * runs as f64).round() as u64;
        let (ci_low, ci_high) = crate::stats::wilson(k, runs, crate::stats::Z95);
        let est = Estimate { mean: Some(1.0), ci_low: Some(0.9), ci_high: Some(1.1) };
        SummaryRow {
            slot,
            runs: k,
            share,
            ci_low,
            ci_high,
            welfare: vec![est, est],
            payoff: vec![est, est],
            peak: vec![Some(0.5), Some(0.5)],
            final_index: vec![Some(0.4), Some(0.4)],
            exchanges: Some(3.0),
            rounds_to_detente: None,
            spread: None,
        }
    };
    let mut summary: Vec<SummaryRow> =
        crate::outcome::Outcome::ALL.iter().zip(shares).map(|(&o, share)| row(Slot::Outcome(o), share)).collect();
    summary.push(row(Slot::All, 1.0));

    let sides = ["us", "cn"];
    let mut trajectory = Vec::new();
    for t in 0..=rounds {
        let f = t as f64 / rounds.max(1) as f64;
        for (i, side) in sides.iter().enumerate() {
            // Side 0 escalates and partly relaxes; side 1 follows, lower.
            let base = if i == 0 { 0.8 * (1.0 - (-6.0 * f).exp()) * (1.0 - 0.4 * f) } else { 0.55 * f.powf(0.7) };
            let q = |x: f64| (x.clamp(0.0, 1.0) * 12.0).round() / 12.0;
            trajectory.push(TrajectoryRow {
                round: t,
                side: side.to_string(),
                series: INDEX_SERIES.to_string(),
                unit: "0-1".to_string(),
                mean: (base + 0.03).clamp(0.0, 1.0),
                p10: q(base - 0.25),
                p50: q(base),
                p90: q(base + 0.3),
            });
        }
    }
    Report {
        meta: RunMeta {
            scenario: "US–China trade war 2025 (Busan truce)".to_string(),
            scenario_id: "us-china-2025".to_string(),
            runs,
            seed: 2025,
            rounds,
            round_unit: "month".to_string(),
            welfare_unit: "$bn".to_string(),
            sides: sides.iter().map(|s| s.to_string()).collect(),
            side_labels: vec!["United States".to_string(), "China".to_string()],
        },
        strategies: vec!["tit-for-tat".to_string(), "generous TFT (forgives 10%)".to_string()],
        summary,
        concessions: Vec::new(),
        truces: Vec::new(),
        window: 6,
        calendar: None,
        trajectory,
        events: events.iter().map(|&(round, label)| EventMark { round, label: label.to_string() }).collect(),
    }
}

const EVENTS_24: [(u32, &str); 3] =
    [(12, "Busan truce"), (13, "Port fees suspended"), (19, "Rare-earth controls lapse (renewed w.p. 0.5)")];

/// The caption of a hand-made report: its scenario name as the title.
fn caption_of(report: &Report) -> crate::report::Caption {
    crate::report::Caption::titled(&report.meta.scenario)
}

/// Write a rendered chart to `path` (the tests look at files).
fn save(path: &Path, rendered: Result<Vec<u8>, String>) {
    std::fs::write(path, rendered.unwrap()).unwrap();
}

fn png_size(path: &Path) -> (u32, u32) {
    let decoder = png::Decoder::new(std::fs::File::open(path).unwrap());
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size()];
    let frame = reader.next_frame(&mut buf).unwrap();
    assert_eq!(frame.color_type, png::ColorType::Rgb);
    (frame.width, frame.height)
}

#[test]
fn charts_render_as_png_and_svg() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        ("r24", sample_report(24, [0.62, 0.25, 0.03, 0.10], &EVENTS_24)),
        ("r200", sample_report(200, [1.0, 0.0, 0.0, 0.0], &[])),
    ];
    for (name, report) in &cases {
        let png_paths =
            [dir.path().join(format!("outcomes-{name}.png")), dir.path().join(format!("trajectory-{name}.png"))];
        let svg_paths =
            [dir.path().join(format!("outcomes-{name}.svg")), dir.path().join(format!("trajectory-{name}.svg"))];
        save(&png_paths[0], outcomes_chart(report, &caption_of(report), Format::Png));
        save(&png_paths[1], trajectory_chart(report, &caption_of(report), Format::Png));
        save(&svg_paths[0], outcomes_chart(report, &caption_of(report), Format::Svg));
        save(&svg_paths[1], trajectory_chart(report, &caption_of(report), Format::Svg));
        for path in &png_paths {
            assert_eq!(png_size(path), SIZE, "{}", path.display());
        }
        for path in &svg_paths {
            let svg = std::fs::read_to_string(path).unwrap();
            assert!(svg.starts_with("<svg"), "{}", path.display());
            assert!(svg.contains(&report.meta.scenario), "{} lacks the title", path.display());
        }
        let outcomes = std::fs::read_to_string(&svg_paths[0]).unwrap();
        for text in ["détente", "share of runs (%)", "Wilson 95%", "tit-for-tat"] {
            assert!(outcomes.contains(text), "outcomes chart lacks {text:?}");
        }
        let trajectory = std::fs::read_to_string(&svg_paths[1]).unwrap();
        for text in ["United States", "China", "months (0 = start)", "escalation index"] {
            assert!(trajectory.contains(text), "trajectory chart lacks {text:?}");
        }
    }
    let svg = std::fs::read_to_string(dir.path().join("trajectory-r24.svg")).unwrap();
    for (_, label) in EVENTS_24 {
        assert!(svg.contains(label), "event label {label:?} missing");
    }
    let zero = std::fs::read_to_string(dir.path().join("outcomes-r200.svg")).unwrap();
    assert_eq!(zero.matches(">\n0%\n<").count(), 3, "each empty outcome shows 0%");
}

#[test]
fn rendering_is_deterministic() {
    let dir = tempfile::tempdir().unwrap();
    let report = sample_report(24, [0.62, 0.25, 0.03, 0.10], &EVENTS_24);
    let (a, b) = (dir.path().join("a.png"), dir.path().join("b.png"));
    save(&a, trajectory_chart(&report, &caption_of(&report), Format::Png));
    save(&b, trajectory_chart(&report, &caption_of(&report), Format::Png));
    assert_eq!(std::fs::read(a).unwrap(), std::fs::read(b).unwrap());
}

#[test]
fn degenerate_reports_still_render() {
    let dir = tempfile::tempdir().unwrap();
    let mut report = sample_report(0, [0.0; 4], &[(0, "start"), (5, "beyond the last round")]);
    report.meta.runs = 0;
    save(&dir.path().join("t.png"), trajectory_chart(&report, &caption_of(&report), Format::Png));
    report.summary.clear();
    report.trajectory.clear();
    save(&dir.path().join("o.png"), outcomes_chart(&report, &caption_of(&report), Format::Png));
    save(&dir.path().join("t.svg"), trajectory_chart(&report, &caption_of(&report), Format::Svg));
}

#[test]
fn unwritable_path_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let report = sample_report(24, [0.62, 0.25, 0.03, 0.10], &EVENTS_24);
    let missing = dir.path().join("no-such-dir").join("chart.png");
    let bytes = outcomes_chart(&report, &caption_of(&report), Format::Png).unwrap();
    let err = crate::report::write_atomic(&missing, &bytes).unwrap_err();
    assert!(matches!(&err, ReportError::Io { path, .. } if *path == missing), "{err}");
    // A directory in the way of the file.
    assert!(crate::report::write_atomic(dir.path(), &bytes).is_err());
}

#[test]
fn percentages_never_round_to_a_misleading_value() {
    let cases = [
        (0.0, "0%"),
        (1.0, "100%"),
        (0.62, "62.0%"),
        (0.123, "12.3%"),
        (0.0004, "<0.1%"),
        (0.9996, ">99.9%"),
        (0.03, "3.0%"),
    ];
    for (share, expected) in cases {
        assert_eq!(percent(share), expected, "share {share}");
    }
}

#[test]
fn counts_are_grouped_and_pluralised() {
    assert_eq!(count(1, "run"), "1 run");
    assert_eq!(count(0, "month"), "0 months");
    assert_eq!(count(10_000, "run"), "10,000 runs");
    assert_eq!(count(1_234_567, "run"), "1,234,567 runs");
}

#[test]
fn events_keep_their_own_labels_and_late_ones_are_dropped() {
    let report = sample_report(24, [0.25; 4], &[(13, "b"), (12, "a"), (13, "c"), (13, "c"), (30, "late")]);
    assert_eq!(merged_events(&report), vec![(12, "a".to_string()), (13, "b".to_string()), (13, "c".to_string())]);
}

/// 8 px per character.
fn fake_measure(s: &str) -> Result<i32, String> {
    Ok(8 * s.chars().count() as i32)
}

#[test]
fn close_events_are_staggered() {
    // Rounds 12 and 13 of 24 on a 1000 px plot: 42 px apart.
    let marks = [(600, "Busan truce"), (642, "Port fees suspended")];
    let (labels, numbered) = layout_labels(&marks, (0, 1100), 1000, &fake_measure, &fake_measure).unwrap();
    assert!(!numbered);
    let lanes: Vec<usize> = labels.iter().map(|l| l.as_ref().unwrap().lane).collect();
    assert_eq!(lanes, [0, 1]);
    assert_eq!(labels[1].as_ref().unwrap().text, "Port fees suspended");
}

#[test]
fn a_label_at_the_right_edge_goes_left_of_its_line_above_the_lines_it_spans() {
    let marks = [(600, "a"), (640, "b"), (1090, "a long label that cannot go right")];
    let (labels, numbered) = layout_labels(&marks, (0, 1100), 1000, &fake_measure, &fake_measure).unwrap();
    assert!(!numbered);
    let last = labels[2].as_ref().unwrap();
    assert_eq!(last.left + fake_measure(&last.text).unwrap(), 1090 - LABEL_PAD);
    assert_eq!(last.lane, 0);
}

#[test]
fn crowded_events_are_numbered_and_keyed() {
    let marks: Vec<(i32, &str)> = (0..12).map(|i| (40 * i, "a fairly long event label")).collect();
    let (labels, numbered) = layout_labels(&marks, (0, 1000), 1000, &fake_measure, &fake_measure).unwrap();
    assert!(numbered);
    let texts: Vec<&str> = labels.iter().map(|l| l.as_ref().unwrap().text.as_str()).collect();
    assert_eq!(texts, ["1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12"]);

    let key = layout_key(&["abc", "defgh", "ij"], 140, &fake_measure, &fake_measure).unwrap();
    // "1" + gap + "abc" = 38 px, then a 24 px gap: "2 defgh" ends at 62 + 54 = 116; "3 ij" wraps.
    let at: Vec<(usize, i32)> = key.iter().map(|k| (k.line, k.x)).collect();
    assert_eq!(at, [(0, 0), (0, 62), (1, 0)]);
    let cut = layout_key(&["a label far wider than the key"], 100, &fake_measure, &fake_measure).unwrap();
    assert!(cut[0].text.ends_with('…') && 8 + KEY_NUMBER_GAP + fake_measure(&cut[0].text).unwrap() <= 100);
}

proptest! {
    /// Whatever the events, placed labels stay in bounds, never overlap in a
    /// lane and are never crossed by another event's line (labels of one
    /// line share it).
    #[test]
    fn stacked_labels_neither_overlap_nor_cross(
        mut marks in prop::collection::vec((0i32..1000, 5i32..400), 0..12),
    ) {
        marks.sort();
        let bounds = (0, 1000);
        let placed = stack_labels(&marks, bounds);
        let slots: Vec<(usize, i32, i32, i32)> = marks
            .iter()
            .zip(&placed)
            .filter_map(|(&(line, width), p)| p.map(|(lane, left)| (lane, left, left + width, line)))
            .collect();
        for &(lane, left, right, line) in &slots {
            prop_assert!(lane < MAX_LANES);
            prop_assert!(left >= bounds.0 && (right <= bounds.1 || left == bounds.0));
            prop_assert!(left == line + LABEL_PAD || right == line - LABEL_PAD || left == bounds.0);
        }
        for (i, a) in slots.iter().enumerate() {
            for b in &slots[i + 1..] {
                if a.0 == b.0 {
                    prop_assert!(a.2 + LABEL_GAP <= b.1 || b.2 + LABEL_GAP <= a.1, "{a:?} overlaps {b:?}");
                }
                let (upper, lower) = if a.0 < b.0 { (a, b) } else { (b, a) };
                if upper.0 < lower.0 && upper.3 != lower.3 {
                    prop_assert!(upper.3 < lower.1 - LABEL_GAP || upper.3 > lower.2 + LABEL_GAP, "{upper:?} crosses {lower:?}");
                }
            }
        }
    }
}

#[test]
#[ignore = "writes sample charts for visual review to $CHART_SAMPLES (default: a folder in the temp dir)"]
fn render_samples() {
    let dir = std::env::var_os("CHART_SAMPLES")
        .map_or_else(|| std::env::temp_dir().join("tradewar-charts"), std::path::PathBuf::from);
    std::fs::create_dir_all(&dir).unwrap();
    let r24 = sample_report(24, [0.62, 0.25, 0.03, 0.10], &EVENTS_24);
    let r200 = sample_report(200, [1.0, 0.0, 0.0, 0.0], &[]);
    let crowded_events = [
        (0, "Liberation Day tariffs announced at the Rose Garden"),
        (2, "Geneva pause"),
        (3, "London framework"),
        (3, "Rare-earth licences resume"),
        (5, "Stockholm talks"),
        (6, "Port fees on Chinese-built ships take effect"),
        (7, "Export-control 50% affiliates rule"),
        (8, "Busan truce"),
        (10, "Soybean purchases resume"),
        (22, "Truce lapses (renewed w.p. 0.7)"),
        (24, "End of horizon"),
    ];
    let mut crowded = sample_report(24, [0.004, 0.0004, 0.9996, 0.0], &crowded_events);
    crowded.meta.scenario = "An unreasonably long scenario name that goes on and on about tariffs, soybeans, rare earths, export controls and port fees".into();
    for (name, r) in [("r24", &r24), ("r200", &r200), ("crowded", &crowded)] {
        for (ext, format) in [("png", Format::Png), ("svg", Format::Svg)] {
            save(&dir.join(format!("outcomes-{name}.{ext}")), outcomes_chart(r, &caption_of(r), format));
            save(&dir.join(format!("trajectory-{name}.{ext}")), trajectory_chart(r, &caption_of(r), format));
        }
    }
}

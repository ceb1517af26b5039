/*!
Charts of a [`Report`], as PNG or SVG: the outcome shares ([`outcomes_chart`])
and each side's escalation index over the rounds ([`trajectory_chart`]).

Both are drawn from the same rows the CSV writes. Text goes through plotters'
pure-Rust `ab_glyph` path, which knows no font until one is registered: DejaVu
Sans (regular and bold) is embedded and registered once, before any drawing.
A chart is rendered in memory (PNG encoded with `png`, SVG as a string) and
written with [`write_atomic`], so a failed render never leaves a partial file.

The layout is computed rather than left to plotters' defaults where text could
collide: titles shrink (then truncate) to fit the width, the legend sits above
the plot so it never hides data, and event labels are stacked in lanes above
the plot so that neither labels nor their leader lines cross one another.
*/

use std::path::Path;
use std::sync::OnceLock;

use plotters::coord::Shift;
use plotters::coord::ranged1d::BindKeyPoints;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::{FontStyle, register_font};

use super::{INDEX_SERIES, Report, SummaryRow, TrajectoryRow, write_atomic};
use crate::error::ReportError;

/// File format of a chart.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Png,
    Svg,
}

/// Bar chart of outcome shares (the four outcomes, not the `all` row) with
/// Wilson 95% whiskers and the share printed on each bar as a percentage;
/// title names the scenario, and a subtitle/caption gives runs, seed and the
/// two strategies.
pub fn outcomes_chart(report: &Report, path: &Path, format: Format) -> Result<(), ReportError> {
    render(Kind::Outcomes, report, path, format)
}

/// Fan chart of each side's escalation index over rounds: median line and
/// shaded p10–p90 band per side, the mean as a dashed line, scheduled events
/// as labelled vertical dashed lines.
pub fn trajectory_chart(report: &Report, path: &Path, format: Format) -> Result<(), ReportError> {
    render(Kind::Trajectory, report, path, format)
}

// ---------------------------------------------------------------------------
// Rendering and fonts

/// Size of every chart, in pixels.
const SIZE: (u32, u32) = (1200, 700);

static DEJAVU_SANS: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
static DEJAVU_SANS_BOLD: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans-Bold.ttf");

#[derive(Clone, Copy)]
enum Kind {
    Outcomes,
    Trajectory,
}

fn render(kind: Kind, report: &Report, path: &Path, format: Format) -> Result<(), ReportError> {
    let chart_error = |message: String| ReportError::Chart { path: path.to_path_buf(), message };
    register_fonts().map_err(chart_error)?;
    let bytes = match format {
        Format::Png => {
            let mut rgb = vec![0u8; SIZE.0 as usize * SIZE.1 as usize * 3];
            {
                let root = BitMapBackend::with_buffer(&mut rgb, SIZE).into_drawing_area();
                draw(kind, report, &root).map_err(chart_error)?;
                root.present().map_err(|e| chart_error(e.to_string()))?;
            }
            encode_png(&rgb, SIZE).map_err(chart_error)?
        }
        Format::Svg => {
            let mut svg = String::new();
            {
                let root = SVGBackend::with_string(&mut svg, SIZE).into_drawing_area();
                draw(kind, report, &root).map_err(chart_error)?;
                root.present().map_err(|e| chart_error(e.to_string()))?;
            }
            svg.into_bytes()
        }
    };
    write_atomic(path, &bytes)
}

fn draw<DB: DrawingBackend>(kind: Kind, report: &Report, root: &DrawingArea<DB, Shift>) -> Result<(), String> {
    root.fill(&WHITE).map_err(fail)?;
    match kind {
        Kind::Outcomes => draw_outcomes(report, root),
        Kind::Trajectory => draw_trajectory(report, root),
    }
}

/// Register the embedded fonts under plotters' `sans-serif` family, once.
fn register_fonts() -> Result<(), String> {
    static REGISTERED: OnceLock<bool> = OnceLock::new();
    let ok = *REGISTERED.get_or_init(|| {
        register_font("sans-serif", FontStyle::Normal, DEJAVU_SANS).is_ok()
            && register_font("sans-serif", FontStyle::Bold, DEJAVU_SANS_BOLD).is_ok()
    });
    if ok { Ok(()) } else { Err("the embedded DejaVu Sans font is invalid".to_string()) }
}

fn encode_png(rgb: &[u8], (width, height): (u32, u32)) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, width, height);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header().map_err(|e| e.to_string())?;
    writer.write_image_data(rgb).map_err(|e| e.to_string())?;
    writer.finish().map_err(|e| e.to_string())?;
    Ok(out)
}

/// plotters' errors are generic over the backend; keep their message.
fn fail<E: std::error::Error + Send + Sync>(e: DrawingAreaErrorKind<E>) -> String {
    e.to_string()
}

// ---------------------------------------------------------------------------
// Style

const INK: RGBColor = RGBColor(33, 33, 33);
const MUTED: RGBColor = RGBColor(90, 90, 90);
const GRID: RGBColor = RGBColor(225, 225, 225);
/// Okabe–Ito blue, orange, bluish green and vermillion: told apart by
/// colour-blind readers, and (the first two) in greyscale.
const SIDE_COLOURS: [RGBColor; 4] =
    [RGBColor(0, 114, 178), RGBColor(230, 159, 0), RGBColor(0, 158, 115), RGBColor(213, 94, 0)];
/// Opacity of a p10–p90 band.
const BAND_ALPHA: f64 = 0.2;

const MARGIN: i32 = 28;
const TITLE_PX: f64 = 28.0;
const SUBTITLE_PX: f64 = 18.0;
const AXIS_PX: f64 = 20.0;
const TICK_PX: f64 = 16.0;
const LEGEND_PX: f64 = 17.0;
const EVENT_PX: f64 = 16.0;

fn text(size: f64, style: FontStyle, colour: &RGBColor) -> TextStyle<'static> {
    FontDesc::new(FontFamily::SansSerif, size, style).color(colour)
}

fn side_colour(side: usize) -> RGBColor {
    SIDE_COLOURS[side % SIDE_COLOURS.len()]
}

/// One colour per outcome, each with a different lightness so that the bars
/// stay distinct in greyscale (red darkest, then purple, green, grey).
fn outcome_colour(outcome: &str) -> RGBColor {
    match outcome {
        "detente" => RGBColor(102, 189, 99),
        "vicious_cycle" => RGBColor(202, 0, 32),
        "coercion" => RGBColor(136, 86, 167),
        _ => RGBColor(189, 189, 189),
    }
}

/// Width of `s` in pixels when drawn in `style`.
fn text_width(s: &str, style: &TextStyle) -> Result<i32, String> {
    let (w, _) = style.font.box_size(s).map_err(|e| e.to_string())?;
    Ok(i32::try_from(w).unwrap_or(i32::MAX))
}

/// `s`, cut at a character boundary and ended with `…` if it is wider than `max_width`.
fn truncate_to_fit(s: &str, style: &TextStyle, max_width: i32) -> Result<String, String> {
    if text_width(s, style)? <= max_width {
        return Ok(s.to_string());
    }
    let mut chars: Vec<char> = s.chars().collect();
    while !chars.is_empty() {
        chars.pop();
        let candidate = format!("{}…", chars.iter().collect::<String>().trim_end());
        if text_width(&candidate, style)? <= max_width {
            return Ok(candidate);
        }
    }
    Ok("…".to_string())
}

/// Draw `s` left-aligned at `(x, y)` (top edge), shrinking the font down to
/// 75% of its size and then truncating so it fits in `max_width`.
fn draw_fitted<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    s: &str,
    style: &TextStyle,
    (x, y): (i32, i32),
    max_width: i32,
) -> Result<(), String> {
    let size = style.font.get_size();
    let mut fitted = style.clone();
    while text_width(s, &fitted)? > max_width && fitted.font.get_size() > 0.75 * size {
        fitted.font = fitted.font.resize(fitted.font.get_size() - 1.0);
    }
    let s = truncate_to_fit(s, &fitted, max_width)?;
    area.draw(&Text::new(s, (x, y), fitted.pos(Pos::new(HPos::Left, VPos::Top)))).map_err(fail)
}

/// The title and subtitle lines at the top left; returns the y below them.
fn draw_header<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    title: &str,
    subtitles: &[String],
) -> Result<i32, String> {
    let width = root.dim_in_pixel().0 as i32 - 2 * MARGIN;
    let mut y = MARGIN - 6;
    draw_fitted(root, title, &text(TITLE_PX, FontStyle::Bold, &INK), (MARGIN, y), width)?;
    y += 40;
    for line in subtitles {
        draw_fitted(root, line, &text(SUBTITLE_PX, FontStyle::Normal, &MUTED), (MARGIN, y), width)?;
        y += 26;
    }
    Ok(y)
}

/// "seed 7 · 24 months · United States: tit-for-tat vs China: grudger".
fn setup_line(report: &Report) -> String {
    let strategies: Vec<String> =
        report.side_labels.iter().zip(&report.strategies).map(|(side, s)| format!("{side}: {s}")).collect();
    format!(
        "seed {} · {} · {}",
        report.seed,
        count(u64::from(report.rounds), &report.round_unit),
        strategies.join(" vs ")
    )
}

/// "1 run", "10,000 runs".
fn count(n: u64, unit: &str) -> String {
    let digits = n.to_string();
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    if n == 1 { format!("{grouped} {unit}") } else { format!("{grouped} {unit}s") }
}

/// A share in [0, 1] as a percentage with at most one decimal, never
/// rounding a nonzero share to "0%" or a partial one to "100%".
fn percent(share: f64) -> String {
    let p = share * 100.0;
    if p <= 0.0 {
        "0%".to_string()
    } else if p < 0.05 {
        "<0.1%".to_string()
    } else if p >= 100.0 {
        "100%".to_string()
    } else if p >= 99.95 {
        ">99.9%".to_string()
    } else {
        let s = format!("{p:.1}");
        format!("{}%", s.strip_suffix(".0").unwrap_or(&s))
    }
}

// ---------------------------------------------------------------------------
// Outcome shares

fn draw_outcomes<DB: DrawingBackend>(report: &Report, root: &DrawingArea<DB, Shift>) -> Result<(), String> {
    let rows: Vec<&SummaryRow> = report.summary.iter().filter(|r| r.outcome != "all").collect();
    let top = draw_header(
        root,
        &report.scenario,
        &[
            format!(
                "Share of {} ending in each outcome; whiskers show the Wilson 95% interval",
                count(report.runs, "run")
            ),
            setup_line(report),
        ],
    )?;
    let (_, body) = root.split_vertically(top);

    let n = rows.len().max(1) as f64;
    let x_keys: Vec<f64> = (0..rows.len()).map(|i| i as f64).collect();
    // Headroom above 100% for the label of a bar that reaches the top.
    let y_keys = vec![0.0, 20.0, 40.0, 60.0, 80.0, 100.0];
    let mut chart = ChartBuilder::on(&body)
        .margin_left(MARGIN)
        .margin_right(MARGIN)
        .margin_top(4)
        .margin_bottom(MARGIN - 8)
        .x_label_area_size(44)
        .y_label_area_size(80)
        .build_cartesian_2d((-0.5..n - 0.5).with_key_points(x_keys), (0.0..109.0).with_key_points(y_keys))
        .map_err(fail)?;

    let x_label = |x: &f64| rows.get(x.round() as usize).map_or(String::new(), |r| r.title.to_string());
    chart
        .configure_mesh()
        .disable_x_mesh()
        .bold_line_style(GRID)
        .light_line_style(TRANSPARENT)
        .axis_style(TRANSPARENT)
        .set_all_tick_mark_size(0)
        .x_label_formatter(&x_label)
        .y_label_formatter(&|y| format!("{y:.0}"))
        .x_label_style(text(18.0, FontStyle::Normal, &INK))
        .y_label_style(text(TICK_PX, FontStyle::Normal, &INK))
        .y_desc("share of runs (%)")
        .axis_desc_style(text(AXIS_PX, FontStyle::Normal, &INK))
        .draw()
        .map_err(fail)?;

    const HALF_BAR: f64 = 0.28;
    const HALF_CAP: f64 = 0.05;
    let label_style = text(20.0, FontStyle::Bold, &INK).pos(Pos::new(HPos::Center, VPos::Bottom));
    for (i, row) in rows.iter().enumerate() {
        let x = i as f64;
        let (share, lo, hi) = (100.0 * row.share, 100.0 * row.ci_low, 100.0 * row.ci_high);
        chart
            .draw_series([Rectangle::new([(x - HALF_BAR, 0.0), (x + HALF_BAR, share)], outcome_colour(row.outcome).filled())])
            .map_err(fail)?;
        let whisker = INK.stroke_width(2);
        chart
            .draw_series([
                PathElement::new(vec![(x, lo), (x, hi)], whisker),
                PathElement::new(vec![(x - HALF_CAP, lo), (x + HALF_CAP, lo)], whisker),
                PathElement::new(vec![(x - HALF_CAP, hi), (x + HALF_CAP, hi)], whisker),
            ])
            .map_err(fail)?;
        let label = EmptyElement::at((x, share.max(hi))) + Text::new(percent(row.share), (0, -8), label_style.clone());
        chart.draw_series([label]).map_err(fail)?;
    }
    chart.draw_series([PathElement::new(vec![(-0.5, 0.0), (n - 0.5, 0.0)], INK.stroke_width(1))]).map_err(fail)?;
    Ok(())
}

// ---------------------------------------------------------------------------
// Escalation trajectories

/// Height of one lane of event labels above the plot.
const LANE_PX: i32 = 24;
/// At most this many lanes; beyond it labels are shortened, then dropped.
const MAX_LANES: usize = 4;
/// Gap between an event line and its label, and between labels.
const LABEL_PAD: i32 = 5;
const LABEL_GAP: i32 = 12;

fn draw_trajectory<DB: DrawingBackend>(report: &Report, root: &DrawingArea<DB, Shift>) -> Result<(), String> {
    let top = draw_header(
        root,
        &report.scenario,
        &[
            format!(
                "Escalation index per {} across {}: median, 10th–90th percentile of runs and mean",
                report.round_unit,
                count(report.runs, "run")
            ),
            setup_line(report),
        ],
    )?;
    let top = draw_legend(root, report, top + 4)?;

    let x_end = report.rounds.max(1);
    let build = |area| {
        ChartBuilder::on(area)
            .margin_left(MARGIN)
            .margin_right(MARGIN)
            .margin_top(10)
            .margin_bottom(MARGIN - 12)
            .x_label_area_size(64)
            .y_label_area_size(100)
            .build_cartesian_2d(0..x_end, 0.0..1.0)
            .map_err(fail)
    };

    // Lay out the event labels on the x scale the plot will have (it does not
    // depend on the plot's height), then give the plot what is left.
    let label_style = text(EVENT_PX, FontStyle::Normal, &MUTED);
    let events = merged_events(report);
    let labels = {
        let (_, probe_area) = root.split_vertically(top);
        let probe = build(&probe_area)?;
        let (xs, _) = probe.plotting_area().get_pixel_range();
        let marks: Vec<(i32, &str)> =
            events.iter().map(|(round, label)| (probe.backend_coord(&(*round, 0.0)).0, label.as_str())).collect();
        let bounds = (MARGIN, root.dim_in_pixel().0 as i32 - MARGIN);
        layout_labels(&marks, bounds, xs.end - xs.start, &|s| text_width(s, &label_style))?
    };
    let lanes = labels.iter().filter_map(|l| l.as_ref().map(|l| l.lane + 1)).max().unwrap_or(0);
    let strip_top = top;
    let (_, body) = root.split_vertically(top + lanes as i32 * LANE_PX);
    let mut chart = build(&body)?;

    let unit_plural = format!("{}s", report.round_unit);
    chart
        .configure_mesh()
        .bold_line_style(GRID)
        .light_line_style(TRANSPARENT)
        .axis_style(MUTED)
        .x_labels(13)
        .y_labels(6)
        .y_label_formatter(&|y| format!("{y:.1}"))
        .x_label_style(text(TICK_PX, FontStyle::Normal, &INK))
        .y_label_style(text(TICK_PX, FontStyle::Normal, &INK))
        .x_desc(format!("{unit_plural} (0 = start)"))
        .axis_desc_style(text(AXIS_PX, FontStyle::Normal, &INK))
        .draw()
        .map_err(fail)?;

    let series: Vec<Vec<&TrajectoryRow>> = report
        .sides
        .iter()
        .map(|side| report.trajectory.iter().filter(|r| r.series == INDEX_SERIES && &r.side == side).collect())
        .collect();
    for (i, rows) in series.iter().enumerate() {
        let band: Vec<(u32, f64)> =
            rows.iter().map(|r| (r.round, r.p90)).chain(rows.iter().rev().map(|r| (r.round, r.p10))).collect();
        chart.draw_series([Polygon::new(band, side_colour(i).mix(BAND_ALPHA).filled())]).map_err(fail)?;
    }

    // Event lines run from the x axis up to their label.
    let (_, plot_ys) = chart.plotting_area().get_pixel_range();
    for ((round, _), placed) in events.iter().zip(&labels) {
        let (x, bottom) = chart.backend_coord(&(*round, 0.0));
        let top = match placed {
            Some(l) => strip_top + l.lane as i32 * LANE_PX + LANE_PX / 2,
            None => plot_ys.start,
        };
        root.draw(&DashedPathElement::new(vec![(x, bottom), (x, top)], 6, 4, MUTED.stroke_width(1))).map_err(fail)?;
        if let Some(l) = placed {
            let at = (l.left, strip_top + l.lane as i32 * LANE_PX + LANE_PX / 2);
            root.draw(&Text::new(l.text.clone(), at, label_style.pos(Pos::new(HPos::Left, VPos::Center))))
                .map_err(fail)?;
        }
    }

    for (i, rows) in series.iter().enumerate() {
        let colour = side_colour(i);
        chart
            .draw_series(DashedLineSeries::new(rows.iter().map(|r| (r.round, r.mean)), 7, 5, colour.stroke_width(2)))
            .map_err(fail)?;
        chart.draw_series(LineSeries::new(rows.iter().map(|r| (r.round, r.p50)), colour.stroke_width(3))).map_err(fail)?;
    }

    // The y axis title, rotated, on two lines so that it fits the plot's height.
    let y_mid = (plot_ys.start + plot_ys.end) / 2;
    let rotated = |size| {
        text(size, FontStyle::Normal, &INK).transform(FontTransform::Rotate270).pos(Pos::new(HPos::Center, VPos::Center))
    };
    root.draw(&Text::new("escalation index", (MARGIN + 10, y_mid), rotated(AXIS_PX))).map_err(fail)?;
    root.draw(&Text::new("(0 = none, 1 = every lever at the top)", (MARGIN + 34, y_mid), rotated(TICK_PX)))
        .map_err(fail)?;
    Ok(())
}

/// The key above the plot: a swatch per side, then how to read the lines and
/// bands. Returns the y below it.
fn draw_legend<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, report: &Report, y: i32) -> Result<i32, String> {
    const SWATCH: i32 = 30;
    let style = text(LEGEND_PX, FontStyle::Normal, &INK).pos(Pos::new(HPos::Left, VPos::Center));
    let mid = y + 12;
    let mut x = MARGIN;
    let mut entry = |swatch: &dyn Fn(i32) -> Result<(), String>, label: &str, x: &mut i32| -> Result<(), String> {
        swatch(*x)?;
        root.draw(&Text::new(label.to_string(), (*x + SWATCH + 8, mid), style.clone())).map_err(fail)?;
        *x += SWATCH + 8 + text_width(label, &style)? + 28;
        Ok(())
    };
    let band = |x: i32, colour: RGBColor| {
        root.draw(&Rectangle::new([(x, mid - 8), (x + SWATCH, mid + 8)], colour.mix(BAND_ALPHA).filled())).map_err(fail)
    };
    let line = |x: i32, colour: RGBColor| {
        root.draw(&PathElement::new(vec![(x, mid), (x + SWATCH, mid)], colour.stroke_width(3))).map_err(fail)
    };
    for (i, label) in report.side_labels.iter().enumerate() {
        let colour = side_colour(i);
        entry(&|x| band(x, colour).and_then(|()| line(x, colour)), label, &mut x)?;
    }
    x += 12;
    entry(&|x| line(x, MUTED), "median", &mut x)?;
    entry(&|x| band(x, MUTED), "10th–90th percentile", &mut x)?;
    entry(
        &|x| {
            root.draw(&DashedPathElement::new(vec![(x, mid), (x + SWATCH, mid)], 7, 5, MUTED.stroke_width(2)))
                .map_err(fail)
        },
        "mean",
        &mut x,
    )?;
    Ok(y + 28)
}

/// Events within the plotted rounds, one per round (labels of events in the
/// same round joined), in round order.
fn merged_events(report: &Report) -> Vec<(u32, String)> {
    let mut merged: Vec<(u32, String)> = Vec::new();
    for mark in report.events.iter().filter(|m| m.round <= report.rounds) {
        match merged.iter_mut().find(|(round, _)| *round == mark.round) {
            Some((_, label)) => {
                label.push_str("; ");
                label.push_str(&mark.label);
            }
            None => merged.push((mark.round, mark.label.clone())),
        }
    }
    merged.sort_by_key(|(round, _)| *round);
    merged
}

/// An event label placed in the strip above the plot.
#[derive(Clone, Debug, PartialEq)]
struct PlacedLabel {
    /// 0 is the top lane, farthest from the plot.
    lane: usize,
    /// Left edge of the text, in pixels.
    left: i32,
    text: String,
}

/// Place event labels (line x in pixels, text) in lanes above the plot, within
/// `bounds` (left and right pixel limits). Labels that do not fit in
/// [`MAX_LANES`] lanes at full width are shortened, down to a fifth of the
/// plot width (`plot_width`); any that still do not fit are left out (`None`).
fn layout_labels(
    marks: &[(i32, &str)],
    bounds: (i32, i32),
    plot_width: i32,
    measure: &dyn Fn(&str) -> Result<i32, String>,
) -> Result<Vec<Option<PlacedLabel>>, String> {
    let ellipsis = |s: &str, max: i32| -> Result<String, String> {
        if measure(s)? <= max {
            return Ok(s.to_string());
        }
        let mut chars: Vec<char> = s.chars().collect();
        while chars.pop().is_some() {
            let candidate = format!("{}…", chars.iter().collect::<String>().trim_end());
            if measure(&candidate)? <= max {
                return Ok(candidate);
            }
        }
        Ok("…".to_string())
    };
    let min_width = (plot_width / 5).max(1);
    let mut max_width = plot_width.max(1);
    loop {
        let mut texts = Vec::with_capacity(marks.len());
        for (_, s) in marks {
            let t = ellipsis(s, max_width)?;
            let w = measure(&t)?;
            texts.push((t, w));
        }
        let lanes = stack_labels(&marks.iter().zip(&texts).map(|((x, _), (_, w))| (*x, *w)).collect::<Vec<_>>(), bounds);
        let fits = lanes.iter().all(|(lane, _)| *lane < MAX_LANES);
        if fits || max_width <= min_width {
            return Ok(lanes
                .into_iter()
                .zip(texts)
                .map(|((lane, left), (text, _))| (lane < MAX_LANES).then_some(PlacedLabel { lane, left, text }))
                .collect());
        }
        max_width = (max_width * 3 / 4).max(min_width);
    }
}

/// Assign each label (line x, text width), in order, the topmost lane where it
/// overlaps no other label, crosses no other label's leader line, and whose
/// own leader (from the plot up to its lane) crosses no label below it. A label
/// sits to the right of its line unless that would pass the right bound.
/// Returns (lane, left edge) per label.
fn stack_labels(marks: &[(i32, i32)], (min_x, max_x): (i32, i32)) -> Vec<(usize, i32)> {
    struct Slot {
        lane: usize,
        left: i32,
        right: i32,
        line: i32,
    }
    let mut slots: Vec<Slot> = Vec::with_capacity(marks.len());
    for &(line, width) in marks {
        let left = if line + LABEL_PAD + width <= max_x { line + LABEL_PAD } else { (line - LABEL_PAD - width).max(min_x) };
        let right = left + width;
        let covers = |l: i32, r: i32, x: i32| l - LABEL_GAP <= x && x <= r + LABEL_GAP;
        let lane = (0..)
            .find(|&lane| {
                slots.iter().all(|s| {
                    let overlaps = s.lane == lane && left < s.right + LABEL_GAP && s.left < right + LABEL_GAP;
                    let crossed = s.lane < lane && covers(left, right, s.line);
                    let crossing = s.lane > lane && covers(s.left, s.right, line);
                    !(overlaps || crossed || crossing)
                })
            })
            .unwrap_or(slots.len());
        slots.push(Slot { lane, left, right, line });
    }
    slots.iter().map(|s| (s.lane, s.left)).collect()
}

#[cfg(test)]
#[path = "chart_tests.rs"]
mod tests;

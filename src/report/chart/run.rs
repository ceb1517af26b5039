/*!
The charts of one run of a scenario, drawn from the same [`Report`] rows the
CSV writes: the outcome shares ([`outcomes_chart`]) and each side's
escalation index over the rounds ([`trajectory_chart`]).

The layout is computed rather than left to plotters' defaults where text could
collide: titles shrink (then truncate) to fit the width, the legend sits above
the plot so it never hides data, and event labels are stacked in lanes above
the plot so that neither labels nor their leader lines cross one another; when
there are too many for that, the events are numbered and keyed under the plot.
*/

use plotters::coord::Shift;
use plotters::coord::types::{RangedCoordf64, RangedCoordu32};
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::FontStyle;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::*;
use crate::report::{Calendar, Caption, ConcessionRow, INDEX_SERIES, Report, SummaryRow, TrajectoryRow};
use crate::totals::Slot;

/// Bar chart of outcome shares (the four outcomes, not the `all` row) with
/// Wilson 95% whiskers and the share printed on each bar as a percentage;
/// beside it, who made the first concession to a demand and who coerced the
/// other. The title is the caption's; subtitles give runs, the scenario file
/// and strategies, the program's version and the seed.
pub fn outcomes_chart(report: &Report, caption: &Caption, format: Format) -> Result<Vec<u8>, String> {
    render_chart(&RunChart { kind: Kind::Outcomes, report, caption }, format)
}

/// Fan chart of each side's escalation index over rounds: median line and
/// p10–p90 band per side (the first side's band a solid tint, the second's
/// hatched, so that where they overlap both show and no colour appears that
/// the legend lacks), the mean as a dashed line; x axis in months of the
/// scenario's calendar when it has one (round 0 = the start), else in
/// rounds; scheduled events as labelled vertical dashed lines, labels
/// staggered so they never overlap.
pub fn trajectory_chart(report: &Report, caption: &Caption, format: Format) -> Result<Vec<u8>, String> {
    render_chart(&RunChart { kind: Kind::Trajectory, report, caption }, format)
}

#[derive(Clone, Copy)]
enum Kind {
    Outcomes,
    Trajectory,
}

struct RunChart<'a> {
    kind: Kind,
    report: &'a Report,
    caption: &'a Caption,
}

impl Draw for RunChart<'_> {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), String> {
        match self.kind {
            Kind::Outcomes => draw_outcomes(self.report, self.caption, root),
            Kind::Trajectory => draw_trajectory(self.report, self.caption, root),
        }
    }
}

/// "busan.toml: hand-calibrated strategies · United States: tit-for-tat vs
/// China: grudger".
fn source_line(report: &Report, caption: &Caption) -> String {
    let strategies: Vec<String> =
        report.meta.side_labels.iter().zip(&report.strategies).map(|(side, s)| format!("{side}: {s}")).collect();
    let mut parts = Vec::new();
    if !caption.source.is_empty() {
        parts.push(caption.source.clone());
    }
    parts.push(strategies.join(" vs "));
    parts.join(" · ")
}

/// "simulate 0.1.0 · seed 7 · 2,000 runs × 24 months (Nov 2025 – Oct 2027)".
fn stamp_line(report: &Report) -> String {
    let period = report.calendar.map_or(String::new(), |c| format!(" ({})", c.period(report.meta.rounds)));
    format!(
        "{} · {} × {}{period}",
        Caption::stamp(report.meta.seed),
        count(report.meta.runs, "run"),
        count(u64::from(report.meta.rounds), &report.meta.round_unit)
    )
}

// ---------------------------------------------------------------------------
// Outcome shares

/// Top of the y axis: headroom above 100% for the label of a full bar.
const TOP_PCT: f64 = 109.0;
/// Half the width of a bar, and of a whisker's cap, in category widths.
const HALF_BAR: f64 = 0.28;
const HALF_CAP: f64 = 0.05;
/// Width of the concessions panel right of the outcome bars.
const CONCESSIONS_W: i32 = 400;

fn draw_outcomes<DB: DrawingBackend>(
    report: &Report,
    caption: &Caption,
    root: &DrawingArea<DB, Shift>,
) -> Result<(), String> {
    let rows: Vec<&SummaryRow> = report.summary.iter().filter(|r| r.slot != Slot::All).collect();
    let top = draw_header(
        root,
        &caption.title,
        &[
            format!(
                "Share of {} ending in each outcome (whiskers: {}), and who gave way",
                count(report.meta.runs, "run"),
                // With runs sharing parameter draws the summary's interval
                // is clustered by draw (docs/model.md §8c).
                if rows.iter().any(|r| r.spread.is_some()) {
                    "95% interval clustered by parameter draw"
                } else {
                    "Wilson 95% interval"
                }
            ),
            source_line(report, caption),
            stamp_line(report),
        ],
    )?;
    let (_, body) = root.split_vertically(top);
    let width = body.dim_in_pixel().0 as i32;
    let panel = !report.concessions.is_empty();
    let (bars, side) = body.split_horizontally(if panel { width - CONCESSIONS_W } else { width });

    let n = rows.len().max(1) as f64;
    let mut chart = ChartBuilder::on(&bars)
        .margin_left(MARGIN)
        .margin_right(MARGIN)
        .margin_top(4)
        .margin_bottom(MARGIN - 8)
        .x_label_area_size(44)
        .y_label_area_size(80)
        .build_cartesian_2d(-0.5..n - 0.5, 0.0..TOP_PCT)
        .map_err(fail)?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .bold_line_style(GRID)
        .light_line_style(TRANSPARENT)
        .axis_style(TRANSPARENT)
        .set_all_tick_mark_size(0)
        .x_labels(0)
        .y_labels(6)
        .y_label_formatter(&|y| format!("{y:.0}"))
        .y_label_style(text(TICK_PX, FontStyle::Normal, &INK))
        .y_desc("share of runs (%)")
        .axis_desc_style(text(AXIS_PX, FontStyle::Normal, &INK))
        .draw()
        .map_err(fail)?;

    let label_style = text(20.0, FontStyle::Bold, &INK).pos(Pos::new(HPos::Center, VPos::Bottom));
    let (xs, _) = chart.plotting_area().get_pixel_range();
    let slot_width = (xs.end - xs.start) / rows.len().max(1) as i32;
    for (i, row) in rows.iter().enumerate() {
        let x = i as f64;
        let (share, lo, hi) = (100.0 * row.share, 100.0 * row.ci_low, 100.0 * row.ci_high);
        chart
            .draw_series([Rectangle::new(
                [(x - HALF_BAR, 0.0), (x + HALF_BAR, share)],
                row.slot.outcome().map_or(MUTED, outcome_colour).filled(),
            )])
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
        let (px, py) = chart.backend_coord(&(x, 0.0));
        let (title, style) = fit_text(row.slot.title(), &text(18.0, FontStyle::Normal, &INK), slot_width - 8)?;
        root.draw(&Text::new(title, (px, py + 12), style.pos(Pos::new(HPos::Center, VPos::Top)))).map_err(fail)?;
    }
    chart.draw_series([PathElement::new(vec![(-0.5, 0.0), (n - 0.5, 0.0)], INK.stroke_width(1))]).map_err(fail)?;
    if panel {
        draw_concessions(report, &side)?;
    }
    Ok(())
}

/// The panel of who gave way: per side (and nobody), the share of runs in
/// which it made the first concession to the other's demand, then the share
/// in which it coerced the other; bars in the side's colour with the
/// interval as a whisker.
fn draw_concessions<DB: DrawingBackend>(report: &Report, area: &DrawingArea<DB, Shift>) -> Result<(), String> {
    let labels = &report.meta.side_labels;
    let first: Vec<&ConcessionRow> = report.concessions.iter().filter(|c| c.measure == "first_concession").collect();
    let coerced: Vec<&ConcessionRow> = report.concessions.iter().filter(|c| c.measure == "coercion").collect();
    let width = area.dim_in_pixel().0 as i32 - MARGIN;
    let heading = text(LEGEND_PX + 1.0, FontStyle::Bold, &INK);
    let style = text(LEGEND_PX, FontStyle::Normal, &INK);
    let label_w = 130;
    let bar_w = width - label_w - 70;
    let mut y = 12;
    let group = |title: &str, rows: &[&ConcessionRow], y: &mut i32| -> Result<(), String> {
        draw_fitted(area, title, &heading, (0, *y), width)?;
        *y += 30;
        for c in rows {
            let (name, colour) = match c.side {
                Some(i) => (labels[i].clone(), side_colour(i)),
                None => ("nobody".to_string(), MUTED),
            };
            let mid = *y + 11;
            let (name, fitted) = fit_text(&name, &style, label_w - 8)?;
            area.draw(&Text::new(name, (0, mid), fitted.pos(Pos::new(HPos::Left, VPos::Center)))).map_err(fail)?;
            let x0 = label_w;
            let px = |share: f64| x0 + (share.clamp(0.0, 1.0) * f64::from(bar_w)).round() as i32;
            area.draw(&Rectangle::new([(x0, *y), (x0 + bar_w, *y + 22)], GRID.filled())).map_err(fail)?;
            area.draw(&Rectangle::new([(x0, *y), (px(c.share), *y + 22)], colour.filled())).map_err(fail)?;
            area.draw(&PathElement::new(vec![(px(c.ci_low), mid), (px(c.ci_high), mid)], INK.stroke_width(2)))
                .map_err(fail)?;
            for end in [c.ci_low, c.ci_high] {
                area.draw(&PathElement::new(vec![(px(end), mid - 5), (px(end), mid + 5)], INK.stroke_width(2)))
                    .map_err(fail)?;
            }
            let value = match c.mean_round {
                Some(r) => format!("{} (mean {} {})", percent(c.share), report.meta.round_unit, crate::fmt::rounds(r)),
                None => percent(c.share),
            };
            area.draw(&Text::new(value, (x0, *y + 26), style.pos(Pos::new(HPos::Left, VPos::Top)))).map_err(fail)?;
            *y += 56;
        }
        Ok(())
    };
    group("First concession to the other's demand", &first, &mut y)?;
    y += 8;
    group("Coerced the other (one-sided coercion)", &coerced, &mut y)?;
    let note = text(TICK_PX - 2.0, FontStyle::Normal, &MUTED);
    draw_fitted(area, "share of runs; whiskers: Wilson 95% interval", &note, (0, y), width)?;
    Ok(())
}

// ---------------------------------------------------------------------------
// Escalation trajectories

/// Height of one lane of event labels above the plot.
const LANE_PX: i32 = 24;
/// At most this many lanes; beyond it the events are numbered and keyed.
const MAX_LANES: usize = 4;
/// Line height of the event key, and gaps in it.
const KEY_LINE_PX: i32 = 24;
const KEY_NUMBER_GAP: i32 = 6;
const KEY_ENTRY_GAP: i32 = 24;
/// Gap between an event line and its label, and between labels.
const LABEL_PAD: i32 = 5;
const LABEL_GAP: i32 = 12;

fn draw_trajectory<DB: DrawingBackend>(
    report: &Report,
    caption: &Caption,
    root: &DrawingArea<DB, Shift>,
) -> Result<(), String> {
    let top = draw_header(
        root,
        &caption.title,
        &[
            format!(
                "Escalation index per {} across {}: median, mean and 10th–90th percentile of runs",
                report.meta.round_unit,
                count(report.meta.runs, "run")
            ),
            source_line(report, caption),
            stamp_line(report),
        ],
    )?;
    let top = draw_legend(root, report, top + 4)?;

    let x_end = report.meta.rounds.max(1);
    let events = EventLayout::new(report, root, top, x_end)?;
    let (_, below) = root.split_vertically(top + events.strip_height());
    let (body, _) = below.split_vertically(below.dim_in_pixel().1 as i32 - events.key_height());
    let mut chart = trajectory_axes(&body, x_end)?;

    let calendar = report.calendar;
    let ticks = round_ticks(x_end, calendar.as_ref());
    // The first month labelled, and every January, carry the year.
    let first_month = ticks.iter().copied().find(|&t| t > 0);
    let x_label = |t: &u32| -> String {
        if !ticks.contains(t) {
            return String::new();
        }
        match (calendar, *t) {
            (_, 0) => "start".to_string(),
            (Some(c), t) if c.is_january(t) || first_month == Some(t) => c.month(t),
            (Some(c), t) => c.short_month(t).to_string(),
            (None, t) => t.to_string(),
        }
    };
    let x_desc = match calendar {
        Some(c) => format!("{} (start: the state entering {})", report.meta.round_unit, c.month(1)),
        None => format!("{}s (0 = start)", report.meta.round_unit),
    };
    chart
        .configure_mesh()
        .bold_line_style(GRID)
        .light_line_style(TRANSPARENT)
        .axis_style(MUTED)
        .x_labels(x_end as usize + 1)
        .y_labels(6)
        .x_label_formatter(&x_label)
        .y_label_formatter(&|y| format!("{y:.1}"))
        .x_label_style(text(TICK_PX - 1.0, FontStyle::Normal, &INK))
        .y_label_style(text(TICK_PX, FontStyle::Normal, &INK))
        .x_desc(x_desc)
        .axis_desc_style(text(AXIS_PX, FontStyle::Normal, &INK))
        .draw()
        .map_err(fail)?;

    let series: Vec<Vec<&TrajectoryRow>> = report
        .meta
        .sides
        .iter()
        .map(|side| report.trajectory.iter().filter(|r| r.series == INDEX_SERIES && &r.side == side).collect())
        .collect();
    let to_px = |pts: Vec<(u32, f64)>| pts.iter().map(|p| chart.backend_coord(p)).collect::<Vec<_>>();
    let bands: Vec<[Vec<(i32, i32)>; 2]> = series
        .iter()
        .map(|rows| {
            [
                to_px(rows.iter().map(|r| (r.round, r.p90)).collect()),
                to_px(rows.iter().map(|r| (r.round, r.p10)).collect()),
            ]
        })
        .collect();
    // Every band's area first, then every band's edges, so that no band
    // hides another's outline.
    for (i, [upper, lower]) in bands.iter().enumerate() {
        draw_band(root, upper, lower, i, chart.plotting_area().get_pixel_range())?;
    }
    for (i, [upper, lower]) in bands.iter().enumerate() {
        draw_band_edges(root, upper, lower, i)?;
    }

    events.draw(root, &chart, top)?;

    for (i, rows) in series.iter().enumerate() {
        let colour = side_colour(i);
        chart
            .draw_series(DashedLineSeries::new(rows.iter().map(|r| (r.round, r.mean)), 7, 5, colour.stroke_width(2)))
            .map_err(fail)?;
        chart
            .draw_series(LineSeries::new(rows.iter().map(|r| (r.round, r.p50)), colour.stroke_width(3)))
            .map_err(fail)?;
    }

    // The y axis title, rotated, on two lines so that it fits the plot's height.
    let (_, plot_ys) = chart.plotting_area().get_pixel_range();
    let y_mid = (plot_ys.start + plot_ys.end) / 2;
    // Measured upright (a rotated style measures its height), then turned.
    let height = plot_ys.end - plot_ys.start;
    let rotate =
        |style: TextStyle<'static>| style.transform(FontTransform::Rotate270).pos(Pos::new(HPos::Center, VPos::Center));
    let (title, title_style) = fit_text("escalation index", &text(AXIS_PX, FontStyle::Normal, &INK), height)?;
    root.draw(&Text::new(title, (MARGIN + 10, y_mid), rotate(title_style))).map_err(fail)?;
    let scale_style = text(TICK_PX, FontStyle::Normal, &INK);
    // The longest wording that fits whole (a short plot, under many event
    // labels, takes the shortest; only if even that does not fit is it cut).
    let wordings = [
        "(0 = every lever at its bottom rung, 1 = every lever at the top)",
        "(0 = all levers at the bottom, 1 = all at the top)",
        "(0 = all at bottom, 1 = all at top)",
    ];
    let fits = |s: &str| -> Result<bool, String> {
        let (fitted, _) = fit_text(s, &scale_style, height)?;
        Ok(fitted == s)
    };
    let mut scale = wordings[wordings.len() - 1];
    for w in wordings {
        if fits(w)? {
            scale = w;
            break;
        }
    }
    let (scale, scale_style) = fit_text(scale, &scale_style, height)?;
    root.draw(&Text::new(scale, (MARGIN + 34, y_mid), rotate(scale_style))).map_err(fail)?;
    Ok(())
}

/// Which rounds get a tick label: the start (0) and about a dozen others,
/// every k-th round; with a calendar, every k-th month of the year (k = 1,
/// 2, 3, 6 or 12, so that every January is one; beyond, every k-th year).
fn round_ticks(x_end: u32, calendar: Option<&Calendar>) -> Vec<u32> {
    const MAX_TICKS: u32 = 13;
    match calendar {
        Some(c) => {
            let steps = [1, 2, 3, 6, 12, 24, 60, 120, 240, 600, 1200];
            let step = steps.iter().copied().find(|s| x_end / s < MAX_TICKS).unwrap_or(1200);
            std::iter::once(0)
                // Not so close to the start that the labels collide.
                .chain((step.min(12)..=x_end).filter(|&t| {
                    let (m, y) = c.month_and_year(t);
                    if step < 12 { m % step == 0 } else { m == 0 && y.rem_euclid(i64::from(step / 12)) == 0 }
                }))
                .collect()
        }
        None => {
            let steps = [1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 2500, 5000];
            let step = steps.iter().copied().find(|s| x_end / s < MAX_TICKS).unwrap_or(5000);
            (0..=x_end).filter(|t| t % step == 0).collect()
        }
    }
}

/// The trajectory chart's coordinates on `area`, with room for the axes.
fn trajectory_axes<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    x_end: u32,
) -> Result<ChartContext<'_, DB, Cartesian2d<RangedCoordu32, RangedCoordf64>>, String> {
    ChartBuilder::on(area)
        .margin_left(MARGIN)
        .margin_right(MARGIN)
        .margin_top(18)
        .margin_bottom(MARGIN - 12)
        .x_label_area_size(64)
        .y_label_area_size(100)
        .build_cartesian_2d(0..x_end, 0.0..1.0)
        .map_err(fail)
}

/// The key above the plot: per side its band and median exactly as drawn,
/// then how to read the lines and bands. Returns the y below it.
fn draw_legend<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, report: &Report, y: i32) -> Result<i32, String> {
    const SWATCH: i32 = 30;
    let style = text(LEGEND_PX, FontStyle::Normal, &INK).pos(Pos::new(HPos::Left, VPos::Center));
    let mid = y + 12;
    let mut x = MARGIN;
    let side_label_width = (root.dim_in_pixel().0 as i32 - 2 * MARGIN) / 5;
    let entry = |swatch: &dyn Fn(i32) -> Result<(), String>, label: &str, x: &mut i32| -> Result<(), String> {
        swatch(*x)?;
        root.draw(&Text::new(label.to_string(), (*x + SWATCH + 8, mid), style.clone())).map_err(fail)?;
        *x += SWATCH + 8 + text_width(label, &style)? + 24;
        Ok(())
    };
    let band_part = |x0: i32, x1: i32, side: usize| {
        let (upper, lower) = ([(x0, mid - 9), (x1, mid - 9)], [(x0, mid + 9), (x1, mid + 9)]);
        draw_band(root, &upper, &lower, side, (x0..x1 + 1, mid - 9..mid + 10))?;
        draw_band_edges(root, &upper, &lower, side)
    };
    let band = |x: i32, side: usize| band_part(x, x + SWATCH, side);
    let line = |x: i32, colour: RGBColor| {
        root.draw(&PathElement::new(vec![(x, mid), (x + SWATCH, mid)], colour.stroke_width(3))).map_err(fail)
    };
    for (i, label) in report.meta.side_labels.iter().enumerate() {
        let colour = side_colour(i);
        let label = truncate_to_fit(label, side_label_width, &|s| text_width(s, &style))?;
        entry(&|x| band(x, i).and_then(|()| line(x, colour)), &label, &mut x)?;
    }
    x += 12;
    entry(&|x| line(x, INK), "median", &mut x)?;
    entry(
        &|x| {
            root.draw(&DashedPathElement::new(vec![(x, mid), (x + SWATCH, mid)], 7, 5, INK.stroke_width(2)))
                .map_err(fail)
        },
        "mean",
        &mut x,
    )?;
    let band_label = "band: 10th–90th percentile of runs";
    let fits = x + SWATCH + 8 + text_width(band_label, &style)? <= root.dim_in_pixel().0 as i32 - MARGIN;
    let label = if fits { band_label } else { "10th–90th pct." };
    // The generic band key: each side's band, side by side, exactly as drawn.
    let sides = report.meta.sides.len().max(1) as i32;
    entry(
        &|x| (0..sides).try_for_each(|i| band_part(x + i * SWATCH / sides, x + (i + 1) * SWATCH / sides, i as usize)),
        label,
        &mut x,
    )?;
    Ok(y + 28)
}

/// A p10–p90 band between `upper` and `lower` (pixel polylines over the same
/// x range), clipped to `clip` (pixel ranges): the first side's as a solid
/// light tint, the others' hatched with diagonal lines of their tint; both
/// outlined in the side's colour. Every colour drawn is a side colour or one
/// of its tints, the same the legend shows.
fn draw_band<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    upper: &[(i32, i32)],
    lower: &[(i32, i32)],
    side: usize,
    clip: (std::ops::Range<i32>, std::ops::Range<i32>),
) -> Result<(), String> {
    if upper.is_empty() || lower.is_empty() {
        return Ok(());
    }
    if side == 0 {
        let polygon: Vec<(i32, i32)> = upper.iter().chain(lower.iter().rev()).copied().collect();
        root.draw(&Polygon::new(polygon, band_tint(side).filled())).map_err(fail)?;
    } else {
        for (a, b) in hatch_segments(upper, lower, HATCH_GAP, clip) {
            root.draw(&PathElement::new(vec![a, b], band_tint(side).stroke_width(1))).map_err(fail)?;
        }
    }
    Ok(())
}

/// A band's upper and lower edges, in the side's colour.
fn draw_band_edges<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    upper: &[(i32, i32)],
    lower: &[(i32, i32)],
    side: usize,
) -> Result<(), String> {
    let edge = side_colour(side).stroke_width(1);
    root.draw(&PathElement::new(upper.to_vec(), edge)).map_err(fail)?;
    root.draw(&PathElement::new(lower.to_vec(), edge)).map_err(fail)
}

/// The scheduled events of a trajectory chart: their lines, and either their
/// labels stacked in lanes above the plot or numbers keyed under it.
struct EventLayout {
    /// Round and label of each event line.
    events: Vec<(u32, String)>,
    /// Per event, its label (or number), unless there was no room.
    labels: Vec<Option<PlacedLabel>>,
    numbered: bool,
    key: Vec<KeyEntry>,
    label_style: TextStyle<'static>,
    number_style: TextStyle<'static>,
}

impl EventLayout {
    /// Lay out the labels on the x scale the plot will have under `top` (the
    /// scale does not depend on the plot's height, which is what is left).
    fn new<DB: DrawingBackend>(
        report: &Report,
        root: &DrawingArea<DB, Shift>,
        top: i32,
        x_end: u32,
    ) -> Result<EventLayout, String> {
        let label_style = text(EVENT_PX, FontStyle::Normal, &MUTED);
        let number_style = text(EVENT_PX, FontStyle::Bold, &MUTED);
        let measure_label = |s: &str| text_width(s, &label_style);
        let measure_number = |s: &str| text_width(s, &number_style);
        let events = merged_events(report);
        let width = root.dim_in_pixel().0 as i32;

        let (_, probe_area) = root.split_vertically(top);
        let probe = trajectory_axes(&probe_area, x_end)?;
        let (xs, _) = probe.plotting_area().get_pixel_range();
        let marks: Vec<(i32, &str)> =
            events.iter().map(|(round, label)| (probe.backend_coord(&(*round, 0.0)).0, label.as_str())).collect();
        let bounds = (MARGIN, width - MARGIN);
        let (labels, numbered) = layout_labels(&marks, bounds, xs.end - xs.start, &measure_label, &measure_number)?;
        let key = if numbered {
            let texts: Vec<&str> = events.iter().map(|(_, label)| label.as_str()).collect();
            layout_key(&texts, width - 2 * MARGIN, &measure_label, &measure_number)?
        } else {
            Vec::new()
        };
        Ok(EventLayout { events, labels, numbered, key, label_style, number_style })
    }

    /// Height of the label lanes above the plot.
    fn strip_height(&self) -> i32 {
        self.labels.iter().filter_map(|l| l.as_ref().map(|l| l.lane as i32 + 1)).max().unwrap_or(0) * LANE_PX
    }

    /// Height of the numbered key under the plot.
    fn key_height(&self) -> i32 {
        self.key.iter().map(|k| k.line as i32 + 1).max().map_or(0, |lines| lines * KEY_LINE_PX + 4)
    }

    /// Draw each event line from the x axis up to its label (the strip starts
    /// at `strip_top`), the labels, and the key.
    fn draw<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        chart: &ChartContext<DB, Cartesian2d<RangedCoordu32, RangedCoordf64>>,
        strip_top: i32,
    ) -> Result<(), String> {
        let (_, plot_ys) = chart.plotting_area().get_pixel_range();
        let lane_mid = |lane: usize| strip_top + lane as i32 * LANE_PX + LANE_PX / 2;
        let label_style = if self.numbered { &self.number_style } else { &self.label_style };
        for ((round, _), placed) in self.events.iter().zip(&self.labels) {
            let (x, bottom) = chart.backend_coord(&(*round, 0.0));
            let top = placed.as_ref().map_or(plot_ys.start, |l| lane_mid(l.lane));
            root.draw(&DashedPathElement::new(vec![(x, bottom), (x, top)], 6, 4, MUTED.stroke_width(1)))
                .map_err(fail)?;
            if let Some(l) = placed {
                let style = label_style.pos(Pos::new(HPos::Left, VPos::Center));
                root.draw(&Text::new(l.text.clone(), (l.left, lane_mid(l.lane)), style)).map_err(fail)?;
            }
        }
        let key_top = root.dim_in_pixel().1 as i32 - self.key_height();
        let top_left = Pos::new(HPos::Left, VPos::Top);
        for entry in &self.key {
            let (x, y) = (MARGIN + entry.x, key_top + entry.line as i32 * KEY_LINE_PX);
            root.draw(&Text::new(entry.number.clone(), (x, y), self.number_style.pos(top_left))).map_err(fail)?;
            let x = x + text_width(&entry.number, &self.number_style)? + KEY_NUMBER_GAP;
            root.draw(&Text::new(entry.text.clone(), (x, y), self.label_style.pos(top_left))).map_err(fail)?;
        }
        Ok(())
    }
}

/// Events within the plotted rounds, in round order, each with its own
/// label (events of one round share a line and stack their labels; a label
/// repeated in one round is shown once).
fn merged_events(report: &Report) -> Vec<(u32, String)> {
    let mut merged: Vec<(u32, String)> = Vec::new();
    for mark in report.events.iter().filter(|m| m.round <= report.meta.rounds) {
        if !merged.iter().any(|(round, label)| *round == mark.round && *label == mark.label) {
            merged.push((mark.round, mark.label.clone()));
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
/// `bounds` (left and right pixel limits), each cut to the plot width at most.
/// If they do not all fit in [`MAX_LANES`] lanes, the events are numbered
/// instead (returned flag `true`) and the numbers placed; a number that still
/// does not fit is left out (`None`), the event staying in the key.
fn layout_labels(
    marks: &[(i32, &str)],
    bounds: (i32, i32),
    plot_width: i32,
    measure_label: &dyn Fn(&str) -> Result<i32, String>,
    measure_number: &dyn Fn(&str) -> Result<i32, String>,
) -> Result<(Vec<Option<PlacedLabel>>, bool), String> {
    let place = |texts: Vec<String>, measure: &dyn Fn(&str) -> Result<i32, String>| {
        let widths =
            marks.iter().zip(&texts).map(|((x, _), t)| Ok((*x, measure(t)?))).collect::<Result<Vec<_>, String>>()?;
        let slots = stack_labels(&widths, bounds);
        Ok::<_, String>(
            slots
                .into_iter()
                .zip(texts)
                .map(|(slot, text)| slot.map(|(lane, left)| PlacedLabel { lane, left, text }))
                .collect::<Vec<_>>(),
        )
    };
    let texts = marks.iter().map(|(_, s)| truncate_to_fit(s, plot_width, measure_label)).collect::<Result<_, _>>()?;
    let labels = place(texts, measure_label)?;
    if labels.iter().all(Option::is_some) {
        return Ok((labels, false));
    }
    let numbers = (1..=marks.len()).map(|n| n.to_string()).collect();
    Ok((place(numbers, measure_number)?, true))
}

/// One entry of the numbered event key under the plot.
#[derive(Clone, Debug, PartialEq)]
struct KeyEntry {
    line: usize,
    /// Left edge relative to the key's left edge, in pixels.
    x: i32,
    number: String,
    text: String,
}

/// Lay out "1 label  2 label ..." in lines of at most `width` pixels, an
/// entry moving to the next line whole (or cut, if wider than a line).
fn layout_key(
    labels: &[&str],
    width: i32,
    measure_label: &dyn Fn(&str) -> Result<i32, String>,
    measure_number: &dyn Fn(&str) -> Result<i32, String>,
) -> Result<Vec<KeyEntry>, String> {
    let mut entries = Vec::with_capacity(labels.len());
    let (mut line, mut x) = (0, 0);
    for (i, label) in labels.iter().enumerate() {
        let number = (i + 1).to_string();
        let indent = measure_number(&number)? + KEY_NUMBER_GAP;
        let text = truncate_to_fit(label, width - indent, measure_label)?;
        let entry_width = indent + measure_label(&text)?;
        if x > 0 && x + entry_width > width {
            line += 1;
            x = 0;
        }
        entries.push(KeyEntry { line, x, number, text });
        x += entry_width + KEY_ENTRY_GAP;
    }
    Ok(entries)
}

/// Assign each label (line x, text width) the topmost lane where it overlaps
/// no other label, crosses no other label's leader line, and whose own leader
/// (from the plot up to its lane) crosses no label below it. A label sits to
/// the right of its line unless that would pass the right bound; those on the
/// left are placed first, from the right, so that they take the top lanes
/// above the lines they span. Returns (lane, left edge) per label, or `None`
/// where no lane is free.
fn stack_labels(marks: &[(i32, i32)], (min_x, max_x): (i32, i32)) -> Vec<Option<(usize, i32)>> {
    struct Slot {
        lane: usize,
        left: i32,
        right: i32,
        line: i32,
    }
    let lefts: Vec<(i32, bool)> = marks
        .iter()
        .map(|&(line, width)| {
            if line + LABEL_PAD + width <= max_x {
                (line + LABEL_PAD, false)
            } else {
                ((line - LABEL_PAD - width).max(min_x), true)
            }
        })
        .collect();
    let mut order: Vec<usize> = (0..marks.len()).collect();
    order.sort_by_key(|&i| if lefts[i].1 { (0, -marks[i].0) } else { (1, marks[i].0) });

    let covers = |l: i32, r: i32, x: i32| l - LABEL_GAP <= x && x <= r + LABEL_GAP;
    let mut slots: Vec<Slot> = Vec::with_capacity(marks.len());
    let mut placed = vec![None; marks.len()];
    for i in order {
        let (line, width) = marks[i];
        let left = lefts[i].0;
        let right = left + width;
        let free = |lane: usize| {
            slots.iter().all(|s| {
                let overlaps = s.lane == lane && left < s.right + LABEL_GAP && s.left < right + LABEL_GAP;
                // Labels of one line share its leader: they only must not overlap.
                let crossed = s.lane < lane && s.line != line && covers(left, right, s.line);
                let crossing = s.lane > lane && s.line != line && covers(s.left, s.right, line);
                !(overlaps || crossed || crossing)
            })
        };
        if let Some(lane) = (0..MAX_LANES).find(|&lane| free(lane)) {
            slots.push(Slot { lane, left, right, line });
            placed[i] = Some((lane, left));
        }
    }
    placed
}

#[cfg(test)]
mod tests;

/*!
Charts of a sweep, drawn from the same [`SweepRow`]s `sweep.csv` writes, with
the conventions of `chart` (size, embedded font, header, colours, atomic
write):

- one parameter: `sweep.png`, the share of each outcome against the
  parameter, a line per outcome with its Wilson 95% interval as whiskers
  (bands would overlap and blend into colours no legend shows), and the
  scenario's own value of the parameter marked by a vertical line;
- two parameters: `sweep-vicious_cycle.png` and `sweep-detente.png`, heatmaps
  of the probability of that outcome over the grid (first parameter across,
  second up), each cell labelled when there is room, with one colour scale
  for both (0 to a round number above the largest value of either, so that
  the two read side by side), and the scenario's own point outlined;
- more parameters: no chart (the CSV has every point).

Axes name the parameters in words ("China misperception μ"); subtitles say
what was swept, over which values, and which program and seed drew it.
*/

use std::ops::Range;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::FontStyle;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use plotters::element::DashedPathElement;

use super::{
    AXIS_PX, Draw, Format, GRID, INK, LEGEND_PX, MARGIN, MUTED, TICK_PX, count, draw_header, fail, fit_text,
    outcome_colour, percent, render_chart, text, text_width,
};
use crate::outcome::Outcome;
use crate::report::Caption;
use crate::report::csv::num;
use crate::report::sweep::{SweepReport, SweepRow};

/// Outcomes given a heatmap each for two-parameter sweeps, and file suffixes.
pub const HEATMAP_OUTCOMES: [Outcome; 2] = [Outcome::ViciousCycle, Outcome::Detente];

/// The charts that fit the sweep's number of parameters: (file name, bytes).
pub fn sweep_charts(report: &SweepReport, caption: &Caption, format: Format) -> Result<Vec<(String, Vec<u8>)>, String> {
    let ext = match format {
        Format::Png => "png",
        Format::Svg => "svg",
    };
    let mut written = Vec::new();
    match report.axes.len() {
        1 => {
            let name = format!("sweep.{ext}");
            written.push((name, render_chart(&ShareLines { report, caption }, format)?));
        }
        2 => {
            // One colour scale for both heatmaps.
            let top = scale_top(
                report
                    .rows
                    .iter()
                    .filter(|r| HEATMAP_OUTCOMES.iter().any(|&o| r.summary.slot == o.into()))
                    .map(|r| r.summary.share)
                    .fold(0.0, f64::max),
            );
            for outcome in HEATMAP_OUTCOMES {
                let name = format!("sweep-{}.{ext}", outcome.key());
                written.push((name, render_chart(&Heatmap { report, caption, outcome, top }, format)?));
            }
        }
        _ => {}
    }
    Ok(written)
}

/// "Swept: China misperception μ from 0 to 0.2 (11 values); everything
/// else as in busan.toml (hand-calibrated strategies)".
fn swept_line(report: &SweepReport, caption: &Caption) -> String {
    let parts: Vec<String> = report
        .axes
        .iter()
        .map(|a| {
            let (lo, hi) = a.values.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(x, y), &v| (x.min(v), y.max(v)));
            format!("{} from {} to {} ({} values)", a.name, tick(lo), tick(hi), a.values.len())
        })
        .collect();
    let rest = if caption.source.is_empty() { String::new() } else { format!("; the rest as in {}", caption.source) };
    format!("Swept: {}{rest}", parts.join(" × "))
}

/// "simulate 0.1.0 · seed 7 · 2,000 runs per point × 24 months · the same
/// random numbers at every point".
fn setup_line(report: &SweepReport) -> String {
    let mut parts = vec![Caption::stamp(report.meta.seed), format!("{} per point", count(report.meta.runs, "run"))];
    if !report.varies("rounds") {
        parts.push(count(u64::from(report.meta.rounds), &report.meta.round_unit));
    }
    parts.push("the same random numbers at every point".to_string());
    parts.join(" · ")
}

/// A tick label of a parameter value: at most 6 decimals, trimmed.
fn tick(x: f64) -> String {
    num(x, 6)
}

// ---------------------------------------------------------------------------
// One parameter: outcome shares against it

struct ShareLines<'a> {
    report: &'a SweepReport,
    caption: &'a Caption,
}

impl Draw for ShareLines<'_> {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), String> {
        let report = self.report;
        let axis = &report.axes[0];
        let top = draw_header(
            root,
            &self.caption.title,
            &[
                "Share of runs ending in each outcome at each value; whiskers: Wilson 95% intervals".to_string(),
                swept_line(report, self.caption),
                setup_line(report),
            ],
        )?;
        let top = draw_outcome_legend(root, top + 4)?;
        let (_, body) = root.split_vertically(top);

        let (lo, hi) = axis.values.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &v| (a.min(v), b.max(v)));
        // The scenario's own value, when it lies on the axis.
        let own = axis.own.filter(|v| (lo..=hi).contains(v));
        let pad = if hi > lo { 0.02 * (hi - lo) } else { lo.abs().max(1.0) * 0.1 };
        let mut chart = ChartBuilder::on(&body)
            .margin_left(MARGIN)
            .margin_right(MARGIN)
            .margin_top(12)
            .margin_bottom(MARGIN - 12)
            .x_label_area_size(64)
            .y_label_area_size(80)
            .build_cartesian_2d(lo - pad..hi + pad, 0.0..100.0)
            .map_err(fail)?;
        chart
            .configure_mesh()
            .bold_line_style(GRID)
            .light_line_style(TRANSPARENT)
            .axis_style(MUTED)
            .x_labels(11)
            .y_labels(6)
            .x_label_formatter(&|x| tick(*x))
            .y_label_formatter(&|y| format!("{y:.0}"))
            .x_label_style(text(TICK_PX, FontStyle::Normal, &INK))
            .y_label_style(text(TICK_PX, FontStyle::Normal, &INK))
            .draw()
            .map_err(fail)?;
        draw_axis_titles(root, chart.plotting_area().get_pixel_range(), &axis.title, "share of runs (%)")?;

        let series: Vec<(RGBColor, Vec<&SweepRow>)> = Outcome::ALL
            .iter()
            .map(|o| {
                let mut rows: Vec<&SweepRow> = report.outcome_rows(*o).collect();
                rows.sort_by(|a, b| a.values[0].total_cmp(&b.values[0]));
                (line_colour(*o), rows)
            })
            .collect();
        if let Some(v) = own {
            let line = DashedPathElement::new(vec![(v, 0.0), (v, 100.0)], 8, 5, INK.stroke_width(2));
            chart.draw_series([line]).map_err(fail)?;
            let (x, y) = chart.backend_coord(&(v, 100.0));
            let label = format!("the scenario's value: {}", tick(v));
            let style = text(TICK_PX, FontStyle::Bold, &INK);
            let right_room = root.dim_in_pixel().0 as i32 - MARGIN - x;
            let (anchor, dx) =
                if text_width(&label, &style)? + 8 < right_room { (HPos::Left, 6) } else { (HPos::Right, -6) };
            root.draw(&Text::new(label, (x + dx, y + 4), style.pos(Pos::new(anchor, VPos::Top)))).map_err(fail)?;
        }
        // Whiskers spread a little around each value so that outcomes with
        // close shares do not hide one another's.
        let spread = if hi > lo { 0.004 * (hi - lo) } else { 0.0 };
        for (k, (colour, rows)) in series.iter().enumerate() {
            let dx = spread * (k as f64 - 1.5);
            for r in rows {
                let x = r.values[0] + dx;
                let (a, b) = (100.0 * r.summary.ci_low, 100.0 * r.summary.ci_high);
                chart.draw_series([PathElement::new(vec![(x, a), (x, b)], colour.stroke_width(2))]).map_err(fail)?;
            }
        }
        for (colour, rows) in &series {
            let points: Vec<(f64, f64)> = rows.iter().map(|r| (r.values[0], 100.0 * r.summary.share)).collect();
            chart.draw_series(LineSeries::new(points.iter().copied(), colour.stroke_width(3))).map_err(fail)?;
            chart.draw_series(points.iter().map(|&p| Circle::new(p, 4, colour.filled()))).map_err(fail)?;
        }
        Ok(())
    }
}

/// The axis titles, centred under and left of the plot (whose pixel ranges
/// are `xs`, `ys`), each shrunk or cut to the plot's width or height.
fn draw_axis_titles<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    (xs, ys): (Range<i32>, Range<i32>),
    x_title: &str,
    y_title: &str,
) -> Result<(), String> {
    let style = text(AXIS_PX, FontStyle::Normal, &INK);
    let (x_text, x_style) = fit_text(x_title, &style, xs.end - xs.start)?;
    let x_style = x_style.pos(Pos::new(HPos::Center, VPos::Top));
    root.draw(&Text::new(x_text, ((xs.start + xs.end) / 2, ys.end + 38), x_style)).map_err(fail)?;
    let (y_text, y_style) = fit_text(y_title, &style, ys.end - ys.start)?;
    let y_style = y_style.transform(FontTransform::Rotate270).pos(Pos::new(HPos::Center, VPos::Center));
    root.draw(&Text::new(y_text, (MARGIN + 10, (ys.start + ys.end) / 2), y_style)).map_err(fail)
}

/// Lines use the outcome colours of the bar chart, except the light grey of
/// a standoff, darkened to stand out on white.
fn line_colour(o: Outcome) -> RGBColor {
    match o {
        Outcome::Standoff => RGBColor(130, 130, 130),
        _ => outcome_colour(o),
    }
}

/// The key above the plot: per outcome its line, point and whisker as drawn.
/// Returns the y below it.
fn draw_outcome_legend<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, y: i32) -> Result<i32, String> {
    const SWATCH: i32 = 30;
    let style = text(LEGEND_PX, FontStyle::Normal, &INK).pos(Pos::new(HPos::Left, VPos::Center));
    let mid = y + 12;
    let mut x = MARGIN;
    for o in Outcome::ALL {
        let colour = line_colour(o);
        let c = x + SWATCH / 2;
        root.draw(&PathElement::new(vec![(c, mid - 9), (c, mid + 9)], colour.stroke_width(2))).map_err(fail)?;
        root.draw(&PathElement::new(vec![(x, mid), (x + SWATCH, mid)], colour.stroke_width(3))).map_err(fail)?;
        root.draw(&Circle::new((c, mid), 4, colour.filled())).map_err(fail)?;
        root.draw(&Text::new(o.title(), (x + SWATCH + 8, mid), style.clone())).map_err(fail)?;
        x += SWATCH + 8 + text_width(o.title(), &style)? + 28;
    }
    Ok(y + 28)
}

// ---------------------------------------------------------------------------
// Two parameters: heatmap of one outcome's probability

struct Heatmap<'a> {
    report: &'a SweepReport,
    caption: &'a Caption,
    outcome: Outcome,
    /// Top of the colour scale, shared by the sweep's heatmaps.
    top: f64,
}

/// Width kept right of the plot for the colour scale.
const SCALE_AREA_PX: i32 = 190;
const SCALE_BAR_PX: i32 = 28;
/// Smallest cell that gets its percentage printed.
const LABEL_CELL: (i32, i32) = (52, 24);

impl Draw for Heatmap<'_> {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), String> {
        let (report, outcome) = (self.report, self.outcome);
        let (ax, ay) = (&report.axes[0], &report.axes[1]);
        let top = draw_header(
            root,
            &self.caption.title,
            &[
                format!(
                    "Share of runs ending in {} at each point of the grid{}",
                    with_article(outcome),
                    match (grid_position(&ax.values, ax.own), grid_position(&ay.values, ay.own)) {
                        (Some(i), Some(j)) if i.fract() == 0.0 && j.fract() == 0.0 =>
                            "; outlined: the scenario's own values",
                        (Some(_), Some(_)) => "; cross: the scenario's own values",
                        (Some(_), None) | (None, Some(_)) => "; dashed: the scenario's own value",
                        (None, None) => "",
                    }
                ),
                swept_line(report, self.caption),
                setup_line(report),
            ],
        )?;
        let (_, body) = root.split_vertically(top + 8);
        let (plot_area, _) = body.split_horizontally(body.dim_in_pixel().0 as i32 - SCALE_AREA_PX);

        let (nx, ny) = (ax.values.len(), ay.values.len());
        let mut chart = ChartBuilder::on(&plot_area)
            .margin_left(MARGIN)
            .margin_right(12)
            .margin_top(8)
            .margin_bottom(MARGIN - 12)
            .x_label_area_size(64)
            .y_label_area_size(100)
            .build_cartesian_2d(-0.5..nx as f64 - 0.5, -0.5..ny as f64 - 0.5)
            .map_err(fail)?;
        let label_at = |values: &[f64], x: f64| {
            let i = x.round();
            let on_cell = (x - i).abs() < 1e-6 && i >= 0.0 && (i as usize) < values.len();
            if on_cell { tick(values[i as usize]) } else { String::new() }
        };
        chart
            .configure_mesh()
            .disable_mesh()
            // Invisible ticks: they only set the labels off the cells.
            .axis_style(TRANSPARENT)
            .set_all_tick_mark_size(8)
            .x_labels(nx.min(12))
            .y_labels(ny.min(12))
            .x_label_formatter(&|x| label_at(&ax.values, *x))
            .y_label_formatter(&|y| label_at(&ay.values, *y))
            .x_label_style(text(TICK_PX, FontStyle::Normal, &INK))
            .y_label_style(text(TICK_PX, FontStyle::Normal, &INK))
            .draw()
            .map_err(fail)?;
        draw_axis_titles(root, chart.plotting_area().get_pixel_range(), &ax.title, &ay.title)?;

        let rows: Vec<&SweepRow> = report.outcome_rows(outcome).collect();
        let top_share = self.top;
        let ramp = ramp(outcome);
        let (x0, y0) = chart.backend_coord(&(0.0, 0.0));
        let (x1, y1) = chart.backend_coord(&(1.0, 1.0));
        let cell = ((x1 - x0).abs(), (y1 - y0).abs());
        for r in &rows {
            let (i, j) = ((r.point / ny) as f64, (r.point % ny) as f64);
            let fill = ramp_colour(ramp, r.summary.share / top_share);
            chart
                .draw_series([Rectangle::new([(i - 0.5, j - 0.5), (i + 0.5, j + 0.5)], fill.filled())])
                .map_err(fail)?;
            if cell.0 >= LABEL_CELL.0 && cell.1 >= LABEL_CELL.1 {
                let ink = if luminance(fill) < 140.0 { WHITE } else { INK };
                let size = if cell.0 >= 70 { TICK_PX } else { TICK_PX - 2.0 };
                let style = text(size, FontStyle::Normal, &ink).pos(Pos::new(HPos::Center, VPos::Center));
                chart
                    .draw_series([EmptyElement::at((i, j)) + Text::new(percent(r.summary.share), (0, 0), style)])
                    .map_err(fail)?;
            }
        }
        // The scenario's own point: outlined when it is a cell of the grid,
        // else a cross where it falls between cells.
        let (gi, gj) = (grid_position(&ax.values, ax.own), grid_position(&ay.values, ay.own));
        // One coordinate known: a dashed line through it across the grid.
        let dashed = |a: (f64, f64), b: (f64, f64)| -> Result<(), String> {
            let (a, b) = (chart.backend_coord(&a), chart.backend_coord(&b));
            root.draw(&DashedPathElement::new(vec![a, b], 8, 5, WHITE.stroke_width(5))).map_err(fail)?;
            root.draw(&DashedPathElement::new(vec![a, b], 8, 5, INK.stroke_width(2))).map_err(fail)
        };
        match (gi, gj) {
            (Some(i), None) => dashed((i, -0.5), (i, ny as f64 - 0.5))?,
            (None, Some(j)) => dashed((-0.5, j), (nx as f64 - 0.5, j))?,
            _ => {}
        }
        if let (Some(i), Some(j)) = (gi, gj) {
            let on_cell = i.fract() == 0.0 && j.fract() == 0.0;
            if on_cell {
                let (x0, y0) = chart.backend_coord(&(i - 0.5, j + 0.5));
                let (x1, y1) = chart.backend_coord(&(i + 0.5, j - 0.5));
                root.draw(&Rectangle::new([(x0 + 1, y0 + 1), (x1 - 1, y1 - 1)], INK.stroke_width(4))).map_err(fail)?;
                root.draw(&Rectangle::new([(x0 + 4, y0 + 4), (x1 - 4, y1 - 4)], WHITE.stroke_width(1)))
                    .map_err(fail)?;
            } else {
                let (x, y) = chart.backend_coord(&(i, j));
                for (a, b) in [((x - 9, y - 9), (x + 9, y + 9)), ((x - 9, y + 9), (x + 9, y - 9))] {
                    root.draw(&PathElement::new(vec![a, b], WHITE.stroke_width(5))).map_err(fail)?;
                    root.draw(&PathElement::new(vec![a, b], INK.stroke_width(3))).map_err(fail)?;
                }
            }
        }
        let (_, ys) = chart.plotting_area().get_pixel_range();
        let bar_left = root.dim_in_pixel().0 as i32 - SCALE_AREA_PX + 40;
        draw_scale(root, ramp, top_share, (bar_left, ys.start, ys.end), outcome)
    }
}

/// Where `value` falls on a grid of `values` (sorted either way), in cells:
/// a whole number on a grid value, a fraction between two; `None` off the
/// grid or with no value.
fn grid_position(values: &[f64], value: Option<f64>) -> Option<f64> {
    let v = value?;
    if let Some(k) = values.iter().position(|&x| (x - v).abs() <= 1e-9 * x.abs().max(1.0)) {
        return Some(k as f64);
    }
    values.windows(2).enumerate().find_map(|(k, w)| {
        let (a, b) = (w[0], w[1]);
        ((a < v && v < b) || (b < v && v < a)).then(|| k as f64 + (v - a) / (b - a))
    })
}

/// "a vicious cycle", "détente".
fn with_article(o: Outcome) -> String {
    match o {
        Outcome::ViciousCycle | Outcome::Standoff => format!("a {}", o.title()),
        _ => o.title().to_string(),
    }
}

/// The colour scale: a vertical bar from 0 (bottom) to `top`, ticks in
/// percent, and its title rotated beside it.
fn draw_scale<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    ramp: &[RGBColor],
    top: f64,
    (left, y_top, y_bottom): (i32, i32, i32),
    outcome: Outcome,
) -> Result<(), String> {
    let height = (y_bottom - y_top).max(1);
    for y in y_top..y_bottom {
        let t = f64::from(y_bottom - 1 - y) / f64::from(height - 1).max(1.0);
        root.draw(&Rectangle::new([(left, y), (left + SCALE_BAR_PX, y + 1)], ramp_colour(ramp, t).filled()))
            .map_err(fail)?;
    }
    root.draw(&Rectangle::new([(left, y_top), (left + SCALE_BAR_PX, y_bottom)], MUTED.stroke_width(1)))
        .map_err(fail)?;
    let step = scale_step(top);
    let ticks = (top / step).round() as i32;
    let style = text(TICK_PX, FontStyle::Normal, &INK).pos(Pos::new(HPos::Left, VPos::Center));
    for k in 0..=ticks {
        let value = f64::from(k) * step;
        let y = y_bottom - ((value / top) * f64::from(height)).round() as i32;
        let right = left + SCALE_BAR_PX;
        root.draw(&PathElement::new(vec![(right, y), (right + 6, y)], MUTED.stroke_width(1))).map_err(fail)?;
        let label = format!("{}%", num(100.0 * value, 1));
        root.draw(&Text::new(label, (right + 10, y), style.clone())).map_err(fail)?;
    }
    let title = format!("P({}), share of runs", outcome.title());
    let rotated = text(AXIS_PX, FontStyle::Normal, &INK)
        .transform(FontTransform::Rotate270)
        .pos(Pos::new(HPos::Center, VPos::Center));
    root.draw(&Text::new(title, (left - 18, (y_top + y_bottom) / 2), rotated)).map_err(fail)
}

/// Top of the colour scale: the smallest round share at or above `max`.
fn scale_top(max: f64) -> f64 {
    const TOPS: [f64; 11] = [0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.8, 1.0];
    TOPS.into_iter().find(|&t| max <= t + 1e-12).unwrap_or(1.0)
}

/// Tick spacing on a scale topped at `top` (one of `scale_top`'s values).
fn scale_step(top: f64) -> f64 {
    match top {
        t if t <= 0.01 => 0.002,
        t if t <= 0.02 => 0.005,
        t if t <= 0.05 => 0.01,
        t if t <= 0.1 => 0.02,
        t if t <= 0.3 => 0.05,
        t if t <= 0.6 => 0.1,
        _ => 0.2,
    }
}

/// ColorBrewer's sequential Reds and Greens (9 classes): ordered in
/// lightness, so they read in greyscale and for colour-blind readers, and
/// they match the outcome colours of the other charts.
const REDS: [RGBColor; 9] = [
    RGBColor(255, 245, 240),
    RGBColor(254, 224, 210),
    RGBColor(252, 187, 161),
    RGBColor(252, 146, 114),
    RGBColor(251, 106, 74),
    RGBColor(239, 59, 44),
    RGBColor(203, 24, 29),
    RGBColor(165, 15, 21),
    RGBColor(103, 0, 13),
];
const GREENS: [RGBColor; 9] = [
    RGBColor(247, 252, 245),
    RGBColor(229, 245, 224),
    RGBColor(199, 233, 192),
    RGBColor(161, 217, 155),
    RGBColor(116, 196, 118),
    RGBColor(65, 171, 93),
    RGBColor(35, 139, 69),
    RGBColor(0, 109, 44),
    RGBColor(0, 68, 27),
];

fn ramp(outcome: Outcome) -> &'static [RGBColor] {
    match outcome {
        Outcome::Detente => &GREENS,
        _ => &REDS,
    }
}

/// The colour at `t` in [0, 1] along `ramp`, interpolated linearly.
fn ramp_colour(ramp: &[RGBColor], t: f64) -> RGBColor {
    let t = if t.is_finite() { t.clamp(0.0, 1.0) } else { 0.0 };
    let pos = t * (ramp.len() - 1) as f64;
    let k = (pos.floor() as usize).min(ramp.len() - 2);
    let f = pos - k as f64;
    let (a, b) = (ramp[k], ramp[k + 1]);
    let mix = |x: u8, y: u8| (f64::from(x) + f * (f64::from(y) - f64::from(x))).round() as u8;
    RGBColor(mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
}

fn luminance(c: RGBColor) -> f64 {
    0.299 * f64::from(c.0) + 0.587 * f64::from(c.1) + 0.114 * f64::from(c.2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scales_round_up() {
        assert_eq!(scale_top(0.0), 0.01);
        assert_eq!(scale_top(0.07), 0.1);
        assert_eq!(scale_top(0.3), 0.3);
        assert_eq!(scale_top(0.95), 1.0);
        for top in [0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.8, 1.0] {
            let ticks = top / scale_step(top);
            assert!((ticks - ticks.round()).abs() < 1e-9 && (2.0..=6.0).contains(&ticks.round()), "{top}");
        }
    }

    #[test]
    fn ramps_run_light_to_dark() {
        assert_eq!(ramp_colour(&REDS, 0.0), REDS[0]);
        assert_eq!(ramp_colour(&REDS, 1.0), REDS[8]);
        assert_eq!(ramp_colour(&GREENS, f64::NAN), GREENS[0]);
        let l: Vec<f64> = (0..=10).map(|k| luminance(ramp_colour(&REDS, k as f64 / 10.0))).collect();
        assert!(l.windows(2).all(|w| w[0] > w[1]), "{l:?}");
    }

    #[test]
    fn value_ticks_are_trimmed() {
        assert_eq!(tick(0.1), "0.1");
        assert_eq!(tick(0.30000000000000004), "0.3");
        assert_eq!(tick(2.0), "2");
    }
}

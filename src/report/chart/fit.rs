/*!
Charts of a fit (`fit.png`: each side's log-likelihood profile) and of a
backtest (`backtest.png`: each side's simulated fan with the observed path
over it), as PNG. They follow `chart`'s conventions: the embedded DejaVu font,
a title and subtitle header, Okabe–Ito side colours, in-memory PNG encoding
and `write_atomic`. One panel per side, side by side.
*/

use plotters::coord::Shift;
use plotters::coord::types::RangedCoordf64;
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::FontStyle;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::{
    AXIS_PX, BAND_ALPHA, Draw, Format, GRID, INK, LEGEND_PX, MARGIN, MUTED, TICK_PX, draw_fitted, draw_header, fail,
    render_chart, side_colour, text, text_width, tint,
};
use crate::calibrate::backtest::Backtest;
use crate::calibrate::fit::{BOUNDARY_DROP, PROFILE_DROP, SideFit};
use crate::calibrate::history::History;
use crate::calibrate::scoring::{self, ScoreRow};
use crate::report::Caption;
use crate::scenario::Scenario;
use crate::strategy::Kind;

/// Size of both charts, in pixels.
const SIZE: (u32, u32) = (1400, 720);
/// Lowest ΔlnL shown on a profile; lower values (and −∞) sit on this line.
const PROFILE_FLOOR: f64 = -8.0;
/// Colour of the observed path and of the estimate.
const OBSERVED: RGBColor = RGBColor(0, 0, 0);
const OUTSIDE: RGBColor = RGBColor(213, 94, 0);

/// `fit.png`: per side, the profile log-likelihood (relative to its maximum)
/// of the best strategy's parameter, or of ε when it has none, with the 95%
/// interval shaded and the estimate marked.
pub fn fit_chart(
    sc: &Scenario,
    history: &History,
    fits: &[SideFit],
    caption: &Caption,
    format: Format,
) -> Result<Vec<u8>, String> {
    render_chart(&FitFigure { sc, history, fits, caption }, format)
}

/// `backtest.png`: per side, the simulated escalation index (10th–90th
/// percentile band and median) with the observed path drawn over it: filled
/// circles inside the band, hollow orange diamonds outside.
pub fn backtest_chart(
    sc: &Scenario,
    history: &History,
    bt: &Backtest,
    caption: &Caption,
    format: Format,
) -> Result<Vec<u8>, String> {
    render_chart(&BacktestFigure { sc, history, bt, caption }, format)
}

struct FitFigure<'a> {
    sc: &'a Scenario,
    history: &'a History,
    fits: &'a [SideFit],
    caption: &'a Caption,
}

impl Draw for FitFigure<'_> {
    fn size(&self) -> (u32, u32) {
        SIZE
    }
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), String> {
        draw_fit(self.sc, self.history, self.fits, self.caption, root)
    }
}

struct BacktestFigure<'a> {
    sc: &'a Scenario,
    history: &'a History,
    bt: &'a Backtest,
    caption: &'a Caption,
}

impl Draw for BacktestFigure<'_> {
    fn size(&self) -> (u32, u32) {
        SIZE
    }
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), String> {
        draw_backtest(self.sc, self.history, self.bt, self.caption, root)
    }
}

/// The panels under the header, one per side, with a gap between them.
fn panels<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, top: i32) -> Vec<DrawingArea<DB, Shift>> {
    let (_, body) = root.split_vertically(top);
    body.split_evenly((1, 2))
}

fn panel_title<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    title: &str,
    subtitle: &str,
    colour: RGBColor,
) -> Result<i32, String> {
    let width = area.dim_in_pixel().0 as i32 - 2 * MARGIN;
    draw_fitted(area, title, &text(21.0, FontStyle::Bold, &colour), (MARGIN, 4), width)?;
    draw_fitted(area, subtitle, &text(LEGEND_PX, FontStyle::Normal, &MUTED), (MARGIN, 32), width)?;
    Ok(60)
}

/// A panel's plot coordinates, with room for the axis labels.
fn panel_axes<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    xs: std::ops::Range<f64>,
    ys: std::ops::Range<f64>,
) -> Result<ChartContext<'_, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>, String> {
    super::panel_builder(area, 92).build_cartesian_2d(xs, ys).map_err(fail)
}

/// The x-axis title of a profile: a strategy parameter as the registry
/// describes it, or one of the noise parameters.
fn param_axis(kind: Kind, param: &str) -> String {
    match (kind.param(param), param) {
        (Some((_, spec)), _) if spec.symbol != spec.name => format!("{} {} ({})", spec.name, spec.symbol, spec.about),
        (Some((_, spec)), _) => format!("{} ({})", spec.name, spec.about),
        (None, "noise") => "implementation noise ε (probability a move is flipped)".into(),
        (None, "misperception") => "misperception μ (probability a concession is read as an escalation)".into(),
        (None, other) => other.replace('_', " "),
    }
}

fn draw_fit<DB: DrawingBackend>(
    sc: &Scenario,
    history: &History,
    fits: &[SideFit],
    caption: &Caption,
    root: &DrawingArea<DB, Shift>,
) -> Result<(), String> {
    let cut = (PROFILE_DROP).exp();
    let top = draw_header(
        root,
        &caption.title_or(|_| format!("What explains each side's moves? Fit to {}", history.path.display())),
        &[
            format!(
                "Each side's best model (by AICc), {} – {}: how much less likely the record is at each value of its \
                 parameter than at the best fit",
                history.round_label(1),
                history.round_label(history.rounds)
            ),
            format!(
                "shaded: 95% interval, the values under which the record is at most {} times less likely than at the best \
                 ({} for an estimate on a bound: one-sided, ½χ²₀ + ½χ²₁)",
                crate::fmt::num(cut, 1),
                crate::fmt::num(BOUNDARY_DROP.exp(), 1)
            ),
            format!(
                "{} · simulate {}",
                if caption.source.is_empty() { sc.name.clone() } else { caption.source.clone() },
                crate::report::caption::VERSION
            ),
        ],
    )?;
    for (sf, area) in fits.iter().zip(panels(root, top)) {
        let colour = side_colour(sf.side);
        let best = &sf.fits[0];
        let p = &sf.profile;
        let name = if best.candidate.is_history_blind() { best.candidate.label() } else { best.strategy.describe() };
        let subtitle = format!(
            "best: {name} · Akaike weight {} · estimate {} [{}, {}]{}",
            crate::fmt::stat(best.weight),
            crate::fmt::prob(p.estimate.value),
            crate::fmt::prob(p.estimate.ci_low),
            crate::fmt::prob(p.estimate.ci_high),
            if sf.identification().identified() { "" } else { " · NOT IDENTIFIED" }
        );
        let head = panel_title(&area, &sc.sides[sf.side].label, &subtitle, colour)?;
        let (_, plot) = area.split_vertically(head);
        let (lo, hi) = match (p.xs.first(), p.xs.last()) {
            (Some(&a), Some(&b)) if b > a => (a, b),
            _ => (0.0, 1.0),
        };
        let mut chart = panel_axes(&plot, lo..hi, PROFILE_FLOOR..1.2)?;
        chart
            .configure_mesh()
            .bold_line_style(GRID)
            .light_line_style(TRANSPARENT)
            .axis_style(MUTED)
            .disable_y_mesh()
            .x_labels(6)
            .y_labels(0)
            .x_label_formatter(&|x| format!("{x:.1}"))
            .x_label_style(text(TICK_PX, FontStyle::Normal, &INK))
            .x_desc(param_axis(best.strategy.kind(), p.param))
            .y_desc("times less likely than at the best fit (log scale)")
            .axis_desc_style(text(AXIS_PX - 2.0, FontStyle::Normal, &INK))
            .draw()
            .map_err(fail)?;
        // The y ticks: round ratios (1, 2, 10, 100, 1,000 times less likely).
        let (xs, _) = chart.plotting_area().get_pixel_range();
        for (ratio, label) in [(1.0f64, "best"), (2.0, "2×"), (10.0, "10×"), (100.0, "100×"), (1000.0, "1,000×")] {
            let y = -ratio.ln();
            chart.draw_series([PathElement::new(vec![(lo, y), (hi, y)], GRID.stroke_width(1))]).map_err(fail)?;
            let (_, py) = chart.backend_coord(&(lo, y));
            let style = text(TICK_PX, FontStyle::Normal, &INK).pos(Pos::new(HPos::Right, VPos::Center));
            root.draw(&Text::new(label, (xs.start - 8, py), style)).map_err(fail)?;
        }
        // The 95% interval, shaded, and the cut-off line.
        let (ci_lo, ci_hi) = (p.estimate.ci_low.max(lo), p.estimate.ci_high.min(hi));
        if ci_hi >= ci_lo {
            chart
                .draw_series([Rectangle::new([(ci_lo, PROFILE_FLOOR), (ci_hi, 1.2)], colour.mix(BAND_ALPHA).filled())])
                .map_err(fail)?;
        }
        let drop = if p.estimate.boundary { BOUNDARY_DROP } else { PROFILE_DROP };
        chart
            .draw_series([DashedPathElement::new(vec![(lo, -drop), (hi, -drop)], 8, 5, MUTED.stroke_width(2))])
            .map_err(fail)?;
        let (cut_x, cut_y) = chart.backend_coord(&(hi, -drop));
        let cut_label = format!(
            "95% cut-off{}: {}× less likely",
            if p.estimate.boundary { " (on a bound, ½χ²₀ + ½χ²₁)" } else { "" },
            crate::fmt::num(drop.exp(), 1)
        );
        let style = text(TICK_PX - 1.0, FontStyle::Normal, &MUTED).pos(Pos::new(HPos::Right, VPos::Top));
        root.draw(&Text::new(cut_label, (cut_x - 6, cut_y + 4), style)).map_err(fail)?;
        // The profile.
        let curve: Vec<(f64, f64)> =
            p.xs.iter()
                .zip(&p.ln_l)
                .map(|(&x, &l)| (x, if l.is_finite() { (l - p.max_ln_l).max(PROFILE_FLOOR) } else { PROFILE_FLOOR }))
                .collect();
        chart.draw_series(LineSeries::new(curve, colour.stroke_width(3))).map_err(fail)?;
        // The estimate.
        let e = p.estimate.value;
        chart
            .draw_series([PathElement::new(vec![(e, PROFILE_FLOOR), (e, 0.0)], OBSERVED.stroke_width(1))])
            .map_err(fail)?;
        chart.draw_series([Circle::new((e, 0.0), 6, OBSERVED.filled())]).map_err(fail)?;
        let (ex, ey) = chart.backend_coord(&(e, 0.0));
        let label = format!("estimate {}", crate::fmt::prob(e));
        let style = text(TICK_PX, FontStyle::Bold, &INK);
        let right_room = chart.plotting_area().get_pixel_range().0.end - ex;
        // Above the dot, in the headroom over ΔlnL = 0, clear of the curve.
        let left = text_width(&label, &style)? + 14 < right_room;
        let (anchor, dx) = if left { (HPos::Left, 4) } else { (HPos::Right, -4) };
        root.draw(&Text::new(label, (ex + dx, ey - 10), style.pos(Pos::new(anchor, VPos::Bottom)))).map_err(fail)?;
    }
    Ok(())
}

fn draw_backtest<DB: DrawingBackend>(
    sc: &Scenario,
    history: &History,
    bt: &Backtest,
    caption: &Caption,
    root: &DrawingArea<DB, Shift>,
) -> Result<(), String> {
    let (inside, n) = bt.coverage(None);
    let top = draw_header(
        root,
        &caption.title_or(|title| format!("Backtest: {title} against the record")),
        &[
            format!(
                "Escalation index, {} – {}: simulated 10th–90th percentile and median of {}, observed path over it",
                history.round_label(1),
                history.round_label(bt.rounds),
                crate::fmt::count_of(bt.runs, "run"),
            ),
            format!(
                "0 = every lever at its bottom rung, 1 = every lever at the top; observed inside the band in {inside} of {n} side-months"
            ),
            format!(
                "record: {} · scenario: {}",
                history.path.display(),
                if caption.source.is_empty() { sc.name.clone() } else { caption.source.clone() }
            ),
            crate::report::Caption::stamp(bt.seed),
        ],
    )?;
    let top = draw_backtest_legend(root, top + 2, sc.sides.len())?;
    let x_end = bt.rounds.max(1) as f64;
    for (side, area) in panels(root, top).into_iter().enumerate() {
        let colour = side_colour(side);
        let (k, n) = bt.coverage(Some(side));
        let head =
            panel_title(&area, &sc.sides[side].label, &format!("{k} of {n} months inside the 10–90% band"), colour)?;
        let (_, plot) = area.split_vertically(head);
        let mut chart = panel_axes(&plot, -0.3..x_end + 0.3, 0.0..1.02)?;
        let label = |x: &f64| {
            let t = x.round();
            if (x - t).abs() > 1e-6 || t < 0.0 || t > x_end {
                return String::new();
            }
            let l = history.round_label(t as u32);
            // "Apr 2025" → "Apr": the year is in the subtitle.
            l.split(' ').next().unwrap_or(&l).to_string()
        };
        chart
            .configure_mesh()
            .bold_line_style(GRID)
            .light_line_style(TRANSPARENT)
            .axis_style(MUTED)
            .x_labels(bt.rounds as usize + 2)
            .y_labels(6)
            .x_label_formatter(&label)
            .y_label_formatter(&|y| format!("{y:.1}"))
            .x_label_style(text(TICK_PX - 1.0, FontStyle::Normal, &INK))
            .y_label_style(text(TICK_PX, FontStyle::Normal, &INK))
            .x_desc(format!("month (start = the state entering {})", history.round_label(1)))
            .y_desc("escalation index")
            .axis_desc_style(text(AXIS_PX - 3.0, FontStyle::Normal, &INK))
            .draw()
            .map_err(fail)?;
        let start = bt.start[side];
        let rows: Vec<_> = bt.side_rows(side).collect();
        let upper = std::iter::once((0.0, start)).chain(rows.iter().map(|r| (r.round as f64, r.p90)));
        let lower: Vec<(f64, f64)> =
            std::iter::once((0.0, start)).chain(rows.iter().map(|r| (r.round as f64, r.p10))).collect();
        let band: Vec<(f64, f64)> = upper.chain(lower.into_iter().rev()).collect();
        chart.draw_series([Polygon::new(band, band_colour(side).filled())]).map_err(fail)?;
        let median = std::iter::once((0.0, start)).chain(rows.iter().map(|r| (r.round as f64, r.p50)));
        chart.draw_series(LineSeries::new(median, colour.stroke_width(3))).map_err(fail)?;
        let observed: Vec<(f64, f64)> =
            std::iter::once((0.0, start)).chain(rows.iter().map(|r| (r.round as f64, r.observed))).collect();
        chart.draw_series(LineSeries::new(observed, OBSERVED.stroke_width(2))).map_err(fail)?;
        chart.draw_series([Circle::new((0.0, start), 6, OBSERVED.filled())]).map_err(fail)?;
        for r in &rows {
            let at = (r.round as f64, r.observed);
            if r.inside {
                chart.draw_series([Circle::new(at, 6, OBSERVED.filled())]).map_err(fail)?;
            } else {
                let (x, y) = chart.backend_coord(&at);
                let d = 8;
                let diamond = vec![(x, y - d), (x + d, y), (x, y + d), (x - d, y)];
                root.draw(&Polygon::new(diamond.clone(), WHITE.filled())).map_err(fail)?;
                let mut outline = diamond;
                outline.push(outline[0]);
                root.draw(&PathElement::new(outline, OUTSIDE.stroke_width(3))).map_err(fail)?;
            }
        }
    }
    Ok(())
}

/// The solid tint of side `side`'s simulated band (the legend shows the same).
fn band_colour(side: usize) -> RGBColor {
    tint(side_colour(side), 0.72)
}

/// The key above the panels, each sample exactly as the panels draw it (a
/// half per side for the band and the median); returns the y below it.
fn draw_backtest_legend<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    y: i32,
    sides: usize,
) -> Result<i32, String> {
    const SWATCH: i32 = 30;
    let sides = sides.max(1) as i32;
    let part = |x: i32, k: i32| (x + k * SWATCH / sides, x + (k + 1) * SWATCH / sides);
    let style = text(LEGEND_PX, FontStyle::Normal, &INK).pos(Pos::new(HPos::Left, VPos::Center));
    let mid = y + 12;
    let mut x = MARGIN;
    let mut entry = |draw: &dyn Fn(i32) -> Result<(), String>, label: &str| -> Result<(), String> {
        draw(x)?;
        root.draw(&Text::new(label.to_string(), (x + SWATCH + 8, mid), style.clone())).map_err(fail)?;
        x += SWATCH + 8 + text_width(label, &style)? + 30;
        Ok(())
    };
    entry(
        &|x| {
            (0..sides).try_for_each(|k| {
                let (a, b) = part(x, k);
                root.draw(&Rectangle::new([(a, mid - 8), (b, mid + 8)], band_colour(k as usize).filled())).map_err(fail)
            })
        },
        "simulated 10th–90th percentile",
    )?;
    entry(
        &|x| {
            (0..sides).try_for_each(|k| {
                let (a, b) = part(x, k);
                root.draw(&PathElement::new(vec![(a, mid), (b, mid)], side_colour(k as usize).stroke_width(3)))
                    .map_err(fail)
            })
        },
        "simulated median",
    )?;
    entry(
        &|x| {
            root.draw(&PathElement::new(vec![(x, mid), (x + SWATCH, mid)], OBSERVED.stroke_width(2))).map_err(fail)?;
            root.draw(&Circle::new((x + SWATCH / 2, mid), 6, OBSERVED.filled())).map_err(fail)
        },
        "observed, inside the band",
    )?;
    entry(
        &|x| {
            let c = (x + SWATCH / 2, mid);
            let d = 8;
            let pts = vec![(c.0, c.1 - d), (c.0 + d, c.1), (c.0, c.1 + d), (c.0 - d, c.1), (c.0, c.1 - d)];
            root.draw(&PathElement::new(pts, OUTSIDE.stroke_width(3))).map_err(fail)
        },
        "observed, outside the band",
    )?;
    Ok(y + 30)
}

/// `scores.png`: the backtest's scores. Left, the mean Brier and log scores
/// of the posture forecasts per forecaster (lower is better); right, the PIT
/// histogram of the observed index in the simulated distribution, with the
/// count a calibrated forecast would give per bin.
pub fn scores_chart(
    sc: &Scenario,
    history: &History,
    bt: &Backtest,
    scores: &[ScoreRow],
    train: Option<&str>,
    caption: &Caption,
    format: Format,
) -> Result<Vec<u8>, String> {
    render_chart(&ScoresFigure { sc, history, bt, scores, train, caption }, format)
}

struct ScoresFigure<'a> {
    sc: &'a Scenario,
    history: &'a History,
    bt: &'a Backtest,
    scores: &'a [ScoreRow],
    train: Option<&'a str>,
    caption: &'a Caption,
}

impl Draw for ScoresFigure<'_> {
    fn size(&self) -> (u32, u32) {
        SIZE
    }
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), String> {
        draw_scores(self, root)
    }
}

fn draw_scores<DB: DrawingBackend>(f: &ScoresFigure<'_>, root: &DrawingArea<DB, Shift>) -> Result<(), String> {
    let m = scoring::mean_scores(f.scores, None);
    // "fitted to H (period): us ...; china ..." → one line for the training
    // record, one per side's model.
    let mut lines: Vec<String> = match f.train {
        Some(t) => match t.split_once("): ") {
            Some((head, sides)) => std::iter::once(format!("Out of sample: strategies {head})"))
                .chain(sides.split("; ").map(|s| format!("    {s}")))
                .collect(),
            None => vec![format!("Out of sample: strategies {t}")],
        },
        None => vec!["In sample: the scenario's own strategies; baselines fitted to the same record".to_string()],
    };
    lines.extend([
        format!(
            "{} side-months, {} – {}; posture = D if a lever rose, forecast one month ahead; lower scores are better",
            m.n,
            f.history.round_label(1),
            f.history.round_label(f.bt.rounds)
        ),
        verdict_line(&m),
        format!("record: {} · scenario: {}", f.history.path.display(), f.sc.name),
        crate::report::Caption::stamp(f.bt.seed),
    ]);
    let top =
        draw_header(root, &f.caption.title_or(|title| format!("Backtest scores: {title} against the record")), &lines)?;
    let areas = panels(root, top);
    // Left: mean scores per forecaster, Brier and log side by side.
    let area = &areas[0];
    let head = panel_title(area, "Mean score per forecaster", "posture of both sides, one month ahead", INK)?;
    let (_, plot) = area.split_vertically(head);
    let ymax = m.brier.iter().chain(&m.log).filter(|x| x.is_finite()).fold(0.0f64, |a, &b| a.max(b)) * 1.15 + 0.05;
    let mut chart = panel_axes(&plot, -0.5..3.5, 0.0..ymax)?;
    let names = scoring::FORECASTERS;
    chart
        .configure_mesh()
        .bold_line_style(GRID)
        .light_line_style(TRANSPARENT)
        .axis_style(MUTED)
        .disable_x_mesh()
        .x_labels(4)
        .y_labels(6)
        .x_label_formatter(&|x| {
            let i = x.round();
            if (x - i).abs() > 1e-6 || !(0.0..4.0).contains(&i) {
                return String::new();
            }
            names[i as usize].replace('_', " ")
        })
        .y_label_formatter(&|y| format!("{y:.2}"))
        .x_label_style(text(TICK_PX, FontStyle::Normal, &INK))
        .y_label_style(text(TICK_PX, FontStyle::Normal, &INK))
        .x_desc("forecaster")
        .y_desc("mean score (lower is better)")
        .axis_desc_style(text(AXIS_PX - 3.0, FontStyle::Normal, &INK))
        .draw()
        .map_err(fail)?;
    let label_style = text(TICK_PX - 2.0, FontStyle::Normal, &INK).pos(Pos::new(HPos::Center, VPos::Bottom));
    for (k, (series, colour)) in [(&m.brier, side_colour(0)), (&m.log, side_colour(1))].into_iter().enumerate() {
        for (i, &v) in series.iter().enumerate() {
            if !v.is_finite() {
                continue;
            }
            let x0 = i as f64 - 0.38 + 0.38 * k as f64;
            chart.draw_series([Rectangle::new([(x0, 0.0), (x0 + 0.34, v)], colour.filled())]).map_err(fail)?;
            let (px, py) = chart.backend_coord(&(x0 + 0.17, v));
            root.draw(&Text::new(format!("{v:.3}"), (px, py - 4), label_style.clone())).map_err(fail)?;
        }
    }
    // Key: Brier / log colours.
    let style = text(LEGEND_PX, FontStyle::Normal, &INK).pos(Pos::new(HPos::Left, VPos::Center));
    let (ax, ay) = chart.backend_coord(&(-0.45, ymax));
    let mut x = ax + 10;
    for (label, colour) in [("Brier (p − y)²", side_colour(0)), ("log score −ln P(observed)", side_colour(1))] {
        root.draw(&Rectangle::new([(x, ay + 10), (x + 22, ay + 26)], colour.filled())).map_err(fail)?;
        root.draw(&Text::new(label.to_string(), (x + 30, ay + 18), style.clone())).map_err(fail)?;
        x += 30 + text_width(label, &style)? + 24;
    }
    // Right: PIT histogram.
    let area = &areas[1];
    let bins = 10;
    let pit = scoring::pit_histogram(f.scores, bins);
    let expected = f.scores.len() as f64 / bins as f64;
    let head = panel_title(
        area,
        "PIT of the observed escalation index",
        "its mid-rank percentile among the runs; a calibrated forecast fills the bins evenly (dashed)",
        INK,
    )?;
    let (_, plot) = area.split_vertically(head);
    let ymax = pit.iter().copied().max().unwrap_or(0).max(1) as f64 * 1.15 + 0.5;
    let mut chart = panel_axes(&plot, 0.0..1.0, 0.0..ymax)?;
    chart
        .configure_mesh()
        .bold_line_style(GRID)
        .light_line_style(TRANSPARENT)
        .axis_style(MUTED)
        .x_labels(11)
        .y_labels(6)
        .x_label_formatter(&|x| format!("{x:.1}"))
        .y_label_formatter(&|y| format!("{y:.0}"))
        .x_label_style(text(TICK_PX, FontStyle::Normal, &INK))
        .y_label_style(text(TICK_PX, FontStyle::Normal, &INK))
        .x_desc("PIT (0 = below every run, 1 = above every run)")
        .y_desc("side-months")
        .axis_desc_style(text(AXIS_PX - 3.0, FontStyle::Normal, &INK))
        .draw()
        .map_err(fail)?;
    for (b, &c) in pit.iter().enumerate() {
        let x0 = b as f64 / bins as f64;
        let bar =
            Rectangle::new([(x0 + 0.005, 0.0), (x0 + 0.1 - 0.005, c as f64)], tint(side_colour(0), 0.35).filled());
        chart.draw_series([bar]).map_err(fail)?;
    }
    chart
        .draw_series([DashedPathElement::new(vec![(0.0, expected), (1.0, expected)], 10, 6, INK.stroke_width(2))])
        .map_err(fail)?;
    Ok(())
}

/// "Beats the best naive baseline? Brier: no · log score: no · CRPS: yes".
fn verdict_line(m: &scoring::MeanScores) -> String {
    let word = |b: Option<bool>| match b {
        Some(true) => "yes",
        Some(false) => "NO",
        None => "not scored",
    };
    let [brier, log, crps] = scoring::beats(m);
    format!(
        "Does the model beat the best naive baseline? Brier: {} · log score: {} · CRPS of the index: {}",
        word(brier),
        word(log),
        word(crps)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calibrate::fit::{Candidate, FitConfig, Record, fit_side};

    const SC: &str = r#"
rounds = 3
[[sides]]
name = "us"
label = "United States"
strategy = { kind = "tit_for_tat" }
[[sides.levers]]
name = "tariffs"
ladder = [0, 1, 2]
pain = 1
[[sides]]
name = "china"
strategy = { kind = "tit_for_tat" }
[[sides.levers]]
name = "tariffs"
ladder = [0, 1, 2]
pain = 1
"#;

    #[test]
    fn both_charts_render_as_pngs_of_the_stated_size() {
        let sc = crate::scenario::parse(std::path::Path::new("s.toml"), SC).unwrap();
        let h = crate::calibrate::history::parse(
            std::path::Path::new("h.csv"),
            "round,date,side,lever,value,source\n0,2025-01-01,us,tariffs,0,s\n0,2025-01-01,china,tariffs,0,s\n2,2025-02-03,us,tariffs,1,s\n3,2025-03-03,china,tariffs,2,s\n",
            &sc,
        )
        .unwrap();
        let cfg = FitConfig {
            candidates: vec![Candidate::new("generous_tit_for_tat").unwrap(), Candidate::new("tit_for_tat").unwrap()],
            profile_points: 11,
        };
        let fits: Vec<SideFit> =
            (0..2).map(|i| fit_side(i, &Record::from_history(&h, &sc, i), &cfg).unwrap()).collect();
        let batch = crate::montecarlo::run_batch(
            &sc,
            &crate::montecarlo::McConfig { runs: 20, seed: 1 },
            &crate::montecarlo::Hooks::default(),
            None,
        )
        .unwrap();
        let bt = crate::calibrate::backtest::backtest(&sc, &h, &batch);
        for (name, result) in [
            ("fit.png", fit_chart(&sc, &h, &fits, &Caption::titled("fit"), Format::Png)),
            ("backtest.png", backtest_chart(&sc, &h, &bt, &Caption::titled("backtest"), Format::Png)),
        ] {
            let bytes = result.unwrap();
            let decoder = png::Decoder::new(std::io::Cursor::new(bytes));
            let reader = decoder.read_info().unwrap();
            assert_eq!((reader.info().width, reader.info().height), SIZE, "{name}");
        }
    }
}

/*!
`leverage.png`: what each lever is worth. One panel per side: a horizontal
bar per lever, its Shapley value on the chance that the *other* side makes
the first concession to a demand (percentage points), with the 95% interval
as a whisker, and the side's levers together as a last, darker bar.
*/

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::FontStyle;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::{
    AXIS_PX, Draw, Format, GRID, INK, LEGEND_PX, MARGIN, MUTED, TICK_PX, draw_fitted, draw_header, fail, render_chart,
    side_colour, text,
};
use crate::leverage::{Figure, LeverValues};
use crate::stats::Moments;

const SIZE: (u32, u32) = (1400, 720);

/// "China's", "United States'".
fn possessive(name: &str) -> String {
    if name.ends_with('s') { format!("{name}'") } else { format!("{name}'s") }
}

/// The chart for every side whose levers were valued.
pub fn leverage_chart(values: &[LeverValues], format: Format) -> Result<Vec<u8>, String> {
    render_chart(&LeverageFigure { values }, format)
}

struct LeverageFigure<'a> {
    values: &'a [LeverValues],
}

impl Draw for LeverageFigure<'_> {
    fn size(&self) -> (u32, u32) {
        SIZE
    }
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), String> {
        let Some(first) = self.values.first() else { return Ok(()) };
        let meta = &first.meta;
        let top = draw_header(
            root,
            &format!("What each lever is worth: {}", meta.scenario),
            &[
                "Shapley value of each lever on the chance that the other side makes the first concession to a demand, in \
                 percentage points; whiskers: 95% intervals"
                    .to_string(),
                format!(
                    "{} runs per variant (every subset of a side's levers), seed {}, common random numbers; a lever \
                     taken away stays at its bottom rung",
                    crate::report::thousands(meta.runs),
                    meta.seed
                ),
            ],
        )?;
        let (_, body) = root.split_vertically(top);
        let panels = body.split_evenly((1, self.values.len().max(1)));
        for (v, area) in self.values.iter().zip(panels) {
            draw_side(v, &area)?;
        }
        Ok(())
    }
}

fn draw_side<DB: DrawingBackend>(v: &LeverValues, area: &DrawingArea<DB, Shift>) -> Result<(), String> {
    let f = v.figures.iter().position(|f| *f == Figure::OtherConcedesFirst).unwrap_or(0);
    let colour = side_colour(v.side);
    let other = &v.meta.side_labels[1 - v.side];
    let width = area.dim_in_pixel().0 as i32 - 2 * MARGIN;
    draw_fitted(
        area,
        &format!("{} levers", possessive(&v.meta.side_labels[v.side])),
        &text(21.0, FontStyle::Bold, &colour),
        (MARGIN, 4),
        width,
    )?;
    draw_fitted(
        area,
        &format!("effect on P({other} gives way first)"),
        &text(LEGEND_PX, FontStyle::Normal, &MUTED),
        (MARGIN, 32),
        width,
    )?;
    let (_, plot) = area.split_vertically(60);
    // Bars: each lever, then all together; values in percentage points.
    let mut bars: Vec<(String, Moments, bool)> =
        v.levers.iter().enumerate().map(|(l, name)| (name.replace('_', " "), v.shapley[l][f], false)).collect();
    bars.push(("all levers".to_string(), v.total_effect[f], true));
    let pp = |m: &Moments| -> (f64, f64, f64) {
        let mean = 100.0 * m.mean().unwrap_or(0.0);
        let (lo, hi) = m.ci95().map_or((mean, mean), |(a, b)| (100.0 * a, 100.0 * b));
        (mean, lo, hi)
    };
    let (mut lo, mut hi) = (0.0f64, 0.0f64);
    for (_, m, _) in &bars {
        let (_, a, b) = pp(m);
        lo = lo.min(a);
        hi = hi.max(b);
    }
    let pad = ((hi - lo) * 0.08).max(1.0);
    let (lo, hi) = (lo - pad, hi + pad);
    let n = bars.len();
    let mut chart = super::panel_builder(&plot, 170).build_cartesian_2d(lo..hi, 0.0..n as f64).map_err(fail)?;
    let names: Vec<String> = bars.iter().map(|b| b.0.clone()).collect();
    chart
        .configure_mesh()
        .bold_line_style(GRID)
        .light_line_style(TRANSPARENT)
        .axis_style(MUTED)
        .disable_y_mesh()
        .x_labels(8)
        .y_labels(n * 2 + 1)
        .x_label_formatter(&|x| format!("{x:+.0}"))
        .y_label_formatter(&|y| super::bar_label(&names, *y))
        .x_label_style(text(TICK_PX, FontStyle::Normal, &INK))
        .y_label_style(text(TICK_PX, FontStyle::Normal, &INK))
        .x_desc("percentage points")
        .axis_desc_style(text(AXIS_PX - 2.0, FontStyle::Normal, &INK))
        .draw()
        .map_err(fail)?;
    chart.draw_series(std::iter::once(PathElement::new(vec![(0.0, 0.0), (0.0, n as f64)], INK))).map_err(fail)?;
    for (k, (_, m, total)) in bars.iter().enumerate() {
        let y = (n - 1 - k) as f64;
        let (mean, a, b) = pp(m);
        let fill = if *total { colour.mix(0.95) } else { colour.mix(0.55) };
        chart
            .draw_series(std::iter::once(Rectangle::new([(0.0, y + 0.2), (mean, y + 0.8)], fill.filled())))
            .map_err(fail)?;
        chart.draw_series(super::whisker(a, b, y + 0.5)).map_err(fail)?;
        // "+0.0", never "-0.0".
        let label = if mean.abs() < 0.05 { "0.0".to_string() } else { format!("{mean:+.1}") };
        let style = text(TICK_PX, FontStyle::Bold, &INK);
        let (x, anchor) = if mean >= 0.0 { (b, HPos::Left) } else { (a, HPos::Right) };
        chart
            .draw_series(std::iter::once(Text::new(label, (x, y + 0.5), style.pos(Pos::new(anchor, VPos::Center)))))
            .map_err(fail)?;
    }
    Ok(())
}

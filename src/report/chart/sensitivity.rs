/*!
`sensitivity.png`: which uncertain inputs drive the odds. One panel per
figure, P(vicious cycle) and P(détente): a horizontal bar per input, ranked,
its total Sobol index (light) with the first-order index inside it (dark),
whiskers for the 95% bootstrap interval of the total.
*/

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::FontStyle;

use super::{
    AXIS_PX, Draw, Format, GRID, INK, LEGEND_PX, MARGIN, MUTED, TICK_PX, draw_fitted, draw_header, fail, render_chart,
    side_colour, text,
};
use crate::sensitivity::Sensitivity;

const SIZE: (u32, u32) = (1500, 760);

pub fn sensitivity_chart(s: &Sensitivity, format: Format) -> Result<Vec<u8>, String> {
    render_chart(&Figure { s }, format)
}

struct Figure<'a> {
    s: &'a Sensitivity,
}

impl Draw for Figure<'_> {
    fn size(&self) -> (u32, u32) {
        let rows = self.s.inputs.len().min(crate::sensitivity::TOP) as u32;
        (SIZE.0, SIZE.1.max(220 + 46 * rows))
    }
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), String> {
        let s = self.s;
        let top = draw_header(
            root,
            &format!("What drives the odds: {}", s.scenario),
            &[
                format!(
                    "Sobol indices: share of the variance of each figure due to each input (the {} largest of {}); \
                     light bar: total (with interactions), dark bar: first order (alone); whiskers: 95% interval \
                     of the total",
                    s.inputs.len().min(crate::sensitivity::TOP),
                    s.inputs.len()
                ),
                format!(
                    "{} samples × {} evaluations × {} runs (Saltelli design, common random numbers), seed {}",
                    crate::report::thousands(s.samples),
                    s.inputs.len() + 2,
                    s.inner,
                    s.seed
                ),
            ],
        )?;
        let (_, body) = root.split_vertically(top);
        let panels = body.split_evenly((1, 2));
        for (f, area) in panels.iter().enumerate() {
            panel(s, f, area)?;
        }
        Ok(())
    }
}

fn panel<DB: DrawingBackend>(s: &Sensitivity, f: usize, area: &DrawingArea<DB, Shift>) -> Result<(), String> {
    let colour = side_colour(f);
    let width = area.dim_in_pixel().0 as i32 - 2 * MARGIN;
    draw_fitted(
        area,
        &format!("{}: mean {}", s.titles[f], crate::fmt::percent(s.mean[f])),
        &text(21.0, FontStyle::Bold, &INK),
        (MARGIN, 4),
        width,
    )?;
    draw_fitted(
        area,
        &format!("variance over the design {:.4}", s.variance[f]),
        &text(LEGEND_PX, FontStyle::Normal, &MUTED),
        (MARGIN, 32),
        width,
    )?;
    let (_, plot) = area.split_vertically(60);
    let mut order = s.ranked(f);
    order.truncate(crate::sensitivity::TOP);
    let n = order.len();
    let names: Vec<String> = order.iter().map(|&i| crate::report::table::shorten(&s.short_label(i), 44)).collect();
    let hi = order.iter().map(|&i| s.total[f][i].ci_high).fold(0.1f64, f64::max).min(1.2) * 1.08;
    let mut chart = super::panel_builder(&plot, 300).build_cartesian_2d(0.0..hi, 0.0..n as f64).map_err(fail)?;
    chart
        .configure_mesh()
        .bold_line_style(GRID)
        .light_line_style(TRANSPARENT)
        .axis_style(MUTED)
        .disable_y_mesh()
        .x_labels(6)
        .y_labels(n * 2 + 1)
        .x_label_formatter(&|x| format!("{x:.1}"))
        .y_label_formatter(&|y| super::bar_label(&names, *y))
        .x_label_style(text(TICK_PX, FontStyle::Normal, &INK))
        .y_label_style(text(TICK_PX - 1.0, FontStyle::Normal, &INK))
        .x_desc("share of variance (Sobol index)")
        .axis_desc_style(text(AXIS_PX - 2.0, FontStyle::Normal, &INK))
        .draw()
        .map_err(fail)?;
    for (k, &i) in order.iter().enumerate() {
        let y = (n - 1 - k) as f64;
        let (first, total) = (s.first[f][i], s.total[f][i]);
        let t = total.value.max(0.0);
        let s1 = first.value.clamp(0.0, t.max(0.0));
        chart
            .draw_series([
                Rectangle::new([(0.0, y + 0.15), (t, y + 0.85)], colour.mix(0.35).filled()),
                Rectangle::new([(0.0, y + 0.3), (s1, y + 0.7)], colour.mix(0.95).filled()),
            ])
            .map_err(fail)?;
        let (a, b) = (total.ci_low.max(0.0), total.ci_high.min(hi));
        chart.draw_series(super::whisker(a, b, y + 0.5)).map_err(fail)?;
    }
    Ok(())
}

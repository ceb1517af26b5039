/*!
`truces.png`: how long truces last. Left, each truce's Kaplan–Meier survival
curve (the share of its spells still in force after d rounds, with a 95%
band); right, the share of runs in which it is in force, round by round, with
the rounds where it began and collapsed most often visible as the curve's
steps.
*/

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::FontStyle;

use super::{
    AXIS_PX, BAND_ALPHA, Draw, Format, GRID, INK, LEGEND_PX, MARGIN, MUTED, TICK_PX, draw_fitted, draw_header, fail,
    render_chart, side_colour, text,
};
use crate::montecarlo::RunMeta;
use crate::report::truces::TruceReport;

const SIZE: (u32, u32) = (1400, 720);

/// The chart of every truce of a run.
pub fn truces_chart(meta: &RunMeta, truces: &[TruceReport], format: Format) -> Result<Vec<u8>, String> {
    render_chart(&Figure { meta, truces }, format)
}

struct Figure<'a> {
    meta: &'a RunMeta,
    truces: &'a [TruceReport],
}

/// A truce's colour (Okabe–Ito, cycling).
fn colour(k: usize) -> RGBColor {
    side_colour(k)
}

impl Draw for Figure<'_> {
    fn size(&self) -> (u32, u32) {
        SIZE
    }
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), String> {
        let m = self.meta;
        let top = draw_header(
            root,
            &format!("How long the truces last: {}", m.scenario),
            &[format!(
                "{} runs, seed {}, {} {}s; left: share of truce spells still in force (Kaplan–Meier, 95% band); \
                 right: share of runs with the truce in force",
                crate::report::thousands(m.runs),
                m.seed,
                m.rounds,
                m.round_unit
            )],
        )?;
        // Legend line: one swatch per truce.
        let mut x = MARGIN;
        let y = top + 4;
        let style = text(LEGEND_PX, FontStyle::Normal, &INK);
        for (k, t) in self.truces.iter().enumerate() {
            root.draw(&Rectangle::new([(x, y + 4), (x + 24, y + 10)], colour(k).filled())).map_err(fail)?;
            let label = format!("{}{}", t.label, if t.negotiated { " (negotiated)" } else { "" });
            let w = (root.dim_in_pixel().0 as i32 - x - MARGIN).max(40);
            draw_fitted(root, &label, &style, (x + 30, y), w.min(560))?;
            x += 30 + (style.font.box_size(&label).map(|b| b.0 as i32).unwrap_or(200)).min(560) + 28;
        }
        let (_, body) = root.split_vertically(top + 34);
        let panels = body.split_evenly((1, 2));
        let rounds = self.meta.rounds.max(1) as f64;

        // Survival.
        let mut chart =
            share_panel(&panels[0], rounds, &format!("{}s in force", self.meta.round_unit), "spells still in force")?;
        for (k, t) in self.truces.iter().enumerate() {
            let c = colour(k);
            // Step curves: S holds from d − 1 to d.
            let mut line = vec![(0.0, 1.0)];
            let mut upper = vec![(0.0, 1.0)];
            let mut lower = vec![(0.0, 1.0)];
            let mut prev = (1.0, 1.0, 1.0);
            for p in &t.survival {
                let d = p.rounds as f64;
                line.push((d, prev.0));
                line.push((d, p.survival));
                upper.push((d, prev.1));
                upper.push((d, p.ci_high));
                lower.push((d, prev.2));
                lower.push((d, p.ci_low));
                prev = (p.survival, p.ci_high, p.ci_low);
            }
            let mut band = upper.clone();
            band.extend(lower.iter().rev());
            chart.draw_series(std::iter::once(Polygon::new(band, c.mix(BAND_ALPHA).filled()))).map_err(fail)?;
            chart.draw_series(std::iter::once(PathElement::new(line, c.stroke_width(3)))).map_err(fail)?;
        }

        // In force by round.
        let mut chart = share_panel(
            &panels[1],
            rounds,
            &format!("{} (1 = the first)", self.meta.round_unit),
            "runs with the truce in force",
        )?;
        for (k, t) in self.truces.iter().enumerate() {
            let c = colour(k);
            let mut line = Vec::new();
            for (round, &share) in t.in_force.iter().enumerate().skip(1).take(self.meta.rounds as usize) {
                line.push((round as f64 - 1.0, share));
                line.push((round as f64, share));
            }
            chart.draw_series(std::iter::once(PathElement::new(line, c.stroke_width(3)))).map_err(fail)?;
        }
        Ok(())
    }
}

/// A panel of shares (0–100%) over rounds 0..`rounds`, its axes drawn.
fn share_panel<'a, DB: DrawingBackend>(
    area: &'a DrawingArea<DB, Shift>,
    rounds: f64,
    x_desc: &str,
    y_desc: &str,
) -> Result<
    ChartContext<'a, DB, Cartesian2d<plotters::coord::types::RangedCoordf64, plotters::coord::types::RangedCoordf64>>,
    String,
> {
    let mut chart = super::panel_builder(area, 70).build_cartesian_2d(0.0..rounds, 0.0..1.02).map_err(fail)?;
    chart
        .configure_mesh()
        .bold_line_style(GRID)
        .light_line_style(TRANSPARENT)
        .axis_style(MUTED)
        .x_label_style(text(TICK_PX, FontStyle::Normal, &INK))
        .y_label_style(text(TICK_PX, FontStyle::Normal, &INK))
        .x_label_formatter(&|x| format!("{x:.0}"))
        .y_label_formatter(&|y| format!("{:.0}%", 100.0 * y))
        .x_desc(x_desc)
        .y_desc(y_desc)
        .axis_desc_style(text(AXIS_PX - 2.0, FontStyle::Normal, &INK))
        .draw()
        .map_err(fail)?;
    Ok(chart)
}

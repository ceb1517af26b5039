/*!
`compare.png`: the paired difference B − A of every probability the
comparison reports, in percentage points, with its 95% interval.
*/

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::FontStyle;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::{AXIS_PX, Draw, Format, GRID, INK, MUTED, TICK_PX, draw_header, fail, render_chart, side_colour, text};
use crate::montecarlo::RunMeta;
use crate::report::compare::CompareRow;

const SIZE: (u32, u32) = (1200, 760);

pub fn compare_chart(rows: &[CompareRow], meta: &RunMeta, a: &str, b: &str, format: Format) -> Result<Vec<u8>, String> {
    render_chart(&Figure { rows, meta, a, b }, format)
}

struct Figure<'a> {
    rows: &'a [CompareRow],
    meta: &'a RunMeta,
    a: &'a str,
    b: &'a str,
}

impl Draw for Figure<'_> {
    fn size(&self) -> (u32, u32) {
        SIZE
    }
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), String> {
        let top = draw_header(
            root,
            &format!("What changes: {} against {}", self.b, self.a),
            &[format!(
                "Paired difference B − A in percentage points, 95% intervals; {} runs each with the same random numbers, seed {}",
                crate::report::thousands(self.meta.runs),
                self.meta.seed
            )],
        )?;
        let (_, plot) = root.split_vertically(top);
        let rows: Vec<&CompareRow> = self.rows.iter().filter(|r| r.is_share).collect();
        let pp = |r: &CompareRow| {
            let m = 100.0 * r.diff.mean.unwrap_or(0.0);
            (m, 100.0 * r.diff.ci_low.unwrap_or(m / 100.0), 100.0 * r.diff.ci_high.unwrap_or(m / 100.0))
        };
        let (mut lo, mut hi) = (0.0f64, 0.0f64);
        for r in &rows {
            let (_, a, b) = pp(r);
            lo = lo.min(a);
            hi = hi.max(b);
        }
        let pad = ((hi - lo) * 0.1).max(1.0);
        let (lo, hi) = (lo - pad, hi + pad);
        let n = rows.len().max(1);
        let names: Vec<String> = rows.iter().map(|r| r.title.clone()).collect();
        let mut chart = super::panel_builder(&plot, 300).build_cartesian_2d(lo..hi, 0.0..n as f64).map_err(fail)?;
        chart
            .configure_mesh()
            .bold_line_style(GRID)
            .light_line_style(TRANSPARENT)
            .axis_style(MUTED)
            .disable_y_mesh()
            .x_labels(8)
            .y_labels(n * 2 + 1)
            .x_label_formatter(&|x| format!("{x:+.0}"))
            .y_label_formatter(&|y| {
                let k = (n as f64 - y - 0.5).round();
                if (n as f64 - y - 0.5 - k).abs() < 1e-6 && k >= 0.0 && (k as usize) < names.len() {
                    names[k as usize].clone()
                } else {
                    String::new()
                }
            })
            .x_label_style(text(TICK_PX, FontStyle::Normal, &INK))
            .y_label_style(text(TICK_PX, FontStyle::Normal, &INK))
            .x_desc("percentage points (B − A)")
            .axis_desc_style(text(AXIS_PX - 2.0, FontStyle::Normal, &INK))
            .draw()
            .map_err(fail)?;
        chart.draw_series(std::iter::once(PathElement::new(vec![(0.0, 0.0), (0.0, n as f64)], INK))).map_err(fail)?;
        let colour = side_colour(0);
        for (k, r) in rows.iter().enumerate() {
            let y = (n - 1 - k) as f64;
            let (m, a, b) = pp(r);
            chart
                .draw_series(std::iter::once(Rectangle::new(
                    [(0.0, y + 0.25), (m, y + 0.75)],
                    colour.mix(0.6).filled(),
                )))
                .map_err(fail)?;
            chart
                .draw_series([
                    PathElement::new(vec![(a, y + 0.5), (b, y + 0.5)], INK.stroke_width(2)),
                    PathElement::new(vec![(a, y + 0.4), (a, y + 0.6)], INK.stroke_width(2)),
                    PathElement::new(vec![(b, y + 0.4), (b, y + 0.6)], INK.stroke_width(2)),
                ])
                .map_err(fail)?;
            let (x, anchor) = if m >= 0.0 { (b, HPos::Left) } else { (a, HPos::Right) };
            chart
                .draw_series(std::iter::once(Text::new(
                    format!(" {m:+.1} "),
                    (x, y + 0.5),
                    text(TICK_PX, FontStyle::Bold, &INK).pos(Pos::new(anchor, VPos::Center)),
                )))
                .map_err(fail)?;
        }
        Ok(())
    }
}

/*!
The tournament heatmap: the probability of a vicious cycle in each cell (rows:
the first side's candidates, columns: the second side's), with each side's
best responses and the equilibria of the meta-game marked, and a key and the
list of equilibria in a panel on the right.

Drawn from the same `TournamentReport` rows as `payoffs.csv` and
`equilibria.csv`, with the helpers and style of `chart` (embedded DejaVu
font, Okabe–Ito side colours, in-memory render then atomic write). The canvas
is at least 1200 × 700 and grows with the number of candidates so that cells
keep room for their text.
*/

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::FontStyle;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::{
    AXIS_PX, Draw, Format, INK, LEGEND_PX, MARGIN, MUTED, SIZE, TICK_PX, count, draw_header, fail, percent,
    render_chart, side_colour, text, text_width, truncate_to_fit,
};
use crate::report::Caption;
use crate::report::tournament::mix_words;
use crate::tournament::{Response, TIE_Z, TournamentReport};

/// Heatmap of P(vicious cycle) per cell with best responses and equilibria.
pub fn tournament_chart(report: &TournamentReport, caption: &Caption, format: Format) -> Result<Vec<u8>, String> {
    render_chart(&Heatmap { r: report, caption }, format)
}

struct Heatmap<'a> {
    r: &'a TournamentReport,
    caption: &'a Caption,
}

/// Widest row-label column (narrower when the labels are short), and the
/// width of the key panel on the right.
const ROW_LABELS_W: i32 = 250;
const PANEL_W: i32 = 390;
/// Gap between the heatmap and the panel; room for the rotated row title.
const GAP: i32 = 36;
const ROW_TITLE_W: i32 = 30;
/// Height of the header (title and three subtitles) and of the column labels.
const HEADER_H: i32 = 150;
const COL_LABELS_H: i32 = 74;
/// Cell size limits.
const MIN_CELL_W: i32 = 190;
const MAX_CELL_W: i32 = 420;
const MIN_CELL_H: i32 = 126;
const MAX_CELL_H: i32 = 300;
/// Equilibria listed in the panel before "and k more".
const MAX_LISTED: usize = 8;
/// Best-response dot radius, equilibrium badge size.
const DOT_R: i32 = 7;
const BADGE: (i32, i32) = (26, 20);
/// Height of a cell's top strip (badges, dots) and of its text block.
const STRIP_H: i32 = 30;
const BODY_H: i32 = 88;

impl Heatmap<'_> {
    fn shape(&self) -> (usize, usize) {
        (self.r.setup.candidates[0].len(), self.r.setup.candidates[1].len())
    }

    /// Width of the row-label column: the widest label and a gap, at most
    /// `ROW_LABELS_W` (longer labels wrap).
    fn row_labels_w(&self) -> i32 {
        let style = text(LEGEND_PX, FontStyle::Normal, &INK);
        let widest = self.r.labels[0].iter().map(|l| text_width(l, &style).unwrap_or(ROW_LABELS_W)).max().unwrap_or(0);
        (widest + 26).clamp(100, ROW_LABELS_W)
    }

    /// Height the panel needs: colour bar, key, then the equilibria list.
    fn panel_height(&self) -> i32 {
        let listed = self.r.equilibria.len().min(MAX_LISTED) as i32;
        70 + 5 * 28 + 2 * 24 + 20 + 44 + listed * 66 + 40
    }
}

impl Draw for Heatmap<'_> {
    fn size(&self) -> (u32, u32) {
        let (n, m) = self.shape();
        let width = 2 * MARGIN + ROW_TITLE_W + self.row_labels_w() + m as i32 * MIN_CELL_W + GAP + PANEL_W;
        let grid_h = HEADER_H + COL_LABELS_H + n as i32 * MIN_CELL_H + MARGIN;
        let height = grid_h.max(HEADER_H + self.panel_height());
        (SIZE.0.max(width as u32), SIZE.1.max(height as u32))
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), String> {
        let r = self.r;
        let (n, m) = self.shape();
        let (width, height) = self.size();
        let (width, height) = (width as i32, height as i32);
        let [a, b] = [&r.setup.meta.side_labels[0], &r.setup.meta.side_labels[1]];
        let source = if self.caption.file.is_empty() { String::new() } else { format!("{} · ", self.caption.file) };
        let header_h = draw_header(
            root,
            &self.caption.title,
            &[
                format!("Strategy tournament: probability of a vicious cycle for each pair of strategies ({a} × {b})"),
                format!(
                    "{source}{} per cell × {}, the same random numbers in every cell",
                    count(r.setup.meta.runs, "run"),
                    count(u64::from(r.setup.meta.rounds), &r.setup.meta.round_unit),
                ),
                Caption::stamp(r.setup.meta.seed),
            ],
        )?
        .max(HEADER_H - 12)
            + 12;

        // Grid geometry: the cells take the room the labels and the panel
        // leave, so that a small tournament fills the image.
        let row_labels_w = self.row_labels_w();
        let grid_left = MARGIN + ROW_TITLE_W + row_labels_w;
        let avail_w = width - grid_left - GAP - PANEL_W - MARGIN;
        let cell_w = (avail_w / m as i32).clamp(MIN_CELL_W, MAX_CELL_W);
        let grid_top = header_h + COL_LABELS_H;
        let cell_h = ((height - grid_top - MARGIN) / n as i32).clamp(MIN_CELL_H, MAX_CELL_H);
        let cell = |i: usize, j: usize| (grid_left + j as i32 * cell_w, grid_top + i as i32 * cell_h);

        // Axis titles and labels.
        let title_style = text(AXIS_PX, FontStyle::Bold, &INK);
        let grid_w = m as i32 * cell_w;
        root.draw(&Text::new(
            format!("{} strategy", possessive(b)),
            (grid_left + grid_w / 2, header_h + 4),
            title_style.pos(Pos::new(HPos::Center, VPos::Top)),
        ))
        .map_err(fail)?;
        let rotated = title_style.transform(FontTransform::Rotate270).pos(Pos::new(HPos::Center, VPos::Center));
        root.draw(&Text::new(
            format!("{} strategy", possessive(a)),
            (MARGIN + 10, grid_top + n as i32 * cell_h / 2),
            rotated,
        ))
        .map_err(fail)?;
        let label_style = text(LEGEND_PX, FontStyle::Normal, &INK);
        for j in 0..m {
            let lines = wrap(&r.labels[1][j], cell_w - 10, 2, &|s| text_width(s, &label_style))?;
            let (x, _) = cell(0, j);
            let bottom = grid_top - 8;
            for (k, line) in lines.iter().enumerate() {
                let y = bottom - (lines.len() - 1 - k) as i32 * 21;
                let style = label_style.pos(Pos::new(HPos::Center, VPos::Bottom));
                root.draw(&Text::new(line.clone(), (x + cell_w / 2, y), style)).map_err(fail)?;
            }
        }
        for i in 0..n {
            let lines = wrap(&r.labels[0][i], row_labels_w - 14, 2, &|s| text_width(s, &label_style))?;
            let (_, y) = cell(i, 0);
            let mid = y + cell_h / 2;
            for (k, line) in lines.iter().enumerate() {
                let dy = (2 * k as i32 - (lines.len() as i32 - 1)) * 11;
                let style = label_style.pos(Pos::new(HPos::Right, VPos::Center));
                root.draw(&Text::new(line.clone(), (grid_left - 12, mid + dy), style)).map_err(fail)?;
            }
        }

        // Cells.
        for i in 0..n {
            for j in 0..m {
                let (x, y) = cell(i, j);
                self.draw_cell(root, i, j, (x, y), (cell_w, cell_h))?;
            }
        }
        self.draw_panel(root, (grid_left + grid_w + GAP, header_h))
    }
}

impl Heatmap<'_> {
    fn draw_cell<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        i: usize,
        j: usize,
        (x, y): (i32, i32),
        (w, h): (i32, i32),
    ) -> Result<(), String> {
        let r = self.r;
        let c = r.cell(i, j);
        let fill = heat(c.vicious_cycle.p);
        root.draw(&Rectangle::new([(x + 1, y + 1), (x + w - 1, y + h - 1)], fill.filled())).map_err(fail)?;
        let ink = if is_dark(fill) { WHITE } else { INK };
        let mid = x + w / 2;
        let centred = Pos::new(HPos::Center, VPos::Center);
        let big = text(24.0, FontStyle::Bold, &ink).pos(centred);
        let small = text(TICK_PX - 2.0, FontStyle::Normal, &ink).pos(centred);
        // A strip for badges and dots on top, then four lines of text.
        let body = y + STRIP_H + (h - STRIP_H - BODY_H) / 2;
        root.draw(&Text::new(percent(c.vicious_cycle.p), (mid, body + 12), big)).map_err(fail)?;
        let ci = format!("95% CI {}", crate::fmt::interval(c.vicious_cycle.ci_low, c.vicious_cycle.ci_high));
        let lines = [
            ci,
            format!("détente {}", percent(c.detente.p)),
            format!(
                "welfare {} / {}",
                crate::fmt::welfare(Some(c.welfare[0])),
                crate::fmt::welfare(Some(c.welfare[1]))
            ),
        ];
        for (k, line) in lines.iter().enumerate() {
            let line = truncate_to_fit(line, w - 12, &|s| text_width(s, &small))?;
            root.draw(&Text::new(line, (mid, body + 38 + 19 * k as i32), small.clone())).map_err(fail)?;
        }

        // Pure equilibrium: a heavy frame (dark, lined with white so that it
        // shows on dark cells too); badges for every equilibrium using the cell.
        let pure = r.equilibria.iter().any(|e| e.is_pure() && e.support(0) == [i] && e.support(1) == [j]);
        if pure {
            root.draw(&Rectangle::new([(x + 2, y + 2), (x + w - 2, y + h - 2)], INK.stroke_width(4))).map_err(fail)?;
            root.draw(&Rectangle::new([(x + 5, y + 5), (x + w - 5, y + h - 5)], WHITE.stroke_width(1)))
                .map_err(fail)?;
        }
        let dots_left = x + w - 2 * (2 * DOT_R + 8) - 4;
        let mut bx = x + 8;
        for (k, e) in r.equilibria.iter().enumerate() {
            if !(e.support(0).contains(&i) && e.support(1).contains(&j)) {
                continue;
            }
            if bx + BADGE.0 > dots_left {
                break;
            }
            badge(root, (bx, y + 8), &(k + 1).to_string(), e.is_pure())?;
            bx += BADGE.0 + 4;
        }

        // Best responses, top right: the row side's dot, then the column side's.
        for side in 0..2 {
            let centre = (x + w - 10 - DOT_R - (1 - side as i32) * (2 * DOT_R + 8), y + 8 + BADGE.1 / 2);
            match c.best_response[side] {
                Response::Best => dot(root, centre, side, true)?,
                Response::Tied => dot(root, centre, side, false)?,
                Response::No => {}
            }
        }
        Ok(())
    }

    /// Colour bar, key and the list of equilibria, from `(x, y)` down.
    fn draw_panel<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        (x, mut y): (i32, i32),
    ) -> Result<(), String> {
        let r = self.r;
        let style = text(LEGEND_PX, FontStyle::Normal, &INK);
        let heading = text(LEGEND_PX + 1.0, FontStyle::Bold, &INK);
        let top_left = Pos::new(HPos::Left, VPos::Top);
        let left_mid = Pos::new(HPos::Left, VPos::Center);

        // Colour bar 0–100%.
        root.draw(&Text::new("probability of a vicious cycle", (x, y), heading.pos(top_left))).map_err(fail)?;
        y += 26;
        let bar_w = PANEL_W - 20;
        for px in 0..bar_w {
            let c = heat(px as f64 / (bar_w - 1) as f64);
            root.draw(&Rectangle::new([(x + px, y), (x + px + 1, y + 16)], c.filled())).map_err(fail)?;
        }
        let tick = text(TICK_PX - 2.0, FontStyle::Normal, &MUTED);
        for q in 0..=4 {
            let tx = x + q * (bar_w - 1) / 4;
            let pos = match q {
                0 => HPos::Left,
                4 => HPos::Right,
                _ => HPos::Center,
            };
            root.draw(&Text::new(format!("{}%", q * 25), (tx, y + 20), tick.pos(Pos::new(pos, VPos::Top))))
                .map_err(fail)?;
        }
        y += 52;

        // Key.
        let key_w = PANEL_W - 40;
        let fit = |s: &str| truncate_to_fit(s, key_w, &|t| text_width(t, &style));
        for side in 0..2 {
            let mid = y + 12;
            dot(root, (x + 10, mid), side, true)?;
            let label = fit(&format!("best response of {}", r.setup.meta.side_labels[side]))?;
            root.draw(&Text::new(label, (x + 26, mid), style.pos(left_mid))).map_err(fail)?;
            y += 28;
        }
        dot(root, (x + 10, y + 12), 0, false)?;
        dot(root, (x + 30, y + 12), 1, false)?;
        let label = fit(&format!("hollow: within {TIE_Z} standard errors of the best"))?;
        root.draw(&Text::new(label, (x + 46, y + 12), style.pos(left_mid))).map_err(fail)?;
        y += 28;
        badge(root, (x, y + 2), "1", true)?;
        root.draw(&Rectangle::new([(x + 30, y), (x + 56, y + 24)], INK.stroke_width(3))).map_err(fail)?;
        root.draw(&Text::new(fit("pure equilibrium (numbered)")?, (x + 64, y + 12), style.pos(left_mid)))
            .map_err(fail)?;
        y += 28;
        badge(root, (x, y + 2), "2", false)?;
        root.draw(&Text::new(fit("cell played in a mixed equilibrium")?, (x + 34, y + 12), style.pos(left_mid)))
            .map_err(fail)?;
        y += 28;
        let welfare = format!(
            "welfare: mean cumulative welfare per run, in {} ({} / {})",
            r.setup.meta.welfare_unit, r.setup.meta.side_labels[0], r.setup.meta.side_labels[1]
        );
        for line in wrap(&welfare, key_w, 2, &|t| text_width(t, &style))? {
            root.draw(&Text::new(line, (x, y + 12), style.pos(left_mid))).map_err(fail)?;
            y += 24;
        }
        y += 20;

        // Equilibria.
        let title = if r.degenerate {
            format!("{} extreme equilibria (degenerate game)", r.equilibria.len())
        } else if r.equilibria.len() == 1 {
            "1 equilibrium".to_string()
        } else {
            format!("{} equilibria", r.equilibria.len())
        };
        root.draw(&Text::new(title, (x, y), heading.pos(top_left))).map_err(fail)?;
        y += 28;
        let detail = text(TICK_PX - 1.0, FontStyle::Normal, &MUTED);
        let fit_detail = |s: &str| truncate_to_fit(s, PANEL_W - 34, &|t| text_width(t, &detail));
        for (k, e) in r.equilibria.iter().enumerate().take(MAX_LISTED) {
            badge(root, (x, y), &(k + 1).to_string(), e.is_pure())?;
            let summary = format!(
                "détente {} · vicious {}{}",
                percent(e.detente),
                percent(e.vicious_cycle),
                if e.pareto_efficient { " · Pareto-efficient" } else { "" }
            );
            let summary = truncate_to_fit(&summary, PANEL_W - 34, &|t| text_width(t, &style))?;
            root.draw(&Text::new(summary, (x + BADGE.0 + 8, y + BADGE.1 / 2), style.pos(left_mid))).map_err(fail)?;
            for side in 0..2 {
                let line = fit_detail(&format!("{}: {}", r.setup.meta.side_labels[side], mix_words(r, e, side)))?;
                root.draw(&Text::new(line, (x + BADGE.0 + 8, y + 24 + side as i32 * 19), detail.pos(top_left)))
                    .map_err(fail)?;
            }
            y += 66;
        }
        if r.equilibria.len() > MAX_LISTED {
            let more = format!("and {} more: see equilibria.csv", r.equilibria.len() - MAX_LISTED);
            root.draw(&Text::new(more, (x, y), detail.pos(top_left))).map_err(fail)?;
        }
        Ok(())
    }
}

/// A numbered equilibrium badge with its top-left corner at `(x, y)`: filled
/// for a pure equilibrium, outlined for a mixed one.
fn badge<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    (x, y): (i32, i32),
    label: &str,
    pure: bool,
) -> Result<(), String> {
    let corners = [(x, y), (x + BADGE.0, y + BADGE.1)];
    let ink = if pure {
        root.draw(&Rectangle::new(corners, INK.filled())).map_err(fail)?;
        WHITE
    } else {
        root.draw(&Rectangle::new(corners, WHITE.filled())).map_err(fail)?;
        root.draw(&Rectangle::new(corners, INK.stroke_width(2))).map_err(fail)?;
        INK
    };
    let style = text(TICK_PX - 1.0, FontStyle::Bold, &ink).pos(Pos::new(HPos::Center, VPos::Center));
    root.draw(&Text::new(label.to_string(), (x + BADGE.0 / 2, y + BADGE.1 / 2), style)).map_err(fail)
}

/// A best-response dot in the side's colour, on a white ring so that it
/// shows on any cell colour; hollow for "within the Monte Carlo error".
fn dot<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    centre: (i32, i32),
    side: usize,
    filled: bool,
) -> Result<(), String> {
    let colour = side_colour(side);
    root.draw(&Circle::new(centre, DOT_R + 2, WHITE.filled())).map_err(fail)?;
    let style = if filled { colour.filled() } else { colour.stroke_width(3) };
    root.draw(&Circle::new(centre, if filled { DOT_R } else { DOT_R - 1 }, style)).map_err(fail)
}

/// `s` on one line if it fits, else in at most `max_lines` lines of at most
/// `width` pixels, broken before a parenthesis or at spaces; a line that
/// still does not fit is cut with `…`.
fn wrap(
    s: &str,
    width: i32,
    max_lines: usize,
    measure: &dyn Fn(&str) -> Result<i32, String>,
) -> Result<Vec<String>, String> {
    if measure(s)? <= width {
        return Ok(vec![s.to_string()]);
    }
    // Break before a parenthesis when that gives lines that fit.
    if max_lines >= 2
        && let Some(k) = s.find(" (")
        && measure(&s[..k])? <= width
        && measure(&s[k + 1..])? <= width
    {
        return Ok(vec![s[..k].to_string(), s[k + 1..].to_string()]);
    }
    let words: Vec<&str> = s.split_whitespace().collect();
    let mut lines = Vec::new();
    let mut current = String::new();
    for (k, word) in words.iter().enumerate() {
        let candidate = if current.is_empty() { word.to_string() } else { format!("{current} {word}") };
        if current.is_empty() || measure(&candidate)? <= width {
            current = candidate;
        } else if lines.len() + 1 < max_lines {
            lines.push(std::mem::replace(&mut current, word.to_string()));
        } else {
            current = format!("{current} {}", words[k..].join(" "));
            break;
        }
    }
    lines.push(current);
    lines.iter().map(|l| truncate_to_fit(l, width, measure)).collect()
}

/// "China's", "United States'".
fn possessive(name: &str) -> String {
    if name.ends_with('s') { format!("{name}'") } else { format!("{name}'s") }
}

/// Sequential colour scale for a probability (ColorBrewer OrRd, 5 stops).
fn heat(p: f64) -> RGBColor {
    const STOPS: [(u8, u8, u8); 5] = [(255, 247, 236), (253, 212, 158), (252, 141, 89), (215, 48, 31), (127, 0, 0)];
    let t = p.clamp(0.0, 1.0) * (STOPS.len() - 1) as f64;
    let k = (t.floor() as usize).min(STOPS.len() - 2);
    let f = t - k as f64;
    let lerp = |a: u8, b: u8| (a as f64 + (b as f64 - a as f64) * f).round() as u8;
    let (a, b) = (STOPS[k], STOPS[k + 1]);
    RGBColor(lerp(a.0, b.0), lerp(a.1, b.1), lerp(a.2, b.2))
}

/// Whether white text reads better than dark text on `c`.
fn is_dark(c: RGBColor) -> bool {
    let lin = |v: u8| {
        let v = v as f64 / 255.0;
        if v <= 0.04045 { v / 12.92 } else { ((v + 0.055) / 1.055).powf(2.4) }
    };
    0.2126 * lin(c.0) + 0.7152 * lin(c.1) + 0.0722 * lin(c.2) < 0.2
}

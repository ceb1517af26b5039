/*!
The chart toolkit: formats, the embedded fonts, colours, text fitting and
headers, and [`render_chart`], which draws any [`Draw`] in memory and returns
the file's bytes (PNG encoded with `png`, SVG as a string), as the CSV
exporters do. Writing is the caller's business, so a failed render never
leaves a partial file.

Text goes through plotters' pure-Rust `ab_glyph` path, which knows no font
until one is registered: DejaVu Sans (regular and bold) is embedded and
registered once, before any drawing.

One file per family of charts: `run` (outcome shares and trajectories of a
run), `sweep`, `tournament`, `fit` (fit and backtest).
*/

use std::sync::OnceLock;

use plotters::coord::Shift;
use plotters::prelude::*;

use crate::outcome::Outcome;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::{FontStyle, register_font};

pub mod compare;
pub mod fit;
pub mod leverage;
pub mod run;
pub mod sensitivity;
mod svg_font;

pub(crate) use svg_font::base64;
pub mod sweep;
pub mod tournament;
pub mod truces;

pub use run::{outcomes_chart, trajectory_chart};

/// File format of a chart.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Png,
    Svg,
}

// ---------------------------------------------------------------------------
// Rendering and fonts

/// Size of every chart, in pixels.
pub(super) const SIZE: (u32, u32) = (1200, 700);

static DEJAVU_SANS: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans.ttf");
static DEJAVU_SANS_BOLD: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans-Bold.ttf");

/// A chart that can draw itself on any plotters backend.
pub(super) trait Draw {
    /// Size in pixels.
    fn size(&self) -> (u32, u32) {
        SIZE
    }

    /// Draw on `root` (already filled white).
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), String>;
}

/// Render `chart` in memory (PNG encoded with `png`, SVG as a string), with
/// the embedded fonts registered: the file's bytes.
pub(super) fn render_chart(chart: &impl Draw, format: Format) -> Result<Vec<u8>, String> {
    let chart_error = |message: String| message;
    register_fonts().map_err(chart_error)?;
    let size = chart.size();
    let bytes = match format {
        Format::Png => {
            let mut rgb = vec![0u8; size.0 as usize * size.1 as usize * 3];
            {
                let root = BitMapBackend::with_buffer(&mut rgb, size).into_drawing_area();
                root.fill(&WHITE).map_err(fail).map_err(chart_error)?;
                chart.draw(&root).map_err(chart_error)?;
                root.present().map_err(|e| chart_error(e.to_string()))?;
            }
            encode_png(&rgb, size).map_err(chart_error)?
        }
        Format::Svg => {
            let mut svg = String::new();
            {
                let root = SVGBackend::with_string(&mut svg, size).into_drawing_area();
                root.fill(&WHITE).map_err(fail).map_err(chart_error)?;
                chart.draw(&root).map_err(chart_error)?;
                root.present().map_err(|e| chart_error(e.to_string()))?;
            }
            // The font the layout was measured with, so that no viewer
            // substitutes its own.
            svg_font::embed(&svg, DEJAVU_SANS, DEJAVU_SANS_BOLD).map_err(chart_error)?.into_bytes()
        }
    };
    Ok(bytes)
}

/// Register the embedded fonts under plotters' `sans-serif` family, once.
pub(super) fn register_fonts() -> Result<(), String> {
    static REGISTERED: OnceLock<bool> = OnceLock::new();
    let ok = *REGISTERED.get_or_init(|| {
        register_font("sans-serif", FontStyle::Normal, DEJAVU_SANS).is_ok()
            && register_font("sans-serif", FontStyle::Bold, DEJAVU_SANS_BOLD).is_ok()
    });
    if ok { Ok(()) } else { Err("the embedded DejaVu Sans font is invalid".to_string()) }
}

pub(super) fn encode_png(rgb: &[u8], (width, height): (u32, u32)) -> Result<Vec<u8>, String> {
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
pub(super) fn fail<E: std::error::Error + Send + Sync>(e: DrawingAreaErrorKind<E>) -> String {
    e.to_string()
}

// ---------------------------------------------------------------------------
// Style

pub(super) const INK: RGBColor = RGBColor(33, 33, 33);
pub(super) const MUTED: RGBColor = RGBColor(90, 90, 90);
pub(super) const GRID: RGBColor = RGBColor(225, 225, 225);
/// Okabe–Ito blue, orange, bluish green and vermillion: told apart by
/// colour-blind readers, and (the first two) in greyscale.
const SIDE_COLOURS: [RGBColor; 4] =
    [RGBColor(0, 114, 178), RGBColor(230, 159, 0), RGBColor(0, 158, 115), RGBColor(213, 94, 0)];
/// Opacity of a p10–p90 band.
pub(super) const BAND_ALPHA: f64 = 0.2;
/// Spacing of hatch lines, in pixels.
pub(super) const HATCH_GAP: i32 = 6;

/// `c` mixed with white: `share` of white (a solid colour, so that what a
/// legend shows is exactly what the chart draws, with nothing blended).
pub(super) fn tint(c: RGBColor, share: f64) -> RGBColor {
    let mix = |v: u8| (f64::from(v) + share * (255.0 - f64::from(v))).round() as u8;
    RGBColor(mix(c.0), mix(c.1), mix(c.2))
}

/// The colour of a side's p10–p90 band: a light tint for the first side (a
/// fill), a stronger one for the others (hatching).
pub(super) fn band_tint(side: usize) -> RGBColor {
    tint(side_colour(side), if side == 0 { 0.78 } else { 0.35 })
}

/// Diagonal hatching ("/") between two pixel polylines over the same x
/// range, `upper` above `lower` (smaller y), clipped to `clip`: the segments
/// of the lines x + y = c, c a multiple of `gap`, that lie between them.
pub(super) fn hatch_segments(
    upper: &[(i32, i32)],
    lower: &[(i32, i32)],
    gap: i32,
    (xs, ys): (std::ops::Range<i32>, std::ops::Range<i32>),
) -> Vec<((i32, i32), (i32, i32))> {
    fn at(line: &[(i32, i32)], x: i32) -> Option<f64> {
        let k = line.windows(2).position(|w| w[0].0 <= x && x <= w[1].0)?;
        let ((x0, y0), (x1, y1)) = (line[k], line[k + 1]);
        if x1 == x0 {
            return Some(f64::from(y0.min(y1)));
        }
        Some(f64::from(y0) + f64::from(y1 - y0) * f64::from(x - x0) / f64::from(x1 - x0))
    }
    let single = |line: &[(i32, i32)]| -> Vec<(i32, i32)> {
        // One point: a band one pixel wide.
        if line.len() == 1 { vec![line[0], (line[0].0 + 1, line[0].1)] } else { line.to_vec() }
    };
    let (upper, lower) = (single(upper), single(lower));
    let x_lo = upper[0].0.max(lower[0].0).max(xs.start);
    let x_hi = upper[upper.len() - 1].0.min(lower[lower.len() - 1].0).min(xs.end - 1);
    if x_hi < x_lo {
        return Vec::new();
    }
    let inside = |x: i32, y: i32| match (at(&upper, x), at(&lower, x)) {
        (Some(u), Some(l)) => f64::from(y) >= u - 0.5 && f64::from(y) <= l + 0.5 && ys.contains(&y),
        _ => false,
    };
    let (c_lo, c_hi) = (x_lo + ys.start, x_hi + ys.end);
    let mut segments = Vec::new();
    let mut c = c_lo - c_lo.rem_euclid(gap);
    while c <= c_hi {
        let mut run: Option<(i32, i32)> = None;
        for x in x_lo..=x_hi {
            if inside(x, c - x) {
                run = Some(run.map_or((x, x), |(a, _)| (a, x)));
            } else if let Some((a, b)) = run.take() {
                segments.push(((a, c - a), (b, c - b)));
            }
        }
        if let Some((a, b)) = run {
            segments.push(((a, c - a), (b, c - b)));
        }
        c += gap;
    }
    segments
}

pub(super) const MARGIN: i32 = 28;
pub(super) const TITLE_PX: f64 = 28.0;
pub(super) const SUBTITLE_PX: f64 = 18.0;
pub(super) const AXIS_PX: f64 = 20.0;
pub(super) const TICK_PX: f64 = 16.0;
pub(super) const LEGEND_PX: f64 = 17.0;
const EVENT_PX: f64 = 16.0;

pub(super) fn text(size: f64, style: FontStyle, colour: &RGBColor) -> TextStyle<'static> {
    FontDesc::new(FontFamily::SansSerif, size, style).color(colour)
}

pub(super) fn side_colour(side: usize) -> RGBColor {
    SIDE_COLOURS[side % SIDE_COLOURS.len()]
}

/// One colour per outcome (report.html's bars use the same), each with a different lightness so that the bars
/// stay distinct in greyscale (red darkest, then purple, green, grey).
pub(super) fn outcome_colour(outcome: Outcome) -> RGBColor {
    match outcome {
        Outcome::Detente => RGBColor(102, 189, 99),
        Outcome::ViciousCycle => RGBColor(202, 0, 32),
        Outcome::Coercion => RGBColor(136, 86, 167),
        Outcome::Standoff => RGBColor(189, 189, 189),
    }
}

/// Width of `s` in pixels when drawn in `style`.
pub(super) fn text_width(s: &str, style: &TextStyle) -> Result<i32, String> {
    let (w, _) = style.font.box_size(s).map_err(|e| e.to_string())?;
    Ok(i32::try_from(w).unwrap_or(i32::MAX))
}

/// `s`, cut at a character boundary and ended with `…` if it is wider than
/// `max_width` as measured by `measure`.
pub(super) fn truncate_to_fit(
    s: &str,
    max_width: i32,
    measure: &dyn Fn(&str) -> Result<i32, String>,
) -> Result<String, String> {
    if measure(s)? <= max_width {
        return Ok(s.to_string());
    }
    let mut chars: Vec<char> = s.chars().collect();
    while chars.pop().is_some() {
        let candidate = format!("{}…", chars.iter().collect::<String>().trim_end());
        if measure(&candidate)? <= max_width {
            return Ok(candidate);
        }
    }
    Ok("…".to_string())
}

/// `s` and `style`, the font shrunk down to 75% of its size and then the
/// text truncated so that it is at most `max_width` wide.
pub(super) fn fit_text<'a>(s: &str, style: &TextStyle<'a>, max_width: i32) -> Result<(String, TextStyle<'a>), String> {
    let size = style.font.get_size();
    let mut fitted = style.clone();
    while text_width(s, &fitted)? > max_width && fitted.font.get_size() > 0.75 * size {
        fitted.font = fitted.font.resize(fitted.font.get_size() - 1.0);
    }
    let s = truncate_to_fit(s, max_width, &|s| text_width(s, &fitted))?;
    Ok((s, fitted))
}

/// Draw `s` left-aligned at `(x, y)` (top edge), fitted to `max_width` as
/// [`fit_text`] does.
pub(super) fn draw_fitted<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    s: &str,
    style: &TextStyle,
    (x, y): (i32, i32),
    max_width: i32,
) -> Result<(), String> {
    let (s, fitted) = fit_text(s, style, max_width)?;
    area.draw(&Text::new(s, (x, y), fitted.pos(Pos::new(HPos::Left, VPos::Top)))).map_err(fail)
}

/// The title and subtitle lines at the top left; returns the y below them.
pub(super) fn draw_header<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    title: &str,
    subtitles: &[String],
) -> Result<i32, String> {
    let width = root.dim_in_pixel().0 as i32 - 2 * MARGIN;
    let mut y = MARGIN - 6;
    draw_fitted(root, title, &text(TITLE_PX, FontStyle::Bold, &INK), (MARGIN, y), width)?;
    y += 40;
    let style = text(SUBTITLE_PX, FontStyle::Normal, &MUTED);
    for line in subtitles {
        for part in split_to_fit(line, &style, width)? {
            draw_fitted(root, &part, &style, (MARGIN, y), width)?;
            y += 26;
        }
    }
    Ok(y)
}

/// `s` on one line if it fits `width`, else in two, broken at the last
/// "; " or " · " that lets the first part fit.
fn split_to_fit(s: &str, style: &TextStyle, width: i32) -> Result<Vec<String>, String> {
    if text_width(s, style)? <= width {
        return Ok(vec![s.to_string()]);
    }
    for sep in ["; ", " · ", " × "] {
        let mut cuts: Vec<usize> = s.match_indices(sep).map(|(k, _)| k).collect();
        cuts.reverse();
        for k in cuts {
            if text_width(&s[..k], style)? <= width {
                let rest = s[k + sep.len()..].to_string();
                let end = match sep {
                    "; " => ";",
                    " × " => " ×",
                    _ => "",
                };
                return Ok(vec![s[..k].to_string() + end, rest]);
            }
        }
    }
    Ok(vec![s.to_string()])
}

/// "1 run", "10,000 runs" (`fmt::count_of`).
pub(super) fn count(n: u64, unit: &str) -> String {
    crate::fmt::count_of(n, unit)
}

/// A share in [0, 1] as a percentage (`fmt::percent`): one decimal, never
/// rounding a nonzero share to "0%" or a partial one to "100%".
pub(super) fn percent(share: f64) -> String {
    crate::fmt::percent(share)
}

/// The label of a horizontal bar chart's row at `y`: bars sit at k + 0.5 from
/// the top, row 0 first; ticks elsewhere get no label.
pub(crate) fn bar_label(names: &[String], y: f64) -> String {
    let n = names.len() as f64;
    let k = (n - y - 0.5).round();
    if (n - y - 0.5 - k).abs() < 1e-6 && k >= 0.0 && k < n { names[k as usize].clone() } else { String::new() }
}

/// A horizontal 95% interval whisker from `a` to `b` at height `y`.
pub(crate) fn whisker(a: f64, b: f64, y: f64) -> [PathElement<(f64, f64)>; 3] {
    [
        PathElement::new(vec![(a, y), (b, y)], INK.stroke_width(2)),
        PathElement::new(vec![(a, y - 0.12), (a, y + 0.12)], INK.stroke_width(2)),
        PathElement::new(vec![(b, y - 0.12), (b, y + 0.12)], INK.stroke_width(2)),
    ]
}

/// The builder of a plot panel with the charts' usual margins and axis
/// areas: `y_label_px` wide for the y labels.
pub(crate) fn panel_builder<'a, 'b, DB: DrawingBackend>(
    area: &'a DrawingArea<DB, Shift>,
    y_label_px: u32,
) -> ChartBuilder<'a, 'b, DB> {
    let mut b = ChartBuilder::on(area);
    b.margin_left(MARGIN)
        .margin_right(MARGIN)
        .margin_top(8)
        .margin_bottom(12)
        .x_label_area_size(56)
        .y_label_area_size(y_label_px);
    b
}

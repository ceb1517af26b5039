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
            svg.into_bytes()
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

/// One colour per outcome, each with a different lightness so that the bars
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
    for line in subtitles {
        draw_fitted(root, line, &text(SUBTITLE_PX, FontStyle::Normal, &MUTED), (MARGIN, y), width)?;
        y += 26;
    }
    Ok(y)
}

/// "1 run", "10,000 runs".
pub(super) fn count(n: u64, unit: &str) -> String {
    let grouped = super::thousands(n);
    if n == 1 { format!("{grouped} {unit}") } else { format!("{grouped} {unit}s") }
}

/// A share in [0, 1] as a percentage with at most one decimal, never
/// rounding a nonzero share to "0%" or a partial one to "100%".
pub(super) fn percent(share: f64) -> String {
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
        format!("{p:.1}%")
    }
}

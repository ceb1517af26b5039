/*!
SVG charts that look the same in every viewer: the embedded DejaVu Sans the
layout was measured with goes into the SVG itself, as a `@font-face` with a
base64 `data:` URL, so text never falls back to whatever `sans-serif` a
viewer has (whose wider or narrower glyphs would overflow the boxes, legends
and truncations computed for DejaVu).

- Only the glyphs the chart uses are kept ([`subset`]): the font's tables
  stay as they are, glyph numbers included, but the outlines of unused
  glyphs are emptied, the glyph names (`post`) dropped, and the OpenType
  layout tables (GPOS, GSUB, GDEF, MATH) removed, so that a browser kerns
  from the same `kern` table ab_glyph measured with and forms no ligatures
  the layout did not. A chart's SVG carries about 110 KB of base64 per face
  (the metrics, character map, kerning and name tables stay whole), against
  1 MB for a whole face.
- Sizes follow the layout: plotters writes `font-size` as the pixel size
  over 1.24, while ab_glyph measured text at an em of the pixel size over
  (ascent − descent) / units per em (1.1640625 for DejaVu Sans);
  [`embed`] rewrites each `font-size` so that the browser's em is the one
  the widths were measured with.

The fonts' licence (Bitstream Vera, with DejaVu's changes in the public
domain) allows this; the SVG names it in a comment.
*/

use std::collections::BTreeSet;

/// The family name the SVG uses for the embedded fonts.
const FAMILY: &str = "simulate-dejavu-sans";
/// (ascent − descent) / units per em of DejaVu Sans (regular and bold):
/// (1901 + 483) / 2048; `tests::metrics_are_dejavus` reads it from the files.
const EM_PER_PX: f64 = 2384.0 / 2048.0;
/// plotters' SVG backend writes `font-size` as the pixel size over this.
const PLOTTERS_SVG_RATIO: f64 = 1.24;

/// `svg` (as plotters wrote it) with `regular` and `bold` embedded, subset
/// to the characters each face draws, and font sizes matched to the layout.
pub(super) fn embed(svg: &str, regular: &[u8], bold: &[u8]) -> Result<String, String> {
    let (normal_chars, bold_chars) = text_chars(svg);
    let mut faces = String::new();
    for (font, chars, weight) in [(regular, &normal_chars, "normal"), (bold, &bold_chars, "bold")] {
        if chars.is_empty() {
            continue;
        }
        let subset = subset(font, chars)?;
        faces.push_str(&format!(
            "@font-face{{font-family:\"{FAMILY}\";font-weight:{weight};src:url(data:font/ttf;base64,{}) format(\"truetype\")}}\n",
            base64(&subset)
        ));
    }
    let Some(open_end) = svg.find("<svg").and_then(|start| svg[start..].find('>').map(|k| start + k + 1)) else {
        return Err("the SVG has no <svg> element".to_string());
    };
    let mut out = String::with_capacity(svg.len() + faces.len() + 400);
    out.push_str(&svg[..open_end]);
    out.push_str(
        "\n<!-- Text in DejaVu Sans, embedded (only the glyphs used): Bitstream Vera licence with DejaVu's \
         public-domain changes, see assets/fonts/LICENSE-DejaVu.txt in simulate's source -->\n",
    );
    out.push_str("<defs><style>\n");
    out.push_str(&faces);
    out.push_str("</style></defs>");
    out.push_str(&rewrite_text_attributes(&svg[open_end..]));
    Ok(out)
}

/// The characters drawn in regular and in bold `<text>` elements.
fn text_chars(svg: &str) -> (BTreeSet<char>, BTreeSet<char>) {
    let (mut normal, mut bold) = (BTreeSet::new(), BTreeSet::new());
    let mut rest = svg;
    while let Some(start) = rest.find("<text") {
        let Some(tag_end) = rest[start..].find('>').map(|k| start + k) else { break };
        let tag = &rest[start..tag_end];
        let Some(close) = rest[tag_end..].find("</text>").map(|k| tag_end + k) else { break };
        let content = unescape(rest[tag_end + 1..close].trim_end_matches('\n'));
        let set = if tag.contains("font-weight=\"bold\"") { &mut bold } else { &mut normal };
        set.extend(content.chars());
        rest = &rest[close..];
    }
    (normal, bold)
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&apos;", "'").replace("&amp;", "&")
}

/// Every `font-family="..."` of a text element set to the embedded family
/// (then DejaVu Sans, then any sans-serif), every `font-size` scaled to the
/// layout's em.
fn rewrite_text_attributes(body: &str) -> String {
    let mut out = String::with_capacity(body.len() + body.len() / 8);
    let mut rest = body;
    while let Some(k) = rest.find("<text") {
        let Some(end) = rest[k..].find('>').map(|e| k + e) else { break };
        out.push_str(&rest[..k]);
        let mut tag = rest[k..end].to_string();
        if let Some(f) = tag.find("font-family=\"") {
            let from = f + "font-family=\"".len();
            if let Some(len) = tag[from..].find('"') {
                tag.replace_range(from..from + len, &format!("{FAMILY}, DejaVu Sans, sans-serif"));
            }
        }
        if let Some(f) = tag.find("font-size=\"") {
            let from = f + "font-size=\"".len();
            if let Some(len) = tag[from..].find('"')
                && let Ok(size) = tag[from..from + len].parse::<f64>()
            {
                let em = size * PLOTTERS_SVG_RATIO / EM_PER_PX;
                tag.replace_range(from..from + len, &crate::fmt::num(em, 3));
            }
        }
        out.push_str(&tag);
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// Standard base64 with padding (the embedded font here, the charts in
/// report.html).
pub(crate) fn base64(data: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
        let n = u32::from(b[0]) << 16 | u32::from(b[1]) << 8 | u32::from(b[2]);
        for (k, shift) in [18, 12, 6, 0].into_iter().enumerate() {
            if k <= chunk.len() {
                out.push(ALPHABET[(n >> shift & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

// ---------------------------------------------------------------------------
// A glyph-dropping TrueType subsetter

/// Tables a browser needs no more once outlines are kept and kerning comes
/// from `kern`: OpenType layout, math, FontForge's timestamp.
const DROPPED: [&[u8; 4]; 5] = [b"GPOS", b"GSUB", b"GDEF", b"MATH", b"FFTM"];

/// `font` (a TrueType font with `glyf` outlines) with only the outlines of
/// `.notdef`, of the glyphs of `chars` and of their components kept.
pub(super) fn subset(font: &[u8], chars: &BTreeSet<char>) -> Result<Vec<u8>, String> {
    let tables = table_directory(font)?;
    let table = |tag: &[u8; 4]| {
        tables
            .iter()
            .find(|t| &t.0 == tag)
            .map(|t| &font[t.1..t.1 + t.2])
            .ok_or_else(|| format!("the embedded font has no `{}` table", String::from_utf8_lossy(tag)))
    };
    let (head, maxp, loca, glyf, cmap) =
        (table(b"head")?, table(b"maxp")?, table(b"loca")?, table(b"glyf")?, table(b"cmap")?);
    let num_glyphs = usize::from(be16(maxp, 4)?);
    let long_loca = be16(head, 50)? == 1;
    let offset = |g: usize| -> Result<usize, String> {
        Ok(if long_loca { be32(loca, 4 * g)? as usize } else { 2 * usize::from(be16(loca, 2 * g)?) })
    };

    // The glyphs to keep: .notdef, those of the characters, their components.
    let mut keep = BTreeSet::from([0usize]);
    let mut todo: Vec<usize> = chars.iter().filter_map(|&c| cmap_lookup(cmap, c)).map(usize::from).collect();
    while let Some(g) = todo.pop() {
        if g >= num_glyphs || !keep.insert(g) {
            continue;
        }
        let (start, end) = (offset(g)?, offset(g + 1)?);
        if end > start && end <= glyf.len() {
            todo.extend(components(&glyf[start..end])?);
        }
    }

    // New glyf and loca: kept outlines, empty ones elsewhere; loca in the
    // short format (offsets / 2 as u16) when the outlines allow it.
    let mut new_glyf = Vec::new();
    let mut starts = Vec::with_capacity(num_glyphs + 1);
    for g in 0..num_glyphs {
        starts.push(new_glyf.len());
        if keep.contains(&g) {
            let (start, end) = (offset(g)?, offset(g + 1)?);
            if end > start && end <= glyf.len() {
                new_glyf.extend_from_slice(&glyf[start..end]);
                while new_glyf.len() % 4 != 0 {
                    new_glyf.push(0);
                }
            }
        }
    }
    starts.push(new_glyf.len());
    let short = new_glyf.len() < 0x2_0000;
    let new_loca: Vec<u8> = if short {
        starts.iter().flat_map(|&s| ((s / 2) as u16).to_be_bytes()).collect()
    } else {
        starts.iter().flat_map(|&s| (s as u32).to_be_bytes()).collect()
    };
    let mut new_head = head.to_vec();
    new_head[50..52].copy_from_slice(&u16::from(!short).to_be_bytes());
    // The checksum adjustment is recomputed below.
    new_head[8..12].copy_from_slice(&[0; 4]);
    let post = table(b"post")?;
    let mut new_post = post.get(..32).ok_or("the embedded font's `post` table is short")?.to_vec();
    new_post[0..4].copy_from_slice(&0x0003_0000u32.to_be_bytes());

    let mut out_tables: Vec<([u8; 4], Vec<u8>)> = Vec::new();
    for (tag, start, len) in &tables {
        if DROPPED.contains(&tag) {
            continue;
        }
        let data = match tag {
            b"glyf" => new_glyf.clone(),
            b"loca" => new_loca.clone(),
            b"head" => new_head.clone(),
            b"post" => new_post.clone(),
            _ => font[*start..start + len].to_vec(),
        };
        out_tables.push((*tag, data));
    }
    out_tables.sort_by_key(|t| t.0);
    Ok(assemble(&out_tables))
}

/// (tag, offset, length) of each table.
fn table_directory(font: &[u8]) -> Result<Vec<([u8; 4], usize, usize)>, String> {
    let n = usize::from(be16(font, 4)?);
    (0..n)
        .map(|i| {
            let at = 12 + 16 * i;
            let tag: [u8; 4] =
                font.get(at..at + 4).and_then(|t| t.try_into().ok()).ok_or("font directory cut short")?;
            let (offset, len) = (be32(font, at + 8)? as usize, be32(font, at + 12)? as usize);
            if offset.checked_add(len).is_none_or(|end| end > font.len()) {
                return Err(format!("font table `{}` lies outside the file", String::from_utf8_lossy(&tag)));
            }
            Ok((tag, offset, len))
        })
        .collect()
}

/// The glyph of `c` by the Windows Unicode BMP `cmap` subtable (format 4).
fn cmap_lookup(cmap: &[u8], c: char) -> Option<u16> {
    let code = u16::try_from(u32::from(c)).ok()?;
    let n = usize::from(be16(cmap, 2).ok()?);
    let sub = (0..n).find_map(|i| {
        let at = 4 + 8 * i;
        let (platform, encoding) = (be16(cmap, at).ok()?, be16(cmap, at + 2).ok()?);
        ((platform, encoding) == (3, 1)).then(|| be32(cmap, at + 4).ok()).flatten()
    })? as usize;
    let t = cmap.get(sub..)?;
    if be16(t, 0).ok()? != 4 {
        return None;
    }
    let segs = usize::from(be16(t, 6).ok()?) / 2;
    let (ends, starts, deltas, ranges) = (14, 16 + 2 * segs, 16 + 4 * segs, 16 + 6 * segs);
    for s in 0..segs {
        let end = be16(t, ends + 2 * s).ok()?;
        if code > end {
            continue;
        }
        let start = be16(t, starts + 2 * s).ok()?;
        if code < start {
            return None;
        }
        let delta = be16(t, deltas + 2 * s).ok()?;
        let range = be16(t, ranges + 2 * s).ok()?;
        if range == 0 {
            return Some(code.wrapping_add(delta));
        }
        let at = ranges + 2 * s + usize::from(range) + 2 * usize::from(code - start);
        let g = be16(t, at).ok()?;
        return (g != 0).then(|| g.wrapping_add(delta));
    }
    None
}

/// The glyphs a composite glyph is made of (none for a simple glyph).
fn components(glyph: &[u8]) -> Result<Vec<usize>, String> {
    const ARGS_ARE_WORDS: u16 = 0x0001;
    const HAVE_SCALE: u16 = 0x0008;
    const MORE: u16 = 0x0020;
    const X_AND_Y_SCALE: u16 = 0x0040;
    const TWO_BY_TWO: u16 = 0x0080;
    if (be16(glyph, 0)? as i16) >= 0 {
        return Ok(Vec::new());
    }
    let mut out = Vec::new();
    let mut at = 10;
    loop {
        let flags = be16(glyph, at)?;
        out.push(usize::from(be16(glyph, at + 2)?));
        at += 4 + if flags & ARGS_ARE_WORDS != 0 { 4 } else { 2 };
        at += if flags & HAVE_SCALE != 0 {
            2
        } else if flags & X_AND_Y_SCALE != 0 {
            4
        } else if flags & TWO_BY_TWO != 0 {
            8
        } else {
            0
        };
        if flags & MORE == 0 {
            return Ok(out);
        }
    }
}

/// A font file from its tables (sorted by tag), with checksums.
fn assemble(tables: &[([u8; 4], Vec<u8>)]) -> Vec<u8> {
    let n = tables.len() as u16;
    let (mut power, mut selector) = (1u16, 0u16);
    while power * 2 <= n {
        power *= 2;
        selector += 1;
    }
    let search = power * 16;
    let mut out = Vec::new();
    out.extend_from_slice(&0x0001_0000u32.to_be_bytes());
    for v in [n, search, selector, n * 16 - search] {
        out.extend_from_slice(&v.to_be_bytes());
    }
    let mut offset = 12 + 16 * tables.len();
    let mut head_at = None;
    for (tag, data) in tables {
        out.extend_from_slice(tag);
        out.extend_from_slice(&checksum(data).to_be_bytes());
        out.extend_from_slice(&(offset as u32).to_be_bytes());
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        if tag == b"head" {
            head_at = Some(offset);
        }
        offset += data.len().div_ceil(4) * 4;
    }
    for (_, data) in tables {
        out.extend_from_slice(data);
        while out.len() % 4 != 0 {
            out.push(0);
        }
    }
    if let Some(at) = head_at {
        let adjustment = 0xB1B0_AFBAu32.wrapping_sub(checksum(&out));
        out[at + 8..at + 12].copy_from_slice(&adjustment.to_be_bytes());
    }
    out
}

fn checksum(data: &[u8]) -> u32 {
    data.chunks(4).fold(0u32, |sum, c| {
        let mut word = [0u8; 4];
        word[..c.len()].copy_from_slice(c);
        sum.wrapping_add(u32::from_be_bytes(word))
    })
}

fn be16(data: &[u8], at: usize) -> Result<u16, String> {
    data.get(at..at + 2).map(|b| u16::from_be_bytes([b[0], b[1]])).ok_or_else(|| "font data cut short".to_string())
}

fn be32(data: &[u8], at: usize) -> Result<u32, String> {
    data.get(at..at + 4)
        .map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
        .ok_or_else(|| "font data cut short".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metrics_are_dejavus() {
        for font in [super::super::DEJAVU_SANS, super::super::DEJAVU_SANS_BOLD] {
            let tables = table_directory(font).unwrap();
            let get = |tag: &[u8; 4]| tables.iter().find(|t| &t.0 == tag).map(|t| &font[t.1..t.1 + t.2]).unwrap();
            let (ascent, descent) = (be16(get(b"hhea"), 4).unwrap() as i16, be16(get(b"hhea"), 6).unwrap() as i16);
            let upem = be16(get(b"head"), 18).unwrap();
            assert_eq!(f64::from(ascent - descent) / f64::from(upem), EM_PER_PX);
        }
    }

    #[test]
    fn a_subset_keeps_the_glyphs_used_and_drops_the_rest() {
        let chars: BTreeSet<char> = "Détente 12.5% ± μ –".chars().collect();
        let font = super::super::DEJAVU_SANS;
        let small = subset(font, &chars).unwrap();
        assert!(small.len() < font.len() / 3, "{} bytes", small.len());
        let tables = table_directory(&small).unwrap();
        let cmap = tables.iter().find(|t| &t.0 == b"cmap").map(|t| &small[t.1..t.1 + t.2]).unwrap();
        let full_tables = table_directory(font).unwrap();
        let full_cmap = full_tables.iter().find(|t| &t.0 == b"cmap").map(|t| &font[t.1..t.1 + t.2]).unwrap();
        for c in chars {
            assert_eq!(cmap_lookup(cmap, c), cmap_lookup(full_cmap, c), "{c}");
            assert!(cmap_lookup(cmap, c).is_some(), "{c} has a glyph");
        }
        assert!(!tables.iter().any(|t| &t.0 == b"GPOS"));
        // The whole file sums to the magic number, as a font must.
        assert_eq!(checksum(&small), 0xB1B0_AFBA);
    }

    #[test]
    fn base64_matches_the_standard() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64(b"foobar"), "Zm9vYmFy");
    }

    #[test]
    fn text_gets_the_embedded_family_and_the_layouts_size() {
        let svg = "<svg width=\"10\" height=\"10\" xmlns=\"http://www.w3.org/2000/svg\">\n<text x=\"1\" y=\"2\" font-family=\"sans-serif\" font-size=\"12.4\" fill=\"#000\">a&amp;b\n</text>\n<text font-family=\"sans-serif\" font-size=\"24.8\" font-weight=\"bold\">T\n</text>\n</svg>";
        let out = embed(svg, super::super::DEJAVU_SANS, super::super::DEJAVU_SANS_BOLD).unwrap();
        assert_eq!(out.matches("@font-face").count(), 2);
        assert!(out.contains(&format!("font-family=\"{FAMILY}, DejaVu Sans, sans-serif\"")));
        assert!(!out.contains("font-family=\"sans-serif\""));
        // 12.4 × 1.24 = 15.376 px, over 1.1640625: an em of 13.209 px.
        assert!(out.contains("font-size=\"13.209\""), "{out}");
        let (normal, bold) = text_chars(svg);
        assert_eq!(normal, "a&b".chars().collect());
        assert_eq!(bold, "T".chars().collect());
    }
}

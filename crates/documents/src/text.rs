//! Lines of text for the PDF: bidi-ordered, shaped, measured, drawn; shrunk to fit a width, or
//! wrapped onto several lines.

use krilla::geom::Point;
use krilla::surface::Surface;
use krilla::text::{Font, GlyphId, KrillaGlyph};
use rustybuzz::{Direction, UnicodeBuffer};
use std::sync::LazyLock;
use unicode_bidi::ParagraphBidiInfo;

/// One face, for the PDF writer (embedding, subsetting) and the shaper (glyphs, advances).
pub(crate) struct Face {
    pdf: Font,
    shaper: rustybuzz::Face<'static>,
}

impl Face {
    fn new(bytes: &'static [u8]) -> Option<Self> {
        Some(Self {
            pdf: Font::new(bytes.to_vec().into(), 0)?,
            shaper: rustybuzz::Face::from_slice(bytes, 0)?,
        })
    }
}

pub(crate) struct Fonts {
    pub(crate) regular: Face,
    pub(crate) bold: Face,
}

/// DejaVu Sans, read once. The fonts ship inside the `dejavu` crate: a font that does not parse
/// is a broken build, found by the first test that prints.
pub(crate) static FONTS: LazyLock<Fonts> = LazyLock::new(|| Fonts {
    regular: Face::new(dejavu::sans::regular()).expect("DejaVu Sans parses"),
    bold: Face::new(dejavu::sans::bold()).expect("DejaVu Sans Bold parses"),
});

/// A run of one direction, shaped; advances in em units.
struct Run<'t> {
    text: &'t str,
    glyphs: Vec<KrillaGlyph>,
    width_em: f32,
}

/// A line of text in visual order (left to right on the page), shaped.
pub(crate) struct Line<'t> {
    runs: Vec<Run<'t>>,
    pub(crate) width_em: f32,
    /// Glyphs the font does not have (drawn as empty boxes).
    pub(crate) missing: usize,
}

fn shape_run<'t>(face: &Face, text: &'t str, rtl: bool) -> (Run<'t>, usize) {
    let mut buffer = UnicodeBuffer::new();
    buffer.push_str(text);
    buffer.guess_segment_properties();
    buffer.set_direction(if rtl {
        Direction::RightToLeft
    } else {
        Direction::LeftToRight
    });
    let shaped = rustybuzz::shape(&face.shaper, &[], buffer);
    let em = f32::from(face.shaper.units_per_em().max(1) as u16);
    // A glyph stands for the text from its cluster's start to the next cluster's: the PDF keeps
    // it, for search and copy.
    let mut starts: Vec<usize> = shaped
        .glyph_infos()
        .iter()
        .map(|i| i.cluster as usize)
        .collect();
    starts.sort_unstable();
    starts.dedup();
    let mut missing = 0;
    let mut width = 0.0;
    let glyphs = shaped
        .glyph_infos()
        .iter()
        .zip(shaped.glyph_positions())
        .map(|(info, position)| {
            let start = info.cluster as usize;
            let end = starts
                .iter()
                .find(|&&s| s > start)
                .copied()
                .unwrap_or(text.len());
            if info.glyph_id == 0 {
                missing += 1;
            }
            width += position.x_advance as f32 / em;
            KrillaGlyph::new(
                GlyphId::new(info.glyph_id),
                position.x_advance as f32 / em,
                position.x_offset as f32 / em,
                position.y_offset as f32 / em,
                position.y_advance as f32 / em,
                start..end,
                None,
            )
        })
        .collect();
    (
        Run {
            text,
            glyphs,
            width_em: width,
        },
        missing,
    )
}

/// `text` on one line: ordered by the bidirectional algorithm, each run shaped in its direction.
pub(crate) fn shape<'t>(face: &Face, text: &'t str) -> Line<'t> {
    let mut line = Line {
        runs: Vec::new(),
        width_em: 0.0,
        missing: 0,
    };
    if text.is_empty() {
        return line;
    }
    let bidi = ParagraphBidiInfo::new(text, None);
    let (levels, runs) = bidi.visual_runs(0..text.len());
    for range in runs {
        let rtl = levels[range.start].is_rtl();
        let (run, missing) = shape_run(face, &text[range], rtl);
        line.width_em += run.width_em;
        line.missing += missing;
        line.runs.push(run);
    }
    line
}

/// Where a line goes on the page.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Align {
    Left(f32),
    Centre(f32),
}

/// Draws `line` at `size` points, its baseline at `y`.
pub(crate) fn draw(
    surface: &mut Surface,
    face: &Face,
    line: &Line,
    size: f32,
    align: Align,
    y: f32,
) {
    let mut x = match align {
        Align::Left(x) => x,
        Align::Centre(centre) => centre - line.width_em * size / 2.0,
    };
    for run in &line.runs {
        surface.draw_glyphs(
            Point::from_xy(x, y),
            &run.glyphs,
            face.pdf.clone(),
            run.text,
            size,
            false,
        );
        x += run.width_em * size;
    }
}

/// Draws `text` at `size` points or smaller, as large as fits `width`: a long name shrinks
/// rather than running off the badge. Returns the size used.
pub(crate) fn fit(
    surface: &mut Surface,
    face: &Face,
    text: &str,
    size: f32,
    width: f32,
    align: Align,
    y: f32,
) -> f32 {
    let line = shape(face, text);
    if line.missing > 0 {
        tracing_missing(text, line.missing);
    }
    let size = fitted_size(&line, size, width);
    draw(surface, face, &line, size, align, y);
    size
}

/// The size at which `line` fits `width`: `size`, or smaller for a line that would overflow.
fn fitted_size(line: &Line, size: f32, width: f32) -> f32 {
    if line.width_em * size > width && line.width_em > 0.0 {
        width / line.width_em
    } else {
        size
    }
}

/// Words of `text` in lines no wider than `width` at `size` (a word longer than the width gets a
/// line of its own, shrunk by [`fit`] when drawn).
pub(crate) fn wrap(face: &Face, text: &str, size: f32, width: f32) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut current = String::new();
    for word in text.split_whitespace() {
        let candidate = if current.is_empty() {
            word.to_owned()
        } else {
            format!("{current} {word}")
        };
        if current.is_empty() || shape(face, &candidate).width_em * size <= width {
            current = candidate;
        } else {
            lines.push(std::mem::replace(&mut current, word.to_owned()));
        }
    }
    if !current.is_empty() {
        lines.push(current);
    }
    lines
}

/// A character the font lacks prints as an empty box: worth knowing, never worth failing a
/// whole sheet of badges for.
fn tracing_missing(text: &str, missing: usize) {
    tracing::warn!(
        missing,
        characters = text.chars().count(),
        "glyphs missing from the font: printed as empty boxes"
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_font_has_every_letter_of_latin_vietnamese_greek_cyrillic_and_arabic_names() {
        for name in [
            "Nguyễn Thị Phương Thảo",
            "Đặng Ẩn Ỹ",
            "Αλέξανδρος Παπαδόπουλος",
            "Анна Кузнецова",
            "محمد عبد الله",
            "Zoë Ñúñez-Ørsted Œuvre Łódź",
        ] {
            for face in [&FONTS.regular, &FONTS.bold] {
                assert_eq!(shape(face, name).missing, 0, "{name}");
            }
        }
    }

    #[test]
    fn arabic_is_joined_and_laid_out_right_to_left() {
        // Joined letters take other glyphs than the same letters apart.
        let joined = shape(&FONTS.regular, "محمد");
        let apart = shape(&FONTS.regular, "م ح م د");
        let ids = |line: &Line| -> Vec<u16> {
            line.runs
                .iter()
                .flat_map(|r| r.glyphs.iter().map(|g| g.glyph_id.to_u32() as u16))
                .collect()
        };
        assert_ne!(ids(&joined)[0], ids(&apart)[0]);
        // In visual order: the word's last letter comes first.
        let first = &joined.runs[0].glyphs[0];
        assert_eq!(&"محمد"[first.text_range.clone()], "د");
    }

    #[test]
    fn a_long_name_shrinks_to_the_badges_width_and_a_short_one_keeps_its_size() {
        let width = crate::badges::BADGE_WIDTH - 10.0 * crate::MM;
        let long = shape(&FONTS.bold, "Maximiliane-Konstantina-Wilhelmina");
        assert!(long.width_em * 26.0 > width, "too wide at 26 pt");
        let size = fitted_size(&long, 26.0, width);
        assert!(size < 26.0 && size > 8.0, "{size}");
        assert!(long.width_em * size <= width * 1.0001);
        let short = shape(&FONTS.bold, "Awa");
        assert_eq!(fitted_size(&short, 26.0, width), 26.0);
        // Arabic, measured after shaping, shrinks the same way.
        let arabic = shape(&FONTS.bold, "عبد الرحمن بن محمد بن عبد الله الهاشمي القرشي");
        assert!(arabic.width_em * 26.0 > width, "too wide at 26 pt");
        let size = fitted_size(&arabic, 26.0, width);
        assert!(size < 26.0);
        assert!(arabic.width_em * size <= width * 1.0001);
    }

    #[test]
    fn words_wrap_within_the_width() {
        let title =
            "Renforcement du rôle de la migration de retour dans les efforts de développement";
        let lines = wrap(&FONTS.bold, title, 14.0, 100.0 * crate::MM);
        assert!(lines.len() > 1);
        assert_eq!(lines.join(" "), title);
        for line in &lines {
            assert!(shape(&FONTS.bold, line).width_em * 14.0 <= 100.0 * crate::MM);
        }
    }
}

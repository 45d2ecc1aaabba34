//! Name badges, 90 × 55 mm: A4 sheets of eight with crop marks, or one per A6 page. Each has a
//! band in its category's colour with the category's name, the given name large, the family
//! name, the organisation and the country, and the ticket's QR code (the desk scans the badge).
//! Every text shrinks until it fits its width.

use crate::text::{Align, FONTS, fit};
use crate::{Error, MM};
use krilla::color::rgb;
use krilla::geom::{PathBuilder, Rect, Size, Transform};
use krilla::image::{BitsPerComponent, CustomImage, Image, ImageColorspace};
use krilla::num::NormalizedF32;
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke};
use krilla::surface::Surface;
use krilla::{Document, SerializeSettings};
use std::hash::{Hash, Hasher};

pub const BADGE_WIDTH: f32 = 90.0 * MM;
pub const BADGE_HEIGHT: f32 = 55.0 * MM;
const A4: (f32, f32) = (210.0 * MM, 297.0 * MM);
const A6: (f32, f32) = (105.0 * MM, 148.0 * MM);

/// One badge's texts and code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Badge {
    pub given_name: String,
    pub family_name: String,
    pub organisation: String,
    pub country: String,
    /// The category's name, in the band.
    pub category: String,
    /// The band's colour.
    pub colour: (u8, u8, u8),
    /// What the QR code says: the ticket's token.
    pub code: String,
}

/// How badges are laid out on paper.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Layout {
    /// Eight per A4 sheet (2 × 4), with crop marks.
    #[default]
    A4Sheet,
    /// One per A6 page (a badge printer, a walk-in at the desk).
    A6,
}

impl Layout {
    fn page(self) -> (f32, f32) {
        match self {
            Layout::A4Sheet => A4,
            Layout::A6 => A6,
        }
    }

    fn grid(self) -> (usize, usize) {
        match self {
            Layout::A4Sheet => (2, 4),
            Layout::A6 => (1, 1),
        }
    }

    /// Badges per page.
    pub fn per_page(self) -> usize {
        let (columns, rows) = self.grid();
        columns * rows
    }
}

/// The colours of the categories' bands, in the event's order of categories: distinct, and dark
/// enough for white text.
pub const BAND_COLOURS: [(u8, u8, u8); 8] = [
    (31, 90, 160),
    (178, 34, 52),
    (30, 120, 60),
    (120, 60, 150),
    (190, 90, 0),
    (0, 115, 125),
    (90, 90, 90),
    (150, 40, 110),
];

/// Badges as a PDF, in the order given.
pub fn render_badges(badges: &[Badge], layout: Layout) -> Result<Vec<u8>, Error> {
    let mut document = Document::new_with(SerializeSettings::default());
    let (width, height) = layout.page();
    let (columns, rows) = layout.grid();
    let left = (width - columns as f32 * BADGE_WIDTH) / 2.0;
    let top = (height - rows as f32 * BADGE_HEIGHT) / 2.0;
    for sheet in badges.chunks(layout.per_page()) {
        let settings = PageSettings::from_wh(width, height).ok_or(Error::Geometry)?;
        let mut page = document.start_page_with(settings);
        let mut surface = page.surface();
        for (index, badge) in sheet.iter().enumerate() {
            let (column, row) = (index % columns, index / columns);
            surface.push_transform(&Transform::from_translate(
                left + column as f32 * BADGE_WIDTH,
                top + row as f32 * BADGE_HEIGHT,
            ));
            draw_badge(&mut surface, badge)?;
            surface.pop();
        }
        crop_marks(&mut surface, layout)?;
        surface.finish();
        page.finish();
    }
    document.finish().map_err(|e| Error::Pdf(format!("{e:?}")))
}

fn fill(colour: (u8, u8, u8)) -> Fill {
    Fill {
        paint: rgb::Color::new(colour.0, colour.1, colour.2).into(),
        opacity: NormalizedF32::ONE,
        rule: Default::default(),
    }
}

fn rectangle(surface: &mut Surface, x: f32, y: f32, w: f32, h: f32) -> Result<(), Error> {
    let mut path = PathBuilder::new();
    path.push_rect(Rect::from_xywh(x, y, w, h).ok_or(Error::Geometry)?);
    surface.draw_path(&path.finish().ok_or(Error::Geometry)?);
    Ok(())
}

/// One badge, its top-left corner at the origin (points, y downwards).
fn draw_badge(surface: &mut Surface, badge: &Badge) -> Result<(), Error> {
    let fonts = &*FONTS;
    let margin = 5.0 * MM;
    let centre = Align::Centre(BADGE_WIDTH / 2.0);
    let inner = BADGE_WIDTH - 2.0 * margin;
    surface.set_stroke(None);
    surface.set_fill(Some(fill(badge.colour)));
    rectangle(surface, 0.0, 0.0, BADGE_WIDTH, 10.0 * MM)?;
    surface.set_fill(Some(fill((255, 255, 255))));
    fit(
        surface,
        &fonts.bold,
        &badge.category,
        11.0,
        inner,
        centre,
        6.8 * MM,
    );
    surface.set_fill(Some(fill((0, 0, 0))));
    fit(
        surface,
        &fonts.bold,
        &badge.given_name,
        26.0,
        inner,
        centre,
        21.0 * MM,
    );
    fit(
        surface,
        &fonts.regular,
        &badge.family_name,
        16.0,
        inner,
        centre,
        29.0 * MM,
    );
    let qr = 20.0 * MM;
    let beside = inner - qr - 3.0 * MM;
    let left = Align::Left(margin);
    fit(
        surface,
        &fonts.regular,
        &badge.organisation,
        10.0,
        beside,
        left,
        40.0 * MM,
    );
    fit(
        surface,
        &fonts.regular,
        &badge.country,
        9.0,
        beside,
        left,
        46.0 * MM,
    );
    surface.push_transform(&Transform::from_translate(
        BADGE_WIDTH - margin - qr,
        BADGE_HEIGHT - 3.0 * MM - qr,
    ));
    surface.draw_image(
        qr_image(&badge.code)?,
        Size::from_wh(qr, qr).ok_or(Error::Geometry)?,
    );
    surface.pop();
    Ok(())
}

/// A QR code as a grey image of one pixel per module, its quiet zone included, drawn without
/// smoothing: crisp at any size, and read back as it is by tests.
#[derive(Clone)]
struct QrImage {
    pixels: Vec<u8>,
    side: u32,
}

impl Hash for QrImage {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.pixels.hash(state);
        self.side.hash(state);
    }
}

impl CustomImage for QrImage {
    fn color_channel(&self) -> &[u8] {
        &self.pixels
    }
    fn alpha_channel(&self) -> Option<&[u8]> {
        None
    }
    fn bits_per_component(&self) -> BitsPerComponent {
        BitsPerComponent::Eight
    }
    fn size(&self) -> (u32, u32) {
        (self.side, self.side)
    }
    fn icc_profile(&self) -> Option<&[u8]> {
        None
    }
    fn color_space(&self) -> ImageColorspace {
        ImageColorspace::Luma
    }
}

pub(crate) fn qr_image(text: &str) -> Result<Image, Error> {
    let code = qrcode::QrCode::with_error_correction_level(text, qrcode::EcLevel::M)?;
    let width = code.width();
    let quiet = 4;
    let side = width + 2 * quiet;
    let mut pixels = vec![255u8; side * side];
    for (index, colour) in code.to_colors().into_iter().enumerate() {
        if colour == qrcode::Color::Dark {
            pixels[(index / width + quiet) * side + index % width + quiet] = 0;
        }
    }
    let side = u32::try_from(side).map_err(|_| Error::Geometry)?;
    Image::from_custom(QrImage { pixels, side }, false).map_err(|e| Error::Pdf(format!("{e:?}")))
}

fn stroke_line(surface: &mut Surface, from: (f32, f32), to: (f32, f32)) -> Result<(), Error> {
    let mut path = PathBuilder::new();
    path.move_to(from.0, from.1);
    path.line_to(to.0, to.1);
    surface.draw_path(&path.finish().ok_or(Error::Geometry)?);
    Ok(())
}

/// Marks in the margin on every cutting line of the grid, as line segments: 2 mm from the
/// badges, 6 mm long, or shorter where the margin is narrower (an A6 page leaves 7.5 mm beside
/// its badge) so that every mark stays 1 mm inside the page.
fn crop_mark_lines(layout: Layout) -> Vec<((f32, f32), (f32, f32))> {
    let (width, height) = layout.page();
    let (columns, rows) = layout.grid();
    let left = (width - columns as f32 * BADGE_WIDTH) / 2.0;
    let top = (height - rows as f32 * BADGE_HEIGHT) / 2.0;
    let gap = 2.0 * MM;
    let across = (6.0 * MM).min(left - gap - MM);
    let down = (6.0 * MM).min(top - gap - MM);
    let right = left + columns as f32 * BADGE_WIDTH;
    let bottom = top + rows as f32 * BADGE_HEIGHT;
    let mut lines = Vec::new();
    for column in 0..=columns {
        let x = left + column as f32 * BADGE_WIDTH;
        lines.push(((x, top - gap - down), (x, top - gap)));
        lines.push(((x, bottom + gap), (x, bottom + gap + down)));
    }
    for row in 0..=rows {
        let y = top + row as f32 * BADGE_HEIGHT;
        lines.push(((left - gap - across, y), (left - gap, y)));
        lines.push(((right + gap, y), (right + gap + across, y)));
    }
    lines
}

fn crop_marks(surface: &mut Surface, layout: Layout) -> Result<(), Error> {
    surface.set_fill(None);
    surface.set_stroke(Some(Stroke {
        width: 0.3,
        ..Default::default()
    }));
    for (from, to) in crop_mark_lines(layout) {
        stroke_line(surface, from, to)?;
    }
    surface.set_stroke(None);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crop_marks_lie_inside_the_page_and_off_the_badges() {
        for layout in [Layout::A4Sheet, Layout::A6] {
            let (width, height) = layout.page();
            let (columns, rows) = layout.grid();
            let left = (width - columns as f32 * BADGE_WIDTH) / 2.0;
            let top = (height - rows as f32 * BADGE_HEIGHT) / 2.0;
            let on_badges = |(x, y): (f32, f32)| {
                x > left
                    && x < left + columns as f32 * BADGE_WIDTH
                    && y > top
                    && y < top + rows as f32 * BADGE_HEIGHT
            };
            let lines = crop_mark_lines(layout);
            assert_eq!(lines.len(), 2 * (columns + 1) + 2 * (rows + 1));
            for (from, to) in lines {
                for (x, y) in [from, to] {
                    // 1 mm inside the edge, give or take the rounding of millimetres to points.
                    let inside = |v: f32, edge: f32| v >= MM - 0.01 && v <= edge - MM + 0.01;
                    assert!(
                        inside(x, width) && inside(y, height),
                        "{layout:?}: ({x}, {y}) off the page"
                    );
                    assert!(!on_badges((x, y)), "{layout:?}: ({x}, {y}) on a badge");
                }
                let length = (to.0 - from.0).hypot(to.1 - from.1);
                assert!(length >= 4.0 * MM, "{layout:?}: a mark of {length} pt");
            }
        }
    }

    #[test]
    fn an_a4_sheet_holds_eight_badges_of_90_by_55_mm() {
        assert_eq!(Layout::A4Sheet.per_page(), 8);
        assert_eq!(Layout::A6.per_page(), 1);
        assert!((BADGE_WIDTH / MM - 90.0).abs() < 1e-3);
        assert!((BADGE_HEIGHT / MM - 55.0).abs() < 1e-3);
        let (width, height) = Layout::A4Sheet.page();
        assert!(2.0 * BADGE_WIDTH < width && 4.0 * BADGE_HEIGHT < height);
    }
}

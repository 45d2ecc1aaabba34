//! A certificate of attendance: one A4 page with the event (title, organiser, dates, venue),
//! the participant's name, the days and the sessions attended with their times, and the link
//! that verifies it (`/v/{code}`), also as a QR code. Texts come in the participant's language.

use crate::badges::qr_image;
use crate::text::{Align, FONTS, fit, wrap};
use crate::{Error, MM};
use krilla::geom::{Size, Transform};
use krilla::page::PageSettings;
use krilla::{Document, SerializeSettings};

/// The certificate's words, in the participant's language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertificateTexts {
    /// "Certificate of attendance"
    pub heading: String,
    /// "This is to certify that"
    pub certifies: String,
    /// "attended"
    pub attended: String,
    /// "Days attended"
    pub days_heading: String,
    /// "Sessions attended"
    pub sessions_heading: String,
    /// "Verify this certificate:"
    pub verify: String,
}

/// A session attended, as printed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionLine {
    pub title: String,
    /// "Monday 7 July 2008, 11:00–13:00 (110 minutes)"
    pub when: String,
}

/// One participant's certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Certificate {
    pub texts: CertificateTexts,
    pub name: String,
    pub event_title: String,
    pub organiser: Option<String>,
    pub dates: String,
    pub venue: String,
    pub days: Vec<String>,
    pub sessions: Vec<SessionLine>,
    /// The verification link, whole.
    pub link: String,
}

const A4: (f32, f32) = (210.0 * MM, 297.0 * MM);

/// Certificates as one PDF, a page each.
pub fn render_certificate(certificates: &[Certificate]) -> Result<Vec<u8>, Error> {
    let mut document = Document::new_with(SerializeSettings::default());
    for certificate in certificates {
        let settings = PageSettings::from_wh(A4.0, A4.1).ok_or(Error::Geometry)?;
        let mut page = document.start_page_with(settings);
        let mut surface = page.surface();
        draw(&mut surface, certificate)?;
        surface.finish();
        page.finish();
    }
    document.finish().map_err(|e| Error::Pdf(format!("{e:?}")))
}

fn draw(surface: &mut krilla::surface::Surface, c: &Certificate) -> Result<(), Error> {
    let fonts = &*FONTS;
    let margin = 25.0 * MM;
    let width = A4.0 - 2.0 * margin;
    let centre = Align::Centre(A4.0 / 2.0);
    let left = Align::Left(margin);
    let mut y = 45.0 * MM;
    fit(
        surface,
        &fonts.bold,
        &c.texts.heading,
        26.0,
        width,
        centre,
        y,
    );
    y += 16.0 * MM;
    fit(
        surface,
        &fonts.regular,
        &c.texts.certifies,
        12.0,
        width,
        centre,
        y,
    );
    y += 12.0 * MM;
    fit(surface, &fonts.bold, &c.name, 24.0, width, centre, y);
    y += 11.0 * MM;
    fit(
        surface,
        &fonts.regular,
        &c.texts.attended,
        12.0,
        width,
        centre,
        y,
    );
    y += 9.0 * MM;
    for line in wrap(&fonts.bold, &c.event_title, 14.0, width) {
        fit(surface, &fonts.bold, &line, 14.0, width, centre, y);
        y += 6.5 * MM;
    }
    if let Some(organiser) = &c.organiser {
        for line in wrap(&fonts.regular, organiser, 10.0, width) {
            fit(surface, &fonts.regular, &line, 10.0, width, centre, y);
            y += 5.0 * MM;
        }
    }
    y += 2.0 * MM;
    fit(surface, &fonts.regular, &c.dates, 11.0, width, centre, y);
    y += 6.0 * MM;
    fit(surface, &fonts.regular, &c.venue, 11.0, width, centre, y);
    y += 14.0 * MM;
    fit(
        surface,
        &fonts.bold,
        &c.texts.days_heading,
        12.0,
        width,
        left,
        y,
    );
    y += 6.5 * MM;
    for day in &c.days {
        fit(surface, &fonts.regular, day, 11.0, width, left, y);
        y += 5.5 * MM;
    }
    if !c.sessions.is_empty() {
        y += 6.0 * MM;
        fit(
            surface,
            &fonts.bold,
            &c.texts.sessions_heading,
            12.0,
            width,
            left,
            y,
        );
        y += 6.5 * MM;
        // As many sessions as the page holds above the verification block.
        let last = A4.1 - 55.0 * MM;
        for session in &c.sessions {
            if y > last {
                break;
            }
            for line in wrap(&fonts.regular, &session.title, 10.5, width) {
                fit(surface, &fonts.regular, &line, 10.5, width, left, y);
                y += 4.8 * MM;
            }
            fit(surface, &fonts.regular, &session.when, 9.0, width, left, y);
            y += 6.5 * MM;
        }
    }
    // The verification block at the foot of the page: the link and its QR code.
    let qr = 25.0 * MM;
    let foot = A4.1 - 25.0 * MM;
    fit(
        surface,
        &fonts.regular,
        &c.texts.verify,
        9.0,
        width - qr - 5.0 * MM,
        left,
        foot - 8.0 * MM,
    );
    fit(
        surface,
        &fonts.regular,
        &c.link,
        9.0,
        width - qr - 5.0 * MM,
        left,
        foot - 3.0 * MM,
    );
    surface.push_transform(&Transform::from_translate(A4.0 - margin - qr, foot - qr));
    surface.draw_image(
        qr_image(&c.link)?,
        Size::from_wh(qr, qr).ok_or(Error::Geometry)?,
    );
    surface.pop();
    Ok(())
}

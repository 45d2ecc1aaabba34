//! guichet's printed documents: name badges (`badges`) and certificates of attendance
//! (`certificate`), as PDF.
//!
//! Every name the registration form accepts must print as its owner writes it: Latin with every
//! accent (Vietnamese stacks two), Greek, Cyrillic, and Arabic joined and right to left. So text
//! is ordered by the Unicode bidirectional algorithm (unicode-bidi), each run shaped in its own
//! direction (rustybuzz), and the glyphs handed to the PDF writer (krilla) with the text they
//! stand for, which it keeps as ToUnicode maps: a PDF reader finds and copies the names. One font
//! covers all of those scripts, DejaVu Sans, from the `dejavu` crate.
//!
//! Depends on no other guichet crate: it lays out texts it is given, already in the reader's
//! language. The PDF writer's document is not `Send`: callers render on a blocking thread.

pub mod badges;
pub mod certificate;
mod text;

pub use badges::{Badge, Layout, render_badges};
pub use certificate::{Certificate, CertificateTexts, SessionLine, render_certificate};

/// Points per millimetre (PDF units are points, 1/72 inch).
pub const MM: f32 = 72.0 / 25.4;

/// Why a document could not be made. None of these comes from what a participant typed: a
/// name the font cannot draw still prints (as empty boxes, logged), so these are bugs or a broken
/// build.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("the PDF could not be written: {0}")]
    Pdf(String),
    #[error("the QR code could not be made: {0}")]
    Qr(#[from] qrcode::types::QrError),
    #[error("a shape or size out of range")]
    Geometry,
}

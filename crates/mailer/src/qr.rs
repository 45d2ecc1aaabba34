//! The ticket's QR code as a PNG.

use image::{ImageFormat, Luma};
use qrcode::{EcLevel, QrCode};
use std::io::Cursor;

/// Pixels per QR module: 8 gives a 264×264 image for a ticket token, sharp on paper and on a phone.
const MODULE_PIXELS: u32 = 8;

/// Encodes `text` as a QR code PNG. Error correction M survives a scratched phone screen; a
/// ticket token (uppercase base32) uses the compact alphanumeric mode and fits in version 2.
pub fn png(text: &str) -> Result<Vec<u8>, QrError> {
    let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M)
        .map_err(|e| QrError(e.to_string()))?;
    let image = code
        .render::<Luma<u8>>()
        .module_dimensions(MODULE_PIXELS, MODULE_PIXELS)
        .quiet_zone(true)
        .build();
    let mut bytes = Cursor::new(Vec::new());
    image
        .write_to(&mut bytes, ImageFormat::Png)
        .map_err(|e| QrError(e.to_string()))?;
    Ok(bytes.into_inner())
}

/// The text could not be encoded.
#[derive(Debug, Clone, thiserror::Error)]
#[error("cannot make the QR code: {0}")]
pub struct QrError(String);

#[cfg(test)]
mod tests {
    #[test]
    fn a_ticket_token_uses_alphanumeric_mode_and_fits_in_version_2() {
        let code = qrcode::QrCode::with_error_correction_level(
            b"MFRGGZDFMZTWQ2LKNNWG23TPOA",
            qrcode::EcLevel::M,
        )
        .expect("encodes");
        assert_eq!(code.version(), qrcode::Version::Normal(2));
    }

    #[test]
    fn a_ticket_token_makes_a_small_png() {
        let png = super::png("MFRGGZDFMZTWQ2LKNNWG23TPOA").expect("encodes");
        assert_eq!(&png[1..4], b"PNG");
        assert!(png.len() < 4000, "{} bytes", png.len());
    }
}

//! Reading the QR code in a camera frame (`POST /api/v1/decode-qr`, for browsers without
//! BarcodeDetector), within a budget: decoding an image costs memory in proportion to its pixels,
//! not to its bytes, and a PNG of a few kilobytes can declare 20,000 × 20,000 pixels (gigabytes
//! once decoded). So a frame's size is read from its header and refused before anything is
//! decoded; a legal frame is decoded with the `image` crate's allocation limit, reduced to grey
//! levels and scaled down before rqrr searches it (a QR code held up to a phone needs no more);
//! and only a few frames are decoded at once ([`FrameGate`]), the others answered at once.

use image::{DynamicImage, GrayImage, ImageError, ImageFormat, ImageReader, Limits};
use std::io::Cursor;
use std::sync::Arc;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// The largest frame body, in bytes (a phone's frame as JPEG is a few hundred kilobytes).
pub const MAX_FRAME_BYTES: usize = 2 * 1024 * 1024;
/// The longest side of a frame, in pixels.
pub const MAX_FRAME_SIDE: u32 = 4096;
/// The most pixels in a frame: 16 megapixels (a 4K video frame has 8.3, a 12-megapixel photo
/// fits too).
pub const MAX_FRAME_PIXELS: u64 = 16_000_000;
/// What the decoder may allocate for one frame: the largest legal frame in 8-bit RGBA takes
/// 61 MiB; 16-bit channels would need twice that and are refused.
const MAX_DECODE_BYTES: u64 = 64 * 1024 * 1024;
/// Frames are scaled down to this longest side before the QR search: plenty for a code that
/// fills a fair part of the frame, and it bounds the search's time whatever the camera.
pub const SEARCH_SIDE: u32 = 1600;

/// Why a frame is not read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FrameError {
    /// Not a PNG or JPEG image, or a broken one.
    NotAnImage,
    /// Over the pixel budget ([`MAX_FRAME_SIDE`], [`MAX_FRAME_PIXELS`]), or too costly to decode.
    TooLarge,
}

/// The decoder's limits for a frame.
fn limits() -> Limits {
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_FRAME_SIDE);
    limits.max_image_height = Some(MAX_FRAME_SIDE);
    limits.max_alloc = Some(MAX_DECODE_BYTES);
    limits
}

/// A reader of `bytes` if they are a PNG or a JPEG (by their first bytes, whatever the request's
/// content type says).
fn reader(bytes: &[u8]) -> Result<ImageReader<Cursor<&[u8]>>, FrameError> {
    let mut reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|_| FrameError::NotAnImage)?;
    match reader.format() {
        Some(ImageFormat::Png | ImageFormat::Jpeg) => {
            reader.limits(limits());
            Ok(reader)
        }
        _ => Err(FrameError::NotAnImage),
    }
}

fn decode_error(error: ImageError) -> FrameError {
    match error {
        ImageError::Limits(_) => FrameError::TooLarge,
        _ => FrameError::NotAnImage,
    }
}

/// Checks a frame's size from its header alone, before anything is decoded: cheap whatever the
/// size it declares.
pub fn check(bytes: &[u8]) -> Result<(u32, u32), FrameError> {
    let (width, height) = reader(bytes)?.into_dimensions().map_err(decode_error)?;
    let too_large = width > MAX_FRAME_SIDE
        || height > MAX_FRAME_SIDE
        || u64::from(width) * u64::from(height) > MAX_FRAME_PIXELS;
    if too_large {
        return Err(FrameError::TooLarge);
    }
    Ok((width, height))
}

/// The frame in grey levels, its longest side at most [`SEARCH_SIDE`].
pub fn prepare(bytes: &[u8]) -> Result<GrayImage, FrameError> {
    check(bytes)?;
    let decoded = reader(bytes)?.decode().map_err(decode_error)?;
    // Grey levels first: the colour image is dropped before scaling.
    let grey = match decoded {
        DynamicImage::ImageLuma8(grey) => grey,
        other => other.to_luma8(),
    };
    let (width, height) = grey.dimensions();
    let longest = width.max(height);
    if longest <= SEARCH_SIDE {
        return Ok(grey);
    }
    let scale = |side: u32| {
        u32::try_from(u64::from(side) * u64::from(SEARCH_SIDE) / u64::from(longest))
            .unwrap_or(SEARCH_SIDE)
            .max(1)
    };
    Ok(image::imageops::thumbnail(
        &grey,
        scale(width),
        scale(height),
    ))
}

/// The text of the first readable QR code in the frame, if any. CPU-bound: run it off the async
/// threads, under a [`FrameGate`] permit.
pub fn read_qr(bytes: &[u8]) -> Result<Option<String>, FrameError> {
    let grey = prepare(bytes)?;
    let mut prepared = rqrr::PreparedImage::prepare(grey);
    Ok(prepared
        .detect_grids()
        .into_iter()
        .find_map(|grid| grid.decode().ok().map(|(_, text)| text)))
}

/// How many frames are decoded at once. A desk's camera sends a frame every half second and
/// skips a frame that gets no answer, so a frame beyond the limit is answered `503` at once
/// rather than queued: a queue would only hand the desk an older frame later.
#[derive(Debug, Clone)]
pub struct FrameGate(Arc<Semaphore>);

impl FrameGate {
    /// At most `at_once` frames decoded at the same time (at least one).
    pub fn new(at_once: usize) -> Self {
        Self(Arc::new(Semaphore::new(at_once.max(1))))
    }

    /// A permit to decode one frame, held until dropped; `None` when all are taken.
    pub fn try_enter(&self) -> Option<OwnedSemaphorePermit> {
        self.0.clone().try_acquire_owned().ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A PNG of `width` × `height` grey pixels.
    fn png(width: u32, height: u32) -> Vec<u8> {
        let mut bytes = Vec::new();
        GrayImage::from_pixel(width, height, image::Luma([255]))
            .write_to(&mut Cursor::new(&mut bytes), ImageFormat::Png)
            .expect("encode");
        bytes
    }

    /// A small PNG whose header declares `width` × `height` pixels (its data is far too short:
    /// only a decoder that believed the header would allocate for it).
    fn declaring(width: u32, height: u32) -> Vec<u8> {
        let mut bytes = png(8, 8);
        // The signature (8 bytes), then the IHDR chunk: length (4), type (4), width, height…
        bytes[16..20].copy_from_slice(&width.to_be_bytes());
        bytes[20..24].copy_from_slice(&height.to_be_bytes());
        let crc = crc32fast::hash(&bytes[12..29]);
        bytes[29..33].copy_from_slice(&crc.to_be_bytes());
        bytes
    }

    #[test]
    fn frames_over_the_pixel_budget_are_refused_before_decoding() {
        assert_eq!(check(&png(64, 48)), Ok((64, 48)));
        assert_eq!(check(&declaring(64, 48)), Ok((64, 48)));
        assert_eq!(
            check(&png(MAX_FRAME_SIDE + 1, 1)),
            Err(FrameError::TooLarge)
        );
        assert_eq!(check(&declaring(20_000, 20_000)), Err(FrameError::TooLarge));
        assert_eq!(
            prepare(&declaring(20_000, 20_000)),
            Err(FrameError::TooLarge)
        );
        // Each side legal, too many pixels together.
        assert_eq!(check(&declaring(4096, 4000)), Err(FrameError::TooLarge));
        assert_eq!(check(b"not an image"), Err(FrameError::NotAnImage));
        // A GIF is an image, but not one a desk's camera sends.
        assert_eq!(
            check(b"GIF89a\x01\x00\x01\x00"),
            Err(FrameError::NotAnImage)
        );
    }

    #[test]
    fn large_frames_are_scaled_down_before_the_search() {
        let grey = prepare(&png(2000, 1000)).expect("a legal frame");
        assert_eq!(grey.dimensions(), (SEARCH_SIDE, 800));
        let small = prepare(&png(640, 480)).expect("a small frame");
        assert_eq!(small.dimensions(), (640, 480));
    }

    #[test]
    fn the_gate_lets_a_few_frames_in_at_once() {
        let gate = FrameGate::new(2);
        let first = gate.try_enter().expect("a first permit");
        let _second = gate.try_enter().expect("a second permit");
        assert!(gate.try_enter().is_none(), "a third frame waits for none");
        drop(first);
        assert!(gate.try_enter().is_some(), "a permit freed is taken again");
    }
}

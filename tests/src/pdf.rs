//! Reading guichet's PDFs back, as a reader would: the text of each page (lopdf, through the
//! ToUnicode maps the writer embeds), the QR codes of the page's images (decoded by rqrr), and
//! the page count.

/// A PDF, parsed.
#[derive(Debug)]
pub struct Pdf(lopdf::Document);

impl Pdf {
    pub fn parse(bytes: &[u8]) -> Self {
        Self(lopdf::Document::load_mem(bytes).expect("a PDF"))
    }

    pub fn pages(&self) -> usize {
        self.0.get_pages().len()
    }

    /// Every page's text, without whitespace (extractors guess spaces from gaps between glyphs).
    pub fn text(&self) -> String {
        let pages: Vec<u32> = self.0.get_pages().keys().copied().collect();
        self.0
            .extract_text(&pages)
            .expect("the text extracts")
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect()
    }

    /// Whether `text` (a name, a title) is printed: found in the extracted text as a reader that
    /// follows the content streams gives it (see [`as_extracted`]).
    pub fn shows(&self, text: &str) -> bool {
        self.text().contains(&as_extracted(text))
    }

    /// Each page's size in millimetres (its MediaBox), rounded to the millimetre.
    pub fn page_sizes_mm(&self) -> Vec<(i64, i64)> {
        let number = |o: &lopdf::Object| o.as_float().or_else(|_| o.as_i64().map(|i| i as f32));
        self.0
            .get_pages()
            .values()
            .map(|&id| {
                let page = self.0.get_dictionary(id).expect("a page");
                let media = page
                    .get(b"MediaBox")
                    .and_then(lopdf::Object::as_array)
                    .expect("a MediaBox");
                let at = |i: usize| number(&media[i]).expect("a number");
                let mm = |points: f32| (points / 72.0 * 25.4).round() as i64;
                (mm(at(2) - at(0)), mm(at(3) - at(1)))
            })
            .collect()
    }

    /// How many times `text` is printed (see [`Pdf::shows`]).
    pub fn times(&self, text: &str) -> usize {
        self.text().matches(&as_extracted(text)).count()
    }

    /// The text of every QR code drawn as an image.
    pub fn qr_codes(&self) -> Vec<String> {
        let mut found = Vec::new();
        for object in self.0.objects.values() {
            let Ok(stream) = object.as_stream() else {
                continue;
            };
            let is_image = stream
                .dict
                .get(b"Subtype")
                .and_then(|s| s.as_name())
                .is_ok_and(|name| name == b"Image");
            if !is_image {
                continue;
            }
            let number = |key: &[u8]| {
                stream
                    .dict
                    .get(key)
                    .and_then(|v| v.as_i64())
                    .expect("an image's size")
            };
            let (width, height) = (number(b"Width") as u32, number(b"Height") as u32);
            let pixels = stream.decompressed_content().expect("the image's pixels");
            // One pixel a module: enlarged, so that the decoder finds the finder patterns.
            let scale = 8;
            let image = image::GrayImage::from_fn(width * scale, height * scale, |x, y| {
                image::Luma([pixels[((y / scale) * width + x / scale) as usize]])
            });
            let mut prepared = rqrr::PreparedImage::prepare(image);
            for grid in prepared.detect_grids() {
                let (_, content) = grid.decode().expect("a readable QR code");
                found.push(content);
            }
        }
        found.sort();
        found
    }
}

/// What a reader following the content stream extracts for `text`: the PDF's glyphs are in
/// visual order, each mapped to the text of its cluster, so a right-to-left run comes out
/// reversed (the bidirectional algorithm's visual order), except that a lam-alef ligature, one
/// glyph, keeps its two letters in logical order. Without whitespace.
pub fn as_extracted(text: &str) -> String {
    let bidi = unicode_bidi::BidiInfo::new(text, None);
    let Some(paragraph) = bidi.paragraphs.first() else {
        return String::new();
    };
    let visual = bidi.reorder_line(paragraph, paragraph.range.clone());
    let mut chars: Vec<char> = visual.chars().filter(|c| !c.is_whitespace()).collect();
    for i in 0..chars.len().saturating_sub(1) {
        if matches!(chars[i], 'ا' | 'أ' | 'إ' | 'آ') && chars[i + 1] == 'ل' {
            chars.swap(i, i + 1);
        }
    }
    chars.into_iter().collect()
}

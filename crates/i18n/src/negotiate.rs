//! Choosing the visitor's language from what their browser asks for. The language cookie set by
//! the switcher wins over this; reading it, and the header, off a request is `web`'s job.

use domain::Lang;

/// The supported language the browser prefers most (by quality) in an Accept-Language header's
/// value, or English.
pub fn from_accept_language(header: &str) -> Lang {
    accept_language::parse_with_quality(header)
        .into_iter()
        .filter(|(_, quality)| *quality > 0.0)
        .find_map(|(tag, _)| tag.parse::<Lang>().ok())
        .unwrap_or(Lang::En)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_language_is_read_by_quality() {
        assert_eq!(from_accept_language("fr-CH, fr;q=0.9, en;q=0.8"), Lang::Fr);
        assert_eq!(from_accept_language("de-DE, en;q=0.5, fr;q=0.9"), Lang::Fr);
        assert_eq!(from_accept_language("en-GB,en;q=0.9"), Lang::En);
        assert_eq!(from_accept_language("de"), Lang::En);
        assert_eq!(from_accept_language(""), Lang::En);
        // Quality 0 means "not this one".
        assert_eq!(from_accept_language("fr;q=0, en;q=0.1"), Lang::En);
    }
}

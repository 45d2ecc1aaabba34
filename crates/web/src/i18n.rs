//! Message catalogs and choosing the visitor's language.
//!
//! Every UI string comes from `templates/locales/{lang}/main.ftl`, compiled into the binary. The
//! language is, in order: the `lang` cookie set by the switcher, the best match in the browser's
//! Accept-Language, then English.

use axum::extract::FromRequestParts;
use axum::http::header::ACCEPT_LANGUAGE;
use axum::http::request::Parts;
use axum_extra::extract::CookieJar;
use domain::Lang;
use std::convert::Infallible;

pub use mailer::i18n::t;

/// The cookie the language switcher sets.
pub const LANG_COOKIE: &str = "lang";

/// The language of this request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RequestLang(pub Lang);

impl RequestLang {
    pub fn from_parts(parts: &Parts) -> Self {
        let jar = CookieJar::from_headers(&parts.headers);
        if let Some(lang) = jar
            .get(LANG_COOKIE)
            .and_then(|c| c.value().parse::<Lang>().ok())
        {
            return Self(lang);
        }
        let header = parts
            .headers
            .get(ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        Self(from_accept_language(header))
    }
}

/// The supported language the browser prefers most (by quality), or English.
pub fn from_accept_language(header: &str) -> Lang {
    accept_language::parse_with_quality(header)
        .into_iter()
        .filter(|(_, quality)| *quality > 0.0)
        .find_map(|(tag, _)| tag.parse::<Lang>().ok())
        .unwrap_or(Lang::En)
}

impl<S: Send + Sync> FromRequestParts<S> for RequestLang {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(Self::from_parts(parts))
    }
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
    }
}

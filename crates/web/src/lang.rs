//! Choosing the visitor's language from the request.
//!
//! The language is, in order: the `lang` cookie set by the switcher, the best match in the browser's
//! Accept-Language (chosen by [`i18n::from_accept_language`]), then English. The strings themselves
//! come from the `i18n` crate's catalogs.

use axum::extract::FromRequestParts;
use axum::http::header::ACCEPT_LANGUAGE;
use axum::http::request::Parts;
use axum_extra::extract::CookieJar;
use domain::Lang;
use std::convert::Infallible;

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
        Self(i18n::from_accept_language(header))
    }
}

impl<S: Send + Sync> FromRequestParts<S> for RequestLang {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(Self::from_parts(parts))
    }
}

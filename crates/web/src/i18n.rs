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
use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{LanguageIdentifier, Loader, langid, static_loader};
use std::borrow::Cow;
use std::collections::HashMap;
use std::convert::Infallible;

static_loader! {
    static LOCALES = {
        locales: "../../templates/locales",
        fallback_language: "en",
        // No Unicode isolation marks around arguments: they would end up in emails' subjects,
        // CSV headers and tests' string comparisons.
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

/// The cookie the language switcher sets.
pub const LANG_COOKIE: &str = "lang";

fn langid(lang: Lang) -> LanguageIdentifier {
    match lang {
        Lang::Fr => langid!("fr"),
        Lang::En => langid!("en"),
    }
}

/// The message `key` in `lang`, with `args` substituted. A missing key shows as the key itself, and
/// the catalogs test makes sure none is missing.
pub fn t(lang: Lang, key: &str, args: &[(&str, FluentValue<'static>)]) -> String {
    let args: HashMap<Cow<'static, str>, FluentValue<'static>> = args
        .iter()
        .map(|(k, v)| (Cow::Owned((*k).to_owned()), v.clone()))
        .collect();
    LOCALES
        .try_lookup_with_args(&langid(lang), key, &args)
        .unwrap_or_else(|| key.to_owned())
}

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
    use std::collections::BTreeSet;

    fn keys(catalog: &str) -> BTreeSet<String> {
        catalog
            .lines()
            .filter(|l| !l.starts_with('#') && !l.starts_with(' ') && l.contains(" = "))
            .filter_map(|l| l.split(" = ").next())
            .map(str::to_owned)
            .collect()
    }

    #[test]
    fn french_and_english_catalogs_have_the_same_keys() {
        let fr = keys(include_str!("../../../templates/locales/fr/main.ftl"));
        let en = keys(include_str!("../../../templates/locales/en/main.ftl"));
        assert!(fr.len() > 40, "catalog looks empty: {fr:?}");
        assert_eq!(
            fr.difference(&en).collect::<Vec<_>>(),
            Vec::<&String>::new(),
            "only in French"
        );
        assert_eq!(
            en.difference(&fr).collect::<Vec<_>>(),
            Vec::<&String>::new(),
            "only in English"
        );
        // Every message resolves in both languages once its variables are given.
        let args: Vec<(&str, FluentValue<'static>)> = [
            "first", "last", "date", "zone", "time", "number", "closes", "opens", "seats",
            "language", "start", "end",
        ]
        .into_iter()
        .map(|name| (name, FluentValue::from("x")))
        .collect();
        for key in &fr {
            assert_ne!(t(Lang::Fr, key, &args), *key, "{key} missing in French");
            assert_ne!(t(Lang::En, key, &args), *key, "{key} missing in English");
        }
    }

    #[test]
    fn arguments_are_substituted_without_isolation_marks() {
        let text = t(
            Lang::Fr,
            "agenda-day",
            &[
                ("number", 2.into()),
                ("date", "mardi 8 juillet 2008".into()),
            ],
        );
        assert_eq!(text, "Jour 2 — mardi 8 juillet 2008");
    }

    #[test]
    fn accept_language_is_read_by_quality() {
        assert_eq!(from_accept_language("fr-CH, fr;q=0.9, en;q=0.8"), Lang::Fr);
        assert_eq!(from_accept_language("de-DE, en;q=0.5, fr;q=0.9"), Lang::Fr);
        assert_eq!(from_accept_language("en-GB,en;q=0.9"), Lang::En);
        assert_eq!(from_accept_language("de"), Lang::En);
        assert_eq!(from_accept_language(""), Lang::En);
    }
}

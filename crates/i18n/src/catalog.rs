//! The message catalogs: every UI and email string, in French, English and Spanish.
//!
//! The catalogs live in `templates/locales/{lang}/*.ftl` and are compiled into the binary; this
//! module is the one place that reads them.

use domain::Lang;
use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{LanguageIdentifier, Loader, langid, static_loader};
use std::borrow::Cow;
use std::collections::HashMap;

/// A message's argument: a text or a number.
pub use fluent_templates::fluent_bundle::FluentValue as Arg;

static_loader! {
    static LOCALES = {
        locales: "../../templates/locales",
        fallback_language: "en",
        // No Unicode isolation marks around arguments: they would end up in emails' subjects,
        // CSV headers and tests' string comparisons.
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

fn langid(lang: Lang) -> LanguageIdentifier {
    match lang {
        Lang::Fr => langid!("fr"),
        Lang::En => langid!("en"),
        Lang::Es => langid!("es"),
    }
}

/// The message `key` in `lang`, with `args` substituted. A missing key shows as the key itself;
/// the catalogs' test makes sure none is missing.
pub fn t(lang: Lang, key: &str, args: &[(&str, FluentValue<'static>)]) -> String {
    try_t(lang, key, args).unwrap_or_else(|| key.to_owned())
}

/// The message `key` in `lang`, if the catalog has it.
pub fn try_t(lang: Lang, key: &str, args: &[(&str, FluentValue<'static>)]) -> Option<String> {
    let args: HashMap<Cow<'static, str>, FluentValue<'static>> = args
        .iter()
        .map(|(k, v)| (Cow::Owned((*k).to_owned()), v.clone()))
        .collect();
    LOCALES.try_lookup_with_args(&langid(lang), key, &args)
}

/// A country's name in `lang`.
pub fn country_name(lang: Lang, country: domain::Country) -> String {
    t(lang, &format!("country-{}", country.code()), &[])
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
    fn the_three_catalogs_have_the_same_keys_and_every_message_resolves_in_each() {
        let fr = keys(include_str!("../../../templates/locales/fr/main.ftl"));
        let en = keys(include_str!("../../../templates/locales/en/main.ftl"));
        let es = keys(include_str!("../../../templates/locales/es/main.ftl"));
        assert!(fr.len() > 40, "catalog looks empty: {fr:?}");
        for (name, other) in [("English", &en), ("Spanish", &es)] {
            assert_eq!(
                fr.difference(other).collect::<Vec<_>>(),
                Vec::<&String>::new(),
                "in French, not in {name}"
            );
            assert_eq!(
                other.difference(&fr).collect::<Vec<_>>(),
                Vec::<&String>::new(),
                "in {name}, not in French"
            );
        }
        // Every message resolves in both languages once its variables are given.
        let args: HashMap<Cow<'static, str>, FluentValue<'static>> = [
            "first",
            "last",
            "date",
            "zone",
            "time",
            "number",
            "closes",
            "opens",
            "seats",
            "language",
            "start",
            "end",
            "max",
            "name",
            "event",
            "url",
            "position",
            "city",
            "venue",
            "dates",
            "token",
            "detail",
            "by",
            "email",
            "minutes",
            "seconds",
            "min",
            "left",
            "at",
            "role",
            "expires",
            "categories",
        ]
        .into_iter()
        .map(|name| (Cow::Borrowed(name), FluentValue::from("x")))
        .collect();
        for key in &fr {
            for lang in Lang::ALL {
                if let Err(e) = alone(lang, key, &args) {
                    panic!("{key} does not resolve in {lang} alone: {e}");
                }
            }
        }
    }

    /// The message `key` formatted from `lang`'s own catalog: a message missing there, or one
    /// that fails to format, is an error here instead of falling back to English as [`t`] does.
    fn alone(
        lang: Lang,
        key: &str,
        args: &HashMap<Cow<'static, str>, FluentValue<'static>>,
    ) -> Result<String, String> {
        LOCALES
            .lookup_single_language(&langid(lang), key, Some(args))
            .map_err(|e| format!("{e:?}"))
    }

    #[test]
    fn every_country_has_a_name_in_each_language() {
        let none = HashMap::new();
        for country in domain::Country::all() {
            for lang in Lang::ALL {
                let key = format!("country-{}", country.code());
                assert!(
                    alone(lang, &key, &none).is_ok(),
                    "{} has no name in {lang}'s own catalog",
                    country.code()
                );
            }
        }
        let ch = domain::Country::parse("CH").expect("CH");
        assert_eq!(country_name(Lang::Fr, ch), "Suisse");
        assert_eq!(country_name(Lang::En, ch), "Switzerland");
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
}

//! The catalogs as seen from a minijinja template: pages and emails register [`template_t`] as
//! their `t()` function.

use crate::t;
use domain::Lang;
use fluent_templates::fluent_bundle::FluentValue;
use minijinja::value::{Kwargs, ValueKind};

/// The `t()` function of templates, pages and emails alike:
/// `{{ t("agenda-day", number=1, date=day.date) }}` is the message in the language named by the
/// template's `lang` variable.
pub fn template_t(
    state: &minijinja::State,
    key: &str,
    kwargs: Kwargs,
) -> Result<String, minijinja::Error> {
    let lang = state
        .lookup("lang")
        .and_then(|v| v.as_str().and_then(|s| s.parse::<Lang>().ok()))
        .ok_or_else(|| {
            minijinja::Error::new(
                minijinja::ErrorKind::UndefinedError,
                "the template has no lang",
            )
        })?;
    let mut args: Vec<(&str, FluentValue<'static>)> = Vec::new();
    for name in kwargs.args() {
        let value: minijinja::Value = kwargs.get(name)?;
        let fluent = match value.kind() {
            ValueKind::Number => match i64::try_from(value.clone()) {
                Ok(n) => FluentValue::from(n),
                Err(_) => FluentValue::from(value.to_string()),
            },
            _ => FluentValue::from(value.to_string()),
        };
        args.push((name, fluent));
    }
    kwargs.assert_all_used()?;
    Ok(t(lang, key, &args))
}

#[cfg(test)]
mod tests {
    use super::*;
    use minijinja::{Environment, context};

    fn render(source: &str, lang: &str) -> Result<String, minijinja::Error> {
        let mut env = Environment::new();
        env.add_function("t", template_t);
        env.render_str(source, context! { lang => lang })
    }

    #[test]
    fn templates_read_the_catalog_of_their_language() {
        let source = r#"{{ t("agenda-day", number=2, date="8 July 2008") }}"#;
        assert_eq!(
            render(source, "fr").expect("renders"),
            "Jour 2 — 8 July 2008"
        );
        assert_eq!(
            render(source, "en").expect("renders"),
            t(
                Lang::En,
                "agenda-day",
                &[("number", 2.into()), ("date", "8 July 2008".into())]
            )
        );
    }

    #[test]
    fn a_template_without_a_language_is_an_error() {
        let error = render(r#"{{ t("agenda-day") }}"#, "de").expect_err("no such lang");
        assert_eq!(error.kind(), minijinja::ErrorKind::UndefinedError);
    }
}

//! Page templates (`templates/pages/`, compiled into the binary) and the `t()` function they use
//! to fetch UI strings in the page's language.

use crate::i18n;
use domain::Lang;
use fluent_templates::fluent_bundle::FluentValue;
use minijinja::value::{Kwargs, ValueKind};
use minijinja::{Environment, ErrorKind, State, Value};
use serde::Serialize;

/// The compiled templates.
#[derive(Debug)]
pub struct Templates {
    env: Environment<'static>,
}

impl Templates {
    pub fn new() -> Self {
        let mut env = Environment::new();
        minijinja_embed::load_templates!(&mut env);
        env.add_function("t", translate);
        Self { env }
    }

    /// Renders `name` with `context`, which must hold a `lang` (the page's language code).
    pub fn render(&self, name: &str, context: Value) -> Result<String, minijinja::Error> {
        self.env.get_template(name)?.render(context)
    }
}

impl Default for Templates {
    fn default() -> Self {
        Self::new()
    }
}

/// The switcher's links for a page at `path`.
pub fn languages(path: &str, current: Lang) -> Vec<minijinja::Value> {
    Lang::ALL
        .iter()
        .map(|lang| {
            minijinja::context! {
                code => lang.code(),
                name => lang.native_name(),
                current => *lang == current,
                next => path,
            }
        })
        .collect()
}

/// A serialisable value (a view) as a template value.
pub fn view<T: Serialize>(value: T) -> Value {
    Value::from(minijinja::value::Serde(value))
}

/// `{{ t("agenda-day", number=1, date=day.date) }}`: the message in the page's language.
fn translate(state: &State, key: &str, kwargs: Kwargs) -> Result<String, minijinja::Error> {
    let lang = state
        .lookup("lang")
        .and_then(|v| v.as_str().and_then(|s| s.parse::<Lang>().ok()))
        .ok_or_else(|| minijinja::Error::new(ErrorKind::UndefinedError, "the page has no lang"))?;
    let mut args: Vec<(&str, FluentValue<'static>)> = Vec::new();
    for name in kwargs.args() {
        let value: Value = kwargs.get(name)?;
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
    Ok(i18n::t(lang, key, &args))
}

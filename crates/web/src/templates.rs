//! Page templates (`templates/pages/`, compiled into the binary) and the `t()` function they use
//! to fetch UI strings in the page's language.

use domain::Lang;
use minijinja::{Environment, Value};
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
        env.add_function("t", i18n::template_t);
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

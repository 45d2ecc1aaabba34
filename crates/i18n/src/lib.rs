//! guichet's translations: the message catalogs (`templates/locales/{lang}/*.ftl`, compiled into the
//! binary) and the [`t`] function that reads them, countries' names, dates and times written the way
//! each language writes them, and the choice of a language from a browser's Accept-Language.
//! Pages (`web`) and emails (`mailer`) both take every string from here, so a message is translated
//! once, in one place.
//!
//! Depends on `domain` (for [`domain::Lang`]) and pure crates only: no I/O, and nothing of HTTP,
//! the database or mail (no axum, sea-orm or lettre). Reading the language cookie and headers off a
//! request stays in `web`, which hands the header's value to [`from_accept_language`].

mod catalog;
mod format;
mod negotiate;
mod template;

pub use catalog::{Arg, country_name, t, try_t};
pub use format::{event_dates, hh_mm, long_date, long_datetime, time_of_day};
pub use negotiate::from_accept_language;
pub use template::template_t;

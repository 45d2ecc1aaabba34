//! Registering a participant, shared by the HTML form and the JSON API: parse the form, check the
//! registration window, store the registration with its email. The answer is the same whether the
//! address was new or already registered — the ticket travels only by email.

use crate::{AppState, Error};
use domain::{Event, Lang, Problem, RegistrationForm, Window};
use i18n::{long_datetime, t};
use persistence::StoredEvent;
use std::collections::BTreeMap;

/// Words a field's problem in `lang`.
pub fn problem_message(problem: Problem, lang: Lang) -> String {
    match problem {
        Problem::TooLong { max } => t(lang, problem.message_key(), &[("max", (max as i64).into())]),
        other => t(lang, other.message_key(), &[]),
    }
}

/// Why the event does not take registrations now, in `lang`; `None` while it does.
pub fn window_problem(event: &Event, state: &AppState, lang: Lang) -> Option<String> {
    match event.registration_window_at(state.clock().now()) {
        Window::Open => None,
        Window::NotYetOpen { opens_at } => Some(t(
            lang,
            "registration-not-open",
            &[(
                "opens",
                long_datetime(opens_at, event.time_zone, lang).into(),
            )],
        )),
        Window::Closed => Some(t(lang, "registration-closed", &[])),
    }
}

/// Parses `form` for `stored`, or says what is wrong with each field (messages in `lang`).
pub fn parse(
    stored: &StoredEvent,
    form: &RegistrationForm,
    lang: Lang,
) -> Result<domain::Participant, Error> {
    form.parse(&stored.event).map_err(|errors| {
        Error::Invalid(
            errors
                .0
                .into_iter()
                .map(|(field, problem)| (field.key().to_owned(), problem_message(problem, lang)))
                .collect(),
        )
    })
}

/// Registers `form` for `stored`, or says what is wrong with it (messages in `lang`).
#[tracing::instrument(skip_all, fields(event = %stored.event.slug, email = tracing::field::Empty))]
pub async fn submit(
    state: &AppState,
    stored: &StoredEvent,
    form: &RegistrationForm,
    lang: Lang,
) -> Result<(), Error> {
    if let Some(problem) = window_problem(&stored.event, state, lang) {
        return Err(Error::Invalid(BTreeMap::from([(
            "registration".to_owned(),
            problem,
        )])));
    }
    let participant = parse(stored, form, lang)?;
    tracing::Span::current().record("email", participant.email.masked());
    state
        .db()
        .register(stored.id, participant, state.shared_clock())
        .await?;
    Ok(())
}

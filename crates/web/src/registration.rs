//! Registering a participant, shared by the HTML form and the JSON API: parse the form, check the
//! registration window, store the registration with its email. The answer is the same whether the
//! address was new or already registered — the ticket travels only by email.

use crate::client::ClientAddr;
use crate::error::Throttled;
use crate::limits::retry_after_seconds;
use crate::{AppState, Error};
use domain::{Event, Lang, Problem, RegistrationForm, Window};
use i18n::{long_datetime, t};
use persistence::StoredEvent;

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
    form.parse(&stored.event)
        .map_err(|errors| invalid(errors, lang))
}

/// Like [`parse`], for a walk-in the desk registers: no question is required.
pub fn parse_walk_in(
    stored: &StoredEvent,
    form: &RegistrationForm,
    lang: Lang,
) -> Result<domain::Participant, Error> {
    form.parse_walk_in(&stored.event)
        .map_err(|errors| invalid(errors, lang))
}

/// Each field's problem, in `lang`, by its key (`given_name`, `answers.diet`).
fn invalid(errors: domain::FormErrors, lang: Lang) -> Error {
    Error::Invalid(
        errors
            .by_key()
            .map(|(key, problem)| (key, problem_message(problem, lang)))
            .collect(),
    )
}

/// Who sent a registration, as far as the request tells.
#[derive(Debug, Clone, Copy)]
pub struct Sender {
    /// Registrations are limited per client address.
    pub client: ClientAddr,
    /// The form's field that people do not see was filled in: a script, not a person.
    pub filled_honeypot: bool,
}

/// Registers `form` for `stored`, or says what is wrong with it (messages in `lang`).
///
/// Beyond `registrations_per_minute` from the sender's address: 429 (checked once the form is
/// valid, so that correcting a field costs nothing). A filled honeypot gets the answer of a
/// registration taken, and nothing is stored or sent.
#[tracing::instrument(skip_all, fields(event = %stored.event.slug, email = tracing::field::Empty))]
pub async fn submit(
    state: &AppState,
    stored: &StoredEvent,
    form: &RegistrationForm,
    lang: Lang,
    sender: Sender,
) -> Result<(), Error> {
    if let Some(problem) = window_problem(&stored.event, state, lang) {
        return Err(Error::field("registration", problem));
    }
    let participant = parse(stored, form, lang)?;
    tracing::Span::current().record("email", participant.email.masked());
    if sender.filled_honeypot {
        tracing::info!("registration dropped: the honeypot field was filled in");
        return Ok(());
    }
    if let Err(wait) = state.registration_limiter().check(sender.client) {
        tracing::info!("registration refused: too many from this client address");
        state.metrics().rate_limited("registrations");
        let seconds = i64::try_from(retry_after_seconds(wait)).unwrap_or(i64::MAX);
        return Err(Error::TooManyAttempts(Throttled {
            message: t(
                lang,
                "registration-too-many",
                &[("seconds", seconds.into())],
            ),
            retry_after: wait,
        }));
    }
    let registered = state
        .db()
        .register(stored.id, participant, state.shared_clock())
        .await?;
    state.metrics().registration(match &registered {
        persistence::Registered::New(registration) => registration.status.as_str(),
        persistence::Registered::AlreadyRegistered(_) => "already_registered",
    });
    Ok(())
}

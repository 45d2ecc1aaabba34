//! Pages for people: the list of events, an event with its agenda, the language switcher, 404.

use crate::AppState;
use crate::client::ClientAddr;
use crate::error::Error;
use crate::extract::{PublishedEvent, VisitorForm};
use crate::lang::{LANG_COOKIE, RequestLang};
use crate::redirect::SafePath;
use crate::registration::window_problem;
use crate::templates::{languages, view};
use crate::views::{EventCard, EventPage, FormView};
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum_extra::extract::CookieJar;
use axum_extra::extract::cookie::{Cookie, SameSite};
use domain::{Lang, RegistrationForm};
use minijinja::context;
use persistence::StoredEvent;
use serde::Deserialize;
use std::collections::BTreeMap;

mod account;
mod bulk;
mod certificates;
mod invitation;
mod organiser;
mod staff;
mod team;

pub(crate) fn router() -> crate::routes::Listed {
    crate::routes::Listed::new()
        .merge(staff::router())
        .merge(account::router())
        .merge(invitation::router())
        .merge(organiser::router())
        .merge(bulk::router())
        .merge(certificates::router())
        .merge(team::router())
        .route("/", get(index))
        .route("/events/{slug}", get(event_page))
        .route("/events/{slug}/register", post(register))
        .route("/events/{slug}/registered", get(registered))
        .route("/lang/{code}", get(switch_language))
}

async fn index(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
) -> Result<Html<String>, Error> {
    let events = state.db().published_events().await?;
    let cards: Vec<EventCard> = events.iter().map(|e| EventCard::new(e, lang)).collect();
    let html = state.templates().render(
        "index.html",
        context! { lang => lang.code(), languages => languages("/", lang), events => view(cards) },
    )?;
    Ok(Html(html))
}

/// The event page, with its registration form (and, after a failed submission, what was typed
/// and what is wrong).
fn render_event_page(
    state: &AppState,
    stored: &StoredEvent,
    lang: Lang,
    values: Option<RegistrationForm>,
    errors: BTreeMap<String, String>,
    alert: Option<String>,
) -> Result<String, Error> {
    let event = &stored.event;
    let page = EventPage::new(event, lang, state.clock().now());
    let closed = window_problem(event, state, lang);
    let mut form = FormView::new(event, lang, closed, values, errors);
    if let Some(alert) = alert {
        form = form.with_alert(alert);
    }
    let path = format!("/events/{}", event.slug);
    Ok(state.templates().render(
        "event.html",
        context! {
            lang => lang.code(),
            languages => languages(&path, lang),
            event => view(page),
            form => view(form),
        },
    )?)
}

async fn event_page(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    Path(slug): Path<String>,
) -> Result<Html<String>, Error> {
    let stored = crate::lookup::published_event(&state, &slug).await?;
    Ok(Html(render_event_page(
        &state,
        &stored,
        lang,
        None,
        BTreeMap::new(),
        None,
    )?))
}

/// The form as a browser posts it: a checkbox is absent when unticked.
#[derive(Debug, Deserialize)]
struct PostedForm {
    #[serde(default)]
    given_name: String,
    #[serde(default)]
    family_name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    organisation: String,
    function: Option<String>,
    #[serde(default)]
    category: String,
    #[serde(default)]
    country: String,
    #[serde(default)]
    language: String,
    needs: Option<String>,
    consent: Option<String>,
    /// The honeypot: a field people do not see (hidden by the stylesheet, skipped by the
    /// keyboard and by screen readers) and scripts fill in.
    #[serde(default)]
    website: String,
    /// The answers to the event's questions: `answers.KEY`, and for a multiple choice one box
    /// per option, `answers.KEY.OPTION` (a form cannot send a list under one name).
    #[serde(flatten)]
    rest: BTreeMap<String, String>,
}

impl PostedForm {
    /// What the browser sent for `event`'s questions, as the API would send it.
    fn answers(&self, event: &domain::Event) -> BTreeMap<String, domain::RawAnswer> {
        posted_answers(event, &self.rest)
    }

    fn into_form(self, event: &domain::Event) -> RegistrationForm {
        let answers = self.answers(event);
        let f = self;
        RegistrationForm {
            given_name: f.given_name,
            family_name: f.family_name,
            email: f.email,
            organisation: f.organisation,
            function: f.function,
            category: f.category,
            country: f.country,
            language: f.language,
            needs: f.needs,
            consent: f.consent.is_some(),
            answers,
        }
    }
}

/// What a browser's form sent for `event`'s questions, as the API would send it: `answers.KEY`,
/// and for a multiple choice one box per option, `answers.KEY.OPTION` (a form cannot send a list
/// under one name). The registration form's and the organiser's correction of answers.
pub(crate) fn posted_answers(
    event: &domain::Event,
    fields: &BTreeMap<String, String>,
) -> BTreeMap<String, domain::RawAnswer> {
    use domain::{QuestionKind, RawAnswer};
    let mut answers = BTreeMap::new();
    for question in &event.questions {
        let name = format!("answers.{}", question.key);
        let answer = match &question.kind {
            QuestionKind::MultiChoice { options } => Some(RawAnswer::List(
                options
                    .iter()
                    .filter(|o| fields.contains_key(&format!("{name}.{}", o.key)))
                    .map(|o| o.key.clone())
                    .collect(),
            )),
            // An unticked box is not sent at all.
            QuestionKind::Checkbox => Some(RawAnswer::Flag(fields.contains_key(&name))),
            _ => fields.get(&name).cloned().map(RawAnswer::Text),
        };
        if let Some(answer) = answer {
            answers.insert(question.key.clone(), answer);
        }
    }
    answers
}

/// The form's submission: on success, to the "check your inbox" page; otherwise the event page
/// again, with what was typed and a message by each field at fault (422), or above the form when
/// too many registrations came from the visitor's address (429, with `Retry-After`).
async fn register(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    client: ClientAddr,
    // The event before the form: an unknown event is a 404 whatever was posted.
    PublishedEvent(stored): PublishedEvent,
    VisitorForm(posted): VisitorForm<PostedForm>,
) -> Result<Response, Error> {
    let sender = crate::registration::Sender {
        client,
        filled_honeypot: !posted.website.is_empty(),
    };
    let form = posted.into_form(&stored.event);
    match crate::registration::submit(&state, &stored, &form, lang, sender).await {
        Ok(()) => {
            Ok(Redirect::to(&format!("/events/{}/registered", stored.event.slug)).into_response())
        }
        Err(Error::Invalid(errors)) => {
            let html = render_event_page(&state, &stored, lang, Some(form), errors, None)?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(html)).into_response())
        }
        Err(Error::TooManyAttempts(throttled)) => {
            let retry_after = [(header::RETRY_AFTER, throttled.retry_after_header())];
            let html = render_event_page(
                &state,
                &stored,
                lang,
                Some(form),
                BTreeMap::new(),
                Some(throttled.message),
            )?;
            Ok((StatusCode::TOO_MANY_REQUESTS, retry_after, Html(html)).into_response())
        }
        Err(other) => Err(other),
    }
}

/// After registering: the same page whether the address was new or not.
async fn registered(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    Path(slug): Path<String>,
) -> Result<Html<String>, Error> {
    let stored = crate::lookup::published_event(&state, &slug).await?;
    let path = format!("/events/{}/registered", stored.event.slug);
    Ok(Html(state.templates().render(
        "registered.html",
        context! {
            lang => lang.code(),
            languages => languages(&path, lang),
            slug => stored.event.slug.as_str(),
            title => stored.event.title.as_str(),
            content_lang => stored.event.language.code(),
            by_approval => stored.event.approval == domain::Approval::Manual,
        },
    )?))
}

#[derive(Debug, Deserialize)]
struct Next {
    next: Option<String>,
}

/// Remembers the chosen language in a cookie and goes back to the page the visitor was on.
async fn switch_language(
    Path(code): Path<String>,
    Query(next): Query<Next>,
    jar: CookieJar,
) -> Response {
    let Ok(lang) = code.parse::<Lang>() else {
        return Error::NotFound.into_response();
    };
    let target = SafePath::or_home(next.next.as_deref());
    let cookie = Cookie::build((LANG_COOKIE, lang.code()))
        .path("/")
        .same_site(SameSite::Lax)
        .http_only(true)
        .max_age(cookie::time::Duration::days(365))
        .build();
    (jar.add(cookie), target.redirect()).into_response()
}

/// A signed-in staff member for a page, or the redirection to the sign-in form (and back).
#[expect(
    clippy::result_large_err,
    reason = "the error is the page's response, made once"
)]
pub(crate) fn page_staff(
    staff: Result<crate::auth::Staff, Error>,
    path: &str,
) -> Result<crate::auth::Staff, Response> {
    match staff {
        Ok(staff) => Ok(staff),
        Err(Error::Unauthorized) => {
            let mut response = SafePath::or_home(Some(path))
                .login_redirect()
                .into_response();
            // No session here: the desk's marker goes too (see `auth::SIGNED_IN_COOKIE`).
            let gone =
                axum_extra::extract::cookie::Cookie::build((crate::auth::SIGNED_IN_COOKIE, ""))
                    .path("/")
                    .max_age(cookie::time::Duration::ZERO)
                    .build();
            if let Ok(value) = axum::http::HeaderValue::from_str(&gone.to_string()) {
                response
                    .headers_mut()
                    .append(axum::http::header::SET_COOKIE, value);
            }
            Err(response)
        }
        Err(other) => Err(other.into_response()),
    }
}

/// Any address that matches no route.
pub async fn not_found() -> Error {
    Error::NotFound
}

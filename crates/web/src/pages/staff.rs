//! Staff pages: sign-in, sign-out, and the desk.

use crate::AppState;
use crate::auth::{SESSION_COOKIE, SIGNED_IN_COOKIE, Staff, token_hash};
use crate::client::ClientAddr;
use crate::csrf::{LoginCheck, login_token};
use crate::error::Error;
use crate::extract::{CsrfForm, NoFields};
use crate::lang::RequestLang;
use crate::login::{
    Attempt, SignInOutcome, SignedIn, open_challenge, sign_in, sign_in_with_code, user_agent,
};
use crate::redirect::SafePath;
use crate::templates::{languages, view};
use crate::views::{EventCard, FormView};
use axum::extract::{Form, Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum_extra::extract::CookieJar;
use axum_extra::extract::cookie::{Cookie, SameSite};
use domain::{DeskState, Lang, desk_state};
use i18n::{hh_mm, long_date, long_datetime};
use minijinja::context;
use persistence::SessionKind;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub(crate) fn router() -> crate::routes::Listed {
    crate::routes::Listed::new()
        .route("/login", get(login_page).post(login))
        .route("/login/code", post(login_code))
        .route("/logout", post(logout))
        .route("/desk/{slug}", get(desk_page))
        .route("/staff", get(home))
}

/// An event on the staff's home page: its desk, and its dashboard for its organisers.
#[derive(Debug, Serialize)]
struct TeamEventView {
    #[serde(flatten)]
    card: EventCard,
    published: bool,
    organiser: bool,
}

/// The staff's home page: the events the signed-in member may reach, and their role at each.
async fn home(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    staff: Result<Staff, Error>,
) -> Result<Response, Error> {
    let staff = match super::page_staff(staff, "/staff") {
        Ok(staff) => staff,
        Err(response) => return Ok(response),
    };
    let access = &staff.member.access;
    let events: Vec<TeamEventView> = state
        .db()
        .events_of(access)
        .await?
        .iter()
        .map(|event| TeamEventView {
            card: EventCard::new(event, lang),
            published: event.published,
            organiser: access.organises(event.slug.as_str()),
        })
        .collect();
    let html = state.templates().render(
        "staff_home.html",
        context! {
            lang => lang.code(),
            languages => languages("/staff", lang),
            staff_email => staff.member.email.as_str(),
            admin => access.is_admin(),
            csrf => staff.csrf_token(),
            events => view(events),
        },
    )?;
    Ok(Html(html).into_response())
}

#[derive(Debug, Deserialize)]
struct Next {
    next: Option<String>,
}

/// Whether guichet's cookies must travel over HTTPS only.
pub(super) fn secure_cookies(state: &AppState) -> bool {
    state.composer().base_url().starts_with("https://")
}

/// Which step of signing in a form is for: the password (with the email typed so far), or the
/// second factor's code.
#[derive(Debug, Clone, Copy)]
enum Step<'a> {
    Password { email: &'a str },
    Code,
}

/// The cookie a browser holds between its password and its code (see `login::open_challenge`).
const CHALLENGE_COOKIE: &str = "guichet_challenge";

/// The sign-in form at `step` (with `status`), carrying its CSRF token, whose cookie it sets if
/// the visitor has none yet.
fn login_form(
    state: &AppState,
    lang: Lang,
    jar: CookieJar,
    next: &SafePath,
    step: Step<'_>,
    error: Option<String>,
    status: StatusCode,
) -> Result<Response, Error> {
    let (jar, csrf) = login_token(jar, secure_cookies(state))?;
    let (email, code_step) = match step {
        Step::Password { email } => (email, false),
        Step::Code => ("", true),
    };
    let html = state.templates().render(
        "login.html",
        context! {
            lang => lang.code(),
            languages => languages("/login", lang),
            next => next.as_str(),
            email => email,
            code_step => code_step,
            error => error,
            csrf => csrf,
        },
    )?;
    Ok((status, jar, Html(html)).into_response())
}

/// A refusal of a sign-in step as the form shows it: the form again, with the reason; for a
/// throttled or busy one (429, 503), when to come back.
fn refused_step(
    state: &AppState,
    lang: Lang,
    jar: CookieJar,
    next: &SafePath,
    step: Step<'_>,
    error: Error,
) -> Result<Response, Error> {
    let status = error.status();
    match error {
        Error::LoginFailed(message) | Error::OtpFailed(message) => {
            login_form(state, lang, jar, next, step, Some(message), status)
        }
        error => {
            let Some(throttled) = error.throttled() else {
                return Err(error);
            };
            let message = Some(throttled.message.clone());
            let mut page = login_form(state, lang, jar, next, step, message, status)?;
            page.headers_mut()
                .insert(header::RETRY_AFTER, throttled.retry_after_header());
            Ok(page)
        }
    }
}

/// The session cookie of a browser just signed in, and the way on.
fn signed_in_response(
    state: &AppState,
    jar: CookieJar,
    signed_in: SignedIn,
    next: &SafePath,
) -> Response {
    let lasts = cookie::time::Duration::seconds(
        (signed_in.expires_at - state.clock().now())
            .num_seconds()
            .max(0),
    );
    let cookie = Cookie::build((SESSION_COOKIE, signed_in.token))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(secure_cookies(state))
        .max_age(lasts)
        .build();
    // The sign-in form's token cookie stays (for a later sign-in in this browser).
    let jar = jar.add(cookie).add(signed_in_marker(state, lasts));
    (jar, next.redirect()).into_response()
}

/// The [`SIGNED_IN_COOKIE`] marker, for as long as the session lasts.
fn signed_in_marker(state: &AppState, lasts: cookie::time::Duration) -> Cookie<'static> {
    Cookie::build((SIGNED_IN_COOKIE, "1"))
        .path("/")
        .http_only(false)
        .same_site(SameSite::Lax)
        .secure(secure_cookies(state))
        .max_age(lasts)
        .build()
}

async fn login_page(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    jar: CookieJar,
    Query(next): Query<Next>,
) -> Result<Response, Error> {
    let next = SafePath::or_staff_home(next.next.as_deref());
    let step = Step::Password { email: "" };
    login_form(&state, lang, jar, &next, step, None, StatusCode::OK)
}

// No `Debug`: it holds a password.
#[derive(Deserialize)]
struct LoginForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    next: Option<String>,
}

async fn login(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    client: ClientAddr,
    jar: CookieJar,
    check: LoginCheck,
    headers: HeaderMap,
    Form(form): Form<LoginForm>,
) -> Result<Response, Error> {
    let next = SafePath::or_staff_home(form.next.as_deref());
    let step = Step::Password { email: &form.email };
    // Before the password is looked at: a form another site made the browser send is no attempt.
    if !check.genuine {
        let message = i18n::t(lang, "login-form-expired", &[]);
        let status = StatusCode::FORBIDDEN;
        return login_form(&state, lang, jar, &next, step, Some(message), status);
    }
    let attempt = Attempt {
        email: &form.email,
        password: &form.password,
        otp: None,
        client,
        user_agent: user_agent(&headers),
        kind: SessionKind::Browser,
        lang,
    };
    match sign_in(&state, attempt).await {
        Ok(SignInOutcome::SignedIn(signed_in)) => {
            Ok(signed_in_response(&state, jar, signed_in, &next))
        }
        // The password was right: now the code, in the same browser within five minutes.
        Ok(SignInOutcome::CodeNeeded(member)) => {
            let token = open_challenge(&state, &member).await?;
            let cookie = Cookie::build((CHALLENGE_COOKIE, token))
                .path("/login")
                .http_only(true)
                .same_site(SameSite::Strict)
                .secure(secure_cookies(&state))
                .max_age(cookie::time::Duration::minutes(5))
                .build();
            let jar = jar.add(cookie);
            login_form(&state, lang, jar, &next, Step::Code, None, StatusCode::OK)
        }
        Err(error) => refused_step(&state, lang, jar, &next, step, error),
    }
}

// No `Debug`: it holds a code.
#[derive(Deserialize)]
struct CodeForm {
    #[serde(default)]
    code: String,
    next: Option<String>,
}

/// The second step of signing in: the code from the app (or a recovery code).
async fn login_code(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    client: ClientAddr,
    jar: CookieJar,
    check: LoginCheck,
    headers: HeaderMap,
    Form(form): Form<CodeForm>,
) -> Result<Response, Error> {
    let next = SafePath::or_staff_home(form.next.as_deref());
    let Some(challenge) = jar.get(CHALLENGE_COOKIE).map(|c| c.value().to_owned()) else {
        // No password given in this browser (or over five minutes ago): start again.
        let message = Some(i18n::t(lang, "login-code-expired", &[]));
        let step = Step::Password { email: "" };
        return login_form(
            &state,
            lang,
            jar,
            &next,
            step,
            message,
            StatusCode::UNAUTHORIZED,
        );
    };
    if !check.genuine {
        let message = i18n::t(lang, "login-form-expired", &[]);
        let status = StatusCode::FORBIDDEN;
        return login_form(&state, lang, jar, &next, Step::Code, Some(message), status);
    }
    let agent = user_agent(&headers);
    match sign_in_with_code(&state, &challenge, &form.code, client, agent, lang).await {
        Ok(signed_in) => {
            let jar = jar.remove(Cookie::build(CHALLENGE_COOKIE).path("/login").build());
            Ok(signed_in_response(&state, jar, signed_in, &next))
        }
        Err(error) => refused_step(&state, lang, jar, &next, Step::Code, error),
    }
}

async fn logout(
    State(state): State<AppState>,
    jar: CookieJar,
    staff: Result<Staff, Error>,
    form: Result<CsrfForm<NoFields>, Error>,
) -> Result<Response, Error> {
    match (staff, form) {
        (Ok(staff), Ok(CsrfForm(NoFields {}))) => {
            state
                .db()
                .revoke_session(&token_hash(&staff.token), state.clock().now())
                .await?;
        }
        // The session is gone already (idle, revoked elsewhere, expired): nothing to revoke,
        // and the browser's cookies go all the same — the desk's marker above all, which
        // would otherwise keep a desk page opened offline deciding from its list.
        (Err(Error::Unauthorized), _) => {}
        (Err(refused), _) | (_, Err(refused)) => return Err(refused),
    }
    let jar = jar
        .remove(Cookie::build(SESSION_COOKIE).path("/").build())
        .remove(Cookie::build(SIGNED_IN_COOKIE).path("/").build());
    Ok((jar, Redirect::to("/login")).into_response())
}

/// The desk: a scanner field, the camera, the result panel, recent scans, search and walk-ins.
async fn desk_page(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    staff: Result<Staff, Error>,
    jar: CookieJar,
    Path(slug): Path<String>,
) -> Result<Response, Error> {
    let path = format!("/desk/{slug}");
    let staff = match super::page_staff(staff, &path) {
        Ok(staff) => staff,
        Err(response) => return Ok(response),
    };
    staff.require_desk_of(&slug)?;
    let stored = crate::lookup::any_event(&state, &slug).await?;
    let event = &stored.event;
    let tz = event.time_zone;
    let now = state.clock().now();
    let status = match desk_state(&event.agenda, tz, now) {
        DeskState::Open { day } => {
            i18n::t(lang, "desk-open", &[("date", long_date(day, lang).into())])
        }
        DeskState::NotYet { opens_at } => i18n::t(
            lang,
            "desk-not-yet",
            &[
                ("time", hh_mm(opens_at, tz).into()),
                (
                    "date",
                    long_date(opens_at.with_timezone(&tz).date_naive(), lang).into(),
                ),
            ],
        ),
        DeskState::Closed => i18n::t(lang, "desk-closed", &[]),
    };
    let rehearsal = (!state.clock().is_real()).then(|| long_datetime(now, tz, lang));
    let walk_in = FormView::new(event, lang, None, None, BTreeMap::new());
    // For the page's offline decisions (desk.js): the days as this language writes them, and the
    // zone its times are shown in, as guichet's own messages do.
    let day_names: BTreeMap<String, String> = event
        .agenda
        .days()
        .iter()
        .map(|day| (day.date().to_string(), long_date(day.date(), lang)))
        .collect();
    let day_names = serde_json::to_string(&day_names).map_err(|e| Error::Internal(Box::new(e)))?;
    // The doors the desk may stand at besides the entrance: the agenda's items that take
    // attendance, by day.
    let doors: Vec<(String, Vec<(String, String)>)> = event
        .agenda
        .days()
        .iter()
        .map(|day| {
            let items = day
                .keyed_items()
                .into_iter()
                .filter(|(_, item)| item.takes_attendance())
                .map(|(key, item)| {
                    (
                        key.to_string(),
                        format!("{} {}", i18n::time_of_day(item.slot.start()), item.title),
                    )
                })
                .collect();
            (long_date(day.date(), lang), items)
        })
        .filter(|(_, items): &(String, Vec<(String, String)>)| !items.is_empty())
        .collect();
    let html = state.templates().render(
        "desk.html",
        context! {
            lang => lang.code(),
            languages => languages(&path, lang),
            slug => event.slug.as_str(),
            title => event.title.as_str(),
            content_lang => event.language.code(),
            staff_email => staff.member.email.as_str(),
            csrf => staff.csrf_token(),
            status => status,
            rehearsal => rehearsal,
            form => view(walk_in),
            time_zone => tz.name(),
            day_names => day_names,
            doors => doors,
        },
    )?;
    // The marker again, for the session's remaining time: a session opened before there was a
    // marker gets one. It may still outlive the session (an idle end, a revocation from the team
    // page, a password change): the browser learns of those at its next request to guichet,
    // which clears it (`page_staff`, desk.js on a 401), and not before.
    let left = (staff.session.expires_at - now).num_seconds().max(0);
    let marker = signed_in_marker(&state, cookie::time::Duration::seconds(left));
    Ok((jar.add(marker), Html(html)).into_response())
}

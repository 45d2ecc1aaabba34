//! Staff pages: sign-in, sign-out, and the desk.

use super::local_path;
use crate::AppState;
use crate::auth::{SESSION_COOKIE, Staff, token_hash};
use crate::client::ClientAddr;
use crate::error::Error;
use crate::extract::{CsrfForm, NoFields};
use crate::lang::RequestLang;
use crate::login::sign_in;
use crate::templates::{languages, view};
use crate::views::FormView;
use axum::Router;
use axum::extract::{Form, Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum_extra::extract::CookieJar;
use axum_extra::extract::cookie::{Cookie, SameSite};
use domain::{DeskState, Lang, desk_state};
use i18n::{hh_mm, long_date, long_datetime};
use minijinja::context;
use persistence::SessionKind;
use serde::Deserialize;
use std::collections::BTreeMap;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/login", get(login_page).post(login))
        .route("/logout", post(logout))
        .route("/desk/{slug}", get(desk_page))
        .route("/static/desk.js", get(desk_js))
}

#[derive(Debug, Deserialize)]
struct Next {
    next: Option<String>,
}

fn render_login(
    state: &AppState,
    lang: Lang,
    next: &str,
    email: &str,
    error: Option<String>,
) -> Result<String, Error> {
    Ok(state.templates().render(
        "login.html",
        context! {
            lang => lang.code(),
            languages => languages("/login", lang),
            next => next,
            email => email,
            error => error,
        },
    )?)
}

async fn login_page(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    Query(next): Query<Next>,
) -> Result<Html<String>, Error> {
    Ok(Html(render_login(
        &state,
        lang,
        &local_path(next.next),
        "",
        None,
    )?))
}

#[derive(Debug, Deserialize)]
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
    Form(form): Form<LoginForm>,
) -> Result<Response, Error> {
    let next = local_path(form.next);
    let signed_in = sign_in(
        &state,
        &form.email,
        &form.password,
        client,
        SessionKind::Browser,
        lang,
    )
    .await;
    match signed_in {
        Ok(signed_in) => {
            let cookie = Cookie::build((SESSION_COOKIE, signed_in.token))
                .path("/")
                .http_only(true)
                .same_site(SameSite::Lax)
                .secure(state.composer().base_url().starts_with("https://"))
                .max_age(cookie::time::Duration::hours(12))
                .build();
            Ok((jar.add(cookie), Redirect::to(&next)).into_response())
        }
        Err(Error::LoginFailed(message)) => {
            let html = render_login(&state, lang, &next, &form.email, Some(message))?;
            Ok((StatusCode::UNAUTHORIZED, Html(html)).into_response())
        }
        // Throttled (429) or busy (503): the form again, with the reason and when to come back.
        Err(error) => {
            let Some(throttled) = error.throttled() else {
                return Err(error);
            };
            let message = Some(throttled.message.clone());
            let html = render_login(&state, lang, &next, &form.email, message)?;
            let retry_after = [(header::RETRY_AFTER, throttled.retry_after_header())];
            Ok((error.status(), retry_after, Html(html)).into_response())
        }
    }
}

async fn logout(
    State(state): State<AppState>,
    staff: Staff,
    jar: CookieJar,
    CsrfForm(NoFields {}): CsrfForm<NoFields>,
) -> Result<Response, Error> {
    state
        .db()
        .revoke_session(&token_hash(&staff.token), state.clock().now())
        .await?;
    let jar = jar.remove(Cookie::build(SESSION_COOKIE).path("/").build());
    Ok((jar, Redirect::to("/login")).into_response())
}

/// The desk: a scanner field, the camera, the result panel, recent scans, search and walk-ins.
async fn desk_page(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    staff: Result<Staff, Error>,
    Path(slug): Path<String>,
) -> Result<Response, Error> {
    let path = format!("/desk/{slug}");
    let staff = match super::page_staff(staff, &path) {
        Ok(staff) => staff,
        Err(response) => return Ok(response),
    };
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
        },
    )?;
    Ok(Html(html).into_response())
}

/// The desk's script, served by guichet itself: venue networks block CDNs.
async fn desk_js() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        include_str!("../../../../templates/static/desk.js"),
    )
        .into_response()
}

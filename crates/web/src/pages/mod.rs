//! Pages for people: the list of events, an event with its agenda, the language switcher, 404.

use crate::AppState;
use crate::error::Error;
use crate::i18n::{LANG_COOKIE, RequestLang};
use crate::templates::{languages, view};
use crate::views::{EventCard, EventPage};
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use axum_extra::extract::CookieJar;
use axum_extra::extract::cookie::{Cookie, SameSite};
use domain::{Lang, Slug};
use minijinja::context;
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(index))
        .route("/events/{slug}", get(event_page))
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

async fn event_page(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    Path(slug): Path<String>,
) -> Result<Html<String>, Error> {
    let slug = Slug::parse(&slug).map_err(|_| Error::NotFound)?;
    let stored = state
        .db()
        .event_by_slug(&slug)
        .await?
        .ok_or(Error::NotFound)?;
    if !stored.event.published {
        return Err(Error::NotFound);
    }
    let page = EventPage::new(&stored.event, lang, state.clock().now());
    let path = format!("/events/{slug}");
    let html = state.templates().render(
        "event.html",
        context! { lang => lang.code(), languages => languages(&path, lang), event => view(page) },
    )?;
    Ok(Html(html))
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
    // Only a path on this site: never an open redirect to another one.
    let target = next
        .next
        .filter(|n| n.starts_with('/') && !n.starts_with("//") && !n.contains('\\'))
        .unwrap_or_else(|| "/".to_owned());
    let cookie = Cookie::build((LANG_COOKIE, lang.code()))
        .path("/")
        .same_site(SameSite::Lax)
        .http_only(true)
        .max_age(cookie::time::Duration::days(365))
        .build();
    (jar.add(cookie), Redirect::to(&target)).into_response()
}

/// Any address that matches no route.
pub async fn not_found() -> Error {
    Error::NotFound
}

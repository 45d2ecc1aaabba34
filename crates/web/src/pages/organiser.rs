//! The organisers' dashboard: registrations, arrivals per day with their curves, categories,
//! countries and email health, kept live with server-sent events.

use crate::AppState;
use crate::auth::Staff;
use crate::error::Error;
use crate::i18n::RequestLang;
use crate::templates::{languages, view};
use crate::views::long_date;
use axum::Router;
use axum::extract::{Form, Path, State};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use domain::Lang;
use minijinja::context;
use persistence::StoredEvent;
use serde::{Deserialize, Serialize};
use std::convert::Infallible;
use std::time::Duration;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/organiser/{slug}", get(dashboard))
        .route("/organiser/{slug}/live", get(live))
        .route("/organiser/{slug}/emails/{id}/retry", post(retry_email))
}

#[derive(Debug, Serialize)]
struct DayView {
    number: usize,
    date: String,
    checked_in: usize,
    no_shows: u64,
    chart: String,
}

#[derive(Debug, Serialize)]
struct GroupView {
    label: String,
    registered: u64,
    confirmed: u64,
    waitlisted: u64,
    cancelled: u64,
}

#[derive(Debug, Serialize)]
struct FailedView {
    id: i32,
    kind: &'static str,
    error: String,
}

#[derive(Debug, Serialize)]
struct Stats {
    registered: u64,
    confirmed: u64,
    waitlisted: u64,
    cancelled: u64,
    seats: u32,
    days: Vec<DayView>,
    categories: Vec<GroupView>,
    countries: Vec<GroupView>,
    emails_pending: u64,
    emails_sent: u64,
    emails_failed: u64,
    failed: Vec<FailedView>,
}

async fn stats(state: &AppState, stored: &StoredEvent, lang: Lang) -> Result<Stats, Error> {
    let event = &stored.event;
    let tz = event.time_zone;
    let figures = state.db().dashboard(stored.id).await?;
    let days = event
        .agenda
        .days()
        .iter()
        .enumerate()
        .map(|(index, day)| {
            let arrivals = figures
                .arrivals
                .get(&day.date())
                .cloned()
                .unwrap_or_default();
            DayView {
                number: index + 1,
                date: long_date(day.date(), lang),
                checked_in: arrivals.len(),
                no_shows: figures
                    .counts
                    .confirmed
                    .saturating_sub(arrivals.len() as u64),
                chart: crate::charts::arrival_curve(&arrivals, day.desk_window(tz), tz),
            }
        })
        .collect();
    let group = |label: String, g: &persistence::GroupCounts| GroupView {
        label,
        registered: g.registered(),
        confirmed: g.confirmed,
        waitlisted: g.waitlisted,
        cancelled: g.cancelled,
    };
    let categories = event
        .categories
        .iter()
        .map(|c| {
            group(
                c.label(lang).to_owned(),
                &figures.by_category.get(&c.key).copied().unwrap_or_default(),
            )
        })
        .collect();
    let mut countries: Vec<GroupView> = figures
        .by_country
        .iter()
        .map(|(code, g)| {
            let name = domain::Country::parse(code)
                .map(|c| mailer::i18n::country_name(lang, c))
                .unwrap_or_else(|_| code.clone());
            group(name, g)
        })
        .collect();
    countries.sort_by(|a, b| {
        b.registered
            .cmp(&a.registered)
            .then_with(|| a.label.cmp(&b.label))
    });
    let failed = state.db().failed_emails().await?;
    let mut failed_here = Vec::new();
    for f in failed {
        if state
            .db()
            .registration(f.registration_id)
            .await?
            .is_some_and(|r| r.event_id == stored.id)
        {
            failed_here.push(FailedView {
                id: f.id,
                kind: f.kind.as_str(),
                error: f.last_error.unwrap_or_default(),
            });
        }
    }
    Ok(Stats {
        registered: figures.counts.confirmed + figures.counts.waitlisted + figures.counts.cancelled,
        confirmed: figures.counts.confirmed,
        waitlisted: figures.counts.waitlisted,
        cancelled: figures.counts.cancelled,
        seats: event.capacity.seats(),
        days,
        categories,
        countries,
        emails_pending: figures.emails.pending,
        emails_sent: figures.emails.sent,
        emails_failed: figures.emails.failed,
        failed: failed_here,
    })
}

fn render_stats(
    state: &AppState,
    stored: &StoredEvent,
    staff: &Staff,
    lang: Lang,
    stats: Stats,
) -> Result<String, Error> {
    Ok(state.templates().render(
        "dashboard_stats.html",
        context! {
            lang => lang.code(),
            stats => view(stats),
            slug => stored.event.slug.as_str(),
            csrf => staff.csrf_token(),
        },
    )?)
}

/// The organiser signed in, or where to go instead.
async fn organiser(staff: Result<Staff, Error>, path: &str) -> Result<Staff, Response> {
    match staff {
        Ok(staff) => match staff.require_organiser() {
            Ok(()) => Ok(staff),
            Err(e) => Err(e.into_response()),
        },
        Err(Error::Unauthorized) => {
            Err(Redirect::to(&format!("/login?next={path}")).into_response())
        }
        Err(other) => Err(other.into_response()),
    }
}

async fn dashboard(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    staff: Result<Staff, Error>,
    Path(slug): Path<String>,
) -> Result<Response, Error> {
    let path = format!("/organiser/{slug}");
    let staff = match organiser(staff, &path).await {
        Ok(staff) => staff,
        Err(response) => return Ok(response),
    };
    let stored = crate::api::desk_event(&state, &slug).await?;
    let stats = stats(&state, &stored, lang).await?;
    let html = state.templates().render(
        "dashboard.html",
        context! {
            lang => lang.code(),
            languages => languages(&path, lang),
            title => stored.event.title.as_str(),
            content_lang => stored.event.language.code(),
            slug => stored.event.slug.as_str(),
            csrf => staff.csrf_token(),
            stats => view(stats),
        },
    )?;
    Ok(Html(html).into_response())
}

/// Server-sent events: the figures' HTML whenever it changes (checked every second against the
/// database, so scans made through any instance show up).
async fn live(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    staff: Staff,
    Path(slug): Path<String>,
) -> Result<Response, Error> {
    staff.require_organiser()?;
    let stored = crate::api::desk_event(&state, &slug).await?;
    let stream = futures_util::stream::unfold(String::new(), move |last| {
        let state = state.clone();
        let stored = stored.clone();
        let staff = staff.clone();
        async move {
            loop {
                if !last.is_empty() {
                    tokio::time::sleep(Duration::from_secs(1)).await;
                }
                let html = match stats(&state, &stored, lang).await {
                    Ok(stats) => render_stats(&state, &stored, &staff, lang, stats).ok(),
                    Err(_) => None,
                };
                match html {
                    Some(html) if html != last => {
                        let event = Event::default().event("stats").data(html.clone());
                        return Some((Ok::<_, Infallible>(event), html));
                    }
                    // Unchanged (or the database briefly away): look again in a second.
                    _ => {
                        if last.is_empty() {
                            tokio::time::sleep(Duration::from_secs(1)).await;
                        }
                    }
                }
            }
        }
    });
    Ok(Sse::new(stream)
        .keep_alive(KeepAlive::default())
        .into_response())
}

#[derive(Debug, Deserialize)]
struct CsrfForm {
    csrf: Option<String>,
}

async fn retry_email(
    State(state): State<AppState>,
    staff: Staff,
    Path((slug, id)): Path<(String, i32)>,
    Form(form): Form<CsrfForm>,
) -> Result<Response, Error> {
    staff.require_organiser()?;
    staff.check_csrf(form.csrf.as_deref())?;
    state
        .db()
        .retry_failed_email(id, state.clock().now())
        .await?;
    Ok(Redirect::to(&format!("/organiser/{slug}")).into_response())
}

//! The organisers' dashboard: registrations, arrivals per day with their curves, categories,
//! countries and email health, kept live with server-sent events.

use crate::AppState;
use crate::auth::Staff;
use crate::error::Error;
use crate::lang::RequestLang;
use crate::templates::{languages, view};
use axum::Router;
use axum::extract::{Form, Path, State};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use domain::Lang;
use i18n::long_date;
use minijinja::context;
use persistence::{AuditAction, HistoryEvent, StoredEvent};
use serde::{Deserialize, Serialize};
use std::convert::Infallible;
use std::time::Duration;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/organiser/{slug}", get(dashboard))
        .route("/organiser/{slug}/live", get(live))
        .route("/organiser/{slug}/emails/{id}/retry", post(retry_email))
        .route("/organiser/{slug}/registrations", get(registrations))
        .route("/organiser/{slug}/registrations/{id}", get(participant))
        .route(
            "/organiser/{slug}/registrations/{id}/{action}",
            post(participant_action),
        )
        .route("/organiser/{slug}/publish", post(publish))
        .route("/organiser/{slug}/import", post(import))
}

/// Registrations per page of the list.
const LIST_PAGE: u64 = 50;

#[derive(Debug, Serialize)]
struct ListRow {
    id: i32,
    name: String,
    email: String,
    organisation: String,
    category: String,
    country: String,
    status: String,
    days: Vec<bool>,
}

#[derive(Debug, Deserialize)]
struct ListQuery {
    #[serde(flatten)]
    filter: crate::api::reports::ReportQuery,
    /// The last id of the previous page (keyset pagination: as fast on page 2,000 as on page 1).
    after: Option<i32>,
}

async fn registrations(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    staff: Result<Staff, Error>,
    Path(slug): Path<String>,
    axum::extract::Query(query): axum::extract::Query<ListQuery>,
) -> Result<Response, Error> {
    let path = format!("/organiser/{slug}/registrations");
    let staff = match organiser(staff, &path).await {
        Ok(staff) => staff,
        Err(response) => return Ok(response),
    };
    let stored = crate::lookup::any_event(&state, &slug).await?;
    let filter = query.filter.filter(lang)?;
    let page = state
        .db()
        .report_page(stored.id, &filter, query.after.unwrap_or(0), LIST_PAGE + 1)
        .await?;
    let more = page.len() > usize::try_from(LIST_PAGE).unwrap_or(usize::MAX);
    let event = &stored.event;
    let rows: Vec<ListRow> = page
        .iter()
        .take(usize::try_from(LIST_PAGE).unwrap_or(usize::MAX))
        .map(|row| {
            let p = &row.registration.participant;
            ListRow {
                id: row.registration.id,
                name: format!("{} {}", p.given_name, p.family_name),
                email: p.email.as_str().to_owned(),
                organisation: p.organisation.to_string(),
                category: event
                    .category(&p.category)
                    .map(|c| c.label(lang).to_owned())
                    .unwrap_or_default(),
                country: i18n::country_name(lang, p.country),
                status: i18n::t(
                    lang,
                    &format!("status-{}", row.registration.status.as_str()),
                    &[],
                ),
                days: event
                    .agenda
                    .days()
                    .iter()
                    .map(|d| row.checkins.iter().any(|c| c.day == d.date()))
                    .collect(),
            }
        })
        .collect();
    let next_after = if more {
        rows.last().map(|r| r.id)
    } else {
        None
    };
    let f = &query.filter;
    let html = state.templates().render(
        "registrations.html",
        context! {
            lang => lang.code(),
            languages => languages(&path, lang),
            slug => event.slug.as_str(),
            title => event.title.as_str(),
            rows => view(rows),
            days => event.agenda.days().iter().map(|d| long_date(d.date(), lang)).collect::<Vec<_>>(),
            day_dates => event.agenda.days().iter().map(|d| d.date().to_string()).collect::<Vec<_>>(),
            categories => event.categories.iter().map(|c| (c.key.clone(), c.label(lang).to_owned())).collect::<Vec<_>>(),
            q => f.q.clone().unwrap_or_default(),
            status => f.status.clone().unwrap_or_default(),
            category => f.category.clone().unwrap_or_default(),
            country => f.country.clone().unwrap_or_default(),
            present_on => f.present_on.map(|d| d.to_string()).unwrap_or_default(),
            absent_on => f.absent_on.map(|d| d.to_string()).unwrap_or_default(),
            next_after => next_after,
            csrf => staff.csrf_token(),
        },
    )?;
    Ok(Html(html).into_response())
}

#[derive(Debug, Serialize)]
struct HistoryView {
    at: String,
    by: String,
    what: String,
    details: String,
}

async fn participant(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    staff: Result<Staff, Error>,
    Path((slug, id)): Path<(String, i32)>,
) -> Result<Response, Error> {
    let path = format!("/organiser/{slug}/registrations/{id}");
    let staff = match organiser(staff, &path).await {
        Ok(staff) => staff,
        Err(response) => return Ok(response),
    };
    let stored = crate::lookup::any_event(&state, &slug).await?;
    let registration = crate::lookup::registration_of(&state, &stored, id).await?;
    let tz = stored.event.time_zone;
    let mut history = vec![HistoryView {
        at: i18n::long_datetime(registration.registered_at, tz, lang),
        by: String::new(),
        what: "registered".to_owned(),
        details: String::new(),
    }];
    history.extend(
        state
            .db()
            .history(id)
            .await?
            .into_iter()
            .map(|h| HistoryView {
                at: i18n::long_datetime(h.at, tz, lang),
                by: h.by.unwrap_or_default(),
                what: h.what.to_string(),
                details: h.details.unwrap_or_default(),
            }),
    );
    let p = crate::api::participant_view(&registration, &stored, lang);
    let html = state.templates().render(
        "participant.html",
        context! {
            lang => lang.code(),
            languages => languages(&path, lang),
            slug => stored.event.slug.as_str(),
            title => stored.event.title.as_str(),
            p => view(p),
            email => registration.participant.email.as_str(),
            needs => registration.participant.needs.clone().unwrap_or_default(),
            history => view(history),
            csrf => staff.csrf_token(),
        },
    )?;
    Ok(Html(html).into_response())
}

/// An organiser's action on a registration: resend, reissue, cancel or undo-checkin. Audited.
async fn participant_action(
    State(state): State<AppState>,
    staff: Staff,
    Path((slug, id, action)): Path<(String, i32, String)>,
    Form(form): Form<CsrfForm>,
) -> Result<Response, Error> {
    staff.require_organiser()?;
    staff.check_csrf(form.csrf.as_deref())?;
    let stored = crate::lookup::any_event(&state, &slug).await?;
    let registration = crate::lookup::registration_of(&state, &stored, id).await?;
    let now = state.clock().now();
    let db = state.db();
    let (audited, details) = match action.as_str() {
        "resend" => {
            db.resend_ticket(&registration, now).await?;
            (AuditAction::TicketResent, None)
        }
        "reissue" => {
            let version = db.reissue_ticket(id, now).await?;
            (
                AuditAction::TicketReissued,
                Some(format!("version {version}")),
            )
        }
        "cancel" => {
            let cancelled = db.cancel_registration(id, now).await?;
            (
                AuditAction::RegistrationCancelled,
                cancelled.promoted.map(|p| format!("promoted {p}")),
            )
        }
        "undo-checkin" => {
            let day = db
                .undo_latest_checkin(stored.id, id, staff.member.id, now)
                .await?
                .ok_or(Error::NotFound)?;
            (AuditAction::CheckinUndone, Some(day.to_string()))
        }
        _ => return Err(Error::NotFound),
    };
    db.audit(
        stored.id,
        staff.member.id,
        audited,
        Some(id),
        details.as_deref(),
        now,
    )
    .await?;
    Ok(Redirect::to(&format!("/organiser/{slug}/registrations/{id}")).into_response())
}

#[derive(Debug, Deserialize)]
struct PublishForm {
    csrf: Option<String>,
    published: String,
}

async fn publish(
    State(state): State<AppState>,
    staff: Staff,
    Path(slug): Path<String>,
    Form(form): Form<PublishForm>,
) -> Result<Response, Error> {
    staff.require_organiser()?;
    staff.check_csrf(form.csrf.as_deref())?;
    let stored = crate::lookup::any_event(&state, &slug).await?;
    let published = form.published == "true";
    let now = state.clock().now();
    state
        .db()
        .set_published(&stored.event.slug, published, now)
        .await?;
    let action = if published {
        AuditAction::Published
    } else {
        AuditAction::Unpublished
    };
    state
        .db()
        .audit(stored.id, staff.member.id, action, None, None, now)
        .await?;
    Ok(Redirect::to(&format!("/organiser/{slug}")).into_response())
}

#[derive(Debug, Deserialize)]
struct ImportForm {
    csrf: Option<String>,
    file: String,
}

/// Replaces the event (agenda and all) with an event file pasted or uploaded as text. The file
/// must keep the event's slug; a broken file changes nothing and its problems are listed.
async fn import(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    staff: Staff,
    Path(slug): Path<String>,
    Form(form): Form<ImportForm>,
) -> Result<Response, Error> {
    staff.require_organiser()?;
    staff.check_csrf(form.csrf.as_deref())?;
    let stored = crate::lookup::any_event(&state, &slug).await?;
    let parsed = domain::parse_event_file(&form.file)
        .map_err(|e| e.to_string())
        .and_then(|event| {
            if event.slug == stored.event.slug {
                Ok(event)
            } else {
                Err(i18n::t(
                    lang,
                    "import-other-slug",
                    &[("detail", event.slug.to_string().into())],
                ))
            }
        });
    let event = match parsed {
        Ok(event) => event,
        Err(problems) => {
            let html = state.templates().render(
                "import_failed.html",
                context! {
                    lang => lang.code(),
                    languages => languages(&format!("/organiser/{slug}"), lang),
                    slug => slug,
                    problems => problems,
                },
            )?;
            return Ok((axum::http::StatusCode::UNPROCESSABLE_ENTITY, Html(html)).into_response());
        }
    };
    let now = state.clock().now();
    state.db().save_event(&event, now).await?;
    let details = format!(
        "{} days, {} items",
        event.agenda.days().len(),
        event
            .agenda
            .days()
            .iter()
            .map(|d| d.items().len())
            .sum::<usize>()
    );
    state
        .db()
        .audit(
            stored.id,
            staff.member.id,
            AuditAction::AgendaReplaced,
            None,
            Some(&details),
            now,
        )
        .await?;
    Ok(Redirect::to(&format!("/organiser/{slug}")).into_response())
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
    let group = |label: String, g: &persistence::StatusCounts| GroupView {
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
                .map(|c| i18n::country_name(lang, c))
                .unwrap_or_else(|_| code.clone());
            group(name, g)
        })
        .collect();
    countries.sort_by(|a, b| {
        b.registered
            .cmp(&a.registered)
            .then_with(|| a.label.cmp(&b.label))
    });
    let failed = figures
        .failed_emails
        .into_iter()
        .map(|f| FailedView {
            id: f.id,
            kind: f.kind.as_str(),
            error: f.last_error.unwrap_or_default(),
        })
        .collect();
    Ok(Stats {
        registered: figures.counts.registered(),
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
        failed,
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

/// The organiser signed in, or where to go instead (sign-in, or 403 for desk staff).
async fn organiser(staff: Result<Staff, Error>, path: &str) -> Result<Staff, Response> {
    let staff = super::page_staff(staff, path)?;
    staff
        .require_organiser()
        .map_err(IntoResponse::into_response)?;
    Ok(staff)
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
    let stored = crate::lookup::any_event(&state, &slug).await?;
    let stats = stats(&state, &stored, lang).await?;
    let tz = stored.event.time_zone;
    let audit: Vec<HistoryView> = state
        .db()
        .audit_log(stored.id, 50)
        .await?
        .into_iter()
        .map(|h| HistoryView {
            at: i18n::long_datetime(h.at, tz, lang),
            by: h.by.unwrap_or_default(),
            what: match h.what {
                HistoryEvent::Audit(action) => action.to_string(),
                other => other.to_string(),
            },
            details: h.details.unwrap_or_default(),
        })
        .collect();
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
            published => stored.event.published,
            audit => view(audit),
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
    let stored = crate::lookup::any_event(&state, &slug).await?;
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

//! `GET /api/v1/events/{slug}/badges.pdf`: name badges to print (issue 16). Organisers print the
//! registrations list's filter (confirmed registrations unless the filter names a status), eight
//! to an A4 sheet with crop marks or one per A6 page; the desk may print one badge, for a walk-in
//! (`?registration=ID`). The QR code on a badge is the ticket's: the badge is scanned like it.

use crate::AppState;
use crate::api::reports::ReportQuery;
use crate::error::Error;
use crate::extract::{ApiQuery, DeskOf};
use crate::lang::RequestLang;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use documents::{Badge, Layout, badges::BAND_COLOURS, render_badges};
use domain::{Lang, Registration, Status};
use persistence::StoredEvent;
use serde::Deserialize;
use utoipa::IntoParams;

/// Registrations read per query while gathering badges.
const PAGE: u64 = 1000;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct BadgeQuery {
    /// One registration's badge (the desk may ask for this one, for a walk-in).
    #[param(minimum = 1)]
    registration: Option<i32>,
    /// `a4` (the default: eight badges of 90 × 55 mm to a sheet, with crop marks) or `a6` (one
    /// badge a page).
    #[param(pattern = "^(a4|a6)?$")]
    layout: Option<String>,
}

/// Name badges as a PDF.
#[utoipa::path(
    get,
    path = "/api/v1/events/{slug}/badges.pdf",
    tag = "organisers",
    params(("slug" = String, Path, description = "The event's short name"), ReportQuery, BadgeQuery),
    security(("bearer" = []), ("session_cookie" = [])),
    responses(
        (status = OK, description = "The badges, in registration order (confirmed registrations unless the filter names a status)", content_type = "application/pdf"),
        (status = UNAUTHORIZED, description = "No valid session or token"),
        (status = FORBIDDEN, description = "Not an organiser of this event (the desk may print one registration's badge)"),
        (status = NOT_FOUND, description = "No such event, or no such registration at this event"),
    )
)]
pub async fn badges_pdf(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    DeskOf {
        staff,
        event: stored,
    }: DeskOf,
    ApiQuery(filter): ApiQuery<ReportQuery>,
    ApiQuery(query): ApiQuery<BadgeQuery>,
) -> Result<Response, Error> {
    let layout = match query.layout.as_deref() {
        None | Some("") | Some("a4") => Layout::A4Sheet,
        Some("a6") => Layout::A6,
        Some(other) => {
            return Err(Error::query(lang, format!("layout: {other:?}")));
        }
    };
    // Read even for one registration's badge, which it does not narrow: a filter that is no
    // filter is named in a 422 whatever else the request asks.
    let mut filter = filter.filter(lang)?;
    let registrations = match query.registration {
        Some(id) => vec![crate::lookup::registration_of(&state, &stored, id).await?],
        None => {
            // A whole filter is the organisers' (a list of people); one badge, the desk's too.
            if !staff.may_organise(&stored) {
                return Err(Error::Forbidden);
            }
            filter.status.get_or_insert(Status::Confirmed);
            let mut all = Vec::new();
            let mut after = 0;
            loop {
                let page = state
                    .db()
                    .report_page(stored.id, &filter, after, PAGE)
                    .await?;
                let Some(last) = page.last() else { break };
                after = last.registration.id;
                let full = page.len() as u64 == PAGE;
                all.extend(page.into_iter().map(|row| row.registration));
                if !full {
                    break;
                }
            }
            all
        }
    };
    let badges: Vec<Badge> = registrations
        .iter()
        .map(|r| badge(&state, &stored, r, lang))
        .collect();
    // The PDF writer's document stays on one thread: a blocking one, off the async workers.
    let pdf = tokio::task::spawn_blocking(move || render_badges(&badges, layout))
        .await
        .map_err(|e| Error::Internal(Box::new(e)))?
        .map_err(|e| Error::Internal(Box::new(e)))?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/pdf".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("inline; filename=\"{}-badges.pdf\"", stored.event.slug),
            ),
        ],
        pdf,
    )
        .into_response())
}

/// A registration's badge: its names, organisation, country and category in `lang`, the band in
/// its category's colour (by the category's place in the event), and its ticket.
fn badge(state: &AppState, stored: &StoredEvent, registration: &Registration, lang: Lang) -> Badge {
    let event = &stored.event;
    let p = &registration.participant;
    let place = event
        .categories
        .iter()
        .position(|c| c.key == p.category)
        .unwrap_or_default();
    Badge {
        given_name: p.given_name.to_string(),
        family_name: p.family_name.to_string(),
        organisation: p.organisation.to_string(),
        country: i18n::country_name(lang, p.country),
        category: event
            .category(&p.category)
            .map(|c| c.label(lang, event.language).to_owned())
            .unwrap_or_else(|| p.category.clone()),
        colour: BAND_COLOURS[place % BAND_COLOURS.len()],
        code: state
            .ticket_key()
            .issue(stored.id, registration.id, registration.ticket_version)
            .to_string(),
    }
}

//! The ticket page, `/t/{token}`: the participant's QR code and details, a calendar file, sending
//! the ticket again, and cancelling. The token in the address is the participant's key; a forged
//! or unknown token gets the 404 page, never a hint of which registrations exist.

use crate::AppState;
use crate::error::Error;
use crate::lang::RequestLang;
use crate::templates::{languages, view};
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use domain::{Lang, Registration, Status, TicketClaim, TicketStanding, TicketToken};
use i18n::{hh_mm, long_date};
use minijinja::context;
use persistence::StoredEvent;
use serde::{Deserialize, Serialize};

pub(crate) fn router() -> crate::routes::Listed {
    crate::routes::Listed::new()
        .route("/t/{token}", get(ticket_page))
        .route("/t/{token}/qr.png", get(qr_png))
        .route("/t/{token}/calendar.ics", get(calendar))
        .route("/t/{token}/resend", axum::routing::post(resend))
        .route("/t/{token}/cancel", get(cancel_page).post(cancel))
}

/// What a token in an address turns out to be.
pub(crate) enum Ticket {
    /// The registration's current ticket.
    Current(Registration, StoredEvent, TicketToken),
    /// A ticket the organisers replaced by a newer one.
    Revoked(Registration, StoredEvent),
}

/// Finds the registration a token belongs to, checking its MAC: `NotFound` for anything forged.
pub(crate) async fn find_ticket(state: &AppState, raw: &str) -> Result<Ticket, Error> {
    let claim = TicketClaim::parse(raw).ok_or(Error::NotFound)?;
    let registration = state.db().registration(claim.registration_id).await?;
    let standing = state.ticket_key().standing_of(raw, registration.as_ref());
    let Some(registration) = registration.filter(|_| standing != TicketStanding::Unknown) else {
        return Err(Error::NotFound);
    };
    let stored = state
        .db()
        .event_by_id(registration.event_id)
        .await?
        .ok_or(Error::NotFound)?;
    if standing == TicketStanding::Current {
        let token =
            state
                .ticket_key()
                .issue(stored.id, registration.id, registration.ticket_version);
        Ok(Ticket::Current(registration, stored, token))
    } else {
        Ok(Ticket::Revoked(registration, stored))
    }
}

#[derive(Debug, Serialize)]
struct TicketView {
    token: String,
    state: &'static str,
    name: String,
    organisation: String,
    category: String,
    country: String,
    event_title: String,
    event_slug: String,
    content_lang: &'static str,
    dates: String,
    venue: String,
    desk_time: String,
    desk_date: String,
    /// The answers to the event's questions.
    answers: Vec<crate::views::AnswerView>,
}

fn ticket_view(
    registration: &Registration,
    stored: &StoredEvent,
    token: &str,
    state: &'static str,
    lang: Lang,
) -> TicketView {
    let event = &stored.event;
    let p = &registration.participant;
    let tz = event.time_zone;
    let first = event.agenda.first_day();
    let dates = i18n::event_dates(&event.agenda, lang);
    TicketView {
        token: token.to_owned(),
        state,
        name: format!("{} {}", p.given_name, p.family_name),
        organisation: p.organisation.to_string(),
        category: event
            .category(&p.category)
            .map(|c| c.label(lang, event.language).to_owned())
            .unwrap_or_else(|| p.category.clone()),
        country: i18n::country_name(lang, p.country),
        event_title: event.title.clone(),
        event_slug: event.slug.to_string(),
        content_lang: event.language.code(),
        dates,
        venue: [
            Some(event.venue.name.as_str()),
            event.venue.address.as_deref(),
            Some(event.venue.city.as_str()),
        ]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(", "),
        desk_time: hh_mm(first.desk_window(tz).opens_at, tz),
        desk_date: long_date(first.date(), lang),
        answers: crate::views::answer_views(event, &p.answers, lang),
    }
}

#[derive(Debug, Deserialize)]
struct Notice {
    sent: Option<String>,
}

async fn ticket_page(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    Path(token): Path<String>,
    Query(notice): Query<Notice>,
) -> Result<Html<String>, Error> {
    let (view_model, certificate) = match find_ticket(&state, &token).await? {
        Ticket::Current(registration, stored, token) => {
            let status = registration.status.as_str();
            // After the event, for someone who came: their certificate of attendance.
            let certificate = crate::certificates::attended(&state, &stored, &registration)
                .await?
                .is_some();
            (
                ticket_view(&registration, &stored, token.as_str(), status, lang),
                certificate,
            )
        }
        Ticket::Revoked(registration, stored) => (
            ticket_view(&registration, &stored, &token, "revoked", lang),
            false,
        ),
    };
    let path = format!("/t/{}", view_model.token);
    Ok(Html(state.templates().render(
        "ticket.html",
        context! {
            lang => lang.code(),
            languages => languages(&path, lang),
            ticket => view(view_model),
            resent => notice.sent.is_some(),
            certificate => certificate,
        },
    )?))
}

/// The current, confirmed ticket of a token, or 404.
async fn confirmed_ticket(
    state: &AppState,
    token: &str,
) -> Result<(Registration, StoredEvent, TicketToken), Error> {
    match find_ticket(state, token).await? {
        Ticket::Current(registration, stored, token)
            if registration.status == Status::Confirmed =>
        {
            Ok((registration, stored, token))
        }
        _ => Err(Error::NotFound),
    }
}

async fn qr_png(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> Result<Response, Error> {
    let (_, _, token) = confirmed_ticket(&state, &token).await?;
    let png = mailer::qr::png(token.as_str()).map_err(|e| Error::Internal(Box::new(e)))?;
    // Not cached (`no-store`, as every answer with personal data): the code is the ticket.
    Ok(([(header::CONTENT_TYPE, "image/png")], png).into_response())
}

async fn calendar(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> Result<Response, Error> {
    let (_, stored, token) = confirmed_ticket(&state, &token).await?;
    let ics = mailer::ics::calendar(&stored.event, &state.composer().ticket_url(&token));
    let disposition = format!("attachment; filename=\"{}.ics\"", stored.event.slug);
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "text/calendar; charset=utf-8".to_owned(),
            ),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        ics,
    )
        .into_response())
}

/// "Send my ticket again": the email goes to the registered address only, at most a few times an
/// hour ([`domain::ResendLimit`]); beyond that the answer is the same and nothing is sent.
async fn resend(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> Result<Response, Error> {
    let Ticket::Current(registration, _, token) = find_ticket(&state, &token).await? else {
        return Err(Error::NotFound);
    };
    state
        .db()
        .resend_ticket_to_participant(registration.id, state.clock().now())
        .await?;
    Ok(Redirect::to(&format!("/t/{token}?sent=1")).into_response())
}

async fn cancel_page(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    Path(token): Path<String>,
) -> Result<Response, Error> {
    let Ticket::Current(registration, stored, token) = find_ticket(&state, &token).await? else {
        return Err(Error::NotFound);
    };
    if !registration.status.is_active() {
        return Ok(Redirect::to(&format!("/t/{token}")).into_response());
    }
    let model = ticket_view(
        &registration,
        &stored,
        token.as_str(),
        registration.status.as_str(),
        lang,
    );
    let path = format!("/t/{token}/cancel");
    Ok(Html(state.templates().render(
        "cancel.html",
        context! { lang => lang.code(), languages => languages(&path, lang), ticket => view(model) },
    )?)
    .into_response())
}

async fn cancel(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> Result<Response, Error> {
    let Ticket::Current(registration, _, token) = find_ticket(&state, &token).await? else {
        return Err(Error::NotFound);
    };
    state
        .db()
        .cancel_registration(registration.id, state.clock().now())
        .await?;
    Ok(Redirect::to(&format!("/t/{token}")).into_response())
}

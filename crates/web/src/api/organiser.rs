//! Organiser-only API: re-issuing a ticket, and the emails that failed. Desk staff get 403.
//! Actions go through `persistence::Database::organiser_action`, like the organiser pages': each
//! is audited in the transaction that performs it.

use crate::AppState;
use crate::auth::Staff;
use crate::error::Error;
use crate::extract::{ApiPath, Organiser};
use axum::Json;
use axum::extract::State;
use persistence::{Action, Done};
use serde::Serialize;
use utoipa::ToSchema;

/// A re-issued ticket.
#[derive(Debug, Serialize, ToSchema)]
pub struct Reissued {
    /// The new ticket version; earlier tokens no longer work.
    ticket_version: i32,
}

/// Revoke a registration's ticket and email a new one (a lost or leaked ticket).
#[utoipa::path(
    post,
    path = "/api/v1/events/{slug}/registrations/{registration_id}/reissue",
    tag = "organisers",
    params(
        ("slug" = String, Path, description = "The event's short name"),
        ("registration_id" = i32, Path, description = "The registration"),
    ),
    security(("bearer" = []), ("session_cookie" = [])),
    responses(
        (status = OK, description = "Re-issued; the new ticket is on its way", body = Reissued),
        (status = UNAUTHORIZED, description = "No valid session or token"),
        (status = FORBIDDEN, description = "Not an organiser of this event"),
        (status = NOT_FOUND, description = "No such event, or no such registration at this event"),
    )
)]
pub async fn reissue(
    State(state): State<AppState>,
    Organiser { staff, event }: Organiser,
    ApiPath((_, registration_id)): ApiPath<(String, i32)>,
) -> Result<Json<Reissued>, Error> {
    let done = state
        .db()
        .organiser_action(
            event.id,
            staff.member.id,
            Action::ReissueTicket { registration_id },
            state.clock().now(),
        )
        .await?;
    match done {
        Some(Done::TicketReissued { version }) => Ok(Json(Reissued {
            ticket_version: version,
        })),
        _ => Err(Error::NotFound),
    }
}

/// An email given up on.
#[derive(Debug, Serialize, ToSchema)]
pub struct FailedEmailView {
    id: i32,
    registration_id: i32,
    /// confirmation, waitlisted, promoted or cancelled.
    kind: String,
    attempts: i32,
    last_error: Option<String>,
}

/// The emails that could not be delivered after every retry.
#[utoipa::path(
    get,
    path = "/api/v1/outbox/failed",
    tag = "organisers",
    security(("bearer" = []), ("session_cookie" = [])),
    responses(
        (status = OK, description = "Failed emails, oldest first", body = [FailedEmailView]),
        (status = UNAUTHORIZED, description = "No valid session or token"),
        (status = FORBIDDEN, description = "Not an organiser"),
    )
)]
pub async fn failed_emails(
    State(state): State<AppState>,
    staff: Staff,
) -> Result<Json<Vec<FailedEmailView>>, Error> {
    staff.require_organiser()?;
    // Those of the caller's events only (an admin's are every event's), and of those only the
    // ones this session may organise (an event may require a second factor of its organisers).
    let mut organised = Vec::new();
    for summary in state.db().events_of(&staff.member.access).await? {
        if let Some(event) = state.db().event_by_id(summary.id).await?
            && staff.may_organise(&event)
        {
            organised.push(event.id);
        }
    }
    let failed = state.db().failed_emails_of_events(&organised).await?;
    Ok(Json(
        failed
            .into_iter()
            .map(|f| FailedEmailView {
                id: f.id,
                registration_id: f.registration_id,
                kind: f.kind.as_str().to_owned(),
                attempts: f.attempts,
                last_error: f.last_error,
            })
            .collect(),
    ))
}

/// Send a failed email again.
#[utoipa::path(
    post,
    path = "/api/v1/outbox/{id}/retry",
    tag = "organisers",
    params(("id" = i32, Path, description = "The failed email")),
    security(("bearer" = []), ("session_cookie" = [])),
    responses(
        (status = NO_CONTENT, description = "Queued again"),
        (status = UNAUTHORIZED, description = "No valid session or token"),
        (status = NOT_FOUND, description = "No failed email with this id"),
        (status = FORBIDDEN, description = "Not an organiser of the email's event"),
    )
)]
pub async fn retry_email(
    State(state): State<AppState>,
    staff: Staff,
    ApiPath(email_id): ApiPath<i32>,
) -> Result<axum::http::StatusCode, Error> {
    // The address names no event: the email's own decides who may retry it.
    staff.require_organiser()?;
    let event_id = state
        .db()
        .event_of_email(email_id)
        .await?
        .ok_or(Error::NotFound)?;
    let event = state
        .db()
        .event_by_id(event_id)
        .await?
        .ok_or(Error::NotFound)?;
    if !staff.may_organise(&event) {
        return Err(Error::Forbidden);
    }
    state
        .db()
        .organiser_action(
            event.id,
            staff.member.id,
            Action::RetryEmail { email_id },
            state.clock().now(),
        )
        .await?
        .map(|_| axum::http::StatusCode::NO_CONTENT)
        .ok_or(Error::NotFound)
}

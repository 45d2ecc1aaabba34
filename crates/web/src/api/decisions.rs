//! Organisers' API for an event's registrations: the list (filtered, say the requests waiting at
//! an event by approval), and the decision on a request. Desk staff get 403. Decisions go through
//! `persistence::Database::organiser_action`, like the pages': each is audited in its own
//! transaction, under the event's lock that keeps the seats exact.

use crate::AppState;
use crate::api::reports::ReportQuery;
use crate::error::Error;
use crate::extract::{ApiPath, ApiQuery, Organiser};
use crate::lang::RequestLang;
use axum::Json;
use axum::extract::{FromRequest, Request, State};
use chrono::{DateTime, FixedOffset};
use domain::{Note, Status};
use persistence::{Action, Decided, Decision, Done};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// Registrations per page unless the client asks for fewer (or more, up to [`MAX_PAGE`]).
const DEFAULT_PAGE: u64 = 50;
const MAX_PAGE: u64 = 500;

/// Which page of the list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// The `next_after` of the previous page; absent for the first.
    #[param(minimum = 0)]
    after: Option<i32>,
    /// Registrations per page, 1 to 500 (default 50).
    #[param(minimum = 1, maximum = 500)]
    limit: Option<u64>,
}

impl PageQuery {
    /// The page asked for: `after` at least 0, `limit` from 1 to [`MAX_PAGE`]; anything else is
    /// `422` naming it (as the document says).
    fn checked(&self, lang: domain::Lang) -> Result<(i32, u64), Error> {
        let bad = |detail: &str| Error::query(lang, detail);
        let after = self.after.unwrap_or(0);
        if after < 0 {
            return Err(bad("after: 0 or more"));
        }
        let limit = self.limit.unwrap_or(DEFAULT_PAGE);
        if !(1..=MAX_PAGE).contains(&limit) {
            return Err(bad("limit: 1 to 500"));
        }
        Ok((after, limit))
    }
}

/// One registration of the list.
#[derive(Debug, Serialize, ToSchema)]
pub struct RegistrationItem {
    id: i32,
    given_name: String,
    family_name: String,
    email: String,
    organisation: String,
    function: Option<String>,
    /// The category's key.
    #[schema(example = "member_state")]
    category: String,
    /// ISO 3166-1 alpha-2.
    #[schema(example = "CH")]
    country: String,
    /// The language of the participant's emails: fr, en or es.
    language: String,
    /// confirmed, waitlisted, cancelled, pending or declined.
    #[schema(example = "pending")]
    status: String,
    /// When they registered, at the event's local offset.
    registered_at: DateTime<FixedOffset>,
    /// The answers to the event's questions, by key: a string, number, boolean, list of option
    /// keys or `YYYY-MM-DD`, as they were posted.
    #[schema(value_type = Object)]
    answers: serde_json::Value,
}

/// A page of the list, in registration order.
#[derive(Debug, Serialize, ToSchema)]
pub struct RegistrationPage {
    registrations: Vec<RegistrationItem>,
    /// Pass as `after` for the next page; `null` on the last.
    next_after: Option<i32>,
}

/// An event's registrations, filtered (`status=pending`: the requests to decide on), a page at
/// a time.
#[utoipa::path(
    get,
    path = "/api/v1/events/{slug}/registrations",
    tag = "organisers",
    params(
        ("slug" = String, Path, description = "The event's short name"),
        ReportQuery,
        PageQuery,
    ),
    security(("bearer" = []), ("session_cookie" = [])),
    responses(
        (status = OK, description = "A page of registrations", body = RegistrationPage),
        (status = UNAUTHORIZED, description = "No valid session or token"),
        (status = FORBIDDEN, description = "Not an organiser of this event"),
        (status = NOT_FOUND, description = "No such event"),
    )
)]
pub async fn list(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    Organiser { event: stored, .. }: Organiser,
    ApiQuery(filter): ApiQuery<ReportQuery>,
    ApiQuery(page): ApiQuery<PageQuery>,
) -> Result<Json<RegistrationPage>, Error> {
    let filter = filter.filter(lang)?;
    let (after, limit) = page.checked(lang)?;
    let rows = state
        .db()
        .report_page(stored.id, &filter, after, limit + 1)
        .await?;
    let more = rows.len() as u64 > limit;
    let tz = stored.event.time_zone;
    let registrations: Vec<RegistrationItem> = rows
        .into_iter()
        .take(usize::try_from(limit).unwrap_or(usize::MAX))
        .map(|row| {
            let r = row.registration;
            let p = r.participant;
            RegistrationItem {
                id: r.id,
                given_name: p.given_name.to_string(),
                family_name: p.family_name.to_string(),
                email: p.email.as_str().to_owned(),
                organisation: p.organisation.to_string(),
                function: p.function.map(|f| f.to_string()),
                category: p.category,
                country: p.country.code().to_owned(),
                language: p.language.code().to_owned(),
                status: r.status.as_str().to_owned(),
                registered_at: r.registered_at.with_timezone(&tz).fixed_offset(),
                // A map of checked answers always serialises.
                answers: serde_json::to_value(&p.answers).unwrap_or_default(),
            }
        })
        .collect();
    let next_after = if more {
        registrations.last().map(|r| r.id)
    } else {
        None
    };
    Ok(Json(RegistrationPage {
        registrations,
        next_after,
    }))
}

/// Where a request stands after the decision.
#[derive(Debug, Serialize, ToSchema)]
pub struct DecisionMade {
    /// confirmed (a seat was free: the ticket is on its way), waitlisted (no seat was free: the
    /// waitlist notice is on its way) or declined.
    #[schema(example = "confirmed")]
    status: &'static str,
}

/// Approve a request: it takes a seat if one is free, else a place on the waitlist, and the
/// participant is emailed their ticket or their place.
#[utoipa::path(
    post,
    path = "/api/v1/events/{slug}/registrations/{registration_id}/approve",
    tag = "organisers",
    params(
        ("slug" = String, Path, description = "The event's short name"),
        ("registration_id" = i32, Path, description = "The registration"),
    ),
    security(("bearer" = []), ("session_cookie" = [])),
    responses(
        (status = OK, description = "Approved", body = DecisionMade),
        (status = UNAUTHORIZED, description = "No valid session or token"),
        (status = FORBIDDEN, description = "Not an organiser of this event"),
        (status = NOT_FOUND, description = "No such event, or no such registration at this event"),
        (status = CONFLICT, description = "Not a request waiting for a decision (`not_pending`)"),
    )
)]
pub async fn approve(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    organiser: Organiser,
    ApiPath((_, registration_id)): ApiPath<(String, i32)>,
) -> Result<Json<DecisionMade>, Error> {
    decide(&state, lang, &organiser, registration_id, Decision::Approve).await
}

/// What goes with a refusal.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeclineRequest {
    /// Words for the participant, added to the courteous email (at most 2,000 characters).
    message: Option<String>,
}

/// Decline a request: the participant is emailed, with the message if there is one.
#[utoipa::path(
    post,
    path = "/api/v1/events/{slug}/registrations/{registration_id}/decline",
    tag = "organisers",
    params(
        ("slug" = String, Path, description = "The event's short name"),
        ("registration_id" = i32, Path, description = "The registration"),
    ),
    request_body(content = Option<DeclineRequest>, description = "Optional: the message for the participant"),
    security(("bearer" = []), ("session_cookie" = [])),
    responses(
        (status = OK, description = "Declined", body = DecisionMade),
        (status = UNAUTHORIZED, description = "No valid session or token"),
        (status = FORBIDDEN, description = "Not an organiser of this event"),
        (status = NOT_FOUND, description = "No such event, or no such registration at this event"),
        (status = CONFLICT, description = "Not a request waiting for a decision (`not_pending`)"),
    )
)]
pub async fn decline(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    organiser: Organiser,
    ApiPath((_, registration_id)): ApiPath<(String, i32)>,
    OptionalJson(body): OptionalJson<DeclineRequest>,
) -> Result<Json<DecisionMade>, Error> {
    let note = Note::parse(body.unwrap_or_default().message.as_deref().unwrap_or(""))
        .map_err(|problem| Error::problem("message", problem, lang))?;
    decide(
        &state,
        lang,
        &organiser,
        registration_id,
        Decision::Decline(note),
    )
    .await
}

async fn decide(
    state: &AppState,
    lang: domain::Lang,
    Organiser { staff, event }: &Organiser,
    registration_id: i32,
    decision: Decision,
) -> Result<Json<DecisionMade>, Error> {
    let done = state
        .db()
        .organiser_action(
            event.id,
            staff.member.id,
            Action::Decide {
                registration_id,
                decision,
            },
            state.clock().now(),
        )
        .await?;
    let status = match done {
        Some(Done::Decided(Decided::Approved(status))) => status,
        Some(Done::Decided(Decided::Declined)) => Status::Declined,
        Some(Done::Decided(Decided::NotPending(status))) => {
            return Err(Error::NotPending(i18n::t(
                lang,
                "decision-not-pending",
                &[(
                    "detail",
                    i18n::t(lang, &format!("status-{}", status.as_str()), &[]).into(),
                )],
            )));
        }
        _ => return Err(Error::NotFound),
    };
    Ok(Json(DecisionMade {
        status: status.as_str(),
    }))
}

/// A JSON body that may be left out: no body (or an empty one, or `null`) is `None`; one that is
/// there must be JSON, read as [`crate::extract::ApiJson`] reads it.
pub struct OptionalJson<T>(pub Option<T>);

impl<T, S> FromRequest<S> for OptionalJson<T>
where
    T: serde::de::DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = Error;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let (parts, body) = request.into_parts();
        // Bounded by the router's body limit, like every body.
        let bytes =
            axum::body::Bytes::from_request(Request::from_parts(parts.clone(), body), state)
                .await
                .map_err(|rejection| Error::Body {
                    status: rejection.status(),
                    message: rejection.body_text(),
                })?;
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(Self(None));
        }
        let request = Request::from_parts(parts, axum::body::Body::from(bytes));
        // `null` is no body too.
        let crate::extract::ApiJson(value) =
            crate::extract::ApiJson::<Option<T>>::from_request(request, state).await?;
        Ok(Self(value))
    }
}

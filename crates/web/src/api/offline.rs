//! The offline desk's API: the check-in list a desk keeps to decide alone when the network is
//! gone (token hashes, never tokens: a stolen device cannot make tickets), and the batch it sends
//! when the network is back. A batch's scans are recorded with the time they were made: the
//! desk's window of that time decides, and of two scans of a ticket on one day the earlier stands
//! (`persistence`'s scan writer); when two desks both let someone in, both scans are marked as a
//! conflict, shown on the desks, the dashboard and in the participant's history.

use crate::AppState;
use crate::api::desk::{CheckinRequest, Scanning, answer, record};
use crate::error::Error;
use crate::extract::{ApiJson, ApiQuery, DeskOf};
use crate::lang::RequestLang;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, NaiveTime, SubsecRound, TimeDelta, Utc};
use domain::{Lang, Nonce, ScanTimeProblem, offline_scan_time};
use i18n::t;
use persistence::{ConflictScan, Offline, StoredEvent};
use serde::{Deserialize, Serialize};
use sha2::Digest;
use std::collections::BTreeMap;
use utoipa::{IntoParams, ToSchema};

/// How far back a list's `since` reaches beyond the cursor: a change committed a moment after the
/// cursor was read, or stamped by another instance whose clock is a little behind, still comes
/// (a registration may come twice; the desk keeps the last).
const OVERLAP: TimeDelta = TimeDelta::seconds(60);

/// Scans in one batch at most.
pub const MAX_BATCH: usize = 500;

/// The bytes a batch may take: 500 scans of a few hundred bytes each, with room.
pub const MAX_BATCH_BYTES: usize = 512 * 1024;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// The `cursor` of an earlier answer: only what changed since.
    #[param(value_type = Option<String>, format = DateTime)]
    since: Option<DateTime<Utc>>,
}

/// A day of the agenda, as a desk decides by it (UTC instants).
#[derive(Debug, Serialize, ToSchema)]
pub struct DayWindow {
    #[schema(example = "2008-07-07")]
    date: String,
    /// The local calendar day's bounds, midnight to midnight in the event's zone.
    starts_at: DateTime<Utc>,
    ends_at: DateTime<Utc>,
    /// The desk's window that day.
    opens_at: DateTime<Utc>,
    closes_at: DateTime<Utc>,
}

/// A registration as a desk's list holds it.
#[derive(Debug, Serialize, ToSchema)]
pub struct ListItem {
    id: i32,
    /// Hex SHA-256 of the current ticket token's text (the token itself is never sent).
    token_sha256: String,
    name: String,
    organisation: String,
    /// The category, in the request's language.
    category: String,
    /// confirmed, waitlisted, cancelled, pending or declined.
    status: String,
    /// The days (`YYYY-MM-DD`) it is checked in.
    checked_in: Vec<String>,
}

/// One scan of a conflict.
#[derive(Debug, Serialize, ToSchema)]
pub struct ConflictSide {
    at: DateTime<Utc>,
    /// The desk's own name, if it had one.
    desk: Option<String>,
    /// The staff member's email.
    by: String,
}

impl From<ConflictScan> for ConflictSide {
    fn from(scan: ConflictScan) -> Self {
        Self {
            at: scan.at,
            desk: scan.desk,
            by: scan.by,
        }
    }
}

/// A ticket let in twice on one day by two desks: someone may have come in twice.
#[derive(Debug, Serialize, ToSchema)]
pub struct ConflictView {
    registration_id: i32,
    name: String,
    #[schema(example = "2008-07-07")]
    day: String,
    /// The scan that stands (`null` if its check-in was undone since).
    kept: Option<ConflictSide>,
    other: ConflictSide,
}

/// The check-in list.
#[derive(Debug, Serialize, ToSchema)]
pub struct CheckinList {
    /// The server's clock: the desk corrects its own by it.
    server_time: DateTime<Utc>,
    /// Pass as `since` next time.
    cursor: String,
    /// Whether `registrations` is the whole list (no `since`) or only what changed.
    full: bool,
    days: Vec<DayWindow>,
    registrations: Vec<ListItem>,
    /// Every conflict of the event.
    conflicts: Vec<ConflictView>,
}

/// The list a desk decides from when the network is gone.
#[utoipa::path(
    get,
    path = "/api/v1/events/{slug}/checkin-list",
    tag = "desk",
    params(("slug" = String, Path, description = "The event's short name"), ListQuery),
    security(("bearer" = []), ("session_cookie" = [])),
    responses(
        (status = OK, description = "The list (or what changed since `since`)", body = CheckinList),
        (status = UNAUTHORIZED, description = "No valid session or token"),
        (status = FORBIDDEN, description = "Not on the desk or the organisers of this event"),
    )
)]
pub async fn checkin_list(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    DeskOf { event: stored, .. }: DeskOf,
    ApiQuery(query): ApiQuery<ListQuery>,
) -> Result<Json<CheckinList>, Error> {
    let now = state.clock().now();
    // A cursor this service gave is recent; anything from another era is refused, not turned
    // into a date the database cannot hold.
    // A cursor this service gave is recent: one from long ago (or not from here) gets the
    // whole list, as a desk without a cursor does — never a date the database cannot hold.
    let changed_after = query
        .since
        .filter(|since| *since > now - TimeDelta::days(366) && *since <= now + TimeDelta::days(1))
        .map(|since| since - OVERLAP);
    let entries = state.db().checkin_list(stored.id, changed_after).await?;
    let event = &stored.event;
    let registrations = entries
        .into_iter()
        .map(|entry| {
            let token = state
                .ticket_key()
                .issue(stored.id, entry.id, entry.ticket_version);
            ListItem {
                id: entry.id,
                token_sha256: data_encoding::HEXLOWER
                    .encode(&sha2::Sha256::digest(token.to_string().as_bytes())),
                name: format!("{} {}", entry.given_name, entry.family_name),
                organisation: entry.organisation,
                category: event
                    .category(&entry.category)
                    .map(|c| c.label(lang, event.language).to_owned())
                    .unwrap_or(entry.category),
                status: entry.status.as_str().to_owned(),
                checked_in: entry.days.iter().map(ToString::to_string).collect(),
            }
        })
        .collect();
    let conflicts = state
        .db()
        .offline_conflicts(stored.id)
        .await?
        .into_iter()
        .flat_map(|conflict| {
            let kept = conflict.kept;
            conflict.others.into_iter().map(move |other| ConflictView {
                registration_id: conflict.registration_id,
                name: conflict.name.clone(),
                day: conflict.day.to_string(),
                kept: kept.clone().map(ConflictSide::from),
                other: other.into(),
            })
        })
        .collect();
    Ok(Json(CheckinList {
        // Milliseconds: the desks correct their clocks by it.
        server_time: now.trunc_subsecs(3),
        cursor: now.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        full: changed_after.is_none(),
        days: day_windows(&stored),
        registrations,
        conflicts,
    }))
}

fn day_windows(stored: &StoredEvent) -> Vec<DayWindow> {
    let tz = stored.event.time_zone;
    stored
        .event
        .agenda
        .days()
        .iter()
        .map(|day| {
            let window = day.desk_window(tz);
            let date = day.date();
            DayWindow {
                date: date.to_string(),
                starts_at: domain::agenda::local_instant(tz, date, NaiveTime::MIN),
                ends_at: domain::agenda::local_instant(
                    tz,
                    date.succ_opt().unwrap_or(date),
                    NaiveTime::MIN,
                ),
                opens_at: window.opens_at,
                closes_at: window.closes_at,
            }
        })
        .collect()
}

/// A batch of scans made offline.
#[derive(Debug, Deserialize, ToSchema)]
pub struct BatchRequest {
    /// In the order they were made; at most 500.
    #[schema(value_type = Vec<BatchScan>, max_items = 500)]
    scans: Vec<serde_json::Value>,
}

/// One scan made offline.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BatchScan {
    /// The ticket's token, as scanned (or `registration_id`, for a pick from a search).
    token: Option<String>,
    registration_id: Option<i32>,
    /// The scan's own key, at most 128 characters: sent again, it gets its first result.
    #[schema(max_length = 128)]
    nonce: String,
    /// When it was made (RFC 3339), by the desk's clock corrected to the server's; at most 5
    /// minutes ahead of the server.
    #[schema(value_type = String, format = DateTime)]
    scanned_at: DateTime<chrono::FixedOffset>,
    /// The desk's own name, at most 60 characters.
    #[schema(max_length = 60)]
    desk: Option<String>,
    /// Whether the desk let them in (showed green) when it decided alone; `true` if left out.
    admitted: Option<bool>,
}

/// What became of one scan of a batch.
#[derive(Debug, Serialize, ToSchema)]
pub struct BatchResult {
    nonce: Option<String>,
    /// The check-in outcome (as for one scan); `null` for an item that could not be read.
    outcome: Option<String>,
    /// Let in by two desks that day: someone may have come in twice (this scan is the `ok` that
    /// stands, or the `already_checked_in` after it).
    conflict: bool,
    /// For `ok`: the scan's time; for `already_checked_in`: the check-in that stands.
    checked_in_at: Option<DateTime<Utc>>,
    registration_id: Option<i32>,
    /// The outcome in words, in the request's language.
    message: Option<String>,
    /// Why the item could not be read (it is then not recorded).
    error: Option<String>,
}

/// The results, one per scan, in order; with `errors` by item when some could not be read.
#[derive(Debug, Serialize, ToSchema)]
pub struct BatchResponse {
    results: Vec<BatchResult>,
    /// `scans[INDEX].FIELD` → message, for the items not recorded.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    errors: BTreeMap<String, String>,
}

/// A scan of the batch, read.
struct Parsed {
    request: CheckinRequest,
    nonce: Nonce,
    scanning: Scanning,
}

/// Record the scans a desk made offline.
#[utoipa::path(
    post,
    path = "/api/v1/events/{slug}/checkins/batch",
    tag = "desk",
    params(("slug" = String, Path, description = "The event's short name")),
    request_body = BatchRequest,
    security(("bearer" = []), ("session_cookie" = [])),
    responses(
        (status = OK, description = "One result per scan, in order", body = BatchResponse),
        (status = UNAUTHORIZED, description = "No valid session or token"),
        (status = FORBIDDEN, description = "Not on the desk or the organisers of this event"),
        (status = UNPROCESSABLE_ENTITY, description = "`errors` names what could not be read. When it is items (`scans[INDEX].FIELD`), the others are recorded and `results` gives every scan's result, as for 200; when it is the body or `scans` (not JSON, more than 500 scans), nothing is recorded", body = super::registrations::ValidationErrors),
    )
)]
pub async fn batch(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    DeskOf {
        staff,
        event: stored,
    }: DeskOf,
    ApiJson(body): ApiJson<BatchRequest>,
) -> Result<Response, Error> {
    if body.scans.len() > MAX_BATCH {
        return Err(Error::field(
            "scans",
            t(
                lang,
                "batch-too-many",
                &[("max", (MAX_BATCH as i64).into())],
            ),
        ));
    }
    let now = state.clock().now();
    let mut errors = BTreeMap::new();
    let parsed: Vec<Result<Parsed, Option<String>>> = body
        .scans
        .into_iter()
        .enumerate()
        .map(|(index, item)| {
            let nonce = item
                .get("nonce")
                .and_then(|n| n.as_str())
                .map(str::to_owned);
            parse_item(item, now, lang).map_err(|(field, message)| {
                errors.insert(format!("scans[{index}].{field}"), message);
                nonce
            })
        })
        .collect();
    // The registrations the batch names, in one query.
    let wanted: Vec<i32> = parsed
        .iter()
        .filter_map(|p| p.as_ref().ok()?.request.wanted())
        .collect();
    let registrations = state.db().registrations_by_id(stored.id, &wanted).await?;
    // Recorded together: the scan writer writes the scans waiting at one moment in one
    // transaction, in this order.
    let recordings = parsed.iter().map(|item| async {
        let Ok(item) = item else { return None };
        let found = item
            .request
            .wanted()
            .and_then(|id| registrations.get(&id).cloned());
        Some(
            record(
                &state,
                &stored,
                &staff,
                &item.request,
                Some(item.nonce.clone()),
                found,
                item.scanning.clone(),
            )
            .await,
        )
    });
    let recorded = futures_util::future::join_all(recordings).await;
    let mut results = Vec::with_capacity(parsed.len());
    for (item, recorded) in parsed.iter().zip(recorded) {
        results.push(match (item, recorded) {
            (Ok(item), Some(recorded)) => {
                let recorded = recorded?;
                let said = answer(
                    &recorded.decision,
                    recorded.registration.as_ref(),
                    &stored,
                    lang,
                );
                BatchResult {
                    nonce: Some(item.nonce.as_str().to_owned()),
                    outcome: Some(said.outcome().to_owned()),
                    conflict: recorded.conflict,
                    checked_in_at: said.checked_in_at().map(|at| at.with_timezone(&Utc)),
                    registration_id: recorded.registration.map(|r| r.id),
                    message: Some(said.message().to_owned()),
                    error: None,
                }
            }
            _ => BatchResult {
                nonce: nonce_of(item),
                outcome: None,
                conflict: false,
                checked_in_at: None,
                registration_id: None,
                message: None,
                error: Some(t(lang, "batch-item-not-recorded", &[])),
            },
        });
    }
    // Each refused item's result says why, as its `errors` entry does.
    for (key, message) in &errors {
        if let Some(index) = key
            .strip_prefix("scans[")
            .and_then(|rest| rest.split(']').next())
            .and_then(|i| i.parse::<usize>().ok())
            && let Some(result) = results.get_mut(index)
        {
            result.error = Some(message.clone());
        }
    }
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok((status, Json(BatchResponse { results, errors })).into_response())
}

fn nonce_of(item: &Result<Parsed, Option<String>>) -> Option<String> {
    match item {
        Ok(parsed) => Some(parsed.nonce.as_str().to_owned()),
        Err(nonce) => nonce.clone(),
    }
}

/// Reads one scan of a batch, or names its first problem (field, message).
fn parse_item(
    item: serde_json::Value,
    now: DateTime<Utc>,
    lang: Lang,
) -> Result<Parsed, (String, String)> {
    let scan: BatchScan = serde_json::from_value(item).map_err(|e| {
        (
            "body".to_owned(),
            t(
                lang,
                "body-invalid-json",
                &[("detail", e.to_string().into())],
            ),
        )
    })?;
    if scan.token.is_none() && scan.registration_id.is_none() {
        return Err(("token".to_owned(), t(lang, "checkin-needs-token", &[])));
    }
    let problem = |field: &str, problem| {
        (
            field.to_owned(),
            crate::registration::problem_message(problem, lang),
        )
    };
    let nonce = Nonce::parse(&scan.nonce).map_err(|p| problem("nonce", p))?;
    if nonce.as_str().is_empty() {
        return Err(problem("nonce", domain::Problem::Required));
    }
    let desk = domain::DeskName::parse(scan.desk.as_deref().unwrap_or(""))
        .map_err(|p| problem("desk", p))?;
    let at = offline_scan_time(scan.scanned_at.with_timezone(&Utc), now).map_err(|problem| {
        let key = match problem {
            ScanTimeProblem::InTheFuture => "batch-scan-in-the-future",
            ScanTimeProblem::TooOld => "batch-scan-too-old",
        };
        ("scanned_at".to_owned(), t(lang, key, &[]))
    })?;
    Ok(Parsed {
        request: CheckinRequest::of_batch(scan.token, scan.registration_id),
        nonce,
        scanning: Scanning {
            at,
            desk,
            offline: Some(Offline {
                received_at: now.trunc_subsecs(0),
                admitted: scan.admitted.unwrap_or(true),
            }),
            // The offline desk keeps the entrance's list; doors are scanned online.
            door: None,
        },
    })
}

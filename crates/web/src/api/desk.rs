//! The desk's API: check-in, undo, search, recent scans, walk-ins, and reading a QR code from a
//! camera frame for browsers without BarcodeDetector.

use crate::AppState;
use crate::auth::Staff;
use crate::error::Error;
use crate::extract::{ApiJson, ApiPath, ApiQuery, DeskOf};
use crate::frames::{self, FrameError};
use crate::lang::RequestLang;
use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::extract::rejection::BytesRejection;
use chrono::{DateTime, FixedOffset, SubsecRound, Utc};
use domain::{
    Decision, DeskName, DeskState, Direction, ItemKey, Lang, Nonce, Refusal, Registration, Scanned,
    Status, TicketClaim, TicketStanding, desk_state, door_verdict, verdict,
};
use i18n::{hh_mm, long_date, t};
use persistence::{Action, Done, DoorScan, Offline, Scan, StoredEvent, Written};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// A check-in request: a scanned or typed ticket token, or (from a search result) a registration.
#[derive(Debug, Deserialize, ToSchema)]
pub struct CheckinRequest {
    /// The ticket's token, as scanned.
    token: Option<String>,
    /// A registration of this event, as found by a search at the desk.
    registration_id: Option<i32>,
    /// Any client-chosen string of at most 128 characters: a retry with the same nonce gets the
    /// first answer back.
    #[schema(max_length = 128)]
    nonce: Option<String>,
    /// The desk's own name, as set on the device ("Entrance A"): reports and the dashboard show
    /// it beside the staff member. At most 60 characters.
    #[schema(max_length = 60)]
    desk: Option<String>,
    /// The agenda item whose door this is (its `id` in the agenda); absent: the entrance.
    #[schema(example = "2008-07-07T11:00")]
    item: Option<String>,
    /// At an item's door: `in` (the default) or `out`.
    #[schema(pattern = "^(in|out)$")]
    direction: Option<String>,
}

/// Who was scanned.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ParticipantView {
    registration_id: i32,
    name: String,
    organisation: String,
    category: String,
    country: String,
    /// `confirmed`, `waitlisted` or `cancelled`.
    status: String,
}

impl CheckinResponse {
    pub(crate) fn outcome(&self) -> &str {
        &self.outcome
    }

    pub(crate) fn message(&self) -> &str {
        &self.message
    }

    pub(crate) fn checked_in_at(&self) -> Option<DateTime<FixedOffset>> {
        self.checked_in_at
    }
}

/// The desk's answer. Business outcomes are all `200`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CheckinResponse {
    /// ok, already_checked_in, too_early, closed, cancelled, not_confirmed or unknown.
    #[schema(example = "ok")]
    outcome: String,
    /// The answer in words, in the request's language, for the desk's screen.
    message: String,
    participant: Option<ParticipantView>,
    /// For `ok`: now; for `already_checked_in`: the day's first check-in.
    checked_in_at: Option<DateTime<FixedOffset>>,
    /// For `already_checked_in`: who made the first check-in.
    by: Option<String>,
    /// For `too_early`: when the desk opens.
    opens_at: Option<DateTime<FixedOffset>>,
}

pub(crate) fn participant_view(
    registration: &Registration,
    stored: &StoredEvent,
    lang: Lang,
) -> ParticipantView {
    let p = &registration.participant;
    ParticipantView {
        registration_id: registration.id,
        name: format!("{} {}", p.given_name, p.family_name),
        organisation: p.organisation.to_string(),
        category: stored
            .event
            .category(&p.category)
            .map(|c| c.label(lang, stored.event.language).to_owned())
            .unwrap_or_else(|| p.category.clone()),
        country: i18n::country_name(lang, p.country),
        status: registration.status.as_str().to_owned(),
    }
}

impl CheckinRequest {
    /// A request for one scan of an offline desk's batch.
    pub(crate) fn of_batch(token: Option<String>, registration_id: Option<i32>) -> Self {
        Self {
            token,
            registration_id,
            nonce: None,
            desk: None,
            item: None,
            direction: None,
        }
    }

    /// The door the request names, if any: an item key and a direction, or `422` naming the
    /// field that cannot be one. A key of no item of the event is answered `unknown`, not here.
    pub(crate) fn door(&self, lang: Lang) -> Result<Option<(ItemKey, Direction)>, Error> {
        let invalid = |field: &str| Error::field(field, t(lang, "checkin-bad-door", &[]));
        let direction = match self.direction.as_deref() {
            None => Direction::In,
            Some(raw) => Direction::parse(raw).ok_or_else(|| invalid("direction"))?,
        };
        match self.item.as_deref() {
            None if self.direction.is_some() => Err(invalid("item")),
            None => Ok(None),
            Some(raw) => Ok(Some((
                ItemKey::parse(raw).ok_or_else(|| invalid("item"))?,
                direction,
            ))),
        }
    }

    /// The desk's name, parsed: one that could not be stored is refused with `422` naming `desk`.
    pub(crate) fn desk(&self, lang: Lang) -> Result<Option<DeskName>, Error> {
        parse_desk(self.desk.as_deref(), "desk", lang)
    }

    /// The registration the request names: the one picked from a search, or the one the token
    /// claims to be (which [`resolve`] then checks).
    pub(crate) fn wanted(&self) -> Option<i32> {
        self.registration_id.or_else(|| {
            self.token
                .as_deref()
                .and_then(TicketClaim::parse)
                .map(|claim| claim.registration_id)
        })
    }

    /// The nonce, parsed: one that could not be stored is refused with `422` naming `nonce`,
    /// before anything reaches the database.
    fn nonce(&self, lang: Lang) -> Result<Option<Nonce>, Error> {
        self.nonce
            .as_deref()
            .map(Nonce::parse)
            .transpose()
            .map_err(|problem| Error::problem("nonce", problem, lang))
    }

    /// What the scan log keeps of what was scanned or typed.
    fn scanned_text(&self) -> String {
        match (&self.token, self.registration_id) {
            (Some(token), _) => token.trim().to_owned(),
            (None, Some(id)) => format!("registration {id}"),
            (None, None) => String::new(),
        }
    }
}

/// A desk's name as a request gives it, or `422` naming `field` in the request's language.
pub(crate) fn parse_desk(
    raw: Option<&str>,
    field: &str,
    lang: Lang,
) -> Result<Option<DeskName>, Error> {
    DeskName::parse(raw.unwrap_or("")).map_err(|problem| Error::problem(field, problem, lang))
}

/// How a scan is recorded: when it was made, at which desk, and whether it was made offline.
#[derive(Debug, Clone)]
pub(crate) struct Scanning {
    pub(crate) at: DateTime<Utc>,
    pub(crate) desk: Option<DeskName>,
    pub(crate) offline: Option<Offline>,
    /// An agenda item's door, and which way; `None`: the entrance.
    pub(crate) door: Option<(ItemKey, Direction)>,
}

/// Resolves what was scanned: a current ticket of this event, or unknown. `found` is the
/// registration of this event that the request names ([`CheckinRequest::wanted`]), if any. A
/// registration picked from a search needs no token; a token must be the registration's current
/// one ([`TicketKey::standing`](domain::TicketKey::standing), the ticket page's rule too).
pub(crate) fn resolve(
    state: &AppState,
    stored: &StoredEvent,
    request: &CheckinRequest,
    found: Option<Registration>,
) -> Option<Registration> {
    let registration = found.filter(|r| r.event_id == stored.id)?;
    if request.registration_id.is_some() {
        return Some(registration);
    }
    let token = request.token.as_deref()?;
    (state.ticket_key().standing_of(token, Some(&registration)) == TicketStanding::Current)
        .then_some(registration)
}

fn local(instant: DateTime<Utc>, stored: &StoredEvent) -> DateTime<FixedOffset> {
    instant
        .with_timezone(&stored.event.time_zone)
        .fixed_offset()
}

/// Checks a participant in: the domain's verdict, recorded with the scans of other desks waiting
/// at the same moment (persistence's scan writer), then put in words. Whether they were checked
/// in already is the insert's to tell: the unique index on (registration, day) decides between
/// two desks scanning at once. Every attempt is logged, refused ones too; a retry with the same
/// nonce (the desk's script retries once when the network drops) gets the first answer.
#[tracing::instrument(skip_all, fields(event = %stored.event.slug, staff = staff.member.id, outcome))]
pub(crate) async fn check_in(
    state: &AppState,
    stored: &StoredEvent,
    staff: &Staff,
    request: &CheckinRequest,
    nonce: Option<Nonce>,
    found: Option<Registration>,
    lang: Lang,
) -> Result<CheckinResponse, Error> {
    let scanning = Scanning {
        // Whole seconds: what a clerk reads, and what reports show.
        at: state.clock().now().trunc_subsecs(0),
        desk: request.desk(lang)?,
        offline: None,
        door: request.door(lang)?,
    };
    let recorded = record(state, stored, staff, request, nonce, found, scanning).await?;
    Ok(answer(
        &recorded.decision,
        recorded.registration.as_ref(),
        stored,
        lang,
    ))
}

/// What recording a scan gave.
pub(crate) struct Recorded {
    pub(crate) decision: Decision,
    pub(crate) registration: Option<Registration>,
    /// One of two admissions of the ticket that day by two desks (offline scans).
    pub(crate) conflict: bool,
}

/// Records a scan as `scanning` says (see [`check_in`]), and gives its decision.
pub(crate) async fn record(
    state: &AppState,
    stored: &StoredEvent,
    staff: &Staff,
    request: &CheckinRequest,
    nonce: Option<Nonce>,
    found: Option<Registration>,
    scanning: Scanning,
) -> Result<Recorded, Error> {
    let registration = resolve(state, stored, request, found);
    let scanned = match &registration {
        Some(r) => Scanned::Ticket(r.status),
        None => Scanned::Unknown,
    };
    let event = &stored.event;
    let at = scanning.at;
    let verdict = match &scanning.door {
        Some((item, _)) => door_verdict(scanned, &event.agenda, event.time_zone, item, at),
        None => verdict(scanned, &event.agenda, event.time_zone, at),
    };
    let scan = Scan {
        event_id: stored.id,
        registration_id: registration.as_ref().map(|r| r.id),
        staff_id: staff.member.id,
        at,
        scanned: request.scanned_text(),
        nonce,
        verdict,
        desk: scanning.desk,
        offline: scanning.offline,
    };
    let written = match scanning.door {
        Some((item, direction)) => {
            state
                .db()
                .write_door_scan(DoorScan {
                    scan,
                    item,
                    direction,
                })
                .await?
        }
        None => state.db().write_scan(scan).await?,
    };
    // A retry's answer was counted with the first.
    let first_answer = matches!(written, Written::Saved { .. });
    let (decision, registration, conflict) = match written {
        Written::Saved { decision, conflict } => (decision, registration, conflict),
        Written::Retry(first) => {
            // The first answer was about the registration then resolved: the same one, unless
            // the retry carried another token.
            let registration = match (first.registration_id, registration) {
                (Some(id), Some(r)) if r.id == id => Some(r),
                (Some(id), _) => state.db().registration(id).await?,
                (None, _) => None,
            };
            (first.decision, registration, first.conflict)
        }
    };
    tracing::Span::current().record("outcome", decision.outcome().as_str());
    if first_answer {
        state.metrics().checkin(decision.outcome().as_str());
    }
    Ok(Recorded {
        decision,
        registration,
        conflict,
    })
}

/// The desk's answer to a decision, in the request's language.
pub(crate) fn answer(
    decision: &Decision,
    registration: Option<&Registration>,
    stored: &StoredEvent,
    lang: Lang,
) -> CheckinResponse {
    let tz = stored.event.time_zone;
    let (message, checked_in_at, by, opens_at) = match decision {
        Decision::Ok { at, .. } => (
            t(lang, "outcome-ok", &[]),
            Some(local(*at, stored)),
            None,
            None,
        ),
        Decision::AlreadyCheckedIn { at, by } => (
            t(
                lang,
                "outcome-already",
                &[("time", hh_mm(*at, tz).into()), ("by", by.clone().into())],
            ),
            Some(local(*at, stored)),
            Some(by.clone()),
            None,
        ),
        Decision::Refused(Refusal::TooEarly { opens_at }) => (
            t(
                lang,
                "outcome-too-early",
                &[
                    ("time", hh_mm(*opens_at, tz).into()),
                    (
                        "date",
                        long_date(opens_at.with_timezone(&tz).date_naive(), lang).into(),
                    ),
                ],
            ),
            None,
            None,
            Some(local(*opens_at, stored)),
        ),
        Decision::Refused(Refusal::Closed) => (t(lang, "outcome-closed", &[]), None, None, None),
        Decision::Refused(Refusal::Cancelled) => {
            (t(lang, "outcome-cancelled", &[]), None, None, None)
        }
        Decision::Refused(Refusal::NotConfirmed) => {
            (t(lang, "outcome-not-confirmed", &[]), None, None, None)
        }
        Decision::Refused(Refusal::Unknown) => (t(lang, "outcome-unknown", &[]), None, None, None),
    };
    CheckinResponse {
        outcome: decision.outcome().as_str().to_owned(),
        message,
        participant: registration.map(|r| participant_view(r, stored, lang)),
        checked_in_at,
        by,
        opens_at,
    }
}

/// Check a participant in: scan a ticket (or pick a search result).
#[utoipa::path(
    post,
    path = "/api/v1/events/{slug}/checkins",
    tag = "desk",
    params(("slug" = String, Path, description = "The event's short name")),
    request_body = CheckinRequest,
    security(("bearer" = []), ("session_cookie" = [])),
    responses(
        (status = OK, description = "The desk's answer, whatever the outcome", body = CheckinResponse),
        (status = UNAUTHORIZED, description = "No valid session or token"),
        (status = UNPROCESSABLE_ENTITY, description = "The body is not the expected JSON, or its nonce is over 128 characters"),
    )
)]
pub async fn checkin(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    staff: Staff,
    ApiPath(slug): ApiPath<String>,
    // The body's error is held until the event is known: an unknown event is a 404 whatever the
    // body, and a good scan reads its event and registration in one query (no lookup first).
    body: Result<ApiJson<CheckinRequest>, Error>,
) -> Result<Json<CheckinResponse>, Error> {
    // From the grants read with the session: no query.
    staff.require_desk_of(&slug)?;
    let request = match body {
        Ok(ApiJson(request)) => request,
        Err(error) => {
            crate::lookup::any_event(&state, &slug).await?;
            return Err(error);
        }
    };
    let (stored, found) =
        crate::lookup::event_with_registration(&state, &slug, request.wanted()).await?;
    if request.token.is_none() && request.registration_id.is_none() {
        return Err(Error::Body {
            status: axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            message: t(lang, "checkin-needs-token", &[]),
        });
    }
    let nonce = request.nonce(lang)?;
    Ok(Json(
        check_in(&state, &stored, &staff, &request, nonce, found, lang).await?,
    ))
}

/// What undoing did.
#[derive(Debug, Serialize, ToSchema)]
pub struct Undone {
    /// The local date of the check-in removed.
    #[schema(example = "2008-07-07")]
    day: String,
}

/// Undo a registration's latest check-in (a scan made by mistake).
#[utoipa::path(
    delete,
    path = "/api/v1/events/{slug}/checkins/{registration_id}",
    tag = "desk",
    params(
        ("slug" = String, Path, description = "The event's short name"),
        ("registration_id" = i32, Path, description = "The registration"),
    ),
    security(("bearer" = []), ("session_cookie" = [])),
    responses(
        (status = OK, description = "The latest check-in was removed", body = Undone),
        (status = NOT_FOUND, description = "No check-in to undo"),
        (status = UNAUTHORIZED, description = "No valid session or token"),
    )
)]
pub async fn undo(
    State(state): State<AppState>,
    staff: Staff,
    ApiPath((slug, registration_id)): ApiPath<(String, i32)>,
) -> Result<Json<Undone>, Error> {
    staff.require_desk_of(&slug)?;
    let stored = crate::lookup::any_event(&state, &slug).await?;
    // The same action as the organiser's page: removed, logged in the scan log, and audited
    // with who did it, in one transaction.
    let done = state
        .db()
        .organiser_action(
            stored.id,
            staff.member.id,
            Action::UndoCheckin { registration_id },
            state.clock().now(),
        )
        .await?;
    match done {
        Some(Done::CheckinUndone { day }) => Ok(Json(Undone {
            day: day.to_string(),
        })),
        _ => Err(Error::NotFound),
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchQuery {
    /// Words of a name, email or organisation (no control characters).
    #[param(pattern = r"^[^\u0000-\u001F\u007F-\u009F]*$")]
    q: String,
}

/// A search result.
#[derive(Debug, Serialize, ToSchema)]
pub struct SearchResult {
    #[serde(flatten)]
    participant: ParticipantView,
    /// Checked in on the desk's current day, and when.
    checked_in_at: Option<DateTime<FixedOffset>>,
}

/// Find registrations by name, email or organisation (someone without their code).
#[utoipa::path(
    get,
    path = "/api/v1/events/{slug}/search",
    tag = "desk",
    params(("slug" = String, Path, description = "The event's short name"), SearchQuery),
    security(("bearer" = []), ("session_cookie" = [])),
    responses(
        (status = OK, description = "Up to 20 matches", body = [SearchResult]),
        (status = UNAUTHORIZED, description = "No valid session or token"),
    )
)]
pub async fn search(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    staff: Staff,
    ApiPath(slug): ApiPath<String>,
    query: Result<ApiQuery<SearchQuery>, Error>,
) -> Result<Json<Vec<SearchResult>>, Error> {
    // Who may ask comes first: another event's staff learn nothing, not even what a query
    // should look like.
    staff.require_desk_of(&slug)?;
    let ApiQuery(query) = query?;
    let stored = crate::lookup::any_event(&state, &slug).await?;
    if let Err(problem) = domain::search_words(&query.q) {
        return Err(Error::field("q", t(lang, problem.message_key(), &[])));
    }
    if query.q.trim().chars().count() < 2 {
        return Ok(Json(Vec::new()));
    }
    let day = match desk_state(
        &stored.event.agenda,
        stored.event.time_zone,
        state.clock().now(),
    ) {
        DeskState::Open { day } => Some(day),
        _ => None,
    };
    let found = state
        .db()
        .search_registrations(stored.id, &query.q, day, 20)
        .await?;
    Ok(Json(
        found
            .into_iter()
            .map(|f| SearchResult {
                participant: participant_view(&f.registration, &stored, lang),
                checked_in_at: f.checked_in_at.map(|at| local(at, &stored)),
            })
            .collect(),
    ))
}

/// A recent scan.
#[derive(Debug, Serialize, ToSchema)]
pub struct ScanLineView {
    at: DateTime<FixedOffset>,
    outcome: String,
    registration_id: Option<i32>,
    name: Option<String>,
    by: String,
}

/// The latest scans at this event, newest first.
#[utoipa::path(
    get,
    path = "/api/v1/events/{slug}/scans",
    tag = "desk",
    params(("slug" = String, Path, description = "The event's short name")),
    security(("bearer" = []), ("session_cookie" = [])),
    responses((status = OK, description = "The last 15 scans", body = [ScanLineView]))
)]
pub async fn scans(
    State(state): State<AppState>,
    staff: Staff,
    ApiPath(slug): ApiPath<String>,
) -> Result<Json<Vec<ScanLineView>>, Error> {
    staff.require_desk_of(&slug)?;
    let stored = crate::lookup::any_event(&state, &slug).await?;
    let lines = state.db().recent_scans(stored.id, 15).await?;
    Ok(Json(
        lines
            .into_iter()
            .map(|l| ScanLineView {
                at: local(l.at, &stored),
                outcome: l.outcome.as_str().to_owned(),
                registration_id: l.registration_id,
                name: l.name,
                by: l.by,
            })
            .collect(),
    ))
}

/// The walk-in's answer: the registration's outcome and the check-in's.
#[derive(Debug, Serialize, ToSchema)]
pub struct WalkInResponse {
    checkin: CheckinResponse,
}

/// Register someone at the desk, email them their ticket, and check them in.
#[utoipa::path(
    post,
    path = "/api/v1/events/{slug}/walk-ins",
    tag = "desk",
    params(("slug" = String, Path, description = "The event's short name")),
    request_body = super::registrations::RegistrationRequest,
    security(("bearer" = []), ("session_cookie" = [])),
    responses(
        (status = OK, description = "Registered and checked in (or the reason not)", body = WalkInResponse),
        (status = UNPROCESSABLE_ENTITY, description = "Invalid fields"),
    )
)]
pub async fn walk_in(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    // The event before the body: an unknown event is a 404 whatever the body.
    DeskOf {
        staff,
        event: stored,
    }: DeskOf,
    ApiJson(form): ApiJson<domain::RegistrationForm>,
) -> Result<Json<WalkInResponse>, Error> {
    let participant = crate::registration::parse_walk_in(&stored, &form, lang)?;
    let registered = state
        .db()
        .register_by_staff(stored.id, participant, state.shared_clock())
        .await?;
    let registration = registered.registration();
    let request = CheckinRequest {
        token: None,
        registration_id: Some(registration.id),
        nonce: None,
        desk: None,
        item: None,
        direction: None,
    };
    let checkin = check_in(
        &state,
        &stored,
        &staff,
        &request,
        None,
        Some(registration.clone()),
        lang,
    )
    .await?;
    if registration.status != Status::Confirmed {
        tracing::info!(
            registration = registration.id,
            "walk-in waitlisted: the event is full"
        );
    }
    Ok(Json(WalkInResponse { checkin }))
}

/// What a camera frame's QR code says.
#[derive(Debug, Serialize, ToSchema)]
pub struct Decoded {
    text: String,
}

/// Read the QR code in a camera frame (JPEG or PNG), for browsers without BarcodeDetector.
#[utoipa::path(
    post,
    path = "/api/v1/decode-qr",
    tag = "desk",
    request_body(content = Vec<u8>, content_type = "image/jpeg"),
    security(("bearer" = []), ("session_cookie" = [])),
    responses(
        (status = OK, description = "The code's text", body = Decoded),
        (status = PAYLOAD_TOO_LARGE, description = "Over 2 MiB, 4096 pixels a side or 16 megapixels: refused before decoding"),
        (status = UNPROCESSABLE_ENTITY, description = "Not a PNG or JPEG image, or no readable QR code in it"),
        (status = SERVICE_UNAVAILABLE, description = "Other frames are being decoded: send the next one (`Retry-After`)"),
    )
)]
pub async fn decode_qr(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    _staff: Staff,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<Decoded>, Error> {
    let body = body.map_err(|rejection| {
        let status = rejection.status();
        let key = if status == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
            "body-too-large"
        } else {
            // Cut off on its way: not a whole image.
            "decode-not-an-image"
        };
        Error::Body {
            status,
            message: t(lang, key, &[]),
        }
    })?;
    // The header first: a frame over the budget is refused before it costs anything.
    frames::check(&body).map_err(|e| frame_error(e, lang))?;
    let Some(permit) = state.frames().try_enter() else {
        state.metrics().rate_limited("camera_frames");
        return Err(Error::Busy(crate::error::Throttled {
            message: t(lang, "decode-busy", &[]),
            retry_after: std::time::Duration::from_secs(1),
        }));
    };
    let read = tokio::task::spawn_blocking(move || {
        let _permit = permit;
        frames::read_qr(&body)
    })
    .await
    .map_err(|e| Error::Internal(Box::new(e)))?;
    match read.map_err(|e| frame_error(e, lang))? {
        Some(text) => Ok(Json(Decoded { text })),
        None => Err(Error::Body {
            status: axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            message: t(lang, "decode-nothing", &[]),
        }),
    }
}

/// A frame refused, in the request's language.
fn frame_error(error: FrameError, lang: Lang) -> Error {
    match error {
        FrameError::NotAnImage => Error::Body {
            status: axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            message: t(lang, "decode-not-an-image", &[]),
        },
        FrameError::TooLarge => Error::Body {
            status: axum::http::StatusCode::PAYLOAD_TOO_LARGE,
            message: t(
                lang,
                "decode-too-large",
                &[
                    ("max", i64::from(frames::MAX_FRAME_SIDE).into()),
                    (
                        "number",
                        i64::try_from(frames::MAX_FRAME_PIXELS / 1_000_000)
                            .unwrap_or(i64::MAX)
                            .into(),
                    ),
                ],
            ),
        },
    }
}

//! Certificates of attendance (issue 16): what a participant attended — the days they were
//! checked in, the agenda's items whose doors they passed, with times and minutes — and the
//! verification page of a certificate's code (`/v/{code}`), public, which confirms a real
//! certificate and answers 404 for anything else. A certificate exists once the event is over,
//! for a registration that was checked in at least once.

use crate::AppState;
use crate::api::sessions::doors;
use crate::error::Error;
use crate::lang::RequestLang;
use crate::templates::{languages, view};
use axum::extract::{Path, State};
use axum::response::Html;
use axum::routing::get;
use chrono::NaiveDate;
use domain::{CertificateClaim, Lang, Registration};
use i18n::{long_date, time_of_day};
use minijinja::context;
use persistence::StoredEvent;
use serde::Serialize;

pub(crate) fn router() -> crate::routes::Listed {
    crate::routes::Listed::new()
        .route("/v/{code}", get(verification_page))
        .route("/t/{token}/certificate.pdf", get(certificate_pdf))
}

/// The participant's own certificate, from their ticket's page once the event is over: 404
/// before, for someone never checked in, and for anything but the current ticket.
async fn certificate_pdf(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> Result<axum::response::Response, Error> {
    use axum::response::IntoResponse;
    let crate::tickets::Ticket::Current(registration, stored, _) =
        crate::tickets::find_ticket(&state, &token).await?
    else {
        return Err(Error::NotFound);
    };
    let attended = attended(&state, &stored, &registration)
        .await?
        .ok_or(Error::NotFound)?;
    let certificate = certificate(&state, &stored, &registration, &attended);
    let pdf = tokio::task::spawn_blocking(move || documents::render_certificate(&[certificate]))
        .await
        .map_err(|e| Error::Internal(Box::new(e)))?
        .map_err(|e| Error::Internal(Box::new(e)))?;
    Ok((
        [
            (axum::http::header::CONTENT_TYPE, "application/pdf"),
            (
                axum::http::header::CONTENT_DISPOSITION,
                "inline; filename=\"certificate.pdf\"",
            ),
        ],
        pdf,
    )
        .into_response())
}

/// A registration's certificate, in the participant's language.
pub(crate) fn certificate(
    state: &AppState,
    stored: &StoredEvent,
    registration: &Registration,
    attended: &Attended,
) -> documents::Certificate {
    certificate_with(
        state.ticket_key(),
        state.composer().base_url(),
        stored,
        registration,
        attended,
    )
}

/// The certificate of `registration` as the outbox worker sends it (and the organisers' ZIP
/// holds it): `None` when it has none (the event is not over at `now`, or they never came).
pub async fn certificate_for(
    db: &persistence::Database,
    key: &domain::TicketKey,
    base_url: &str,
    stored: &StoredEvent,
    registration: &Registration,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Option<documents::Certificate>, persistence::Error> {
    Ok(attended_at(db, stored, registration, now)
        .await?
        .map(|attended| certificate_with(key, base_url, stored, registration, &attended)))
}

fn certificate_with(
    key: &domain::TicketKey,
    base_url: &str,
    stored: &StoredEvent,
    registration: &Registration,
    attended: &Attended,
) -> documents::Certificate {
    let lang = registration.participant.language;
    let t = |key: &str| i18n::t(lang, key, &[]);
    let view = verification_view(stored, registration, attended, lang);
    let code = key.certificate(stored.id, registration.id);
    documents::Certificate {
        texts: documents::CertificateTexts {
            heading: t("verification-title"),
            certifies: t("certificate-certifies"),
            attended: t("certificate-attended"),
            days_heading: t("verification-days"),
            sessions_heading: t("verification-sessions"),
            verify: t("certificate-verify"),
        },
        name: view.name,
        event_title: view.event_title,
        organiser: stored.event.organiser.clone(),
        dates: view.dates,
        venue: view.venue,
        days: view.days,
        sessions: view
            .sessions
            .into_iter()
            .map(|s| documents::SessionLine {
                when: format!(
                    "{} ({})",
                    s.when,
                    i18n::t(
                        lang,
                        "verification-minutes",
                        &[("number", s.minutes.into())]
                    )
                ),
                title: s.title,
            })
            .collect(),
        link: format!("{}/v/{code}", base_url.trim_end_matches('/')),
    }
}

/// An agenda item attended.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct SessionAttended {
    pub(crate) title: String,
    pub(crate) date: NaiveDate,
    /// "11:00–13:00"
    pub(crate) times: String,
    pub(crate) minutes: i64,
}

/// What a registration attended.
#[derive(Debug, Clone)]
pub(crate) struct Attended {
    pub(crate) days: Vec<NaiveDate>,
    pub(crate) sessions: Vec<SessionAttended>,
}

/// What `registration` attended of `stored`, or `None` when it has no certificate: the event is
/// not over, or they were never checked in.
pub(crate) async fn attended(
    state: &AppState,
    stored: &StoredEvent,
    registration: &Registration,
) -> Result<Option<Attended>, Error> {
    Ok(attended_at(state.db(), stored, registration, state.clock().now()).await?)
}

/// [`attended`] at `now`, from `db`.
async fn attended_at(
    db: &persistence::Database,
    stored: &StoredEvent,
    registration: &Registration,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Option<Attended>, persistence::Error> {
    let event = &stored.event;
    if now < event.agenda.ends_at(event.time_zone) {
        return Ok(None);
    }
    let (checkins, passages) = db.attendance_of(registration.id).await?;
    if checkins.is_empty() {
        return Ok(None);
    }
    let mut days: Vec<NaiveDate> = checkins.iter().map(|c| c.day).collect();
    days.sort_unstable();
    days.dedup();
    let sessions = doors(stored)
        .into_iter()
        .filter_map(|door| {
            let passage = passages.iter().find(|p| p.item == door.key)?;
            let tz = event.time_zone;
            Some(SessionAttended {
                minutes: door.minutes(passage),
                times: format!(
                    "{}–{}",
                    time_of_day(door.starts_at.with_timezone(&tz).time()),
                    time_of_day(door.ends_at.with_timezone(&tz).time())
                ),
                title: door.title,
                date: door.date,
            })
        })
        .collect();
    Ok(Some(Attended { days, sessions }))
}

#[derive(Debug, Serialize)]
struct SessionView {
    title: String,
    when: String,
    minutes: i64,
}

#[derive(Debug, Serialize)]
struct VerificationView {
    name: String,
    event_title: String,
    content_lang: &'static str,
    dates: String,
    venue: String,
    days: Vec<String>,
    sessions: Vec<SessionView>,
}

/// The page a certificate's link opens: who, which event, what they attended.
async fn verification_page(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    Path(code): Path<String>,
) -> Result<Html<String>, Error> {
    let claim = CertificateClaim::parse(&code).ok_or(Error::NotFound)?;
    let registration = state
        .db()
        .registration(claim.registration_id)
        .await?
        .ok_or(Error::NotFound)?;
    if !state
        .ticket_key()
        .verify_certificate(&claim, registration.event_id)
    {
        return Err(Error::NotFound);
    }
    let stored = state
        .db()
        .event_by_id(registration.event_id)
        .await?
        .ok_or(Error::NotFound)?;
    let attended = attended(&state, &stored, &registration)
        .await?
        .ok_or(Error::NotFound)?;
    let view_model = verification_view(&stored, &registration, &attended, lang);
    Ok(Html(state.templates().render(
        "verification.html",
        context! {
            lang => lang.code(),
            languages => languages(&format!("/v/{code}"), lang),
            v => view(view_model),
        },
    )?))
}

fn verification_view(
    stored: &StoredEvent,
    registration: &Registration,
    attended: &Attended,
    lang: Lang,
) -> VerificationView {
    let event = &stored.event;
    let p = &registration.participant;
    VerificationView {
        name: format!("{} {}", p.given_name, p.family_name),
        event_title: event.title.clone(),
        content_lang: event.language.code(),
        dates: i18n::event_dates(&event.agenda, lang),
        venue: format!("{}, {}", event.venue.name, event.venue.city),
        days: attended.days.iter().map(|d| long_date(*d, lang)).collect(),
        sessions: attended
            .sessions
            .iter()
            .map(|s| SessionView {
                title: s.title.clone(),
                when: format!("{}, {}", long_date(s.date, lang), s.times),
                minutes: s.minutes,
            })
            .collect(),
    }
}

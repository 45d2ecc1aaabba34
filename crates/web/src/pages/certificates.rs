//! The organisers' certificates of attendance, once the event is over: send every participant
//! who came theirs by email (through the outbox, the PDF attached, in their language; an audited
//! action, and one certificate per participant however often it is asked for), or download them
//! all as one ZIP.

use crate::AppState;
use crate::error::Error;
use crate::extract::{CsrfForm, NoFields, Organiser};
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use persistence::{Action, StoredEvent};
use std::io::Write;

pub(crate) fn router() -> crate::routes::Listed {
    crate::routes::Listed::new()
        .route("/organiser/{slug}/certificates", post(send))
        .route("/organiser/{slug}/certificates.zip", get(zip))
}

/// Whether the event is over: certificates exist from then on.
pub(crate) fn is_over(state: &AppState, stored: &StoredEvent) -> bool {
    let event = &stored.event;
    state.clock().now() >= event.agenda.ends_at(event.time_zone)
}

/// Queues the certificates of those who came and have none queued yet.
async fn send(
    State(state): State<AppState>,
    Organiser { staff, event }: Organiser,
    CsrfForm(NoFields {}): CsrfForm<NoFields>,
) -> Result<Response, Error> {
    if !is_over(&state, &event) {
        return Err(Error::BadRequest(i18n::t(
            event.event.language,
            "certificates-not-yet",
            &[],
        )));
    }
    state
        .db()
        .organiser_action(
            event.id,
            staff.member.id,
            Action::SendCertificates,
            state.clock().now(),
        )
        .await?;
    Ok(Redirect::to(&format!("/organiser/{}#certificates", event.event.slug)).into_response())
}

/// Every certificate, a PDF each, in one ZIP.
async fn zip(
    State(state): State<AppState>,
    Organiser { event: stored, .. }: Organiser,
) -> Result<Response, Error> {
    if !is_over(&state, &stored) {
        return Err(Error::NotFound);
    }
    let ids = state
        .db()
        .matching_ids(stored.id, &persistence::ReportFilter::default(), i32::MAX)
        .await?;
    let registrations = state.db().registrations_by_id(stored.id, &ids).await?;
    let mut files = Vec::new();
    for id in ids {
        let Some(registration) = registrations.get(&id) else {
            continue;
        };
        let certificate = crate::certificates::certificate_for(
            state.db(),
            state.ticket_key(),
            state.composer().base_url(),
            &stored,
            registration,
            state.clock().now(),
        )
        .await?;
        if let Some(certificate) = certificate {
            files.push((file_name(registration), certificate));
        }
    }
    let bytes = tokio::task::spawn_blocking(move || -> Result<Vec<u8>, Error> {
        let internal = |e: &dyn std::fmt::Display| Error::Internal(e.to_string().into());
        let mut archive = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        for (name, certificate) in files {
            let pdf = documents::render_certificate(&[certificate]).map_err(|e| internal(&e))?;
            archive
                .start_file(name, options)
                .map_err(|e| internal(&e))?;
            archive.write_all(&pdf).map_err(|e| internal(&e))?;
        }
        Ok(archive.finish().map_err(|e| internal(&e))?.into_inner())
    })
    .await
    .map_err(|e| Error::Internal(Box::new(e)))??;
    Ok((
        [
            (header::CONTENT_TYPE, "application/zip".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!(
                    "attachment; filename=\"{}-certificates.zip\"",
                    stored.event.slug
                ),
            ),
        ],
        bytes,
    )
        .into_response())
}

/// A certificate's file name in the ZIP: its registration and the name, in letters and digits
/// any system keeps (a name in another script is kept by the id).
fn file_name(registration: &domain::Registration) -> String {
    let p = &registration.participant;
    let name: String = format!("{} {}", p.family_name, p.given_name)
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    let name = name
        .split('-')
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join("-");
    format!("{:05}-{name}.pdf", registration.id)
}

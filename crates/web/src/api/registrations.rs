//! `POST /api/v1/events/{slug}/registrations`: register through the API.

use crate::AppState;
use crate::client::ClientAddr;
use crate::error::Error;
use crate::extract::{ApiJson, PublishedEvent};
use crate::lang::RequestLang;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use domain::RegistrationForm;
use serde::Serialize;
use utoipa::ToSchema;

/// A registration, as the API takes it.
#[derive(Debug, ToSchema)]
#[expect(
    dead_code,
    reason = "describes the body for OpenAPI; the handler reads RegistrationForm"
)]
pub struct RegistrationRequest {
    /// Any script; 1 to 100 characters.
    #[schema(example = "Abdou")]
    given_name: String,
    #[schema(example = "Mbengue Sene")]
    family_name: String,
    /// The ticket is sent here. One registration per address per event, compared case-insensitively.
    #[schema(example = "abdou.sene@example.org")]
    email: String,
    #[schema(example = "RIBA")]
    organisation: String,
    function: Option<String>,
    /// One of the event's category keys (the demo: member_state, observer_state,
    /// international_organisation, civil_society, private_sector, academia, media, speaker).
    #[schema(example = "speaker")]
    category: String,
    /// ISO 3166-1 alpha-2.
    #[schema(example = "SN")]
    country: String,
    /// The language of the participant's emails: `fr`, `en` or `es`.
    #[schema(example = "fr")]
    language: String,
    /// Accessibility or dietary needs; at most 1000 characters.
    needs: Option<String>,
    /// Consent to the processing of the data: must be true.
    consent: bool,
    /// Answers to the event's questions (`GET /api/v1/events/{slug}/form`), by question key:
    /// a string (`text`, `long_text`, `choice`, `date` as `YYYY-MM-DD`, `country`), a number, a
    /// boolean (`checkbox`) or a list of option keys (`multi_choice`). An unknown key, or an
    /// answer of the wrong kind, gives `422` under `answers.KEY`.
    #[schema(value_type = Option<Object>, example = json!({"interpretation": "en", "diet": ["vegetarian"]}))]
    answers: Option<std::collections::BTreeMap<String, serde_json::Value>>,
}

/// The registration was taken; the participant gets an email.
#[derive(Debug, Serialize, ToSchema)]
pub struct Accepted {
    #[schema(example = "accepted")]
    status: &'static str,
}

/// What is wrong, field by field, in the language of the request's Accept-Language.
#[derive(Debug, Serialize, ToSchema)]
pub struct ValidationErrors {
    #[schema(example = json!({"email": "This is not a valid email address (such as name@example.org)."}))]
    errors: std::collections::BTreeMap<String, String>,
}

/// Register for an event. The answer is `202` whether the address is new or already registered
/// (then the existing ticket is emailed again): the ticket travels only by email.
#[utoipa::path(
    post,
    path = "/api/v1/events/{slug}/registrations",
    tag = "registrations",
    params(("slug" = String, Path, description = "The event's short name")),
    request_body = RegistrationRequest,
    responses(
        (status = ACCEPTED, description = "Registered (or already registered): an email is on its way", body = Accepted),
        (status = NOT_FOUND, description = "No published event has this slug"),
        (status = UNSUPPORTED_MEDIA_TYPE, description = "The body is not JSON", body = ValidationErrors),
        (status = PAYLOAD_TOO_LARGE, description = "The body is larger than 64 KiB", body = ValidationErrors),
        (status = UNPROCESSABLE_ENTITY, description = "Invalid fields, unreadable JSON, or registration not open", body = ValidationErrors),
        (status = TOO_MANY_REQUESTS, description = "Too many registrations from this client address in the last minute (see Retry-After)"),
    )
)]
#[tracing::instrument(skip_all, fields(event = %stored.event.slug))]
pub async fn register(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    client: ClientAddr,
    // The event before the body: an unknown event is a 404 whatever the body.
    PublishedEvent(stored): PublishedEvent,
    ApiJson(form): ApiJson<RegistrationForm>,
) -> Result<(StatusCode, Json<Accepted>), Error> {
    let sender = crate::registration::Sender {
        client,
        filled_honeypot: false,
    };
    crate::registration::submit(&state, &stored, &form, lang, sender).await?;
    Ok((StatusCode::ACCEPTED, Json(Accepted { status: "accepted" })))
}

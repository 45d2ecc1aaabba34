//! The JSON API, version 1. Every handler here carries a `#[utoipa::path]` so that
//! `/api/v1/openapi.json` describes exactly what is served.

mod agenda;
mod auth;
mod desk;
pub(crate) use desk::participant_view;
mod organiser;
mod registrations;
pub(crate) mod reports;

use crate::AppState;
use axum::Json;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "guichet API",
        description = "Event registration and check-in. Times are RFC 3339 instants with the event's local offset.",
        license(name = "AGPL-3.0-or-later")
    ),
    modifiers(&Security),
    tags(
        (name = "events", description = "Published events and their agendas"),
        (name = "registrations", description = "Registering participants"),
        (name = "staff", description = "Staff sign-in"),
        (name = "desk", description = "Checking people in at the entrance"),
        (name = "organisers", description = "Organiser-only operations")
    )
)]
struct ApiDoc;

/// Declares how staff authenticate: a bearer token from `/api/v1/auth/login`, or the browser's
/// session cookie (which also needs the `X-CSRF-Token` header on requests that change state).
struct Security;

impl utoipa::Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{
            ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme,
        };
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
        components.add_security_scheme(
            "session_cookie",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new(
                crate::auth::SESSION_COOKIE,
            ))),
        );
    }
}

/// The API's routes, with their OpenAPI description.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(agenda::agenda))
        .routes(routes!(registrations::register))
        .routes(routes!(auth::login))
        .routes(routes!(desk::checkin))
        .routes(routes!(desk::undo))
        .routes(routes!(desk::search))
        .routes(routes!(desk::scans))
        .routes(routes!(desk::walk_in))
        .routes(routes!(organiser::reissue))
        .routes(routes!(organiser::failed_emails))
        .routes(routes!(organiser::retry_email))
        .routes(routes!(reports::attendance_csv))
        .routes(routes!(reports::attendance_xlsx))
        // Camera frames are larger than any form: this route alone takes more (2 MiB).
        .merge(OpenApiRouter::new().routes(routes!(desk::decode_qr)).layer(
            axum::extract::DefaultBodyLimit::max(crate::frames::MAX_FRAME_BYTES),
        ))
        .routes(routes!(openapi_json))
}

/// This description of the API.
#[utoipa::path(
    get,
    path = "/api/v1/openapi.json",
    tag = "meta",
    responses((status = OK, description = "The OpenAPI 3.1 description of this API", content_type = "application/json"))
)]
async fn openapi_json() -> Json<utoipa::openapi::OpenApi> {
    Json(router().into_openapi())
}

//! The JSON API, version 1. Every handler here carries a `#[utoipa::path]` so that
//! `/api/v1/openapi.json` describes exactly what is served.

mod agenda;
mod registrations;

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
    tags(
        (name = "events", description = "Published events and their agendas"),
        (name = "registrations", description = "Registering participants")
    )
)]
struct ApiDoc;

/// The API's routes, with their OpenAPI description.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(agenda::agenda))
        .routes(routes!(registrations::register))
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

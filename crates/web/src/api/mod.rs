//! The JSON API, version 1. Every handler here carries a `#[utoipa::path]` so that
//! `/api/v1/openapi.json` describes exactly what is served.

mod agenda;
mod auth;
mod badges;
mod decisions;
mod desk;
mod form;
mod offline;
pub(crate) use desk::participant_view;
mod organiser;
mod registrations;
pub(crate) mod reports;
pub(crate) mod sessions;

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
    components(schemas(Problem, registrations::ValidationErrors)),
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

/// An error answer: a code to act on, and a message for people in the request's language.
#[derive(serde::Serialize, utoipa::ToSchema)]
struct Problem {
    #[schema(example = "not_found")]
    error: String,
    #[schema(example = "not found")]
    message: String,
}

/// Adds to every operation the answers that the edge gives whatever the handler: 401 and 403
/// where staff must sign in, 404 where the address names something (an event, a registration)
/// or its parameters do not parse, 415/413/422 where a JSON body is read, 422 where a query is
/// read. Done here, from the document itself, so that a new route cannot forget them; an answer
/// a handler documents itself is kept as written.
struct StandardAnswers;

impl utoipa::Modify for StandardAnswers {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::path::{Operation, ParameterIn};
        use utoipa::openapi::{Content, Ref, RefOr, Response};
        let answer = |description: &str, schema: &str| {
            let mut response = Response::new(description);
            response.content.insert(
                "application/json".to_owned(),
                RefOr::T(Content::new(Some(Ref::from_schema_name(schema)))),
            );
            RefOr::T(response)
        };
        let add = |operation: &mut Operation, status: &str, description: &str, schema: &str| {
            operation
                .responses
                .responses
                .entry(status.to_owned())
                .or_insert_with(|| answer(description, schema));
        };
        for (path, item) in openapi.paths.paths.iter_mut() {
            let names_something = path.contains('{');
            for operation in [
                &mut item.get,
                &mut item.post,
                &mut item.put,
                &mut item.delete,
            ]
            .into_iter()
            .flatten()
            {
                if operation.security.as_ref().is_some_and(|s| !s.is_empty()) {
                    add(operation, "401", "No valid session or token", "Problem");
                    add(
                        operation,
                        "403",
                        "Not allowed for this account or event, or a cross-site request",
                        "Problem",
                    );
                }
                if names_something {
                    add(
                        operation,
                        "404",
                        "The address names nothing (no such event or record)",
                        "Problem",
                    );
                }
                if operation.request_body.is_some() {
                    add(
                        operation,
                        "413",
                        "The body is too large",
                        "ValidationErrors",
                    );
                    add(
                        operation,
                        "415",
                        "The body is not of the expected type",
                        "ValidationErrors",
                    );
                    add(
                        operation,
                        "422",
                        "The body is not valid: each problem named",
                        "ValidationErrors",
                    );
                }
                let reads_query = operation.parameters.iter().flatten().any(|p| match p {
                    RefOr::T(p) => p.parameter_in == ParameterIn::Query,
                    RefOr::Ref(_) => false,
                });
                if reads_query {
                    add(
                        operation,
                        "422",
                        "The query is not valid: each problem named",
                        "ValidationErrors",
                    );
                }
            }
        }
    }
}

/// The API's routes, with their OpenAPI description.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(agenda::agenda))
        .routes(routes!(registrations::register, decisions::list))
        .routes(routes!(form::form))
        .routes(routes!(auth::login))
        .routes(routes!(desk::checkin))
        .routes(routes!(desk::undo))
        .routes(routes!(desk::search))
        .routes(routes!(desk::scans))
        .routes(routes!(desk::walk_in))
        .routes(routes!(organiser::reissue))
        .routes(routes!(decisions::approve))
        .routes(routes!(decisions::decline))
        .routes(routes!(organiser::failed_emails))
        .routes(routes!(organiser::retry_email))
        .routes(routes!(reports::attendance_csv))
        .routes(routes!(reports::attendance_xlsx))
        .routes(routes!(sessions::sessions_csv))
        .routes(routes!(badges::badges_pdf))
        // Camera frames are larger than any form: this route alone takes more (2 MiB).
        .merge(OpenApiRouter::new().routes(routes!(desk::decode_qr)).layer(
            axum::extract::DefaultBodyLimit::max(crate::frames::MAX_FRAME_BYTES),
        ))
        .routes(routes!(offline::checkin_list))
        // A batch of 500 scans is larger than any form: this route takes 512 KiB.
        .merge(OpenApiRouter::new().routes(routes!(offline::batch)).layer(
            axum::extract::DefaultBodyLimit::max(offline::MAX_BATCH_BYTES),
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
    Json(document())
}

/// The OpenAPI description of the routes, with the answers every route gives (see
/// [`StandardAnswers`], which needs the routes' operations and so runs after they are added).
pub fn document() -> utoipa::openapi::OpenApi {
    let mut document = router().into_openapi();
    utoipa::Modify::modify(&StandardAnswers, &mut document);
    document
}

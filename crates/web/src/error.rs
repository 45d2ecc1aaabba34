//! The web crate's one error type, turned into a response in one place.
//!
//! Under `/api/` an error is JSON; elsewhere the [`render_error_pages`] middleware replaces it with
//! a page in the visitor's language. Internal causes are logged with their whole chain and never
//! shown: a visitor sees a plain, localised message.

use crate::AppState;
use crate::lang::RequestLang;
use axum::Json;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::json;

/// What a request can fail with.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("not found")]
    NotFound,
    /// Not signed in, or the session expired: 401.
    #[error("sign in first")]
    Unauthorized,
    /// Signed in, but this is not for this role (or a CSRF token is missing): 403.
    #[error("not allowed")]
    Forbidden,
    /// A wrong email or password (the same message for both): 401.
    #[error("wrong email or password")]
    LoginFailed(String),
    /// Too many failed logins: 429, with a message in the visitor's language.
    #[error("too many attempts")]
    TooManyAttempts(String),
    #[error("bad request: {0}")]
    BadRequest(String),
    /// Fields that are wrong, each with its message in the visitor's language: 422.
    #[error("invalid input")]
    Invalid(std::collections::BTreeMap<String, String>),
    /// A body that cannot be read at all (not JSON, too large…), with its status and message.
    #[error("unreadable body: {message}")]
    Body { status: StatusCode, message: String },
    #[error("the database is unavailable")]
    Unavailable(#[source] persistence::Error),
    /// Work that runs only a few at a time (decoding camera frames) is at its limit: 503 with
    /// `Retry-After`, at once rather than after a queue.
    #[error("busy: {0}")]
    Busy(String),
    #[error("internal error")]
    Internal(#[source] Box<dyn std::error::Error + Send + Sync>),
}

impl From<persistence::Error> for Error {
    fn from(error: persistence::Error) -> Self {
        // A database that cannot be reached deserves "try again", not a bug report.
        if error.is_unavailable() {
            Error::Unavailable(error)
        } else if matches!(error, persistence::Error::NotFound(_)) {
            Error::NotFound
        } else {
            Error::Internal(Box::new(error))
        }
    }
}

impl From<minijinja::Error> for Error {
    fn from(error: minijinja::Error) -> Self {
        Error::Internal(Box::new(error))
    }
}

/// Which kind of error page a failed response should become; carried in the response's
/// extensions from [`Error::into_response`] to [`render_error_pages`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorPage {
    NotFound,
    Unauthorized,
    Forbidden,
    BadRequest,
    Unavailable,
    Internal,
}

impl ErrorPage {
    fn keys(self) -> (&'static str, &'static str) {
        match self {
            ErrorPage::NotFound => ("error-not-found-title", "error-not-found-body"),
            ErrorPage::Unauthorized => ("error-unauthorized-title", "error-unauthorized-body"),
            ErrorPage::Forbidden => ("error-forbidden-title", "error-forbidden-body"),
            ErrorPage::BadRequest => ("error-bad-request-title", "error-bad-request-body"),
            ErrorPage::Unavailable => ("error-unavailable-title", "error-unavailable-body"),
            ErrorPage::Internal => ("error-internal-title", "error-internal-body"),
        }
    }
}

impl Error {
    fn parts(&self) -> (StatusCode, ErrorPage, &'static str) {
        match self {
            Error::NotFound => (StatusCode::NOT_FOUND, ErrorPage::NotFound, "not_found"),
            Error::Unauthorized => (
                StatusCode::UNAUTHORIZED,
                ErrorPage::Unauthorized,
                "unauthorized",
            ),
            Error::Forbidden => (StatusCode::FORBIDDEN, ErrorPage::Forbidden, "forbidden"),
            Error::LoginFailed(_) => (
                StatusCode::UNAUTHORIZED,
                ErrorPage::Unauthorized,
                "invalid_credentials",
            ),
            Error::TooManyAttempts(_) => (
                StatusCode::TOO_MANY_REQUESTS,
                ErrorPage::BadRequest,
                "too_many_attempts",
            ),
            Error::Invalid(_) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                ErrorPage::BadRequest,
                "invalid",
            ),
            Error::Body { status, .. } => (*status, ErrorPage::BadRequest, "invalid_body"),
            Error::BadRequest(_) => (
                StatusCode::BAD_REQUEST,
                ErrorPage::BadRequest,
                "bad_request",
            ),
            Error::Unavailable(_) => (
                StatusCode::SERVICE_UNAVAILABLE,
                ErrorPage::Unavailable,
                "unavailable",
            ),
            Error::Busy(_) => (
                StatusCode::SERVICE_UNAVAILABLE,
                ErrorPage::Unavailable,
                "busy",
            ),
            Error::Internal(_) => (
                StatusCode::INTERNAL_SERVER_ERROR,
                ErrorPage::Internal,
                "internal",
            ),
        }
    }
}

/// Logs an error with every cause in its chain.
fn log_chain(error: &(dyn std::error::Error + 'static)) {
    let mut chain = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        chain.push_str(": ");
        chain.push_str(&cause.to_string());
        source = cause.source();
    }
    tracing::error!(error = %chain, "request failed");
}

impl IntoResponse for Error {
    fn into_response(self) -> Response {
        let (status, page, code) = self.parts();
        if matches!(self, Error::Internal(_) | Error::Unavailable(_)) {
            log_chain(&self);
        }
        let body = match &self {
            Error::Invalid(errors) => json!({ "errors": errors }),
            Error::Body { message, .. } => json!({ "errors": { "body": message } }),
            Error::BadRequest(detail)
            | Error::TooManyAttempts(detail)
            | Error::LoginFailed(detail)
            | Error::Busy(detail) => {
                json!({ "error": code, "message": detail })
            }
            other => json!({ "error": code, "message": other.to_string() }),
        };
        let mut response = (status, Json(body)).into_response();
        if matches!(self, Error::Busy(_)) {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
        }
        response.extensions_mut().insert(page);
        response
    }
}

/// Turns error responses outside `/api/` into pages in the visitor's language.
pub async fn render_error_pages(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let path = request.uri().path().to_owned();
    let is_api = path.starts_with("/api/");
    let (parts, body) = request.into_parts();
    let lang = RequestLang::from_parts(&parts).0;
    let response = next.run(Request::from_parts(parts, body)).await;
    if is_api {
        return response;
    }
    let Some(page) = response.extensions().get::<ErrorPage>().copied() else {
        return response;
    };
    let (title, body) = page.keys();
    let html = state.templates().render(
        "error.html",
        minijinja::context! {
            lang => lang.code(),
            languages => crate::templates::languages(&path, lang),
            title_key => title,
            body_key => body,
        },
    );
    match html {
        Ok(html) => {
            let mut page_response = (response.status(), html).into_response();
            page_response.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=utf-8"),
            );
            page_response
        }
        Err(e) => {
            log_chain(&e);
            (StatusCode::INTERNAL_SERVER_ERROR, "guichet: internal error").into_response()
        }
    }
}

/// A panic in a handler becomes an ordinary internal error: logged, and shown as a plain page.
pub fn panic_response(panic: Box<dyn std::any::Any + Send + 'static>) -> Response {
    let detail = panic
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
        .unwrap_or_else(|| "unknown panic".to_owned());
    Error::Internal(detail.into()).into_response()
}

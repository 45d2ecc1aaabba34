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
    /// Signed in, but this is not for this role: 403.
    #[error("not allowed")]
    Forbidden,
    /// A request that changes state without its CSRF token, or from another site: 403, with a
    /// message in the visitor's language (reload the page).
    #[error("refused: no CSRF token, or sent from another site")]
    CsrfRejected(String),
    /// A wrong email or password (the same message for both): 401.
    #[error("wrong email or password")]
    LoginFailed(String),
    /// The password was right, and the account signs in with a second factor: send its code
    /// (`otp`). 401 `otp_required`.
    #[error("a second-factor code is needed")]
    OtpRequired(String),
    /// A second-factor code that is wrong, or was used already: 401 `otp_invalid`.
    #[error("wrong or used second-factor code")]
    OtpFailed(String),
    /// An event whose organisers must sign in with a second factor, by one who has none: 403
    /// `second_factor_required`, saying where to enrol.
    #[error("enrol a second factor first")]
    SecondFactorNeeded(String),
    /// Too many requests of a kind from this client (registrations, failed sign-ins): 429, with
    /// a message in the visitor's language and when to try again.
    #[error("too many attempts")]
    TooManyAttempts(Throttled),
    /// Too much of one kind of work under way on this instance (password verifications, camera
    /// frames decoded): 503 at once, with a message and when to try again, rather than a queue.
    #[error("busy")]
    Busy(Throttled),
    #[error("bad request: {0}")]
    BadRequest(String),
    /// A decision on a registration that is not a request waiting for one (another organiser
    /// decided first, say): 409 `not_pending`, saying where it stands.
    #[error("not a pending request")]
    NotPending(String),
    /// Fields that are wrong, each with its message in the visitor's language: 422.
    #[error("invalid input")]
    Invalid(std::collections::BTreeMap<String, String>),
    /// A body that cannot be read at all (not JSON, too large…), with its status and message.
    #[error("unreadable body: {message}")]
    Body { status: StatusCode, message: String },
    #[error("the database is unavailable")]
    Unavailable(#[source] persistence::Error),
    /// The request took longer than the request timeout (a database that hangs, say): 503 with
    /// `Retry-After`, while its handler runs on to its end.
    #[error("the service took too long to answer")]
    TimedOut,
    #[error("internal error")]
    Internal(#[source] Box<dyn std::error::Error + Send + Sync>),
}

impl Error {
    /// `422` naming one field (or `query`, `body`…) and what is wrong with it.
    pub(crate) fn field(name: &str, message: impl Into<String>) -> Self {
        Error::Invalid(std::collections::BTreeMap::from([(
            name.to_owned(),
            message.into(),
        )]))
    }

    /// `422` naming a field and the problem its value has, worded in `lang`.
    pub(crate) fn problem(name: &str, problem: domain::Problem, lang: domain::Lang) -> Self {
        Self::field(name, crate::registration::problem_message(problem, lang))
    }

    /// `422` for an address's query that does not hold, saying what (in `lang`).
    pub(crate) fn query(lang: domain::Lang, detail: impl Into<String>) -> Self {
        Self::field(
            "query",
            i18n::t(lang, "query-invalid", &[("detail", detail.into().into())]),
        )
    }
}

/// A refusal for now: what to tell the visitor, and when they may try again (`Retry-After`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Throttled {
    pub message: String,
    pub retry_after: std::time::Duration,
}

impl Throttled {
    /// The `Retry-After` header's value: whole seconds, rounded up.
    pub fn retry_after_header(&self) -> HeaderValue {
        HeaderValue::from(crate::limits::retry_after_seconds(self.retry_after))
    }
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

/// The `Retry-After` of a 503 for a database away or slow.
pub(crate) const UNAVAILABLE_RETRY_SECONDS: u32 = 5;

/// Which kind of error page a failed response should become; carried in the response's
/// extensions from [`Error::into_response`] to [`render_error_pages`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorPage {
    NotFound,
    Unauthorized,
    Forbidden,
    CsrfRejected,
    SecondFactorNeeded,
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
            ErrorPage::CsrfRejected => ("error-csrf-title", "error-csrf-body"),
            ErrorPage::SecondFactorNeeded => {
                ("error-second-factor-title", "error-second-factor-body")
            }
            ErrorPage::BadRequest => ("error-bad-request-title", "error-bad-request-body"),
            ErrorPage::Unavailable => ("error-unavailable-title", "error-unavailable-body"),
            ErrorPage::Internal => ("error-internal-title", "error-internal-body"),
        }
    }
}

impl Error {
    /// The answer's status.
    pub fn status(&self) -> StatusCode {
        self.parts().0
    }

    /// For a refusal for now (429, 503 busy): its message and when to try again.
    pub fn throttled(&self) -> Option<&Throttled> {
        match self {
            Error::TooManyAttempts(throttled) | Error::Busy(throttled) => Some(throttled),
            _ => None,
        }
    }

    fn parts(&self) -> (StatusCode, ErrorPage, &'static str) {
        match self {
            Error::NotFound => (StatusCode::NOT_FOUND, ErrorPage::NotFound, "not_found"),
            Error::Unauthorized => (
                StatusCode::UNAUTHORIZED,
                ErrorPage::Unauthorized,
                "unauthorized",
            ),
            Error::Forbidden => (StatusCode::FORBIDDEN, ErrorPage::Forbidden, "forbidden"),
            Error::CsrfRejected(_) => (StatusCode::FORBIDDEN, ErrorPage::CsrfRejected, "csrf"),
            Error::LoginFailed(_) => (
                StatusCode::UNAUTHORIZED,
                ErrorPage::Unauthorized,
                "invalid_credentials",
            ),
            Error::OtpRequired(_) => (
                StatusCode::UNAUTHORIZED,
                ErrorPage::Unauthorized,
                "otp_required",
            ),
            Error::OtpFailed(_) => (
                StatusCode::UNAUTHORIZED,
                ErrorPage::Unauthorized,
                "otp_invalid",
            ),
            Error::SecondFactorNeeded(_) => (
                StatusCode::FORBIDDEN,
                ErrorPage::SecondFactorNeeded,
                "second_factor_required",
            ),
            Error::TooManyAttempts(_) => (
                StatusCode::TOO_MANY_REQUESTS,
                ErrorPage::BadRequest,
                "too_many_attempts",
            ),
            Error::Busy(_) => (
                StatusCode::SERVICE_UNAVAILABLE,
                ErrorPage::Unavailable,
                "busy",
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
            Error::NotPending(_) => (StatusCode::CONFLICT, ErrorPage::BadRequest, "not_pending"),
            Error::Unavailable(_) => (
                StatusCode::SERVICE_UNAVAILABLE,
                ErrorPage::Unavailable,
                "unavailable",
            ),
            Error::TimedOut => (
                StatusCode::SERVICE_UNAVAILABLE,
                ErrorPage::Unavailable,
                "timed_out",
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
        } else if matches!(self, Error::TimedOut) {
            tracing::warn!("request timed out: answered 503, its handler runs on");
        }
        let body = match &self {
            Error::Invalid(errors) => json!({ "errors": errors }),
            Error::Body { message, .. } => json!({ "errors": { "body": message } }),
            Error::BadRequest(detail)
            | Error::NotPending(detail)
            | Error::LoginFailed(detail)
            | Error::OtpRequired(detail)
            | Error::OtpFailed(detail)
            | Error::SecondFactorNeeded(detail)
            | Error::CsrfRejected(detail) => {
                json!({ "error": code, "message": detail })
            }
            Error::TooManyAttempts(throttled) | Error::Busy(throttled) => {
                json!({ "error": code, "message": throttled.message })
            }
            other => json!({ "error": code, "message": other.to_string() }),
        };
        let mut response = (status, Json(body)).into_response();
        if let Some(throttled) = self.throttled() {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, throttled.retry_after_header());
        } else if matches!(self, Error::Unavailable(_) | Error::TimedOut) {
            // A database restarting is back within seconds: a client (a desk's retry, a load
            // balancer) should come back soon, not at once in a tight loop.
            response.headers_mut().insert(
                header::RETRY_AFTER,
                HeaderValue::from(UNAVAILABLE_RETRY_SECONDS),
            );
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
            // The page replaces the body, not when to come back.
            if let Some(retry_after) = response.headers().get(header::RETRY_AFTER) {
                page_response
                    .headers_mut()
                    .insert(header::RETRY_AFTER, retry_after.clone());
            }
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

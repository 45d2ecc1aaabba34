//! guichet's HTTP interface: public pages, the JSON API v1 (described by `/api/v1/openapi.json`),
//! health checks, and the middleware around them.
//!
//! Handlers are thin: they parse the request into domain types, call a repository of
//! `persistence`, and render a template or JSON. Errors go through the one [`Error`] type.
//! Depends on `domain`, `persistence`, `i18n` (every string, date and country name shown) and
//! `mailer`; must not depend on `guichet` (the CLI and configuration files) nor reach the database
//! except through `persistence`'s repositories (no sea-orm here).

mod api;
mod assets;
mod auth;
mod certificates;
pub use certificates::certificate_for;
mod charts;
mod client;
mod csrf;
mod error;
mod extract;
mod frames;
mod headers;
mod health;
mod lang;
mod limits;
mod login;
mod lookup;
pub mod metrics;
mod pages;
mod redirect;
mod registration;
pub mod routes;
mod serve;
mod templates;
mod tickets;
pub mod tls;
mod views;

pub use client::{ClientAddr, NotAProxy, TrustedProxies};
pub use error::Error;
pub use lang::RequestLang;
pub use limits::{Limits, default_password_checks};
pub use serve::{DEFAULT_MAX_CONNECTIONS, ServerLimits};

use axum::Router;
use axum::extract::State;
use domain::{Clock, TicketKey};
use mailer::Composer;
use persistence::Database;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;
use templates::Templates;
use tokio::net::TcpListener;
use tower::ServiceBuilder;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;

/// The largest request body accepted anywhere; forms and JSON bodies are far smaller.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// What every handler can reach.
#[derive(Debug, Clone)]
pub struct AppState(Arc<Inner>);

#[derive(Debug)]
struct Inner {
    db: Database,
    clock: Arc<dyn Clock>,
    templates: Templates,
    ticket_key: TicketKey,
    composer: Arc<Composer>,
    trusted_proxies: TrustedProxies,
    registrations: limits::RegistrationLimiter,
    password_checks: limits::PasswordChecks,
    frames: frames::FrameGate,
    idle: persistence::Idle,
    request_timeout: Duration,
    metrics: metrics::Metrics,
    /// Set once shutdown begins: long-lived responses (the dashboards' live streams) end, so
    /// that the server can finish.
    stopping: tokio::sync::watch::Sender<bool>,
}

impl AppState {
    /// `composer` is shared with the outbox worker: the links it writes in emails are the ones the
    /// pages serve. `limits` says how many camera frames are decoded at once.
    pub fn new(
        db: Database,
        clock: Arc<dyn Clock>,
        ticket_key: TicketKey,
        composer: Arc<Composer>,
        limits: Limits,
        server_limits: &ServerLimits,
    ) -> Self {
        Self(Arc::new(Inner {
            db,
            clock,
            templates: Templates::new(),
            ticket_key,
            composer,
            trusted_proxies: limits.trusted_proxies,
            registrations: limits::RegistrationLimiter::new(limits.registrations_per_minute),
            password_checks: limits::PasswordChecks::new(limits.password_checks),
            frames: frames::FrameGate::new(server_limits.frame_decoders),
            idle: persistence::Idle {
                browser: limits.browser_idle,
            },
            request_timeout: server_limits.request_timeout,
            metrics: metrics::Metrics::default(),
            stopping: tokio::sync::watch::Sender::new(false),
        }))
    }

    pub(crate) fn trusted_proxies(&self) -> &TrustedProxies {
        &self.0.trusted_proxies
    }

    pub(crate) fn registration_limiter(&self) -> &limits::RegistrationLimiter {
        &self.0.registrations
    }

    pub(crate) fn password_checks(&self) -> &limits::PasswordChecks {
        &self.0.password_checks
    }

    pub(crate) fn frames(&self) -> &frames::FrameGate {
        &self.0.frames
    }

    /// How long sessions last unused.
    pub(crate) fn idle(&self) -> persistence::Idle {
        self.0.idle
    }

    pub(crate) fn ticket_key(&self) -> &TicketKey {
        &self.0.ticket_key
    }

    pub(crate) fn composer(&self) -> &Composer {
        &self.0.composer
    }

    pub fn db(&self) -> &Database {
        &self.0.db
    }

    pub fn clock(&self) -> &dyn Clock {
        self.0.clock.as_ref()
    }

    /// The clock, for work that outlives the request's borrow of the state.
    pub fn shared_clock(&self) -> Arc<dyn Clock> {
        self.0.clock.clone()
    }

    pub(crate) fn templates(&self) -> &Templates {
        &self.0.templates
    }

    /// The instance's figures, for `/metrics`.
    pub(crate) fn metrics(&self) -> &metrics::Metrics {
        &self.0.metrics
    }

    /// Whether the server is shutting down: a long-lived response should end now.
    pub fn is_stopping(&self) -> bool {
        *self.0.stopping.borrow()
    }

    /// Tells long-lived responses to end: the server is shutting down.
    pub fn begin_stopping(&self) {
        self.0.stopping.send_replace(true);
    }
}

/// Every route but the API's: pages, tickets, static files, health.
fn pages_and_files() -> routes::Listed {
    pages::router()
        .merge(tickets::router())
        .merge(certificates::router())
        .merge(assets::router())
        .merge(health::router())
}

/// The whole application's routes, with their middleware.
pub fn router(state: AppState) -> Router {
    let request_id = axum::http::HeaderName::from_static("x-request-id");
    let (api, _openapi) = api::router().split_for_parts();
    let routes = pages_and_files()
        .into_router()
        .merge(api)
        .fallback(pages::not_found)
        // Composed into one layer (outermost first): each `Router::layer` would box the routes
        // once more, and every request clone each box.
        .layer(
            ServiceBuilder::new()
                // Every answer counted under its route's template, refusals and timeouts too.
                .layer(axum::middleware::from_fn_with_state(
                    state.clone(),
                    metrics::record,
                ))
                // Extractors (JSON, forms) refuse larger bodies with a rejection each handler
                // words in the visitor's language.
                .layer(axum::extract::DefaultBodyLimit::max(MAX_BODY_BYTES))
                .layer(axum::middleware::from_fn_with_state(
                    state.clone(),
                    error::render_error_pages,
                ))
                // Inside the error pages: a request that times out gets the page (or JSON)
                // saying the service is unavailable, with `Retry-After`.
                .layer(axum::middleware::from_fn_with_state(
                    state.clone(),
                    time_limit,
                ))
                .layer(CatchPanicLayer::custom(error::panic_response))
                // What a request that changes state presents against CSRF, for the `Staff`
                // extractor and the sign-in form to check (see `csrf`).
                .layer(axum::middleware::from_fn_with_state(
                    state.clone(),
                    csrf::gather,
                ))
                .layer(axum::middleware::from_fn(run_to_completion)),
        );
    // Outside everything else: error pages and timeouts carry them too.
    headers::layer(routes)
        .layer(
            ServiceBuilder::new()
                .layer(SetRequestIdLayer::new(request_id.clone(), MakeRequestUuid))
                .layer(TraceLayer::new_for_http().make_span_with(request_span))
                // Inside the trace layer: it writes the client's address into the request's
                // span.
                .layer(axum::middleware::from_fn_with_state(
                    state.clone(),
                    client::resolve,
                ))
                .layer(PropagateRequestIdLayer::new(request_id)),
        )
        .with_state(state)
}

/// The root span of each request: its id (set by `SetRequestIdLayer` outside, echoed to the
/// client in `x-request-id`), so every line logged while answering it can be traced to it. At
/// INFO, so that the lines of handlers at INFO and above carry it. The path only, with any ticket
/// token masked: query strings (a desk's name search) and tokens stay out of the logs. The
/// client's address is filled in by [`client::resolve`].
fn request_span(request: &axum::http::Request<axum::body::Body>) -> tracing::Span {
    let request_id = request
        .headers()
        .get("x-request-id")
        .and_then(|id| id.to_str().ok())
        .unwrap_or("-");
    tracing::info_span!(
        "request",
        id = %request_id,
        method = %request.method(),
        path = %loggable_path(request.uri().path()),
        client = tracing::field::Empty,
        route = tracing::field::Empty,
    )
}

/// `path` with the secret of a ticket's pages (`/t/{token}/…`) or of a certificate's
/// verification page (`/v/{code}`) masked.
fn loggable_path(path: &str) -> std::borrow::Cow<'_, str> {
    for prefix in ["/t/", "/v/"] {
        if let Some(rest) = path.strip_prefix(prefix) {
            let after = rest.find('/').map_or("", |at| &rest[at..]);
            return format!("{prefix}…{after}").into();
        }
    }
    path.into()
}

/// Answers `503` with `Retry-After` when a request takes longer than the request timeout. Inside
/// [`run_to_completion`]'s task the handler goes on to its end: a registration that commits late
/// is not lost, and its email goes out.
async fn time_limit(
    State(state): State<AppState>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    match tokio::time::timeout(state.0.request_timeout, next.run(request)).await {
        Ok(response) => response,
        Err(_) => axum::response::IntoResponse::into_response(Error::TimedOut),
    }
}

/// Runs each request's handler on a task of its own, to completion, even when the client goes
/// away or the timeout answers first. A handler dropped half-way could abandon a database
/// transaction: on PostgreSQL, sqlx returns a connection whose BEGIN was cancelled to the pool
/// still inside that transaction, and every later statement on it runs there and keeps its locks
/// (transact-rs/sqlx#4393; seen here as an outbox worker stuck after a benchmark's clients
/// disconnected mid-check-in). Finishing costs one task spawn per request.
async fn run_to_completion(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    // A spawned task does not inherit the span it was spawned in: pass the request's on, so
    // that what the handler logs carries the request id.
    let span = tracing::Span::current();
    match tokio::spawn(tracing::Instrument::instrument(next.run(request), span)).await {
        Ok(response) => response,
        // A panic goes on to the panic layer outside, which answers with the 500 page.
        Err(error) if error.is_panic() => std::panic::resume_unwind(error.into_panic()),
        // Cancelled: the runtime is shutting down.
        Err(error) => {
            axum::response::IntoResponse::into_response(error::Error::Internal(Box::new(error)))
        }
    }
}

/// The OpenAPI description of the JSON API, as served at `/api/v1/openapi.json`.
pub fn openapi() -> utoipa::openapi::OpenApi {
    api::document()
}

/// guichet's HTTP server, bound to its port.
#[derive(Debug)]
pub struct Application {
    listener: TcpListener,
    router: Router,
    limits: ServerLimits,
    state: AppState,
}

impl Application {
    /// Serves on a listener already bound: the caller may need the real address before it can
    /// build the state (the links in emails point at it). `limits` bound what clients may hold
    /// (see [`ServerLimits`]).
    pub fn on(listener: TcpListener, state: AppState, limits: ServerLimits) -> Self {
        Self {
            listener,
            router: router(state.clone()),
            limits,
            state,
        }
    }

    /// The router of the metrics listener (see [`metrics`]), over this server's state.
    pub fn metrics_router(&self) -> Router {
        metrics::router(self.state.clone())
    }

    /// `shutdown`, then the live streams told to end (see [`AppState::is_stopping`]).
    async fn stopping(state: AppState, shutdown: impl Future<Output = ()> + Send + 'static) {
        shutdown.await;
        state.begin_stopping();
    }

    /// Serves over HTTPS until `shutdown` completes (see [`tls::server_config`]), then finishes
    /// the requests in flight.
    pub async fn run_tls(
        self,
        config: Arc<tokio_rustls::rustls::ServerConfig>,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        let acceptor = tokio_rustls::TlsAcceptor::from(config);
        let router = headers::hsts(self.router);
        let shutdown = Self::stopping(self.state, shutdown);
        serve::serve(self.listener, router, Some(acceptor), self.limits, shutdown).await
    }

    /// Serves until `shutdown` completes, then finishes the requests in flight.
    pub async fn run(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        let shutdown = Self::stopping(self.state, shutdown);
        serve::serve(self.listener, self.router, None, self.limits, shutdown).await
    }
}

#[cfg(test)]
mod tests {
    use super::loggable_path;

    #[test]
    fn logged_paths_hide_ticket_tokens() {
        assert_eq!(loggable_path("/t/ABCDEF234567/qr.png"), "/t/…/qr.png");
        assert_eq!(loggable_path("/t/ABCDEF234567"), "/t/…");
        assert_eq!(loggable_path("/events/demo"), "/events/demo");
        assert_eq!(loggable_path("/v/abcdefghijk234567abcde"), "/v/…");
    }
}

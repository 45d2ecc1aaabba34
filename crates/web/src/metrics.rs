//! What an operator's Prometheus scrapes: `GET /metrics` in the Prometheus text format, served on
//! a listener of its own (`metrics_bind`), never on the public address — the figures say how many
//! people registered and how the service fares, which is nobody else's business.
//!
//! Counters and the request histogram are this instance's (Prometheus sums instances); the
//! outbox's figures are read from the database at each scrape, so that every instance reports the
//! same queue.

use crate::AppState;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;
use std::time::Instant;

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    /// The route's template (`/api/v1/events/:slug/checkins`), never the path itself: one
    /// series a route, and no token or slug of anyone's in the figures.
    route: String,
    status: u16,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    route: String,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct OutcomeLabels {
    outcome: &'static str,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct StatusLabels {
    status: &'static str,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct LimitLabels {
    limit: &'static str,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct StateLabels {
    state: &'static str,
}

/// The bounds of the request-duration histogram, in seconds: a check-in takes a few
/// milliseconds, a report of thousands of rows a second or more, a request that times out 30.
const DURATION_BUCKETS: [f64; 14] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
];

fn duration_histogram() -> Histogram {
    Histogram::new(DURATION_BUCKETS)
}

/// The route label of a request that matched no route: unknown paths are one series, not one per
/// path a scanner tried.
const UNMATCHED: &str = "unmatched";

/// A route's template as a label: `/api/v1/events/:slug/checkins`. Braces inside a label value
/// are valid in the text format, but several of its parsers (and the eye, next to the label
/// set's own braces) stumble on them: the older `:name` spelling has none.
fn route_label(template: &str) -> String {
    template.replace('{', ":").replace('}', "")
}

/// The instance's figures.
pub struct Metrics {
    registry: Registry,
    http_requests: Family<RequestLabels, Counter>,
    http_duration: Family<RouteLabels, Histogram, fn() -> Histogram>,
    checkins: Family<OutcomeLabels, Counter>,
    registrations: Family<StatusLabels, Counter>,
    login_failures: Counter,
    rate_limited: Family<LimitLabels, Counter>,
    outbox: Family<StateLabels, Gauge>,
    pool: Family<StateLabels, Gauge>,
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Metrics")
    }
}

impl Default for Metrics {
    fn default() -> Self {
        let mut registry = Registry::with_prefix("guichet");
        let http_requests = Family::<RequestLabels, Counter>::default();
        registry.register(
            "http_requests",
            "HTTP requests answered, by route template and status",
            http_requests.clone(),
        );
        let http_duration =
            Family::<RouteLabels, Histogram, fn() -> Histogram>::new_with_constructor(
                duration_histogram,
            );
        registry.register(
            "http_request_duration_seconds",
            "Time to answer an HTTP request (to its first byte), by route template",
            http_duration.clone(),
        );
        let checkins = Family::<OutcomeLabels, Counter>::default();
        registry.register(
            "checkins",
            "Scans at the desk, by outcome (ok, already_checked_in, unknown…)",
            checkins.clone(),
        );
        let registrations = Family::<StatusLabels, Counter>::default();
        registry.register(
            "registrations",
            "Registrations received, by what became of them (confirmed, waitlisted, \
             already_registered)",
            registrations.clone(),
        );
        let login_failures = Counter::default();
        registry.register(
            "login_failures",
            "Staff sign-ins refused for a wrong email, password or second-factor code",
            login_failures.clone(),
        );
        let rate_limited = Family::<LimitLabels, Counter>::default();
        registry.register(
            "rate_limited",
            "Requests refused by an abuse limit, by limit",
            rate_limited.clone(),
        );
        let outbox = Family::<StateLabels, Gauge>::default();
        registry.register(
            "outbox_messages",
            "Participants' emails in the outbox, by state (read from the database: every \
             instance reports the same)",
            outbox.clone(),
        );
        let pool = Family::<StateLabels, Gauge>::default();
        registry.register(
            "db_pool_connections",
            "This instance's database connections, by state (idle, in_use)",
            pool.clone(),
        );
        Self {
            registry,
            http_requests,
            http_duration,
            checkins,
            registrations,
            login_failures,
            rate_limited,
            outbox,
            pool,
        }
    }
}

impl Metrics {
    /// A scan answered with `outcome` (`ok`, `already_checked_in`…).
    pub(crate) fn checkin(&self, outcome: &'static str) {
        self.checkins
            .get_or_create(&OutcomeLabels { outcome })
            .inc();
    }

    /// A registration received: `confirmed`, `waitlisted` or `already_registered`.
    pub(crate) fn registration(&self, status: &'static str) {
        self.registrations
            .get_or_create(&StatusLabels { status })
            .inc();
    }

    /// A sign-in refused for wrong credentials.
    pub(crate) fn login_failure(&self) {
        self.login_failures.inc();
    }

    /// A request refused by the limit named `limit`.
    pub(crate) fn rate_limited(&self, limit: &'static str) {
        self.rate_limited
            .get_or_create(&LimitLabels { limit })
            .inc();
    }

    fn request(&self, route: String, status: StatusCode, seconds: f64) {
        self.http_duration
            .get_or_create(&RouteLabels {
                route: route.clone(),
            })
            .observe(seconds);
        self.http_requests
            .get_or_create(&RequestLabels {
                route,
                status: status.as_u16(),
            })
            .inc();
    }

    /// The text a scrape gets, with the outbox and the pool read now.
    async fn render(&self, state: &AppState) -> Result<String, crate::Error> {
        let counts = state.db().outbox_counts().await?;
        for (name, value) in [("pending", counts.pending), ("failed", counts.failed)] {
            self.outbox
                .get_or_create(&StateLabels { state: name })
                .set(i64::try_from(value).unwrap_or(i64::MAX));
        }
        let pool = state.db().pool_connections();
        for (name, value) in [("idle", pool.idle), ("in_use", pool.in_use)] {
            self.pool
                .get_or_create(&StateLabels { state: name })
                .set(i64::from(value));
        }
        let mut text = String::new();
        prometheus_client::encoding::prometheus_text::encode(&mut text, &self.registry)
            .map_err(|e| crate::Error::Internal(Box::new(e)))?;
        Ok(text)
    }
}

/// Counts every request by its route's template and status, and times it. Outside everything
/// else, so that refusals (429, 401) and timeouts (503) count too.
pub(crate) async fn record(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| UNMATCHED.to_owned(), |path| route_label(path.as_str()));
    let span = tracing::Span::current();
    span.record("route", route.as_str());
    let started = Instant::now();
    let response = next.run(request).await;
    let elapsed = started.elapsed();
    let status = response.status();
    // The access log: one line a request, in the request's span (its id, method, path with any
    // ticket token masked, client address). No query string, no body.
    tracing::info!(
        status = status.as_u16(),
        duration_ms = elapsed.as_secs_f64() * 1000.0,
        "request answered"
    );
    state
        .metrics()
        .request(route, status, elapsed.as_secs_f64());
    response
}

/// The router of the metrics listener: `/metrics` and nothing else.
pub fn router(state: AppState) -> axum::Router {
    axum::Router::new()
        .route("/metrics", axum::routing::get(scrape))
        .with_state(state)
}

async fn scrape(State(state): State<AppState>) -> Response {
    match state.metrics().render(&state).await {
        Ok(text) => (
            [(
                header::CONTENT_TYPE,
                prometheus_client::encoding::prometheus_text::CONTENT_TYPE,
            )],
            text,
        )
            .into_response(),
        // A database away: the scrape fails, which Prometheus records as `up == 0`.
        Err(error) => error.into_response(),
    }
}

//! Liveness and readiness, for operators and load balancers.

use crate::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use std::time::Duration;

pub(crate) fn router() -> crate::routes::Listed {
    crate::routes::Listed::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
}

/// The process is up and serving.
async fn healthz() -> &'static str {
    "ok\n"
}

/// How long the database has to answer a readiness check: a load balancer asks every few
/// seconds and wants an answer, and a database that hangs is as unready as one that is down.
const READY_WITHIN: Duration = Duration::from_secs(2);

/// The process can do its work: its database answers, and it is not shutting down (a load
/// balancer then sends new requests elsewhere).
async fn readyz(State(state): State<AppState>) -> (StatusCode, &'static str) {
    if state.is_stopping() {
        return (StatusCode::SERVICE_UNAVAILABLE, "shutting down\n");
    }
    match tokio::time::timeout(READY_WITHIN, state.db().ping()).await {
        Ok(Ok(())) => (StatusCode::OK, "ready\n"),
        Ok(Err(error)) => {
            tracing::warn!(error = %error, "readiness check failed: database unreachable");
            (StatusCode::SERVICE_UNAVAILABLE, "database unreachable\n")
        }
        Err(_) => {
            tracing::warn!("readiness check failed: the database did not answer in time");
            (StatusCode::SERVICE_UNAVAILABLE, "database not answering\n")
        }
    }
}

//! Signing in, shared by the login page and `POST /api/v1/auth/login`.

use crate::auth::{new_token, token_hash};
use crate::{AppState, Error};
use chrono::{DateTime, TimeDelta, Utc};
use domain::{Lang, Role};
use i18n::t;
use persistence::SessionKind;

/// Failed logins counted over this window…
const THROTTLE_WINDOW: TimeDelta = TimeDelta::minutes(15);
/// …block the account after this many…
const MAX_FAILURES_PER_ACCOUNT: u64 = 5;
/// …and the network address after this many (a desk's shared Wi-Fi has several clerks).
const MAX_FAILURES_PER_ADDRESS: u64 = 30;

/// A session just opened.
#[derive(Debug)]
pub struct SignedIn {
    pub token: String,
    pub expires_at: DateTime<Utc>,
    pub role: Role,
}

/// How long sessions last: a browser for a working day; a device (a scanner phone signed in on
/// the first morning) for the whole of a conference week. Both end sooner at sign-out or revocation.
fn lifetime(kind: SessionKind) -> TimeDelta {
    match kind {
        SessionKind::Browser => TimeDelta::hours(12),
        SessionKind::Device => TimeDelta::days(7),
    }
}

/// Checks the credentials and opens a session. Every wrong email or password gets the same
/// answer, after the same work (an unknown email is checked against a decoy hash).
pub async fn sign_in(
    state: &AppState,
    email: &str,
    password: &str,
    address: &str,
    kind: SessionKind,
    lang: Lang,
) -> Result<SignedIn, Error> {
    let now = state.clock().now();
    let (by_account, by_address) = state
        .db()
        .login_failures_since(email, address, now - THROTTLE_WINDOW)
        .await?;
    if by_account >= MAX_FAILURES_PER_ACCOUNT || by_address >= MAX_FAILURES_PER_ADDRESS {
        return Err(Error::TooManyAttempts(t(lang, "login-throttled", &[])));
    }
    let credentials = state.db().staff_credentials(email).await?;
    let stored_hash = credentials.as_ref().map_or_else(
        || domain::staff::decoy_hash().to_owned(),
        |c| c.password_hash.clone(),
    );
    let attempt = password.to_owned();
    // ~20 ms of hashing: on a blocking thread, not on the async workers.
    let matches =
        tokio::task::spawn_blocking(move || domain::verify_password(&attempt, &stored_hash))
            .await
            .map_err(|e| Error::Internal(Box::new(e)))?;
    let member = match (credentials, matches) {
        (Some(c), true) => c.member,
        _ => {
            state.db().record_login_failure(email, address, now).await?;
            tracing::info!(address, "failed staff login");
            return Err(Error::LoginFailed(t(lang, "login-failed", &[])));
        }
    };
    let token = new_token()?;
    let csrf_token = match kind {
        SessionKind::Browser => Some(new_token()?),
        SessionKind::Device => None,
    };
    let expires_at = now + lifetime(kind);
    state
        .db()
        .create_session(
            member.id,
            &token_hash(&token),
            kind,
            csrf_token.as_deref(),
            now,
            expires_at,
        )
        .await?;
    tracing::info!(staff_id = member.id, role = %member.role, "staff signed in");
    Ok(SignedIn {
        token,
        expires_at,
        role: member.role,
    })
}

//! Signing in, shared by the login page and `POST /api/v1/auth/login`.

use crate::auth::{new_token, token_hash};
use crate::client::ClientAddr;
use crate::error::Throttled;
use crate::{AppState, Error};
use chrono::{DateTime, TimeDelta, Utc};
use domain::{Access, Lang, LoginLimits};
use i18n::t;
use persistence::{AttemptOutcome, NewSession, Reservation, SessionKind, StaffMember};

/// A session just opened.
#[derive(Debug)]
pub struct SignedIn {
    pub token: String,
    pub expires_at: DateTime<Utc>,
    /// What the member may reach, as it stands at sign-in.
    pub access: Access,
}

/// How long sessions last: a browser for a working day; a device (a scanner phone signed in on
/// the first morning) for the whole of a conference week. Both end sooner at sign-out or revocation.
fn lifetime(kind: SessionKind) -> TimeDelta {
    match kind {
        SessionKind::Browser => TimeDelta::hours(12),
        SessionKind::Device => TimeDelta::days(7),
    }
}

/// A sign-in: what the member typed, and where from.
#[derive(Debug, Clone, Copy)]
pub struct Attempt<'a> {
    pub email: &'a str,
    pub password: &'a str,
    pub client: ClientAddr,
    /// The `User-Agent` it came with, shown on the team page beside the session.
    pub user_agent: Option<&'a str>,
    pub kind: SessionKind,
    pub lang: Lang,
}

/// Checks the credentials and opens a session. Every wrong email or password, and a disabled
/// account, gets the same answer after the same work (an unknown email is checked against a
/// decoy hash).
pub async fn sign_in(state: &AppState, attempt: Attempt<'_>) -> Result<SignedIn, Error> {
    let Attempt {
        email,
        password,
        client,
        kind,
        lang,
        ..
    } = attempt;
    let member = verified_member(state, email, password, client, lang).await?;
    let now = state.clock().now();
    let token = new_token()?;
    let csrf_token = match kind {
        SessionKind::Browser => Some(new_token()?),
        SessionKind::Device => None,
    };
    let expires_at = now + lifetime(kind);
    state
        .db()
        .create_session(NewSession {
            staff_id: member.id,
            token_hash: &token_hash(&token),
            kind,
            csrf_token: csrf_token.as_deref(),
            now,
            expires_at,
            client_address: &client.to_string(),
            user_agent: attempt.user_agent,
        })
        .await?;
    tracing::info!(
        staff_id = member.id,
        standing = member.access.standing().as_str(),
        "staff signed in"
    );
    Ok(SignedIn {
        token,
        expires_at,
        access: member.access,
    })
}

/// The staff member these credentials are, or why not: a wrong email or password (401), too
/// many failed attempts (429), too many checks under way (503).
///
/// Throttled per (account, client address) and per client address ([`LoginLimits`]): the
/// attempt is reserved in the database before the password is verified, so concurrent attempts
/// count too, on every instance. The verification itself waits for no one: beyond
/// [`crate::Limits::password_checks`] under way, the answer is 503 at once.
async fn verified_member(
    state: &AppState,
    email: &str,
    password: &str,
    client: ClientAddr,
    lang: Lang,
) -> Result<StaffMember, Error> {
    // No account's address holds a control character (and PostgreSQL refuses a NUL in text):
    // the answer to a wrong address, before anything is reserved or verified.
    if domain::search_words(email).is_err() {
        return Err(Error::LoginFailed(t(lang, "login-failed", &[])));
    }
    let limits = LoginLimits::DEFAULT;
    let now = state.clock().now();
    let address = client.limit_key().to_string();
    let attempt = match state
        .db()
        .reserve_login_attempt(email, &address, &limits, now)
        .await?
    {
        Reservation::Granted(attempt) => attempt,
        Reservation::Refused { until } => {
            tracing::info!(%address, "staff login refused: too many failed attempts");
            return Err(throttled(lang, until, now));
        }
    };
    let checked = check_password(state, email, password, lang).await;
    let outcome = match &checked {
        Ok(Some(_)) => AttemptOutcome::Succeeded,
        Ok(None) => AttemptOutcome::Failed,
        Err(_) => AttemptOutcome::Abandoned,
    };
    let settled_at = state.clock().now();
    state
        .db()
        .settle_login_attempt(attempt, outcome, settled_at)
        .await?;
    // What no longer counts goes, on every attempt: the table holds a quarter of an hour.
    if let Err(error) = state.db().prune_login_attempts(&limits, settled_at).await {
        tracing::warn!(%error, "old login attempts could not be pruned");
    }
    let Some(member) = checked? else {
        tracing::info!(%address, "failed staff login");
        return Err(Error::LoginFailed(t(lang, "login-failed", &[])));
    };
    Ok(member)
}

/// The member whose email and password these are, or `None` (the same work either way). Runs
/// under [`crate::limits::PasswordChecks`]: 503 at once when all its places are taken.
async fn check_password(
    state: &AppState,
    email: &str,
    password: &str,
    lang: Lang,
) -> Result<Option<StaffMember>, Error> {
    let Some(permit) = state.password_checks().try_start() else {
        tracing::warn!("staff login refused: too many password checks under way");
        return Err(Error::Busy(Throttled {
            message: t(lang, "login-busy", &[]),
            retry_after: std::time::Duration::from_secs(1),
        }));
    };
    let credentials = state.db().staff_credentials(email).await?;
    let stored_hash = credentials.as_ref().map_or_else(
        || domain::staff::decoy_hash().to_owned(),
        |c| c.password_hash.clone(),
    );
    let attempt = password.to_owned();
    // ~20 ms and 19 MiB of hashing: on a blocking thread, not on the async workers, holding its
    // place until done.
    let matches = tokio::task::spawn_blocking(move || {
        let _place = permit;
        domain::verify_password(&attempt, &stored_hash)
    })
    .await
    .map_err(|e| Error::Internal(Box::new(e)))?;
    Ok(credentials
        .filter(|c| matches && !c.disabled)
        .map(|c| c.member))
}

/// The refusal of a throttled sign-in, with when the first counted attempt stops counting.
fn throttled(lang: Lang, until: DateTime<Utc>, now: DateTime<Utc>) -> Error {
    let wait = (until - now).max(TimeDelta::zero());
    let minutes = (wait.num_seconds() + 59) / 60;
    Error::TooManyAttempts(Throttled {
        message: t(
            lang,
            "login-throttled",
            &[("minutes", minutes.max(1).into())],
        ),
        retry_after: wait.to_std().unwrap_or_default(),
    })
}

/// The `User-Agent` a request came with, if it is text.
pub fn user_agent(headers: &axum::http::HeaderMap) -> Option<&str> {
    headers
        .get(axum::http::header::USER_AGENT)
        .and_then(|value| value.to_str().ok())
}

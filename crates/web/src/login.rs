//! Signing in, shared by the login page and `POST /api/v1/auth/login`.

use crate::auth::{new_token, token_hash};
use crate::client::ClientAddr;
use crate::error::Throttled;
use crate::{AppState, Error};
use chrono::{DateTime, TimeDelta, Utc};
use domain::{Access, Lang, LoginLimits, SecondFactor, TotpSecret};
use i18n::t;
use persistence::{
    AttemptOutcome, NewSession, Reservation, SessionKind, StaffCredentials, StaffMember,
};

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

/// A sign-in: what the member typed, and where from. Its `Debug` shows neither password nor
/// code.
#[derive(Clone, Copy)]
pub struct Attempt<'a> {
    pub email: &'a str,
    pub password: &'a str,
    /// The second factor, for an account that has one: a six-digit code or a recovery code.
    pub otp: Option<&'a str>,
    pub client: ClientAddr,
    /// The `User-Agent` it came with, shown on the team page beside the session.
    pub user_agent: Option<&'a str>,
    pub kind: SessionKind,
    pub lang: Lang,
}

impl std::fmt::Debug for Attempt<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Attempt")
            .field("email", &self.email)
            .field("client", &self.client)
            .field("kind", &self.kind)
            .finish_non_exhaustive()
    }
}

/// How a sign-in ended well: a session, or (the password right, no code given yet) the member
/// whose code is awaited.
#[derive(Debug)]
pub enum SignInOutcome {
    SignedIn(SignedIn),
    CodeNeeded(StaffMember),
}

/// A browser signs in with its code within this long of its password.
const CHALLENGE_LIFETIME: TimeDelta = TimeDelta::minutes(5);

/// What the password (and code) showed.
enum Verified {
    /// Signed in; with a second factor or not.
    Member(StaffMember, bool),
    CodeNeeded(StaffMember),
}

/// Checks the credentials and opens a session. Every wrong email or password, and a disabled
/// account, gets the same answer after the same work (an unknown email is checked against a
/// decoy hash). An account with a second factor also needs its code: without one the outcome
/// is [`SignInOutcome::CodeNeeded`], and a wrong one counts as a failed attempt.
pub async fn sign_in(state: &AppState, attempt: Attempt<'_>) -> Result<SignInOutcome, Error> {
    let Attempt {
        email,
        client,
        lang,
        ..
    } = attempt;
    // No account's address holds a control character (and PostgreSQL refuses a NUL in text):
    // the answer to a wrong address, before anything is reserved or verified.
    if domain::search_words(email).is_err() {
        return Err(Error::LoginFailed(t(lang, "login-failed", &[])));
    }
    let verified = throttled(state, email, client, lang, async {
        let Some(credentials) = check_password(state, email, attempt.password, lang).await? else {
            let wrong = Error::LoginFailed(t(lang, "login-failed", &[]));
            return Ok((AttemptOutcome::Failed, Err(wrong)));
        };
        let member = credentials.member;
        Ok(match (credentials.totp_secret, attempt.otp) {
            (None, _) => (
                AttemptOutcome::Succeeded,
                Ok(Verified::Member(member, false)),
            ),
            // The password is right and the code is still to come: no failure.
            (Some(_), None) => (AttemptOutcome::Abandoned, Ok(Verified::CodeNeeded(member))),
            (Some(secret), Some(code)) => {
                match second_factor(state, member.id, &secret, code, lang).await? {
                    Ok(()) => (
                        AttemptOutcome::Succeeded,
                        Ok(Verified::Member(member, true)),
                    ),
                    Err(wrong) => (AttemptOutcome::CodeFailed, Err(wrong)),
                }
            }
        })
    })
    .await?;
    match verified {
        Verified::Member(member, second_factor) => {
            let kind = attempt.kind;
            let signed_in = open_session(
                state,
                member,
                client,
                attempt.user_agent,
                kind,
                second_factor,
            );
            Ok(SignInOutcome::SignedIn(signed_in.await?))
        }
        Verified::CodeNeeded(member) => Ok(SignInOutcome::CodeNeeded(member)),
    }
}

/// Opens the challenge a browser holds between its password and its code; returns the token
/// for its cookie.
pub async fn open_challenge(state: &AppState, member: &StaffMember) -> Result<String, Error> {
    let token = new_token()?;
    let now = state.clock().now();
    state
        .db()
        .create_login_challenge(
            member.id,
            &token_hash(&token),
            now,
            now + CHALLENGE_LIFETIME,
        )
        .await?;
    Ok(token)
}

/// The second step of a browser's sign-in: the code, for the challenge whose token its cookie
/// holds. Throttled as the password is, under the account's address.
pub async fn sign_in_with_code(
    state: &AppState,
    challenge: &str,
    code: &str,
    client: ClientAddr,
    user_agent: Option<&str>,
    lang: Lang,
) -> Result<SignedIn, Error> {
    let expired = || Error::OtpFailed(t(lang, "login-code-expired", &[]));
    let now = state.clock().now();
    let hash = token_hash(challenge);
    let staff_id = state
        .db()
        .login_challenge(&hash, now)
        .await?
        .ok_or_else(expired)?;
    let Some((email, Some(secret))) = state.db().totp_of(staff_id).await? else {
        return Err(expired());
    };
    // The challenge is closed while its code is checked: the same form sent twice at once is
    // checked once (and spends one recovery code at most). A wrong code opens it again.
    if !state.db().close_login_challenge(&hash, now).await? {
        return Err(expired());
    }
    let checked = throttled(state, &email, client, lang, async {
        let credentials = state.db().staff_credentials(&email).await?;
        let Some(credentials) = credentials.filter(|c| !c.disabled) else {
            return Ok((AttemptOutcome::Abandoned, Err(expired())));
        };
        Ok(
            match second_factor(state, staff_id, &secret, code, lang).await? {
                Ok(()) => (AttemptOutcome::Succeeded, Ok(credentials.member)),
                Err(wrong) => (AttemptOutcome::CodeFailed, Err(wrong)),
            },
        )
    })
    .await;
    let member = match checked {
        Ok(member) => member,
        Err(error) => {
            state.db().reopen_login_challenge(&hash, now).await?;
            return Err(error);
        }
    };
    open_session(
        state,
        member,
        client,
        user_agent,
        SessionKind::Browser,
        true,
    )
    .await
}

/// Checks that `password` is signed-in member `email`'s own (before it is changed), throttled
/// as a sign-in is: a stolen session cannot guess the password faster than the sign-in form.
pub async fn check_own_password(
    state: &AppState,
    email: &str,
    password: &str,
    client: ClientAddr,
    lang: Lang,
) -> Result<(), Error> {
    throttled(state, email, client, lang, async {
        Ok(match check_password(state, email, password, lang).await? {
            Some(_) => (AttemptOutcome::Succeeded, Ok(())),
            None => (
                AttemptOutcome::Failed,
                Err(Error::LoginFailed(t(lang, "account-password-wrong", &[]))),
            ),
        })
    })
    .await
}

/// Whether `code` is signed-in member `staff_id`'s second factor now (then used), for changing
/// it: a TOTP code of a step not accepted before, or an unused recovery code.
pub async fn check_own_code(
    state: &AppState,
    staff_id: i32,
    code: &str,
    lang: Lang,
) -> Result<bool, Error> {
    let Some((_, Some(secret))) = state.db().totp_of(staff_id).await? else {
        return Ok(false);
    };
    Ok(second_factor(state, staff_id, &secret, code, lang)
        .await?
        .is_ok())
}

/// Opens a session for `member`.
async fn open_session(
    state: &AppState,
    member: StaffMember,
    client: ClientAddr,
    user_agent: Option<&str>,
    kind: SessionKind,
    second_factor: bool,
) -> Result<SignedIn, Error> {
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
            user_agent,
            second_factor,
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

/// Whether `code` is staff member `staff_id`'s second factor now: a TOTP code of a step not
/// accepted before, or an unused recovery code (then used). `Ok(Err(_))`: it is not.
async fn second_factor(
    state: &AppState,
    staff_id: i32,
    secret: &str,
    code: &str,
    lang: Lang,
) -> Result<Result<(), Error>, Error> {
    let wrong = || Error::OtpFailed(t(lang, "login-code-wrong", &[]));
    let Ok(factor) = SecondFactor::parse(code) else {
        return Ok(Err(wrong()));
    };
    let secret = TotpSecret::from_base32(secret).ok_or_else(|| {
        Error::Internal(format!("staff {staff_id}: unreadable TOTP secret").into())
    })?;
    let now = state.clock().now();
    let accepted = match factor {
        SecondFactor::Totp(code) => match secret.step_of(&code, now) {
            Some(step) => state.db().claim_totp_step(staff_id, step).await?,
            None => false,
        },
        SecondFactor::Recovery(code) => {
            let hash = domain::second_factor::recovery_code_hash(&code);
            state.db().use_recovery_code(staff_id, &hash, now).await?
        }
    };
    Ok(if accepted { Ok(()) } else { Err(wrong()) })
}

/// Runs `check` as one sign-in attempt for `email` from `client`, throttled per (account,
/// client address) and per client address ([`LoginLimits`]): the attempt is reserved in the
/// database before anything is verified, so concurrent attempts count too, on every instance.
/// `check` says how the attempt counts (a failure goes on counting for the window) and what to
/// answer; an error of its own (the database away) abandons the attempt.
async fn throttled<T>(
    state: &AppState,
    email: &str,
    client: ClientAddr,
    lang: Lang,
    check: impl std::future::Future<Output = Result<(AttemptOutcome, Result<T, Error>), Error>>,
) -> Result<T, Error> {
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
            state.metrics().rate_limited("logins");
            return Err(refused(lang, until, now));
        }
    };
    let checked = check.await;
    let outcome = match &checked {
        Ok((outcome, _)) => *outcome,
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
    let (outcome, answer) = checked?;
    if matches!(outcome, AttemptOutcome::Failed | AttemptOutcome::CodeFailed) {
        state.metrics().login_failure();
        tracing::info!(%address, "failed staff login");
    }
    answer
}

/// The account whose email and password these are, or `None` (the same work either way; a
/// disabled account is `None` too). Runs under [`crate::limits::PasswordChecks`]: 503 at once
/// when all its places are taken.
async fn check_password(
    state: &AppState,
    email: &str,
    password: &str,
    lang: Lang,
) -> Result<Option<StaffCredentials>, Error> {
    let Some(permit) = state.password_checks().try_start() else {
        tracing::warn!("staff login refused: too many password checks under way");
        state.metrics().rate_limited("password_checks");
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
    Ok(credentials.filter(|c| matches && !c.disabled))
}

/// The refusal of a throttled sign-in, with when the first counted attempt stops counting.
fn refused(lang: Lang, until: DateTime<Utc>, now: DateTime<Utc>) -> Error {
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

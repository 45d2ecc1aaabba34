//! Staff authentication: a session cookie for browsers (with a CSRF token for everything it sends
//! that changes state) and bearer tokens for devices. Tokens are random, shown once, and stored
//! only as SHA-256 hashes; passwords are argon2id, checked on a blocking thread.

use crate::AppState;
use crate::client::ClientAddr;
use crate::error::Error;
use axum::extract::{FromRef, FromRequestParts};
use axum::http::header;
use axum::http::request::Parts;
use axum_extra::extract::CookieJar;
use data_encoding::{BASE64URL_NOPAD, HEXLOWER};
use persistence::{Session, SessionKind, StaffMember, StoredEvent};
use sha2::{Digest, Sha256};

/// How often a session's last use is written: a desk scanning every second writes one row a
/// minute, not one a scan, and an idle end is exact to the minute.
const TOUCH_EVERY: chrono::TimeDelta = chrono::TimeDelta::minutes(1);

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "guichet_session";

/// A marker beside the session cookie, readable by the desk's script: `1` while this browser is
/// signed in, gone once it signs out (from any page) or the session's time is up. It grants
/// nothing (the session cookie does); it tells a desk page the service worker served from the
/// device's cache, with no network to ask guichet, that the list of participants it keeps is no
/// longer for this browser, so that it drops it (desk.js, `start`).
pub const SIGNED_IN_COOKIE: &str = "guichet_signed_in";

/// A new random token (256 bits, URL-safe base64).
pub fn new_token() -> Result<String, Error> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes)
        .map_err(|e| Error::Internal(format!("no randomness: {e}").into()))?;
    Ok(BASE64URL_NOPAD.encode(&bytes))
}

/// What is stored of a token.
pub fn token_hash(token: &str) -> String {
    HEXLOWER.encode(&Sha256::digest(token.as_bytes()))
}

/// A signed-in staff member, from a bearer token or the session cookie. Rejects with 401. A
/// request that changes state must also come from this site and, with the cookie, carry the
/// session's CSRF token, or it is refused with 403 ([`crate::csrf::check_staff`]): this extractor
/// is the only way to be authenticated by the cookie, so no route can skip the check. Read once
/// per request: later extractors find it in the request's extensions.
#[derive(Debug, Clone)]
pub struct Staff {
    pub member: StaffMember,
    pub session: Session,
    /// The token the request authenticated with, for logout.
    pub token: String,
}

impl Staff {
    /// Whether this staff member organises `event` (an admin organises every event): the one
    /// place the web edge asks, with [`Staff::works_desk_of`]. The grants are the ones read with
    /// the session for this request.
    pub fn organises(&self, event: &StoredEvent) -> bool {
        self.member.access.organises(event.event.slug.as_str())
    }

    /// Whether this request may do an organiser's work at `event`: the member organises it and,
    /// if the event requires it of its organisers, this session was opened with a second
    /// factor (a session opened with the password alone does not become one by enrolling
    /// elsewhere).
    pub fn may_organise(&self, event: &StoredEvent) -> bool {
        self.organises(event) && (!event.organisers_need_totp || self.session.second_factor)
    }

    /// Whether this staff member may work the desk of the event whose slug is `slug`.
    pub fn works_desk_of(&self, slug: &str) -> bool {
        self.member.access.works_desk_of(slug)
    }

    /// Refuses staff who may not work the desk of event `slug`: 403, before the event is even
    /// looked up, so that nobody learns which events exist that they hold no grant for.
    pub fn require_desk_of(&self, slug: &str) -> Result<(), Error> {
        if self.works_desk_of(slug) {
            Ok(())
        } else {
            Err(Error::Forbidden)
        }
    }

    /// Refuses staff who do not organise event `slug`: 403, before the event is looked up.
    pub fn require_organiser_of(&self, slug: &str) -> Result<(), Error> {
        if self.member.access.organises(slug) {
            Ok(())
        } else {
            Err(Error::Forbidden)
        }
    }

    /// Refuses staff who organise no event: 403.
    pub fn require_organiser(&self) -> Result<(), Error> {
        if self.member.access.organises_some_event() {
            Ok(())
        } else {
            Err(Error::Forbidden)
        }
    }

    /// The CSRF token pages embed in their forms and scripts.
    pub fn csrf_token(&self) -> &str {
        self.session.csrf_token.as_deref().unwrap_or_default()
    }
}

/// The session token a request carries: `Authorization: Bearer …`, else the cookie.
fn presented_token(parts: &Parts) -> Option<(String, bool)> {
    if let Some(value) = parts
        .headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
    {
        let token = value.strip_prefix("Bearer ").unwrap_or_default().trim();
        return (!token.is_empty()).then(|| (token.to_owned(), true));
    }
    let jar = CookieJar::from_headers(&parts.headers);
    jar.get(SESSION_COOKIE)
        .map(|c| (c.value().to_owned(), false))
}

impl<S> FromRequestParts<S> for Staff
where
    S: Send + Sync,
    AppState: FromRef<S>,
{
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        if let Some(staff) = parts.extensions.get::<Staff>() {
            return Ok(staff.clone());
        }
        let state = AppState::from_ref(state);
        let (token, bearer) = presented_token(parts).ok_or(Error::Unauthorized)?;
        let now = state.clock().now();
        let session = state
            .db()
            .session(&token_hash(&token), now, state.idle())
            .await?
            .ok_or(Error::Unauthorized)?;
        // A bearer token must be a device token, a cookie a browser session: a stolen cookie value
        // cannot be replayed as a bearer token to skip the CSRF check.
        if bearer != (session.kind == SessionKind::Device) {
            return Err(Error::Unauthorized);
        }
        let staff = Staff {
            member: session.staff.clone(),
            session,
            token,
        };
        if crate::csrf::changes_state(&parts.method) {
            crate::csrf::check_staff(parts, &staff.session)?;
        }
        if now - staff.session.last_used_at >= TOUCH_EVERY {
            // Served without the peer's address only in a wiring mistake: then none is kept.
            let client = parts
                .extensions
                .get::<ClientAddr>()
                .map_or_else(String::new, ToString::to_string);
            // Only what the team page shows: a failed write costs the request nothing.
            if let Err(error) = state
                .db()
                .touch_session(staff.session.id, now, &client)
                .await
            {
                tracing::warn!(%error, "a session's last use could not be recorded");
            }
        }
        parts.extensions.insert(staff.clone());
        Ok(staff)
    }
}

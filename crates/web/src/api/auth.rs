//! `POST /api/v1/auth/login`: a bearer token for a device (a phone at the desk, a script).

use crate::AppState;
use crate::client::ClientAddr;
use crate::error::Error;
use crate::extract::ApiJson;
use crate::lang::RequestLang;
use crate::login::{Attempt, SignInOutcome, sign_in, user_agent};
use axum::Json;
use axum::extract::State;
use axum::http::HeaderMap;
use chrono::{DateTime, Utc};
use persistence::SessionKind;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

// Its `Debug` (below) shows neither password nor code.
#[derive(Deserialize, ToSchema)]
pub struct LoginRequest {
    #[schema(example = "desk1@example.org")]
    email: String,
    password: String,
    /// The second factor, for an account that has one: the six-digit code from the app, or one
    /// of the recovery codes. Without it such an account is answered 401 `otp_required`.
    #[schema(example = "123456")]
    otp: Option<String>,
}

impl std::fmt::Debug for LoginRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoginRequest")
            .field("email", &self.email)
            .finish_non_exhaustive()
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LoginResponse {
    /// Send as `Authorization: Bearer <token>`. Shown once; guichet keeps only its hash.
    token: String,
    expires_at: DateTime<Utc>,
    /// `admin` (every event), else the highest role of the member's events (`organiser` or
    /// `desk`), or `none` when they hold no grant yet.
    #[schema(example = "desk")]
    role: String,
    /// The events the member may reach, with their role at each (`organiser` everywhere for an
    /// admin).
    events: Vec<EventGrant>,
}

/// An event a staff member may reach.
#[derive(Debug, Serialize, ToSchema)]
pub struct EventGrant {
    #[schema(example = "idm-2008-migration-de-retour")]
    slug: String,
    /// `organiser` or `desk`.
    #[schema(example = "desk")]
    role: String,
}

/// Sign in a staff member and get a device token.
#[utoipa::path(
    post,
    path = "/api/v1/auth/login",
    tag = "staff",
    request_body = LoginRequest,
    responses(
        (status = OK, description = "Signed in", body = LoginResponse),
        (status = UNAUTHORIZED, description = "Wrong email or password (the same answer for both, `invalid_credentials`); the account needs its second factor (`otp_required`: send `otp`); or the code is wrong or was used already (`otp_invalid`)"),
        (status = TOO_MANY_REQUESTS, description = "Too many failed attempts for this account from this address, or from this address (see Retry-After)"),
        (status = SERVICE_UNAVAILABLE, description = "Too many password checks under way: try again in a moment (see Retry-After)"),
        (status = UNPROCESSABLE_ENTITY, description = "The body is not the expected JSON"),
    )
)]
pub async fn login(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    client: ClientAddr,
    headers: HeaderMap,
    ApiJson(request): ApiJson<LoginRequest>,
) -> Result<Json<LoginResponse>, Error> {
    let attempt = Attempt {
        email: &request.email,
        password: &request.password,
        otp: request.otp.as_deref(),
        client,
        user_agent: user_agent(&headers),
        kind: SessionKind::Device,
        lang,
    };
    let signed_in = match sign_in(&state, attempt).await? {
        SignInOutcome::SignedIn(signed_in) => signed_in,
        SignInOutcome::CodeNeeded(_) => {
            return Err(Error::OtpRequired(i18n::t(lang, "login-code-needed", &[])));
        }
    };
    let access = &signed_in.access;
    let events = state
        .db()
        .events_of(access)
        .await?
        .into_iter()
        .filter_map(|event| {
            let role = access.role_at(event.slug.as_str())?;
            Some(EventGrant {
                slug: event.slug.to_string(),
                role: role.as_str().to_owned(),
            })
        })
        .collect();
    Ok(Json(LoginResponse {
        token: signed_in.token,
        expires_at: signed_in.expires_at,
        role: access.standing().as_str().to_owned(),
        events,
    }))
}

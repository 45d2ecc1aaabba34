//! The signed-in member's own account page: two-factor sign-in (enrol with a QR code and a
//! code from the app, then ten recovery codes shown once) and a new password, which ends the
//! member's other sessions. Every staff member has one, whatever their role.

use crate::AppState;
use crate::auth::Staff;
use crate::client::ClientAddr;
use crate::error::Error;
use crate::extract::CsrfForm;
use crate::lang::RequestLang;
use crate::login::{check_own_code, check_own_password};
use crate::templates::languages;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use domain::second_factor::{RECOVERY_CODES, recovery_code, recovery_code_hash};
use domain::{Lang, Password, SecondFactor, TotpSecret};
use i18n::t;
use minijinja::context;
use persistence::ByWhom;
use serde::Deserialize;

const PATH: &str = "/staff/account";

pub(crate) fn router() -> crate::routes::Listed {
    crate::routes::Listed::new()
        .route(PATH, get(account_page))
        .route("/staff/account/totp", post(start_totp))
        .route("/staff/account/totp.png", get(totp_qr))
        .route("/staff/account/totp/confirm", post(confirm_totp))
        .route("/staff/account/password", post(change_password))
}

/// What the page says besides its standing parts.
#[derive(Debug, Default)]
struct Notice {
    /// The recovery codes just made, shown this once.
    recovery_codes: Vec<String>,
    error: Option<String>,
    done: Option<String>,
}

async fn render(
    state: &AppState,
    lang: Lang,
    staff: &Staff,
    notice: Notice,
    status: StatusCode,
) -> Result<Response, Error> {
    let member = &staff.member;
    let pending = state.db().pending_totp(member.id).await?;
    let codes_left = if member.second_factor {
        state.db().recovery_codes_left(member.id).await?
    } else {
        0
    };
    let pending_secret = pending
        .as_deref()
        .and_then(TotpSecret::from_base32)
        .map(|secret| secret.to_base32());
    let html = state.templates().render(
        "account.html",
        context! {
            lang => lang.code(),
            languages => languages(PATH, lang),
            email => member.email.as_str(),
            csrf => staff.csrf_token(),
            second_factor => member.second_factor,
            codes_left => codes_left,
            pending_secret => pending_secret,
            recovery_codes => notice.recovery_codes,
            error => notice.error,
            done => notice.done,
        },
    )?;
    Ok((status, Html(html)).into_response())
}

/// Why `password` is refused as member `email`'s current one (wrong: 422; too many tries: 429
/// or 503), or `None` when it is theirs.
async fn password_refused(
    state: &AppState,
    email: &str,
    password: &str,
    client: ClientAddr,
    lang: Lang,
) -> Result<Option<(String, StatusCode)>, Error> {
    match check_own_password(state, email, password, client, lang).await {
        Ok(()) => Ok(None),
        Err(Error::LoginFailed(message)) => Ok(Some((message, StatusCode::UNPROCESSABLE_ENTITY))),
        Err(error) => match error.throttled() {
            Some(throttled) => Ok(Some((throttled.message.clone(), error.status()))),
            None => Err(error),
        },
    }
}

async fn account_page(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    staff: Result<Staff, Error>,
) -> Result<Response, Error> {
    let staff = match super::page_staff(staff, PATH) {
        Ok(staff) => staff,
        Err(response) => return Ok(response),
    };
    render(&state, lang, &staff, Notice::default(), StatusCode::OK).await
}

// No `Debug` for the forms that hold a password or a code.
#[derive(Deserialize)]
struct StartForm {
    #[serde(default)]
    current: String,
    /// The code of the second factor already on, to replace it.
    #[serde(default)]
    code: String,
}

/// Begins enrolment: a new secret, shown (as a QR code and as text) until a code confirms it.
/// It takes the current password, and to replace a second factor already on, a code of it: a
/// session left open on a desk laptop cannot take the account's second factor for itself. A
/// second factor already on stays on until the new one is confirmed.
async fn start_totp(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    client: ClientAddr,
    staff: Staff,
    CsrfForm(form): CsrfForm<StartForm>,
) -> Result<Response, Error> {
    let email = staff.member.email.clone();
    let refuse = async |message: String, status: StatusCode| {
        let notice = Notice {
            error: Some(message),
            ..Notice::default()
        };
        render(&state, lang, &staff, notice, status).await
    };
    if let Some((message, status)) =
        password_refused(&state, &email, &form.current, client, lang).await?
    {
        return refuse(message, status).await;
    }
    if staff.member.second_factor
        && !check_own_code(&state, staff.member.id, &form.code, lang).await?
    {
        let message = t(lang, "account-totp-current-code", &[]);
        return refuse(message, StatusCode::UNPROCESSABLE_ENTITY).await;
    }
    let mut bytes = [0u8; 20];
    getrandom::fill(&mut bytes)
        .map_err(|e| Error::Internal(format!("no randomness: {e}").into()))?;
    let secret = TotpSecret::from_random(bytes);
    state
        .db()
        .set_pending_totp(staff.member.id, &secret.to_base32())
        .await?;
    Ok(Redirect::to(PATH).into_response())
}

/// The QR code of the secret being enrolled (its `otpauth://` URI), for the app to read.
async fn totp_qr(State(state): State<AppState>, staff: Staff) -> Result<Response, Error> {
    let secret = state
        .db()
        .pending_totp(staff.member.id)
        .await?
        .as_deref()
        .and_then(TotpSecret::from_base32)
        .ok_or(Error::NotFound)?;
    let png = mailer::qr::png(&secret.uri(&staff.member.email))
        .map_err(|e| Error::Internal(Box::new(e)))?;
    // `no-store`, as every staff answer: the picture is the secret.
    Ok(([(header::CONTENT_TYPE, "image/png")], png).into_response())
}

#[derive(Deserialize)]
struct CodeForm {
    #[serde(default)]
    code: String,
}

/// Confirms enrolment with a code of the new secret; the recovery codes are shown once.
async fn confirm_totp(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    client: ClientAddr,
    staff: Staff,
    CsrfForm(form): CsrfForm<CodeForm>,
) -> Result<Response, Error> {
    let Some(secret) = state
        .db()
        .pending_totp(staff.member.id)
        .await?
        .as_deref()
        .and_then(TotpSecret::from_base32)
    else {
        return Ok(Redirect::to(PATH).into_response());
    };
    let now = state.clock().now();
    let step = match SecondFactor::parse(&form.code) {
        Ok(SecondFactor::Totp(code)) => secret.step_of(&code, now),
        _ => None,
    };
    let Some(step) = step else {
        let notice = Notice {
            error: Some(t(lang, "account-totp-wrong", &[])),
            ..Notice::default()
        };
        return render(
            &state,
            lang,
            &staff,
            notice,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    let mut codes = Vec::with_capacity(RECOVERY_CODES);
    for _ in 0..RECOVERY_CODES {
        let mut bytes = [0u8; 7];
        getrandom::fill(&mut bytes)
            .map_err(|e| Error::Internal(format!("no randomness: {e}").into()))?;
        codes.push(recovery_code(bytes));
    }
    let hashes: Vec<String> = codes
        .iter()
        .map(|code| recovery_code_hash(&code.replace('-', "")))
        .collect();
    let by = ByWhom::staff(staff.member.id, client.to_string());
    state
        .db()
        .enrol_totp(
            staff.member.id,
            &secret.to_base32(),
            Some(step),
            &hashes,
            Some(staff.session.id),
            now,
            &by,
        )
        .await?;
    // The member as they now stand: with a second factor.
    let mut staff = staff;
    staff.member.second_factor = true;
    let notice = Notice {
        recovery_codes: codes,
        done: Some(t(lang, "account-totp-on", &[])),
        ..Notice::default()
    };
    render(&state, lang, &staff, notice, StatusCode::OK).await
}

#[derive(Deserialize)]
struct PasswordForm {
    #[serde(default)]
    current: String,
    #[serde(default)]
    new: String,
}

/// A new password, after the current one: the member's other sessions end.
async fn change_password(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    client: ClientAddr,
    staff: Staff,
    CsrfForm(form): CsrfForm<PasswordForm>,
) -> Result<Response, Error> {
    let refuse = async |message: String, status: StatusCode| {
        let notice = Notice {
            error: Some(message),
            ..Notice::default()
        };
        render(&state, lang, &staff, notice, status).await
    };
    let password = match Password::new(&form.new) {
        Ok(password) => password,
        Err(_) => {
            let message = t(
                lang,
                "account-password-length",
                &[("min", Password::MIN.into()), ("max", Password::MAX.into())],
            );
            return refuse(message, StatusCode::UNPROCESSABLE_ENTITY).await;
        }
    };
    let email = staff.member.email.clone();
    if let Some((message, status)) =
        password_refused(&state, &email, &form.current, client, lang).await?
    {
        return refuse(message, status).await;
    }
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt)
        .map_err(|e| Error::Internal(format!("no randomness: {e}").into()))?;
    let hash = tokio::task::spawn_blocking(move || password.hash(&salt))
        .await
        .map_err(|e| Error::Internal(Box::new(e)))?
        .map_err(|e| Error::Internal(Box::new(e)))?;
    let by = ByWhom::staff(staff.member.id, client.to_string());
    let now = state.clock().now();
    state
        .db()
        .set_password(staff.member.id, &hash, Some(staff.session.id), now, &by)
        .await?;
    let notice = Notice {
        done: Some(t(lang, "account-password-changed", &[])),
        ..Notice::default()
    };
    render(&state, lang, &staff, notice, StatusCode::OK).await
}

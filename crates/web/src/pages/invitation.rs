//! An invitation's link (`/invitations/{token}`): the invited person chooses a password, which
//! creates their account with the role at the event, once, within 48 hours. They are not
//! signed in yet, so the form carries a visitor's CSRF token as the sign-in form does
//! (`csrf::visitor_form_token`, its cookie for `/invitations` only).

use crate::AppState;
use crate::client::ClientAddr;
use crate::csrf::{LoginCheck, visitor_form_token};
use crate::error::Error;
use crate::lang::RequestLang;
use crate::templates::languages;
use axum::extract::{Form, Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum_extra::extract::CookieJar;
use domain::{InvitationToken, Lang, Password};
use i18n::t;
use minijinja::context;
use persistence::Invitation;
use serde::Deserialize;

pub(crate) fn router() -> crate::routes::Listed {
    crate::routes::Listed::new().route("/invitations/{token}", get(invitation_page).post(accept))
}

/// The invitation a link names, if the link is this key's and the invitation still open.
async fn open_invitation(state: &AppState, token: &str) -> Result<Option<Invitation>, Error> {
    let Some((id, tag)) = InvitationToken::parse(token) else {
        return Ok(None);
    };
    let Some(invitation) = state.db().invitation(id).await? else {
        return Ok(None);
    };
    let genuine = state
        .ticket_key()
        .verify_invitation(id, &invitation.nonce, &tag);
    let open = !invitation.used && invitation.expires_at > state.clock().now();
    Ok((genuine && open).then_some(invitation))
}

/// What the page shows.
enum View<'a> {
    Form(&'a Invitation, Option<String>),
    Invalid,
    Done,
}

async fn render(
    state: &AppState,
    lang: Lang,
    jar: CookieJar,
    token: &str,
    page: View<'_>,
    status: StatusCode,
) -> Result<Response, Error> {
    let secure = super::staff::secure_cookies(state);
    let (jar, csrf) = visitor_form_token(jar, secure, "/invitations")?;
    let path = format!("/invitations/{token}");
    let (mode, email, event, role, error) = match page {
        View::Form(invitation, error) => {
            let event = state
                .db()
                .event_by_id(invitation.event_id)
                .await?
                .map(|stored| stored.event.title.clone())
                .unwrap_or_default();
            let role = t(
                lang,
                &format!("team-role-{}", invitation.role.as_str()),
                &[],
            );
            ("form", invitation.email.clone(), event, role, error)
        }
        View::Invalid => ("invalid", String::new(), String::new(), String::new(), None),
        View::Done => ("done", String::new(), String::new(), String::new(), None),
    };
    let html = state.templates().render(
        "invitation.html",
        context! {
            lang => lang.code(),
            languages => languages(&path, lang),
            mode => mode,
            action => path,
            email => email,
            event => event,
            role => role,
            error => error,
            csrf => csrf,
        },
    )?;
    Ok((status, jar, Html(html)).into_response())
}

async fn invitation_page(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    jar: CookieJar,
    Path(token): Path<String>,
) -> Result<Response, Error> {
    match open_invitation(&state, &token).await? {
        Some(invitation) => {
            let view = View::Form(&invitation, None);
            render(&state, lang, jar, &token, view, StatusCode::OK).await
        }
        None => {
            render(
                &state,
                lang,
                jar,
                &token,
                View::Invalid,
                StatusCode::NOT_FOUND,
            )
            .await
        }
    }
}

// No `Debug`: it holds a password.
#[derive(Deserialize)]
struct AcceptForm {
    #[serde(default)]
    password: String,
}

async fn accept(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    client: ClientAddr,
    jar: CookieJar,
    check: LoginCheck,
    Path(token): Path<String>,
    Form(form): Form<AcceptForm>,
) -> Result<Response, Error> {
    let Some(invitation) = open_invitation(&state, &token).await? else {
        return render(
            &state,
            lang,
            jar,
            &token,
            View::Invalid,
            StatusCode::NOT_FOUND,
        )
        .await;
    };
    if !check.genuine {
        let message = Some(t(lang, "login-form-expired", &[]));
        let view = View::Form(&invitation, message);
        return render(&state, lang, jar, &token, view, StatusCode::FORBIDDEN).await;
    }
    let Ok(password) = Password::new(&form.password) else {
        let message = t(
            lang,
            "account-password-length",
            &[("min", Password::MIN.into()), ("max", Password::MAX.into())],
        );
        let view = View::Form(&invitation, Some(message));
        return render(
            &state,
            lang,
            jar,
            &token,
            view,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt)
        .map_err(|e| Error::Internal(format!("no randomness: {e}").into()))?;
    let hash = tokio::task::spawn_blocking(move || password.hash(&salt))
        .await
        .map_err(|e| Error::Internal(Box::new(e)))?
        .map_err(|e| Error::Internal(Box::new(e)))?;
    let now = state.clock().now();
    let accepted = state
        .db()
        .accept_invitation(invitation.id, &hash, now, &client.to_string())
        .await?;
    match accepted {
        Ok(_) => render(&state, lang, jar, &token, View::Done, StatusCode::OK).await,
        Err(_) => {
            render(
                &state,
                lang,
                jar,
                &token,
                View::Invalid,
                StatusCode::NOT_FOUND,
            )
            .await
        }
    }
}

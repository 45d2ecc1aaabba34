//! The request's edge, read once for every handler: a JSON body that fails answers in the API's
//! error shape ([`ApiJson`]), the event of the address ([`PublishedEvent`]), "an organiser of this
//! event" ([`Organiser`]), and a form whose CSRF token is checked ([`CsrfForm`]).
//!
//! Extractors run in the order of the handler's arguments: put the event's (404) before the
//! body's (415, 422…), so that an unknown event is a 404 whatever the body.

use crate::AppState;
use crate::auth::Staff;
use crate::error::Error;
use crate::lang::RequestLang;
use crate::redirect::SafePath;
use axum::body::{Body, Bytes};
use axum::extract::rejection::{JsonRejection, QueryRejection, RawFormRejection};
use axum::extract::{
    FromRef, FromRequest, FromRequestParts, Json, Path, Query, RawForm, RawPathParams, Request,
};
use axum::http::request::Parts;
use axum::http::{Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use domain::Lang;
use i18n::t;
use persistence::StoredEvent;
use serde::Deserialize;
use serde::de::DeserializeOwned;

/// Turns a JSON body that could not be read into a clear error in `lang`: 415 when it is not
/// JSON, 413 when it is too large, 422 (naming the problem) otherwise.
fn body_error(rejection: JsonRejection, lang: Lang) -> Error {
    match rejection {
        JsonRejection::MissingJsonContentType(_) => Error::Body {
            status: StatusCode::UNSUPPORTED_MEDIA_TYPE,
            message: t(lang, "body-not-json", &[]),
        },
        JsonRejection::BytesRejection(_) => Error::Body {
            status: StatusCode::PAYLOAD_TOO_LARGE,
            message: t(lang, "body-too-large", &[]),
        },
        other => Error::Body {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            message: t(
                lang,
                "body-invalid-json",
                &[("detail", other.body_text().into())],
            ),
        },
    }
}

/// A JSON body; one that cannot be read is refused with `{"errors": {"body": message}}` in the
/// request's language (see [`body_error`]).
#[derive(Debug, Clone)]
pub struct ApiJson<T>(pub T);

impl<T, S> FromRequest<S> for ApiJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = Error;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let (parts, body) = request.into_parts();
        let RequestLang(lang) = RequestLang::from_parts(&parts);
        match Json::<T>::from_request(Request::from_parts(parts, body), state).await {
            Ok(Json(value)) => Ok(Self(value)),
            Err(rejection) => Err(body_error(rejection, lang)),
        }
    }
}

/// An address's parameters for the API. One that does not parse (a registration id beyond
/// `i32`, bytes that are not UTF-8) names nothing: the API's JSON 404, not axum's plain-text 400.
#[derive(Debug, Clone)]
pub struct ApiPath<T>(pub T);

impl<T, S> FromRequestParts<S> for ApiPath<T>
where
    T: DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match Path::<T>::from_request_parts(parts, state).await {
            Ok(Path(value)) => Ok(Self(value)),
            Err(_) => Err(Error::NotFound),
        }
    }
}

/// An address's query for the API; one that does not parse is refused with
/// `{"errors": {"query": message}}` (422) in the request's language, naming what is wrong.
#[derive(Debug, Clone)]
pub struct ApiQuery<T>(pub T);

impl<T, S> FromRequestParts<S> for ApiQuery<T>
where
    T: DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match Query::<T>::from_request_parts(parts, state).await {
            Ok(Query(value)) => Ok(Self(value)),
            Err(rejection) => {
                let RequestLang(lang) = RequestLang::from_parts(parts);
                let detail = match rejection {
                    QueryRejection::FailedToDeserializeQueryString(e) => e.body_text(),
                    other => other.body_text(),
                };
                Err(Error::query(lang, detail))
            }
        }
    }
}

/// The `{slug}` of the matched route.
async fn slug_of<S: Send + Sync>(parts: &mut Parts, state: &S) -> Result<String, Error> {
    let params = RawPathParams::from_request_parts(parts, state)
        .await
        .map_err(|_| Error::NotFound)?;
    params
        .iter()
        .find(|(name, _)| *name == "slug")
        .map(|(_, value)| value.to_owned())
        .ok_or(Error::NotFound)
}

/// The published event the address names (`{slug}`), or 404.
#[derive(Debug, Clone)]
pub struct PublishedEvent(pub StoredEvent);

impl<S> FromRequestParts<S> for PublishedEvent
where
    S: Send + Sync,
    AppState: FromRef<S>,
{
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let slug = slug_of(parts, state).await?;
        let state = AppState::from_ref(state);
        crate::lookup::published_event(&state, &slug)
            .await
            .map(Self)
    }
}

/// A staff member who organises the event the address names (`{slug}`, published or not).
///
/// Refused: a stranger (a page asked for is a redirection to the sign-in form and back; anything
/// else 401), staff who do not organise this event (403, before the event is looked up: nobody
/// learns which events exist that they hold no grant for), and an unknown event (404, for an
/// admin). Whether someone organises an event is decided by the member's grants
/// ([`domain::Access::organises`]) alone; an event whose organisers must use a second factor
/// also refuses (403) those who have none.
#[derive(Debug, Clone)]
pub struct Organiser {
    pub staff: Staff,
    pub event: StoredEvent,
}

impl<S> FromRequestParts<S> for Organiser
where
    S: Send + Sync,
    AppState: FromRef<S>,
{
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let (staff, event) = event_staff(parts, state, Staff::require_organiser_of).await?;
        // An event an admin has closed to organisers without a second factor: 403, saying
        // where to enrol.
        if !staff.may_organise(&event) {
            let RequestLang(lang) = RequestLang::from_parts(parts);
            let message = t(lang, "error-second-factor-body", &[]);
            return Err(Error::SecondFactorNeeded(message).into_response());
        }
        Ok(Self { staff, event })
    }
}

/// A staff member who may work the desk of the event the address names (`{slug}`, published or
/// not): its desk staff and organisers, and admins. Refused as [`Organiser`] is: a stranger
/// (401, or the sign-in form for a page), staff with no grant for this event (403, before the
/// event is looked up), an unknown event (404).
#[derive(Debug, Clone)]
pub struct DeskOf {
    pub staff: Staff,
    pub event: StoredEvent,
}

impl<S> FromRequestParts<S> for DeskOf
where
    S: Send + Sync,
    AppState: FromRef<S>,
{
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let (staff, event) = event_staff(parts, state, Staff::require_desk_of).await?;
        Ok(Self { staff, event })
    }
}

/// The signed-in staff member and the event the address names, if `may` lets them at it: a
/// stranger gets 401 (or, for a page, the sign-in form and back), staff `may` refuses 403 before
/// the event is looked up, and an unknown event 404.
async fn event_staff<S>(
    parts: &mut Parts,
    state: &S,
    may: fn(&Staff, &str) -> Result<(), Error>,
) -> Result<(Staff, StoredEvent), Response>
where
    S: Send + Sync,
    AppState: FromRef<S>,
{
    let staff = match Staff::from_request_parts(parts, state).await {
        Ok(staff) => staff,
        Err(Error::Unauthorized) if is_page_view(parts) => {
            let back = SafePath::or_home(Some(parts.uri.path()));
            return Err(back.login_redirect().into_response());
        }
        Err(other) => return Err(other.into_response()),
    };
    let slug = slug_of(parts, state)
        .await
        .map_err(IntoResponse::into_response)?;
    may(&staff, &slug).map_err(IntoResponse::into_response)?;
    let app = AppState::from_ref(state);
    let event = crate::lookup::any_event(&app, &slug)
        .await
        .map_err(IntoResponse::into_response)?;
    Ok((staff, event))
}

/// A page being looked at (not the API, not a form sent): a stranger is shown the sign-in form.
fn is_page_view(parts: &Parts) -> bool {
    parts.method == Method::GET && !parts.uri.path().starts_with("/api/")
}

/// A form sent by a signed-in staff member, with the session's CSRF token in its `csrf` field
/// (device tokens need none: they are not sent by browsers on their own). A missing or wrong
/// token is refused with 403 before the form is read: by [`Staff`], which every request that
/// changes state through the cookie passes (see [`crate::csrf`]).
#[derive(Debug, Clone)]
pub struct CsrfForm<T>(pub T);

/// A form with no fields other than its CSRF token.
#[derive(Debug, Deserialize)]
pub struct NoFields {}

impl<T, S> FromRequest<S> for CsrfForm<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
    AppState: FromRef<S>,
{
    type Rejection = Error;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let (mut parts, body) = request.into_parts();
        // Signed in, and the token checked (a form that changes state).
        Staff::from_request_parts(&mut parts, state).await?;
        let RequestLang(lang) = RequestLang::from_parts(&parts);
        let RawForm(bytes) = RawForm::from_request(Request::from_parts(parts, body), state)
            .await
            .map_err(|rejection| match rejection {
                RawFormRejection::BytesRejection(_) => Error::Body {
                    status: StatusCode::PAYLOAD_TOO_LARGE,
                    message: t(lang, "body-too-large", &[]),
                },
                other => Error::BadRequest(other.body_text()),
            })?;
        Ok(Self(decode(&bytes).await?))
    }
}

/// A form a visitor posts (no session, so no CSRF token: registration). One that cannot be read
/// is a 400 with the localised "bad request" page, as every unreadable form.
#[derive(Debug, Clone)]
pub struct VisitorForm<T>(pub T);

impl<T, S> FromRequest<S> for VisitorForm<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = Error;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        axum::Form::<T>::from_request(request, state)
            .await
            .map(|axum::Form(value)| Self(value))
            .map_err(|rejection| Error::BadRequest(rejection.body_text()))
    }
}

/// Reads the urlencoded `bytes` as a `T`. axum reads forms only through its extractor, so the
/// bytes are handed to it as a request of their own (the token's field and the form's are read
/// from the same bytes, whatever `T`'s fields' types).
pub(crate) async fn decode<T: DeserializeOwned>(bytes: &Bytes) -> Result<T, Error> {
    let request = Request::builder()
        .method(Method::POST)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(bytes.clone()))
        .map_err(|e| Error::Internal(Box::new(e)))?;
    axum::Form::<T>::from_request(request, &())
        .await
        .map(|axum::Form(value)| value)
        .map_err(|rejection| Error::BadRequest(rejection.body_text()))
}

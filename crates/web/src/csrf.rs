//! Cross-site request forgery: a request that changes something and is authenticated by the
//! browser's session cookie must prove it comes from one of this site's own pages.
//!
//! Two parts, so that no route can forget the rule:
//!
//! - [`gather`], a middleware on every route, reads once what a request that changes state
//!   ([`changes_state`]) presents: the token (the `X-CSRF-Token` header, or on the pages — not the
//!   API, which takes no forms — a urlencoded form's `csrf` field), and whether its `Origin` and
//!   `Sec-Fetch-Site` headers allow it to come from this site ([`Presented`]);
//! - [`check_staff`], called by the `Staff` extractor (`crate::auth`), the only way a handler can
//!   be authenticated by the cookie: a browser session needs the session's token and this site's
//!   origin, a device's bearer token (which a browser never sends on its own) needs only the
//!   origin. Without what `gather` found, the request is refused: the check fails closed.
//!
//! The sign-in form has a token too, before any session: a random value in a cookie of its own
//! and in the form (double submit, [`login_token`], [`LoginCheck`]), so another site cannot sign a
//! visitor in to an account of its choosing. Tokens are compared in constant time.

use crate::error::Error;
use crate::lang::RequestLang;
use crate::{AppState, MAX_BODY_BYTES};
use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, StatusCode, Uri, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum_extra::extract::CookieJar;
use axum_extra::extract::cookie::{Cookie, SameSite};
use i18n::t;
use persistence::{Session, SessionKind};
use serde::Deserialize;
use std::convert::Infallible;
use subtle::ConstantTimeEq;

/// The header a page's script sends its token in.
pub const CSRF_HEADER: &str = "x-csrf-token";
/// The sign-in form's own token, before there is a session.
pub const LOGIN_CSRF_COOKIE: &str = "guichet_login_csrf";

/// Whether `method` may change state: anything but `GET`, `HEAD`, `OPTIONS` and `TRACE`.
pub fn changes_state(method: &Method) -> bool {
    !matches!(
        *method,
        Method::GET | Method::HEAD | Method::OPTIONS | Method::TRACE
    )
}

/// What a request that changes state presents, read by [`gather`].
#[derive(Debug, Clone)]
pub struct Presented {
    token: Option<String>,
    from_this_site: bool,
}

/// Reads what each request that changes state presents (see the module's documentation), for
/// [`check_staff`] and [`LoginCheck`]. Refuses nothing itself but a form too large to read.
pub async fn gather(State(state): State<AppState>, request: Request, next: Next) -> Response {
    if !changes_state(request.method()) {
        return next.run(request).await;
    }
    let (mut parts, body) = request.into_parts();
    let from_this_site = from_this_site(&parts.headers, &parts.uri, state.composer().base_url());
    let header_token = parts
        .headers
        .get(CSRF_HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    // A form's field is read only where a cookie could authenticate it (a request with no cookie
    // has nothing to prove), and only on the pages: the API takes JSON, and a form sent there
    // (what another site's page can make a browser send) needs the header like anything else.
    let read_form = header_token.is_none()
        && parts.headers.contains_key(header::COOKIE)
        && !parts.uri.path().starts_with("/api/")
        && is_urlencoded(&parts.headers);
    let (token, body) = if read_form {
        let bytes = match axum::body::to_bytes(body, MAX_BODY_BYTES).await {
            Ok(bytes) => bytes,
            Err(_) => {
                let RequestLang(lang) = RequestLang::from_parts(&parts);
                return Error::Body {
                    status: StatusCode::PAYLOAD_TOO_LARGE,
                    message: t(lang, "body-too-large", &[]),
                }
                .into_response();
            }
        };
        (form_token(&bytes).await, axum::body::Body::from(bytes))
    } else {
        (header_token, body)
    };
    parts.extensions.insert(Presented {
        token,
        from_this_site,
    });
    next.run(Request::from_parts(parts, body)).await
}

fn is_urlencoded(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.trim_start()
                .to_ascii_lowercase()
                .starts_with("application/x-www-form-urlencoded")
        })
}

#[derive(Debug, Deserialize)]
struct TokenField {
    csrf: Option<String>,
}

/// The `csrf` field of a urlencoded form, if it has one.
async fn form_token(bytes: &axum::body::Bytes) -> Option<String> {
    crate::extract::decode::<TokenField>(bytes)
        .await
        .ok()
        .and_then(|field| field.csrf)
}

/// Whether the browser says the request comes from this site. Absent headers say nothing (an old
/// browser, a script): the token decides then.
///
/// - `Sec-Fetch-Site` must be `same-origin` (or `none`: typed by the user). `cross-site` is
///   another site; `same-site` is a sibling subdomain, which is not this site either.
/// - `Origin` must be this site's: the origin of `base_url` (the public address, behind a
///   proxy), or the address the browser itself asked for (the `Host` it sent: a page of another
///   site cannot change it), so that `http://localhost:8080` and `http://127.0.0.1:8080` both
///   work for a `serve` bound to `127.0.0.1:8080`.
/// - `Origin: null` is what a browser sends for a form posted from one of this site's own pages:
///   `Referrer-Policy: no-referrer` (ticket tokens are in addresses) hides the origin of
///   navigations too. It passes only when `Sec-Fetch-Site: same-origin` vouches for it; from a
///   sandboxed frame or a `data:` page of another site it comes with `cross-site`, and without
///   that header it is refused.
fn from_this_site(headers: &HeaderMap, uri: &Uri, base_url: &str) -> bool {
    let fetch_site = headers.get("sec-fetch-site").map(|v| v.as_bytes());
    let fetch_site_ok = fetch_site.is_none_or(|v| matches!(v, b"same-origin" | b"none"));
    let origin_ok = headers.get(header::ORIGIN).is_none_or(|origin| {
        if origin.as_bytes() == b"null" {
            return fetch_site == Some(b"same-origin".as_slice());
        }
        origin
            .to_str()
            .is_ok_and(|origin| is_own_origin(origin, headers, uri, base_url))
    });
    fetch_site_ok && origin_ok
}

fn is_own_origin(origin: &str, headers: &HeaderMap, uri: &Uri, base_url: &str) -> bool {
    if origin.eq_ignore_ascii_case(origin_of(base_url)) {
        return true;
    }
    let Some((scheme, authority)) = origin.split_once("://") else {
        return false;
    };
    // HTTP/1 sends `Host`; HTTP/2 the URI's authority.
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .or_else(|| uri.authority().map(|a| a.as_str()));
    matches!(scheme, "http" | "https")
        && !authority.is_empty()
        && host.is_some_and(|host| host.eq_ignore_ascii_case(authority))
}

/// `scheme://host[:port]` of an absolute URL.
fn origin_of(url: &str) -> &str {
    let after_scheme = url.find("://").map_or(0, |at| at + 3);
    let end = url[after_scheme..]
        .find('/')
        .map_or(url.len(), |at| after_scheme + at);
    &url[..end]
}

/// Whether two tokens are equal, in time that does not depend on where they differ.
fn tokens_match(expected: &str, given: &str) -> bool {
    bool::from(expected.as_bytes().ct_eq(given.as_bytes()))
}

/// Checks a request authenticated by `session` that changes state: it must come from this site,
/// and with a browser's cookie carry the session's token. A refusal is a `403` saying, in the
/// visitor's language, to reload the page.
pub fn check_staff(parts: &Parts, session: &Session) -> Result<(), Error> {
    let presented = parts.extensions.get::<Presented>();
    let genuine = match (presented, session.kind) {
        (None, _) => false,
        (Some(presented), _) if !presented.from_this_site => false,
        (Some(_), SessionKind::Device) => true,
        (Some(presented), SessionKind::Browser) => match (&session.csrf_token, &presented.token) {
            (Some(expected), Some(given)) => tokens_match(expected, given),
            _ => false,
        },
    };
    if genuine {
        Ok(())
    } else {
        let RequestLang(lang) = RequestLang::from_parts(parts);
        tracing::info!(kind = ?session.kind, "refused a request without its CSRF proof");
        Err(Error::CsrfRejected(t(lang, "csrf-rejected", &[])))
    }
}

/// The sign-in form's token: the one in the visitor's cookie if it has one, else a new one, set in
/// the returned jar (a cookie for `/login` only, that scripts cannot read and that other sites'
/// requests do not carry).
pub fn login_token(jar: CookieJar, secure: bool) -> Result<(CookieJar, String), Error> {
    visitor_form_token(jar, secure, "/login")
}

/// [`login_token`] for another form of a visitor not signed in (an invitation's password
/// form), its cookie for the addresses under `path` only.
pub fn visitor_form_token(
    jar: CookieJar,
    secure: bool,
    path: &'static str,
) -> Result<(CookieJar, String), Error> {
    if let Some(token) = jar
        .get(LOGIN_CSRF_COOKIE)
        .map(|c| c.value().to_owned())
        .filter(|value| value.len() >= 43)
    {
        return Ok((jar, token));
    }
    let token = crate::auth::new_token()?;
    let cookie = Cookie::build((LOGIN_CSRF_COOKIE, token.clone()))
        .path(path)
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(secure)
        .build();
    Ok((jar.add(cookie), token))
}

/// Whether a sign-in form was sent from this site's own sign-in page: from this site, with the
/// token of the visitor's cookie in its `csrf` field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoginCheck {
    pub genuine: bool,
}

impl<S: Send + Sync> FromRequestParts<S> for LoginCheck {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let jar = CookieJar::from_headers(&parts.headers);
        let expected = jar.get(LOGIN_CSRF_COOKIE).map(|c| c.value().to_owned());
        let genuine = match (parts.extensions.get::<Presented>(), expected) {
            (Some(presented), Some(expected)) => {
                presented.from_this_site
                    && presented
                        .token
                        .as_deref()
                        .is_some_and(|given| tokens_match(&expected, given))
            }
            _ => false,
        };
        Ok(Self { genuine })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, value.parse().expect("a header value"));
        }
        map
    }

    const BASE: &str = "https://guichet.example.org";

    #[test]
    fn requests_from_this_site_pass_and_others_do_not() {
        let uri: Uri = "/logout".parse().expect("uri");
        let judge =
            |pairs: &[(&'static str, &'static str)]| from_this_site(&headers(pairs), &uri, BASE);
        assert!(judge(&[]), "no header: the token decides");
        assert!(judge(&[("origin", "https://guichet.example.org")]));
        assert!(judge(&[("origin", "HTTPS://Guichet.example.org")]));
        assert!(judge(&[
            ("origin", "http://127.0.0.1:8080"),
            ("host", "127.0.0.1:8080")
        ]));
        assert!(judge(&[("sec-fetch-site", "same-origin")]));
        assert!(judge(&[("sec-fetch-site", "none")]));

        assert!(!judge(&[("origin", "https://evil.example")]));
        assert!(!judge(&[
            ("origin", "https://evil.example"),
            ("host", "guichet.example.org")
        ]));
        assert!(!judge(&[(
            "origin",
            "https://guichet.example.org.evil.example"
        )]));
        // A form posted from this site's own page, under `Referrer-Policy: no-referrer`.
        assert!(judge(&[
            ("origin", "null"),
            ("sec-fetch-site", "same-origin")
        ]));
        assert!(!judge(&[("origin", "null")]));
        assert!(!judge(&[("origin", "null"), ("sec-fetch-site", "none")]));
        assert!(!judge(&[
            ("origin", "null"),
            ("sec-fetch-site", "cross-site")
        ]));
        assert!(!judge(&[
            ("origin", "http://127.0.0.1:8081"),
            ("host", "127.0.0.1:8080")
        ]));
        assert!(!judge(&[("sec-fetch-site", "cross-site")]));
        assert!(!judge(&[("sec-fetch-site", "same-site")]));
        assert!(!judge(&[
            ("origin", "https://guichet.example.org"),
            ("sec-fetch-site", "cross-site")
        ]));
    }

    #[test]
    fn an_origin_is_scheme_host_and_port() {
        assert_eq!(origin_of("http://127.0.0.1:8080"), "http://127.0.0.1:8080");
        assert_eq!(origin_of("https://a.example/guichet/"), "https://a.example");
    }

    #[test]
    fn tokens_are_compared_whole() {
        assert!(tokens_match("abc", "abc"));
        assert!(!tokens_match("abc", "abd"));
        assert!(!tokens_match("abc", "ab"));
        assert!(!tokens_match("abc", ""));
    }

    #[test]
    fn only_reading_methods_leave_state_alone() {
        for method in [Method::GET, Method::HEAD, Method::OPTIONS, Method::TRACE] {
            assert!(!changes_state(&method));
        }
        for method in [Method::POST, Method::PUT, Method::PATCH, Method::DELETE] {
            assert!(changes_state(&method));
        }
        assert!(changes_state(
            &Method::from_bytes(b"PURGE").expect("a method")
        ));
    }
}

//! The public face's protections: redirect targets taken from a request stay on the site; every
//! answer carries its security headers (and the pages need no inline script or style); and
//! nothing a signed-in browser can change is changed by a request another site made it send
//! (CSRF), while devices with a bearer token need no token.

use domain::Role;
use guichet_tests::{
    DEMO_SLUG, Outbox, STAFF_PASSWORD, TestApp, hidden_field, instant, set_cookie, unescape_html,
};
use reqwest::Method;
use serde_json::{Value, json};
use std::collections::BTreeSet;

// ---------------------------------------------------------------------------------------------
// Redirects

/// `next=` values (as the server reads them, once the query is decoded) that must not take the
/// browser off the site.
const HOSTILE_TARGETS: &[&str] = &[
    "https://evil.example/",
    "http:evil.example",
    "//evil.example/",
    "///evil.example/",
    "/\\evil.example",
    "\\\\evil.example",
    "javascript:alert(1)",
    // The issue's `next=/%09/evil.example`: browsers drop the tab and go to //evil.example.
    "/\t/evil.example",
    "/\n/evil.example",
    "/\r\n/evil.example",
    "/\u{0}/evil.example",
    "/\u{7f}/evil.example",
    // The same, encoded once more (a page that decodes again must not find them either).
    "/%09/evil.example",
    "/%0d%0a/evil.example",
    "/%2F%2Fevil.example",
    "/%2f/evil.example",
    "/%5Cevil.example",
    "/%252F%252Fevil.example",
    // Not visible ASCII: no `Location` header can hold it (a 500 before).
    "/é",
];

#[tokio::test]
async fn redirect_targets_from_requests_stay_on_the_site() {
    let app = TestApp::spawn().await;
    app.add_staff("desk@example.org", Role::Desk).await;
    for hostile in HOSTILE_TARGETS {
        // The language switcher.
        let response = app
            .client
            .get(app.url("/lang/fr"))
            .query(&[("next", hostile)])
            .send()
            .await
            .expect("request");
        assert_eq!(response.status(), 303, "{hostile:?}");
        assert_eq!(response.headers()["location"], "/", "{hostile:?}");

        // The sign-in form keeps only a safe target…
        let page = app
            .client
            .get(app.url("/login"))
            .query(&[("next", hostile)])
            .send()
            .await
            .expect("request");
        assert_eq!(page.status(), 200, "{hostile:?}");
        let page = page.text().await.expect("body");
        assert_eq!(
            hidden_field(&page, "next").as_deref(),
            Some("/staff"),
            "{hostile:?}"
        );
        // …and signing in with one goes to the staff's home page (their events).
        let response = app
            .post_login(&[
                ("email", "desk@example.org"),
                ("password", STAFF_PASSWORD),
                ("next", hostile),
            ])
            .await;
        assert_eq!(response.status(), 303, "{hostile:?}");
        assert_eq!(response.headers()["location"], "/staff", "{hostile:?}");
    }
    // The issue's address, exactly as sent.
    for raw in [
        "/lang/en?next=/%09/evil.example",
        "/lang/en?next=/%2F%2Fevil",
        "/lang/en?next=%2F%5Cevil.example",
    ] {
        let response = app.get(raw).await;
        assert_eq!(response.headers()["location"], "/", "{raw}");
    }

    // A path on the site is kept whole.
    let desk = format!("/desk/{DEMO_SLUG}");
    let response = app
        .post_login(&[
            ("email", "desk@example.org"),
            ("password", STAFF_PASSWORD),
            ("next", &desk),
        ])
        .await;
    assert_eq!(response.headers()["location"], desk.as_str());
    let response = app
        .client
        .get(app.url("/lang/fr"))
        .query(&[("next", "/organiser/x/registrations?q=a&status=confirmed")])
        .send()
        .await
        .expect("request");
    assert_eq!(
        response.headers()["location"],
        "/organiser/x/registrations?q=a&status=confirmed"
    );
    app.assert_outbox(Outbox::SETTLED).await;
}

// ---------------------------------------------------------------------------------------------
// Headers

/// What an answer holds, as far as caches go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// A page, a file or an answer that is not to be kept by any cache.
    Private,
    /// A public static file (`/static/…`), revalidated each time.
    Static,
}

/// The headers every answer carries, whatever it is.
fn assert_security_headers(response: &reqwest::Response, what: &str, kind: Kind) {
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    assert_eq!(
        header("x-content-type-options").as_deref(),
        Some("nosniff"),
        "{what}"
    );
    assert_eq!(
        header("referrer-policy").as_deref(),
        Some("no-referrer"),
        "{what}"
    );
    assert_eq!(header("x-frame-options").as_deref(), Some("DENY"), "{what}");
    // Plain HTTP: no HSTS (it is sent over TLS only; see the HTTPS test in crates/guichet).
    assert_eq!(header("strict-transport-security"), None, "{what}");
    let csp = header("content-security-policy").unwrap_or_else(|| panic!("{what}: no CSP"));
    for directive in [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "frame-ancestors 'none'",
        "object-src 'none'",
        "base-uri 'none'",
    ] {
        assert!(
            csp.contains(directive),
            "{what}: {directive} missing in {csp}"
        );
    }
    assert!(!csp.contains("unsafe"), "{what}: {csp}");
    let cache = header("cache-control");
    match kind {
        Kind::Private => assert_eq!(cache.as_deref(), Some("no-store"), "{what}"),
        Kind::Static => assert_eq!(cache.as_deref(), Some("no-cache"), "{what}"),
    }
}

/// The attributes' names of a tag's text (after its name), skipping their quoted values.
fn attribute_names(mut rest: &str) -> Vec<String> {
    let mut names = Vec::new();
    loop {
        rest = rest.trim_start();
        let end = rest
            .find(|c: char| c.is_whitespace() || c == '=' || c == '/')
            .unwrap_or(rest.len());
        if end == 0 {
            return names;
        }
        names.push(rest[..end].to_ascii_lowercase());
        rest = rest[end..].trim_start();
        if let Some(value) = rest.strip_prefix('=') {
            let value = value.trim_start();
            rest = match value.chars().next() {
                Some(quote @ ('"' | '\'')) => value[1..].split_once(quote).map_or("", |(_, r)| r),
                _ => value
                    .find(char::is_whitespace)
                    .map_or("", |at| &value[at..]),
            };
        }
    }
}

/// Each tag of `html`: its name and its attributes' names.
fn tags(html: &str) -> Vec<(String, Vec<String>)> {
    html.split('<')
        .skip(1)
        .filter_map(|rest| rest.split('>').next())
        .filter(|tag| tag.starts_with(|c: char| c.is_ascii_alphabetic()))
        .map(|tag| {
            let end = tag.find(char::is_whitespace).unwrap_or(tag.len());
            let name = tag[..end].trim_end_matches('/').to_ascii_lowercase();
            (name, attribute_names(&tag[end..]))
        })
        .collect()
}

/// A page needs nothing the Content-Security-Policy forbids: no inline script, no `<style>`
/// element, no `style` attribute, no `on…` handler.
fn assert_no_inline_code(html: &str, what: &str) {
    for (tag, attributes) in tags(html) {
        assert_ne!(tag, "style", "{what}: a <style> element");
        if tag == "script" {
            assert!(
                attributes.iter().any(|a| a == "src"),
                "{what}: an inline script"
            );
        }
        for attribute in attributes {
            assert!(
                attribute != "style" && !attribute.starts_with("on"),
                "{what}: <{tag} {attribute}=…>"
            );
        }
    }
}

#[test]
fn the_inline_code_check_sees_inline_code() {
    assert_no_inline_code(
        r#"<p data-none="No one found" class="x">a</p><script src="/static/desk.js"></script><br/>"#,
        "clean",
    );
    for bad in [
        "<script>alert(1)</script>",
        "<style>p { color: red }</style>",
        r#"<p class="a" style="color: red">"#,
        r#"<button type="button" onclick="x()">"#,
        "<img src=x onerror=alert(1)>",
    ] {
        let found = std::panic::catch_unwind(|| assert_no_inline_code(bad, "bad"));
        assert!(found.is_err(), "{bad} not seen");
    }
}

#[tokio::test]
async fn every_answer_carries_the_security_headers_and_private_ones_are_not_stored() {
    let app = TestApp::spawn_at(instant("2008-07-07T09:30:00+02:00")).await;
    app.add_staff("org@example.org", Role::Organiser).await;
    let organiser = app.login("org@example.org").await;
    let (cookie, _) = app
        .browser_session("org@example.org", &format!("/organiser/{DEMO_SLUG}"))
        .await;
    let event = app.demo_event().await;
    let (registration, ticket) = app
        .ticket(&event, "Amina", "Diallo", "amina@example.org")
        .await;
    let (status, answer) = app
        .scan(&organiser, DEMO_SLUG, json!({ "token": ticket }))
        .await;
    assert_eq!((status, answer["outcome"].as_str()), (200, Some("ok")));
    let api = format!("/api/v1/events/{DEMO_SLUG}");

    // Pages, whoever they are for: the headers, and no inline code.
    let pages = [
        ("/".to_owned(), None),
        (format!("/events/{DEMO_SLUG}"), None),
        (format!("/events/{DEMO_SLUG}/registered"), None),
        (format!("/t/{ticket}"), None),
        (format!("/t/{ticket}/cancel"), None),
        ("/login".to_owned(), None),
        ("/no/such/page".to_owned(), None),
        (format!("/desk/{DEMO_SLUG}"), Some(cookie.as_str())),
        (format!("/organiser/{DEMO_SLUG}"), Some(cookie.as_str())),
        (
            format!("/organiser/{DEMO_SLUG}/registrations"),
            Some(cookie.as_str()),
        ),
        (
            format!("/organiser/{DEMO_SLUG}/registrations/{}", registration.id),
            Some(cookie.as_str()),
        ),
    ];
    for (path, cookie) in &pages {
        let response = match cookie {
            Some(cookie) => app.get_with_cookie(path, cookie).await,
            None => app.get(path).await,
        };
        assert!(
            response.headers()["content-type"]
                .to_str()
                .expect("ascii")
                .starts_with("text/html"),
            "{path}"
        );
        assert_security_headers(&response, path, Kind::Private);
        assert_no_inline_code(&response.text().await.expect("body"), path);
    }

    // The ticket's files, the API's answers with personal data, the reports.
    let bearer = [
        format!("/t/{ticket}/qr.png"),
        format!("/t/{ticket}/calendar.ics"),
        format!("{api}/search?q=diallo"),
        format!("{api}/scans"),
        format!("{api}/reports/attendance.csv"),
        format!("{api}/reports/attendance.xlsx"),
        "/api/v1/outbox/failed".to_owned(),
    ];
    for path in &bearer {
        let response = app
            .client
            .get(app.url(path))
            .bearer_auth(&organiser)
            .send()
            .await
            .expect("request");
        assert_eq!(response.status(), 200, "{path}");
        assert_security_headers(&response, path, Kind::Private);
    }
    let (_, checked_in) = app
        .scan(&organiser, DEMO_SLUG, json!({ "token": ticket }))
        .await;
    assert_eq!(checked_in["outcome"], "already_checked_in");
    let response = app
        .client
        .post(app.url(&format!("{api}/checkins")))
        .bearer_auth(&organiser)
        .json(&json!({ "token": ticket }))
        .send()
        .await
        .expect("request");
    assert_security_headers(&response, "a check-in's answer", Kind::Private);
    let response = app.get("/api/v1/events/nowhere/agenda").await;
    assert_eq!(response.status(), 404);
    assert_security_headers(&response, "an API error", Kind::Private);

    // The live stream of the dashboard.
    let response = app
        .get_with_cookie(&format!("/organiser/{DEMO_SLUG}/live"), &cookie)
        .await;
    assert_security_headers(&response, "the dashboard's stream", Kind::Private);
    drop(response);

    // Static files: the same headers, revalidated rather than not stored.
    for (path, content_type) in [
        ("/static/desk.js", "text/javascript"),
        ("/static/dashboard.js", "text/javascript"),
        ("/static/site.css", "text/css"),
        ("/static/desk.css", "text/css"),
    ] {
        let response = app.get(path).await;
        assert_eq!(response.status(), 200, "{path}");
        assert!(
            response.headers()["content-type"]
                .to_str()
                .expect("ascii")
                .starts_with(content_type),
            "{path}"
        );
        assert_security_headers(&response, path, Kind::Static);
    }
    let response = app.get("/static/nothing.js").await;
    assert_eq!(response.status(), 404);
    assert_security_headers(&response, "a missing static file", Kind::Private);
    // The ticket the test queued: no worker ran to send it.
    app.assert_outbox(Outbox::pending(1)).await;
}

// ---------------------------------------------------------------------------------------------
// CSRF

/// A request a signed-in browser can make that changes state.
#[derive(Debug, Clone)]
struct Route {
    method: Method,
    /// The route as declared (for the list of what was covered).
    template: String,
    path: String,
    /// `None`: a JSON body (the API); `Some`: a page's form, with its fields but the token.
    form: Option<Vec<(String, String)>>,
}

/// An attribute's value in a tag's text.
fn attribute(tag: &str, name: &str) -> Option<String> {
    tag.split(&format!(" {name}=\""))
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .map(unescape_html)
}

/// Every form that posts on `html`, with its fields (hidden inputs, text areas) but `csrf`.
fn posted_forms(html: &str) -> Vec<(String, Vec<(String, String)>)> {
    html.split("<form")
        .skip(1)
        .filter_map(|rest| rest.split("</form>").next())
        .filter(|form| {
            let tag = form.split('>').next().unwrap_or_default();
            attribute(tag, "method").as_deref() == Some("post")
        })
        .map(|form| {
            let tag = form.split('>').next().unwrap_or_default();
            let action = attribute(tag, "action").expect("a form's action");
            let fields = form
                .split('<')
                .filter(|t| t.starts_with("input") || t.starts_with("textarea"))
                .filter_map(|t| {
                    let name = attribute(t, "name")?;
                    (name != "csrf").then(|| (name, attribute(t, "value").unwrap_or_default()))
                })
                .collect();
            (action, fields)
        })
        .collect()
}

/// The operations of the API's description that a browser's session cookie may call and that
/// change state, with their parameters filled in by `value`.
fn cookie_operations(openapi: &Value, value: impl Fn(&str) -> String) -> Vec<Route> {
    let mut routes = Vec::new();
    let paths = openapi["paths"].as_object().expect("paths");
    for (template, operations) in paths {
        for (method, operation) in operations.as_object().expect("operations") {
            let method: Method = method.to_ascii_uppercase().parse().expect("a method");
            let by_cookie = operation["security"]
                .as_array()
                .is_some_and(|s| s.iter().any(|r| r.get("session_cookie").is_some()));
            if !by_cookie || matches!(method, Method::GET | Method::HEAD | Method::OPTIONS) {
                continue;
            }
            let mut path = String::new();
            for (i, piece) in template.split('{').enumerate() {
                match piece.split_once('}') {
                    Some((name, rest)) if i > 0 => {
                        path.push_str(&value(name));
                        path.push_str(rest);
                    }
                    _ => path.push_str(piece),
                }
            }
            routes.push(Route {
                method,
                template: template.clone(),
                path,
                form: None,
            });
        }
    }
    routes
}

/// What a forged request changes something with.
#[derive(Debug, Clone, Copy)]
enum Forgery {
    NoToken,
    WrongToken,
    OtherOrigin,
    /// `Origin: null` (a sandboxed frame, a `data:` page) with nothing vouching for it.
    OpaqueOrigin,
    CrossSite,
    /// An API call sent as `text/plain` (what a cross-site `<form enctype="text/plain">` or a
    /// "simple" fetch can send without a preflight), with no token header.
    PlainText,
    /// An API call sent as a form with the right token in a `csrf` field: the API reads the
    /// token from its header only, whatever the content type.
    TokenInFormField,
    /// Not a forgery: the page's own request (to prove the others fail for their forgery alone).
    Genuine,
}

async fn send(
    app: &TestApp,
    route: &Route,
    cookie: &str,
    csrf: &str,
    how: Forgery,
) -> reqwest::Response {
    let token = match how {
        Forgery::NoToken => None,
        Forgery::WrongToken => Some("forged-forged-forged-forged-forged-forged-forg"),
        Forgery::OtherOrigin | Forgery::OpaqueOrigin | Forgery::CrossSite | Forgery::Genuine => {
            Some(csrf)
        }
        Forgery::PlainText | Forgery::TokenInFormField => None,
    };
    let mut request = app
        .client
        .request(route.method.clone(), app.url(&route.path))
        .header("cookie", cookie)
        .header("accept-language", "en");
    // Each forgery alone must be enough to refuse the request.
    request = match how {
        Forgery::OtherOrigin => request.header("origin", "https://evil.example"),
        Forgery::OpaqueOrigin => request.header("origin", "null"),
        Forgery::CrossSite => request.header("sec-fetch-site", "cross-site"),
        Forgery::Genuine => request
            .header("origin", format!("http://{}", app.addr))
            .header("sec-fetch-site", "same-origin"),
        Forgery::NoToken | Forgery::WrongToken | Forgery::PlainText | Forgery::TokenInFormField => {
            request
        }
    };
    match (how, &route.form) {
        (Forgery::PlainText, None) => {
            return request
                .header("content-type", "text/plain")
                .body("{}")
                .send()
                .await
                .expect("request");
        }
        (Forgery::TokenInFormField, None) => {
            return request
                .form(&[("csrf", csrf)])
                .send()
                .await
                .expect("request");
        }
        _ => {}
    }
    request = match &route.form {
        Some(fields) => {
            let mut fields = fields.clone();
            if let Some(token) = token {
                fields.push(("csrf".to_owned(), token.to_owned()));
            }
            request.form(&fields)
        }
        None => {
            if let Some(token) = token {
                request = request.header("x-csrf-token", token);
            }
            request.json(&json!({}))
        }
    };
    request.send().await.expect("request")
}

#[tokio::test]
async fn every_state_changing_request_of_a_signed_in_browser_needs_its_token_and_this_sites_origin()
{
    let app = TestApp::spawn_at(instant("2008-07-07T09:30:00+02:00")).await;
    app.add_staff("org@example.org", Role::Organiser).await;
    let (cookie, csrf) = app
        .browser_session("org@example.org", &format!("/desk/{DEMO_SLUG}"))
        .await;
    let event = app.demo_event().await;
    let (registration, _) = app
        .ticket(&event, "Amina", "Diallo", "amina@example.org")
        .await;
    // A failed email, so that the dashboard shows its "send again" form.
    let settings = mailer::WorkerSettings {
        max_attempts: 1,
        ..guichet_tests::test_worker_settings()
    };
    app.drain_outbox_while_smtp_is_down(settings).await;
    let failed: Vec<i32> = app
        .db
        .failed_emails()
        .await
        .expect("failed emails")
        .into_iter()
        .map(|f| f.id)
        .collect();
    assert_eq!(failed.len(), 1);

    // The API's operations a cookie may call, from its description: a new one is in the list.
    let openapi: Value = app
        .get("/api/v1/openapi.json")
        .await
        .json()
        .await
        .expect("JSON");
    let mut routes = cookie_operations(&openapi, |name| match name {
        "slug" => DEMO_SLUG.to_owned(),
        "registration_id" => registration.id.to_string(),
        "id" => failed[0].to_string(),
        other => panic!("a new parameter {{{other}}}: give this test a value for it"),
    });
    // The pages' forms, as the pages show them: a new form is in the list.
    for page in [
        format!("/desk/{DEMO_SLUG}"),
        format!("/organiser/{DEMO_SLUG}"),
        format!("/organiser/{DEMO_SLUG}/registrations"),
        format!("/organiser/{DEMO_SLUG}/registrations/{}", registration.id),
    ] {
        let html = app
            .get_with_cookie(&page, &cookie)
            .await
            .text()
            .await
            .expect("body");
        for (action, fields) in posted_forms(&html) {
            let template = action
                .replace(DEMO_SLUG, "{slug}")
                .replace(&format!("/{}/", registration.id), "/{id}/")
                .replace(&format!("/{}/", failed[0]), "/{id}/");
            routes.push(Route {
                method: Method::POST,
                template,
                path: action,
                form: Some(fields),
            });
        }
    }
    let covered: BTreeSet<String> = routes
        .iter()
        .map(|r| format!("{} {}", r.method, r.template))
        .collect();
    // What exists today must be found (the list's sources work); anything added later is too.
    for expected in [
        "POST /api/v1/events/{slug}/checkins",
        "DELETE /api/v1/events/{slug}/checkins/{registration_id}",
        "POST /api/v1/events/{slug}/walk-ins",
        "POST /api/v1/decode-qr",
        "POST /api/v1/events/{slug}/registrations/{registration_id}/reissue",
        "POST /api/v1/outbox/{id}/retry",
        "POST /logout",
        "POST /organiser/{slug}/publish",
        "POST /organiser/{slug}/import",
        "POST /organiser/{slug}/emails/{id}/retry",
        "POST /organiser/{slug}/registrations/{id}/resend",
        "POST /organiser/{slug}/registrations/{id}/reissue",
        "POST /organiser/{slug}/registrations/{id}/undo-checkin",
        "POST /organiser/{slug}/registrations/{id}/cancel",
    ] {
        assert!(
            covered.contains(expected),
            "{expected} not found in {covered:#?}"
        );
    }

    for route in &routes {
        for how in [
            Forgery::NoToken,
            Forgery::WrongToken,
            Forgery::OtherOrigin,
            Forgery::OpaqueOrigin,
            Forgery::CrossSite,
            Forgery::PlainText,
            Forgery::TokenInFormField,
        ] {
            // The content-type forgeries are the API's: a page's form carries its field.
            if route.form.is_some() && matches!(how, Forgery::PlainText | Forgery::TokenInFormField)
            {
                continue;
            }
            let response = send(&app, route, &cookie, &csrf, how).await;
            let what = format!("{} {} {how:?}", route.method, route.path);
            assert_eq!(response.status(), 403, "{what}");
            let body = response.text().await.expect("body");
            if route.form.is_some() {
                assert!(body.contains("Reload the page"), "{what}: {body}");
            } else {
                let body: Value = serde_json::from_str(&body).expect("JSON");
                assert_eq!(body["error"], "csrf", "{what}");
            }
        }
    }

    // Nothing changed: no action, the ticket, the event, the failed email, the session.
    let audit = app.db.audit_log(event.id, 10).await.expect("the audit log");
    assert!(audit.is_empty(), "{audit:?}");
    let untouched = app
        .db
        .registration(registration.id)
        .await
        .expect("read")
        .expect("there");
    assert_eq!(untouched.ticket_version, 1);
    assert_eq!(untouched.status, domain::Status::Confirmed);
    assert!(app.demo_event().await.event.published);
    assert_eq!(app.db.failed_emails().await.expect("read").len(), 1);
    let desk = app
        .get_with_cookie(&format!("/desk/{DEMO_SLUG}"), &cookie)
        .await;
    assert_eq!(desk.status(), 200, "still signed in");

    // The same requests from the page itself get through (signing out last).
    routes.sort_by_key(|r| r.path == "/logout");
    for route in &routes {
        let response = send(&app, route, &cookie, &csrf, Forgery::Genuine).await;
        assert_ne!(
            response.status(),
            403,
            "{} {}: {}",
            route.method,
            route.path,
            response.text().await.unwrap_or_default()
        );
    }
    let desk = app
        .get_with_cookie(&format!("/desk/{DEMO_SLUG}"), &cookie)
        .await;
    assert_eq!(desk.status(), 303, "signed out");
    // Queued by the genuine requests alone, and not sent (no worker ran): the failed ticket
    // retried through the API (the dashboard's retry then finds it no longer failed), the ticket
    // re-issued through the API, re-sent and re-issued from the participant's page, and the
    // cancellation.
    app.assert_outbox(Outbox::pending(5)).await;
}

#[tokio::test]
async fn devices_with_a_bearer_token_need_no_csrf_token_but_not_another_sites_origin() {
    let app = TestApp::spawn_at(instant("2008-07-07T09:30:00+02:00")).await;
    app.add_staff("desk@example.org", Role::Desk).await;
    let desk = app.login("desk@example.org").await;
    let event = app.demo_event().await;
    let (_, ticket) = app
        .ticket(&event, "Amina", "Diallo", "amina@example.org")
        .await;
    let checkin = |origin: Option<&'static str>, fetch_site: Option<&'static str>| {
        let mut request = app
            .client
            .post(app.url(&format!("/api/v1/events/{DEMO_SLUG}/checkins")))
            .bearer_auth(&desk)
            .json(&json!({ "token": ticket }));
        if let Some(origin) = origin {
            request = request.header("origin", origin);
        }
        if let Some(fetch_site) = fetch_site {
            request = request.header("sec-fetch-site", fetch_site);
        }
        request.send()
    };
    let refused = checkin(Some("https://evil.example"), None)
        .await
        .expect("sent");
    assert_eq!(refused.status(), 403);
    let refused = checkin(None, Some("cross-site")).await.expect("sent");
    assert_eq!(refused.status(), 403);
    let ok = checkin(None, None).await.expect("sent");
    assert_eq!(ok.status(), 200, "no CSRF token needed");
    assert_eq!(ok.json::<Value>().await.expect("JSON")["outcome"], "ok");
    // Signing in for a device needs none either.
    assert!(!app.login("desk@example.org").await.is_empty());
    app.assert_outbox(Outbox::pending(1)).await;
}

#[tokio::test]
async fn the_sign_in_form_needs_its_own_token_and_forgeries_are_not_attempts() {
    let app = TestApp::spawn().await;
    app.add_staff("desk@example.org", Role::Desk).await;
    // The forgeries carry a wrong password: were it checked before the token, each would be
    // counted as a failed attempt (a right one would leave no row to see).
    let forged_credentials = [
        ("email", "desk@example.org"),
        ("password", "not the password"),
        ("next", "/"),
    ];
    let credentials = [
        ("email", "desk@example.org"),
        ("password", STAFF_PASSWORD),
        ("next", "/"),
    ];
    let (cookie, token) = app.login_form().await;
    let (_, other_token) = app.login_form().await;
    let (cookie, token, other_token) = (cookie.as_str(), token.as_str(), other_token.as_str());
    assert_ne!(token, other_token, "each visitor's form has its own token");
    let send = |fields: &[(&'static str, &'static str)],
                cookie: Option<&str>,
                token: Option<&str>,
                origin: Option<&str>,
                site: Option<&str>| {
        let mut form = fields.to_vec();
        if let Some(token) = token {
            form.push(("csrf", token));
        }
        let mut request = app
            .client
            .post(app.url("/login"))
            .header("accept-language", "en")
            .form(&form);
        if let Some(cookie) = cookie {
            request = request.header("cookie", cookie.to_owned());
        }
        if let Some(origin) = origin {
            request = request.header("origin", origin.to_owned());
        }
        if let Some(site) = site {
            request = request.header("sec-fetch-site", site.to_owned());
        }
        request.send()
    };
    let forge =
        |cookie, token, origin, site| send(&forged_credentials, cookie, token, origin, site);
    let post = |cookie, token, origin, site| send(&credentials, cookie, token, origin, site);
    let forgeries = [
        ("no token, no cookie", forge(None, None, None, None).await),
        ("no token", forge(Some(cookie), None, None, None).await),
        ("no cookie", forge(None, Some(token), None, None).await),
        (
            "another visitor's token",
            forge(Some(cookie), Some(other_token), None, None).await,
        ),
        (
            "another site",
            forge(
                Some(cookie),
                Some(token),
                Some("https://evil.example"),
                None,
            )
            .await,
        ),
        (
            "cross-site",
            forge(Some(cookie), Some(token), None, Some("cross-site")).await,
        ),
        (
            "an opaque origin no browser vouches for",
            forge(Some(cookie), Some(token), Some("null"), None).await,
        ),
    ];
    for (what, response) in forgeries {
        let response = response.expect("sent");
        assert_eq!(response.status(), 403, "{what}");
        assert_eq!(set_cookie(&response, "guichet_session"), None, "{what}");
        let page = response.text().await.expect("body");
        assert!(page.contains("The sign-in form had expired"), "{what}");
        // The form is shown again, ready to be sent.
        assert!(
            hidden_field(&page, "csrf").is_some_and(|t| t.len() >= 43),
            "{what}"
        );
    }
    // Seven forgeries with a wrong password were no attempts: none was reserved or counted.
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM login_attempts").await,
        0,
        "a forged sign-in is refused before its password is looked at"
    );
    let own_origin = format!("http://{}", app.addr);
    let genuine = post(
        Some(cookie),
        Some(token),
        Some(&own_origin),
        Some("same-origin"),
    )
    .await
    .expect("sent");
    assert_eq!(genuine.status(), 303);
    assert!(set_cookie(&genuine, "guichet_session").is_some());
    // What a browser sends for the form of a page under `Referrer-Policy: no-referrer`.
    let genuine = post(Some(cookie), Some(token), Some("null"), Some("same-origin"))
        .await
        .expect("sent");
    assert_eq!(genuine.status(), 303);
    app.assert_outbox(Outbox::SETTLED).await;
}

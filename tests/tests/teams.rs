//! Teams per event (issue 12): a grant reaches its event only, read on every request.

use domain::Role;
use guichet_tests::{DEMO_SLUG, TestApp};
use reqwest::Method;
use serde_json::json;

/// Every route that names an event, as desk staff and organisers use them.
fn event_routes(slug: &str, registration: i32) -> Vec<(Method, String, bool)> {
    // (method, path, whether the desk may use it at its own event)
    vec![
        (
            Method::POST,
            format!("/api/v1/events/{slug}/checkins"),
            true,
        ),
        (
            Method::DELETE,
            format!("/api/v1/events/{slug}/checkins/{registration}"),
            true,
        ),
        (
            Method::GET,
            format!("/api/v1/events/{slug}/search?q=amina"),
            true,
        ),
        (Method::GET, format!("/api/v1/events/{slug}/scans"), true),
        (
            Method::POST,
            format!("/api/v1/events/{slug}/walk-ins"),
            true,
        ),
        (Method::GET, format!("/desk/{slug}"), true),
        (Method::GET, format!("/organiser/{slug}"), false),
        (
            Method::GET,
            format!("/organiser/{slug}/registrations"),
            false,
        ),
        (
            Method::GET,
            format!("/organiser/{slug}/registrations/{registration}"),
            false,
        ),
        (Method::POST, format!("/organiser/{slug}/publish"), false),
        (Method::POST, format!("/organiser/{slug}/import"), false),
        (
            Method::GET,
            format!("/api/v1/events/{slug}/reports/attendance.csv"),
            false,
        ),
        (
            Method::GET,
            format!("/api/v1/events/{slug}/reports/attendance.xlsx"),
            false,
        ),
        // The offline desk (issue 15).
        (
            Method::GET,
            format!("/api/v1/events/{slug}/checkin-list"),
            true,
        ),
        (
            Method::POST,
            format!("/api/v1/events/{slug}/checkins/batch"),
            true,
        ),
        // Approval (issue 14).
        (
            Method::GET,
            format!("/api/v1/events/{slug}/registrations?status=pending"),
            false,
        ),
        (
            Method::POST,
            format!("/api/v1/events/{slug}/registrations/{registration}/approve"),
            false,
        ),
        (
            Method::POST,
            format!("/api/v1/events/{slug}/registrations/{registration}/decline"),
            false,
        ),
        (Method::POST, format!("/organiser/{slug}/bulk"), false),
        // Sessions, badges, certificates (issue 16): the desk prints one walk-in's badge.
        (
            Method::GET,
            format!("/api/v1/events/{slug}/reports/sessions.csv"),
            false,
        ),
        (
            Method::GET,
            format!("/api/v1/events/{slug}/badges.pdf"),
            false,
        ),
        (
            Method::GET,
            format!("/api/v1/events/{slug}/badges.pdf?registration={registration}"),
            true,
        ),
        (
            Method::POST,
            format!("/organiser/{slug}/certificates"),
            false,
        ),
        (
            Method::GET,
            format!("/organiser/{slug}/certificates.zip"),
            false,
        ),
    ]
}

#[tokio::test]
async fn a_grant_reaches_its_event_only_and_a_change_counts_at_the_next_request() {
    let app = TestApp::spawn().await;
    let other = app.add_event("autre-atelier", 10).await;
    let (elsewhere, _) = app.ticket(&other, "Jim", "Ilunga", "jim@example.org").await;
    app.add_staff("desk@example.org", Role::Desk).await;
    app.add_staff("org@example.org", Role::Organiser).await;
    app.add_admin("admin@example.org").await;
    let desk = app.login("desk@example.org").await;
    let organiser = app.login("org@example.org").await;
    let admin = app.login("admin@example.org").await;
    let send = async |token: &str, method: &Method, path: &str| {
        app.client
            .request(method.clone(), app.url(path))
            .bearer_auth(token)
            .json(&json!({}))
            .send()
            .await
            .expect("request")
            .status()
            .as_u16()
    };

    // The other event's every route: 403 for the demo's desk and organiser alike.
    for (method, path, _) in event_routes("autre-atelier", elsewhere.id) {
        assert_eq!(
            send(&desk, &method, &path).await,
            403,
            "desk: {method} {path}"
        );
        assert_eq!(
            send(&organiser, &method, &path).await,
            403,
            "organiser: {method} {path}"
        );
        assert_ne!(
            send(&admin, &method, &path).await,
            403,
            "admin: {method} {path}"
        );
    }
    // An event that does not exist: the same 403, so nobody learns which events exist.
    for (method, path, _) in event_routes("no-such-event", 1) {
        assert_eq!(
            send(&desk, &method, &path).await,
            403,
            "desk: {method} {path}"
        );
    }
    // At their own event: the desk its desk routes only, the organiser all of them.
    for (method, path, desk_may) in event_routes(DEMO_SLUG, 1) {
        let status = send(&desk, &method, &path).await;
        assert_eq!(
            status == 403,
            !desk_may,
            "desk at its event: {method} {path}: {status}"
        );
        assert_ne!(
            send(&organiser, &method, &path).await,
            403,
            "organiser: {method} {path}"
        );
    }

    // A grant given counts at the next request, and so does one taken away.
    let search = "/api/v1/events/autre-atelier/search?q=jim";
    app.grant("desk@example.org", "autre-atelier", Role::Desk)
        .await;
    assert_eq!(send(&desk, &Method::GET, search).await, 200);
    let member = app
        .db
        .staff_member("desk@example.org")
        .await
        .expect("query")
        .expect("exists");
    assert!(
        app.db
            .remove_grant(
                member.id,
                other.id,
                app.now(),
                &persistence::ByWhom::command_line()
            )
            .await
            .expect("removed")
    );
    assert_eq!(send(&desk, &Method::GET, search).await, 403);

    // The sign-in answer lists the member's events and their highest role.
    let response = app
        .client
        .post(app.url("/api/v1/auth/login"))
        .json(&json!({ "email": "org@example.org", "password": guichet_tests::STAFF_PASSWORD }))
        .send()
        .await
        .expect("request");
    let body: serde_json::Value = response.json().await.expect("JSON");
    assert_eq!(body["role"], "organiser");
    assert_eq!(
        body["events"],
        json!([{ "slug": DEMO_SLUG, "role": "organiser" }])
    );

    // The staff's home page: a stranger is sent to sign in, and back.
    let stranger = app.get("/staff").await;
    assert_eq!(stranger.status(), 303);
    assert_eq!(stranger.headers()["location"], "/login?next=/staff");
    // It lists the member's events only.
    let (cookie, _) = app.browser_session("desk@example.org", "/staff").await;
    let html = app
        .get_with_cookie("/staff", &cookie)
        .await
        .text()
        .await
        .expect("body");
    assert!(html.contains(&format!("/desk/{DEMO_SLUG}")), "{html}");
    assert!(!html.contains("/desk/autre-atelier"), "{html}");
    assert!(
        !html.contains("/organiser/"),
        "a desk member has no dashboard link: {html}"
    );

    app.assert_outbox(guichet_tests::Outbox::pending(1)).await;
}

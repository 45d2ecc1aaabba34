//! Staff accounts under control (issue 12): disabling and revoking count at the next request, a
//! browser session ends when left idle or 12 hours after sign-in, a password change ends the
//! other sessions, and a live stream stops once its session has ended.

use chrono::TimeDelta;
use domain::Role;
use guichet_tests::{DEMO_SLUG, STAFF_PASSWORD, TestApp};
use persistence::ByWhom;
use serde_json::json;
use std::time::Duration;

/// The status of `GET /api/v1/events/{demo}/scans` with this bearer token.
async fn scans_with_token(app: &TestApp, token: &str) -> u16 {
    app.client
        .get(app.url(&format!("/api/v1/events/{DEMO_SLUG}/scans")))
        .bearer_auth(token)
        .send()
        .await
        .expect("request")
        .status()
        .as_u16()
}

/// Whether this session cookie still opens the staff home page (else it is sent to sign in).
async fn signed_in(app: &TestApp, cookie: &str) -> bool {
    let response = app.get_with_cookie("/staff", cookie).await;
    match response.status().as_u16() {
        200 => true,
        303 => false,
        other => panic!("/staff answered {other}"),
    }
}

async fn login_status(app: &TestApp, email: &str, password: &str) -> (u16, serde_json::Value) {
    let response = app
        .client
        .post(app.url("/api/v1/auth/login"))
        .json(&json!({ "email": email, "password": password }))
        .send()
        .await
        .expect("request");
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or_default())
}

#[tokio::test]
async fn a_disabled_account_loses_every_session_at_once_and_signs_in_no_more() {
    let app = TestApp::spawn().await;
    app.add_staff("desk@example.org", Role::Desk).await;
    let device = app.login("desk@example.org").await;
    let (cookie, _) = app.browser_session("desk@example.org", "/staff").await;
    assert_eq!(scans_with_token(&app, &device).await, 200);
    assert!(signed_in(&app, &cookie).await);

    let member = app
        .db
        .staff_member("desk@example.org")
        .await
        .expect("query")
        .expect("exists");
    assert!(
        app.db
            .set_disabled(member.id, true, app.now(), &ByWhom::command_line())
            .await
            .expect("disabled")
    );
    // The very next request of each.
    assert_eq!(scans_with_token(&app, &device).await, 401);
    assert!(!signed_in(&app, &cookie).await);

    // Sign-in refused with the very answer of a wrong password.
    let (status, body) = login_status(&app, "desk@example.org", STAFF_PASSWORD).await;
    let (wrong_status, wrong_body) =
        login_status(&app, "desk@example.org", "not the password").await;
    assert_eq!(status, 401);
    assert_eq!((status, &body), (wrong_status, &wrong_body));

    // Enabled again: it may sign in, and its old sessions stay ended.
    assert!(
        app.db
            .set_disabled(member.id, false, app.now(), &ByWhom::command_line())
            .await
            .expect("enabled")
    );
    let fresh = app.login("desk@example.org").await;
    assert_eq!(scans_with_token(&app, &fresh).await, 200);
    assert_eq!(scans_with_token(&app, &device).await, 401);
    assert!(!signed_in(&app, &cookie).await);

    // Both changes are in the instance's access log, the latest first.
    let log = app.db.access_log(None, 10).await.expect("log");
    let actions: Vec<&str> = log.iter().map(|line| line.action.as_str()).collect();
    assert_eq!(actions, ["enabled", "disabled"]);
    assert!(log.iter().all(|line| line.subject == "desk@example.org"));
}

#[tokio::test]
async fn revoking_a_members_sessions_counts_at_the_next_request_and_a_new_password_ends_them() {
    let app = TestApp::spawn().await;
    app.add_staff("desk@example.org", Role::Desk).await;
    let member = app
        .db
        .staff_member("desk@example.org")
        .await
        .expect("query")
        .expect("exists");
    let phone = app.login("desk@example.org").await;
    let tablet = app.login("desk@example.org").await;
    let sessions = app
        .db
        .sessions_of(member.id, app.now(), idle())
        .await
        .expect("sessions");
    assert_eq!(sessions.len(), 2);
    assert!(
        sessions
            .iter()
            .all(|s| s.client_address.as_deref() == Some("127.0.0.1")),
        "{sessions:?}"
    );

    // One device (the lost phone): the other goes on.
    let lost = sessions.last().expect("a session").id;
    assert!(
        app.db
            .revoke_member_session(member.id, lost, None, app.now(), &ByWhom::command_line())
            .await
            .expect("revoked")
    );
    let statuses = (
        scans_with_token(&app, &phone).await,
        scans_with_token(&app, &tablet).await,
    );
    assert!(
        statuses == (401, 200) || statuses == (200, 401),
        "{statuses:?}"
    );

    // All of them.
    let ended = app
        .db
        .revoke_sessions(member.id, None, app.now(), &ByWhom::command_line())
        .await
        .expect("revoked");
    assert_eq!(ended, 1);
    assert_eq!(scans_with_token(&app, &phone).await, 401);
    assert_eq!(scans_with_token(&app, &tablet).await, 401);

    // A new password (the CLI's `staff add` on an existing account) ends every session too.
    let again = app.login("desk@example.org").await;
    app.add_account("desk@example.org").await;
    assert_eq!(scans_with_token(&app, &again).await, 401);
}

fn idle() -> persistence::Idle {
    persistence::Idle {
        browser: TimeDelta::hours(2),
    }
}

#[tokio::test]
async fn a_browser_session_ends_after_two_idle_hours_or_twelve_hours_of_use_but_a_device_does_not()
{
    let app = TestApp::spawn().await;
    app.add_staff("desk@example.org", Role::Desk).await;
    let start = app.now();
    let (cookie, _) = app.browser_session("desk@example.org", "/staff").await;
    let device = app.login("desk@example.org").await;

    // Used every 90 minutes, it lives on.
    for step in 1..=3 {
        app.set_clock(start + TimeDelta::minutes(90 * step));
        assert!(
            signed_in(&app, &cookie).await,
            "after {} minutes",
            90 * step
        );
    }
    // Two hours and a minute after its last use (4 h 30): ended.
    app.set_clock(start + TimeDelta::minutes(270 + 121));
    assert!(!signed_in(&app, &cookie).await, "idle for 2 h 01");
    // The device token is not ended by idling.
    assert_eq!(scans_with_token(&app, &device).await, 200);

    // Another browser, used every hour: ended 12 hours after sign-in whatever the use.
    let start = app.now();
    let (cookie, _) = app.browser_session("desk@example.org", "/staff").await;
    for hour in 1..12 {
        app.set_clock(start + TimeDelta::hours(hour));
        assert!(signed_in(&app, &cookie).await, "after {hour} hours");
    }
    app.set_clock(start + TimeDelta::hours(12) + TimeDelta::minutes(1));
    assert!(!signed_in(&app, &cookie).await, "12 hours after sign-in");
}

#[tokio::test]
async fn a_live_dashboard_stream_stops_within_five_seconds_of_its_session_ending() {
    let app = TestApp::spawn().await;
    app.add_staff("org@example.org", Role::Organiser).await;
    let (cookie, _) = app.browser_session("org@example.org", "/staff").await;
    let mut stream = app
        .get_with_cookie(&format!("/organiser/{DEMO_SLUG}/live"), &cookie)
        .await;
    assert_eq!(stream.status(), 200);
    let first = tokio::time::timeout(Duration::from_secs(5), stream.chunk())
        .await
        .expect("the figures come at once")
        .expect("read");
    assert!(
        String::from_utf8_lossy(&first.expect("a chunk")).contains("event: stats"),
        "the first event is the figures"
    );

    let member = app
        .db
        .staff_member("org@example.org")
        .await
        .expect("query")
        .expect("exists");
    app.db
        .revoke_sessions(member.id, None, app.now(), &ByWhom::command_line())
        .await
        .expect("revoked");
    let ended = tokio::time::timeout(Duration::from_secs(5), async {
        while let Some(_chunk) = stream.chunk().await.expect("read") {}
    })
    .await;
    assert!(ended.is_ok(), "the stream still runs 5 s after revocation");
}

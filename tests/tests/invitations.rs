//! Invitations to an event's team (issue 12): an organiser invites an address from the team page,
//! the email goes through a real SMTP server, and its link sets a password once within 48 hours;
//! the new member then reaches that event only.

use chrono::TimeDelta;
use domain::Role;
use guichet_tests::{
    DEMO_SLUG, MailServer, Options, TestApp, hidden_field, instant, set_cookie, unescape_html,
};

async fn app_with_mail() -> (TestApp, MailServer) {
    let mail = MailServer::start();
    let app = TestApp::spawn_with(Options {
        now: instant("2008-06-15T10:00:00+02:00"),
        smtp_port: mail.port,
        worker: true,
        limits: guichet::Limits::default(),
    })
    .await;
    (app, mail)
}

/// The link in an invitation email.
fn link_in(mail: &guichet_tests::ReceivedMail) -> String {
    let message = mail.parsed();
    let text = message
        .body_text(0)
        .expect("a plain-text part")
        .into_owned();
    text.split_whitespace()
        .find(|word| word.contains("/invitations/"))
        .expect("a link")
        .to_owned()
}

/// The path of `url` on the test server.
fn path_of(url: &str) -> String {
    format!("/invitations/{}", url.rsplit('/').next().expect("a token"))
}

#[tokio::test]
async fn an_invited_desk_member_chooses_a_password_once_and_reaches_that_event_only() {
    let (app, mail) = app_with_mail().await;
    let other = app.add_event("autre-atelier", 10).await;
    app.add_staff("org@example.org", Role::Organiser).await;
    let team = format!("/organiser/{DEMO_SLUG}/team");
    let (cookie, csrf) = app.browser_session("org@example.org", &team).await;

    // Refused, naming the field: an address that is not one, a role that is not one.
    let response = app
        .post_form(
            &format!("{team}/invite"),
            &cookie,
            &[
                ("csrf", &csrf),
                ("email", "not an address"),
                ("role", "desk"),
            ],
        )
        .await;
    assert_eq!(response.status(), 422);
    let response = app
        .post_form(
            &format!("{team}/invite"),
            &cookie,
            &[
                ("csrf", &csrf),
                ("email", "new@example.org"),
                ("role", "boss"),
            ],
        )
        .await;
    assert_eq!(response.status(), 422);

    let response = app
        .post_form(
            &format!("{team}/invite"),
            &cookie,
            &[
                ("csrf", &csrf),
                ("email", "New@Example.org"),
                ("role", "desk"),
            ],
        )
        .await;
    assert_eq!(response.status(), 303);
    let messages = mail.wait_for(1).await;
    assert_eq!(messages[0].to, ["new@example.org"]);
    let link = link_in(&messages[0]);
    assert!(link.starts_with(&app.url("/invitations/")), "{link}");
    let html = unescape_html(
        &app.get_with_cookie(&team, &cookie)
            .await
            .text()
            .await
            .expect("body"),
    );
    assert!(
        html.contains("new@example.org as desk"),
        "listed as open: {html}"
    );
    assert!(
        html.contains("new@example.org was invited as desk"),
        "in the history"
    );

    // A forged or altered link is nothing.
    let path = path_of(&link);
    // Its last character changed to another (a link that ended in `a` was once "forged" into
    // itself, and this test failed).
    let last = if path.ends_with('a') { 'b' } else { 'a' };
    let forged = format!("{}{last}", &path[..path.len() - 1]);
    assert_eq!(app.get(&forged).await.status(), 404);

    // The link's page, then a password too short, then a good one.
    let page = app.get(&path).await;
    assert_eq!(page.status(), 200);
    let form_cookie = set_cookie(&page, "guichet_login_csrf").expect("the form's cookie");
    let form_csrf = hidden_field(&page.text().await.expect("body"), "csrf").expect("csrf");
    let set_password = async |password: &str| {
        app.client
            .post(app.url(&path))
            .header("cookie", &form_cookie)
            .header("accept-language", "en")
            .form(&[("csrf", form_csrf.as_str()), ("password", password)])
            .send()
            .await
            .expect("request")
    };
    assert_eq!(set_password("short").await.status(), 422);
    let done = set_password("the desk's own passphrase").await;
    assert_eq!(done.status(), 200);
    assert!(
        done.text()
            .await
            .expect("body")
            .contains("Your account is ready")
    );

    // Once only.
    assert_eq!(set_password("another passphrase!").await.status(), 404);
    assert_eq!(app.get(&path).await.status(), 404);

    // The member signs in with their password and reaches the demo's desk, not the other event.
    let response = app
        .client
        .post(app.url("/api/v1/auth/login"))
        .json(&serde_json::json!({ "email": "new@example.org", "password": "the desk's own passphrase" }))
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), 200);
    let body: serde_json::Value = response.json().await.expect("JSON");
    assert_eq!(
        body["events"],
        serde_json::json!([{ "slug": DEMO_SLUG, "role": "desk" }])
    );
    let token = body["token"].as_str().expect("token");
    let scans = |slug: &str| format!("/api/v1/events/{slug}/scans");
    let status = async |path: String| {
        app.client
            .get(app.url(&path))
            .bearer_auth(token)
            .send()
            .await
            .expect("request")
            .status()
    };
    assert_eq!(status(scans(DEMO_SLUG)).await, 200);
    assert_eq!(status(scans(other.event.slug.as_str())).await, 403);
    let log = app
        .db
        .access_log(Some(app.demo_event().await.id), 5)
        .await
        .expect("log");
    assert_eq!(log[0].action.as_str(), "invitation_accepted");
    assert_eq!(log[0].by.as_deref(), Some("new@example.org"));
}

#[tokio::test]
async fn an_invitation_lapses_after_48_hours_and_an_existing_account_gets_its_role_at_once() {
    let (app, mail) = app_with_mail().await;
    app.add_staff("org@example.org", Role::Organiser).await;
    app.add_staff_at("colleague@example.org", Role::Desk, &[])
        .await;
    app.add_staff("desk@example.org", Role::Desk).await;
    let organiser = app.login("org@example.org").await;
    let desk = app.login("desk@example.org").await;
    let team = format!("/organiser/{DEMO_SLUG}/team");
    let invite = async |token: &str, email: &str| {
        app.client
            .post(app.url(&format!("{team}/invite")))
            .bearer_auth(token)
            .form(&[("email", email), ("role", "desk")])
            .send()
            .await
            .expect("request")
            .status()
            .as_u16()
    };
    // Desk staff invite nobody; a stranger is sent to sign in first.
    assert_eq!(invite(&desk, "someone@example.org").await, 403);
    let stranger = app
        .client
        .post(app.url(&format!("{team}/invite")))
        .form(&[("email", "someone@example.org"), ("role", "desk")])
        .send()
        .await
        .expect("request");
    assert_eq!(stranger.status(), 401);

    // An existing account: the role at once, no email.
    assert_eq!(invite(&organiser, "colleague@example.org").await, 303);
    let colleague = app.login("colleague@example.org").await;
    let scans = format!("/api/v1/events/{DEMO_SLUG}/scans");
    let response = app
        .client
        .get(app.url(&scans))
        .bearer_auth(&colleague)
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), 200);

    // A new address: its link lapses after 48 hours.
    assert_eq!(invite(&organiser, "late@example.org").await, 303);
    let messages = mail.wait_for(1).await;
    assert_eq!(messages.len(), 1, "only the new address got an email");
    let path = path_of(&link_in(&messages[0]));
    assert_eq!(app.get(&path).await.status(), 200);
    app.set_clock(app.now() + TimeDelta::hours(48) + TimeDelta::minutes(1));
    let page = app.get(&path).await;
    assert_eq!(page.status(), 404);
    assert!(unescape_html(&page.text().await.expect("body")).contains("more than 48 hours old"));
}

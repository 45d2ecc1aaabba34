//! An event's team page (issue 12): its organisers see who has which role and where they are
//! signed in, change a role, end a session or all, remove a member (each counted at the
//! member's next request and written to the access history); nobody else may.

use domain::Role;
use guichet_tests::{DEMO_SLUG, TestApp, unescape_html};

fn team() -> String {
    format!("/organiser/{DEMO_SLUG}/team")
}

#[tokio::test]
async fn organisers_manage_their_events_team_and_each_change_counts_at_once() {
    let app = TestApp::spawn().await;
    app.add_staff("org@example.org", Role::Organiser).await;
    app.add_staff("desk@example.org", Role::Desk).await;
    let (cookie, csrf) = app.browser_session("org@example.org", &team()).await;
    let phone = app
        .client
        .post(app.url("/api/v1/auth/login"))
        .header("user-agent", "ScannerPhone/1.0")
        .json(&serde_json::json!({ "email": "desk@example.org", "password": guichet_tests::STAFF_PASSWORD }))
        .send()
        .await
        .expect("request")
        .json::<serde_json::Value>()
        .await
        .expect("JSON")["token"]
        .as_str()
        .expect("token")
        .to_owned();
    let tablet = app.login("desk@example.org").await;
    let desk_id = app
        .db
        .staff_member("desk@example.org")
        .await
        .expect("query")
        .expect("exists")
        .id;
    let with_token = async |token: &str, path: &str| {
        app.client
            .get(app.url(path))
            .bearer_auth(token)
            .send()
            .await
            .expect("request")
            .status()
            .as_u16()
    };
    let scans = format!("/api/v1/events/{DEMO_SLUG}/scans");
    let dashboard = format!("/organiser/{DEMO_SLUG}");

    // The page: both members, the desk's two devices with where they were last used.
    let page = app.get_with_cookie(&team(), &cookie).await;
    assert_eq!(page.status(), 200);
    let html = unescape_html(&page.text().await.expect("body"));
    assert!(html.contains("org@example.org") && html.contains("desk@example.org"));
    assert!(
        html.contains("ScannerPhone/1.0"),
        "the device's name is shown"
    );
    assert!(html.contains("127.0.0.1"), "and its address");
    let sessions = app
        .db
        .sessions_of(
            desk_id,
            app.now(),
            persistence::Idle {
                browser: chrono::TimeDelta::hours(2),
            },
        )
        .await
        .expect("sessions");
    let phone_session = sessions
        .iter()
        .find(|s| s.user_agent.as_deref() == Some("ScannerPhone/1.0"))
        .expect("the phone's session")
        .id;

    // The lost phone: ended at its next request, the tablet goes on.
    let response = app
        .post_form(
            &format!(
                "{}/members/{desk_id}/sessions/{phone_session}/revoke",
                team()
            ),
            &cookie,
            &[("csrf", &csrf)],
        )
        .await;
    assert_eq!(response.status(), 303);
    assert_eq!(with_token(&phone, &scans).await, 401);
    assert_eq!(with_token(&tablet, &scans).await, 200);

    // A new role counts at once; a role that is not one is refused, naming it.
    assert_eq!(with_token(&tablet, &dashboard).await, 403);
    let response = app
        .post_form(
            &format!("{}/members/{desk_id}/role", team()),
            &cookie,
            &[("csrf", &csrf), ("role", "chief")],
        )
        .await;
    assert_eq!(response.status(), 422);
    let response = app
        .post_form(
            &format!("{}/members/{desk_id}/role", team()),
            &cookie,
            &[("csrf", &csrf), ("role", "organiser")],
        )
        .await;
    assert_eq!(response.status(), 303);
    assert_eq!(with_token(&tablet, &dashboard).await, 200);

    // Signed out everywhere, then removed.
    let response = app
        .post_form(
            &format!("{}/members/{desk_id}/sessions/revoke", team()),
            &cookie,
            &[("csrf", &csrf)],
        )
        .await;
    assert_eq!(response.status(), 303);
    assert_eq!(with_token(&tablet, &scans).await, 401);
    let fresh = app.login("desk@example.org").await;
    assert_eq!(with_token(&fresh, &scans).await, 200);
    let response = app
        .post_form(
            &format!("{}/members/{desk_id}/remove", team()),
            &cookie,
            &[("csrf", &csrf)],
        )
        .await;
    assert_eq!(response.status(), 303);
    assert_eq!(with_token(&fresh, &scans).await, 403);

    // Gone from the team: the address names no member now.
    let response = app
        .post_form(
            &format!("{}/members/{desk_id}/remove", team()),
            &cookie,
            &[("csrf", &csrf)],
        )
        .await;
    assert_eq!(response.status(), 404);

    // The history says who did what, from where, newest first.
    let html = unescape_html(
        &app.get_with_cookie(&team(), &cookie)
            .await
            .text()
            .await
            .expect("body"),
    );
    guichet_tests::assert_in_order(
        &html,
        &[
            "desk@example.org was removed from the team",
            "every session of desk@example.org was ended",
            "desk@example.org became organiser",
            "a session of desk@example.org was ended",
            "desk@example.org became desk",
        ],
    );
    let log = app
        .db
        .access_log(Some(app.demo_event().await.id), 10)
        .await
        .expect("log");
    assert_eq!(log[0].by.as_deref(), Some("org@example.org"));
    assert_eq!(log[0].address.as_deref(), Some("127.0.0.1"));
}

#[tokio::test]
async fn the_team_page_is_its_organisers_and_admins_alone_and_admins_are_managed_by_admins() {
    let app = TestApp::spawn().await;
    app.add_staff("org@example.org", Role::Organiser).await;
    app.add_staff("desk@example.org", Role::Desk).await;
    app.add_admin("admin@example.org").await;
    app.grant("admin@example.org", DEMO_SLUG, Role::Organiser)
        .await;
    let organiser = app.login("org@example.org").await;
    let desk = app.login("desk@example.org").await;
    let admin = app.login("admin@example.org").await;
    let admin_id = app
        .db
        .staff_member("admin@example.org")
        .await
        .expect("query")
        .expect("exists")
        .id;
    let send =
        async |token: Option<&str>, method: reqwest::Method, path: &str, form: &[(&str, &str)]| {
            let mut request = app.client.request(method, app.url(path)).form(form);
            if let Some(token) = token {
                request = request.bearer_auth(token);
            }
            request.send().await.expect("request").status().as_u16()
        };
    let get = reqwest::Method::GET;
    let post = reqwest::Method::POST;

    // A stranger is sent to sign in; the desk is refused; organisers and admins see it.
    let response = app.get(&team()).await;
    assert_eq!(response.status(), 303);
    assert_eq!(send(Some(&desk), get.clone(), &team(), &[]).await, 403);
    assert_eq!(send(Some(&organiser), get.clone(), &team(), &[]).await, 200);
    assert_eq!(send(Some(&admin), get.clone(), &team(), &[]).await, 200);

    // An organiser does not manage an admin, nor require a second factor; an admin does.
    let remove_admin = format!("{}/members/{admin_id}/remove", team());
    assert_eq!(
        send(Some(&organiser), post.clone(), &remove_admin, &[]).await,
        403
    );
    let require = format!("{}/second-factor", team());
    assert_eq!(
        send(
            Some(&organiser),
            post.clone(),
            &require,
            &[("required", "true")]
        )
        .await,
        403
    );
    assert_eq!(
        send(
            Some(&admin),
            post.clone(),
            &require,
            &[("required", "true")]
        )
        .await,
        303
    );
    assert!(app.demo_event().await.organisers_need_totp);
    // Now the organiser without a second factor is refused the team page itself.
    assert_eq!(send(Some(&organiser), get, &team(), &[]).await, 403);
}

#[tokio::test]
async fn the_instances_access_changes_are_on_a_page_for_admins_alone() {
    let app = TestApp::spawn().await;
    app.add_staff("org@example.org", Role::Organiser).await;
    app.add_admin("admin@example.org").await;
    let member = app
        .db
        .staff_member("org@example.org")
        .await
        .expect("query")
        .expect("exists");
    app.db
        .set_disabled(
            member.id,
            true,
            app.now(),
            &persistence::ByWhom::command_line(),
        )
        .await
        .expect("disabled");
    app.db
        .set_disabled(
            member.id,
            false,
            app.now(),
            &persistence::ByWhom::command_line(),
        )
        .await
        .expect("enabled");
    let organiser = app.login("org@example.org").await;
    let admin = app.login("admin@example.org").await;
    let get = async |token: &str| {
        app.client
            .get(app.url("/staff/admin"))
            .bearer_auth(token)
            .send()
            .await
            .expect("request")
    };
    assert_eq!(
        app.get("/staff/admin").await.status(),
        303,
        "a stranger signs in first"
    );
    assert_eq!(get(&organiser).await.status(), 403);
    let page = get(&admin).await;
    assert_eq!(page.status(), 200);
    let html = unescape_html(&page.text().await.expect("body"));
    guichet_tests::assert_in_order(
        &html,
        &[
            "the account org@example.org was enabled",
            "the account org@example.org was disabled",
            "admin@example.org became an administrator",
        ],
    );
    assert!(html.contains("command line"));
}

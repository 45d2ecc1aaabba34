//! Two-factor sign-in (issue 12): TOTP codes right, wrong and replayed, recovery codes, the
//! browser's two steps, enrolment from the account page, a password change there, and events
//! whose organisers must have a second factor.

use chrono::TimeDelta;
use domain::second_factor::{recovery_code, recovery_code_hash};
use domain::{Role, TotpSecret};
use guichet_tests::{DEMO_SLUG, STAFF_PASSWORD, TestApp, hidden_field, set_cookie};
use persistence::ByWhom;
use serde_json::{Value, json};

/// Enrols `email` with a known secret and two recovery codes; returns them.
async fn enrol(app: &TestApp, email: &str) -> (TotpSecret, Vec<String>) {
    let member = app
        .db
        .staff_member(email)
        .await
        .expect("query")
        .expect("exists");
    let secret = TotpSecret::from_random([42; 20]);
    let codes = vec![recovery_code([1; 7]), recovery_code([2; 7])];
    let hashes: Vec<String> = codes
        .iter()
        .map(|c| recovery_code_hash(&c.replace('-', "")))
        .collect();
    app.db
        .enrol_totp(
            member.id,
            &secret.to_base32(),
            None,
            &hashes,
            None,
            app.now(),
            &ByWhom::command_line(),
        )
        .await
        .expect("enrolled");
    (secret, codes)
}

async fn api_login(app: &TestApp, email: &str, otp: Option<&str>) -> (u16, Value) {
    let mut body = json!({ "email": email, "password": STAFF_PASSWORD });
    if let Some(otp) = otp {
        body["otp"] = json!(otp);
    }
    let response = app
        .client
        .post(app.url("/api/v1/auth/login"))
        .json(&body)
        .send()
        .await
        .expect("request");
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or_default())
}

#[tokio::test]
async fn the_api_asks_for_the_code_and_takes_each_code_once() {
    let app = TestApp::spawn().await;
    app.add_staff("org@example.org", Role::Organiser).await;
    let (secret, recovery) = enrol(&app, "org@example.org").await;

    let (status, body) = api_login(&app, "org@example.org", None).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (401, Some("otp_required"))
    );

    let code = secret.code_at(app.now());
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let (status, body) = api_login(&app, "org@example.org", Some(wrong)).await;
    assert_eq!((status, body["error"].as_str()), (401, Some("otp_invalid")));
    let (status, body) = api_login(&app, "org@example.org", Some("not a code")).await;
    assert_eq!((status, body["error"].as_str()), (401, Some("otp_invalid")));

    let (status, body) = api_login(&app, "org@example.org", Some(&code)).await;
    assert_eq!(status, 200, "{body}");
    assert!(body["token"].as_str().is_some_and(|t| !t.is_empty()));
    // The same code again, within its window: refused.
    let (status, body) = api_login(&app, "org@example.org", Some(&code)).await;
    assert_eq!((status, body["error"].as_str()), (401, Some("otp_invalid")));

    // The next step's code is good.
    app.set_clock(app.now() + TimeDelta::seconds(30));
    let next = secret.code_at(app.now());
    assert_eq!(api_login(&app, "org@example.org", Some(&next)).await.0, 200);

    // A recovery code (as typed, in capitals), once.
    let typed = recovery[0].to_uppercase();
    assert_eq!(
        api_login(&app, "org@example.org", Some(&typed)).await.0,
        200
    );
    let (status, body) = api_login(&app, "org@example.org", Some(&typed)).await;
    assert_eq!((status, body["error"].as_str()), (401, Some("otp_invalid")));
    assert_eq!(
        api_login(&app, "org@example.org", Some(&recovery[1]))
            .await
            .0,
        200
    );

    // A wrong password is still the plain answer, code or not.
    let response = app
        .client
        .post(app.url("/api/v1/auth/login"))
        .json(&json!({ "email": "org@example.org", "password": "wrong password", "otp": next }))
        .send()
        .await
        .expect("request");
    let body: Value = response.json().await.expect("JSON");
    assert_eq!(body["error"], "invalid_credentials");
}

#[tokio::test]
async fn wrong_codes_count_toward_the_sign_in_throttle() {
    let app = TestApp::spawn().await;
    app.add_staff("org@example.org", Role::Organiser).await;
    let (secret, _) = enrol(&app, "org@example.org").await;
    let code = secret.code_at(app.now());
    let wrong = if code == "000000" { "111111" } else { "000000" };
    for _ in 0..5 {
        assert_eq!(api_login(&app, "org@example.org", Some(wrong)).await.0, 401);
    }
    // The sixth try, with the right password and code: throttled.
    let (status, body) = api_login(&app, "org@example.org", Some(&code)).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (429, Some("too_many_attempts"))
    );
}

#[tokio::test]
async fn the_browser_signs_in_in_two_steps_and_the_code_page_refuses_a_wrong_or_used_code() {
    let app = TestApp::spawn().await;
    app.add_staff("org@example.org", Role::Organiser).await;
    let (secret, _) = enrol(&app, "org@example.org").await;

    // Step one: the password. No session yet, a challenge, and the code form.
    let (form_cookie, token) = app.login_form().await;
    let response = app
        .client
        .post(app.url("/login"))
        .header("cookie", &form_cookie)
        .header("accept-language", "en")
        .form(&[
            ("email", "org@example.org"),
            ("password", STAFF_PASSWORD),
            ("next", "/staff"),
            ("csrf", &token),
        ])
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), 200);
    assert!(set_cookie(&response, "guichet_session").is_none());
    let challenge = set_cookie(&response, "guichet_challenge").expect("a challenge");
    let html = response.text().await.expect("body");
    assert!(html.contains("action=\"/login/code\""), "{html}");
    assert!(html.contains("autocomplete=\"one-time-code\""));
    let csrf = hidden_field(&html, "csrf").expect("csrf");
    let cookies = format!("{challenge}; {form_cookie}");
    let send_code = async |code: &str| {
        app.client
            .post(app.url("/login/code"))
            .header("cookie", &cookies)
            .header("accept-language", "en")
            .form(&[("code", code), ("csrf", &csrf), ("next", "/staff")])
            .send()
            .await
            .expect("request")
    };

    let code = secret.code_at(app.now());
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let response = send_code(wrong).await;
    assert_eq!(response.status(), 401);
    let html = response.text().await.expect("body");
    assert!(html.contains("This code is wrong"), "{html}");

    // Step two: the right code signs in and goes on to `next`.
    let response = send_code(&code).await;
    assert_eq!(response.status(), 303);
    assert_eq!(response.headers()["location"], "/staff");
    let session = set_cookie(&response, "guichet_session").expect("signed in");
    assert_eq!(app.get_with_cookie("/staff", &session).await.status(), 200);

    // The challenge is spent: the same cookie and a fresh code open nothing.
    app.set_clock(app.now() + TimeDelta::seconds(30));
    let response = send_code(&secret.code_at(app.now())).await;
    assert_eq!(response.status(), 401);
    assert!(set_cookie(&response, "guichet_session").is_none());
}

#[tokio::test]
async fn a_member_enrols_from_the_account_page_and_a_new_password_ends_their_other_sessions() {
    let app = TestApp::spawn().await;
    app.add_staff("desk@example.org", Role::Desk).await;
    let (cookie, csrf) = app
        .browser_session("desk@example.org", "/staff/account")
        .await;
    let page = app.get_with_cookie("/staff/account", &cookie).await;
    assert_eq!(page.status(), 200);
    assert!(
        page.text()
            .await
            .expect("body")
            .contains("Set up two-factor sign-in")
    );

    // Begin, with the current password (a session left open alone cannot): a secret to scan
    // (a PNG) or type, until a code confirms it.
    let response = app
        .post_form(
            "/staff/account/totp",
            &cookie,
            &[("csrf", &csrf), ("current", "not the password")],
        )
        .await;
    assert_eq!(response.status(), 422);
    let response = app
        .post_form(
            "/staff/account/totp",
            &cookie,
            &[("csrf", &csrf), ("current", STAFF_PASSWORD)],
        )
        .await;
    assert_eq!(response.status(), 303);
    // A device signed in meanwhile, with the password alone: enrolment will end it.
    let before = app.login("desk@example.org").await;
    let html = app
        .get_with_cookie("/staff/account", &cookie)
        .await
        .text()
        .await
        .expect("body");
    let key = html
        .split("id=\"totp-secret\">")
        .nth(1)
        .and_then(|rest| rest.split('<').next())
        .expect("the key shown");
    let secret = TotpSecret::from_base32(key).expect("a base32 key");
    let png = app
        .get_with_cookie("/staff/account/totp.png", &cookie)
        .await;
    assert_eq!(png.status(), 200);
    assert_eq!(png.headers()["content-type"], "image/png");
    let uri = guichet_tests::decode_qr(&png.bytes().await.expect("body"));
    assert!(
        uri.starts_with("otpauth://totp/guichet:desk%40example.org?"),
        "{uri}"
    );
    assert!(uri.contains(&format!("secret={key}")), "{uri}");

    // A wrong code confirms nothing.
    let code = secret.code_at(app.now());
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let response = app
        .post_form(
            "/staff/account/totp/confirm",
            &cookie,
            &[("csrf", &csrf), ("code", wrong)],
        )
        .await;
    assert_eq!(response.status(), 422);
    assert_eq!(api_login(&app, "desk@example.org", None).await.0, 200);

    // The right one: on, with ten recovery codes shown once.
    let response = app
        .post_form(
            "/staff/account/totp/confirm",
            &cookie,
            &[("csrf", &csrf), ("code", &code)],
        )
        .await;
    assert_eq!(response.status(), 200);
    let html = response.text().await.expect("body");
    let shown: Vec<&str> = html
        .split("<li><code>")
        .skip(1)
        .filter_map(|rest| rest.split('<').next())
        .collect();
    assert_eq!(shown.len(), 10, "{html}");
    let again = app
        .get_with_cookie("/staff/account", &cookie)
        .await
        .text()
        .await
        .expect("body");
    assert!(!again.contains(shown[0]), "the codes are shown once");
    let scans = format!("/api/v1/events/{DEMO_SLUG}/scans");
    let ended = app
        .client
        .get(app.url(&scans))
        .bearer_auth(&before)
        .send()
        .await
        .expect("request")
        .status();
    assert_eq!(ended, 401, "enrolment ends the member's other sessions");
    assert_eq!(
        app.get_with_cookie("/staff/account", &cookie)
            .await
            .status(),
        200,
        "and keeps the one it was confirmed in"
    );
    // Replacing it takes a code of the current one, besides the password.
    let response = app
        .post_form(
            "/staff/account/totp",
            &cookie,
            &[
                ("csrf", &csrf),
                ("current", STAFF_PASSWORD),
                ("code", "000000"),
            ],
        )
        .await;
    assert_eq!(response.status(), 422);
    // The code that confirmed it is spent; sign-in now needs a code.
    let (status, body) = api_login(&app, "desk@example.org", None).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (401, Some("otp_required"))
    );
    assert_eq!(
        api_login(&app, "desk@example.org", Some(&code)).await.0,
        401
    );
    assert_eq!(
        api_login(&app, "desk@example.org", Some(shown[3])).await.0,
        200
    );
    let log = app.db.access_log(None, 5).await.expect("log");
    assert_eq!(log[0].action.as_str(), "totp_enrolled");
    assert_eq!(log[0].by.as_deref(), Some("desk@example.org"));
    assert_eq!(log[0].address.as_deref(), Some("127.0.0.1"));

    // A new password: the current one first; then the other sessions end, this one stays.
    app.set_clock(app.now() + TimeDelta::seconds(30));
    let (status, body) = api_login(&app, "desk@example.org", Some(shown[4])).await;
    assert_eq!(status, 200);
    let device = body["token"].as_str().expect("token").to_owned();
    let device_status = async || {
        app.client
            .get(app.url(&scans))
            .bearer_auth(&device)
            .send()
            .await
            .expect("request")
            .status()
    };
    assert_eq!(device_status().await, 200);
    let response = app
        .post_form(
            "/staff/account/password",
            &cookie,
            &[
                ("csrf", &csrf),
                ("current", "not it at all"),
                ("new", "a brand new passphrase"),
            ],
        )
        .await;
    assert_eq!(response.status(), 422);
    assert!(
        response
            .text()
            .await
            .expect("body")
            .contains("current password is wrong")
    );
    let response = app
        .post_form(
            "/staff/account/password",
            &cookie,
            &[
                ("csrf", &csrf),
                ("current", STAFF_PASSWORD),
                ("new", "short"),
            ],
        )
        .await;
    assert_eq!(response.status(), 422);
    assert_eq!(device_status().await, 200, "nothing changed");
    let response = app
        .post_form(
            "/staff/account/password",
            &cookie,
            &[
                ("csrf", &csrf),
                ("current", STAFF_PASSWORD),
                ("new", "a brand new passphrase"),
            ],
        )
        .await;
    assert_eq!(response.status(), 200);
    assert_eq!(device_status().await, 401, "the other session ended");
    assert_eq!(
        app.get_with_cookie("/staff/account", &cookie)
            .await
            .status(),
        200,
        "this one goes on"
    );
}

#[tokio::test]
async fn an_event_can_require_its_organisers_to_have_a_second_factor() {
    let app = TestApp::spawn().await;
    app.add_staff("org@example.org", Role::Organiser).await;
    app.add_staff("desk@example.org", Role::Desk).await;
    let organiser = app.login("org@example.org").await;
    let desk = app.login("desk@example.org").await;
    let event = app.demo_event().await;
    app.db
        .set_organisers_need_totp(event.id, true, app.now(), &ByWhom::command_line())
        .await
        .expect("set");
    let get = async |token: &str, path: &str| {
        let response = app
            .client
            .get(app.url(path))
            .bearer_auth(token)
            .send()
            .await
            .expect("request");
        let status = response.status().as_u16();
        (status, response.json::<Value>().await.unwrap_or_default())
    };
    let report = format!("/api/v1/events/{DEMO_SLUG}/reports/attendance.csv");
    let (status, body) = get(&organiser, &report).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (403, Some("second_factor_required"))
    );
    // The desk is not an organiser's work: it goes on.
    assert_eq!(
        get(&desk, &format!("/api/v1/events/{DEMO_SLUG}/scans"))
            .await
            .0,
        200
    );

    // Enrolled (which ends the sessions opened with the password alone), and signed in with a
    // code, the organiser is let in.
    let (secret, _) = enrol(&app, "org@example.org").await;
    assert_eq!(get(&organiser, &report).await.0, 401);
    let (status, body) = api_login(&app, "org@example.org", Some(&secret.code_at(app.now()))).await;
    assert_eq!(status, 200);
    let with_code = body["token"].as_str().expect("token").to_owned();
    let answer = get(&with_code, &report).await;
    assert_eq!(answer.0, 200, "{}", answer.1);
    // The failed emails of that event are an organiser's work too.
    let (status, _) = get(&with_code, "/api/v1/outbox/failed").await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn wrong_codes_from_many_addresses_are_capped_for_the_account() {
    // Clients named by X-Forwarded-For, as behind a proxy: each try from a new address.
    let app = TestApp::spawn_with(guichet_tests::Options {
        now: guichet_tests::demo_morning(),
        smtp_port: guichet_tests::free_port(),
        worker: false,
        limits: guichet::Limits {
            trusted_proxies: "127.0.0.1".parse().expect("valid proxies"),
            ..guichet::Limits::default()
        },
    })
    .await;
    app.add_staff("org@example.org", Role::Organiser).await;
    app.add_staff("desk@example.org", Role::Desk).await;
    let (secret, _) = enrol(&app, "org@example.org").await;
    let code = secret.code_at(app.now());
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let from = async |address: &str, email: &str, otp: Option<&str>| {
        let mut body = json!({ "email": email, "password": STAFF_PASSWORD });
        if let Some(otp) = otp {
            body["otp"] = json!(otp);
        }
        app.client
            .post(app.url("/api/v1/auth/login"))
            .header("x-forwarded-for", address)
            .json(&body)
            .send()
            .await
            .expect("request")
            .status()
            .as_u16()
    };
    // Ten wrong codes, two from each of five addresses (under each address's own limit).
    for i in 0..10 {
        let address = format!("198.51.100.{}", i / 2 + 1);
        assert_eq!(from(&address, "org@example.org", Some(wrong)).await, 401);
    }
    // The eleventh, from an address never seen, with the right code: refused for the account.
    assert_eq!(
        from("203.0.113.9", "org@example.org", Some(&code)).await,
        429
    );
    // A colleague signing in from that address is not concerned.
    assert_eq!(from("203.0.113.9", "desk@example.org", None).await, 200);
}

#[tokio::test]
async fn a_stranger_is_refused_every_account_route() {
    let app = TestApp::spawn().await;
    assert_eq!(
        app.get("/staff/account").await.status(),
        303,
        "sent to sign in"
    );
    assert_eq!(app.get("/staff/account/totp.png").await.status(), 401);
    for path in [
        "/staff/account/totp",
        "/staff/account/totp/confirm",
        "/staff/account/password",
    ] {
        let response = app
            .client
            .post(app.url(path))
            .form(&[("current", STAFF_PASSWORD), ("code", "123456")])
            .send()
            .await
            .expect("request");
        assert_eq!(response.status(), 401, "{path}");
    }
}

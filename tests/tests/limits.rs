//! The public face's abuse limits, as a client meets them: who the client is behind proxies,
//! registrations per client address and minute, a ticket's re-sends, the honeypot, and sign-in
//! throttling per (account, address) and per address with a cap on password checks at once.

use domain::Role;
use guichet::Limits;
use guichet_tests::{
    DEMO_SLUG, MailServer, Options, Outbox, STAFF_PASSWORD, TestApp, instant, participant,
    unescape_html,
};
use serde_json::{Value, json};
use std::num::NonZeroU32;
use std::sync::Arc;

/// A day the demo's registration is open.
fn registration_day() -> chrono::DateTime<chrono::Utc> {
    instant("2008-06-15T10:00:00+02:00")
}

/// guichet with these limits, and no worker: what is queued stays in the outbox to be counted.
async fn app_with(limits: Limits) -> TestApp {
    TestApp::spawn_with(Options {
        now: registration_day(),
        smtp_port: MailServer::start().port,
        worker: false,
        limits,
    })
    .await
}

fn trusting(proxies: &str) -> Limits {
    Limits {
        trusted_proxies: proxies.parse().expect("valid proxies"),
        ..Limits::default()
    }
}

/// POSTs a JSON registration, claiming to come from `forwarded_for` (when given).
async fn register(app: &TestApp, body: &Value, forwarded_for: Option<&str>) -> reqwest::Response {
    let mut request = app
        .client
        .post(app.url(&format!("/api/v1/events/{DEMO_SLUG}/registrations")))
        .header("accept-language", "en")
        .json(body);
    if let Some(hops) = forwarded_for {
        request = request.header("x-forwarded-for", hops);
    }
    request.send().await.expect("request sent")
}

/// The registration form as a browser posts it.
fn form(given: &str, email: &str) -> Vec<(&'static str, String)> {
    vec![
        ("given_name", given.to_owned()),
        ("family_name", "Ndiaye".to_owned()),
        ("email", email.to_owned()),
        ("organisation", "Ministère de l'Intérieur".to_owned()),
        ("function", "Conseillère".to_owned()),
        ("category", "member_state".to_owned()),
        ("country", "SN".to_owned()),
        ("language", "fr".to_owned()),
        ("consent", "yes".to_owned()),
    ]
}

async fn post_form(app: &TestApp, fields: &[(&str, String)], lang: &str) -> reqwest::Response {
    app.client
        .post(app.url(&format!("/events/{DEMO_SLUG}/register")))
        .header("accept-language", lang)
        .form(fields)
        .send()
        .await
        .expect("request sent")
}

fn retry_after(response: &reqwest::Response) -> u64 {
    response
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("a Retry-After in seconds: {:?}", response.headers()))
}

async fn registered(app: &TestApp) -> u64 {
    app.db
        .status_counts(app.demo_event().await.id)
        .await
        .expect("counts")
        .registered()
}

fn someone(n: usize) -> Value {
    participant("Awa", &format!("N{n}"), &format!("awa{n}@example.org"))
}

#[tokio::test]
async fn a_spoofed_forwarded_for_from_an_untrusted_peer_is_ignored() {
    // No trusted proxy: every request is the TCP peer's (127.0.0.1), whatever it claims.
    let app = app_with(Limits {
        registrations_per_minute: 3,
        ..Limits::default()
    })
    .await;
    for n in 0..3 {
        let spoofed = format!("198.51.100.{n}");
        let response = register(&app, &someone(n), Some(&spoofed)).await;
        assert_eq!(response.status(), 202);
    }
    let response = register(&app, &someone(3), Some("198.51.100.200")).await;
    assert_eq!(response.status(), 429);
    assert_eq!(registered(&app).await, 3);
    app.assert_outbox(Outbox::pending(3)).await;
}

#[tokio::test]
async fn behind_a_trusted_proxy_the_rightmost_untrusted_address_is_the_client() {
    let app = app_with(Limits {
        registrations_per_minute: 3,
        ..trusting("127.0.0.1, 10.0.0.0/8")
    })
    .await;
    // The client 203.0.113.5 reached the proxy 10.0.0.2, which reached guichet; what the
    // client wrote itself (the leftmost entries) changes every time and counts for nothing.
    for n in 0..3 {
        let hops = format!("192.0.2.{n}, 203.0.113.5, 10.0.0.2");
        assert_eq!(register(&app, &someone(n), Some(&hops)).await.status(), 202);
    }
    let hops = "192.0.2.99, 203.0.113.5, 10.0.0.2";
    let refused = register(&app, &someone(3), Some(hops)).await;
    assert_eq!(refused.status(), 429);
    // Another client behind the same proxy, and the proxy itself, have their own allowance.
    let other = register(&app, &someone(4), Some("203.0.113.6, 10.0.0.2")).await;
    assert_eq!(other.status(), 202);
    assert_eq!(register(&app, &someone(5), None).await.status(), 202);
    assert_eq!(registered(&app).await, 5);
    app.assert_outbox(Outbox::pending(5)).await;
}

#[tokio::test]
async fn beyond_twenty_registrations_a_minute_form_and_api_get_429_and_the_form_keeps_what_was_typed()
 {
    // The default: 20 a minute per client address, the form and the API together.
    let app = app_with(Limits::default()).await;
    for n in 0..10 {
        assert_eq!(register(&app, &someone(n), None).await.status(), 202);
        let fields = form("Fatou", &format!("fatou{n}@example.org"));
        assert_eq!(post_form(&app, &fields, "fr").await.status(), 303);
    }

    let typed = form("Zoé", "zoe.diallo@example.org");
    let refused = post_form(&app, &typed, "fr").await;
    assert_eq!(refused.status(), 429);
    let wait = retry_after(&refused);
    assert!((1..=60).contains(&wait), "{wait}");
    let page = unescape_html(&refused.text().await.expect("body"));
    assert!(
        page.contains("Trop d'inscriptions"),
        "the message, in French"
    );
    assert!(page.contains("value=\"Zoé\""), "what was typed is kept");
    assert!(page.contains("value=\"zoe.diallo@example.org\""));
    assert!(page.contains("value=\"SN\" selected"));

    let refused = register(&app, &someone(99), None).await;
    assert_eq!(refused.status(), 429);
    assert!(retry_after(&refused) >= 1);
    let body: Value = refused.json().await.expect("JSON");
    assert_eq!(body["error"], "too_many_attempts");
    assert!(
        body["message"]
            .as_str()
            .expect("a message")
            .starts_with("Too many registrations"),
        "{body}"
    );
    assert_eq!(
        registered(&app).await,
        20,
        "nothing stored beyond the limit"
    );
    app.assert_outbox(Outbox::pending(20)).await;
}

#[tokio::test]
async fn a_limit_of_zero_turns_the_registration_limit_off() {
    let app = app_with(Limits {
        registrations_per_minute: 0,
        ..Limits::default()
    })
    .await;
    for n in 0..40 {
        assert_eq!(register(&app, &someone(n), None).await.status(), 202);
    }
    assert_eq!(registered(&app).await, 40);
    app.assert_outbox(Outbox::pending(40)).await;
}

#[tokio::test]
async fn a_ticket_is_sent_again_at_most_three_times_an_hour_and_the_answers_do_not_change() {
    let app = app_with(Limits::default()).await;
    let event = app.demo_event().await;
    let address = "mariam.toure@example.org";
    let (registration, token) = app.ticket(&event, "Mariam", "Touré", address).await;
    let body = participant("Mariam", "Touré", address);
    let queued = || async { app.db.outbox_counts().await.expect("counts").pending };
    assert_eq!(queued().await, 1, "the ticket");

    let again = register(&app, &body, None).await;
    assert_eq!(again.status(), 202);
    let first_answer = again.text().await.expect("body");
    let resend = || async {
        app.client
            .post(app.url(&format!("/t/{token}/resend")))
            .send()
            .await
            .expect("request")
    };
    let first_resend = resend().await;
    assert_eq!(first_resend.status(), 303);
    let sent_page = first_resend.headers()["location"].clone();
    let fields = form("Mariam", address);
    assert_eq!(post_form(&app, &fields, "fr").await.status(), 303);
    assert_eq!(queued().await, 4, "the ticket and three re-sends");

    // A fourth, fifth and sixth request within the hour are answered exactly alike, and queue
    // nothing.
    let withheld = register(&app, &body, None).await;
    assert_eq!(withheld.status(), 202);
    assert_eq!(withheld.text().await.expect("body"), first_answer);
    let withheld = resend().await;
    assert_eq!(withheld.status(), 303);
    assert_eq!(withheld.headers()["location"], sent_page);
    let withheld = post_form(&app, &fields, "fr").await;
    assert_eq!(withheld.status(), 303);
    assert_eq!(
        withheld.headers()["location"],
        format!("/events/{DEMO_SLUG}/registered").as_str()
    );
    assert_eq!(queued().await, 4, "no further email");

    // An organiser's re-send is theirs to decide: not limited.
    app.add_staff("org@example.org", Role::Organiser).await;
    let (cookie, csrf) = app
        .browser_session("org@example.org", &format!("/organiser/{DEMO_SLUG}"))
        .await;
    let path = format!(
        "/organiser/{DEMO_SLUG}/registrations/{}/resend",
        registration.id
    );
    let organiser = app.post_form(&path, &cookie, &[("csrf", &csrf)]).await;
    assert_eq!(organiser.status(), 303);
    assert_eq!(queued().await, 5);

    // An hour after the first re-send, the participant may ask again.
    app.set_clock(app.now() + chrono::TimeDelta::minutes(61));
    assert_eq!(resend().await.status(), 303);
    assert_eq!(queued().await, 6);
    app.assert_outbox(Outbox::pending(6)).await;
}

#[tokio::test]
async fn the_resend_limit_holds_across_two_instances_on_one_database() {
    let options = Options {
        now: registration_day(),
        smtp_port: MailServer::start().port,
        worker: false,
        limits: Limits::default(),
    };
    let first = Arc::new(TestApp::spawn_with(options.clone()).await);
    let second = Arc::new(first.second_instance(options).await);
    let event = first.demo_event().await;
    let (_, token) = first
        .ticket(&event, "Ibrahima", "Fall", "ibrahima@example.org")
        .await;
    // Twelve "send my ticket again" at once, half through each instance.
    let mut tasks = Vec::new();
    for n in 0..12 {
        let app = if n % 2 == 0 {
            first.clone()
        } else {
            second.clone()
        };
        let url = app.url(&format!("/t/{token}/resend"));
        tasks.push(tokio::spawn(async move {
            app.client.post(url).send().await.expect("request").status()
        }));
    }
    for task in tasks {
        assert_eq!(task.await.expect("task"), 303);
    }
    first.assert_outbox(Outbox::pending(1 + 3)).await;
}

#[tokio::test]
async fn a_filled_honeypot_looks_accepted_but_nothing_is_stored_or_sent() {
    let app = app_with(Limits::default()).await;
    let page = app
        .get(&format!("/events/{DEMO_SLUG}"))
        .await
        .text()
        .await
        .expect("page");
    let trap = page
        .split("<div class=\"hp\" aria-hidden=\"true\">")
        .nth(1)
        .and_then(|rest| rest.split("</div>").next())
        .expect("the honeypot, hidden from screen readers");
    assert!(trap.contains("name=\"website\""), "{trap}");
    assert!(
        trap.contains("tabindex=\"-1\""),
        "out of the keyboard's way"
    );
    assert!(
        trap.contains("autocomplete=\"off\""),
        "never filled in by the browser"
    );
    assert!(!trap.contains("style="), "hidden by the stylesheet's class");
    let stylesheet = app
        .get("/static/event.css")
        .await
        .text()
        .await
        .expect("the event page's stylesheet");
    assert!(page.contains("/static/event.css"), "the page uses it");
    assert!(
        stylesheet.contains("form.register .hp {"),
        "the class hides it"
    );

    let mut fields = form("Robot", "robot@example.org");
    fields.push(("website", "https://spam.example/".to_owned()));
    let answer = post_form(&app, &fields, "en").await;
    assert_eq!(answer.status(), 303);
    assert_eq!(
        answer.headers()["location"],
        format!("/events/{DEMO_SLUG}/registered").as_str(),
        "the answer of a registration taken"
    );
    assert_eq!(registered(&app).await, 0, "nothing stored");
    app.assert_outbox(Outbox::SETTLED).await;

    // The same form with the trap left empty, as people leave it, registers.
    fields.pop();
    fields.push(("website", String::new()));
    assert_eq!(post_form(&app, &fields, "en").await.status(), 303);
    assert_eq!(registered(&app).await, 1);
    app.assert_outbox(Outbox::pending(1)).await;
}

/// POSTs `POST /api/v1/auth/login`, through a proxy that names `client` when given.
async fn api_login(
    app: &TestApp,
    email: &str,
    password: &str,
    client: Option<&str>,
) -> reqwest::Response {
    let mut request = app
        .client
        .post(app.url("/api/v1/auth/login"))
        .header("accept-language", "fr")
        .json(&json!({ "email": email, "password": password }));
    if let Some(client) = client {
        request = request.header("x-forwarded-for", client);
    }
    request.send().await.expect("request sent")
}

/// The sign-in form, through a proxy that names `client`.
async fn form_login(app: &TestApp, email: &str, password: &str, client: &str) -> reqwest::Response {
    // As a browser does: the form first, for its CSRF cookie and token.
    let (cookie, token) = app.login_form().await;
    app.client
        .post(app.url("/login"))
        .header("accept-language", "en")
        .header("x-forwarded-for", client)
        .header("cookie", cookie)
        .form(&[
            ("email", email),
            ("password", password),
            ("next", "/"),
            ("csrf", &token),
        ])
        .send()
        .await
        .expect("request sent")
}

async fn login_app(limits: Limits) -> TestApp {
    let app = app_with(limits).await;
    app.add_staff("desk@example.org", Role::Desk).await;
    app
}

#[tokio::test]
async fn twenty_concurrent_wrong_passwords_from_one_address_get_five_verifications() {
    // Room for every verification at once: only the throttle may stop them.
    let app = Arc::new(
        login_app(Limits {
            password_checks: NonZeroU32::new(64).expect("not zero"),
            ..Limits::default()
        })
        .await,
    );
    let mut tasks = Vec::new();
    for _ in 0..20 {
        let app = app.clone();
        tasks.push(tokio::spawn(async move {
            let response = api_login(&app, "desk@example.org", "guess guess guess", None).await;
            let status = response.status().as_u16();
            (status, status == 429 && retry_after(&response) > 0)
        }));
    }
    let mut answers = Vec::new();
    for task in tasks {
        answers.push(task.await.expect("task"));
    }
    let verified = answers.iter().filter(|(status, _)| *status == 401).count();
    let throttled = answers
        .iter()
        .filter(|(status, retry)| *status == 429 && *retry)
        .count();
    assert_eq!((verified, throttled), (5, 15), "{answers:?}");
    let failed = "SELECT COUNT(*) AS n FROM login_attempts WHERE outcome = 'failed'";
    assert_eq!(app.count(failed).await, 5);
    // The pair is blocked, even for the right password.
    let blocked = api_login(&app, "desk@example.org", STAFF_PASSWORD, None).await;
    assert_eq!(blocked.status(), 429);
    app.assert_outbox(Outbox::SETTLED).await;
}

#[tokio::test]
async fn a_colleague_at_another_address_still_signs_in_when_one_address_is_throttled() {
    let app = login_app(trusting("127.0.0.1")).await;
    for _ in 0..5 {
        let wrong = api_login(&app, "desk@example.org", "guess guess", Some("203.0.113.5")).await;
        assert_eq!(wrong.status(), 401);
    }
    // From that address the account is blocked, for 15 minutes.
    let blocked = api_login(
        &app,
        "desk@example.org",
        STAFF_PASSWORD,
        Some("203.0.113.5"),
    )
    .await;
    assert_eq!(blocked.status(), 429);
    let wait = retry_after(&blocked);
    assert!((14 * 60..=15 * 60).contains(&wait), "{wait}");
    let body: Value = blocked.json().await.expect("JSON");
    let message = body["message"].as_str().expect("a message");
    assert!(message.contains("Trop de tentatives"), "{message}");
    assert!(message.contains("15 minutes"), "{message}");
    let form = form_login(&app, "desk@example.org", STAFF_PASSWORD, "203.0.113.5").await;
    assert_eq!(form.status(), 429);
    assert!(retry_after(&form) > 0);
    let page = form.text().await.expect("page");
    assert!(
        page.contains("Too many failed attempts"),
        "the form says why"
    );
    assert!(
        page.contains("value=\"desk@example.org\""),
        "and keeps the email"
    );

    // A colleague elsewhere signs in to the same account, through the form and the API.
    let colleague = form_login(&app, "desk@example.org", STAFF_PASSWORD, "198.51.100.20").await;
    assert_eq!(colleague.status(), 303);
    let device = api_login(
        &app,
        "desk@example.org",
        STAFF_PASSWORD,
        Some("198.51.100.20"),
    )
    .await;
    assert_eq!(device.status(), 200);
    // And their own wrong password is theirs: a 401, not a 429.
    let typo = api_login(&app, "desk@example.org", "typo typo", Some("198.51.100.20")).await;
    assert_eq!(typo.status(), 401);
    app.assert_outbox(Outbox::SETTLED).await;
}

#[tokio::test]
async fn thirty_failures_from_one_address_block_it_for_every_account_and_no_other_address() {
    let app = login_app(trusting("127.0.0.1")).await;
    // Three guesses on each of ten accounts (existing or not): under the limit per account.
    for account in 0..10 {
        let email = format!("staff{account}@example.org");
        for _ in 0..3 {
            let wrong = api_login(&app, &email, "guess guess", Some("203.0.113.7")).await;
            assert_eq!(wrong.status(), 401);
        }
    }
    // The address is used up: even an account it never tried, with the right password.
    let blocked = api_login(
        &app,
        "desk@example.org",
        STAFF_PASSWORD,
        Some("203.0.113.7"),
    )
    .await;
    assert_eq!(blocked.status(), 429);
    assert!(retry_after(&blocked) > 0);
    let elsewhere = api_login(
        &app,
        "desk@example.org",
        STAFF_PASSWORD,
        Some("198.51.100.8"),
    )
    .await;
    assert_eq!(elsewhere.status(), 200);
    // An IPv6 client is counted by its /64: another address in it is the same client.
    for n in 0..5 {
        let client = format!("2001:db8:5:6::{n:x}");
        let wrong = api_login(&app, "desk@example.org", "guess guess", Some(&client)).await;
        assert_eq!(wrong.status(), 401);
    }
    let same_network = api_login(
        &app,
        "desk@example.org",
        STAFF_PASSWORD,
        Some("2001:db8:5:6:ffff::1"),
    )
    .await;
    assert_eq!(same_network.status(), 429);
    app.assert_outbox(Outbox::SETTLED).await;
}

#[tokio::test]
async fn attempts_older_than_the_window_are_pruned() {
    let app = login_app(Limits::default()).await;
    let rows = "SELECT COUNT(*) AS n FROM login_attempts";
    let addresses = "SELECT COUNT(*) AS n FROM login_addresses";
    for _ in 0..3 {
        let wrong = api_login(&app, "desk@example.org", "guess guess", None).await;
        assert_eq!(wrong.status(), 401);
    }
    assert_eq!((app.count(rows).await, app.count(addresses).await), (3, 1));
    // A right password leaves no row of its own.
    assert_eq!(
        api_login(&app, "desk@example.org", STAFF_PASSWORD, None)
            .await
            .status(),
        200
    );
    assert_eq!(app.count(rows).await, 3);

    app.set_clock(app.now() + chrono::TimeDelta::minutes(16));
    let wrong = api_login(&app, "nobody@example.org", "guess guess", None).await;
    assert_eq!(wrong.status(), 401);
    assert_eq!(app.count(rows).await, 1, "only the newest attempt is left");
    assert_eq!(app.count(addresses).await, 1);
    app.assert_outbox(Outbox::SETTLED).await;
}

#[tokio::test]
async fn beyond_the_cap_on_password_checks_sign_ins_get_503_at_once_never_a_queue() {
    let app = Arc::new(
        login_app(Limits {
            password_checks: NonZeroU32::MIN,
            ..trusting("127.0.0.1")
        })
        .await,
    );
    // One check at a time: sign-ins that arrive together, each from its own address (so that no
    // throttle is involved), find it taken. How many do depends on timing: a round of sixteen is
    // tried until one does (each verification takes milliseconds, so the first round nearly
    // always will).
    let mut busy_seen = false;
    for round in 0..10 {
        let mut tasks = Vec::new();
        for n in 0..16 {
            let app = app.clone();
            let client = format!("198.51.{round}.{n}");
            tasks.push(tokio::spawn(async move {
                let response =
                    api_login(&app, "desk@example.org", STAFF_PASSWORD, Some(&client)).await;
                let status = response.status().as_u16();
                let retry = (status == 503).then(|| retry_after(&response));
                let body: Value = response.json().await.expect("JSON");
                (status, retry, body)
            }));
        }
        for task in tasks {
            let (status, retry, body) = task.await.expect("task");
            match status {
                200 => {}
                503 => {
                    busy_seen = true;
                    assert_eq!(retry, Some(1));
                    assert_eq!(body["error"], "busy");
                    assert!(body["message"].as_str().is_some_and(|m| !m.is_empty()));
                }
                other => panic!("unexpected {other}: {body}"),
            }
        }
        if busy_seen {
            break;
        }
    }
    assert!(busy_seen, "sixteen at once never found the one check taken");
    // Refused before any verification, those attempts count for nothing against the account.
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM login_attempts").await,
        0
    );
    app.assert_outbox(Outbox::SETTLED).await;
}

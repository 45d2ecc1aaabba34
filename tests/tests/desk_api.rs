//! The desk's API as a scanner app uses it: sign in, scan, re-scan, undo, every outcome, both days,
//! retries, two desks at once, search and walk-ins; and who may do what.

use domain::Role;
use guichet_tests::{DEMO_SLUG, Outbox, STAFF_PASSWORD, TestApp, instant};
use serde_json::{Value, json};
use std::sync::Arc;

/// The demo event, and a ticket of it for Michel Sho-Sawyer.
async fn michels_ticket(app: &TestApp) -> (persistence::StoredEvent, domain::Registration, String) {
    let event = app.demo_event().await;
    let (registration, ticket) = app
        .ticket(&event, "Michel", "Sho-Sawyer", "michel@example.org")
        .await;
    (event, registration, ticket)
}

/// The demo's first day.
fn first_day() -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(2008, 7, 7).expect("date")
}

async fn desk_app() -> (TestApp, String) {
    let app = TestApp::spawn_at(instant("2008-07-07T08:30:00+02:00")).await;
    app.add_staff("desk1@example.org", Role::Desk).await;
    let token = app.login("desk1@example.org").await;
    (app, token)
}

#[tokio::test]
async fn sign_in_gives_a_device_token_and_the_same_refusal_for_any_wrong_credential() {
    let app = TestApp::spawn().await;
    app.add_staff("Organiser@Example.org", Role::Organiser)
        .await;
    let login = |email: &'static str, password: &'static str| {
        app.client
            .post(app.url("/api/v1/auth/login"))
            .header("accept-language", "en")
            .json(&json!({ "email": email, "password": password }))
            .send()
    };
    let ok = login("organiser@example.org", STAFF_PASSWORD)
        .await
        .expect("request");
    assert_eq!(ok.status(), 200);
    let body: Value = ok.json().await.expect("JSON");
    assert_eq!(body["role"], "organiser");
    assert!(body["token"].as_str().expect("token").len() >= 40);
    assert!(body["expires_at"].as_str().is_some());

    let wrong_password = login("organiser@example.org", "not the password")
        .await
        .expect("request");
    let unknown_email = login("nobody@example.org", STAFF_PASSWORD)
        .await
        .expect("request");
    assert_eq!(wrong_password.status(), 401);
    assert_eq!(unknown_email.status(), 401);
    assert_eq!(
        wrong_password.text().await.expect("body"),
        unknown_email.text().await.expect("body"),
        "nothing tells which addresses are staff"
    );
    app.assert_outbox(Outbox::SETTLED).await;
}

#[tokio::test]
async fn repeated_failures_from_one_address_block_that_pair_for_fifteen_minutes() {
    let app = TestApp::spawn().await;
    app.add_staff("desk2@example.org", Role::Desk).await;
    for _ in 0..5 {
        let response = app
            .client
            .post(app.url("/api/v1/auth/login"))
            .json(&json!({ "email": "desk2@example.org", "password": "guess guess guess" }))
            .send()
            .await
            .expect("request");
        assert_eq!(response.status(), 401);
    }
    // Even the right password is refused now.
    let response = app
        .client
        .post(app.url("/api/v1/auth/login"))
        .header("accept-language", "fr")
        .json(&json!({ "email": "desk2@example.org", "password": STAFF_PASSWORD }))
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), 429);
    let body: Value = response.json().await.expect("JSON");
    assert!(
        body["message"]
            .as_str()
            .expect("message")
            .contains("Trop de tentatives")
    );
    // Fifteen minutes later it works again.
    app.set_clock(app.now() + chrono::TimeDelta::minutes(16));
    app.login("desk2@example.org").await;
    app.assert_outbox(Outbox::SETTLED).await;
}

#[tokio::test]
async fn no_token_is_401_and_desk_staff_get_403_on_organiser_endpoints() {
    let (app, desk) = desk_app().await;
    app.add_staff("org@example.org", Role::Organiser).await;
    let organiser = app.login("org@example.org").await;
    let event = app.demo_event().await;
    let (registration, _) = app
        .ticket(&event, "Han-Maurits", "Schaapveld", "hm@example.org")
        .await;

    let (status, _) = app.scan("", DEMO_SLUG, json!({ "token": "X" })).await;
    assert_eq!(status, 401);
    let (status, _) = app
        .scan("forged-session-token", DEMO_SLUG, json!({ "token": "X" }))
        .await;
    assert_eq!(status, 401);

    let reissue = format!(
        "/api/v1/events/{DEMO_SLUG}/registrations/{}/reissue",
        registration.id
    );
    for (path, method) in [(reissue.as_str(), "POST"), ("/api/v1/outbox/failed", "GET")] {
        let request = |bearer: &str| {
            let builder = if method == "POST" {
                app.client.post(app.url(path))
            } else {
                app.client.get(app.url(path))
            };
            builder.bearer_auth(bearer.to_owned()).send()
        };
        assert_eq!(
            request(&desk).await.expect("request").status(),
            403,
            "{path}"
        );
        assert_eq!(
            request(&organiser).await.expect("request").status(),
            200,
            "{path}"
        );
        let anonymous = if method == "POST" {
            app.client.post(app.url(path))
        } else {
            app.client.get(app.url(path))
        };
        assert_eq!(
            anonymous.send().await.expect("request").status(),
            401,
            "{path}"
        );
    }
    // All the emails this test queued: no worker ran to send them.
    app.assert_outbox(Outbox::pending(2)).await;
}

#[tokio::test]
async fn every_outcome_on_both_days_with_the_server_clock_in_utc() {
    let (app, desk) = desk_app().await;
    let event = app.demo_event().await;
    let (confirmed, ticket) = app
        .ticket(&event, "Abdou", "Mbengue Sene", "abdou@example.org")
        .await;

    // 08:59:59 in Geneva (06:59:59 UTC): too early, with the opening time.
    app.set_clock(instant("2008-07-07T06:59:59Z"));
    let (status, answer) = app.scan(&desk, DEMO_SLUG, json!({ "token": ticket })).await;
    assert_eq!(status, 200);
    assert_eq!(answer["outcome"], "too_early");
    assert_eq!(answer["opens_at"], "2008-07-07T09:00:00+02:00");
    assert!(
        answer["message"]
            .as_str()
            .expect("message")
            .contains("09:00")
    );

    // 09:00:00: in, with name, organisation, category and country.
    app.set_clock(instant("2008-07-07T07:00:00Z"));
    let (_, answer) = app.scan(&desk, DEMO_SLUG, json!({ "token": ticket })).await;
    assert_eq!(answer["outcome"], "ok", "{answer}");
    assert_eq!(answer["participant"]["name"], "Abdou Mbengue Sene");
    assert_eq!(answer["participant"]["organisation"], "Mission permanente");
    assert_eq!(answer["participant"]["category"], "Member State");
    assert_eq!(answer["participant"]["country"], "Switzerland");
    assert_eq!(answer["checked_in_at"], "2008-07-07T09:00:00+02:00");

    // A re-scan that day: when, and by whom.
    app.set_clock(instant("2008-07-07T07:10:00Z"));
    let (_, answer) = app
        .scan(&desk, DEMO_SLUG, json!({ "token": ticket.to_lowercase() }))
        .await;
    assert_eq!(answer["outcome"], "already_checked_in");
    assert_eq!(answer["checked_in_at"], "2008-07-07T09:00:00+02:00");
    assert_eq!(answer["by"], "desk1@example.org");

    // Undo, and the next scan is ok again.
    let undo = app
        .client
        .delete(app.url(&format!(
            "/api/v1/events/{DEMO_SLUG}/checkins/{}",
            confirmed.id
        )))
        .bearer_auth(&desk)
        .send()
        .await
        .expect("request");
    assert_eq!(undo.status(), 200);
    assert_eq!(
        undo.json::<Value>().await.expect("JSON")["day"],
        "2008-07-07"
    );
    let (_, answer) = app.scan(&desk, DEMO_SLUG, json!({ "token": ticket })).await;
    assert_eq!(answer["outcome"], "ok");
    assert_eq!(answer["checked_in_at"], "2008-07-07T09:10:00+02:00");

    // After the last item (18:00): closed.
    app.set_clock(instant("2008-07-07T16:00:00Z"));
    let (_, answer) = app.scan(&desk, DEMO_SLUG, json!({ "token": ticket })).await;
    assert_eq!(answer["outcome"], "closed");

    // Day two: attendance is per day, so the same ticket is ok again from 09:00.
    app.set_clock(instant("2008-07-08T06:59:59Z"));
    let (_, answer) = app.scan(&desk, DEMO_SLUG, json!({ "token": ticket })).await;
    assert_eq!(answer["outcome"], "too_early", "{answer}");
    assert_eq!(answer["opens_at"], "2008-07-08T09:00:00+02:00");
    app.set_clock(instant("2008-07-08T07:00:00Z"));
    let (_, answer) = app.scan(&desk, DEMO_SLUG, json!({ "token": ticket })).await;
    assert_eq!(answer["outcome"], "ok");

    // Cancelled, waitlisted, forged, another event's ticket.
    let (cancelled, cancelled_ticket) =
        app.ticket(&event, "Jim", "Ilunga", "jim@example.org").await;
    app.db
        .cancel_registration(cancelled.id, app.now())
        .await
        .expect("cancel");
    let (_, answer) = app
        .scan(&desk, DEMO_SLUG, json!({ "token": cancelled_ticket }))
        .await;
    assert_eq!(answer["outcome"], "cancelled");
    assert_eq!(answer["participant"]["name"], "Jim Ilunga");

    let small = app.add_event("petit-atelier", 1).await;
    // The desk member works that event too (a grant counts from the next request on).
    app.grant("desk1@example.org", "petit-atelier", Role::Desk)
        .await;
    let (_, small_first) = app
        .ticket(&small, "First", "Seat", "first@example.org")
        .await;
    let (waiting, waiting_ticket) = app
        .ticket(&small, "Second", "Waiting", "second@example.org")
        .await;
    assert_eq!(waiting.status, domain::Status::Waitlisted);
    let (_, answer) = app
        .scan(&desk, "petit-atelier", json!({ "token": waiting_ticket }))
        .await;
    assert_eq!(answer["outcome"], "not_confirmed");
    // A ticket of the small event is unknown at the demo's desk.
    let (_, answer) = app
        .scan(&desk, DEMO_SLUG, json!({ "token": small_first }))
        .await;
    assert_eq!(answer["outcome"], "unknown");
    assert!(
        answer["participant"].is_null(),
        "nothing about another event's participant"
    );

    let mut forged: Vec<char> = ticket.chars().collect();
    forged[25] = if forged[25] == 'A' { 'B' } else { 'A' };
    let forged: String = forged.into_iter().collect();
    for bad in [forged.as_str(), "HELLO", ""] {
        let (status, answer) = app.scan(&desk, DEMO_SLUG, json!({ "token": bad })).await;
        assert_eq!(status, 200);
        assert_eq!(answer["outcome"], "unknown", "{bad}");
    }

    // A malformed body is 422.
    let (status, _) = app.scan(&desk, DEMO_SLUG, json!({ "nonce": "x" })).await;
    assert_eq!(status, 422);
    // All the emails this test queued: no worker ran to send them.
    app.assert_outbox(Outbox::pending(5)).await;
}

#[tokio::test]
async fn a_retry_with_the_same_nonce_gets_the_first_answer() {
    let (app, desk) = desk_app().await;
    app.set_clock(instant("2008-07-07T09:30:00+02:00"));
    let event = app.demo_event().await;
    let (_, ticket) = app
        .ticket(&event, "Michel", "Sho-Sawyer", "michel@example.org")
        .await;
    let body = json!({ "token": ticket, "nonce": "scan-42" });
    let (_, first) = app.scan(&desk, DEMO_SLUG, body.clone()).await;
    let (_, retry) = app.scan(&desk, DEMO_SLUG, body).await;
    assert_eq!(first["outcome"], "ok");
    assert_eq!(retry, first, "a flaky network's retry is not a second scan");
    let (_, other) = app
        .scan(
            &desk,
            DEMO_SLUG,
            json!({ "token": ticket, "nonce": "scan-43" }),
        )
        .await;
    assert_eq!(other["outcome"], "already_checked_in");
    // Only the email this test queued: no worker ran to send it.
    app.assert_outbox(Outbox::pending(1)).await;
}

#[tokio::test]
async fn a_retry_keeps_its_first_answer_even_when_the_desk_has_opened_since() {
    // The check-in and the scan's log line are saved together: a retry of a "too early" scan,
    // arriving once the desk is open, must not check anybody in behind its first answer.
    let (app, desk) = desk_app().await;
    app.set_clock(instant("2008-07-07T08:00:00+02:00"));
    let (_, registration, ticket) = michels_ticket(&app).await;
    let body = json!({ "token": ticket, "nonce": "early-1" });
    let (_, first) = app.scan(&desk, DEMO_SLUG, body.clone()).await;
    assert_eq!(first["outcome"], "too_early");
    app.set_clock(instant("2008-07-07T09:30:00+02:00"));
    let (_, retry) = app.scan(&desk, DEMO_SLUG, body).await;
    assert_eq!(retry, first);
    let day = first_day();
    assert_eq!(
        app.db.checkin_on(registration.id, day).await.expect("read"),
        None,
        "the retry checked nobody in"
    );
    let (_, fresh) = app
        .scan(
            &desk,
            DEMO_SLUG,
            json!({ "token": ticket, "nonce": "early-2" }),
        )
        .await;
    assert_eq!(fresh["outcome"], "ok");
    // Only the email this test queued: no worker ran to send it.
    app.assert_outbox(Outbox::pending(1)).await;
}

#[tokio::test]
async fn a_retry_is_answered_from_the_typed_log_in_the_retrys_language() {
    // The scan log keeps the answer as values (outcome, times, who), not as the first response's
    // text: a retry gets the same facts, worded in its own language.
    let (app, desk) = desk_app().await;
    app.add_staff("desk2@example.org", Role::Desk).await;
    let desk2 = app.login("desk2@example.org").await;
    app.set_clock(instant("2008-07-07T09:30:00+02:00"));
    let (event, _, ticket) = michels_ticket(&app).await;
    let (_, first) = app
        .scan(&desk, DEMO_SLUG, json!({ "token": ticket, "nonce": "a" }))
        .await;
    assert_eq!(first["outcome"], "ok");
    app.set_clock(instant("2008-07-07T09:45:00+02:00"));
    let body = json!({ "token": ticket, "nonce": "b" });
    let (_, second) = app.scan(&desk2, DEMO_SLUG, body.clone()).await;
    assert_eq!(second["outcome"], "already_checked_in");
    assert_eq!(second["by"], "desk1@example.org");
    assert_eq!(second["checked_in_at"], first["checked_in_at"]);

    let logged = app
        .db
        .logged_scan(event.id, "b")
        .await
        .expect("read")
        .expect("logged");
    assert_eq!(
        logged.decision,
        domain::Decision::AlreadyCheckedIn {
            at: instant("2008-07-07T09:30:00+02:00"),
            by: "desk1@example.org".into()
        }
    );

    // Later, in French: the same facts, in French words.
    app.set_clock(instant("2008-07-07T10:00:00+02:00"));
    let retry: Value = app
        .client
        .post(app.url(&format!("/api/v1/events/{DEMO_SLUG}/checkins")))
        .bearer_auth(&desk2)
        .header("accept-language", "fr")
        .json(&body)
        .send()
        .await
        .expect("request")
        .json()
        .await
        .expect("JSON");
    for field in ["outcome", "by", "checked_in_at"] {
        assert_eq!(retry[field], second[field], "{field}");
    }
    assert_eq!(
        retry["participant"]["registration_id"],
        second["participant"]["registration_id"]
    );
    assert_eq!(retry["participant"]["country"], "Suisse", "worded anew");
    assert_ne!(retry["message"], second["message"], "worded anew");
    assert!(
        retry["message"]
            .as_str()
            .is_some_and(|m| m.contains("09:30") && m.contains("desk1@example.org")),
        "{retry}"
    );
    // Only the email this test queued: no worker ran to send it.
    app.assert_outbox(Outbox::pending(1)).await;
}

#[tokio::test]
async fn ten_copies_of_one_scan_at_once_are_one_scan() {
    // A desk retrying the same scan while the first is still on its way: the copies may land in
    // one group of writes or in several; either way one check-in, one log line, one answer.
    let (app, desk) = desk_app().await;
    app.set_clock(instant("2008-07-07T09:30:00+02:00"));
    let (event, registration, ticket) = michels_ticket(&app).await;
    let app = Arc::new(app);
    let mut copies = Vec::new();
    for _ in 0..10 {
        let (app, desk, ticket) = (app.clone(), desk.clone(), ticket.clone());
        copies.push(tokio::spawn(async move {
            app.scan(
                &desk,
                DEMO_SLUG,
                json!({ "token": ticket, "nonce": "same-scan" }),
            )
            .await
        }));
    }
    let mut answers = Vec::new();
    for copy in copies {
        let (status, answer) = copy.await.expect("task");
        assert_eq!(status, 200);
        answers.push(answer);
    }
    assert_eq!(answers[0]["outcome"], "ok");
    assert!(answers.iter().all(|a| *a == answers[0]), "{answers:?}");
    let day = first_day();
    assert!(
        app.db
            .checkin_on(registration.id, day)
            .await
            .expect("read")
            .is_some()
    );
    let lines = app.db.recent_scans(event.id, 50).await.expect("scans");
    assert_eq!(lines.len(), 1, "one line in the scan log");
    // Only the email this test queued: no worker ran to send it.
    app.assert_outbox(Outbox::pending(1)).await;
}

#[tokio::test]
async fn fifty_tickets_each_scanned_by_two_desks_at_once_give_fifty_ok_and_fifty_already() {
    let (app, desk1) = desk_app().await;
    app.add_staff("desk2@example.org", Role::Desk).await;
    let desk2 = app.login("desk2@example.org").await;
    app.set_clock(instant("2008-07-07T09:00:00+02:00"));
    let event = app.demo_event().await;
    let mut tickets = Vec::new();
    for i in 0..50 {
        tickets.push(
            app.ticket(
                &event,
                "Guest",
                &format!("N{i}"),
                &format!("g{i}@example.org"),
            )
            .await
            .1,
        );
    }
    let app = Arc::new(app);
    let mut tasks = Vec::new();
    for ticket in tickets {
        for desk in [desk1.clone(), desk2.clone()] {
            let app = app.clone();
            let ticket = ticket.clone();
            tasks.push(tokio::spawn(async move {
                let (status, answer) = app.scan(&desk, DEMO_SLUG, json!({ "token": ticket })).await;
                assert_eq!(status, 200);
                answer["outcome"].as_str().expect("outcome").to_owned()
            }));
        }
    }
    let mut outcomes = Vec::new();
    for task in tasks {
        outcomes.push(task.await.expect("task"));
    }
    let ok = outcomes.iter().filter(|o| *o == "ok").count();
    let already = outcomes
        .iter()
        .filter(|o| *o == "already_checked_in")
        .count();
    assert_eq!((ok, already), (50, 50), "{outcomes:?}");
    // All the emails this test queued: no worker ran to send them.
    app.assert_outbox(Outbox::pending(50)).await;
}

#[tokio::test]
async fn search_finds_names_and_a_result_can_be_checked_in_and_walk_ins_are_registered_and_checked_in()
 {
    let (app, desk) = desk_app().await;
    app.set_clock(instant("2008-07-07T09:15:00+02:00"));
    let event = app.demo_event().await;
    let (devi, _) = app
        .ticket(&event, "Devi Chand Rye", "Seewooruthun", "devi@example.org")
        .await;
    app.ticket(&event, "Dinh", "Pham Van", "dinh@example.org")
        .await;

    let search = |q: &'static str| {
        app.client
            .get(app.url(&format!("/api/v1/events/{DEMO_SLUG}/search")))
            .query(&[("q", q)])
            .bearer_auth(&desk)
            .send()
    };
    let results: Value = search("devi seewoo")
        .await
        .expect("request")
        .json()
        .await
        .expect("JSON");
    let results = results.as_array().expect("array");
    assert_eq!(results.len(), 1);
    assert_eq!(results[0]["name"], "Devi Chand Rye Seewooruthun");
    assert!(results[0]["checked_in_at"].is_null());
    let (_, answer) = app
        .scan(&desk, DEMO_SLUG, json!({ "registration_id": devi.id }))
        .await;
    assert_eq!(answer["outcome"], "ok");
    let results: Value = search("SEEWOORUTHUN")
        .await
        .expect("request")
        .json()
        .await
        .expect("JSON");
    assert_eq!(results[0]["checked_in_at"], "2008-07-07T09:15:00+02:00");
    // An email finds them too; a mere letter finds nothing.
    let results: Value = search("dinh@example")
        .await
        .expect("request")
        .json()
        .await
        .expect("JSON");
    assert_eq!(results[0]["name"], "Dinh Pham Van");
    let results: Value = search("d")
        .await
        .expect("request")
        .json()
        .await
        .expect("JSON");
    assert_eq!(results.as_array().expect("array").len(), 0);

    // A walk-in: registered and checked in at once.
    let walk_in = app
        .client
        .post(app.url(&format!("/api/v1/events/{DEMO_SLUG}/walk-ins")))
        .bearer_auth(&desk)
        .json(&guichet_tests::participant(
            "Carlos Eladio",
            "Segura Vicente",
            "carlos@example.org",
        ))
        .send()
        .await
        .expect("request");
    assert_eq!(walk_in.status(), 200);
    let answer: Value = walk_in.json().await.expect("JSON");
    assert_eq!(answer["checkin"]["outcome"], "ok");
    assert_eq!(
        answer["checkin"]["participant"]["name"],
        "Carlos Eladio Segura Vicente"
    );
    // Their ticket email is queued.
    let counts = app.db.outbox_counts().await.expect("counts");
    assert!(counts.pending >= 1);

    // The recent scans list them, newest first.
    let scans: Value = app
        .client
        .get(app.url(&format!("/api/v1/events/{DEMO_SLUG}/scans")))
        .bearer_auth(&desk)
        .send()
        .await
        .expect("request")
        .json()
        .await
        .expect("JSON");
    assert_eq!(scans[0]["name"], "Carlos Eladio Segura Vicente");
    assert_eq!(scans[1]["name"], "Devi Chand Rye Seewooruthun");
    assert_eq!(scans[0]["by"], "desk1@example.org");
    // All the emails this test queued: no worker ran to send them.
    app.assert_outbox(Outbox::pending(3)).await;
}

#[tokio::test]
async fn a_browser_session_needs_its_csrf_token_to_change_anything_and_sign_out_revokes_it() {
    let app = TestApp::spawn_at(instant("2008-07-07T09:30:00+02:00")).await;
    app.add_staff("desk3@example.org", Role::Desk).await;
    let event = app.demo_event().await;
    let (_, ticket) = app
        .ticket(&event, "Eugene", "Owusu", "eugene@example.org")
        .await;

    // Without a session the desk sends to the sign-in page.
    let desk = app.get(&format!("/desk/{DEMO_SLUG}")).await;
    assert_eq!(desk.status(), 303);
    assert_eq!(
        desk.headers()["location"],
        format!("/login?next=/desk/{DEMO_SLUG}").as_str()
    );

    // A wrong password stays on the form, with the message.
    let wrong = app
        .post_login(&[
            ("email", "desk3@example.org"),
            ("password", "wrong wrong wrong"),
            ("next", "/"),
        ])
        .await;
    assert_eq!(wrong.status(), 401);
    assert!(
        wrong
            .text()
            .await
            .expect("body")
            .contains("Wrong email or password.")
    );

    let signed_in = app
        .post_login(&[
            ("email", "desk3@example.org"),
            ("password", STAFF_PASSWORD),
            ("next", &format!("/desk/{DEMO_SLUG}")),
        ])
        .await;
    assert_eq!(signed_in.status(), 303);
    assert_eq!(
        signed_in.headers()["location"],
        format!("/desk/{DEMO_SLUG}").as_str()
    );
    let set_cookies: Vec<String> = signed_in
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().expect("ascii").to_owned())
        .collect();
    let cookie_named = |name: &str| {
        set_cookies
            .iter()
            .find(|c| c.starts_with(&format!("{name}=")))
            .unwrap_or_else(|| panic!("{name} in {set_cookies:?}"))
            .clone()
    };
    let set_cookie = cookie_named("guichet_session");
    assert!(
        set_cookie.contains("HttpOnly") && set_cookie.contains("SameSite=Lax"),
        "{set_cookie}"
    );
    // Beside it, the marker the desk's script reads (see auth::SIGNED_IN_COOKIE): readable by
    // the page, and no credential.
    let marker = cookie_named("guichet_signed_in");
    assert!(
        marker.starts_with("guichet_signed_in=1;") && !marker.contains("HttpOnly"),
        "{marker}"
    );
    let session = set_cookie.split(';').next().expect("name=value").to_owned();
    let session_value = session.split_once('=').expect("=").1.to_owned();

    let page = app
        .client
        .get(app.url(&format!("/desk/{DEMO_SLUG}")))
        .header("cookie", &session)
        .send()
        .await
        .expect("request");
    assert_eq!(page.status(), 200);
    let page = page.text().await.expect("body");
    let csrf = page
        .split("<meta name=\"csrf-token\" content=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("the CSRF token in the page")
        .to_owned();
    assert!(csrf.len() >= 40);

    let checkin = |csrf: Option<&str>| {
        let mut request = app
            .client
            .post(app.url(&format!("/api/v1/events/{DEMO_SLUG}/checkins")))
            .header("cookie", &session)
            .json(&json!({ "token": ticket }));
        if let Some(csrf) = csrf {
            request = request.header("x-csrf-token", csrf);
        }
        request.send()
    };
    assert_eq!(
        checkin(None).await.expect("request").status(),
        403,
        "no CSRF token"
    );
    assert_eq!(
        checkin(Some("forged")).await.expect("request").status(),
        403,
        "a wrong one"
    );
    let ok = checkin(Some(&csrf)).await.expect("request");
    assert_eq!(ok.status(), 200);
    assert_eq!(ok.json::<Value>().await.expect("JSON")["outcome"], "ok");
    // The cookie's value is no bearer token (that would skip the CSRF check).
    let (status, _) = app
        .scan(&session_value, DEMO_SLUG, json!({ "token": ticket }))
        .await;
    assert_eq!(status, 401);

    // Signing out needs the token too, and revokes the session.
    let both = format!("{session}; guichet_signed_in=1");
    let logout = |csrf: &str| {
        app.client
            .post(app.url("/logout"))
            .header("cookie", &both)
            .form(&[("csrf", csrf)])
            .send()
    };
    assert_eq!(logout("forged").await.expect("request").status(), 403);
    // Whether `response` removes the cookie `name`.
    let removes = |response: &reqwest::Response, name: &str| {
        response
            .headers()
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .any(|c| c.starts_with(&format!("{name}=;")) && c.contains("Max-Age=0"))
    };
    let out = logout(&csrf).await.expect("request");
    assert_eq!(out.status(), 303);
    assert!(
        removes(&out, "guichet_session"),
        "the session cookie removed"
    );
    assert!(removes(&out, "guichet_signed_in"), "the marker removed");
    // Signing out once the session is gone (idle, revoked elsewhere) still clears the
    // browser's cookies, the desk's marker above all.
    let again = logout(&csrf).await.expect("request");
    assert_eq!(again.status(), 303);
    assert!(
        removes(&again, "guichet_signed_in"),
        "the marker removed without a session"
    );
    let after = app
        .client
        .get(app.url(&format!("/desk/{DEMO_SLUG}")))
        .header("cookie", &session)
        .send()
        .await
        .expect("request");
    assert_eq!(
        after.status(),
        303,
        "the old cookie no longer opens the desk"
    );
    // And that way to the sign-in page clears the marker a browser may still hold.
    assert!(
        removes(&after, "guichet_signed_in"),
        "the marker removed on the way to sign in"
    );
    // Only the email this test queued: no worker ran to send it.
    app.assert_outbox(Outbox::pending(1)).await;
}

#[tokio::test]
async fn a_camera_frame_is_read_by_guichet_for_browsers_without_barcode_detector() {
    let (app, desk) = desk_app().await;
    let event = app.demo_event().await;
    let (_, ticket) = app
        .ticket(&event, "Sergiu", "Sainciuc", "sergiu@example.org")
        .await;
    let frame = mailer::qr::png(&ticket).expect("a QR image");
    let post = |body: Vec<u8>, content_type: &'static str| {
        app.client
            .post(app.url("/api/v1/decode-qr"))
            .bearer_auth(&desk)
            .header("content-type", content_type)
            .body(body)
            .send()
    };
    let read = post(frame, "image/png").await.expect("request");
    assert_eq!(read.status(), 200);
    assert_eq!(
        read.json::<Value>().await.expect("JSON")["text"],
        ticket.as_str()
    );
    let nothing = post(b"not an image".to_vec(), "image/jpeg")
        .await
        .expect("request");
    assert_eq!(nothing.status(), 422);
    let anonymous = app
        .client
        .post(app.url("/api/v1/decode-qr"))
        .body(b"x".to_vec())
        .send()
        .await
        .expect("request");
    assert_eq!(anonymous.status(), 401);
    // Only the email this test queued: no worker ran to send it.
    app.assert_outbox(Outbox::pending(1)).await;
}

#[tokio::test]
async fn a_scan_whose_client_gave_up_is_still_finished_and_leaves_no_transaction_open() {
    // A phone that loses the network, or gives up waiting, must not cut a scan off half-way:
    // the handler runs to completion on its own task. Cut off inside its transaction, it would
    // roll back, and on PostgreSQL a BEGIN cut off would stay open on a pooled connection, whose
    // next user would then write inside it and hold its locks.
    use sea_orm::{ConnectionTrait, DbBackend, Statement, TransactionTrait};
    let (app, desk) = desk_app().await;
    app.set_clock(instant("2008-07-07T09:30:00+02:00"));
    let (event, registration, ticket) = michels_ticket(&app).await;
    let postgres = app.database.url.starts_with("postgres");
    let backend = if postgres {
        DbBackend::Postgres
    } else {
        DbBackend::Sqlite
    };

    // Another connection holds the check-ins up, so the scan waits inside its transaction.
    let other = sea_orm::Database::connect(app.database.url.as_str())
        .await
        .expect("connect");
    let hold = other.begin().await.expect("begin");
    let holding = if postgres {
        "LOCK TABLE checkins IN EXCLUSIVE MODE"
    } else {
        // SQLite: taking the write lock holds every writer up.
        "UPDATE events SET capacity = capacity WHERE id = 0"
    };
    hold.execute_raw(Statement::from_string(backend, holding))
        .await
        .expect("hold the check-ins");

    let client = reqwest::Client::builder()
        .timeout(std::time::Duration::from_millis(300))
        .build()
        .expect("client");
    let gave_up = client
        .post(app.url(&format!("/api/v1/events/{DEMO_SLUG}/checkins")))
        .bearer_auth(&desk)
        .json(&json!({ "token": ticket, "nonce": "lost-network" }))
        .send()
        .await;
    assert!(gave_up.is_err(), "the client gave up before the answer");
    hold.rollback().await.expect("let go");

    // The scan finishes on its own once the lock is gone; a loaded machine may take a while.
    let day = first_day();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while app
        .db
        .checkin_on(registration.id, day)
        .await
        .expect("read")
        .is_none()
    {
        assert!(
            std::time::Instant::now() < deadline,
            "the scan was finished though its client had gone"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let first = app
        .db
        .logged_scan(event.id, "lost-network")
        .await
        .expect("read")
        .expect("and logged");
    assert_eq!(first.decision.outcome(), domain::Outcome::Ok, "as ok");
    // The desk's retry gets that answer.
    let (_, retry) = app
        .scan(
            &desk,
            DEMO_SLUG,
            json!({ "token": ticket, "nonce": "lost-network" }),
        )
        .await;
    assert_eq!(retry["outcome"], "ok");

    if postgres {
        let open = other
            .query_one_raw(Statement::from_string(
                backend,
                "SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() \
                 AND state LIKE 'idle in transaction%' AND pid <> pg_backend_pid()",
            ))
            .await
            .expect("query")
            .expect("a row");
        let open: i64 = open.try_get("", "n").expect("count");
        assert_eq!(open, 0, "no connection is left inside a transaction");
    }
    other.close().await.expect("close");
    // Only the email this test queued: no worker ran to send it.
    app.assert_outbox(Outbox::pending(1)).await;
}

#[tokio::test]
async fn addresses_and_queries_that_do_not_parse_get_the_apis_json_answers_as_documented() {
    let (app, desk) = desk_app().await;
    // A registration id beyond i32 names nothing: the API's JSON 404, not a plain-text 400.
    let response = app
        .client
        .delete(app.url(&format!("/api/v1/events/{DEMO_SLUG}/checkins/2147483648")))
        .bearer_auth(&desk)
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), 404);
    let body: Value = response.json().await.expect("a JSON body");
    assert_eq!(body["error"], "not_found");

    // A search without its words: 422 naming the missing field, in the request's language.
    let response = app
        .client
        .get(app.url(&format!("/api/v1/events/{DEMO_SLUG}/search")))
        .header("accept-language", "fr")
        .bearer_auth(&desk)
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), 422);
    let body: Value = response.json().await.expect("a JSON body");
    let message = body["errors"]["query"].as_str().expect("a message");
    assert!(
        message.starts_with("La requête de l'adresse n'est pas valide"),
        "{message}"
    );
    assert!(message.contains("`q`"), "{message}");

    // The document says so, for every operation that can answer them.
    let document: Value = app
        .client
        .get(app.url("/api/v1/openapi.json"))
        .send()
        .await
        .expect("request")
        .json()
        .await
        .expect("the document");
    let undo = &document["paths"]["/api/v1/events/{slug}/checkins/{registration_id}"]["delete"];
    for status in ["401", "403", "404"] {
        assert!(
            undo["responses"][status].is_object(),
            "undo documents {status}"
        );
    }
    let search = &document["paths"]["/api/v1/events/{slug}/search"]["get"];
    assert!(
        search["responses"]["422"].is_object(),
        "search documents 422"
    );
    let q = search["parameters"]
        .as_array()
        .expect("parameters")
        .iter()
        .find(|p| p["name"] == "q")
        .expect("q is documented");
    assert_eq!(q["in"], "query");
    assert_eq!(q["required"], true);
    let checkin = &document["paths"]["/api/v1/events/{slug}/checkins"]["post"];
    for status in ["413", "415", "422"] {
        assert!(
            checkin["responses"][status].is_object(),
            "check-in documents {status}"
        );
    }
    app.assert_outbox(Outbox::SETTLED).await;
}

/// Found by schemathesis on PostgreSQL, which refuses a NUL in text: a search, a report filter or
/// a sign-in address with a control character was a 500 (a broken stream for the CSV).
#[tokio::test]
async fn control_characters_in_searches_filters_and_sign_in_addresses_are_refused_not_500() {
    let (app, desk) = desk_app().await;
    app.add_staff("org@example.org", Role::Organiser).await;
    let organiser = app.login("org@example.org").await;
    let search = app
        .client
        .get(app.url(&format!("/api/v1/events/{DEMO_SLUG}/search")))
        .query(&[("q", "Mi\u{0}chel")])
        .bearer_auth(&desk)
        .send()
        .await
        .expect("request");
    assert_eq!(search.status(), 422);
    let body: Value = search.json().await.expect("JSON");
    assert!(body["errors"]["q"].is_string(), "{body}");

    for (name, value) in [
        ("q", "a\u{0}"),
        ("category", "ngo\u{0}"),
        ("country", "C\u{7f}H"),
    ] {
        let report = app
            .client
            .get(app.url(&format!(
                "/api/v1/events/{DEMO_SLUG}/reports/attendance.csv"
            )))
            .query(&[(name, value)])
            .bearer_auth(&organiser)
            .send()
            .await
            .expect("request");
        assert_eq!(report.status(), 422, "{name}");
        let body: Value = report.json().await.expect("JSON");
        assert!(body["errors"]["filter"].is_string(), "{name}: {body}");
    }

    let login = app
        .client
        .post(app.url("/api/v1/auth/login"))
        .json(&json!({ "email": "org\u{0}@example.org", "password": STAFF_PASSWORD }))
        .send()
        .await
        .expect("request");
    assert_eq!(login.status(), 401);
    app.assert_outbox(Outbox::SETTLED).await;
}

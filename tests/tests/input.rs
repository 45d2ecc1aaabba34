//! Hostile text in participants' fields and in the desk's requests: direction controls and
//! zero-width characters in names, organisations and functions are refused on every path (the
//! JSON API, the page's form, the desk's walk-ins) with a `422` naming the field in the visitor's
//! language, and nothing is stored; a check-in nonce too long for the scan log is refused before
//! it reaches the database, and the other desks' scans of that moment are answered as usual.

use domain::Role;
use guichet_tests::{DEMO_SLUG, Outbox, TestApp, instant, participant, unescape_html};
use serde_json::{Value, json};
use std::sync::Arc;

/// A text-direction override: "Marie" followed by it reads backwards on screen.
const RIGHT_TO_LEFT_OVERRIDE: &str = "\u{202E}";
/// An invisible space: "Ma\u{200B}rie" looks like "Marie" and is another name.
const ZERO_WIDTH_SPACE: &str = "\u{200B}";

/// Nothing was registered for the demo event.
async fn assert_nothing_stored(app: &TestApp) {
    let counts = app
        .db
        .status_counts(app.demo_event().await.id)
        .await
        .expect("counts");
    assert_eq!(counts, persistence::StatusCounts::default());
}

#[tokio::test]
async fn the_api_refuses_invisible_characters_in_names_organisation_and_function() {
    let app = TestApp::spawn().await;
    let cases = [
        ("given_name", format!("Marie{RIGHT_TO_LEFT_OVERRIDE}")),
        ("family_name", format!("Du{ZERO_WIDTH_SPACE}pont")),
        ("organisation", "\u{FEFF}Mission permanente".to_owned()),
        ("function", "Attach\u{2067}ée".to_owned()),
        ("given_name", "Ma\u{200F}rie".to_owned()),
        ("family_name", "Dupont\u{2060}".to_owned()),
    ];
    for (field, value) in cases {
        let mut body = participant("Marie", "Dupont", "marie.dupont@example.org");
        body[field] = json!(value);
        let response = app
            .client
            .post(app.url(&format!("/api/v1/events/{DEMO_SLUG}/registrations")))
            .header("accept-language", "fr")
            .json(&body)
            .send()
            .await
            .expect("request");
        assert_eq!(response.status(), 422, "{field}: {value:?}");
        let answer: Value = response.json().await.expect("JSON");
        let errors = answer["errors"].as_object().expect("errors by field");
        assert_eq!(errors.len(), 1, "{answer}");
        assert!(
            errors[field]
                .as_str()
                .is_some_and(|m| m.starts_with("Ce champ contient des caractères invisibles")),
            "{field}: {answer}"
        );
    }
    // English for an English visitor.
    let mut body = participant("Marie", "Dupont", "marie.dupont@example.org");
    body["given_name"] = json!(format!("Marie{ZERO_WIDTH_SPACE}"));
    let answer: Value = app
        .register_json(DEMO_SLUG, &body)
        .await
        .json()
        .await
        .expect("JSON");
    assert!(
        answer["errors"]["given_name"]
            .as_str()
            .is_some_and(|m| m.starts_with("This field contains invisible characters")),
        "{answer}"
    );
    assert_nothing_stored(&app).await;
    app.assert_outbox(Outbox::SETTLED).await;
}

#[tokio::test]
async fn the_form_refuses_invisible_characters_and_keeps_what_was_typed() {
    let app = TestApp::spawn().await;
    let organisation = format!("Minist{ZERO_WIDTH_SPACE}ère");
    let family_name = format!("Pham{RIGHT_TO_LEFT_OVERRIDE}");
    let form = [
        ("given_name", "Dinh"),
        ("family_name", family_name.as_str()),
        ("email", "dinh.pham@example.org"),
        ("organisation", organisation.as_str()),
        ("category", "member_state"),
        ("country", "VN"),
        ("language", "fr"),
        ("consent", "yes"),
    ];
    let response = app
        .client
        .post(app.url(&format!("/events/{DEMO_SLUG}/register")))
        .header("accept-language", "fr")
        .form(&form)
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), 422);
    let page = unescape_html(&response.text().await.expect("body"));
    for field in ["family_name", "organisation"] {
        assert!(
            page.contains(&format!(
                "id=\"{field}-error\">Ce champ contient des caractères invisibles"
            )),
            "{field}"
        );
    }
    assert!(!page.contains("id=\"given_name-error\""), "Dinh is fine");
    assert!(page.contains(&format!("value=\"{organisation}\"")));
    assert_nothing_stored(&app).await;
    app.assert_outbox(Outbox::SETTLED).await;
}

#[tokio::test]
async fn a_walk_in_with_invisible_characters_is_refused_naming_the_field() {
    let app = TestApp::spawn_at(instant("2008-07-07T09:30:00+02:00")).await;
    app.add_staff("desk@example.org", Role::Desk).await;
    let desk = app.login("desk@example.org").await;
    let mut body = participant("Awa", "Ndiaye", "awa.ndiaye@example.org");
    body["family_name"] = json!("Ndi\u{202D}aye");
    let response = app
        .client
        .post(app.url(&format!("/api/v1/events/{DEMO_SLUG}/walk-ins")))
        .bearer_auth(&desk)
        .header("accept-language", "en")
        .json(&body)
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), 422);
    let answer: Value = response.json().await.expect("JSON");
    assert!(
        answer["errors"]["family_name"]
            .as_str()
            .is_some_and(|m| m.starts_with("This field contains invisible characters")),
        "{answer}"
    );
    assert_nothing_stored(&app).await;
    let scans = app
        .db
        .recent_scans(app.demo_event().await.id, 10)
        .await
        .expect("scans");
    assert!(scans.is_empty(), "no check-in either");
    app.assert_outbox(Outbox::SETTLED).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_nonce_over_128_characters_is_refused_and_the_other_desks_scans_go_through() {
    // On PostgreSQL a nonce longer than the scan log's column used to fail the transaction that
    // writes the scans of that moment together, and every desk's scan in it with a 500. Now it
    // never reaches the database; nor does a NUL (PostgreSQL refuses it in text) in what a desk
    // scanned, which the log keeps replaced.
    let app = TestApp::spawn_at(instant("2008-07-07T09:30:00+02:00")).await;
    for desk in ["desk1@example.org", "desk2@example.org"] {
        app.add_staff(desk, Role::Desk).await;
    }
    let desks = [
        app.login("desk1@example.org").await,
        app.login("desk2@example.org").await,
    ];
    let event = app.demo_event().await;
    let mut tickets = Vec::new();
    for i in 0..24 {
        let email = format!("guest{i}@example.org");
        tickets.push(
            app.ticket(&event, "Guest", &format!("N{i}"), &email)
                .await
                .1,
        );
    }
    let app = Arc::new(app);
    let mut scans = Vec::new();
    for (i, ticket) in tickets.iter().enumerate() {
        // Every fourth desk sends a nonce one character too long; the others a good one.
        let nonce = if i % 4 == 0 {
            "n".repeat(domain::Nonce::MAX + 1)
        } else {
            format!("scan-{i}")
        };
        let body = json!({ "token": ticket, "nonce": nonce });
        let (app, desk) = (app.clone(), desks[i % 2].clone());
        scans.push(tokio::spawn(async move {
            (i, app.scan(&desk, DEMO_SLUG, body).await)
        }));
    }
    for i in 0..4 {
        let body = json!({ "token": format!("BROKEN\u{0}CODE{i}"), "nonce": format!("nul-{i}") });
        let (app, desk) = (app.clone(), desks[i % 2].clone());
        scans.push(tokio::spawn(async move {
            (100 + i, app.scan(&desk, DEMO_SLUG, body).await)
        }));
    }
    for scan in scans {
        let (i, (status, answer)) = scan.await.expect("task");
        if i >= 100 {
            assert_eq!((status, answer["outcome"].as_str()), (200, Some("unknown")));
        } else if i % 4 == 0 {
            assert_eq!(status, 422, "{answer}");
            assert_eq!(
                answer["errors"]["nonce"],
                "This field is too long: at most 128 characters."
            );
        } else {
            assert_eq!(
                (status, answer["outcome"].as_str()),
                (200, Some("ok")),
                "{answer}"
            );
        }
    }
    // The 18 good scans and the 4 broken codes are logged; the refused ones left no trace.
    let lines = app.db.recent_scans(event.id, 100).await.expect("scans");
    assert_eq!(lines.len(), 18 + 4);
    // The longest nonce that fits is taken, and a retry with it gets the first answer.
    let longest = json!({ "token": tickets[0], "nonce": "é".repeat(domain::Nonce::MAX) });
    let first = app.scan(&desks[0], DEMO_SLUG, longest.clone()).await;
    assert_eq!((first.0, first.1["outcome"].as_str()), (200, Some("ok")));
    assert_eq!(app.scan(&desks[0], DEMO_SLUG, longest).await, first);
    app.assert_outbox(Outbox::pending(24)).await;
}

//! The offline desk's API (issue 15): the check-in list a desk decides from without the network
//! (token hashes that match the emailed tickets, never a token; `since` gives exactly what changed)
//! and the batch it sends when the network is back (in order, idempotent by nonce, the windows of
//! the scans' own times, times from the future refused, 500 at most, a malformed item refused
//! without losing the others; of two desks that let one ticket in, the earlier stands and both
//! see the conflict — on the desks' list, the dashboard, the report and the history). On the
//! test database (PostgreSQL in CI's second pass), with a real SMTP server for the tickets.

use domain::Role;
use guichet_tests::{DEMO_SLUG, MailServer, Options, TestApp, instant, participant, token_from_qr};
use serde_json::{Value, json};
use sha2::Digest;

fn sha256(text: &str) -> String {
    sha2::Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

async fn get(app: &TestApp, bearer: &str, path: &str) -> (u16, Value) {
    let response = app
        .client
        .get(app.url(path))
        .bearer_auth(bearer)
        .header("accept-language", "en")
        .send()
        .await
        .expect("request");
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn post(app: &TestApp, bearer: &str, path: &str, body: &Value) -> (u16, Value) {
    let response = app
        .client
        .post(app.url(path))
        .bearer_auth(bearer)
        .header("accept-language", "en")
        .json(body)
        .send()
        .await
        .expect("request");
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

const LIST: &str = "/api/v1/events/idm-2008-migration-de-retour/checkin-list";
const BATCH: &str = "/api/v1/events/idm-2008-migration-de-retour/checkins/batch";

/// The ids of a list's registrations.
fn ids(list: &Value) -> Vec<i64> {
    let mut ids: Vec<i64> = list["registrations"]
        .as_array()
        .expect("registrations")
        .iter()
        .map(|r| r["id"].as_i64().expect("an id"))
        .collect();
    ids.sort_unstable();
    ids
}

fn entry(list: &Value, id: i32) -> Value {
    list["registrations"]
        .as_array()
        .expect("registrations")
        .iter()
        .find(|r| r["id"] == id)
        .cloned()
        .unwrap_or_else(|| panic!("registration {id} in {list}"))
}

#[tokio::test]
async fn the_list_holds_the_emailed_tickets_hashes_never_a_token_and_since_gives_exactly_the_changes()
 {
    let mail = MailServer::start();
    let app = TestApp::spawn_with(Options {
        now: instant("2008-07-07T09:08:00+02:00"),
        smtp_port: mail.port,
        worker: true,
        limits: guichet::Limits::default(),
    })
    .await;
    app.add_staff("desk1@example.org", Role::Desk).await;
    app.add_staff("desk2@example.org", Role::Desk).await;
    app.add_staff("org@example.org", Role::Organiser).await;
    let desk = app.login("desk1@example.org").await;
    let elsewhere = app.login("desk2@example.org").await;
    let organiser = app.login("org@example.org").await;
    let people = ["amina", "bruno", "chen", "dara"];
    for name in people {
        let response = app
            .register_json(
                DEMO_SLUG,
                &participant(name, "Test", &format!("{name}@example.org")),
            )
            .await;
        assert_eq!(response.status(), 202);
    }
    let mails = mail.wait_for(4).await;
    let token_of = |name: &str, mails: &[guichet_tests::ReceivedMail]| {
        let mail = mails
            .iter()
            .rev()
            .find(|m| m.to.iter().any(|t| t.contains(name)))
            .expect("their email");
        token_from_qr(mail)
    };
    let id_of = async |name: &str| {
        i32::try_from(
            app.count(&format!(
                "SELECT CAST(id AS BIGINT) AS n FROM registrations WHERE email = '{name}@example.org'"
            ))
            .await,
        )
        .expect("an id")
    };

    // Two minutes later, the desk takes its list: the registrations are older than its
    // cursor's overlap (a minute).
    app.set_clock(instant("2008-07-07T09:10:00+02:00"));
    let response = app
        .client
        .get(app.url(LIST))
        .bearer_auth(&desk)
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), 200);
    let text = response.text().await.expect("body");
    let list: Value = serde_json::from_str(&text).expect("JSON");
    assert_eq!(list["full"], true);
    assert_eq!(list["registrations"].as_array().map(Vec::len), Some(4));
    for name in people {
        let token = token_of(name, &mails);
        assert!(!text.contains(&token), "no token in the list");
        let e = entry(&list, id_of(name).await);
        assert_eq!(e["token_sha256"], sha256(&token), "{name}'s hash");
        assert_eq!(e["status"], "confirmed");
        assert_eq!(e["name"], format!("{name} Test"));
        assert_eq!(e["checked_in"], json!([]));
    }
    assert_eq!(list["days"][0]["date"], "2008-07-07");
    assert_eq!(list["days"][0]["opens_at"], "2008-07-07T07:00:00Z");
    assert_eq!(list["days"][0]["starts_at"], "2008-07-06T22:00:00Z");
    assert_eq!(
        list["days"][1]["closes_at"].as_str().map(|s| &s[..10]),
        Some("2008-07-08")
    );
    let server_time = list["server_time"].as_str().expect("the server's time");
    assert!(
        server_time.starts_with("2008-07-07T07:10:00"),
        "{server_time}"
    );
    let cursor = list["cursor"].as_str().expect("a cursor").to_owned();
    // The organisers may read it; a stranger may not.
    assert_eq!(get(&app, &organiser, LIST).await.0, 200);
    let stranger = app.client.get(app.url(LIST)).send().await.expect("request");
    assert_eq!(stranger.status(), 401);

    // Nothing changed: nothing comes.
    app.set_clock(instant("2008-07-07T09:15:00+02:00"));
    let since = format!("{LIST}?since={}", cursor.replace('+', "%2B"));
    // A cursor from another era gives the whole list (never a panic or a 500); not a date, 422.
    for old in ["-262143-01-01T00:00:00Z", "1970-01-01T00:00:00Z"] {
        let (status, whole) = get(&app, &desk, &format!("{LIST}?since={old}")).await;
        assert_eq!(
            (status, whole["full"].as_bool()),
            (200, Some(true)),
            "{old}"
        );
        assert_eq!(whole["registrations"].as_array().map(Vec::len), Some(4));
    }
    assert_eq!(
        get(&app, &desk, &format!("{LIST}?since=yesterday")).await.0,
        422
    );
    let (status, nothing) = get(&app, &desk, &since).await;
    assert_eq!(status, 200, "{nothing}");
    assert_eq!(nothing["full"], false);
    assert_eq!(ids(&nothing), Vec::<i64>::new());

    // A cancellation, a re-issue, a check-in at another desk: those three, and no other.
    let (amina, bruno, chen) = (
        id_of("amina").await,
        id_of("bruno").await,
        id_of("chen").await,
    );
    app.db
        .cancel_registration(amina, app.now())
        .await
        .expect("cancelled");
    app.db
        .reissue_ticket(bruno, app.now())
        .await
        .expect("re-issued");
    let (status, answer) = app
        .scan(
            &elsewhere,
            DEMO_SLUG,
            json!({ "token": token_of("chen", &mails) }),
        )
        .await;
    assert_eq!((status, answer["outcome"].as_str()), (200, Some("ok")));
    let (_, changes) = get(&app, &desk, &since).await;
    assert_eq!(
        ids(&changes),
        [i64::from(amina), i64::from(bruno), i64::from(chen)]
    );
    assert_eq!(entry(&changes, amina)["status"], "cancelled");
    assert_eq!(entry(&changes, chen)["checked_in"], json!(["2008-07-07"]));
    let mails = mail.wait_for(4 + 2).await;
    let new_ticket = token_of("bruno", &mails);
    assert_ne!(new_ticket, token_of("bruno", &mails[..4]));
    assert_eq!(entry(&changes, bruno)["token_sha256"], sha256(&new_ticket));
    app.assert_outbox(guichet_tests::Outbox::default()).await;
}

/// One scan of a batch.
fn scan(token: &str, nonce: &str, at: &str) -> Value {
    json!({ "token": token, "nonce": nonce, "scanned_at": at, "desk": "Entrance A" })
}

#[tokio::test]
async fn a_batch_is_answered_in_order_by_its_scans_own_times_once_per_nonce() {
    // The server's clock on the second day; the scans were made on both days.
    let app = TestApp::spawn_at(instant("2008-07-08T10:00:00+02:00")).await;
    app.add_staff("desk1@example.org", Role::Desk).await;
    let desk = app.login("desk1@example.org").await;
    let event = app.demo_event().await;
    let mut tickets = Vec::new();
    for name in ["amina", "bruno", "chen", "dara", "emeka"] {
        tickets.push(
            app.ticket(&event, name, "Test", &format!("{name}@example.org"))
                .await,
        );
    }
    let token = |i: usize| tickets[i].1.as_str();
    let mut not_admitted = scan(token(0), "n2", "2008-07-07T09:07:00+02:00");
    not_admitted["admitted"] = json!(false);
    let body = json!({ "scans": [
        scan(token(0), "n1", "2008-07-07T09:05:00+02:00"),
        not_admitted,
        scan(token(1), "n3", "2008-07-07T08:30:00+02:00"),
        scan(token(2), "n4", "2008-07-07T19:00:00+02:00"),
        // Twenty minutes ahead of the server: a wrong clock, not a scan.
        scan(token(3), "n5", "2008-07-08T10:20:00+02:00"),
        { "token": token(3), "scanned_at": "2008-07-08T09:40:00+02:00" },
        scan(token(4), "n7", "2008-07-08T09:30:00.900+02:00"),
        scan("NOT-A-TICKET", "n8", "2008-07-08T09:31:00+02:00"),
        // From another era: refused by name (PostgreSQL could not even store it).
        scan(token(3), "n9", "-5000-01-01T00:00:00+00:00"),
        scan(token(3), "n10", "0001-01-01T00:00:00Z"),
    ]});
    let (status, answer) = post(&app, &desk, BATCH, &body).await;
    assert_eq!(status, 422, "{answer}");
    let results = answer["results"].as_array().expect("results");
    let outcomes: Vec<Value> = results.iter().map(|r| r["outcome"].clone()).collect();
    assert_eq!(
        outcomes,
        [
            json!("ok"),
            json!("already_checked_in"),
            json!("too_early"),
            json!("closed"),
            Value::Null,
            Value::Null,
            json!("ok"),
            json!("unknown"),
            Value::Null,
            Value::Null,
        ],
        "{answer}"
    );
    let nonces: Vec<Value> = results.iter().map(|r| r["nonce"].clone()).collect();
    assert_eq!(
        nonces[..5],
        [
            json!("n1"),
            json!("n2"),
            json!("n3"),
            json!("n4"),
            json!("n5")
        ]
    );
    assert_eq!(results[0]["checked_in_at"], "2008-07-07T07:05:00Z");
    assert_eq!(results[1]["checked_in_at"], "2008-07-07T07:05:00Z");
    assert_eq!(
        results[1]["conflict"], false,
        "the desk showed amber itself"
    );
    assert_eq!(results[6]["checked_in_at"], "2008-07-08T07:30:00Z");
    assert!(
        results[4]["error"]
            .as_str()
            .is_some_and(|e| e.contains("5 minutes"))
    );
    let errors = answer["errors"].as_object().expect("errors");
    assert!(errors.contains_key("scans[4].scanned_at"), "{answer}");
    assert!(errors.contains_key("scans[5].body"), "{answer}");
    assert!(
        errors.keys().any(|k| k.starts_with("scans[8].")),
        "{answer}"
    );
    assert!(errors.contains_key("scans[9].scanned_at"), "{answer}");
    assert_eq!(errors.len(), 4);
    // Recorded with the scans' own times: day one at 09:05, day two at 09:30.
    let at = async |id: i32| {
        app.count(&format!(
            "SELECT CAST(COUNT(*) AS BIGINT) AS n FROM checkins WHERE registration_id = {id}"
        ))
        .await
    };
    assert_eq!(at(tickets[0].0.id).await, 1);
    assert_eq!(
        at(tickets[3].0.id).await,
        0,
        "the future scan is not recorded"
    );
    let report = app
        .db
        .report_page(event.id, &Default::default(), 0, 10)
        .await
        .expect("report");
    let first = report
        .iter()
        .find(|r| r.registration.id == tickets[0].0.id)
        .expect("amina");
    assert_eq!(first.checkins[0].at, instant("2008-07-07T09:05:00+02:00"));
    assert_eq!(
        first.checkins[0].desk_label(),
        "Entrance A — desk1@example.org"
    );
    let logged = app.count("SELECT COUNT(*) AS n FROM scan_log").await;
    assert_eq!(logged, 6, "every scan read is logged, refused ones too");

    // The same batch again: the same answers, nothing more recorded.
    let (status, again) = post(&app, &desk, BATCH, &body).await;
    assert_eq!(status, 422);
    assert_eq!(again["results"], answer["results"]);
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM scan_log").await,
        logged
    );
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM checkins").await, 2);

    // 501 scans: refused whole, nothing recorded.
    let many: Vec<Value> = (0..501)
        .map(|i| scan(token(3), &format!("m{i}"), "2008-07-08T09:45:00+02:00"))
        .collect();
    let (status, refused) = post(&app, &desk, BATCH, &json!({ "scans": many })).await;
    assert_eq!(status, 422, "{refused}");
    assert!(refused["errors"]["scans"].is_string(), "{refused}");
    assert_eq!(at(tickets[3].0.id).await, 0);
    // 500 fit (the body too).
    let fit: Vec<Value> = (0..500)
        .map(|i| scan(token(3), &format!("f{i}"), "2008-07-08T09:45:00+02:00"))
        .collect();
    let (status, fitted) = post(&app, &desk, BATCH, &json!({ "scans": fit })).await;
    assert_eq!(status, 200, "{fitted}");
    assert_eq!(fitted["results"][0]["outcome"], "ok");
    assert_eq!(fitted["results"][499]["outcome"], "already_checked_in");
    assert_eq!(at(tickets[3].0.id).await, 1);
}

#[tokio::test]
async fn of_two_desks_letting_one_ticket_in_the_earlier_stands_and_everyone_sees_the_conflict() {
    let app = TestApp::spawn_at(instant("2008-07-07T09:30:00+02:00")).await;
    app.add_staff("desk1@example.org", Role::Desk).await;
    app.add_staff("desk2@example.org", Role::Desk).await;
    app.add_staff("org@example.org", Role::Organiser).await;
    let one = app.login("desk1@example.org").await;
    let two = app.login("desk2@example.org").await;
    let event = app.demo_event().await;
    let (amina, amina_ticket) = app
        .ticket(&event, "Amina", "Diallo", "amina@example.org")
        .await;
    let (bruno, bruno_ticket) = app
        .ticket(&event, "Bruno", "Costa", "bruno@example.org")
        .await;

    // Desk one syncs first: Amina at 09:10. Desk two then: Amina at 09:05, earlier: it stands.
    let first = json!({ "scans": [scan(&amina_ticket, "one-1", "2008-07-07T09:10:00+02:00")] });
    let (status, answer) = post(&app, &one, BATCH, &first).await;
    assert_eq!(status, 200);
    assert_eq!(answer["results"][0]["outcome"], "ok");
    assert_eq!(answer["results"][0]["conflict"], false);
    let mut earlier = scan(&amina_ticket, "two-1", "2008-07-07T09:05:00+02:00");
    earlier["desk"] = json!("Entrance B");
    let (status, answer) = post(&app, &two, BATCH, &json!({ "scans": [earlier] })).await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["results"][0]["outcome"], "ok");
    assert_eq!(answer["results"][0]["conflict"], true);
    assert_eq!(
        answer["results"][0]["checked_in_at"],
        "2008-07-07T07:05:00Z"
    );
    // Desk one sending its batch again learns that its scan no longer stands.
    let (_, again) = post(&app, &one, BATCH, &first).await;
    assert_eq!(again["results"][0]["outcome"], "already_checked_in");
    assert_eq!(again["results"][0]["conflict"], true);
    assert_eq!(again["results"][0]["checked_in_at"], "2008-07-07T07:05:00Z");
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) AS n FROM checkins WHERE registration_id = {}",
            amina.id
        ))
        .await,
        1
    );

    // Bruno: let in online at 09:30 by desk one, then by desk two offline at 09:40: the online
    // check-in stands, and both are marked.
    let (status, answer) = app
        .scan(
            &one,
            DEMO_SLUG,
            json!({ "token": bruno_ticket, "desk": "Entrance A" }),
        )
        .await;
    assert_eq!((status, answer["outcome"].as_str()), (200, Some("ok")));
    app.set_clock(instant("2008-07-07T09:45:00+02:00"));
    let mut later = scan(&bruno_ticket, "two-2", "2008-07-07T09:40:00+02:00");
    later["desk"] = json!("Entrance B");
    let (_, answer) = post(&app, &two, BATCH, &json!({ "scans": [later] })).await;
    assert_eq!(answer["results"][0]["outcome"], "already_checked_in");
    assert_eq!(answer["results"][0]["conflict"], true);
    assert_eq!(
        answer["results"][0]["checked_in_at"],
        "2008-07-07T07:30:00Z"
    );

    // Both conflicts on the desks' list, the earlier scan as the one that stands.
    let (_, list) = get(&app, &one, LIST).await;
    let conflicts = list["conflicts"].as_array().expect("conflicts");
    assert_eq!(conflicts.len(), 2, "{list}");
    let of = |id: i32| {
        conflicts
            .iter()
            .find(|c| c["registration_id"] == id)
            .cloned()
            .expect("a conflict")
    };
    let a = of(amina.id);
    assert_eq!(a["name"], "Amina Diallo");
    assert_eq!(a["day"], "2008-07-07");
    assert_eq!(a["kept"]["at"], "2008-07-07T07:05:00Z");
    assert_eq!(a["kept"]["desk"], "Entrance B");
    assert_eq!(a["kept"]["by"], "desk2@example.org");
    assert_eq!(a["other"]["at"], "2008-07-07T07:10:00Z");
    assert_eq!(a["other"]["by"], "desk1@example.org");
    let b = of(bruno.id);
    assert_eq!(b["kept"]["by"], "desk1@example.org");
    assert_eq!(b["other"]["desk"], "Entrance B");
    // Both scans of each kept in the scan log.
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM scan_log WHERE conflict")
            .await,
        4
    );

    // The dashboard names them, with desks and times; the report has the time that stands and
    // its desk; the participant's history both scans.
    let (cookie, _) = app
        .browser_session("org@example.org", &format!("/organiser/{DEMO_SLUG}"))
        .await;
    let dashboard = app
        .get_with_cookie(&format!("/organiser/{DEMO_SLUG}"), &cookie)
        .await
        .text()
        .await
        .expect("page");
    let section = dashboard
        .split("id=\"offline-conflicts\"")
        .nth(1)
        .expect("the conflicts section");
    assert!(section.contains("Amina Diallo") && section.contains("Bruno Costa"));
    assert!(
        section.contains("09:05 · Entrance B — desk2@example.org"),
        "{section}"
    );
    assert!(
        section.contains("09:10 · Entrance A — desk1@example.org"),
        "{section}"
    );
    let csv = app
        .client
        .get(app.url(&format!(
            "/api/v1/events/{DEMO_SLUG}/reports/attendance.csv"
        )))
        .bearer_auth(app.login("org@example.org").await)
        .send()
        .await
        .expect("request")
        .text()
        .await
        .expect("CSV");
    let line = csv
        .lines()
        .find(|l| l.contains("Amina"))
        .expect("Amina's line");
    assert!(line.contains("2008-07-07T09:05:00+02:00"), "{line}");
    assert!(line.contains("Entrance B — desk2@example.org"), "{line}");
    let history = app
        .get_with_cookie(
            &format!("/organiser/{DEMO_SLUG}/registrations/{}", amina.id),
            &cookie,
        )
        .await
        .text()
        .await
        .expect("page");
    assert_eq!(history.matches("admitted twice").count(), 2, "{history}");
    assert!(history.contains("desk Entrance B"));
}

//! Registration by approval (issue 14), on the example event of `demo/` whose registrations are
//! requests: a request holds no seat and is told it was received (no ticket); organisers approve
//! (a seat while one is free, else the waitlist, exactly, however many approve at once, from two
//! instances) or decline (a courteous email with their message), one by one through the API and
//! the participant page, or the whole of a filter from the registrations list after a
//! confirmation that shows the count; every decision audited; a request scans `not_confirmed`.
//! On the test database (PostgreSQL in CI's second pass), with a real SMTP server.

use domain::Role;
use guichet_tests::{MailServer, Options, TestApp, instant, participant, token_from_qr};
use serde_json::{Value, json};

const BY_APPROVAL: &str = include_str!("../../demo/idm-2008-reunion-sur-invitation.toml");
const SLUG: &str = "idm-2008-reunion-experts";

/// guichet with the example event by approval, before registration closes, the worker sending
/// to `mail`; `seats` replaces its capacity.
async fn app_with(mail: &MailServer, seats: u32) -> TestApp {
    spawn(mail.port, true, seats).await
}

/// As [`app_with`], the worker sending to `smtp_port` if `worker`, else none running (the
/// emails stay queued).
async fn spawn(smtp_port: u16, worker: bool, seats: u32) -> TestApp {
    let app = TestApp::spawn_with(Options {
        now: instant("2008-06-15T10:00:00+02:00"),
        smtp_port,
        worker,
        limits: guichet::Limits {
            registrations_per_minute: 0,
            ..guichet::Limits::default()
        },
    })
    .await;
    let mut event = domain::parse_event_file(BY_APPROVAL).expect("the example is valid");
    event.capacity = domain::Capacity::new(seats).expect("seats");
    app.db.save_event(&event, app.now()).await.expect("saved");
    app
}

/// A registration for the example event: the demo's participant, with the required answer.
fn request(given: &str, family: &str, email: &str) -> Value {
    let mut body = participant(given, family, email);
    body["language"] = json!("en");
    body["answers"] = json!({ "passport_country": "SN", "field_visit": "none" });
    body
}

/// Registers through the public API and returns the registration's id.
async fn register(app: &TestApp, given: &str, family: &str, email: &str) -> i32 {
    let response = app
        .register_json(SLUG, &request(given, family, email))
        .await;
    assert_eq!(response.status(), 202, "{email}");
    let id = app
        .count(&format!(
            "SELECT CAST(id AS BIGINT) AS n FROM registrations WHERE email = '{email}'"
        ))
        .await;
    i32::try_from(id).expect("an id")
}

async fn status_of(app: &TestApp, id: i32) -> domain::Status {
    app.db
        .registration(id)
        .await
        .expect("read")
        .expect("there")
        .status
}

async fn post_api(app: &TestApp, bearer: &str, path: &str, body: Option<Value>) -> (u16, Value) {
    let mut request = app
        .client
        .post(app.url(path))
        .bearer_auth(bearer)
        .header("accept-language", "en");
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.expect("request");
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn get_api(app: &TestApp, bearer: &str, path: &str) -> (u16, Value) {
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

#[tokio::test]
async fn a_request_holds_no_seat_is_told_it_was_received_and_scans_not_confirmed() {
    let mail = MailServer::start();
    let app = app_with(&mail, 40).await;
    let stored = app.event(SLUG).await;

    // The page says registration is by approval, and so does the page after the form.
    let page = app
        .get(&format!("/events/{SLUG}"))
        .await
        .text()
        .await
        .expect("page");
    assert!(page.contains("by approval"), "the event page says so");

    let id = register(&app, "Awa", "Ndiaye", "awa@example.org").await;
    assert_eq!(status_of(&app, id).await, domain::Status::Pending);
    assert_eq!(
        app.count(&format!(
            "SELECT CAST(confirmed_count AS BIGINT) AS n FROM events WHERE id = {}",
            stored.id
        ))
        .await,
        0,
        "a request takes no seat"
    );
    let mails = mail.wait_for(1).await;
    let message = mails[0].parsed();
    assert_eq!(
        message.subject(),
        Some("Request received: Réunion d'experts : données sur la migration de retour")
    );
    assert_eq!(message.attachments().count(), 0, "no QR code, no calendar");
    let text = message.body_text(0).expect("a text part");
    assert!(text.contains("by approval"), "{text}");
    let token = app.key.issue(stored.id, id, 1).to_string();
    assert!(
        text.contains(&format!("/t/{token}")),
        "the link to the request's page"
    );

    // The request's page: where it stands, no QR code; the participant may withdraw it.
    let ticket = app
        .get(&format!("/t/{token}"))
        .await
        .text()
        .await
        .expect("page");
    assert!(ticket.contains("Your request is received"), "{ticket}");
    assert!(!ticket.contains("qr.png"), "no QR code for a request");
    assert_eq!(app.get(&format!("/t/{token}/qr.png")).await.status(), 404);

    // Registering again with the address says the same again, and still takes no seat.
    let again = app
        .register_json(SLUG, &request("Awa", "Ndiaye", "awa@example.org"))
        .await;
    assert_eq!(again.status(), 202);
    let mails = mail.wait_for(2).await;
    assert!(
        mails[1]
            .parsed()
            .subject()
            .is_some_and(|s| s.starts_with("Request received")),
        "the request's notice again"
    );
    assert_eq!(status_of(&app, id).await, domain::Status::Pending);

    // At the desk, on the day: not confirmed, and no check-in is written.
    app.set_clock(instant("2008-07-09T09:00:00+02:00"));
    app.add_staff_at("desk@example.org", Role::Desk, &[SLUG])
        .await;
    let desk = app.login("desk@example.org").await;
    let (status, answer) = app.scan(&desk, SLUG, json!({ "token": token })).await;
    assert_eq!(status, 200);
    assert_eq!(answer["outcome"], "not_confirmed", "{answer}");
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM checkins").await, 0);

    // A walk-in at the desk is no request: the person is there, the team lets them in.
    let walk_in = app
        .client
        .post(app.url(&format!("/api/v1/events/{SLUG}/walk-ins")))
        .bearer_auth(&desk)
        .header("accept-language", "en")
        .json(&request("Binta", "Sow", "binta@example.org"))
        .send()
        .await
        .expect("request");
    assert!(walk_in.status().is_success(), "{}", walk_in.status());
    let binta = app
        .count(
            "SELECT CAST(id AS BIGINT) AS n FROM registrations WHERE email = 'binta@example.org'",
        )
        .await;
    assert_eq!(
        status_of(&app, i32::try_from(binta).expect("id")).await,
        domain::Status::Confirmed
    );
    app.assert_outbox(guichet_tests::Outbox::default()).await;
}

#[tokio::test]
async fn organisers_approve_and_decline_through_the_api_each_decision_audited_and_emailed() {
    let mail = MailServer::start();
    let app = app_with(&mail, 1).await;
    let stored = app.event(SLUG).await;
    app.add_staff_at("org@example.org", Role::Organiser, &[SLUG])
        .await;
    app.add_staff_at("desk@example.org", Role::Desk, &[SLUG])
        .await;
    let organiser = app.login("org@example.org").await;
    let desk = app.login("desk@example.org").await;
    let first = register(&app, "Awa", "Ndiaye", "awa@example.org").await;
    let second = register(&app, "Koffi", "Mensah", "koffi@example.org").await;
    let third = register(&app, "Lina", "Haddad", "lina@example.org").await;
    mail.wait_for(3).await;

    // The requests waiting, as a client lists them: ids, names, email, category, answers; a
    // page at a time.
    let list = format!("/api/v1/events/{SLUG}/registrations?status=pending");
    let (status, page) = get_api(&app, &organiser, &format!("{list}&limit=2")).await;
    assert_eq!(status, 200, "{page}");
    let rows = page["registrations"].as_array().expect("a list");
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0]["id"], first);
    assert_eq!(rows[0]["given_name"], "Awa");
    assert_eq!(rows[0]["email"], "awa@example.org");
    assert_eq!(rows[0]["category"], "member_state");
    assert_eq!(rows[0]["status"], "pending");
    assert_eq!(rows[0]["answers"]["passport_country"], "SN");
    let after = page["next_after"].as_i64().expect("a next page");
    let (_, rest) = get_api(&app, &organiser, &format!("{list}&limit=2&after={after}")).await;
    assert_eq!(rest["registrations"][0]["id"], third);
    assert_eq!(rest["next_after"], Value::Null);
    // Not for the desk; a bad filter is named.
    assert_eq!(get_api(&app, &desk, &list).await.0, 403);
    let (status, bad) = get_api(&app, &organiser, &format!("{list}x")).await;
    assert_eq!(status, 422, "{bad}");
    for page in ["limit=0", "limit=501", "after=-1"] {
        let (status, bad) = get_api(&app, &organiser, &format!("{list}&{page}")).await;
        assert_eq!(status, 422, "{page}: {bad}");
        assert!(bad["errors"]["query"].is_string(), "{bad}");
    }

    // The one seat goes to the first approved; the next approved waits for a seat.
    let approve = |id: i32| format!("/api/v1/events/{SLUG}/registrations/{id}/approve");
    let (status, answer) = post_api(&app, &organiser, &approve(first), None).await;
    assert_eq!(
        (status, answer["status"].as_str()),
        (200, Some("confirmed"))
    );
    let (status, answer) = post_api(&app, &organiser, &approve(second), None).await;
    assert_eq!(
        (status, answer["status"].as_str()),
        (200, Some("waitlisted"))
    );
    // Deciding twice: 409, saying where it stands; nothing more is written.
    let (status, answer) = post_api(&app, &organiser, &approve(first), None).await;
    assert_eq!(status, 409, "{answer}");
    assert_eq!(answer["error"], "not_pending");
    // The desk may not decide.
    assert_eq!(post_api(&app, &desk, &approve(third), None).await.0, 403);

    // Declining, with a message; one too long is refused, naming the field.
    let decline = format!("/api/v1/events/{SLUG}/registrations/{third}/decline");
    let (status, answer) = post_api(
        &app,
        &organiser,
        &decline,
        Some(json!({ "message": "x".repeat(2001) })),
    )
    .await;
    assert_eq!(status, 422, "{answer}");
    assert!(answer["errors"]["message"].is_string(), "{answer}");
    assert_eq!(status_of(&app, third).await, domain::Status::Pending);
    let (status, answer) = post_api(
        &app,
        &organiser,
        &decline,
        Some(json!({ "message": "The meeting is for data officers only.\nThank you." })),
    )
    .await;
    assert_eq!((status, answer["status"].as_str()), (200, Some("declined")));

    let mails = mail.wait_for(6).await;
    let to = |address: &str| {
        mails
            .iter()
            .filter(|m| m.to.iter().any(|t| t.contains(address)))
            .cloned()
            .collect::<Vec<_>>()
    };
    // Awa: the ticket with its QR code, for her registration.
    let awa = to("awa@example.org");
    assert_eq!(awa.len(), 2, "request received, then the ticket");
    let token = token_from_qr(&awa[1]);
    assert_eq!(token, app.key.issue(stored.id, first, 1).to_string());
    // Koffi: the waitlist notice, no ticket.
    let koffi = to("koffi@example.org");
    assert!(
        koffi[1]
            .parsed()
            .subject()
            .is_some_and(|s| s.starts_with("On the waiting list")),
        "{:?}",
        koffi[1].parsed().subject()
    );
    assert_eq!(koffi[1].parsed().attachments().count(), 0);
    // Lina: a courteous refusal with the organisers' words, no ticket.
    let lina = to("lina@example.org");
    let refusal = lina[1].parsed();
    assert_eq!(
        refusal.subject(),
        Some("Your request: Réunion d'experts : données sur la migration de retour")
    );
    // Lines end in CRLF on the wire.
    let text = refusal.body_text(0).expect("text").replace("\r\n", "\n");
    assert!(text.contains("cannot accept your request"), "{text}");
    assert!(
        text.contains("The meeting is for data officers only.\nThank you."),
        "{text}"
    );
    let html = refusal.body_html(0).expect("html");
    assert!(
        html.contains("The meeting is for data officers only."),
        "{html}"
    );
    assert_eq!(refusal.attachments().count(), 0);

    // Each decision is in the audit log, with what approving gave; the refused scans as such.
    let audit = app.db.audit_log(stored.id, 10).await.expect("audit");
    let actions: Vec<String> = audit
        .iter()
        .map(|line| match &line.what {
            persistence::Happened::Audit { action, .. } => action.as_str().to_owned(),
            other => format!("{other:?}"),
        })
        .collect();
    assert_eq!(
        actions,
        [
            "registration_declined",
            "registration_approved",
            "registration_approved"
        ]
    );
    assert!(
        audit
            .iter()
            .all(|l| l.by.as_deref() == Some("org@example.org"))
    );
    assert_eq!(
        app.count(&format!(
            "SELECT CAST(confirmed_count AS BIGINT) AS n FROM events WHERE id = {}",
            stored.id
        ))
        .await,
        1
    );
    // The participant page puts the decisions into words.
    let (cookie, _) = app
        .browser_session("org@example.org", &format!("/organiser/{SLUG}"))
        .await;
    let page = app
        .get_with_cookie(
            &format!("/organiser/{SLUG}/registrations/{second}"),
            &cookie,
        )
        .await
        .text()
        .await
        .expect("page");
    assert!(page.contains("Request approved"), "history: {page}");
    assert!(page.contains("Waitlisted"), "{page}");
    app.assert_outbox(guichet_tests::Outbox::default()).await;
}

#[tokio::test]
async fn approvals_at_once_from_two_instances_confirm_exactly_the_free_seats() {
    const SEATS: u32 = 5;
    const REQUESTS: usize = 24;
    let mail = MailServer::start();
    let app = app_with(&mail, SEATS).await;
    let stored = app.event(SLUG).await;
    let second = app
        .second_instance(Options {
            now: app.now(),
            smtp_port: mail.port,
            worker: false,
            limits: guichet::Limits::default(),
        })
        .await;
    let mut ids = Vec::new();
    for n in 0..REQUESTS {
        ids.push(
            register(
                &app,
                "Req",
                &format!("Uest{n}"),
                &format!("r{n}@example.org"),
            )
            .await,
        );
    }
    // Three organisers, approving every request at once, across both instances.
    let mut tokens = Vec::new();
    for n in 0..3 {
        let email = format!("org{n}@example.org");
        app.add_staff_at(&email, Role::Organiser, &[SLUG]).await;
        tokens.push(app.login(&email).await);
    }
    let approvals = ids.iter().enumerate().map(|(n, &id)| {
        let instance = if n % 2 == 0 { &app } else { &second };
        let token = tokens[n % tokens.len()].clone();
        async move {
            post_api(
                instance,
                &token,
                &format!("/api/v1/events/{SLUG}/registrations/{id}/approve"),
                None,
            )
            .await
        }
    });
    let answers = futures_util::future::join_all(approvals).await;
    let mut confirmed = 0;
    let mut waitlisted = 0;
    for (status, answer) in &answers {
        assert_eq!(*status, 200, "{answer}");
        match answer["status"].as_str() {
            Some("confirmed") => confirmed += 1,
            Some("waitlisted") => waitlisted += 1,
            other => panic!("approved as {other:?}"),
        }
    }
    assert_eq!(confirmed, SEATS as usize, "exactly the seats");
    assert_eq!(waitlisted, REQUESTS - SEATS as usize);
    assert_seats_filled(&app, stored.id, SEATS, REQUESTS).await;
    // A freed seat goes on to the first of the waitlist: among the approved who wait, the one
    // who asked first (the waitlist keeps the order of the requests, not of the approvals).
    let holder = answers
        .iter()
        .zip(&ids)
        .find(|((_, answer), _)| answer["status"] == "confirmed")
        .map(|(_, &id)| id)
        .expect("a confirmed request");
    let first_waiting = answers
        .iter()
        .zip(&ids)
        .filter(|((_, answer), _)| answer["status"] == "waitlisted")
        .map(|(_, &id)| id)
        .min()
        .expect("a waitlisted request");
    let cancelled = app
        .db
        .cancel_registration(holder, app.now())
        .await
        .expect("cancelled");
    assert_eq!(cancelled.promoted, Some(first_waiting));
    assert_eq!(
        status_of(&app, first_waiting).await,
        domain::Status::Confirmed
    );
    let counts = app.db.status_counts(stored.id).await.expect("counts");
    assert_eq!(
        counts.confirmed,
        u64::from(SEATS),
        "still exactly the seats"
    );
    app.assert_outbox(guichet_tests::Outbox::default()).await;
}

#[tokio::test]
async fn a_participant_who_chose_spanish_hears_of_the_request_the_waitlist_and_the_refusal_in_spanish()
 {
    let mail = MailServer::start();
    let app = app_with(&mail, 1).await;
    app.add_staff_at("org@example.org", Role::Organiser, &[SLUG])
        .await;
    let organiser = app.login("org@example.org").await;
    let spanish = |given: &str, family: &str, email: &str| {
        let mut body = request(given, family, email);
        body["language"] = json!("es");
        body
    };
    let mut ids = Vec::new();
    for (given, family, email) in [
        ("Awa", "Ndiaye", "awa@example.org"),
        ("Rafael", "Álvarez", "rafael@example.org"),
        ("Lucía", "Fernández", "lucia@example.org"),
    ] {
        let response = app
            .register_json(SLUG, &spanish(given, family, email))
            .await;
        assert_eq!(response.status(), 202, "{email}");
        let id = app
            .count(&format!(
                "SELECT CAST(id AS BIGINT) AS n FROM registrations WHERE email = '{email}'"
            ))
            .await;
        ids.push(i32::try_from(id).expect("an id"));
    }
    let event = "Réunion d'experts : données sur la migration de retour";
    let received = mail.wait_for(3).await;
    for message in &received {
        let message = message.parsed();
        assert_eq!(
            message.subject(),
            Some(format!("Solicitud recibida: {event}").as_str())
        );
        let text = message.body_text(0).expect("text");
        assert!(text.contains("sujeta a aprobación"), "{text}");
        assert_eq!(message.attachments().count(), 0, "no ticket yet");
    }

    // The one seat to Awa; Rafael approved onto the waitlist; Lucía declined, with a message.
    for (id, verb) in [(ids[0], "approve"), (ids[1], "approve")] {
        let path = format!("/api/v1/events/{SLUG}/registrations/{id}/{verb}");
        assert_eq!(post_api(&app, &organiser, &path, None).await.0, 200);
    }
    let path = format!("/api/v1/events/{SLUG}/registrations/{}/decline", ids[2]);
    let message = json!({ "message": "El taller está reservado a los responsables de datos." });
    assert_eq!(
        post_api(&app, &organiser, &path, Some(message)).await.0,
        200
    );
    let mails = mail.wait_for(6).await;
    let last_to = |address: &str| {
        mails
            .iter()
            .rfind(|m| m.to.iter().any(|t| t.contains(address)))
            .expect("a message")
            .parsed()
    };
    let ticket = last_to("awa@example.org");
    assert_eq!(
        ticket.subject(),
        Some(format!("Su entrada: {event}").as_str())
    );
    assert!(
        ticket
            .body_text(0)
            .expect("text")
            .contains("Muestre este código QR")
    );
    let waiting = last_to("rafael@example.org");
    assert_eq!(
        waiting.subject(),
        Some(format!("En lista de espera: {event}").as_str())
    );
    assert!(
        waiting
            .body_text(0)
            .expect("text")
            .contains("Estimado/a Rafael Álvarez:")
    );
    assert_eq!(waiting.attachments().count(), 0);
    let refusal = last_to("lucia@example.org");
    assert_eq!(
        refusal.subject(),
        Some(format!("Su solicitud: {event}").as_str())
    );
    let text = refusal.body_text(0).expect("text").replace("\r\n", "\n");
    assert!(text.contains("no puedan aceptar su solicitud"), "{text}");
    assert!(text.contains("El mensaje de los organizadores:"), "{text}");
    assert!(
        text.contains("El taller está reservado a los responsables de datos."),
        "{text}"
    );
    assert_eq!(refusal.attachments().count(), 0);

    // At the desk, on the day, the refused request scans as not confirmed.
    app.set_clock(instant("2008-07-09T09:00:00+02:00"));
    app.add_staff_at("desk@example.org", Role::Desk, &[SLUG])
        .await;
    let desk = app.login("desk@example.org").await;
    let stored = app.event(SLUG).await;
    let token = app.key.issue(stored.id, ids[2], 1).to_string();
    let (status, answer) = app.scan(&desk, SLUG, json!({ "token": token })).await;
    assert_eq!(
        (status, answer["outcome"].as_str()),
        (200, Some("not_confirmed"))
    );
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM checkins").await, 0);
}

/// After `requests` requests of the event `event_id` were each approved once, for `seats` seats:
/// exactly the seats confirmed and the rest waitlisted, the event's seat counter agreeing, one
/// ticket queued per seat, one audit line per approval.
async fn assert_seats_filled(app: &TestApp, event_id: i32, seats: u32, requests: usize) {
    let counts = app.db.status_counts(event_id).await.expect("counts");
    assert_eq!(
        (counts.confirmed, counts.waitlisted, counts.pending),
        (u64::from(seats), (requests - seats as usize) as u64, 0),
        "exactly the seats, the rest waitlisted"
    );
    assert_eq!(
        app.count(&format!(
            "SELECT CAST(confirmed_count AS BIGINT) AS n FROM events WHERE id = {event_id}"
        ))
        .await,
        u64::from(seats),
        "the seat counter agrees"
    );
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM outbox WHERE kind = 'confirmation'")
            .await,
        u64::from(seats),
        "one ticket per seat"
    );
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'registration_approved'")
            .await,
        requests as u64,
        "one audit line per request approved"
    );
}

/// The hidden inputs and values of the first form posting to `action` in `html`.
fn form_fields(html: &str, action: &str) -> Vec<(String, String)> {
    let start = html
        .find(&format!("action=\"{action}\""))
        .unwrap_or_else(|| panic!("a form posting to {action}"));
    let form = &html[start..start + html[start..].find("</form>").expect("the form's end")];
    form.split("<input type=\"hidden\" name=\"")
        .skip(1)
        .filter_map(|rest| {
            let (name, rest) = rest.split_once('"')?;
            let value = rest.split("value=\"").nth(1)?.split('"').next()?;
            Some((name.to_owned(), guichet_tests::unescape_html(value)))
        })
        .collect()
}

#[tokio::test]
async fn the_spam_of_a_public_form_is_declined_with_one_filter_and_one_confirmed_click() {
    let mail = MailServer::start();
    let app = app_with(&mail, 40).await;
    let stored = app.event(SLUG).await;
    app.add_staff_at("org@example.org", Role::Organiser, &[SLUG])
        .await;
    app.add_staff_at("desk@example.org", Role::Desk, &[SLUG])
        .await;
    for n in 0..30 {
        register(
            &app,
            "Cheap",
            &format!("Pills{n}"),
            &format!("bot{n}@spam.example"),
        )
        .await;
    }
    let real = [
        register(&app, "Awa", "Ndiaye", "awa@example.org").await,
        register(&app, "Koffi", "Mensah", "koffi@example.org").await,
    ];
    let (cookie, _) = app
        .browser_session("org@example.org", &format!("/organiser/{SLUG}"))
        .await;
    let list = format!("/organiser/{SLUG}/registrations?q=spam.example&status=pending");
    let html = app
        .get_with_cookie(&list, &cookie)
        .await
        .text()
        .await
        .expect("page");
    assert!(html.contains("30 registrations match."), "{html}");
    let bulk = format!("/organiser/{SLUG}/bulk");
    let mut fields = form_fields(&html, &bulk);
    fields.push(("action".into(), "decline".into()));
    let as_form = |fields: &[(String, String)]| {
        fields
            .iter()
            .map(|(n, v)| (n.as_str().to_owned(), v.as_str().to_owned()))
            .collect::<Vec<_>>()
    };

    // A spam request arriving while the organiser reads the confirmation is not swept along.
    let late = register(&app, "Late", "Bot", "late@spam.example").await;

    // First the question, with the count; nothing changes yet.
    let asked = app
        .post_form(&bulk, &cookie, &borrowed(&as_form(&fields)))
        .await;
    assert_eq!(asked.status(), 200);
    let confirmation = asked.text().await.expect("page");
    assert!(
        confirmation.contains("Decline the 30 registrations of this filter?"),
        "{confirmation}"
    );
    assert_eq!(
        app.db
            .status_counts(stored.id)
            .await
            .expect("counts")
            .pending,
        33
    );

    // Then the one click: each declined in batches, each audited, the rest untouched.
    let confirm = form_fields(&confirmation, &bulk);
    assert!(confirm.iter().any(|(n, v)| n == "confirm" && v == "yes"));
    let mut confirm = as_form(&confirm);
    confirm.push(("message".into(), String::new()));
    let done = app.post_form(&bulk, &cookie, &borrowed(&confirm)).await;
    assert_eq!(done.status(), 303);
    let location = done.headers()["location"]
        .to_str()
        .expect("a location")
        .to_owned();
    assert!(location.contains("done=30"), "{location}");
    let counts = app.db.status_counts(stored.id).await.expect("counts");
    assert_eq!((counts.declined, counts.pending), (30, 3));
    for id in real.into_iter().chain([late]) {
        assert_eq!(status_of(&app, id).await, domain::Status::Pending);
    }
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'registration_declined'")
            .await,
        30
    );
    let shown = app
        .get_with_cookie(&location, &cookie)
        .await
        .text()
        .await
        .expect("page");
    assert!(shown.contains("Done: 30 changed"), "{shown}");

    // The other bulk actions, on the real requests: approve both, send their email again,
    // cancel both. Each acts on the filter's rows only.
    let real_filter = [
        ("q", "example.org"),
        ("status", ""),
        ("category", ""),
        ("country", ""),
        ("present_on", ""),
        ("absent_on", ""),
    ];
    let csrf = guichet_tests::hidden_field(&shown, "csrf").expect("a token");
    let up_to = late.to_string();
    for (action, expect_done) in [("approve", 2), ("resend", 2), ("cancel", 2), ("approve", 0)] {
        let mut form: Vec<(&str, &str)> = real_filter.to_vec();
        form.extend([
            ("csrf", csrf.as_str()),
            ("action", action),
            ("up_to", up_to.as_str()),
            ("confirm", "yes"),
        ]);
        let response = app.post_form(&bulk, &cookie, &form).await;
        assert_eq!(response.status(), 303, "{action}");
        let location = response.headers()["location"].to_str().expect("location");
        assert!(
            location.contains(&format!("done={expect_done}&")),
            "{action}: {location}"
        );
    }
    let counts = app.db.status_counts(stored.id).await.expect("counts");
    assert_eq!(
        (counts.cancelled, counts.pending, counts.declined),
        (2, 1, 30)
    );
    // Each row each action changed has its audit line; the approval of none, none.
    for (action, lines) in [
        ("registration_approved", 2),
        ("ticket_resent", 2),
        ("registration_cancelled", 2),
    ] {
        assert_eq!(
            app.count(&format!(
                "SELECT COUNT(*) AS n FROM audit_log WHERE action = '{action}' \
                 AND registration_id IN ({}, {})",
                real[0], real[1]
            ))
            .await,
            lines,
            "{action}"
        );
    }
    // The desk may not; a stranger is sent to sign in; a forged action is refused.
    let (desk_cookie, desk_csrf) = app
        .browser_session("desk@example.org", &format!("/desk/{SLUG}"))
        .await;
    let mut form: Vec<(&str, &str)> = real_filter.to_vec();
    form.extend([
        ("csrf", desk_csrf.as_str()),
        ("action", "decline"),
        ("up_to", up_to.as_str()),
        ("confirm", "yes"),
    ]);
    assert_eq!(
        app.post_form(&bulk, &desk_cookie, &form).await.status(),
        403
    );
    let stranger = app
        .client
        .post(app.url(&bulk))
        .form(&form)
        .send()
        .await
        .expect("request");
    assert!(
        [303, 401, 403].contains(&stranger.status().as_u16()),
        "{}",
        stranger.status()
    );
    let mut form: Vec<(&str, &str)> = real_filter.to_vec();
    form.extend([
        ("csrf", csrf.as_str()),
        ("action", "delete-everything"),
        ("up_to", up_to.as_str()),
        ("confirm", "yes"),
    ]);
    assert_eq!(app.post_form(&bulk, &cookie, &form).await.status(), 400);
    assert_eq!(
        app.db
            .status_counts(stored.id)
            .await
            .expect("counts")
            .declined,
        30
    );
    // 33 requests received, 30 refusals, 2 tickets, 2 sent again, 2 cancellations.
    mail.wait_for(33 + 30 + 2 + 2 + 2).await;
    app.assert_outbox(guichet_tests::Outbox::default()).await;
}

#[tokio::test]
async fn a_bulk_approval_of_more_requests_than_seats_and_batches_fills_the_seats_exactly() {
    // More requests than one batch holds, twice over, and more than the seats; single
    // approvals through the API run at the same time as the bulk one.
    const SEATS: u32 = 300;
    const REQUESTS: usize = 2 * persistence::BULK_BATCH + 50;
    // No worker: the emails are counted where they wait, not waited for over SMTP.
    let app = spawn(guichet_tests::free_port(), false, SEATS).await;
    let stored = app.event(SLUG).await;
    app.add_staff_at("org@example.org", Role::Organiser, &[SLUG])
        .await;
    app.add_staff_at("org2@example.org", Role::Organiser, &[SLUG])
        .await;
    // Sixteen at a time, as a public form receives them; then in registration order.
    use futures_util::StreamExt as _;
    let mut ids: Vec<i32> = futures_util::stream::iter(0..REQUESTS)
        .map(|n| {
            let app = &app;
            async move {
                register(
                    app,
                    "Bulk",
                    &format!("Request{n}"),
                    &format!("b{n}@bulk.example"),
                )
                .await
            }
        })
        .buffer_unordered(16)
        .collect()
        .await;
    ids.sort_unstable();
    let (cookie, csrf) = app
        .browser_session("org@example.org", &format!("/organiser/{SLUG}"))
        .await;
    let other = app.login("org2@example.org").await;
    let bulk = format!("/organiser/{SLUG}/bulk");
    let up_to = ids.last().expect("ids").to_string();
    let form = [
        ("q", "bulk.example"),
        ("status", "pending"),
        ("category", ""),
        ("country", ""),
        ("present_on", ""),
        ("absent_on", ""),
        ("csrf", csrf.as_str()),
        ("action", "approve"),
        ("up_to", up_to.as_str()),
        ("confirm", "yes"),
    ];
    // The other organiser approves the last 40 one by one meanwhile, from the end.
    let singles = async {
        let mut answers = Vec::new();
        for &id in ids.iter().rev().take(40) {
            answers.push(
                post_api(
                    &app,
                    &other,
                    &format!("/api/v1/events/{SLUG}/registrations/{id}/approve"),
                    None,
                )
                .await,
            );
        }
        answers
    };
    let (response, singles) = tokio::join!(app.post_form(&bulk, &cookie, &form), singles);
    assert_eq!(response.status(), 303);
    let location = response.headers()["location"]
        .to_str()
        .expect("location")
        .to_owned();
    // Each request approved once: by the bulk action or by the other organiser (409 for the
    // one that came second).
    let by_hand = singles.iter().filter(|(status, _)| *status == 200).count();
    for (status, answer) in &singles {
        assert!(
            *status == 200 || (*status == 409 && answer["error"] == "not_pending"),
            "{status} {answer}"
        );
    }
    assert!(
        location.contains(&format!("done={}&", REQUESTS - by_hand)),
        "{location} with {by_hand} approved by hand"
    );
    assert_seats_filled(&app, stored.id, SEATS, REQUESTS).await;
    // The bulk approval goes in registration order: of the requests it approved, every one
    // that got a seat was registered before every one that waits.
    let approved_by_hand: std::collections::HashSet<i32> = ids
        .iter()
        .rev()
        .zip(&singles)
        .filter(|(_, (status, _))| *status == 200)
        .map(|(&id, _)| id)
        .collect();
    let mut seen_waiting = false;
    for &id in ids.iter().filter(|id| !approved_by_hand.contains(id)) {
        match status_of(&app, id).await {
            domain::Status::Confirmed => {
                assert!(!seen_waiting, "{id} got a seat after an earlier one waits")
            }
            domain::Status::Waitlisted => seen_waiting = true,
            other => panic!("{id} is {other:?}"),
        }
    }
    // Every request was told it was received; then a ticket or a waitlist notice each.
    app.assert_outbox(guichet_tests::Outbox::pending(2 * REQUESTS as u64))
        .await;
}

fn borrowed(fields: &[(String, String)]) -> Vec<(&str, &str)> {
    fields
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect()
}

#[tokio::test]
async fn the_participant_page_approves_and_declines_a_request() {
    let mail = MailServer::start();
    let app = app_with(&mail, 40).await;
    app.add_staff_at("org@example.org", Role::Organiser, &[SLUG])
        .await;
    let awa = register(&app, "Awa", "Ndiaye", "awa@example.org").await;
    let koffi = register(&app, "Koffi", "Mensah", "koffi@example.org").await;
    let (cookie, csrf) = app
        .browser_session("org@example.org", &format!("/organiser/{SLUG}"))
        .await;
    let page = app
        .get_with_cookie(&format!("/organiser/{SLUG}/registrations/{awa}"), &cookie)
        .await
        .text()
        .await
        .expect("page");
    assert!(page.contains("Request pending"), "{page}");
    let approve = format!("/organiser/{SLUG}/registrations/{awa}/approve");
    assert!(page.contains(&approve), "an approve button");
    let response = app
        .post_form(&approve, &cookie, &[("csrf", csrf.as_str())])
        .await;
    assert_eq!(response.status(), 303);
    assert_eq!(status_of(&app, awa).await, domain::Status::Confirmed);
    // Approving again from a stale page changes nothing and shows where it stands.
    let response = app
        .post_form(&approve, &cookie, &[("csrf", csrf.as_str())])
        .await;
    assert_eq!(response.status(), 303);
    let decline = format!("/organiser/{SLUG}/registrations/{koffi}/decline");
    // A message with a control character: the page again, the message kept, nothing decided.
    let response = app
        .post_form(
            &decline,
            &cookie,
            &[("csrf", csrf.as_str()), ("message", "Sorry\u{7}")],
        )
        .await;
    assert_eq!(response.status(), 422);
    let page = response.text().await.expect("page");
    assert!(page.contains("id=\"message-error\""), "{page}");
    assert!(
        page.contains("Sorry\u{7}</textarea>"),
        "what was typed is kept"
    );
    assert_eq!(status_of(&app, koffi).await, domain::Status::Pending);
    let response = app
        .post_form(
            &decline,
            &cookie,
            &[
                ("csrf", csrf.as_str()),
                ("message", "Sorry: places are for experts."),
            ],
        )
        .await;
    assert_eq!(response.status(), 303);
    assert_eq!(status_of(&app, koffi).await, domain::Status::Declined);
    let mails = mail.wait_for(4).await;
    let refusal = mails
        .iter()
        .filter(|m| m.to.iter().any(|t| t.contains("koffi")))
        .nth(1)
        .expect("the refusal")
        .parsed();
    assert!(
        refusal
            .body_text(0)
            .is_some_and(|t| t.contains("Sorry: places are for experts.")),
        "the message in the email"
    );
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM audit_log").await,
        2,
        "one line per decision, none for the stale one"
    );
    app.assert_outbox(guichet_tests::Outbox::default()).await;
}

#[tokio::test]
async fn a_bulk_action_leaves_alone_a_registration_that_left_the_filter_after_the_question() {
    let mail = MailServer::start();
    let app = app_with(&mail, 40).await;
    let stored = app.event(SLUG).await;
    app.add_staff_at("org@example.org", Role::Organiser, &[SLUG])
        .await;
    let ids = [
        register(&app, "Spam", "One", "one@spam.example").await,
        register(&app, "Spam", "Two", "two@spam.example").await,
        register(&app, "Real", "Person", "real@spam.example").await,
    ];
    let (cookie, csrf) = app
        .browser_session("org@example.org", &format!("/organiser/{SLUG}"))
        .await;
    let up_to = ids[2].to_string();
    let form: Vec<(&str, &str)> = vec![
        ("csrf", csrf.as_str()),
        ("action", "decline"),
        ("up_to", up_to.as_str()),
        ("q", "spam.example"),
        ("status", "pending"),
        ("category", ""),
        ("country", ""),
        ("present_on", ""),
        ("absent_on", ""),
    ];
    let bulk = format!("/organiser/{SLUG}/bulk");
    let asked = app.post_form(&bulk, &cookie, &form).await;
    assert!(
        asked
            .text()
            .await
            .expect("page")
            .contains("Decline the 3 registrations")
    );
    // Meanwhile a colleague approves the real person: no longer pending, so not declined.
    let organiser = app.login("org@example.org").await;
    let (status, _) = post_api(
        &app,
        &organiser,
        &format!("/api/v1/events/{SLUG}/registrations/{}/approve", ids[2]),
        None,
    )
    .await;
    assert_eq!(status, 200);
    let mut confirmed = form.clone();
    confirmed.push(("confirm", "yes"));
    let done = app.post_form(&bulk, &cookie, &confirmed).await;
    let location = done.headers()["location"]
        .to_str()
        .expect("location")
        .to_owned();
    // The filter is read again when the action runs (and again under the event's lock, batch by
    // batch): the approved request is not among its rows.
    assert!(location.contains("done=2&"), "{location}");
    assert_eq!(status_of(&app, ids[2]).await, domain::Status::Confirmed);
    let counts = app.db.status_counts(stored.id).await.expect("counts");
    assert_eq!((counts.declined, counts.confirmed), (2, 1));
    mail.wait_for(3 + 1 + 2).await;
    app.assert_outbox(guichet_tests::Outbox::default()).await;
}

//! Registering on the demo event, through the API and the page's form; the confirmation email over
//! real SMTP with its QR code and calendar file; capacity and the waitlist; the outbox through an
//! SMTP outage and a restart.

use guichet_tests::{
    DEMO_SLUG, DownMailServer, MailServer, Options, Outbox, TestApp, decode_qr, instant,
    participant, token_from_qr, unescape_html,
};
use icalendar::{CalendarComponent, CalendarDateTime, Component, DatePerhapsTime};
use mail_parser::MimeHeaders;
use serde_json::{Value, json};

/// guichet with its worker sending to a fresh SMTP server.
async fn app_with_mail() -> (TestApp, MailServer) {
    app_with_mail_and(guichet::Limits::default()).await
}

/// [`app_with_mail`] with no limit on registrations per minute: for a crowd registering at once,
/// which in these tests all comes from one address.
async fn crowd_app_with_mail() -> (TestApp, MailServer) {
    app_with_mail_and(guichet::Limits {
        registrations_per_minute: 0,
        ..guichet::Limits::default()
    })
    .await
}

async fn app_with_mail_and(limits: guichet::Limits) -> (TestApp, MailServer) {
    let mail = MailServer::start();
    let app = TestApp::spawn_with(Options {
        now: instant("2008-06-15T10:00:00+02:00"),
        smtp_port: mail.port,
        worker: true,
        limits,
    })
    .await;
    (app, mail)
}

fn local_start(event: &icalendar::Event) -> (String, String) {
    match event.get_start() {
        Some(DatePerhapsTime::DateTime(CalendarDateTime::WithTimezone { date_time, tzid })) => {
            (date_time.format("%Y-%m-%d %H:%M").to_string(), tzid)
        }
        other => panic!("DTSTART with a time zone expected, got {other:?}"),
    }
}

fn local_end(event: &icalendar::Event) -> String {
    match event.get_end() {
        Some(DatePerhapsTime::DateTime(CalendarDateTime::WithTimezone { date_time, .. })) => {
            date_time.format("%Y-%m-%d %H:%M").to_string()
        }
        other => panic!("DTEND with a time zone expected, got {other:?}"),
    }
}

#[tokio::test]
async fn an_api_registration_emails_a_ticket_whose_qr_code_opens_the_right_ticket_page() {
    let (app, mail) = app_with_mail().await;
    let response = app
        .register_json(
            DEMO_SLUG,
            &participant("Ghenadie", "Crețu", "ghenadie.cretu@example.org"),
        )
        .await;
    assert_eq!(response.status(), 202);
    assert_eq!(
        response.json::<Value>().await.expect("JSON")["status"],
        "accepted"
    );

    let messages = mail.wait_for(1).await;
    assert_eq!(messages.len(), 1);
    assert_eq!(
        messages[0].to,
        vec!["ghenadie.cretu@example.org".to_owned()]
    );
    let message = messages[0].parsed();
    // In the participant's language (French), with proper headers.
    assert_eq!(
        message.subject(),
        Some(
            "Votre billet : Renforcement du rôle de la migration de retour dans les efforts de développement"
        )
    );
    assert_eq!(
        message
            .from()
            .and_then(|f| f.first())
            .and_then(|a| a.address()),
        Some("guichet@guichet.test")
    );
    assert_eq!(
        message
            .reply_to()
            .and_then(|f| f.first())
            .and_then(|a| a.address()),
        Some("organisers@guichet.test")
    );
    assert!(
        message.message_id().is_some_and(|id| id.contains('@')),
        "Message-ID"
    );
    assert!(message.date().is_some(), "Date");
    let text = message.body_text(0).expect("a plain-text part");
    assert!(text.contains("Bonjour Ghenadie Crețu,"), "{text}");
    assert!(
        text.contains("L'accueil ouvre à 09:00 le lundi 7 juillet 2008"),
        "{text}"
    );
    let html = message.body_html(0).expect("an HTML part");
    assert!(
        html.contains("src=\"cid:ticket-qr\""),
        "the HTML shows the inline QR code"
    );
    let inline = message
        .parts
        .iter()
        .find(|p| p.content_id() == Some("ticket-qr"))
        .expect("the inline QR image");
    assert_eq!(inline.content_type().map(|c| c.ctype()), Some("image"));

    // The attached QR code, read by an independent decoder, is the ticket's token...
    let token = token_from_qr(&messages[0]);
    assert_eq!(token.len(), 26);
    assert!(
        token
            .chars()
            .all(|c| c.is_ascii_uppercase() || ('2'..='7').contains(&c))
    );
    assert_eq!(
        decode_qr(inline.contents()),
        token,
        "inline and attached codes agree"
    );
    assert!(
        text.contains(&format!("/t/{token}")),
        "the link to the ticket page"
    );
    // ...whose page shows the right participant.
    let page = app.get_in(&format!("/t/{token}"), "fr").await;
    assert_eq!(page.status(), 200);
    let page = unescape_html(&page.text().await.expect("body"));
    assert!(page.contains("Ghenadie Crețu"));
    assert!(page.contains("Mission permanente"));
    assert!(page.contains("Suisse"));
    assert!(page.contains("État membre"));
    assert!(page.contains("L'accueil ouvre à 09:00 le lundi 7 juillet 2008."));
    // The page's QR image carries the same token.
    let png = app
        .get(&format!("/t/{token}/qr.png"))
        .await
        .bytes()
        .await
        .expect("PNG");
    assert_eq!(decode_qr(&png), token);

    // The calendar file: one entry per day, from the desk's opening to the last item's end, in
    // Geneva time.
    let ics = message
        .attachments()
        .find(|p| p.attachment_name() == Some("idm-2008-migration-de-retour.ics"))
        .expect("the calendar file");
    let calendar: icalendar::Calendar = std::str::from_utf8(ics.contents())
        .expect("UTF-8")
        .parse()
        .expect("a valid iCalendar file");
    let events: Vec<&icalendar::Event> = calendar
        .components
        .iter()
        .filter_map(|c| match c {
            CalendarComponent::Event(e) => Some(e),
            _ => None,
        })
        .collect();
    assert_eq!(events.len(), 2);
    assert_eq!(
        local_start(events[0]),
        ("2008-07-07 09:00".to_owned(), "Europe/Zurich".to_owned())
    );
    assert_eq!(local_end(events[0]), "2008-07-07 18:00");
    assert_eq!(
        local_start(events[1]),
        ("2008-07-08 09:00".to_owned(), "Europe/Zurich".to_owned())
    );
    assert_eq!(local_end(events[1]), "2008-07-08 18:00");
    // The page offers the same file.
    let from_page = app
        .get(&format!("/t/{token}/calendar.ics"))
        .await
        .text()
        .await
        .expect("ics");
    assert!(
        from_page.contains("DTSTART;TZID=Europe/Zurich:20080707T090000"),
        "{from_page}"
    );
    app.assert_outbox(Outbox::SETTLED).await;
}

#[tokio::test]
async fn the_html_form_registers_and_emails_in_the_chosen_language() {
    let (app, mail) = app_with_mail().await;
    let form = [
        ("given_name", "Jacqueline"),
        ("family_name", "Owens"),
        ("email", "j.owens@example.org"),
        ("organisation", "Department of Labour"),
        ("function", "Director of Immigration"),
        ("category", "member_state"),
        ("country", "NZ"),
        ("language", "en"),
        ("needs", "Vegetarian meals"),
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
    assert_eq!(response.status(), 303);
    let location = response.headers()["location"]
        .to_str()
        .expect("ascii")
        .to_owned();
    assert_eq!(location, format!("/events/{DEMO_SLUG}/registered"));
    let thanks = app
        .get_in(&location, "fr")
        .await
        .text()
        .await
        .expect("body");
    assert!(thanks.contains("Consultez votre messagerie"));

    let messages = mail.wait_for(1).await;
    let message = messages[0].parsed();
    assert!(
        message
            .subject()
            .expect("subject")
            .starts_with("Your ticket: ")
    );
    assert!(
        message
            .body_text(0)
            .expect("text")
            .contains("Dear Jacqueline Owens,")
    );
    let token = token_from_qr(&messages[0]);
    let page = unescape_html(
        &app.get_in(&format!("/t/{token}"), "en")
            .await
            .text()
            .await
            .expect("body"),
    );
    assert!(page.contains("Jacqueline Owens"));
    assert!(page.contains("New Zealand"));
    app.assert_outbox(Outbox::SETTLED).await;
}

#[tokio::test]
async fn a_form_with_errors_comes_back_with_what_was_typed_and_each_fields_message() {
    let app = TestApp::spawn().await;
    let form = [
        ("given_name", "Dinh"),
        ("family_name", "Phạm Văn"),
        ("email", "dinh.pham@"),
        ("organisation", "Ministère des affaires étrangères"),
        ("category", "member_state"),
        ("country", "VN"),
        ("language", "fr"),
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
    assert!(page.contains("Veuillez corriger les champs signalés ci-dessous."));
    assert!(page.contains("id=\"email-error\">Cette adresse électronique n'est pas valide"));
    assert!(page.contains("Votre consentement est nécessaire pour vous inscrire."));
    // What was typed is still there.
    assert!(page.contains("value=\"Phạm Văn\""));
    assert!(page.contains("value=\"dinh.pham@\""));
    assert!(page.contains("<option value=\"VN\" selected>Viêt Nam</option>"));
    assert!(page.contains("<option value=\"member_state\" selected>État membre</option>"));
    // Nothing was stored.
    let counts = app
        .db
        .status_counts(app.demo_event().await.id)
        .await
        .expect("counts");
    assert_eq!(counts, persistence::StatusCounts::default());
    app.assert_outbox(Outbox::SETTLED).await;
}

#[tokio::test]
async fn registering_again_answers_the_same_and_resends_the_existing_ticket() {
    let (app, mail) = app_with_mail().await;
    let first = app
        .register_json(
            DEMO_SLUG,
            &participant("Meera", "Sethi", "meera.sethi@example.org"),
        )
        .await;
    assert_eq!(first.status(), 202);
    let first_body = first.text().await.expect("body");
    // The same address in another case, with stray spaces.
    let again = app
        .register_json(
            DEMO_SLUG,
            &participant("Meera", "Sethi", "  Meera.SETHI@example.org "),
        )
        .await;
    assert_eq!(again.status(), 202);
    assert_eq!(
        again.text().await.expect("body"),
        first_body,
        "the answer tells nothing"
    );

    let messages = mail.wait_for(2).await;
    assert_eq!(messages.len(), 2);
    assert_eq!(
        token_from_qr(&messages[0]),
        token_from_qr(&messages[1]),
        "the same ticket"
    );
    let counts = app
        .db
        .status_counts(app.demo_event().await.id)
        .await
        .expect("counts");
    assert_eq!(counts.confirmed, 1);
    app.assert_outbox(Outbox::SETTLED).await;
}

/// Registrations arriving together are written together: one address sent many times at once,
/// two events filling at once and a registration for an event that is not there must each come
/// out as if they had arrived one by one.
#[tokio::test]
async fn registrations_arriving_together_keep_each_events_seats_and_each_address_once() {
    let (app, mail) = crowd_app_with_mail().await;
    let three = app.add_event("atelier-trois-places", 3).await;
    let five = app.add_event("atelier-cinq-places", 5).await;
    let app = std::sync::Arc::new(app);
    let mut tasks = Vec::new();
    let mut send = |slug: &'static str, body: Value| {
        let app = app.clone();
        tasks.push(tokio::spawn(async move {
            app.register_json(slug, &body).await.status()
        }));
    };
    for i in 0..10 {
        // The same address, written differently.
        let same = if i % 2 == 0 {
            "same@example.org"
        } else {
            "Same@Example.ORG"
        };
        send(
            "atelier-trois-places",
            participant("Même", "Personne", same),
        );
        send(
            "atelier-trois-places",
            participant("Trois", &format!("N{i}"), &format!("t{i}@example.org")),
        );
        send(
            "atelier-cinq-places",
            participant("Cinq", &format!("N{i}"), &format!("c{i}@example.org")),
        );
    }
    let form: domain::RegistrationForm =
        serde_json::from_value(participant("Nulle", "Part", "nowhere@example.org")).expect("form");
    let nowhere = form.parse(&three.event).expect("valid");
    let lost = {
        let app = app.clone();
        tokio::spawn(async move { app.db.register(999_999, nowhere, app.clock.clone()).await })
    };
    for task in tasks {
        assert_eq!(task.await.expect("task"), 202);
    }
    assert!(
        lost.await.expect("task").is_err(),
        "no registration for an event that is not there"
    );

    let counts = app.db.status_counts(three.id).await.expect("counts");
    assert_eq!((counts.confirmed, counts.waitlisted), (3, 8));
    let counts = app.db.status_counts(five.id).await.expect("counts");
    assert_eq!((counts.confirmed, counts.waitlisted), (5, 5));
    // Every request got its email: a ticket, a waitlist notice, or the same one again — but the
    // same address's ticket went out once and then only three times more: a participant's
    // re-sends are limited to three an hour (the other six were answered alike, and sent nothing).
    assert_eq!(mail.wait_for(24).await.len(), 24);
    assert_eq!(mail.messages_to("same@example.org").len(), 4);

    // The seat counters agree with the registrations: whoever comes next waits.
    for slug in ["atelier-trois-places", "atelier-cinq-places"] {
        let late = app
            .register_json(slug, &participant("En", "Retard", "late@example.org"))
            .await;
        assert_eq!(late.status(), 202);
    }
    let mut late = Vec::new();
    for id in 1..=100 {
        if let Some(r) = app.db.registration(id).await.expect("query")
            && r.participant.email.as_str() == "late@example.org"
        {
            late.push(r.status);
        }
    }
    assert_eq!(
        late,
        [domain::Status::Waitlisted, domain::Status::Waitlisted]
    );
    app.assert_outbox(Outbox::SETTLED).await;
}

#[tokio::test]
async fn fifty_concurrent_registrations_for_ten_seats_confirm_exactly_ten_and_a_cancellation_promotes_the_first_waitlisted()
 {
    let (app, mail) = crowd_app_with_mail().await;
    let event = app.add_event("atelier-dix-places", 10).await;
    let app = std::sync::Arc::new(app);
    let mut tasks = Vec::new();
    for i in 0..50 {
        let app = app.clone();
        tasks.push(tokio::spawn(async move {
            app.register_json(
                "atelier-dix-places",
                &participant(
                    "Participant",
                    &format!("N{i}"),
                    &format!("p{i}@example.org"),
                ),
            )
            .await
            .status()
        }));
    }
    for task in tasks {
        assert_eq!(task.await.expect("task"), 202);
    }
    let counts = app.db.status_counts(event.id).await.expect("counts");
    assert_eq!((counts.confirmed, counts.waitlisted), (10, 40));

    let messages = mail.wait_for(50).await;
    assert_eq!(messages.len(), 50);
    let subjects: Vec<String> = messages
        .iter()
        .map(|m| m.parsed().subject().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(
        subjects
            .iter()
            .filter(|s| s.starts_with("Votre billet"))
            .count(),
        10
    );
    assert_eq!(
        subjects
            .iter()
            .filter(|s| s.starts_with("Liste d'attente"))
            .count(),
        40
    );

    // The first on the waitlist: the earliest registration time among the waitlisted.
    let mut waiting = Vec::new();
    for id in 1..=200 {
        if let Some(r) = app.db.registration(id).await.expect("query")
            && r.event_id == event.id
            && r.status == domain::Status::Waitlisted
        {
            waiting.push((
                r.registered_at,
                r.id,
                r.participant.email.as_str().to_owned(),
            ));
        }
    }
    assert_eq!(waiting.len(), 40);
    waiting.sort();
    let first_address = waiting[0].2.clone();
    // Registration times follow the order seats were given: every confirmed one is earlier.
    for id in 1..=200 {
        if let Some(r) = app.db.registration(id).await.expect("query")
            && r.event_id == event.id
            && r.status == domain::Status::Confirmed
        {
            assert!(r.registered_at <= waiting[0].0);
        }
    }

    // A confirmed participant cancels from their ticket page, after confirming.
    let ticket_mail = messages
        .iter()
        .find(|m| {
            m.parsed()
                .subject()
                .unwrap_or_default()
                .starts_with("Votre billet")
        })
        .expect("a ticket");
    let token = token_from_qr(ticket_mail);
    let confirm = app.get_in(&format!("/t/{token}/cancel"), "fr").await;
    assert_eq!(confirm.status(), 200);
    assert!(
        confirm
            .text()
            .await
            .expect("body")
            .contains("Annuler votre inscription ?")
    );
    let cancelled = app
        .client
        .post(app.url(&format!("/t/{token}/cancel")))
        .send()
        .await
        .expect("request");
    assert_eq!(cancelled.status(), 303);
    let page = unescape_html(
        &app.get_in(&format!("/t/{token}"), "fr")
            .await
            .text()
            .await
            .expect("body"),
    );
    assert!(page.contains("Cette inscription est annulée."));
    assert!(!page.contains("qr.png"), "no QR code on a cancelled ticket");

    let counts = app.db.status_counts(event.id).await.expect("counts");
    assert_eq!(
        (counts.confirmed, counts.waitlisted, counts.cancelled),
        (10, 39, 1)
    );
    let messages = mail.wait_for(52).await;
    assert_eq!(messages.len(), 52, "a cancellation notice and a promotion");
    let promoted = mail
        .messages_to(&first_address)
        .into_iter()
        .find(|m| {
            m.parsed()
                .subject()
                .unwrap_or_default()
                .starts_with("Une place vous est attribuée")
        })
        .expect("the first waitlisted is emailed a ticket");
    let promoted_token = token_from_qr(&promoted);
    let page = unescape_html(
        &app.get(&format!("/t/{promoted_token}"))
            .await
            .text()
            .await
            .expect("body"),
    );
    assert!(page.contains("qr.png"), "the promoted ticket is valid");
    app.assert_outbox(Outbox::SETTLED).await;
}

#[tokio::test]
async fn with_the_smtp_server_down_registrations_succeed_and_every_message_is_delivered_once_when_it_returns()
 {
    let smtp = DownMailServer::new();
    let app = TestApp::spawn_with(Options {
        now: instant("2008-06-15T10:00:00+02:00"),
        smtp_port: smtp.port,
        worker: true,
        limits: guichet::Limits::default(),
    })
    .await;
    for i in 0..5 {
        let response = app
            .register_json(
                DEMO_SLUG,
                &participant(
                    "Rafael",
                    &format!("Álvarez {i}"),
                    &format!("r{i}@example.org"),
                ),
            )
            .await;
        assert_eq!(response.status(), 202);
    }
    // The worker tries, fails, and keeps the messages for later.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while app.outbox_attempted_unsent().await < 5 {
        assert!(
            std::time::Instant::now() < deadline,
            "the worker never tried every message"
        );
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    let counts = app.db.outbox_counts().await.expect("counts");
    assert_eq!((counts.pending, counts.sent, counts.failed), (5, 0, 0));

    let mail = smtp.come_back();
    let messages = mail.wait_for(5).await;
    // Everything sent, and the worker stopped: no delivery is under way, what arrived is final.
    app.assert_outbox(Outbox::SETTLED).await;
    assert_eq!(mail.messages().len(), 5, "each message once: {messages:?}");
    for i in 0..5 {
        assert_eq!(mail.messages_to(&format!("r{i}@example.org")).len(), 1);
    }
    let counts = app.db.outbox_counts().await.expect("counts");
    assert_eq!((counts.pending, counts.sent), (0, 5));
}

#[tokio::test]
async fn a_restart_loses_no_message_and_sends_none_twice() {
    let mail = MailServer::start();
    let options = Options {
        now: instant("2008-06-15T10:00:00+02:00"),
        smtp_port: mail.port,
        worker: false,
        limits: guichet::Limits::default(),
    };
    let app = TestApp::spawn_with(options.clone()).await;
    for i in 0..3 {
        app.register_json(
            DEMO_SLUG,
            &participant("Eugene", "Owusu", &format!("e{i}@example.org")),
        )
        .await;
    }
    assert_eq!(app.drain_outbox().await.sent, 3);
    assert_eq!(mail.wait_for(3).await.len(), 3);
    // Two more are queued, and the service stops before sending them.
    for i in 3..5 {
        app.register_json(
            DEMO_SLUG,
            &participant("Eugene", "Owusu", &format!("e{i}@example.org")),
        )
        .await;
    }
    let app = app
        .restart(Options {
            worker: true,
            ..options
        })
        .await;
    mail.wait_for(5).await;
    // Everything sent, and the worker stopped: no delivery is under way, what arrived is final.
    app.assert_outbox(Outbox::SETTLED).await;
    assert_eq!(mail.messages().len(), 5);
    for i in 0..5 {
        assert_eq!(mail.messages_to(&format!("e{i}@example.org")).len(), 1);
    }
    assert_eq!(app.db.outbox_counts().await.expect("counts").pending, 0);
}

#[tokio::test]
async fn bad_input_gets_a_clear_error_and_stores_nothing() {
    let app = TestApp::spawn().await;
    let url = app.url(&format!("/api/v1/events/{DEMO_SLUG}/registrations"));
    let good = participant("Basco", "Fernandez", "basco@example.org");
    let with = |key: &str, value: Value| {
        let mut body = good.clone();
        body[key] = value;
        body
    };
    // (what, body, expected status, field, message fragment)
    let cases: Vec<(&str, Value, u16, &str, &str)> = vec![
        (
            "empty given name",
            with("given_name", json!("   ")),
            422,
            "given_name",
            "required",
        ),
        (
            "too long family name",
            with("family_name", json!("x".repeat(101))),
            422,
            "family_name",
            "at most 100",
        ),
        (
            "bad email",
            with("email", json!("basco@example")),
            422,
            "email",
            "not a valid email",
        ),
        (
            "unknown country",
            with("country", json!("XX")),
            422,
            "country",
            "Choose a country",
        ),
        (
            "unknown category",
            with("category", json!("astronaut")),
            422,
            "category",
            "listed categories",
        ),
        (
            "no consent",
            with("consent", json!(false)),
            422,
            "consent",
            "consent is needed",
        ),
        (
            "control characters",
            with("organisation", json!("Fondation\u{0}Damayan")),
            422,
            "organisation",
            "control",
        ),
        (
            "unknown language",
            with("language", json!("de")),
            422,
            "language",
            "French, English or Spanish",
        ),
        (
            "too long needs",
            with("needs", json!("n".repeat(1001))),
            422,
            "needs",
            "at most 1000",
        ),
        (
            "wrong type",
            with("consent", json!("yes")),
            422,
            "body",
            "not valid JSON",
        ),
        ("empty object", json!({}), 422, "given_name", "required"),
    ];
    for (what, body, status, field, fragment) in cases {
        let response = app
            .client
            .post(&url)
            .header("accept-language", "en")
            .json(&body)
            .send()
            .await
            .expect("request");
        assert_eq!(response.status().as_u16(), status, "{what}");
        let text = response.text().await.expect("body");
        let answer: Value =
            serde_json::from_str(&text).unwrap_or_else(|_| panic!("{what}: {text}"));
        let message = answer["errors"][field]
            .as_str()
            .unwrap_or_else(|| panic!("{what}: {answer}"));
        assert!(message.contains(fragment), "{what}: {message}");
    }
    // Broken JSON, the wrong content type, an oversized body.
    let raw = |body: Vec<u8>, content_type: &'static str| {
        app.client
            .post(&url)
            .header("accept-language", "fr")
            .header("content-type", content_type)
            .body(body)
            .send()
    };
    let broken = raw(b"{\"given_name\": \"Jim".to_vec(), "application/json")
        .await
        .expect("request");
    assert_eq!(broken.status(), 422);
    let answer: Value = broken.json().await.expect("JSON");
    assert!(
        answer["errors"]["body"]
            .as_str()
            .expect("message")
            .contains("n'est pas du JSON"),
        "{answer}"
    );
    let form_encoded = raw(
        b"given_name=Jim".to_vec(),
        "application/x-www-form-urlencoded",
    )
    .await
    .expect("request");
    assert_eq!(form_encoded.status(), 415);
    let answer: Value = form_encoded.json().await.expect("JSON");
    assert!(
        answer["errors"]["body"]
            .as_str()
            .expect("message")
            .contains("Content-Type: application/json")
    );
    let huge = raw(
        serde_json::to_vec(&with("needs", json!("x".repeat(200_000)))).expect("JSON"),
        "application/json",
    )
    .await
    .expect("request");
    assert_eq!(huge.status(), 413);
    let answer: Value = huge.json().await.expect("JSON");
    assert!(
        answer["errors"]["body"]
            .as_str()
            .expect("message")
            .contains("trop volumineux")
    );

    let counts = app
        .db
        .status_counts(app.demo_event().await.id)
        .await
        .expect("counts");
    assert_eq!(counts, persistence::StatusCounts::default());
    assert_eq!(
        app.db.outbox_counts().await.expect("counts"),
        persistence::OutboxCounts::default()
    );
    app.assert_outbox(Outbox::SETTLED).await;
}

#[tokio::test]
async fn html_in_a_name_is_shown_escaped_on_pages_and_in_emails() {
    let (app, mail) = app_with_mail().await;
    let response = app
        .register_json(
            DEMO_SLUG,
            &participant(
                "<script>alert('x')</script>",
                "<b>Ilunga</b>",
                "jim.ilunga@example.org",
            ),
        )
        .await;
    assert_eq!(response.status(), 202);
    let messages = mail.wait_for(1).await;
    let message = messages[0].parsed();
    let html = message.body_html(0).expect("HTML");
    assert!(
        !html.contains("<script>") && !html.contains("<b>Ilunga</b>"),
        "{html}"
    );
    assert!(html.contains("&lt;script&gt;"), "{html}");
    // The plain text shows the name as typed.
    assert!(
        message
            .body_text(0)
            .expect("text")
            .contains("<b>Ilunga</b>")
    );
    let token = token_from_qr(&messages[0]);
    let page = app
        .get(&format!("/t/{token}"))
        .await
        .text()
        .await
        .expect("body");
    assert!(!page.contains("<script>alert") && !page.contains("<b>Ilunga</b>"));
    assert!(
        page.contains("&lt;b&gt;Ilunga&lt;&#x2f;b&gt;")
            || page.contains("&lt;b&gt;Ilunga&lt;/b&gt;"),
        "{page}"
    );
    app.assert_outbox(Outbox::SETTLED).await;
}

#[tokio::test]
async fn forged_revoked_and_cancelled_tickets() {
    let (app, mail) = app_with_mail().await;
    app.register_json(
        DEMO_SLUG,
        &participant("Nikolai", "Alisov", "n.alisov@example.org"),
    )
    .await;
    let token = token_from_qr(&mail.wait_for(1).await[0]);

    // A forged token (one character changed) and nonsense get the 404 page.
    let mut forged: Vec<char> = token.chars().collect();
    forged[20] = if forged[20] == 'A' { 'B' } else { 'A' };
    let forged: String = forged.into_iter().collect();
    for bad in [forged.as_str(), "NOTATOKEN", "AAAAAAAAAAAAAAAAAAAAAAAAAA"] {
        let response = app.get(&format!("/t/{bad}")).await;
        assert_eq!(response.status(), 404, "{bad}");
        assert!(
            response
                .text()
                .await
                .expect("body")
                .contains("Page not found")
        );
        assert_eq!(app.get(&format!("/t/{bad}/qr.png")).await.status(), 404);
    }

    // "Send my ticket again" emails the same ticket.
    let resent = app
        .client
        .post(app.url(&format!("/t/{token}/resend")))
        .send()
        .await
        .expect("request");
    assert_eq!(resent.status(), 303);
    assert_eq!(token_from_qr(&mail.wait_for(2).await[1]), token);

    // An organiser re-issues the ticket: the old one says it was replaced, the new one works.
    let registration_id = domain::TicketClaim::parse(&token)
        .expect("claim")
        .registration_id;
    app.db
        .reissue_ticket(registration_id, app.now())
        .await
        .expect("reissue");
    let new_token = token_from_qr(&mail.wait_for(3).await[2]);
    assert_ne!(new_token, token);
    let old_page = app.get(&format!("/t/{token}")).await;
    assert_eq!(old_page.status(), 200);
    assert!(
        old_page
            .text()
            .await
            .expect("body")
            .contains("replaced by a newer one")
    );
    assert_eq!(app.get(&format!("/t/{token}/qr.png")).await.status(), 404);
    assert_eq!(
        app.get(&format!("/t/{new_token}/qr.png")).await.status(),
        200
    );
    app.assert_outbox(Outbox::SETTLED).await;
}

#[tokio::test]
async fn registration_follows_the_events_window() {
    let before = TestApp::spawn_at(instant("2008-04-30T23:59:00+02:00")).await;
    let response = before
        .register_json(
            DEMO_SLUG,
            &participant("Sergiu", "Sainciuc", "s@example.org"),
        )
        .await;
    assert_eq!(response.status(), 422);
    let answer: Value = response.json().await.expect("JSON");
    assert_eq!(
        answer["errors"]["registration"],
        "Registration for this event opens on 1 May 2008 at 00:00."
    );
    let page = unescape_html(
        &before
            .get_in(&format!("/events/{DEMO_SLUG}"), "fr")
            .await
            .text()
            .await
            .expect("body"),
    );
    assert!(page.contains("L'inscription à cet événement ouvrira le 1 mai 2008 à 00:00."));
    assert!(!page.contains("<form class=\"register\""));

    let after = TestApp::spawn_at(instant("2008-07-08T18:00:00+02:00")).await;
    let response = after
        .register_json(
            DEMO_SLUG,
            &participant("Sergiu", "Sainciuc", "s@example.org"),
        )
        .await;
    assert_eq!(response.status(), 422);
    let answer: Value = response.json().await.expect("JSON");
    assert_eq!(
        answer["errors"]["registration"],
        "Registration for this event is closed."
    );

    let during = TestApp::spawn_at(instant("2008-05-01T00:00:00+02:00")).await;
    let response = during
        .register_json(
            DEMO_SLUG,
            &participant("Sergiu", "Sainciuc", "s@example.org"),
        )
        .await;
    assert_eq!(response.status(), 202);
    // Refused registrations queue nothing; the accepted one its confirmation.
    before.assert_outbox(Outbox::SETTLED).await;
    after.assert_outbox(Outbox::SETTLED).await;
    during.assert_outbox(Outbox::pending(1)).await;
}

#[tokio::test]
async fn a_message_that_keeps_failing_is_kept_as_failed_and_can_be_retried() {
    let smtp = DownMailServer::new();
    let app = TestApp::spawn_with(Options {
        now: instant("2008-06-15T10:00:00+02:00"),
        smtp_port: smtp.port,
        worker: false,
        limits: guichet::Limits::default(),
    })
    .await;
    app.register_json(
        DEMO_SLUG,
        &participant("Álvaro", "Apolo da Luz Pereira", "alvaro@example.org"),
    )
    .await;
    // The retry is an hour away and the test moves the clock past it: with a short real delay a
    // slow first attempt (a loaded CI machine) let the same pass make the second attempt too.
    let settings = mailer::WorkerSettings {
        retry_base: std::time::Duration::from_secs(3600),
        max_backoff: std::time::Duration::from_secs(3600),
        max_attempts: 2,
        ..guichet_tests::test_worker_settings()
    };
    let first = app.drain_outbox_with(settings.clone()).await;
    assert_eq!((first.retried, first.failed), (1, 0));
    assert_eq!(app.drain_outbox_with(settings.clone()).await.handled(), 0);
    app.set_clock(app.now() + chrono::TimeDelta::minutes(61));
    assert_eq!(app.drain_outbox_with(settings.clone()).await.failed, 1);
    let counts = app.db.outbox_counts().await.expect("counts");
    assert_eq!((counts.pending, counts.failed), (0, 1));
    let failed = app.db.failed_emails().await.expect("failed");
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0].attempts, 2);
    assert!(
        failed[0]
            .last_error
            .as_deref()
            .is_some_and(|e| e.contains("SMTP")),
        "{failed:?}"
    );
    // Nothing more happens by itself...
    app.set_clock(app.now() + chrono::TimeDelta::days(1));
    assert_eq!(app.drain_outbox_with(settings.clone()).await.handled(), 0);

    // ...until the server is back and an organiser retries it.
    let mail = smtp.come_back();
    assert!(
        app.db
            .retry_failed_email(failed[0].id, app.now())
            .await
            .expect("retry")
    );
    assert_eq!(app.drain_outbox_with(settings).await.sent, 1);
    assert_eq!(mail.wait_for(1).await.len(), 1);
    assert_eq!(app.db.outbox_counts().await.expect("counts").failed, 0);
    app.assert_outbox(Outbox::SETTLED).await;
}

#[tokio::test]
async fn an_unknown_event_is_a_404_whatever_the_body_and_every_json_body_is_read_alike() {
    let app = TestApp::spawn().await;
    let post = async |path: &str, body: &'static str| {
        app.client
            .post(app.url(path))
            .header("accept-language", "fr")
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .expect("request")
    };
    // The event is looked up before the body is read.
    let response = post("/api/v1/events/no-such-event/registrations", "{broken").await;
    assert_eq!(response.status(), 404);
    // The sign-in's body is refused in the same shape and language as a registration's.
    let response = post("/api/v1/auth/login", "{\"email\": ").await;
    assert_eq!(response.status(), 422);
    let answer: Value = response.json().await.expect("JSON");
    assert!(
        answer["errors"]["body"]
            .as_str()
            .expect("message")
            .contains("n'est pas du JSON"),
        "{answer}"
    );
    app.assert_outbox(Outbox::SETTLED).await;
}

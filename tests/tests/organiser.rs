//! The organisers' pages: the registrations list with its filters and pages, a participant's page
//! with history and actions, publishing, replacing the agenda from a file; all in the audit log.

use domain::Role;
use guichet_tests::{DEMO_SLUG, Outbox, TestApp, instant, unescape_html};
use persistence::{AuditAction, AuditDetails, Happened};
use serde_json::json;

async fn organiser_app() -> (TestApp, String, String) {
    let app = TestApp::spawn_at(instant("2008-07-07T09:30:00+02:00")).await;
    app.add_staff("org@example.org", Role::Organiser).await;
    let (cookie, csrf) = app
        .browser_session("org@example.org", &format!("/organiser/{DEMO_SLUG}"))
        .await;
    (app, cookie, csrf)
}

/// The demo event's audit log, newest first, as the actions' names stored.
async fn audited(app: &TestApp) -> Vec<String> {
    let event = app.demo_event().await;
    app.db
        .audit_log(event.id, 100)
        .await
        .expect("the audit log")
        .into_iter()
        .map(|line| match line.what {
            Happened::Audit { action, .. } => action.as_str().to_owned(),
            other => panic!("not an audit line: {other:?}"),
        })
        .collect()
}

#[tokio::test]
async fn the_registrations_list_filters_and_pages() {
    let (app, cookie, _) = organiser_app().await;
    app.add_staff("desk@example.org", Role::Desk).await;
    let desk = app.login("desk@example.org").await;
    let event = app.demo_event().await;
    let mut first_ticket = String::new();
    for i in 0..55 {
        let (_, ticket) = app
            .ticket(
                &event,
                "Guest",
                &format!("Number{i:02}"),
                &format!("g{i}@example.org"),
            )
            .await;
        if i == 0 {
            first_ticket = ticket;
        }
    }
    app.ticket(&event, "Jim", "Ilunga", "jim@example.org").await;
    app.scan(&desk, DEMO_SLUG, json!({ "token": first_ticket }))
        .await;

    let list = async |query: &str| {
        app.get_with_cookie(
            &format!("/organiser/{DEMO_SLUG}/registrations{query}"),
            &cookie,
        )
        .await
    };
    let page = list("").await.text().await.expect("body");
    assert_eq!(page.matches("/registrations/").count(), 50, "50 a page");
    let next = page
        .split("id=\"next\" href=\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .expect("a next page")
        .replace("&amp;", "&");
    let page2 = list(&next).await.text().await.expect("body");
    assert_eq!(page2.matches("/registrations/").count(), 6);
    assert!(page2.contains("Jim Ilunga"));
    assert!(!page2.contains("id=\"next\""));

    let found = list("?q=ilunga").await.text().await.expect("body");
    assert_eq!(found.matches("/registrations/").count(), 1);
    let present = list("?present_on=2008-07-07")
        .await
        .text()
        .await
        .expect("body");
    assert_eq!(present.matches("/registrations/").count(), 1);
    assert!(present.contains("Guest Number00"));
    let absent = list("?absent_on=2008-07-07&q=guest")
        .await
        .text()
        .await
        .expect("body");
    assert_eq!(absent.matches("/registrations/").count(), 50);
    // Desk staff may not see it.
    let (desk_cookie, _) = app
        .browser_session("desk@example.org", &format!("/desk/{DEMO_SLUG}"))
        .await;
    assert_eq!(
        app.get_with_cookie(
            &format!("/organiser/{DEMO_SLUG}/registrations"),
            &desk_cookie
        )
        .await
        .status(),
        403
    );
    // All the emails this test queued: no worker ran to send them.
    app.assert_outbox(Outbox::pending(56)).await;
}

#[tokio::test]
async fn a_participants_page_shows_their_history_and_every_action_is_audited() {
    let (app, cookie, csrf) = organiser_app().await;
    app.add_staff("desk@example.org", Role::Desk).await;
    let desk = app.login("desk@example.org").await;
    let event = app.demo_event().await;
    let (registration, ticket) = app
        .ticket(&event, "Nikolai", "Alisov", "n@example.org")
        .await;
    app.scan(&desk, DEMO_SLUG, json!({ "token": ticket })).await;
    let path = format!("/organiser/{DEMO_SLUG}/registrations/{}", registration.id);

    for action in ["resend", "undo-checkin", "reissue", "cancel"] {
        let response = app
            .post_form(&format!("{path}/{action}"), &cookie, &[("csrf", &csrf)])
            .await;
        assert_eq!(response.status(), 303, "{action}");
    }
    // Without the CSRF token nothing happens.
    assert_eq!(
        app.post_form(&format!("{path}/resend"), &cookie, &[("csrf", "forged")])
            .await
            .status(),
        403
    );

    let page = unescape_html(
        &app.get_with_cookie(&path, &cookie)
            .await
            .text()
            .await
            .expect("body"),
    );
    assert!(page.contains("Nikolai Alisov"));
    assert!(page.contains("id=\"status\">Cancelled<"));
    let history = page.split("id=\"history\"").nth(1).expect("the history");
    for line in [
        "Registered",
        "Email “ticket”: waiting to be sent",
        "Desk: checked in",
        "Ticket sent again",
        "Desk: check-in undone",
        "Check-in undone",
        "Ticket revoked and re-issued",
        "ticket version 2",
        "Registration cancelled",
        "Email “cancellation”: waiting to be sent",
    ] {
        assert!(history.contains(line), "{line} missing from the history");
    }
    // In words, not as the codes they are stored as.
    for code in [
        "email:",
        "scan:",
        "audit:",
        "ticket_resent",
        "confirmation:pending",
    ] {
        assert!(!history.contains(code), "{code} shown raw in the history");
    }
    assert!(
        page.contains("org@example.org") && page.contains("desk@example.org"),
        "who did what"
    );
    // The old ticket no longer works at the desk.
    let (_, answer) = app.scan(&desk, DEMO_SLUG, json!({ "token": ticket })).await;
    assert_eq!(answer["outcome"], "unknown");

    let dashboard = app
        .get_with_cookie(&format!("/organiser/{DEMO_SLUG}"), &cookie)
        .await
        .text()
        .await
        .expect("body");
    let audit = dashboard
        .split("id=\"audit\"")
        .nth(1)
        .expect("the audit log");
    for action in [
        "Ticket sent again",
        "Check-in undone",
        "Ticket revoked and re-issued",
        "Registration cancelled",
    ] {
        assert!(
            audit.contains(action),
            "{action} missing from the audit log"
        );
    }
    assert_eq!(
        audited(&app).await,
        [
            "registration_cancelled",
            "ticket_reissued",
            "checkin_undone",
            "ticket_resent"
        ]
    );
    // All the emails this test queued: no worker ran to send them.
    app.assert_outbox(Outbox::pending(4)).await;
}

#[tokio::test]
async fn publishing_and_replacing_the_agenda_from_a_file() {
    let (app, cookie, csrf) = organiser_app().await;
    let publish = async |value: &'static str| {
        app.post_form(
            &format!("/organiser/{DEMO_SLUG}/publish"),
            &cookie,
            &[("csrf", &csrf), ("published", value)],
        )
        .await
    };
    assert_eq!(publish("false").await.status(), 303);
    assert_eq!(
        app.get(&format!("/events/{DEMO_SLUG}")).await.status(),
        404,
        "hidden"
    );
    assert_eq!(publish("true").await.status(), 303);
    assert_eq!(app.get(&format!("/events/{DEMO_SLUG}")).await.status(), 200);

    let file = domain::render_event_file(&app.demo_event().await.event).replace(
        "Remarques de bienvenue",
        "Mot d'accueil du Directeur général",
    );
    let import = async |file: String| {
        app.post_form(
            &format!("/organiser/{DEMO_SLUG}/import"),
            &cookie,
            &[("csrf", &csrf), ("file", &file)],
        )
        .await
    };
    assert_eq!(import(file).await.status(), 303);
    let page = unescape_html(
        &app.get_in(&format!("/events/{DEMO_SLUG}"), "fr")
            .await
            .text()
            .await
            .expect("body"),
    );
    assert!(page.contains("Mot d'accueil du Directeur général"));

    // A broken file changes nothing and says what is wrong.
    let broken = domain::render_event_file(&app.demo_event().await.event)
        .replace("end = \"10:15\"", "end = \"09:00\"");
    let refused = import(broken).await;
    assert_eq!(refused.status(), 422);
    let text = unescape_html(&refused.text().await.expect("body"));
    assert!(text.contains("days[0].items[1].end"), "{text}");
    let other = domain::render_event_file(&app.demo_event().await.event)
        .replace(DEMO_SLUG, "another-event");
    assert_eq!(import(other).await.status(), 422);
    let page = unescape_html(
        &app.get_in(&format!("/events/{DEMO_SLUG}"), "fr")
            .await
            .text()
            .await
            .expect("body"),
    );
    assert!(
        page.contains("Mot d'accueil du Directeur général"),
        "unchanged by the refused files"
    );

    let dashboard = app
        .get_with_cookie(&format!("/organiser/{DEMO_SLUG}"), &cookie)
        .await
        .text()
        .await
        .expect("body");
    let audit = dashboard
        .split("id=\"audit\"")
        .nth(1)
        .expect("the audit log");
    for action in [
        "Event hidden",
        "Event published",
        "Event replaced from its file",
    ] {
        assert!(
            audit.contains(action),
            "{action} missing from the audit log"
        );
    }
    // The refused files wrote no audit line.
    assert_eq!(
        audited(&app).await,
        ["agenda_replaced", "published", "unpublished"]
    );
    app.assert_outbox(Outbox::SETTLED).await;
}

#[tokio::test]
async fn an_event_changed_through_another_instance_is_seen_at_once() {
    // Each instance keeps the events it has read; a change made through another instance (here
    // a second pool on the same database) must show on the next read, not after some delay.
    let (app, _, _) = organiser_app().await;
    let other = persistence::Database::connect(&app.database.url)
        .await
        .expect("a second instance's pool");
    let slug = domain::Slug::parse(guichet_tests::DEMO_SLUG).expect("slug");
    let seen = app
        .db
        .event_by_slug(&slug)
        .await
        .expect("read")
        .expect("event");
    assert!(seen.event.published);

    other
        .set_published(&slug, false, guichet_tests::demo_morning())
        .await
        .expect("unpublish");
    let seen = app
        .db
        .event_by_slug(&slug)
        .await
        .expect("read")
        .expect("event");
    assert!(!seen.event.published, "unpublishing shows at once");

    let mut changed = domain::Event::clone(&seen.event);
    changed.title = "Un autre titre".to_owned();
    other
        .save_event(&changed, guichet_tests::demo_morning())
        .await
        .expect("replace");
    let seen = app
        .db
        .event_by_id(seen.id)
        .await
        .expect("read")
        .expect("event");
    assert_eq!(
        seen.event.title, "Un autre titre",
        "a replaced event shows at once"
    );
    let seen = app
        .db
        .event_by_slug(&slug)
        .await
        .expect("read")
        .expect("event");
    assert_eq!(seen.event.title, "Un autre titre");
    other.close().await.expect("close");
    app.assert_outbox(Outbox::SETTLED).await;
}

#[tokio::test]
async fn an_undo_at_the_desk_is_audited_and_cancelling_twice_is_audited_once() {
    let (app, cookie, csrf) = organiser_app().await;
    app.add_staff("desk@example.org", Role::Desk).await;
    let desk = app.login("desk@example.org").await;
    let event = app.demo_event().await;
    let (registration, ticket) = app
        .ticket(&event, "Nikolai", "Alisov", "n@example.org")
        .await;
    let (_, scanned) = app.scan(&desk, DEMO_SLUG, json!({ "token": ticket })).await;
    assert_eq!(scanned["outcome"], "ok");
    let undo = app.url(&format!(
        "/api/v1/events/{DEMO_SLUG}/checkins/{}",
        registration.id
    ));
    let response = app
        .client
        .delete(&undo)
        .bearer_auth(&desk)
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), 200);
    assert_eq!(audited(&app).await, ["checkin_undone"]);
    let history = app.db.history(registration.id).await.expect("history");
    assert!(
        history.iter().any(|l| l.what
            == Happened::Audit {
                action: AuditAction::CheckinUndone,
                details: Some(AuditDetails::Day(
                    chrono::NaiveDate::from_ymd_opt(2008, 7, 7).expect("date")
                )),
            }
            && l.by.as_deref() == Some("desk@example.org")),
        "{history:?}"
    );
    // Nothing left to undo: a 404, and no second audit line.
    let response = app
        .client
        .delete(&undo)
        .bearer_auth(&desk)
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), 404);
    assert_eq!(audited(&app).await, ["checkin_undone"]);

    let cancel = format!(
        "/organiser/{DEMO_SLUG}/registrations/{}/cancel",
        registration.id
    );
    for _ in 0..2 {
        let response = app.post_form(&cancel, &cookie, &[("csrf", &csrf)]).await;
        assert_eq!(response.status(), 303);
    }
    assert_eq!(
        audited(&app).await,
        ["registration_cancelled", "checkin_undone"],
        "the second cancel changed nothing and is not audited"
    );
    // The ticket and the cancellation notice: no worker ran to send them.
    app.assert_outbox(Outbox::pending(2)).await;
}

/// Every pending email of the app fails for good (the SMTP server is down).
async fn fail_every_email(app: &TestApp) -> Vec<i32> {
    let settings = mailer::WorkerSettings {
        max_attempts: 1,
        ..guichet_tests::test_worker_settings()
    };
    app.drain_outbox_while_smtp_is_down(settings).await;
    app.db
        .failed_emails()
        .await
        .expect("failed emails")
        .into_iter()
        .map(|f| f.id)
        .collect()
}

#[tokio::test]
async fn an_action_through_the_api_is_audited_like_one_through_the_pages() {
    let (app, cookie, csrf) = organiser_app().await;
    let organiser = app.login("org@example.org").await;
    let event = app.demo_event().await;
    let (registration, _) = app
        .ticket(&event, "Amina", "Diallo", "amina@example.org")
        .await;
    let reissue = format!("registrations/{}/reissue", registration.id);

    let response = app
        .client
        .post(app.url(&format!("/api/v1/events/{DEMO_SLUG}/{reissue}")))
        .bearer_auth(&organiser)
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), 200);
    assert_eq!(audited(&app).await, ["ticket_reissued"], "through the API");
    let response = app
        .post_form(
            &format!("/organiser/{DEMO_SLUG}/{reissue}"),
            &cookie,
            &[("csrf", &csrf)],
        )
        .await;
    assert_eq!(response.status(), 303);
    assert_eq!(
        audited(&app).await,
        ["ticket_reissued", "ticket_reissued"],
        "through the page"
    );
    let history = app.db.history(registration.id).await.expect("history");
    let reissues: Vec<_> = history
        .iter()
        .filter(|l| {
            matches!(
                l.what,
                Happened::Audit {
                    action: AuditAction::TicketReissued,
                    ..
                }
            )
        })
        .collect();
    assert_eq!(reissues.len(), 2, "{history:?}");
    assert!(
        reissues
            .iter()
            .all(|l| l.by.as_deref() == Some("org@example.org")),
        "{reissues:?}"
    );
    assert_eq!(
        app.db
            .registration(registration.id)
            .await
            .expect("read")
            .expect("there")
            .ticket_version,
        3
    );

    // Failed emails, retried through the API and through the dashboard: both audited, on the
    // registration the email was for.
    let failed = fail_every_email(&app).await;
    assert_eq!(failed.len(), 3, "the ticket and its two re-issues");
    let response = app
        .client
        .post(app.url(&format!("/api/v1/outbox/{}/retry", failed[0])))
        .bearer_auth(&organiser)
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), 204);
    let response = app
        .post_form(
            &format!("/organiser/{DEMO_SLUG}/emails/{}/retry", failed[1]),
            &cookie,
            &[("csrf", &csrf)],
        )
        .await;
    assert_eq!(response.status(), 303);
    assert_eq!(
        audited(&app).await,
        [
            "email_retried",
            "email_retried",
            "ticket_reissued",
            "ticket_reissued"
        ]
    );
    assert_eq!(app.db.outbox_counts().await.expect("counts").failed, 1);
    let history = app.db.history(registration.id).await.expect("history");
    assert_eq!(
        history
            .iter()
            .filter(|l| matches!(
                l.what,
                Happened::Audit {
                    action: AuditAction::EmailRetried,
                    ..
                }
            ))
            .count(),
        2
    );
    // The two retried emails wait for the next pass; the third is still given up on.
    app.assert_outbox(Outbox {
        pending: 2,
        failed: 1,
    })
    .await;
}

#[tokio::test]
async fn an_action_with_nothing_to_act_on_changes_nothing_and_leaves_no_audit_line() {
    let (app, cookie, csrf) = organiser_app().await;
    let organiser = app.login("org@example.org").await;
    let event = app.demo_event().await;
    let (registration, _) = app
        .ticket(&event, "Amina", "Diallo", "amina@example.org")
        .await;
    let other = app.add_event("another-event", 10).await;
    let (elsewhere, _) = app.ticket(&other, "Jim", "Ilunga", "jim@example.org").await;
    let page = format!("/organiser/{DEMO_SLUG}/registrations");

    // No check-in to undo.
    let response = app
        .post_form(
            &format!("{page}/{}/undo-checkin", registration.id),
            &cookie,
            &[("csrf", &csrf)],
        )
        .await;
    assert_eq!(response.status(), 404);
    // A registration of another event, through this event's address: page and API.
    let response = app
        .post_form(
            &format!("{page}/{}/cancel", elsewhere.id),
            &cookie,
            &[("csrf", &csrf)],
        )
        .await;
    assert_eq!(response.status(), 404);
    let response = app
        .client
        .post(app.url(&format!(
            "/api/v1/events/{DEMO_SLUG}/registrations/{}/reissue",
            elsewhere.id
        )))
        .bearer_auth(&organiser)
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), 404);
    // An email that has not failed (the first one queued: Amina's ticket).
    assert!(app.db.failed_emails().await.expect("failed").is_empty());
    let response = app
        .client
        .post(app.url("/api/v1/outbox/1/retry"))
        .bearer_auth(&organiser)
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), 404);
    // A failed email of another event, through this event's dashboard.
    fail_every_email(&app).await;
    let failed = app.db.failed_emails().await.expect("failed");
    let jims = failed
        .iter()
        .find(|f| f.registration_id == elsewhere.id)
        .expect("Jim's ticket failed");
    let response = app
        .post_form(
            &format!("/organiser/{DEMO_SLUG}/emails/{}/retry", jims.id),
            &cookie,
            &[("csrf", &csrf)],
        )
        .await;
    assert_eq!(response.status(), 404);
    assert_eq!(app.db.outbox_counts().await.expect("counts").failed, 2);
    // The dashboard lists this event's failed email by its kind in words, not its stored name.
    let dashboard = app
        .get_with_cookie(&format!("/organiser/{DEMO_SLUG}"), &cookie)
        .await
        .text()
        .await
        .expect("body");
    let amina = failed
        .iter()
        .find(|f| f.registration_id != elsewhere.id)
        .expect("Amina's ticket failed");
    assert!(
        dashboard.contains(&format!("#{} ticket —", amina.id)),
        "{dashboard}"
    );
    assert!(
        !dashboard.contains(&format!("#{} ", jims.id)),
        "another event's"
    );

    assert_eq!(audited(&app).await, Vec::<String>::new());
    let untouched = app
        .db
        .registration(elsewhere.id)
        .await
        .expect("read")
        .expect("there");
    assert_eq!(untouched.status, domain::Status::Confirmed);
    assert_eq!(untouched.ticket_version, 1);
    // The tickets failed on purpose, and no retry of them was accepted.
    app.assert_outbox(Outbox {
        pending: 0,
        failed: 2,
    })
    .await;
}

#[tokio::test]
async fn strangers_and_desk_staff_cannot_act_as_organisers() {
    let (app, organiser_cookie, organiser_csrf) = organiser_app().await;
    app.add_staff("desk@example.org", Role::Desk).await;
    let desk = app.login("desk@example.org").await;
    let (desk_cookie, desk_csrf) = app
        .browser_session("desk@example.org", &format!("/desk/{DEMO_SLUG}"))
        .await;
    let event = app.demo_event().await;
    let (registration, _) = app
        .ticket(&event, "Amina", "Diallo", "amina@example.org")
        .await;
    let page = format!("/organiser/{DEMO_SLUG}/registrations/{}", registration.id);
    let api = format!(
        "/api/v1/events/{DEMO_SLUG}/registrations/{}/reissue",
        registration.id
    );

    // A stranger: the page sends them to sign in; the action and the API answer 401.
    let response = app.get(&page).await;
    assert_eq!(response.status(), 303);
    assert_eq!(
        response.headers()["location"],
        format!("/login?next={page}").as_str()
    );
    let response = app.post_form(&format!("{page}/reissue"), "", &[]).await;
    assert_eq!(response.status(), 401);
    let response = app
        .client
        .post(app.url(&api))
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), 401);
    // An organiser's browser session posting a form to the API (what another site's page could
    // make it do) needs the CSRF header like any other request there.
    let response = app
        .post_form(&api, &organiser_cookie, &[("csrf", &organiser_csrf)])
        .await;
    assert_eq!(response.status(), 403);

    // Desk staff: 403 on the page, on the action (with their own valid CSRF token) and the API.
    assert_eq!(app.get_with_cookie(&page, &desk_cookie).await.status(), 403);
    let response = app
        .post_form(
            &format!("{page}/reissue"),
            &desk_cookie,
            &[("csrf", &desk_csrf)],
        )
        .await;
    assert_eq!(response.status(), 403);
    let response = app
        .client
        .post(app.url(&api))
        .bearer_auth(&desk)
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), 403);
    let response = app
        .post_form(
            &format!("/organiser/{DEMO_SLUG}/publish"),
            &desk_cookie,
            &[("csrf", &desk_csrf), ("published", "false")],
        )
        .await;
    assert_eq!(response.status(), 403);

    assert_eq!(audited(&app).await, Vec::<String>::new());
    let untouched = app
        .db
        .registration(registration.id)
        .await
        .expect("read")
        .expect("there");
    assert_eq!(untouched.ticket_version, 1);
    assert!(app.demo_event().await.event.published);
    // The ticket: no worker ran to send it; no refused action queued anything.
    app.assert_outbox(Outbox::pending(1)).await;
}

#[tokio::test]
async fn a_participants_history_is_in_the_readers_language() {
    let (app, cookie, csrf) = organiser_app().await;
    app.add_staff("desk@example.org", Role::Desk).await;
    let desk = app.login("desk@example.org").await;
    let event = app.demo_event().await;
    let (registration, ticket) = app
        .ticket(&event, "Amina", "Diallo", "amina@example.org")
        .await;
    app.scan(&desk, DEMO_SLUG, json!({ "token": ticket })).await;
    let path = format!("/organiser/{DEMO_SLUG}/registrations/{}", registration.id);
    let response = app
        .post_form(&format!("{path}/reissue"), &cookie, &[("csrf", &csrf)])
        .await;
    assert_eq!(response.status(), 303);

    let in_french = async |path: &str| {
        let response = app
            .client
            .get(app.url(path))
            .header("cookie", &cookie)
            .header("accept-language", "fr")
            .send()
            .await
            .expect("request");
        assert_eq!(response.status(), 200);
        unescape_html(&response.text().await.expect("body"))
    };
    let page = in_french(&path).await;
    let history = page.split("id=\"history\"").nth(1).expect("the history");
    for line in [
        "Inscription",
        "E-mail « billet » : en attente d'envoi",
        "Guichet : entrée enregistrée",
        "Billet révoqué et réémis",
        "billet version 2",
    ] {
        assert!(history.contains(line), "{line} missing from {history}");
    }
    for code in ["email:", "scan:", "audit:", "ticket_reissued", "pending"] {
        assert!(!history.contains(code), "{code} shown raw in {history}");
    }
    let dashboard = in_french(&format!("/organiser/{DEMO_SLUG}")).await;
    let audit = dashboard
        .split("id=\"audit\"")
        .nth(1)
        .expect("the audit log");
    assert!(audit.contains("Billet révoqué et réémis"), "{audit}");
    assert!(!audit.contains("ticket_reissued"), "{audit}");
    // The ticket and the action's email: no worker ran to send them.
    app.assert_outbox(Outbox::pending(2)).await;
}

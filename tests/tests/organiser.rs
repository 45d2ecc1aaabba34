//! The organisers' pages: the registrations list with its filters and pages, a participant's page
//! with history and actions, publishing, replacing the agenda from a file; all in the audit log.

use domain::Role;
use guichet_tests::{DEMO_SLUG, Outbox, TestApp, instant, unescape_html};
use serde_json::json;

async fn organiser_app() -> (TestApp, String, String) {
    let app = TestApp::spawn_at(instant("2008-07-07T09:30:00+02:00")).await;
    app.add_staff("org@example.org", Role::Organiser).await;
    let (cookie, csrf) = app
        .browser_session("org@example.org", &format!("/organiser/{DEMO_SLUG}"))
        .await;
    (app, cookie, csrf)
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
    for line in [
        "registered",
        "email:confirmation:pending",
        "scan:ok",
        "audit:ticket_resent",
        "audit:checkin_undone",
        "audit:ticket_reissued",
        "audit:registration_cancelled",
        "email:cancelled:pending",
    ] {
        assert!(page.contains(line), "{line} missing from the history");
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
        "ticket_resent",
        "checkin_undone",
        "ticket_reissued",
        "registration_cancelled",
    ] {
        assert!(
            audit.contains(action),
            "{action} missing from the audit log"
        );
    }
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

    let file = persistence::render_event_file(&app.demo_event().await.event).replace(
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
    let broken = persistence::render_event_file(&app.demo_event().await.event)
        .replace("end = \"10:15\"", "end = \"09:00\"");
    let refused = import(broken).await;
    assert_eq!(refused.status(), 422);
    let text = unescape_html(&refused.text().await.expect("body"));
    assert!(text.contains("days[0].items[1].end"), "{text}");
    let other = persistence::render_event_file(&app.demo_event().await.event)
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
    for action in ["unpublished", "published", "agenda_replaced"] {
        assert!(
            audit.contains(action),
            "{action} missing from the audit log"
        );
    }
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

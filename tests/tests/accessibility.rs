//! Pages everyone can use (issue 14, point 7), in headless Chromium:
//!
//! - the event page, the registration form showing its errors, the ticket page, the staff sign-in
//!   page (and its error), the desk (ready, after each colour of outcome, a search's results, the
//!   walk-in form with its errors), the organiser's dashboard and a participant's page (its form of
//!   answers, and that form with an error) pass axe-core's WCAG 2.1 A and AA rules with no
//!   violation;
//! - a participant registers, and is checked in at the desk, from the keyboard alone: Tab,
//!   Shift-Tab, Enter, Space and typing, through WebDriver key actions (nothing is clicked);
//! - errors are announced: the form's error summary is an alert that takes the focus, each invalid
//!   field is `aria-invalid` and described by its message, the desk's outcome panel is a live
//!   region.
//!
//! Needs chromium, chromium-driver and npm (axe-core comes from the npm registry into a cache
//! folder outside the clone, see `guichet_tests::browser`); without them the tests say so and pass
//! on a developer's machine, and fail under CI.

use domain::Role;
use fantoccini::key::Key;
use fantoccini::{Client, Locator};
use guichet_tests::browser::{
    Axe, Chromedriver, describe_focus, focused_is, key, press, shift_tab, tab_to, type_text,
    wait_for_text, wait_until,
};
use guichet_tests::{DEMO_SLUG, Outbox, STAFF_PASSWORD, TestApp, instant};

type Step = Result<(), fantoccini::error::CmdError>;

/// Runs axe on the page shown and keeps its violations under the page's name.
async fn check(axe: &Axe, client: &Client, page: &str, found: &mut Vec<String>) {
    for violation in axe.violations(client).await {
        found.push(format!("[{page}] {violation}"));
    }
}

/// Signs in through the form the browser shows (with the mouse: the keyboard's own test is below).
async fn sign_in_with_mouse(client: &Client, email: &str) -> Step {
    let field = client.find(Locator::Css("#email")).await?;
    field.clear().await?;
    field.send_keys(email).await?;
    client
        .find(Locator::Css("#password"))
        .await?
        .send_keys(STAFF_PASSWORD)
        .await?;
    client
        .find(Locator::Css("form.login button"))
        .await?
        .click()
        .await
}

#[tokio::test]
async fn the_public_pages_the_sign_in_the_desk_and_the_dashboard_pass_axe_wcag_21_aa() {
    let started = std::time::Instant::now();
    let Some(driver) = Chromedriver::start() else {
        return;
    };
    let Some(axe) = Axe::load() else {
        return;
    };
    let app = TestApp::spawn_at(instant("2008-07-07T09:05:00+02:00")).await;
    app.add_staff("org@example.org", Role::Organiser).await;
    let event = app.demo_event().await;
    let (meera, ticket) = app
        .ticket(&event, "Meera", "Sethi", "meera@example.org")
        .await;
    app.ticket(&event, "Fernando", "Alzate Donoso", "fernando@example.org")
        .await;
    let client = driver.session().await;
    let mut found = Vec::new();
    let result = async {
        // The event page, then its form sent empty: every required field's error shows.
        client
            .goto(&app.url(&format!("/events/{DEMO_SLUG}")))
            .await?;
        check(&axe, &client, "event page", &mut found).await;
        client
            .find(Locator::Css("form.register button[type=submit]"))
            .await?
            .click()
            .await?;
        wait_for_text(&client, "#registration", "Please correct").await;
        check(&axe, &client, "registration form with errors", &mut found).await;

        client.goto(&app.url(&format!("/t/{ticket}"))).await?;
        wait_for_text(&client, "h1", "ticket").await;
        check(&axe, &client, "ticket page", &mut found).await;

        // The sign-in page, and its answer to a wrong password.
        client
            .goto(&app.url(&format!("/login?next=/desk/{DEMO_SLUG}")))
            .await?;
        check(&axe, &client, "sign-in page", &mut found).await;
        client
            .find(Locator::Css("#email"))
            .await?
            .send_keys("org@example.org")
            .await?;
        client
            .find(Locator::Css("#password"))
            .await?
            .send_keys("not the password")
            .await?;
        client
            .find(Locator::Css("form.login button"))
            .await?
            .click()
            .await?;
        // The answer comes after the password is checked: wait for it, the
        // click returns before the next page has loaded on a busy machine.
        wait_for_text(&client, "p.alert", "Wrong email or password").await;
        check(&axe, &client, "sign-in page with an error", &mut found).await;

        // The desk: ready, then green, amber and red, a search, walk-in errors.
        sign_in_with_mouse(&client, "org@example.org").await?;
        wait_for_text(&client, "#panel", "Ready for the next scan").await;
        check(&axe, &client, "desk", &mut found).await;
        let scan = client.find(Locator::Css("#scan")).await?;
        scan.send_keys(&format!("{ticket}\n")).await?;
        wait_for_text(&client, "#panel.ok", "Meera Sethi").await;
        wait_for_text(&client, "#recent", "Meera Sethi").await;
        check(&axe, &client, "desk after a check-in", &mut found).await;
        scan.send_keys(&format!("{ticket}\n")).await?;
        wait_for_text(&client, "#panel.warn", "Meera Sethi").await;
        check(&axe, &client, "desk after a repeat", &mut found).await;
        scan.send_keys("NOTATICKETATALL\n").await?;
        wait_for_text(&client, "#panel.bad", "Unknown ticket").await;
        check(&axe, &client, "desk after an unknown code", &mut found).await;
        client
            .find(Locator::Css("#search"))
            .await?
            .send_keys("alzate")
            .await?;
        wait_for_text(&client, "#results", "Fernando Alzate Donoso").await;
        check(&axe, &client, "desk with search results", &mut found).await;
        client
            .find(Locator::Css("#desk details summary"))
            .await?
            .click()
            .await?;
        client
            .find(Locator::Css("form#walkin button[type=submit]"))
            .await?
            .click()
            .await?;
        wait_until(
            &client,
            "return document.querySelectorAll('#walkin .field-error').length > 0",
            "the walk-in form's errors",
        )
        .await;
        check(&axe, &client, "desk with walk-in errors", &mut found).await;
        // As on the form: the first invalid field has the focus, described by its message.
        assert!(
            focused_is(&client, "#w-given_name[aria-invalid=true]").await,
            "the walk-in's first invalid field has the focus: {}",
            describe_focus(&client).await
        );
        let described_by = attribute(&client, "#w-given_name", "aria-describedby")
            .await
            .expect("the walk-in's field is described by its message");
        let message = client
            .find(Locator::Id(&described_by))
            .await?
            .text()
            .await?;
        assert!(!message.trim().is_empty());

        // The dashboard, its arrival curve drawn.
        client
            .goto(&app.url(&format!("/organiser/{DEMO_SLUG}")))
            .await?;
        wait_for_text(&client, "#checked-in-1", "1").await;
        check(&axe, &client, "dashboard", &mut found).await;

        // A participant's page with the form of her answers; then that form refused (an option
        // the question does not offer, which a page can only send if changed by a script).
        client
            .goto(&app.url(&format!(
                "/organiser/{DEMO_SLUG}/registrations/{}",
                meera.id
            )))
            .await?;
        wait_for_text(&client, "#answers h2", "Answers").await;
        check(&axe, &client, "participant's page", &mut found).await;
        client
            .execute(
                "const s = document.getElementById('answers.interpretation');
                 s.add(new Option('Deutsch', 'de'));
                 s.value = 'de';
                 document.querySelector('form.answers').submit();",
                vec![],
            )
            .await?;
        wait_for_text(&client, "#answers", "Please correct").await;
        check(
            &axe,
            &client,
            "participant's answers with an error",
            &mut found,
        )
        .await;

        // The registrations list with its bulk action, and the confirmation it asks for.
        client
            .goto(&app.url(&format!("/organiser/{DEMO_SLUG}/registrations")))
            .await?;
        wait_for_text(&client, "#matching", "2 registrations").await;
        check(&axe, &client, "registrations list", &mut found).await;
        client
            .execute(
                "document.getElementById('bulk-action').value = 'decline';
                 document.querySelector('form.bulk').submit();",
                vec![],
            )
            .await?;
        wait_for_text(&client, "#bulk-count", "Decline the 2").await;
        check(&axe, &client, "bulk action's confirmation", &mut found).await;

        // The event page in its other languages (the switcher's links).
        for (code, page) in [
            ("fr", "event page in French"),
            ("es", "event page in Spanish"),
        ] {
            client
                .goto(&app.url(&format!("/lang/{code}?next=/events/{DEMO_SLUG}")))
                .await?;
            wait_until(
                &client,
                &format!("return document.documentElement.lang === '{code}'"),
                page,
            )
            .await;
            check(&axe, &client, page, &mut found).await;
        }
        Ok::<(), fantoccini::error::CmdError>(())
    }
    .await;
    let _ = client.close().await;
    result.expect("the pages open");
    assert!(
        found.is_empty(),
        "{} WCAG 2.1 AA violation(s) found by axe-core {}:\n{}",
        found.len(),
        guichet_tests::browser::AXE_VERSION,
        found.join("\n")
    );
    eprintln!("axe-core checked 20 page states in {:?}", started.elapsed());
    // The two tickets: no worker ran to send them.
    app.assert_outbox(Outbox::pending(2)).await;
}

/// The attribute `name` of the element `css` selects, or `None`.
async fn attribute(client: &Client, css: &str, name: &str) -> Option<String> {
    client
        .find(Locator::Css(css))
        .await
        .ok()?
        .attr(name)
        .await
        .ok()
        .flatten()
}

/// The value of the form field `css` selects.
async fn value(client: &Client, css: &str) -> String {
    client
        .find(Locator::Css(css))
        .await
        .expect("the field")
        .prop("value")
        .await
        .expect("its value")
        .unwrap_or_default()
}

/// Tabs forward to the field `css` selects, at most 12 stops on, and types `text` into it.
async fn tab_and_type(client: &Client, css: &str, text: &str) -> Step {
    tab_to(client, css, 12, false).await;
    type_text(client, text).await
}

#[tokio::test]
async fn a_participant_registers_and_is_checked_in_at_the_desk_from_the_keyboard_alone() {
    let started = std::time::Instant::now();
    let Some(driver) = Chromedriver::start() else {
        return;
    };
    let app = TestApp::spawn_at(instant("2008-07-07T09:05:00+02:00")).await;
    app.add_staff("desk@example.org", Role::Desk).await;
    let client = driver.session().await;
    let enter = key(Key::Enter);
    let space = ' ';
    let result = async {
        client
            .goto(&app.url(&format!("/events/{DEMO_SLUG}")))
            .await?;

        // The first Tab reaches the skip link, shown when focused; Enter goes to the content.
        tab_to(&client, "a.skip", 1, false).await;
        let shown = client
            .execute(
                "const r = document.activeElement.getBoundingClientRect(); \
                 return r.left >= 0 && r.top >= 0 && r.width > 0",
                vec![],
            )
            .await?;
        assert_eq!(
            shown,
            serde_json::json!(true),
            "the focused skip link is on screen"
        );
        press(&client, &[enter]).await?;
        wait_until(
            &client,
            "return location.hash === '#content'",
            "the skip link followed",
        )
        .await;

        // Sent empty: the errors come back, announced and tied to their fields.
        tab_to(&client, "form.register button[type=submit]", 20, false).await;
        press(&client, &[enter]).await?;
        wait_for_text(&client, "#registration", "Please correct").await;
        let summary = "#registration .error-summary";
        assert_eq!(
            attribute(&client, summary, "role").await.as_deref(),
            Some("alert"),
            "the error summary is announced"
        );
        assert!(
            focused_is(&client, summary).await,
            "the error summary has the focus: {}",
            describe_focus(&client).await
        );
        for field in [
            "given_name",
            "family_name",
            "email",
            "organisation",
            "category",
            "country",
            "consent",
        ] {
            let css = format!("#{field}");
            assert_eq!(
                attribute(&client, &css, "aria-invalid").await.as_deref(),
                Some("true"),
                "{field} is marked invalid"
            );
            let described_by = attribute(&client, &css, "aria-describedby")
                .await
                .unwrap_or_else(|| panic!("{field} has no aria-describedby"));
            let message = client
                .find(Locator::Id(&described_by))
                .await?
                .text()
                .await?;
            assert!(!message.trim().is_empty(), "{field}'s message is empty");
            // The summary names the field's error, with a link to the field.
            let link = client
                .find(Locator::Css(&format!("{summary} a[href='#{field}']")))
                .await?
                .text()
                .await?;
            assert_eq!(link.trim(), message.trim(), "{field} in the summary");
        }
        assert_eq!(attribute(&client, "#function", "aria-invalid").await, None);

        // Filled in from the keyboard, from the summary's first link on.
        tab_to(
            &client,
            &format!("{summary} a[href='#given_name']"),
            3,
            false,
        )
        .await;
        press(&client, &[enter]).await?;
        tab_to(&client, "#given_name", 2, false).await;
        type_text(&client, "Amara").await?;
        tab_and_type(&client, "#family_name", "Okafor").await?;
        tab_and_type(&client, "#email", "amara.okafor@example.org").await?;
        tab_and_type(&client, "#organisation", "Ministry of Foreign Affairs").await?;
        tab_and_type(&client, "#category", "Civil").await?;
        assert_eq!(value(&client, "#category").await, "civil_society");
        // Typed quickly, as a select's type-ahead wants.
        tab_and_type(&client, "#country", "Nigeria").await?;
        assert_eq!(value(&client, "#country").await, "NG");
        tab_to(&client, "form.register button[type=submit]", 12, false).await;
        // Back to the consent box (Shift-Tab), ticked with Space.
        tab_to(&client, "#consent", 3, true).await;
        press(&client, &[space]).await?;
        let ticked = client
            .find(Locator::Css("#consent"))
            .await?
            .prop("checked")
            .await?;
        assert_eq!(ticked.as_deref(), Some("true"));
        tab_to(&client, "form.register button[type=submit]", 3, false).await;
        press(&client, &[enter]).await?;
        wait_for_text(&client, "h1", "Check your inbox").await;

        // The desk: sign in with the keyboard, find her by name, check her in.
        client.goto(&app.url(&format!("/desk/{DEMO_SLUG}"))).await?;
        assert!(client.current_url().await?.path().starts_with("/login"));
        tab_to(&client, "#email", 0, false).await;
        type_text(&client, "desk@example.org").await?;
        press(&client, &[key(Key::Tab)]).await?;
        tab_to(&client, "#password", 0, false).await;
        type_text(&client, STAFF_PASSWORD).await?;
        press(&client, &[enter]).await?;
        wait_for_text(&client, "#panel", "Ready for the next scan").await;
        assert_eq!(
            attribute(&client, "#panel", "aria-live").await.as_deref(),
            Some("assertive"),
            "the outcome is announced"
        );
        tab_to(&client, "#scan", 0, false).await;
        tab_and_type(&client, "#search", "okafor").await?;
        wait_for_text(&client, "#results", "Amara Okafor").await;
        tab_to(&client, "#results button", 3, false).await;
        press(&client, &[space]).await?;
        let text = wait_for_text(&client, "#panel.ok", "Amara Okafor").await;
        assert!(text.contains("Checked in"), "{text}");
        // Ready for the next one: the scanner field has the focus again.
        wait_until(
            &client,
            "return document.activeElement === document.getElementById('scan')",
            "the focus back on the scanner field",
        )
        .await;
        // Shift-Tab from there reaches the sign-out button, as the page reads.
        shift_tab(&client).await?;
        tab_to(&client, "form[action='/logout'] button", 2, true).await;
        Ok::<(), fantoccini::error::CmdError>(())
    }
    .await;
    let _ = client.close().await;
    result.expect("the form and the desk work from the keyboard");
    let event = app.demo_event().await;
    let counts = app.db.status_counts(event.id).await.expect("counts");
    assert_eq!(counts.confirmed, 1, "{counts:?}");
    eprintln!(
        "registered and checked in from the keyboard in {:?}",
        started.elapsed()
    );
    // Her confirmation email: no worker ran to send it.
    app.assert_outbox(Outbox::pending(1)).await;
}

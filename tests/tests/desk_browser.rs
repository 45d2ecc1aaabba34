//! The desk page in headless Chromium, driven through WebDriver: sign in, type a ticket code and
//! Enter in the scanner field (as a USB scanner does), see the green panel with the name; an
//! unknown code shows red; search a name and check in from the result.
//!
//! Needs Debian's `chromium` and `chromium-driver` (`.ci/run` installs them). Without them the
//! test says so and passes on a developer's machine, and fails under CI (`CI` set).

use domain::Role;
use fantoccini::Locator;
use guichet_tests::browser::{Chromedriver, wait_for_text};
use guichet_tests::{DEMO_SLUG, Outbox, TestApp, instant};
use std::time::Duration;

/// Signs in through the page, starting from `path` (which sends to the login form).
async fn sign_in(
    client: &fantoccini::Client,
    app: &TestApp,
    path: &str,
    email: &str,
) -> Result<(), fantoccini::error::CmdError> {
    guichet_tests::browser::sign_in_at(client, &app.url(path), email).await
}

#[tokio::test]
async fn the_dashboard_shows_a_scan_made_through_the_api_without_a_reload() {
    let Some(driver) = Chromedriver::start() else {
        return;
    };
    let app = TestApp::spawn_at(instant("2008-07-07T09:20:00+02:00")).await;
    app.add_staff("org@example.org", Role::Organiser).await;
    app.add_staff("desk@example.org", Role::Desk).await;
    let desk = app.login("desk@example.org").await;
    let event = app.demo_event().await;
    let (_, ticket) = app
        .ticket(&event, "Jacqueline", "Owens", "jo@example.org")
        .await;
    let client = driver.session().await;
    let result = async {
        sign_in(
            &client,
            &app,
            &format!("/organiser/{DEMO_SLUG}"),
            "org@example.org",
        )
        .await?;
        wait_for_text(&client, "#checked-in-1", "0").await;
        assert_eq!(
            client.current_url().await?.path(),
            format!("/organiser/{DEMO_SLUG}")
        );
        let bars_before = client
            .execute(
                "return document.querySelectorAll('#chart-1 rect[fill=\"#2B8A3E\"]').length",
                vec![],
            )
            .await?;
        assert_eq!(bars_before, serde_json::json!(0));
        // A marker that a reload would wipe out.
        client
            .execute("window.stillTheSamePage = true", vec![])
            .await?;

        let (_, answer) = app
            .scan(&desk, DEMO_SLUG, serde_json::json!({ "token": ticket }))
            .await;
        assert_eq!(answer["outcome"], "ok");

        wait_for_text(&client, "#checked-in-1", "1").await;
        let bars_after = client
            .execute(
                "return document.querySelectorAll('#chart-1 rect[fill=\"#2B8A3E\"]').length",
                vec![],
            )
            .await?;
        assert_eq!(
            bars_after,
            serde_json::json!(1),
            "the curve has its first bar"
        );
        let same = client
            .execute("return window.stillTheSamePage === true", vec![])
            .await?;
        assert_eq!(same, serde_json::json!(true), "no reload");
        Ok::<(), fantoccini::error::CmdError>(())
    }
    .await;
    let _ = client.close().await;
    result.expect("the dashboard updates live");
    // Only the email this test queued: no worker ran to send it.
    app.assert_outbox(Outbox::pending(1)).await;
}

#[tokio::test]
async fn the_desk_page_checks_in_a_scanned_ticket_shows_unknown_codes_in_red_and_checks_in_from_a_search()
 {
    let Some(driver) = Chromedriver::start() else {
        return;
    };
    let app = TestApp::spawn_at(instant("2008-07-07T09:05:00+02:00")).await;
    app.add_staff("desk@example.org", Role::Desk).await;
    let event = app.demo_event().await;
    let (_, ticket) = app
        .ticket(&event, "Meera", "Sethi", "meera@example.org")
        .await;
    app.ticket(&event, "Fernando", "Alzate Donoso", "fernando@example.org")
        .await;

    let client = driver.session().await;

    let result = async {
        // The desk asks to sign in first, then returns to the desk.
        sign_in(
            &client,
            &app,
            &format!("/desk/{DEMO_SLUG}"),
            "desk@example.org",
        )
        .await?;
        wait_for_text(&client, "#panel", "Ready for the next scan").await;
        assert_eq!(
            client.current_url().await?.path(),
            format!("/desk/{DEMO_SLUG}")
        );
        // A rehearsal clock is announced.
        wait_for_text(&client, "#rehearsal", "not the real time").await;

        // A USB scanner types the code and Enter into the focused field.
        let field = client.active_element().await?;
        assert_eq!(field.attr("id").await?.as_deref(), Some("scan"));
        field.send_keys(&format!("{ticket}\n")).await?;
        let text = wait_for_text(&client, "#panel.ok", "Meera Sethi").await;
        assert!(text.contains("Checked in"), "{text}");
        // The field is ready again, empty and focused.
        let field = client.active_element().await?;
        assert_eq!(field.attr("id").await?.as_deref(), Some("scan"));
        assert_eq!(field.prop("value").await?.as_deref(), Some(""));
        wait_for_text(&client, "#recent", "Meera Sethi").await;

        // An unknown code: red.
        field.send_keys("NOTATICKETATALL\n").await?;
        let text = wait_for_text(&client, "#panel.bad", "Unknown ticket").await;
        assert!(!text.contains("Meera"));

        // Someone without their code: search, then check in from the result.
        client
            .find(Locator::Css("#search"))
            .await?
            .send_keys("alzate")
            .await?;
        wait_for_text(&client, "#results", "Fernando Alzate Donoso").await;
        client
            .find(Locator::Css("#results button"))
            .await?
            .click()
            .await?;
        wait_for_text(&client, "#panel.ok", "Fernando Alzate Donoso").await;

        // A walk-in: registered, checked in, and offered their badge to print (A6, theirs).
        guichet_tests::browser::register_walk_in(&client).await?;
        wait_for_text(&client, "#panel.ok", "Ana Walker").await;
        let link = wait_for_text(&client, "#panel a.print-badge", "Print badge").await;
        assert_eq!(link, "Print badge");
        let badge = client
            .execute_async(
                "const done = arguments[arguments.length - 1];
                 const href = document.querySelector('#panel a.print-badge').href;
                 fetch(href).then(async r => done([href, r.status,
                     r.headers.get('content-type'), (await r.arrayBuffer()).byteLength]));",
                vec![],
            )
            .await?;
        let walk_in = app
            .count("SELECT CAST(id AS BIGINT) AS n FROM registrations WHERE email = 'ana.walker@example.org'")
            .await;
        assert!(
            badge[0]
                .as_str()
                .is_some_and(|href| href.ends_with(&format!("/badges.pdf?layout=a6&registration={walk_in}"))),
            "{badge}"
        );
        assert_eq!(badge[1], 200, "{badge}");
        assert_eq!(badge[2], "application/pdf", "{badge}");
        Ok::<(), fantoccini::error::CmdError>(())
    }
    .await;
    let _ = client.close().await;
    result.expect("the desk works in the browser");
    // All the emails this test queued (two tickets, the walk-in's): no worker ran to send them.
    app.assert_outbox(Outbox::pending(3)).await;
}

/// Keeps, in every page the browser opens from now on, the Content-Security-Policy violations it
/// reports (`securitypolicyviolation` events) in `window.cspViolations`. Installed through
/// chromedriver's DevTools command so that it runs before the page's own content is parsed: an
/// inline script or style would be refused while the page loads, before a script run afterwards
/// could listen.
async fn record_csp_violations(client: &fantoccini::Client, port: u16) {
    const RECORDER: &str = r#"
        window.cspViolations = [];
        window.addEventListener("securitypolicyviolation", function (e) {
          window.cspViolations.push(e.violatedDirective + " blocked " + (e.blockedURI || "inline")
            + " at " + e.sourceFile + ":" + e.lineNumber);
        }, true);
    "#;
    let session = client
        .session_id()
        .await
        .expect("the session")
        .expect("a session id");
    let response = reqwest::Client::new()
        .post(format!(
            "http://127.0.0.1:{port}/session/{session}/goog/cdp/execute"
        ))
        .json(&serde_json::json!({
            "cmd": "Page.addScriptToEvaluateOnNewDocument",
            "params": { "source": RECORDER },
        }))
        .send()
        .await
        .expect("chromedriver answers");
    assert!(
        response.status().is_success(),
        "{}",
        response.text().await.unwrap_or_default()
    );
}

/// The violations the current page reported; panics if the recorder is not there (the check
/// would prove nothing).
async fn csp_violations(client: &fantoccini::Client) -> Vec<String> {
    let found = client
        .execute("return window.cspViolations || null", vec![])
        .await
        .expect("a script runs");
    let found = found.as_array().expect("the recorder runs in this page");
    found
        .iter()
        .map(|v| v.as_str().unwrap_or_default().to_owned())
        .collect()
}

/// A computed style of the first element `css` selects: proof that a stylesheet applied.
async fn computed(client: &fantoccini::Client, css: &str, property: &str) -> String {
    client
        .execute(
            "return getComputedStyle(document.querySelector(arguments[0]))[arguments[1]]",
            vec![serde_json::json!(css), serde_json::json!(property)],
        )
        .await
        .expect("a script runs")
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

/// Waits until `script` returns true (at most 10 s).
async fn wait_until(client: &fantoccini::Client, script: &str, what: &str) {
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    loop {
        if client.execute(script, vec![]).await.ok() == Some(serde_json::json!(true)) {
            return;
        }
        assert!(std::time::Instant::now() < deadline, "never: {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn the_event_page_the_desk_and_the_dashboard_work_with_no_csp_violation() {
    let Some(driver) = Chromedriver::start() else {
        return;
    };
    let app = TestApp::spawn_at(instant("2008-07-07T09:05:00+02:00")).await;
    app.add_staff("org@example.org", Role::Organiser).await;
    let device = app.login("org@example.org").await;
    let event = app.demo_event().await;
    let (_, ticket) = app
        .ticket(&event, "Meera", "Sethi", "meera@example.org")
        .await;
    let (_, second) = app
        .ticket(&event, "Fernando", "Alzate Donoso", "fernando@example.org")
        .await;
    // A camera that films a test pattern, granted without asking: the desk's camera runs under
    // the policy too.
    let client = driver
        .session_with(&[
            "--use-fake-device-for-media-stream",
            "--use-fake-ui-for-media-stream",
        ])
        .await;
    record_csp_violations(&client, driver.port).await;

    let result = async {
        // The event page: styled by its stylesheets, its form there.
        client
            .goto(&app.url(&format!("/events/{DEMO_SLUG}")))
            .await?;
        client.find(Locator::Css("form.register")).await?;
        assert_eq!(
            computed(&client, "body", "marginTop").await,
            "0px",
            "site.css"
        );
        assert_eq!(
            computed(&client, "ol.agenda", "listStyleType").await,
            "none",
            "event.css"
        );
        assert_eq!(
            csp_violations(&client).await,
            Vec::<String>::new(),
            "event page"
        );

        // The desk: sign in (the form's token), scan (fetch with the header), search, camera.
        sign_in(
            &client,
            &app,
            &format!("/desk/{DEMO_SLUG}"),
            "org@example.org",
        )
        .await?;
        wait_for_text(&client, "#panel", "Ready for the next scan").await;
        assert_eq!(
            computed(&client, "#scan", "textTransform").await,
            "uppercase"
        );
        let field = client.active_element().await?;
        field.send_keys(&format!("{ticket}\n")).await?;
        wait_for_text(&client, "#panel.ok", "Meera Sethi").await;
        wait_for_text(&client, "#recent", "Meera Sethi").await;
        client
            .find(Locator::Css("#search"))
            .await?
            .send_keys("alzate")
            .await?;
        wait_for_text(&client, "#results", "Fernando Alzate Donoso").await;
        client
            .find(Locator::Css("#camera-toggle"))
            .await?
            .click()
            .await?;
        wait_for_text(&client, "#camera-toggle", "Stop the camera").await;
        wait_until(
            &client,
            "return document.getElementById('camera').readyState >= 2",
            "the camera's picture in the page",
        )
        .await;
        assert_eq!(csp_violations(&client).await, Vec::<String>::new(), "desk");

        // The dashboard: styled, its chart drawn, and live (a scan elsewhere shows up).
        client
            .goto(&app.url(&format!("/organiser/{DEMO_SLUG}")))
            .await?;
        wait_for_text(&client, "#checked-in-1", "1").await;
        assert_eq!(
            computed(&client, ".tiles", "display").await,
            "grid",
            "dashboard.css"
        );
        let (_, answer) = app
            .scan(&device, DEMO_SLUG, serde_json::json!({ "token": second }))
            .await;
        assert_eq!(answer["outcome"], "ok");
        wait_for_text(&client, "#checked-in-1", "2").await;
        assert_eq!(
            csp_violations(&client).await,
            Vec::<String>::new(),
            "dashboard"
        );

        // The recorder does see a violation: an inline style is refused and reported.
        client
            .execute("document.body.setAttribute('style', 'color: red')", vec![])
            .await?;
        wait_until(
            &client,
            "return window.cspViolations.length > 0",
            "an inline style reported",
        )
        .await;
        assert_ne!(computed(&client, "body", "color").await, "rgb(255, 0, 0)");
        Ok::<(), fantoccini::error::CmdError>(())
    }
    .await;
    let _ = client.close().await;
    result.expect("the pages work under their Content-Security-Policy");
    // The two tickets: no worker ran to send them.
    app.assert_outbox(Outbox::pending(2)).await;
}

/// Fills the field `css` with `text`.
async fn fill(
    client: &fantoccini::Client,
    css: &str,
    text: &str,
) -> Result<(), fantoccini::error::CmdError> {
    client.find(Locator::Css(css)).await?.send_keys(text).await
}

/// Clicks the button of the form whose action is `action`.
async fn submit(
    client: &fantoccini::Client,
    action: &str,
) -> Result<(), fantoccini::error::CmdError> {
    client
        .find(Locator::Css(&format!("form[action='{action}'] button")))
        .await?
        .click()
        .await
}

/// Issue 12's whole path in a browser: an organiser invites a desk member from the team page, the
/// member sets a password from the emailed link, enrols two-factor sign-in from the account page,
/// signs in with a code, and sees that event only.
#[tokio::test]
async fn an_invited_member_sets_a_password_enrols_a_second_factor_and_signs_in_with_a_code() {
    let Some(driver) = Chromedriver::start() else {
        return;
    };
    let mail = guichet_tests::MailServer::start();
    let app = TestApp::spawn_with(guichet_tests::Options {
        now: instant("2008-06-15T10:00:00+02:00"),
        smtp_port: mail.port,
        worker: true,
        limits: guichet::Limits::default(),
    })
    .await;
    app.add_event("autre-atelier", 10).await;
    app.add_staff("org@example.org", Role::Organiser).await;
    let team = format!("/organiser/{DEMO_SLUG}/team");

    // The organiser invites the new member.
    let client = driver.session().await;
    sign_in(&client, &app, &team, "org@example.org")
        .await
        .expect("signed in");
    wait_for_text(&client, "h1", "Team").await;
    fill(&client, "#invite-email", "newdesk@example.org")
        .await
        .expect("typed");
    submit(&client, &format!("{team}/invite"))
        .await
        .expect("sent");
    wait_for_text(&client, "#invitations", "newdesk@example.org as desk").await;
    client.close().await.expect("closed");

    // The member's browser: the emailed link, a password.
    let messages = mail.wait_for(1).await;
    let text = messages[0]
        .parsed()
        .body_text(0)
        .expect("a plain-text part")
        .into_owned();
    let link = text
        .split_whitespace()
        .find(|word| word.contains("/invitations/"))
        .expect("the link")
        .to_owned();
    let client = driver.session().await;
    client.goto(&link).await.expect("opened");
    fill(&client, "#password", "the new member's passphrase")
        .await
        .expect("typed");
    client
        .find(Locator::Css("form.login button"))
        .await
        .expect("button")
        .click()
        .await
        .expect("sent");
    wait_for_text(&client, "main", "Your account is ready").await;

    // Signs in with it and sets up two-factor sign-in from the account page.
    client
        .goto(&app.url("/login?next=/staff/account"))
        .await
        .expect("opened");
    fill(&client, "#email", "newdesk@example.org")
        .await
        .expect("typed");
    fill(&client, "#password", "the new member's passphrase")
        .await
        .expect("typed");
    client
        .find(Locator::Css("form.login button"))
        .await
        .expect("button")
        .click()
        .await
        .expect("sent");
    wait_for_text(&client, "h1", "Your account").await;
    fill(&client, "#totp-current", "the new member's passphrase")
        .await
        .expect("typed");
    submit(&client, "/staff/account/totp").await.expect("sent");
    let key = wait_for_text(&client, "#totp-secret", "").await;
    let secret = domain::TotpSecret::from_base32(key.trim()).expect("the key shown");
    fill(&client, "#code", &secret.code_at(app.now()))
        .await
        .expect("typed");
    submit(&client, "/staff/account/totp/confirm")
        .await
        .expect("sent");
    wait_for_text(&client, "main", "Two-factor sign-in is on").await;
    let codes = client
        .find_all(Locator::Css(".recovery-codes li"))
        .await
        .expect("codes");
    assert_eq!(codes.len(), 10);

    // Signs out, then in again: the password, then a code of the next step.
    client.goto(&app.url("/staff")).await.expect("opened");
    submit(&client, "/logout").await.expect("signed out");
    client
        .goto(&app.url("/login?next=/staff"))
        .await
        .expect("opened");
    fill(&client, "#email", "newdesk@example.org")
        .await
        .expect("typed");
    fill(&client, "#password", "the new member's passphrase")
        .await
        .expect("typed");
    submit(&client, "/login").await.expect("sent");
    wait_for_text(&client, "#code-help", "6-digit code").await;
    app.set_clock(app.now() + chrono::TimeDelta::seconds(30));
    fill(&client, "#code", &secret.code_at(app.now()))
        .await
        .expect("typed");
    submit(&client, "/login/code").await.expect("sent");

    // The staff home: the demo event, and not the other one.
    let home = wait_for_text(&client, "main", "Your events").await;
    assert!(home.contains("Desk"), "{home}");
    assert!(
        client
            .find(Locator::Css(&format!("a[href='/desk/{DEMO_SLUG}']")))
            .await
            .is_ok()
    );
    assert!(
        client
            .find(Locator::Css("a[href='/desk/autre-atelier']"))
            .await
            .is_err(),
        "another event is not listed"
    );
    assert!(
        client
            .find(Locator::Css(&format!("a[href='/organiser/{DEMO_SLUG}']")))
            .await
            .is_err(),
        "a desk member has no dashboard link"
    );
    client.close().await.expect("closed");
}

#[tokio::test]
async fn the_desk_stands_at_a_sessions_door_and_scans_people_in_and_out() {
    let Some(driver) = Chromedriver::start() else {
        return;
    };
    // 10:50: Session I's door (11:00–13:00) is open.
    let app = TestApp::spawn_at(instant("2008-07-07T10:50:00+02:00")).await;
    app.add_staff("door@example.org", Role::Desk).await;
    let event = app.demo_event().await;
    let (meera, ticket) = app
        .ticket(&event, "Meera", "Sethi", "meera@example.org")
        .await;
    let client = driver.session().await;
    let result = async {
        sign_in(
            &client,
            &app,
            &format!("/desk/{DEMO_SLUG}"),
            "door@example.org",
        )
        .await?;
        wait_for_text(&client, "#panel", "Ready for the next scan").await;
        // The door: Session I, way in; the choice is kept across a reload.
        client
            .find(Locator::Css("#door option[value='2008-07-07T11:00']"))
            .await?
            .click()
            .await?;
        client.refresh().await?;
        wait_for_text(&client, "#panel", "Ready for the next scan").await;
        let door = client.find(Locator::Css("#door")).await?;
        assert_eq!(
            door.prop("value").await?.as_deref(),
            Some("2008-07-07T11:00")
        );
        client
            .find(Locator::Css("#scan"))
            .await?
            .send_keys(&format!("{ticket}\n"))
            .await?;
        wait_for_text(&client, "#panel.ok", "Meera Sethi").await;
        // In again at this door: amber.
        client
            .find(Locator::Css("#scan"))
            .await?
            .send_keys(&format!("{ticket}\n"))
            .await?;
        wait_for_text(&client, "#panel.warn", "Already checked in").await;
        // Way out.
        client
            .find(Locator::Css("#direction option[value='out']"))
            .await?
            .click()
            .await?;
        client
            .find(Locator::Css("#scan"))
            .await?
            .send_keys(&format!("{ticket}\n"))
            .await?;
        wait_for_text(&client, "#panel.ok", "Meera Sethi").await;
        Ok::<(), fantoccini::error::CmdError>(())
    }
    .await;
    let _ = client.close().await;
    result.expect("the desk works at a door");
    let (_, passages) = app.db.attendance_of(meera.id).await.expect("read");
    assert_eq!(passages.len(), 1);
    assert_eq!(passages[0].item.as_str(), "2008-07-07T11:00");
    assert!(passages[0].came_in.is_some() && passages[0].went_out.is_some());
    app.assert_outbox(Outbox::pending(1)).await;
}

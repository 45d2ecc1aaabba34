//! Badges and certificates of attendance (issue 16), read back as a reader would: every name
//! printed as its owner writes it (Vietnamese, Greek, Cyrillic, Arabic), the badges' QR codes
//! decoding to the tickets, as many badges and pages as the filter and the layout say; a
//! certificate that names the days and sessions attended and carries its verification link. On
//! the test database (PostgreSQL in CI's second pass).

use domain::Role;
use guichet_tests::pdf::Pdf;
use guichet_tests::{DEMO_SLUG, TestApp, instant};
use serde_json::json;

/// Names in every script the form accepts, as their owners write them.
const NAMES: [(&str, &str); 6] = [
    ("Thảo", "Nguyễn Thị Phương"),
    ("Αλέξανδρος", "Παπαδόπουλος"),
    ("Анна", "Кузнецова"),
    ("محمد", "عبد الله"),
    ("Zoë", "Ñúñez-Ørsted"),
    (
        "Maximiliane-Konstantina-Wilhelmina",
        "von Hohenzollern-Sigmaringen und Veringen",
    ),
];

async fn pdf(app: &TestApp, bearer: &str, path: &str) -> (u16, Vec<u8>) {
    let response = app
        .client
        .get(app.url(path))
        .bearer_auth(bearer)
        .header("accept-language", "en")
        .send()
        .await
        .expect("request");
    let status = response.status().as_u16();
    let kind = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let bytes = response.bytes().await.expect("body").to_vec();
    if status == 200 {
        assert_eq!(kind, "application/pdf");
    }
    (status, bytes)
}

#[tokio::test]
async fn badges_print_every_name_with_its_ticket_eight_to_a_sheet_or_one_a_page() {
    let app = TestApp::spawn_at(instant("2008-07-07T08:30:00+02:00")).await;
    app.add_staff("org@example.org", Role::Organiser).await;
    app.add_staff("desk@example.org", Role::Desk).await;
    let organiser = app.login("org@example.org").await;
    let desk = app.login("desk@example.org").await;
    let event = app.demo_event().await;
    let mut tickets = Vec::new();
    for (n, (given, family)) in NAMES.iter().enumerate() {
        tickets.push(
            app.ticket(&event, given, family, &format!("p{n}@example.org"))
                .await,
        );
    }
    // Two more, a cancelled one (no badge by default) and a speaker.
    let (cancelled, _) = app.ticket(&event, "Gone", "Away", "gone@example.org").await;
    app.db
        .cancel_registration(cancelled.id, app.now())
        .await
        .expect("cancelled");
    let speaker: domain::RegistrationForm = serde_json::from_value(json!({
        "given_name": "Meera", "family_name": "Sethi", "email": "meera@example.org",
        "organisation": "IOM", "category": "speaker", "country": "IN", "language": "en",
        "consent": true,
    }))
    .expect("a form");
    let meera = app
        .db
        .register(
            event.id,
            speaker.parse(&event.event).expect("valid"),
            app.clock.clone(),
        )
        .await
        .expect("registered")
        .registration()
        .clone();

    let path = format!("/api/v1/events/{DEMO_SLUG}/badges.pdf");
    let (status, bytes) = pdf(&app, &organiser, &path).await;
    assert_eq!(status, 200);
    let sheet = Pdf::parse(&bytes);
    assert_eq!(sheet.pages(), 1, "seven confirmed badges: one A4 sheet");
    assert_eq!(sheet.page_sizes_mm(), [(210, 297)]);
    for (given, family) in NAMES {
        assert!(sheet.shows(given), "{given} is printed");
        assert!(sheet.shows(family), "{family} is printed");
    }
    assert!(sheet.shows("Meera") && sheet.shows("Speaker"));
    assert!(
        !sheet.shows("Gone"),
        "no badge for a cancelled registration"
    );
    // Each QR code is the ticket's.
    let mut expected: Vec<String> = tickets.iter().map(|(_, token)| token.clone()).collect();
    expected.push(app.key.issue(event.id, meera.id, 1).to_string());
    expected.sort();
    assert_eq!(sheet.qr_codes(), expected);

    // One a page; a filter; one registration.
    let (_, bytes) = pdf(&app, &organiser, &format!("{path}?layout=a6")).await;
    let a6 = Pdf::parse(&bytes);
    assert_eq!(a6.pages(), 7);
    assert_eq!(a6.page_sizes_mm(), [(105, 148); 7]);
    let (_, bytes) = pdf(
        &app,
        &organiser,
        &format!("{path}?layout=a6&category=speaker"),
    )
    .await;
    let speakers = Pdf::parse(&bytes);
    assert_eq!(speakers.pages(), 1);
    assert!(speakers.shows("Meera") && !speakers.shows("Анна"));
    let (_, bytes) = pdf(&app, &organiser, &format!("{path}?status=cancelled")).await;
    assert!(Pdf::parse(&bytes).shows("Gone"), "asked for by its status");

    // The desk prints one badge (a walk-in's), not a whole list; a stranger nothing.
    let one = format!("{path}?registration={}&layout=a6", tickets[3].0.id);
    let (status, bytes) = pdf(&app, &desk, &one).await;
    assert_eq!(status, 200);
    let walk_in = Pdf::parse(&bytes);
    assert_eq!(walk_in.pages(), 1);
    assert!(walk_in.shows("محمد"));
    assert_eq!(walk_in.qr_codes(), [tickets[3].1.clone()]);
    // A filter that is none is refused, even beside one registration (schemathesis found it).
    assert_eq!(
        pdf(&app, &desk, &format!("{one}&status=nonsense")).await.0,
        422
    );
    assert_eq!(pdf(&app, &desk, &path).await.0, 403);
    let stranger = app
        .client
        .get(app.url(&path))
        .send()
        .await
        .expect("request");
    assert_eq!(stranger.status(), 401);
    assert_eq!(
        pdf(&app, &organiser, &format!("{path}?registration=99999"))
            .await
            .0,
        404
    );
    assert_eq!(
        pdf(&app, &organiser, &format!("{path}?layout=a3")).await.0,
        422
    );

    // Two more confirmed: nine badges, eight to a sheet, so a second sheet with one.
    for n in 0..2 {
        app.ticket(
            &event,
            "Extra",
            &format!("Person{n}"),
            &format!("x{n}@example.org"),
        )
        .await;
    }
    let (_, bytes) = pdf(&app, &organiser, &path).await;
    let sheets = Pdf::parse(&bytes);
    assert_eq!(sheets.pages(), 2, "nine badges: two A4 sheets");
    assert_eq!(sheets.qr_codes().len(), 9);

    // The registrations list links its filter's badges, and the link prints that filter.
    let (cookie, _) = app
        .browser_session("org@example.org", &format!("/organiser/{DEMO_SLUG}"))
        .await;
    let list = app
        .get_with_cookie(
            &format!("/organiser/{DEMO_SLUG}/registrations?category=speaker"),
            &cookie,
        )
        .await
        .text()
        .await
        .expect("page");
    let links = list
        .split("<p id=\"badges\">")
        .nth(1)
        .expect("the badges' links")
        .split("</p>")
        .next()
        .expect("a paragraph");
    let href = guichet_tests::unescape_html(
        links
            .split("href=\"")
            .nth(2)
            .and_then(|rest| rest.split('"').next())
            .expect("the A6 link"),
    );
    assert!(href.contains("category=speaker"), "{href}");
    let response = app.get_with_cookie(&href, &cookie).await;
    assert_eq!(response.status(), 200, "{href}");
    let printed = Pdf::parse(&response.bytes().await.expect("PDF"));
    assert_eq!(printed.pages(), 1, "one speaker, one A6 page");
    assert!(printed.shows("Meera"));
}

#[tokio::test]
async fn a_participant_downloads_their_certificate_after_the_event_with_what_they_attended() {
    let app = TestApp::spawn_at(instant("2008-07-07T10:50:00+02:00")).await;
    app.add_staff("door@example.org", Role::Desk).await;
    let desk = app.login("door@example.org").await;
    let event = app.demo_event().await;
    let (awa, ticket) = app
        .ticket(&event, "محمد", "عبد الله", "awa@example.org")
        .await;
    let (_, absent) = app
        .ticket(&event, "Dara", "Absent", "dara@example.org")
        .await;
    let (status, answer) = app
        .scan(
            &desk,
            DEMO_SLUG,
            json!({ "token": ticket, "item": "2008-07-07T11:00" }),
        )
        .await;
    assert_eq!((status, answer["outcome"].as_str()), (200, Some("ok")));
    let path = format!("/t/{ticket}/certificate.pdf");
    // Not before the event's end; the ticket page offers it after.
    assert_eq!(app.get(&path).await.status(), 404);
    let page = app
        .get(&format!("/t/{ticket}"))
        .await
        .text()
        .await
        .expect("page");
    assert!(!page.contains("certificate.pdf"));
    app.set_clock(instant("2008-07-08T19:00:00+02:00"));
    let page = app
        .get(&format!("/t/{ticket}"))
        .await
        .text()
        .await
        .expect("page");
    assert!(page.contains(&path), "the ticket page offers it");
    let response = app.get(&path).await;
    assert_eq!(response.status(), 200);
    let certificate = Pdf::parse(&response.bytes().await.expect("PDF"));
    assert_eq!(certificate.pages(), 1);
    assert!(certificate.shows("محمد") && certificate.shows("عبد الله"));
    assert!(certificate.shows("Renforcement du rôle de la migration de retour"));
    // In the participant's language (French, as they registered).
    assert!(certificate.shows("Attestation de participation"));
    assert!(certificate.shows("Organisation internationale pour les migrations"));
    assert!(certificate.shows("Centre international de conférences de Genève (CICG), Genève"));
    // The days attended: the first (in the event's dates, the days and the session's line), not
    // the second (in the event's dates only).
    assert!(certificate.shows("Jours de présence"));
    assert_eq!(
        certificate.times("lundi 7 juillet 2008"),
        3,
        "the day attended"
    );
    assert_eq!(
        certificate.times("mardi 8 juillet 2008"),
        1,
        "a day not attended"
    );
    // The session attended with its times, and none of the others.
    assert!(certificate.shows("Séances suivies"));
    assert!(
        certificate
            .shows("Session I : Exploration de l'équation retour/développement – Études de cas")
    );
    assert!(certificate.shows("11:00"), "its times");
    for other in [
        "Mise en situation",
        "Session II",
        "Session III",
        "Session IV",
        "Remarques de bienvenue",
    ] {
        assert!(!certificate.shows(other), "{other} was not attended");
    }
    // Its link is the verification page's, and that page confirms it.
    let code = app.key.certificate(event.id, awa.id).to_string();
    let link = certificate
        .qr_codes()
        .into_iter()
        .next()
        .expect("the link's QR code");
    assert!(link.ends_with(&format!("/v/{code}")), "{link}");
    assert!(certificate.shows(&format!("/v/{code}")));
    assert_eq!(app.get(&format!("/v/{code}")).await.status(), 200);
    // Someone who never came has none; a replaced or forged ticket neither.
    assert_eq!(
        app.get(&format!("/t/{absent}/certificate.pdf"))
            .await
            .status(),
        404
    );
    assert_eq!(app.get("/t/NOTATICKET/certificate.pdf").await.status(), 404);
}

#[tokio::test]
async fn after_the_event_organisers_email_each_participant_who_came_their_certificate_or_zip_them_all()
 {
    let mail = guichet_tests::MailServer::start();
    let app = TestApp::spawn_with(guichet_tests::Options {
        now: instant("2008-07-07T10:50:00+02:00"),
        smtp_port: mail.port,
        worker: true,
        limits: guichet::Limits::default(),
    })
    .await;
    app.add_staff("door@example.org", Role::Desk).await;
    app.add_staff("org@example.org", Role::Organiser).await;
    let desk = app.login("door@example.org").await;
    let event = app.demo_event().await;
    let (_, awa) = app.ticket(&event, "Awa", "Ndiaye", "awa@example.org").await;
    let (_, anna) = app
        .ticket(&event, "Анна", "Кузнецова", "anna@example.org")
        .await;
    app.ticket(&event, "Dara", "Absent", "dara@example.org")
        .await;
    for ticket in [&awa, &anna] {
        let (_, answer) = app.scan(&desk, DEMO_SLUG, json!({ "token": ticket })).await;
        assert_eq!(answer["outcome"], "ok");
    }
    // Anna reads her emails in English, Awa in French (as the test's participants register).
    app.execute("UPDATE registrations SET language = 'en' WHERE email = 'anna@example.org'")
        .await;
    mail.wait_for(3).await;
    let (cookie, csrf) = app
        .browser_session("org@example.org", &format!("/organiser/{DEMO_SLUG}"))
        .await;
    let send = format!("/organiser/{DEMO_SLUG}/certificates");
    // Not before the event is over.
    assert_eq!(
        app.post_form(&send, &cookie, &[("csrf", csrf.as_str())])
            .await
            .status(),
        400
    );
    app.set_clock(instant("2008-07-08T19:00:00+02:00"));
    // A day and a half later: signed in again (a session lasts 12 hours).
    let (cookie, csrf) = app
        .browser_session("org@example.org", &format!("/organiser/{DEMO_SLUG}"))
        .await;
    let dashboard = app
        .get_with_cookie(&format!("/organiser/{DEMO_SLUG}"), &cookie)
        .await
        .text()
        .await
        .expect("page");
    assert!(dashboard.contains("id=\"certificates\""));
    let sent = app
        .post_form(&send, &cookie, &[("csrf", csrf.as_str())])
        .await;
    assert_eq!(sent.status(), 303);
    // Asked twice, sent once.
    app.post_form(&send, &cookie, &[("csrf", csrf.as_str())])
        .await;
    let mails = mail.wait_for(3 + 2).await;
    let certificates: Vec<_> = mails[3..].to_vec();
    assert_eq!(certificates.len(), 2);
    for (address, name, subject, heading) in [
        (
            "awa@example.org",
            "Ndiaye",
            "Votre attestation de participation",
            "Attestation de participation",
        ),
        (
            "anna@example.org",
            "Кузнецова",
            "Your certificate of attendance",
            "Certificate of attendance",
        ),
    ] {
        let message = certificates
            .iter()
            .find(|m| m.to.iter().any(|t| t.contains(address)))
            .unwrap_or_else(|| panic!("{address}'s certificate"))
            .parsed();
        // In the participant's language.
        assert!(
            message.subject().is_some_and(|s| s.starts_with(subject)),
            "{:?}",
            message.subject()
        );
        use mail_parser::MimeHeaders;
        let pdf = message
            .attachments()
            .find(|a| a.attachment_name() == Some("certificate.pdf"))
            .expect("the PDF attached");
        let certificate = Pdf::parse(pdf.contents());
        assert!(certificate.shows(name), "{name} on the certificate");
        assert!(certificate.shows(heading), "{address}: {heading}");
    }
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'certificates_sent'")
            .await,
        1,
        "the second ask queued nothing, and left no line"
    );

    // All of them in one ZIP; the desk may not have it.
    let zip = format!("/organiser/{DEMO_SLUG}/certificates.zip");
    let response = app.get_with_cookie(&zip, &cookie).await;
    assert_eq!(response.status(), 200);
    let bytes = response.bytes().await.expect("ZIP").to_vec();
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a ZIP");
    assert_eq!(archive.len(), 2, "those who came");
    let mut names = Vec::new();
    for index in 0..archive.len() {
        use std::io::Read;
        let mut file = archive.by_index(index).expect("an entry");
        names.push(file.name().expect("a name").to_string());
        let mut pdf = Vec::new();
        file.read_to_end(&mut pdf).expect("read");
        assert_eq!(Pdf::parse(&pdf).pages(), 1);
    }
    assert!(
        names.iter().any(|n| n.ends_with("-Ndiaye-Awa.pdf")),
        "{names:?}"
    );
    let desk_cookie = app
        .browser_session("door@example.org", &format!("/desk/{DEMO_SLUG}"))
        .await
        .0;
    assert_eq!(app.get_with_cookie(&zip, &desk_cookie).await.status(), 403);
    app.assert_outbox(guichet_tests::Outbox::default()).await;
}

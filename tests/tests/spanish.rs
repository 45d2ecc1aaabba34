//! Spanish, the third language: pages chosen by Accept-Language and by the switcher, `<html
//! lang>` always the language shown, dates written the Spanish way, categories in Spanish (or in
//! the event's language when the file has no Spanish name), and a participant's emails in Spanish
//! when they choose it.

use guichet_tests::{DEMO_SLUG, MailServer, Options, TestApp, instant, participant, unescape_html};

async fn app_with_mail() -> (TestApp, MailServer) {
    let mail = MailServer::start();
    let app = TestApp::spawn_with(Options {
        now: instant("2008-06-15T10:00:00+02:00"),
        smtp_port: mail.port,
        worker: true,
        limits: guichet::Limits::default(),
    })
    .await;
    (app, mail)
}

#[tokio::test]
async fn a_spanish_browser_gets_the_event_page_in_spanish_with_spanish_dates_and_categories() {
    let (app, _mail) = app_with_mail().await;
    let page = app
        .get_in(&format!("/events/{DEMO_SLUG}"), "es-ES,es;q=0.9,en;q=0.5")
        .await;
    assert_eq!(page.status(), 200);
    let html = unescape_html(&page.text().await.expect("body"));
    assert!(html.contains(r#"<html lang="es">"#), "{html}");
    // The catalog's words, the Spanish date, a category's Spanish name from the event file.
    assert!(html.contains("Inscripción"), "the form's heading");
    assert!(html.contains("Nombre *"), "a field's label");
    assert!(html.contains("lunes, 7 de julio de 2008"), "a Spanish date");
    assert!(html.contains("Estado Miembro"), "a category's Spanish name");
    // The participant may choose Spanish for their emails.
    assert!(
        html.contains(r#"<option value="es""#),
        "Spanish among the emails' languages"
    );
    // The switcher offers it, named in itself.
    assert!(html.contains(r#"hreflang="es""#) || html.contains(r#"lang="es" href="/lang/es"#));
    assert!(html.contains("Español"));

    // Unknown pages too.
    let missing = app.get_in("/events/no-such-event", "es").await;
    assert_eq!(missing.status(), 404);
    let html = missing.text().await.expect("body");
    assert!(html.contains(r#"<html lang="es">"#));
    assert!(html.contains("Página no encontrada"), "{html}");
}

#[tokio::test]
async fn the_switcher_sets_spanish_over_the_browsers_language_and_html_lang_follows() {
    let (app, _mail) = app_with_mail().await;
    let switched = app
        .client
        .get(app.url(&format!("/lang/es?next=/events/{DEMO_SLUG}")))
        .header("accept-language", "fr")
        .send()
        .await
        .expect("request");
    assert!(switched.status().is_redirection(), "{}", switched.status());
    let cookie = guichet_tests::set_cookie(&switched, "lang").expect("the language cookie");
    assert!(cookie.starts_with("lang=es"), "{cookie}");
    let page = app
        .client
        .get(app.url(&format!("/events/{DEMO_SLUG}")))
        .header("accept-language", "fr")
        .header("cookie", "lang=es")
        .send()
        .await
        .expect("request");
    let html = page.text().await.expect("body");
    assert!(
        html.contains(r#"<html lang="es">"#),
        "the cookie wins over Accept-Language"
    );
    // And back to French: the page says so too.
    let page = app.get_in(&format!("/events/{DEMO_SLUG}"), "fr").await;
    let html = page.text().await.expect("body");
    assert!(html.contains(r#"<html lang="fr">"#));
}

#[tokio::test]
async fn a_participant_who_chooses_spanish_gets_the_ticket_email_in_spanish() {
    let (app, mail) = app_with_mail().await;
    let mut form = participant("Rafael", "Álvarez", "rafael.alvarez@example.org");
    form["language"] = "es".into();
    let response = app.register_json(DEMO_SLUG, &form).await;
    assert_eq!(response.status(), 202);
    let messages = mail.wait_for(1).await;
    assert_eq!(messages.len(), 1);
    let message = messages[0].parsed();
    assert_eq!(
        message.subject(),
        Some(
            "Su entrada: Renforcement du rôle de la migration de retour dans les efforts de développement"
        )
    );
    let text = message.body_text(0).expect("a text part").into_owned();
    assert!(text.contains("Estimado/a Rafael Álvarez:"), "{text}");
    assert!(text.contains("Muestre este código QR"), "{text}");
    assert!(text.contains("7 de julio de 2008"), "{text}");
    assert!(text.contains("Estado Miembro"), "{text}");
    // Its ticket page speaks Spanish to a Spanish browser.
    let token = guichet_tests::token_from_qr(&messages[0]);
    let ticket = app.get_in(&format!("/t/{token}"), "es").await;
    assert_eq!(ticket.status(), 200);
    let html = ticket.text().await.expect("body");
    assert!(html.contains(r#"<html lang="es">"#));
}

#[tokio::test]
async fn an_unknown_email_language_is_refused_in_spanish_naming_the_three() {
    let (app, _mail) = app_with_mail().await;
    let mut form = participant("Rafael", "Álvarez", "rafael.alvarez@example.org");
    form["language"] = "de".into();
    let response = app
        .client
        .post(app.url(&format!("/api/v1/events/{DEMO_SLUG}/registrations")))
        .header("accept-language", "es")
        .json(&form)
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), 422);
    let body: serde_json::Value = response.json().await.expect("JSON");
    assert_eq!(
        body["errors"]["language"],
        "Elija francés, inglés o español."
    );
}

#[test]
fn a_category_without_a_spanish_name_shows_the_one_in_the_events_language() {
    let category = domain::Category {
        key: "media".into(),
        fr: "Médias".into(),
        en: "Media".into(),
        es: None,
    };
    assert_eq!(category.label(domain::Lang::Es, domain::Lang::Fr), "Médias");
    assert_eq!(category.label(domain::Lang::Es, domain::Lang::En), "Media");
    let named = domain::Category {
        es: Some("Medios de comunicación".into()),
        ..category
    };
    assert_eq!(
        named.label(domain::Lang::Es, domain::Lang::Fr),
        "Medios de comunicación"
    );
    assert_eq!(named.label(domain::Lang::En, domain::Lang::Fr), "Media");
}

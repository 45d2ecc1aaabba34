//! The demo event's public page, its agenda as JSON, and what an unknown address gets.

use guichet_tests::{DEMO_SLUG, Outbox, TestApp, assert_in_order, unescape_html};
use serde_json::Value;

/// Every slot of the published programme, in order: (start, end, title, moderator and speakers).
fn programme() -> Vec<(&'static str, &'static str, &'static str, Vec<&'static str>)> {
    vec![
        // Day one, Monday 7 July 2008
        ("09:00", "10:00", "Enregistrement", vec![]),
        ("10:00", "10:15", "Remarques de bienvenue", vec![]),
        (
            "10:15",
            "11:00",
            "Mise en situation",
            vec!["Michele Klein Solomon"],
        ),
        (
            "11:00",
            "13:00",
            "Session I : Exploration de l'équation retour/développement – Études de cas",
            vec![
                "Jean-Christophe Dumont",
                "Michel Sho-Sawyer",
                "Han-Maurits Schaapveld",
                "Fernando Alzate Donoso",
            ],
        ),
        ("13:00", "15:00", "Pause de l'après-midi", vec![]),
        (
            "15:00",
            "18:00",
            "Session II : Outils et mesures propres à favoriser les retours",
            vec![
                "Meera Sethi",
                "Rafael Álvarez",
                "Devi Chand Rye Seewooruthun",
                "Jacqueline Owens",
                "Mohammed Bassam Al-Nasiri",
            ],
        ),
        // Day two, Tuesday 8 July 2008
        (
            "10:00",
            "10:30",
            "Le point de vue des migrants : Retour – Intégration – Ré-intégration",
            vec!["Abdou Mbengue Sene"],
        ),
        (
            "10:30",
            "13:00",
            "Session III : Renforcement du potentiel de développement de la migration de retour – Approches pratiques",
            vec![
                "Carlos Eladio Segura Vicente",
                "Sergiu Sainciuc",
                "Ghenadie Cretu",
                "Álvaro Apolo da Luz Pereira",
                "Dinh Pham Van",
            ],
        ),
        ("13:00", "15:00", "Pause de l'après-midi", vec![]),
        (
            "15:00",
            "17:50",
            "Session IV : Pour que les retours profitent au développement – Partenariats multipartites",
            vec![
                "Eugene Owusu",
                "Nikolai Alisov",
                "Abdesslam El Ftouh",
                "Basco Tomas A. Fernandez",
                "Jim Ilunga",
            ],
        ),
        ("17:50", "18:00", "Synthèse et remarques de clôture", vec![]),
    ]
}

#[tokio::test]
async fn the_event_page_lists_every_agenda_item_of_both_days_in_order() {
    let app = TestApp::spawn().await;
    let response = app
        .get_in(&format!("/events/{DEMO_SLUG}"), "fr-CH,fr;q=0.9")
        .await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["content-type"].to_str().expect("ascii"),
        "text/html; charset=utf-8"
    );
    let page = unescape_html(&response.text().await.expect("body"));

    // The UI is in French, the day headings in the event's local dates.
    assert!(page.contains("<html lang=\"fr\">"));
    let mut expected: Vec<String> = vec![
        "Renforcement du rôle de la migration de retour dans les efforts de développement".into(),
        "Jour 1 — lundi 7 juillet 2008".into(),
    ];
    for (index, (start, end, title, people)) in programme().into_iter().enumerate() {
        if index == 6 {
            expected.push("Jour 2 — mardi 8 juillet 2008".into());
        }
        expected.push(format!("{start} – {end}"));
        expected.push(title.into());
        expected.extend(people.into_iter().map(String::from));
    }
    let needles: Vec<&str> = expected.iter().map(String::as_str).collect();
    assert_in_order(&page, &needles);

    // Moderators are labelled as such, with their function.
    assert!(page.contains(
        "Modération :</span> <strong>Jean-Christophe Dumont</strong>, Administrateur principal"
    ));
    // Speakers carry function, organisation and country.
    assert!(page.contains(
        "<strong>Michel Sho-Sawyer</strong>, Directeur des Affaires concernant la diaspora, Bureau du Président, Sierra Leone"
    ));
    // The desk opening time, in Geneva time, for day one and day two.
    assert!(
        page.contains("L'accueil ouvre à 09:00 le lundi 7 juillet 2008"),
        "desk opening missing"
    );
    assert!(page.contains("Jour 2 : l'accueil ouvre à 09:00."));
    // The overview and objectives are there, in the event's language.
    assert!(page.contains("Dialogue international sur la migration"));
    assert!(page.contains("Mettre en lumière les avantages d'une coopération multipartite"));
    app.assert_outbox(Outbox::SETTLED).await;
}

#[tokio::test]
async fn the_page_follows_the_visitors_language_but_keeps_the_events_own_text() {
    let app = TestApp::spawn().await;
    let page = unescape_html(
        &app.get_in(&format!("/events/{DEMO_SLUG}"), "en-GB,en;q=0.9")
            .await
            .text()
            .await
            .expect("body"),
    );
    assert!(page.contains("<html lang=\"en\">"));
    assert!(page.contains("Day 1 — Monday 7 July 2008"));
    assert!(page.contains("Day 2 — Tuesday 8 July 2008"));
    assert!(page.contains("The registration desk opens at 09:00 on Monday 7 July 2008."));
    assert!(page.contains("Moderator:</span> <strong>Meera Sethi</strong>"));
    // The programme itself stays in French, marked as such.
    assert!(page.contains("Pause de l'après-midi"));
    assert!(page.contains("lang=\"fr\""));
    app.assert_outbox(Outbox::SETTLED).await;
}

#[tokio::test]
async fn the_language_switcher_remembers_the_choice_and_returns_to_the_page() {
    let app = TestApp::spawn().await;
    let path = format!("/events/{DEMO_SLUG}");
    let response = app.get(&format!("/lang/fr?next={path}")).await;
    assert_eq!(response.status(), 303);
    assert_eq!(response.headers()["location"], path.as_str());
    let cookie = response.headers()["set-cookie"]
        .to_str()
        .expect("ascii")
        .to_owned();
    assert!(cookie.starts_with("lang=fr"), "{cookie}");

    // The cookie wins over the browser's Accept-Language.
    let page = app
        .client
        .get(app.url(&path))
        .header("accept-language", "en")
        .header("cookie", "lang=fr")
        .send()
        .await
        .expect("request")
        .text()
        .await
        .expect("body");
    assert!(page.contains("<html lang=\"fr\">"));

    // Never a redirect to another site.
    let response = app.get("/lang/en?next=//evil.example/").await;
    assert_eq!(response.headers()["location"], "/");
    app.assert_outbox(Outbox::SETTLED).await;
}

#[tokio::test]
async fn the_home_page_lists_the_published_demo_event() {
    let app = TestApp::spawn().await;
    let page = unescape_html(&app.get_in("/", "fr").await.text().await.expect("body"));
    assert!(page.contains(&format!("href=\"/events/{DEMO_SLUG}\"")));
    assert!(page.contains("du lundi 7 juillet 2008 au mardi 8 juillet 2008"));
    app.assert_outbox(Outbox::SETTLED).await;
}

#[tokio::test]
async fn the_agenda_json_gives_local_times_and_desk_openings() {
    let app = TestApp::spawn().await;
    let response = app.get(&format!("/api/v1/events/{DEMO_SLUG}/agenda")).await;
    assert_eq!(response.status(), 200);
    let agenda: Value = response.json().await.expect("JSON");
    assert_eq!(agenda["time_zone"], "Europe/Zurich");
    let days = agenda["days"].as_array().expect("days");
    assert_eq!(days.len(), 2);
    assert_eq!(days[0]["date"], "2008-07-07");
    assert_eq!(days[0]["desk_opens_at"], "2008-07-07T09:00:00+02:00");
    assert_eq!(days[0]["desk_closes_at"], "2008-07-07T18:00:00+02:00");
    assert_eq!(days[1]["desk_opens_at"], "2008-07-08T09:00:00+02:00");
    assert_eq!(days[1]["desk_closes_at"], "2008-07-08T18:00:00+02:00");

    let items: Vec<&Value> = days
        .iter()
        .flat_map(|d| d["items"].as_array().expect("items"))
        .collect();
    let programme = programme();
    assert_eq!(items.len(), programme.len());
    for (item, (start, end, title, people)) in items.iter().zip(programme) {
        assert_eq!(item["start"], start);
        assert_eq!(item["end"], end);
        assert_eq!(item["title"], title);
        let mut names: Vec<&str> = Vec::new();
        if let Some(name) = item["moderator"]["name"].as_str() {
            names.push(name);
        }
        names.extend(
            item["speakers"]
                .as_array()
                .expect("speakers")
                .iter()
                .filter_map(|s| s["name"].as_str()),
        );
        assert_eq!(names, people, "people of {title}");
    }
    assert_eq!(items[0]["kind"], "registration");
    assert_eq!(items[0]["starts_at"], "2008-07-07T09:00:00+02:00");
    assert_eq!(items[4]["kind"], "break");
    assert_eq!(items[10]["kind"], "closing");
    let sho_sawyer = &items[3]["speakers"][0];
    assert_eq!(
        sho_sawyer["function"],
        "Directeur des Affaires concernant la diaspora"
    );
    assert_eq!(sho_sawyer["country"], "Sierra Leone");
    app.assert_outbox(Outbox::SETTLED).await;
}

#[tokio::test]
async fn an_unknown_event_gets_the_404_page_in_the_visitors_language() {
    let app = TestApp::spawn().await;
    for (path, accept, heading) in [
        ("/events/no-such-event", "fr", "Page introuvable"),
        ("/events/no-such-event", "en", "Page not found"),
        ("/events/NOT%20A%20SLUG", "en", "Page not found"),
        ("/nowhere/at/all", "fr", "Page introuvable"),
    ] {
        let response = app.get_in(path, accept).await;
        assert_eq!(response.status(), 404, "{path}");
        assert!(
            response.headers()["content-type"]
                .to_str()
                .expect("ascii")
                .starts_with("text/html")
        );
        let page = response.text().await.expect("body");
        assert!(
            page.contains(&format!("<h1>{heading}</h1>")),
            "{path}: {page}"
        );
        assert!(page.contains("href=\"/\""), "a way back");
    }
    // Under /api/ the answer is JSON.
    let response = app.get("/api/v1/events/no-such-event/agenda").await;
    assert_eq!(response.status(), 404);
    let body: Value = response.json().await.expect("JSON");
    assert_eq!(body["error"], "not_found");
    app.assert_outbox(Outbox::SETTLED).await;
}

#[tokio::test]
async fn the_openapi_description_covers_the_served_endpoints() {
    let app = TestApp::spawn().await;
    let response = app.get("/api/v1/openapi.json").await;
    assert_eq!(response.status(), 200);
    let spec: Value = response.json().await.expect("JSON");
    assert!(spec["openapi"].as_str().expect("version").starts_with("3."));
    let paths = spec["paths"].as_object().expect("paths");
    assert!(paths.contains_key("/api/v1/events/{slug}/agenda"));
    assert!(paths.contains_key("/api/v1/openapi.json"));
    assert!(paths.contains_key("/api/v1/events/{slug}/registrations"));
    for path in [
        "/api/v1/auth/login",
        "/api/v1/events/{slug}/checkins",
        "/api/v1/events/{slug}/checkins/{registration_id}",
        "/api/v1/events/{slug}/search",
        "/api/v1/events/{slug}/scans",
        "/api/v1/events/{slug}/walk-ins",
        "/api/v1/decode-qr",
        "/api/v1/events/{slug}/registrations/{registration_id}/reissue",
        "/api/v1/outbox/failed",
        "/api/v1/outbox/{id}/retry",
    ] {
        assert!(paths.contains_key(path), "{path} is not described");
    }
    assert!(spec["components"]["securitySchemes"]["bearer"].is_object());
    assert!(spec["components"]["schemas"]["RegistrationRequest"].is_object());
    assert!(spec["components"]["schemas"]["AgendaResponse"].is_object());
    app.assert_outbox(Outbox::SETTLED).await;
}

#[tokio::test]
async fn health_and_readiness() {
    let app = TestApp::spawn().await;
    assert_eq!(app.get("/healthz").await.status(), 200);
    let ready = app.get("/readyz").await;
    assert_eq!(ready.status(), 200);
    assert_eq!(ready.text().await.expect("body"), "ready\n");
    app.assert_outbox(Outbox::SETTLED).await;
}

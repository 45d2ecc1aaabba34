//! The organisers' questions as participants meet them: described by the API, answered through
//! the API and the page's form (every kind), refused with a message under `answers.KEY` when
//! wrong, required ones enforced (but not for the desk's walk-ins), stored, and shown on the
//! ticket page and the organiser's participant page. On the test database (PostgreSQL in CI's
//! second pass).

use domain::Role;
use guichet_tests::{
    DEMO_SLUG, MailServer, Options, TestApp, hidden_field, instant, participant, unescape_html,
};
use serde_json::{Value, json};

/// The demo's questions, and one of every other kind: what an organiser would add to it.
const MORE_QUESTIONS: &str = r#"
[[questions]]
key = "badge_name"
kind = "text"
max_length = 20
required = true
fr = "Nom sur le badge"
en = "Name on the badge"
es = "Nombre en la credencial"

[[questions]]
key = "remarks"
kind = "long_text"
fr = "Remarques"

[[questions]]
key = "photo"
kind = "checkbox"
required = true
fr = "J'accepte d'être photographié·e"
en = "I agree to be photographed"

[[questions]]
key = "arrival"
kind = "date"
fr = "Date d'arrivée"

[[questions]]
key = "nights"
kind = "number"
fr = "Nuits d'hôtel"

[[questions]]
key = "passport"
kind = "country"
fr = "Pays du passeport"
categories = ["speaker"]
"#;

/// The demo with more questions, on a fresh database, registration open, the worker sending.
async fn app() -> (TestApp, MailServer) {
    let mail = MailServer::start();
    let app = TestApp::spawn_with(Options {
        now: instant("2008-06-15T10:00:00+02:00"),
        smtp_port: mail.port,
        worker: true,
        limits: guichet::Limits {
            registrations_per_minute: 0,
            ..guichet::Limits::default()
        },
    })
    .await;
    let at = guichet::DEMO_EVENT
        .find("# ── Day one")
        .expect("the demo's first day");
    let text = format!(
        "{}{MORE_QUESTIONS}\n{}",
        &guichet::DEMO_EVENT[..at],
        &guichet::DEMO_EVENT[at..]
    );
    let event = domain::parse_event_file(&text).expect("valid questions");
    app.db
        .save_event(&event, chrono::Utc::now())
        .await
        .expect("saved");
    (app, mail)
}

fn with_answers(email: &str, answers: Value) -> Value {
    let mut body = participant("Ada", "Lovelace", email);
    body["answers"] = answers;
    body
}

#[tokio::test]
async fn the_api_describes_the_form_in_the_visitors_language() {
    let (app, _mail) = app().await;
    let response = app
        .get_in(&format!("/api/v1/events/{DEMO_SLUG}/form"), "es")
        .await;
    assert_eq!(response.status(), 200);
    let form: Value = response.json().await.expect("JSON");
    let keys: Vec<&str> = form["fields"]
        .as_array()
        .expect("fields")
        .iter()
        .map(|f| f["key"].as_str().expect("key"))
        .collect();
    assert_eq!(
        keys,
        [
            "given_name",
            "family_name",
            "email",
            "organisation",
            "function",
            "category",
            "country",
            "language",
            "needs",
            "consent"
        ]
    );
    assert_eq!(form["fields"][0]["label"], "Nombre");
    assert_eq!(form["fields"][4]["required"], false);
    let questions = form["questions"].as_array().expect("questions");
    assert_eq!(questions.len(), 8);
    assert_eq!(questions[0]["key"], "interpretation");
    assert_eq!(questions[0]["kind"], "choice");
    assert_eq!(questions[0]["label"], "Interpretación deseada");
    assert_eq!(questions[0]["options"][2]["label"], "Español");
    assert_eq!(questions[2]["max_length"], 20);
    assert_eq!(questions[2]["required"], true);
    // Written in French only: shown in French.
    assert_eq!(questions[3]["label"], "Remarques");
    assert_eq!(questions[7]["categories"], json!(["speaker"]));
    assert!(
        form["languages"]
            .as_array()
            .expect("languages")
            .iter()
            .any(|l| l["key"] == "es")
    );
    // An unknown event: 404, as the agenda.
    let missing = app.get("/api/v1/events/no-such-event/form").await;
    assert_eq!(missing.status(), 404);
    // The OpenAPI document describes both the form and the answers.
    let doc: Value = app
        .get("/api/v1/openapi.json")
        .await
        .json()
        .await
        .expect("JSON");
    assert!(doc["paths"]["/api/v1/events/{slug}/form"]["get"].is_object());
    assert!(
        doc["components"]["schemas"]["RegistrationRequest"]["properties"]["answers"].is_object()
    );
}

#[tokio::test]
async fn answers_of_every_kind_are_taken_through_the_api_and_shown_on_the_ticket() {
    let (app, mail) = app().await;
    let mut body = with_answers(
        "ada@example.org",
        json!({
            "interpretation": "en",
            "diet": ["gluten_free", "vegetarian"],
            "badge_name": "Ada L.",
            "remarks": "Arriving by train\nfrom Paris",
            "photo": true,
            "arrival": "2008-07-06",
            "nights": 2,
            "passport": "gb",
        }),
    );
    body["category"] = "speaker".into();
    let response = app.register_json(DEMO_SLUG, &body).await;
    assert_eq!(
        response.status(),
        202,
        "{}",
        response.text().await.unwrap_or_default()
    );
    let event = app.demo_event().await;
    let stored = app
        .db
        .report_page(event.id, &persistence::ReportFilter::default(), 0, 10)
        .await
        .expect("rows");
    let answers = &stored[0].registration.participant.answers;
    assert_eq!(
        serde_json::to_value(answers).expect("JSON"),
        json!({
            "interpretation": "en",
            "diet": ["vegetarian", "gluten_free"],
            "badge_name": "Ada L.",
            "remarks": "Arriving by train\nfrom Paris",
            "photo": true,
            "arrival": "2008-07-06",
            "nights": 2.0,
            "passport": "GB",
        }),
        "stored as checked: options in the question's order, the country's code"
    );
    // The ticket page shows them, in the visitor's language.
    let messages = mail.wait_for(1).await;
    let token = guichet_tests::token_from_qr(&messages[0]);
    let page = app.get_in(&format!("/t/{token}"), "en").await;
    let html = unescape_html(&page.text().await.expect("body"));
    for shown in [
        "Interpretation wanted",
        "<dd>English</dd>",
        "Vegetarian; Gluten-free",
        "Name on the badge",
        "<dd>Ada L.</dd>",
        "I agree to be photographed",
        "<dd>Yes</dd>",
        "<dd>2008-07-06</dd>",
        "<dd>2</dd>",
        "<dd>GB</dd>",
    ] {
        assert!(html.contains(shown), "{shown} on the ticket page");
    }
}

#[tokio::test]
async fn bad_and_missing_answers_are_named_under_their_key_and_nothing_is_stored() {
    let (app, _mail) = app().await;
    let response = app
        .client
        .post(app.url(&format!("/api/v1/events/{DEMO_SLUG}/registrations")))
        .header("accept-language", "en")
        .json(&with_answers(
            "bad@example.org",
            json!({
                "interpretation": "de",
                "diet": ["meat"],
                "badge_name": "A name far too long for a badge",
                "photo": "yes",
                "arrival": "6 July",
                "nights": "a few",
                "shoe_size": 42,
            }),
        ))
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), 422);
    let body: Value = response.json().await.expect("JSON");
    let errors = &body["errors"];
    assert_eq!(
        errors["answers.interpretation"],
        "Choose one of the options offered."
    );
    assert_eq!(errors["answers.diet"], "Choose one of the options offered.");
    assert!(
        errors["answers.badge_name"]
            .as_str()
            .is_some_and(|m| m.contains("20")),
        "{errors}"
    );
    assert_eq!(
        errors["answers.photo"],
        "This answer is not of the kind the question asks for."
    );
    assert_eq!(
        errors["answers.arrival"],
        "Enter a date such as 2008-07-06."
    );
    assert_eq!(errors["answers.nights"], "Enter a number.");
    assert_eq!(
        errors["answers.shoe_size"],
        "This event asks no such question."
    );
    // Required: the badge's name and the photo's box; the passport is asked of speakers only.
    let response = app
        .register_json(DEMO_SLUG, &with_answers("none@example.org", json!({})))
        .await;
    assert_eq!(response.status(), 422);
    let body: Value = response.json().await.expect("JSON");
    let keys: Vec<&String> = body["errors"].as_object().expect("errors").keys().collect();
    assert_eq!(keys, ["answers.badge_name", "answers.photo"]);
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM registrations").await,
        0,
        "nothing stored"
    );
}

#[tokio::test]
async fn the_page_asks_the_questions_keeps_what_was_typed_and_registers() {
    let (app, mail) = app().await;
    let page = app.get_in(&format!("/events/{DEMO_SLUG}"), "en").await;
    let html = page.text().await.expect("body");
    for control in [
        r#"<select id="answers.interpretation" name="answers.interpretation""#,
        r#"id="answers.diet" name="answers.diet.vegetarian""#,
        r#"name="answers.diet.vegan""#,
        r#"<input type="text" id="answers.badge_name" name="answers.badge_name" value="" maxlength="20" required"#,
        r#"<textarea id="answers.remarks" name="answers.remarks""#,
        r#"<input type="checkbox" id="answers.photo" name="answers.photo" value="yes" required"#,
        r#"<input type="date" id="answers.arrival""#,
        r#"<input type="number" id="answers.nights""#,
        r#"<select id="answers.passport" name="answers.passport""#,
    ] {
        assert!(html.contains(control), "{control} in the form");
    }
    assert!(unescape_html(&html).contains("Only for: Speaker"));
    let csrf = hidden_field(&html, "csrf");
    let mut fields: Vec<(&str, String)> = vec![
        ("given_name", "Ada".into()),
        ("family_name", "Lovelace".into()),
        ("email", "ada.form@example.org".into()),
        ("organisation", "Analytical Society".into()),
        ("category", "member_state".into()),
        ("country", "GB".into()),
        ("language", "en".into()),
        ("consent", "yes".into()),
        ("answers.interpretation", "fr".into()),
        ("answers.diet.vegan", "yes".into()),
        ("answers.badge_name", "Ada".into()),
        ("answers.nights", "3".into()),
    ];
    if let Some(token) = csrf {
        fields.push(("csrf", token));
    }
    // The photo's box is not ticked: the form comes back, answers kept, its error by it.
    let response = app
        .client
        .post(app.url(&format!("/events/{DEMO_SLUG}/register")))
        .header("accept-language", "en")
        .form(&fields)
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), 422);
    let html = response.text().await.expect("body");
    assert!(
        html.contains(r#"<option value="fr" selected>"#),
        "the choice kept"
    );
    assert!(
        html.contains(r#"name="answers.diet.vegan" value="yes" checked"#),
        "the ticked option kept"
    );
    assert!(
        html.contains(r#"value="Ada" maxlength="20""#),
        "the text kept"
    );
    assert!(
        html.contains(r#"id="answers.photo" name="answers.photo" value="yes" required aria-describedby="answers.photo-error" aria-invalid="true""#),
        "the box in error, described by its message"
    );
    assert!(
        html.contains(r##"<a href="#answers.photo">"##),
        "in the summary"
    );
    fields.push(("answers.photo", "yes".into()));
    let response = app
        .client
        .post(app.url(&format!("/events/{DEMO_SLUG}/register")))
        .header("accept-language", "en")
        .form(&fields)
        .send()
        .await
        .expect("request");
    assert_eq!(
        response.status(),
        303,
        "{}",
        response.text().await.unwrap_or_default()
    );
    mail.wait_for(1).await;
    let event = app.demo_event().await;
    let rows = app
        .db
        .report_page(event.id, &persistence::ReportFilter::default(), 0, 10)
        .await
        .expect("rows");
    assert_eq!(
        serde_json::to_value(&rows[0].registration.participant.answers).expect("JSON"),
        json!({
            "interpretation": "fr",
            "diet": ["vegan"],
            "badge_name": "Ada",
            "photo": true,
            "nights": 3.0,
        })
    );
    // The organiser sees them on the participant's page.
    app.add_staff("organiser@example.org", Role::Organiser)
        .await;
    let (cookie, _) = app
        .browser_session("organiser@example.org", &format!("/organiser/{DEMO_SLUG}"))
        .await;
    let page = app
        .get_with_cookie(
            &format!(
                "/organiser/{DEMO_SLUG}/registrations/{}",
                rows[0].registration.id
            ),
            &cookie,
        )
        .await;
    assert_eq!(page.status(), 200);
    let html = unescape_html(&page.text().await.expect("body"));
    assert!(html.contains("Vegan"), "{html}");
    assert!(html.contains("<dd>Ada</dd>"));
}

#[tokio::test]
async fn a_walk_in_at_the_desk_is_not_held_up_by_required_questions() {
    let (app, _mail) = app().await;
    app.set_clock(instant("2008-07-07T09:30:00+02:00"));
    app.add_staff("desk@example.org", Role::Desk).await;
    let token = app.login("desk@example.org").await;
    let response = app
        .client
        .post(app.url(&format!("/api/v1/events/{DEMO_SLUG}/walk-ins")))
        .bearer_auth(&token)
        .json(&participant("Walk", "In", "walk.in@example.org"))
        .send()
        .await
        .expect("request");
    assert_eq!(
        response.status(),
        200,
        "{}",
        response.text().await.unwrap_or_default()
    );
    // A wrong answer is still refused.
    let response = app
        .client
        .post(app.url(&format!("/api/v1/events/{DEMO_SLUG}/walk-ins")))
        .bearer_auth(&token)
        .header("accept-language", "en")
        .json(&with_answers(
            "walk.two@example.org",
            json!({"nights": "many"}),
        ))
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), 422);
}

#[tokio::test]
async fn reports_have_one_column_per_question_with_labels_in_the_reports_language() {
    let (app, _mail) = app().await;
    let mut body = with_answers(
        "ada@example.org",
        json!({
            "interpretation": "es",
            "diet": ["vegetarian", "halal"],
            "badge_name": "Ada",
            "photo": true,
            "nights": 2.5,
        }),
    );
    body["language"] = "en".into();
    assert_eq!(app.register_json(DEMO_SLUG, &body).await.status(), 202);
    app.add_staff("organiser@example.org", Role::Organiser)
        .await;
    let bearer = app.login("organiser@example.org").await;
    let csv = app
        .client
        .get(app.url(&format!(
            "/api/v1/events/{DEMO_SLUG}/reports/attendance.csv"
        )))
        .bearer_auth(&bearer)
        .header("accept-language", "fr")
        .send()
        .await
        .expect("request")
        .bytes()
        .await
        .expect("body");
    let text = std::str::from_utf8(&csv)
        .expect("UTF-8")
        .trim_start_matches('\u{feff}')
        .to_owned();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .expect("a header")
        .iter()
        .map(str::to_owned)
        .collect();
    let rows: Vec<Vec<String>> = reader
        .records()
        .map(|r| r.expect("a record").iter().map(str::to_owned).collect())
        .collect();
    // After the fixed columns and two days' two columns: the eight questions, in French.
    assert_eq!(
        &header[13..],
        [
            "Langue d'interprétation souhaitée",
            "Régime alimentaire (déjeuners et pauses)",
            "Nom sur le badge",
            "Remarques",
            "J'accepte d'être photographié·e",
            "Date d'arrivée",
            "Nuits d'hôtel",
            "Pays du passeport",
        ]
    );
    assert_eq!(
        &rows[0][13..],
        [
            "Espagnol",
            "Végétarien; Halal",
            "Ada",
            "",
            "Oui",
            "",
            "2.5",
            ""
        ]
    );
    // The spreadsheet: the same columns, the number a number.
    let xlsx = app
        .client
        .get(app.url(&format!(
            "/api/v1/events/{DEMO_SLUG}/reports/attendance.xlsx"
        )))
        .bearer_auth(&bearer)
        .header("accept-language", "en")
        .send()
        .await
        .expect("request")
        .bytes()
        .await
        .expect("body")
        .to_vec();
    use calamine::{Data, Reader};
    let mut book: calamine::Xlsx<_> =
        calamine::Xlsx::new(std::io::Cursor::new(xlsx)).expect("a workbook");
    let sheet = book.worksheet_range("Participants").expect("the sheet");
    let rows: Vec<&[Data]> = sheet.rows().collect();
    assert_eq!(rows[0][13], Data::String("Interpretation wanted".into()));
    assert_eq!(rows[1][13], Data::String("Spanish".into()));
    assert_eq!(rows[1][14], Data::String("Vegetarian; Halal".into()));
    assert_eq!(rows[1][17], Data::String("Yes".into()));
    assert_eq!(rows[1][19], Data::Float(2.5));
}

#[tokio::test]
async fn the_dashboards_import_refuses_a_file_that_drops_answers() {
    let (app, _mail) = app().await;
    let body = with_answers(
        "ada@example.org",
        json!({ "badge_name": "Ada", "photo": true, "nights": 1 }),
    );
    assert_eq!(app.register_json(DEMO_SLUG, &body).await.status(), 202);
    app.add_staff("organiser@example.org", Role::Organiser)
        .await;
    let (cookie, csrf) = app
        .browser_session("organiser@example.org", &format!("/organiser/{DEMO_SLUG}"))
        .await;
    // Without the "nights" question, which someone answered.
    let mut event = domain::Event::clone(&app.demo_event().await.event);
    event.questions.retain(|q| q.key != "nights");
    let file = domain::render_event_file(&event);
    let response = app
        .post_form(
            &format!("/organiser/{DEMO_SLUG}/import"),
            &cookie,
            &[("csrf", &csrf), ("file", &file)],
        )
        .await;
    assert_eq!(response.status(), 422);
    let html = unescape_html(&response.text().await.expect("body"));
    assert!(html.contains("nights"), "{html}");
    assert!(html.contains("--force"), "{html}");
    assert!(
        app.demo_event()
            .await
            .event
            .questions
            .iter()
            .any(|q| q.key == "nights"),
        "nothing was imported"
    );
    // Removing a question nobody answered is fine.
    let mut event = domain::Event::clone(&app.demo_event().await.event);
    event.questions.retain(|q| q.key != "remarks");
    let response = app
        .post_form(
            &format!("/organiser/{DEMO_SLUG}/import"),
            &cookie,
            &[
                ("csrf", &csrf),
                ("file", &domain::render_event_file(&event)),
            ],
        )
        .await;
    assert_eq!(response.status(), 303);
}

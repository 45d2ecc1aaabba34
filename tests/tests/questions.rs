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

/// The registration of `email` at the demo event.
async fn registration_of(app: &TestApp, email: &str) -> domain::Registration {
    let event = app.demo_event().await;
    app.db
        .report_page(event.id, &persistence::ReportFilter::default(), 0, 100)
        .await
        .expect("rows")
        .into_iter()
        .map(|row| row.registration)
        .find(|r| r.participant.email.as_str() == email)
        .expect("registered")
}

/// The registration's audit lines, as (action, details).
async fn audit_lines(
    app: &TestApp,
    id: i32,
) -> Vec<(persistence::AuditAction, Option<persistence::AuditDetails>)> {
    app.db
        .history(id)
        .await
        .expect("history")
        .into_iter()
        .filter_map(|line| match line.what {
            persistence::Happened::Audit { action, details } => Some((action, details)),
            _ => None,
        })
        .collect()
}

/// Ada, a Member State's delegate, registered with answers to most questions; and an organiser's
/// browser session (cookie, CSRF token).
async fn ada_and_an_organiser(app: &TestApp) -> (domain::Registration, String, String) {
    let body = with_answers(
        "ada@example.org",
        json!({
            "interpretation": "en",
            "diet": ["vegetarian"],
            "badge_name": "Ada L.",
            "photo": true,
            "nights": 2,
        }),
    );
    assert_eq!(app.register_json(DEMO_SLUG, &body).await.status(), 202);
    app.add_staff("organiser@example.org", Role::Organiser)
        .await;
    let (cookie, csrf) = app
        .browser_session("organiser@example.org", &format!("/organiser/{DEMO_SLUG}"))
        .await;
    (registration_of(app, "ada@example.org").await, cookie, csrf)
}

#[tokio::test]
async fn an_organiser_corrects_answers_on_the_participants_page_and_it_is_audited() {
    let (app, _mail) = app().await;
    let (ada, cookie, csrf) = ada_and_an_organiser(&app).await;
    let page = format!("/organiser/{DEMO_SLUG}/registrations/{}", ada.id);
    // The form, as the registration form asks the questions, filled in with what is stored; only
    // the questions asked of her category (the passport's is for speakers); nothing required.
    let html = app
        .get_with_cookie(&page, &cookie)
        .await
        .text()
        .await
        .expect("body");
    for shown in [
        &format!(
            r#"<form class="answers" method="post" action="{page}/answers#answers" novalidate>"#
        ),
        r#"<option value="en" selected>"#,
        r#"name="answers.diet.vegetarian" value="yes" checked"#,
        r#"<input type="text" id="answers.badge_name" name="answers.badge_name" value="Ada L." maxlength="20">"#,
        r#"<input type="checkbox" id="answers.photo" name="answers.photo" value="yes" checked>"#,
        r#"<input type="number" id="answers.nights" name="answers.nights" value="2""#,
    ] {
        assert!(html.contains(shown), "{shown} in {html}");
    }
    assert!(!html.contains("answers.passport"), "not asked of her");
    assert!(!html.contains(" *</label>"), "nothing marked required");

    // Corrected: another interpretation, vegan instead of vegetarian, the badge's name (required
    // of participants) left empty, the photo's box (required) unticked, a remark added.
    let response = app
        .post_form(
            &format!("{page}/answers"),
            &cookie,
            &[
                ("csrf", &csrf),
                ("answers.interpretation", "fr"),
                ("answers.diet.vegan", "yes"),
                ("answers.badge_name", ""),
                ("answers.remarks", "Arrives on the 6th"),
                ("answers.nights", "2"),
            ],
        )
        .await;
    assert_eq!(response.status(), 303);
    assert_eq!(response.headers()["location"], format!("{page}#answers"));
    let stored = app
        .db
        .registration(ada.id)
        .await
        .expect("read")
        .expect("there");
    assert_eq!(
        serde_json::to_value(&stored.participant.answers).expect("JSON"),
        json!({
            "interpretation": "fr",
            "diet": ["vegan"],
            "photo": false,
            "remarks": "Arrives on the 6th",
            "nights": 2.0,
        })
    );
    assert_eq!(
        audit_lines(&app, ada.id).await,
        vec![(
            persistence::AuditAction::AnswersEdited,
            Some(persistence::AuditDetails::Questions(
                ["badge_name", "diet", "interpretation", "photo", "remarks"]
                    .map(String::from)
                    .to_vec()
            ))
        )],
        "one line, naming the questions changed (not the nights, saved as they were)"
    );
    // The history says so, in the reader's language; the form shows what is stored now.
    let html = unescape_html(
        &app.get_with_cookie(&page, &cookie)
            .await
            .text()
            .await
            .expect("body"),
    );
    let history = html.split("id=\"history\"").nth(1).expect("the history");
    assert!(history.contains("Answers corrected"), "{history}");
    assert!(
        history.contains("questions: badge_name, diet, interpretation, photo, remarks"),
        "{history}"
    );
    assert!(history.contains("organiser@example.org"), "{history}");
    assert!(html.contains(r#"<option value="fr" selected>"#));
    assert!(html.contains("<dd>Arrives on the 6th</dd>"));
    // Saved again as it is: nothing changed, nothing audited.
    let response = app
        .post_form(
            &format!("{page}/answers"),
            &cookie,
            &[
                ("csrf", &csrf),
                ("answers.interpretation", "fr"),
                ("answers.diet.vegan", "yes"),
                ("answers.remarks", "Arrives on the 6th"),
                ("answers.nights", "2"),
            ],
        )
        .await;
    assert_eq!(response.status(), 303);
    assert_eq!(audit_lines(&app, ada.id).await.len(), 1);
    // The dashboard's audit log has it too.
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
    assert!(audit.contains("Answers corrected"), "{audit}");
}

#[tokio::test]
async fn a_wrong_answer_shows_the_form_again_with_its_message_and_stores_nothing() {
    let (app, _mail) = app().await;
    let (ada, cookie, csrf) = ada_and_an_organiser(&app).await;
    let before = ada.participant.answers.clone();
    let page = format!("/organiser/{DEMO_SLUG}/registrations/{}", ada.id);
    let response = app
        .post_form(
            &format!("{page}/answers"),
            &cookie,
            &[
                ("csrf", &csrf),
                ("answers.interpretation", "de"),
                ("answers.badge_name", "Augusta Ada"),
                ("answers.arrival", "6 July"),
                ("answers.nights", "a few"),
            ],
        )
        .await;
    assert_eq!(response.status(), 422);
    let html = response.text().await.expect("body");
    for shown in [
        // Each message by its question, the control described by it; what was typed kept.
        r#"aria-describedby="answers.interpretation-help answers.interpretation-error" aria-invalid="true""#,
        r#"<p class="field-error" id="answers.interpretation-error">Choose one of the options offered.</p>"#,
        r#"<input type="date" id="answers.arrival" name="answers.arrival" value="6 July" aria-describedby="answers.arrival-error" aria-invalid="true">"#,
        r#"<p class="field-error" id="answers.arrival-error">Enter a date such as 2008-07-06.</p>"#,
        r#"value="a few" step="any" inputmode="decimal" aria-describedby="answers.nights-error" aria-invalid="true">"#,
        r#"<p class="field-error" id="answers.nights-error">Enter a number.</p>"#,
        r#"value="Augusta Ada" maxlength="20">"#,
        r#"<p class="alert" role="alert">Please correct the fields marked below.</p>"#,
    ] {
        assert!(html.contains(shown), "{shown} in {html}");
    }
    assert!(!html.contains("answers.badge_name-error"), "a good answer");
    let stored = app
        .db
        .registration(ada.id)
        .await
        .expect("read")
        .expect("there");
    assert_eq!(stored.participant.answers, before, "nothing stored");
    assert_eq!(
        audit_lines(&app, ada.id).await,
        Vec::new(),
        "nothing audited"
    );

    // Without the CSRF token: refused before anything is read. A body beyond the app's bound
    // (64 KiB): refused too.
    let response = app
        .post_form(
            &format!("{page}/answers"),
            &cookie,
            &[("answers.interpretation", "fr")],
        )
        .await;
    assert_eq!(response.status(), 403);
    let huge = "a".repeat(70 * 1024);
    let response = app
        .post_form(
            &format!("{page}/answers"),
            &cookie,
            &[("csrf", &csrf), ("answers.remarks", &huge)],
        )
        .await;
    assert_eq!(response.status(), 413);
    let stored = app
        .db
        .registration(ada.id)
        .await
        .expect("read")
        .expect("there");
    assert_eq!(stored.participant.answers, before, "nothing stored");
    assert_eq!(
        audit_lines(&app, ada.id).await,
        Vec::new(),
        "nothing audited"
    );
}

#[tokio::test]
async fn only_the_events_organisers_may_correct_answers() {
    let (app, _mail) = app().await;
    let (ada, organiser_cookie, organiser_csrf) = ada_and_an_organiser(&app).await;
    let before = ada.participant.answers.clone();
    let other = app.add_event("autre-atelier", 10).await;
    let jim = with_answers(
        "jim@example.org",
        json!({"badge_name": "Jim", "photo": true}),
    );
    assert_eq!(app.register_json("autre-atelier", &jim).await.status(), 202);
    let elsewhere = app
        .db
        .report_page(other.id, &persistence::ReportFilter::default(), 0, 10)
        .await
        .expect("rows")
        .remove(0)
        .registration;
    app.add_staff("desk@example.org", Role::Desk).await;
    app.add_staff_at("org-b@example.org", Role::Organiser, &["autre-atelier"])
        .await;
    let (desk_cookie, desk_csrf) = app
        .browser_session("desk@example.org", &format!("/desk/{DEMO_SLUG}"))
        .await;
    let (other_cookie, other_csrf) = app
        .browser_session("org-b@example.org", "/organiser/autre-atelier")
        .await;
    let action = format!("/organiser/{DEMO_SLUG}/registrations/{}/answers", ada.id);
    let fields = |csrf: &str| {
        [
            ("csrf".to_owned(), csrf.to_owned()),
            ("answers.interpretation".to_owned(), "es".to_owned()),
        ]
    };
    let post = async |cookie: &str, csrf: &str| {
        let fields = fields(csrf);
        let fields: Vec<(&str, &str)> = fields
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        app.post_form(&action, cookie, &fields).await.status()
    };
    // A stranger, the event's desk (with its own valid token), another event's organiser.
    assert_eq!(post("", "").await, 401);
    assert_eq!(post(&desk_cookie, &desk_csrf).await, 403);
    assert_eq!(post(&other_cookie, &other_csrf).await, 403);
    // The demo's organiser, on a registration of another event: nothing to act on.
    let response = app
        .post_form(
            &format!(
                "/organiser/{DEMO_SLUG}/registrations/{}/answers",
                elsewhere.id
            ),
            &organiser_cookie,
            &[("csrf", &organiser_csrf), ("answers.interpretation", "es")],
        )
        .await;
    assert_eq!(response.status(), 404);
    let stored = app
        .db
        .registration(ada.id)
        .await
        .expect("read")
        .expect("there");
    assert_eq!(stored.participant.answers, before);
    assert_eq!(audit_lines(&app, ada.id).await, Vec::new());
    assert_eq!(audit_lines(&app, elsewhere.id).await, Vec::new());
    // The same form from the event's organiser goes through.
    assert_eq!(post(&organiser_cookie, &organiser_csrf).await, 303);
}

/// The rows of the dashboard's table of question `key`, as (label, count) in order.
fn option_rows(html: &str, key: &str) -> (String, Vec<(String, u64)>) {
    let table = html
        .split(&format!(r#"<table class="options" id="question-{key}">"#))
        .nth(1)
        .and_then(|rest| rest.split("</table>").next())
        .unwrap_or_else(|| panic!("the table of {key} in {html}"));
    let caption = table
        .split("<caption>")
        .nth(1)
        .and_then(|rest| rest.split("</caption>").next())
        .expect("a caption")
        .to_owned();
    let rows = table
        .split(r#"<tr><th scope="row">"#)
        .skip(1)
        .map(|row| {
            let (label, rest) = row.split_once("</th><td>").expect("a count");
            let count = rest.split("</td>").next().expect("a cell");
            (label.to_owned(), count.parse().expect("a number"))
        })
        .collect();
    (caption, rows)
}

fn counted(rows: &[(&str, u64)]) -> Vec<(String, u64)> {
    rows.iter().map(|(l, n)| ((*l).to_owned(), *n)).collect()
}

#[tokio::test]
async fn the_dashboard_counts_each_option_of_the_registrations_not_cancelled() {
    let (app, _mail) = app().await;
    for (email, answers) in [
        (
            "a@example.org",
            json!({"interpretation": "fr", "diet": ["vegetarian", "halal"], "badge_name": "A", "photo": true}),
        ),
        (
            "b@example.org",
            json!({"interpretation": "fr", "diet": ["vegetarian"], "badge_name": "B", "photo": true}),
        ),
        // Cancelled below: counted nowhere.
        (
            "c@example.org",
            json!({"interpretation": "es", "diet": ["kosher"], "badge_name": "C", "photo": true}),
        ),
        // Answered neither choice.
        ("d@example.org", json!({"badge_name": "D", "photo": true})),
    ] {
        let response = app
            .register_json(DEMO_SLUG, &with_answers(email, answers))
            .await;
        assert_eq!(response.status(), 202, "{email}");
    }
    let c = registration_of(&app, "c@example.org").await;
    app.db
        .cancel_registration(c.id, app.now())
        .await
        .expect("cancelled");
    // A walk-in is not held up by the photo's required box: an unticked box, a "no".
    app.set_clock(instant("2008-07-07T09:30:00+02:00"));
    app.add_staff("desk@example.org", Role::Desk).await;
    let desk = app.login("desk@example.org").await;
    let response = app
        .client
        .post(app.url(&format!("/api/v1/events/{DEMO_SLUG}/walk-ins")))
        .bearer_auth(&desk)
        .json(&participant("Walk", "In", "walk.in@example.org"))
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), 200);

    app.add_staff("organiser@example.org", Role::Organiser)
        .await;
    let (cookie, _) = app
        .browser_session("organiser@example.org", &format!("/organiser/{DEMO_SLUG}"))
        .await;
    let html = unescape_html(
        &app.get_with_cookie(&format!("/organiser/{DEMO_SLUG}"), &cookie)
            .await
            .text()
            .await
            .expect("body"),
    );
    assert_eq!(
        option_rows(&html, "interpretation"),
        (
            "Interpretation wanted".to_owned(),
            counted(&[("French", 2), ("English", 0), ("Spanish", 0)])
        ),
        "in the event's order, options nobody chose at 0"
    );
    assert_eq!(
        option_rows(&html, "diet").1,
        counted(&[
            ("Vegetarian", 2),
            ("Vegan", 0),
            ("Halal", 1),
            ("Kosher", 0),
            ("Gluten-free", 0)
        ])
    );
    assert_eq!(
        option_rows(&html, "photo"),
        (
            "I agree to be photographed".to_owned(),
            counted(&[("Yes", 3), ("No", 1)])
        )
    );
    assert!(!html.contains("question-nights"), "a number is not counted");
    assert!(!html.contains("question-badge_name"), "nor is a text");
    // In Spanish: the options' Spanish labels, and the photo's question, written in French and
    // English only, in the event's language (French).
    let response = app
        .client
        .get(app.url(&format!("/organiser/{DEMO_SLUG}")))
        .header("cookie", &cookie)
        .header("accept-language", "es")
        .send()
        .await
        .expect("request");
    let html = unescape_html(&response.text().await.expect("body"));
    assert_eq!(
        option_rows(&html, "interpretation"),
        (
            "Interpretación deseada".to_owned(),
            counted(&[("Francés", 2), ("Inglés", 0), ("Español", 0)])
        )
    );
    assert_eq!(
        option_rows(&html, "photo"),
        (
            "J'accepte d'être photographié·e".to_owned(),
            counted(&[("Sí", 3), ("No", 1)])
        )
    );

    // The live figures carry the counts, and follow a new registration.
    let mut live = app
        .get_with_cookie(&format!("/organiser/{DEMO_SLUG}/live"), &cookie)
        .await;
    assert_eq!(live.status(), 200);
    let mut received = String::new();
    let first = tokio::time::timeout(std::time::Duration::from_secs(10), async {
        while !received.contains("</section>") || !received.contains("question-photo") {
            let chunk = live.chunk().await.expect("read").expect("a chunk");
            received.push_str(&String::from_utf8_lossy(&chunk));
        }
    })
    .await;
    assert!(first.is_ok(), "the first figures: {received}");
    assert!(
        received.contains(r#"<tr><th scope="row">English</th><td>0</td></tr>"#),
        "{received}"
    );
    let response = app
        .register_json(
            DEMO_SLUG,
            &with_answers(
                "e@example.org",
                json!({"interpretation": "en", "badge_name": "E", "photo": true}),
            ),
        )
        .await;
    assert_eq!(response.status(), 202);
    let mut received = String::new();
    let refreshed = tokio::time::timeout(std::time::Duration::from_secs(10), async {
        while !received.contains(r#"<tr><th scope="row">English</th><td>1</td></tr>"#) {
            let chunk = live.chunk().await.expect("read").expect("a chunk");
            received.push_str(&String::from_utf8_lossy(&chunk));
        }
    })
    .await;
    assert!(refreshed.is_ok(), "the counts refreshed live: {received}");

    // An organiser's correction changes no count of registrations: the stream reads the
    // answers again within ten seconds all the same.
    let id = app
        .count("SELECT CAST(id AS BIGINT) AS n FROM registrations WHERE email = 'e@example.org'")
        .await;
    let page = format!("/organiser/{DEMO_SLUG}/registrations/{id}");
    let html = app
        .get_with_cookie(&page, &cookie)
        .await
        .text()
        .await
        .expect("page");
    let csrf = guichet_tests::hidden_field(&html, "csrf").expect("a token");
    let response = app
        .post_form(
            &format!("{page}/answers"),
            &cookie,
            &[
                ("csrf", csrf.as_str()),
                ("answers.interpretation", "es"),
                ("answers.badge_name", "E"),
                ("answers.photo", "yes"),
            ],
        )
        .await;
    assert_eq!(response.status(), 303);
    let mut received = String::new();
    let corrected = tokio::time::timeout(std::time::Duration::from_secs(20), async {
        while !(received.contains(r#"<tr><th scope="row">English</th><td>0</td></tr>"#)
            && received.contains(r#"<tr><th scope="row">Spanish</th><td>1</td></tr>"#))
        {
            let chunk = live.chunk().await.expect("read").expect("a chunk");
            received.push_str(&String::from_utf8_lossy(&chunk));
        }
    })
    .await;
    assert!(corrected.is_ok(), "the correction shown live: {received}");
}

#[tokio::test]
async fn the_counts_per_option_take_one_query_however_many_registrations() {
    let (app, _mail) = app().await;
    let event = app.demo_event().await;
    let mut db = app.database.connect().await;
    let counter = db.count_statements();
    let mut statements = Vec::new();
    for (from, to) in [(0, 2), (2, 22)] {
        for i in from..to {
            let email = format!("p{i}@example.org");
            let answers = json!({"interpretation": "es", "badge_name": "P", "photo": true});
            let response = app
                .register_json(DEMO_SLUG, &with_answers(&email, answers))
                .await;
            assert_eq!(response.status(), 202);
        }
        let before = counter.load(std::sync::atomic::Ordering::Relaxed);
        let tallies = db
            .option_counts(event.id, &event.event.questions)
            .await
            .expect("counts");
        statements.push(counter.load(std::sync::atomic::Ordering::Relaxed) - before);
        assert_eq!(tallies[0].question, "interpretation");
        assert_eq!(
            tallies[0].counts[2],
            (domain::questions::Picked::Option("es".into()), to as u64)
        );
    }
    assert_eq!(
        statements,
        [1, 1],
        "one query, with 2 and with 22 registrations"
    );
    // An event with no question to count asks nothing.
    let before = counter.load(std::sync::atomic::Ordering::Relaxed);
    let questions: Vec<domain::Question> = event
        .event
        .questions
        .iter()
        .filter(|q| q.kind.options().is_empty() && q.kind.name() != "checkbox")
        .cloned()
        .collect();
    assert!(
        db.option_counts(event.id, &questions)
            .await
            .expect("counts")
            .is_empty()
    );
    assert_eq!(counter.load(std::sync::atomic::Ordering::Relaxed), before);
}

#[tokio::test]
async fn the_counts_per_option_add_up_over_many_pages_of_registrations() {
    // More registrations than the dashboard reads at once (persistence's ANSWERS_PAGE, 2,000),
    // written straight into the database as bench/run.sh preloads them: a third answering French
    // and two diets, a third English, a third nothing; every tenth cancelled (not counted).
    const N: u64 = 4_500;
    let app = TestApp::spawn().await;
    let event = app.demo_event().await;
    let ts = if app.database.is_postgres() {
        "TIMESTAMPTZ '2008-06-01 08:00:00+00:00'"
    } else {
        "'2008-06-01T08:00:00+00:00'"
    };
    app.execute(&format!(
        "INSERT INTO registrations (event_id, given_name, family_name, email, email_normalized,
           organisation, function, category, country, language, needs, status, ticket_version,
           created_at, updated_at, answers)
         WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {N})
         SELECT {id}, 'Guest', 'N' || i, 'g' || i || '@many.example', 'g' || i || '@many.example',
           'Bench', NULL, 'media', 'CH', 'fr', NULL,
           CASE WHEN i % 10 = 0 THEN 'cancelled' ELSE 'confirmed' END, 1, {ts}, {ts},
           CASE i % 3 WHEN 0 THEN '{{\"interpretation\":\"fr\",\"diet\":[\"vegetarian\",\"gluten_free\"]}}'
             WHEN 1 THEN '{{\"interpretation\":\"en\"}}' ELSE '{{}}' END
         FROM n",
        id = event.id
    ))
    .await;
    // Expected, counted here: i in 1..=N, cancelled when i % 10 == 0.
    let active = |residue: u64| (1..=N).filter(|i| i % 3 == residue && i % 10 != 0).count() as u64;
    let tallies = app
        .db
        .option_counts(event.id, &event.event.questions)
        .await
        .expect("counts");
    let count = |question: &str, option: &str| {
        tallies
            .iter()
            .find(|t| t.question == question)
            .and_then(|t| {
                t.counts.iter().find(|(picked, _)| {
                    *picked == domain::questions::Picked::Option(option.to_owned())
                })
            })
            .map(|(_, n)| *n)
            .unwrap_or_else(|| panic!("{question}.{option} in {tallies:?}"))
    };
    assert_eq!(count("interpretation", "fr"), active(0));
    assert_eq!(count("interpretation", "en"), active(1));
    assert_eq!(count("interpretation", "es"), 0);
    assert_eq!(count("diet", "vegetarian"), active(0));
    assert_eq!(count("diet", "gluten_free"), active(0));
    assert_eq!(count("diet", "vegan"), 0);
}

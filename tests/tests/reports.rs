//! Attendance reports after registrations and scans on both days: exactly the expected rows, times
//! and totals, in CSV and XLSX; formula-looking names neutralised; only organisers may download.

use calamine::{Data, Reader, Xlsx};
use domain::Role;
use guichet_tests::{DEMO_SLUG, Outbox, TestApp, instant};
use serde_json::json;

struct Scene {
    app: TestApp,
    organiser: String,
    desk: String,
}

async fn scene() -> Scene {
    let app = TestApp::spawn_at(instant("2008-06-15T10:00:00+02:00")).await;
    app.add_staff("org@example.org", Role::Organiser).await;
    app.add_staff("desk@example.org", Role::Desk).await;
    let event = app.demo_event().await;
    let (_, a) = app
        .ticket(
            &event,
            "=HYPERLINK(\"http://x\")",
            "Alisov",
            "nikolai@example.org",
        )
        .await;
    let (_, b) = app
        .ticket(
            &event,
            "Álvaro",
            "Apolo da Luz Pereira",
            "alvaro@example.org",
        )
        .await;
    let (c, _) = app
        .ticket(&event, "Ghenadie", "Crețu", "ghenadie@example.org")
        .await;
    app.ticket(&event, "Dinh", "Phạm Văn", "dinh@example.org")
        .await;
    app.db
        .cancel_registration(c.id, app.now())
        .await
        .expect("cancel");

    app.set_clock(instant("2008-07-07T09:05:00+02:00"));
    let organiser = app.login("org@example.org").await;
    let desk = app.login("desk@example.org").await;
    for ticket in [&a, &b] {
        let (_, answer) = app.scan(&desk, DEMO_SLUG, json!({ "token": ticket })).await;
        assert_eq!(answer["outcome"], "ok");
    }
    app.set_clock(instant("2008-07-08T09:10:00+02:00"));
    let (_, answer) = app.scan(&desk, DEMO_SLUG, json!({ "token": a })).await;
    assert_eq!(answer["outcome"], "ok");
    Scene {
        app,
        organiser,
        desk,
    }
}

async fn download(app: &TestApp, bearer: Option<&str>, path: &str) -> reqwest::Response {
    let mut request = app
        .client
        .get(app.url(path))
        .header("accept-language", "en");
    if let Some(bearer) = bearer {
        request = request.bearer_auth(bearer);
    }
    request.send().await.expect("request")
}

fn parse_csv(bytes: &[u8]) -> Vec<Vec<String>> {
    let text = std::str::from_utf8(bytes).expect("UTF-8");
    let text = text
        .strip_prefix('\u{feff}')
        .expect("a byte-order mark for spreadsheets");
    csv::Reader::from_reader(text.as_bytes())
        .records()
        .map(|r| r.expect("a CSV record").iter().map(str::to_owned).collect())
        .collect()
}

#[tokio::test]
async fn the_csv_report_has_one_row_per_registration_with_each_days_first_check_in() {
    let Scene { app, organiser, .. } = scene().await;
    let path = format!("/api/v1/events/{DEMO_SLUG}/reports/attendance.csv");
    let response = download(&app, Some(&organiser), &path).await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["content-type"],
        "text/csv; charset=utf-8"
    );
    let bytes = response.bytes().await.expect("body");
    let text = std::str::from_utf8(&bytes).expect("UTF-8");
    let header = text.lines().next().expect("a header");
    assert_eq!(
        header.trim_start_matches('\u{feff}'),
        "Given name,Family name,Email,Organisation,Function,Category,Country,Status,Registered at,\
         Monday 7 July 2008: first check-in,Monday 7 July 2008: desk,\
         Tuesday 8 July 2008: first check-in,Tuesday 8 July 2008: desk,\
         Interpretation wanted,Dietary requirements (lunches and breaks)"
    );
    let rows = parse_csv(&bytes);
    assert_eq!(rows.len(), 4);
    // The name that looks like a formula is neutralised.
    assert_eq!(rows[0][0], "'=HYPERLINK(\"http://x\")");
    assert_eq!(rows[0][1], "Alisov");
    assert_eq!(rows[0][5], "Member State");
    assert_eq!(rows[0][6], "Switzerland");
    assert_eq!(rows[0][7], "Confirmed");
    assert_eq!(
        &rows[0][9..13],
        [
            "2008-07-07T09:05:00+02:00",
            "desk@example.org",
            "2008-07-08T09:10:00+02:00",
            "desk@example.org"
        ]
    );
    // The demo's two questions, unanswered here (see tests/tests/questions.rs for answers).
    assert_eq!(&rows[0][13..], ["", ""]);
    // Accents and non-Latin letters intact.
    assert_eq!(rows[1][0], "Álvaro");
    assert_eq!(
        &rows[1][9..13],
        ["2008-07-07T09:05:00+02:00", "desk@example.org", "", ""]
    );
    assert_eq!(rows[2][1], "Crețu");
    assert_eq!(rows[2][7], "Cancelled");
    assert_eq!(rows[3][1], "Phạm Văn");
    assert_eq!(&rows[3][9..13], ["", "", "", ""]);
    assert!(rows[3][8].starts_with("2008-06-15T10:00"), "{}", rows[3][8]);

    // Filters, as in the list.
    let present = parse_csv(
        &download(
            &app,
            Some(&organiser),
            &format!("{path}?present_on=2008-07-08"),
        )
        .await
        .bytes()
        .await
        .expect("body"),
    );
    assert_eq!(present.len(), 1);
    assert_eq!(present[0][1], "Alisov");
    let absent = parse_csv(
        &download(
            &app,
            Some(&organiser),
            &format!("{path}?absent_on=2008-07-07&status=confirmed"),
        )
        .await
        .bytes()
        .await
        .expect("body"),
    );
    assert_eq!(
        absent.iter().map(|r| r[1].as_str()).collect::<Vec<_>>(),
        ["Phạm Văn"]
    );
    assert_eq!(
        download(&app, Some(&organiser), &format!("{path}?status=lost"))
            .await
            .status(),
        422
    );
    // All the emails this test queued: no worker ran to send them.
    app.assert_outbox(Outbox::pending(5)).await;
}

#[tokio::test]
async fn the_xlsx_report_has_real_date_times_and_a_summary() {
    let Scene { app, organiser, .. } = scene().await;
    let response = download(
        &app,
        Some(&organiser),
        &format!("/api/v1/events/{DEMO_SLUG}/reports/attendance.xlsx"),
    )
    .await;
    assert_eq!(response.status(), 200);
    let bytes = response.bytes().await.expect("body").to_vec();
    let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).expect("an XLSX workbook");
    // Attendance by session (issue 16) is the third sheet: tests/tests/sessions.rs reads it.
    assert_eq!(book.sheet_names(), ["Participants", "Summary", "Sessions"]);

    let participants = book.worksheet_range("Participants").expect("the sheet");
    let rows: Vec<&[Data]> = participants.rows().collect();
    assert_eq!(rows.len(), 5, "a header and four registrations");
    assert_eq!(rows[1][0], Data::String("'=HYPERLINK(\"http://x\")".into()));
    let when = |cell: &Data| match cell {
        Data::DateTime(dt) => dt.as_datetime().map(|d| d.to_string()),
        other => panic!("a date-time cell expected, got {other:?}"),
    };
    assert_eq!(when(&rows[1][9]).as_deref(), Some("2008-07-07 09:05:00"));
    assert_eq!(rows[1][10], Data::String("desk@example.org".into()));
    assert_eq!(when(&rows[1][11]).as_deref(), Some("2008-07-08 09:10:00"));
    assert_eq!(rows[2][11], Data::Empty);

    let summary = book.worksheet_range("Summary").expect("the sheet");
    let cells: Vec<Vec<String>> = summary
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect();
    // Per day: present and no-shows (confirmed but absent).
    assert_eq!(cells[1][1..3], ["2", "1"]);
    assert_eq!(cells[2][1..3], ["1", "2"]);
    // The totals row: registered, confirmed, waitlisted, cancelled, present each day.
    let total = cells
        .iter()
        .find(|r| r[0] == "Total")
        .expect("a totals row");
    assert_eq!(total[1..7], ["4", "3", "0", "1", "2", "1"]);
    let member_states = cells
        .iter()
        .find(|r| r[0] == "Member State")
        .expect("a category row");
    assert_eq!(member_states[1], "4");
    // All the emails this test queued: no worker ran to send them.
    app.assert_outbox(Outbox::pending(5)).await;
}

#[tokio::test]
async fn desk_staff_and_anonymous_clients_are_refused() {
    let Scene { app, desk, .. } = scene().await;
    for ext in ["csv", "xlsx"] {
        let path = format!("/api/v1/events/{DEMO_SLUG}/reports/attendance.{ext}");
        assert_eq!(
            download(&app, Some(&desk), &path).await.status(),
            403,
            "{ext}"
        );
        assert_eq!(download(&app, None, &path).await.status(), 401, "{ext}");
    }
    // All the emails this test queued: no worker ran to send them.
    app.assert_outbox(Outbox::pending(5)).await;
}

#[tokio::test]
async fn the_dashboard_is_for_organisers_only() {
    let Scene {
        app,
        desk,
        organiser,
    } = scene().await;
    let path = format!("/organiser/{DEMO_SLUG}");
    let anonymous = app.get(&path).await;
    assert_eq!(anonymous.status(), 303);
    assert_eq!(
        anonymous.headers()["location"],
        format!("/login?next={path}").as_str()
    );
    assert_eq!(
        download(&app, Some(&desk), &format!("{path}/live"))
            .await
            .status(),
        403
    );
    // The organiser's live stream starts with the figures.
    let mut live = download(&app, Some(&organiser), &format!("{path}/live")).await;
    assert_eq!(live.status(), 200);
    assert_eq!(live.headers()["content-type"], "text/event-stream");
    let mut received = String::new();
    while !received.contains("checked-in-2") {
        let chunk = live.chunk().await.expect("the stream").expect("a chunk");
        received.push_str(&String::from_utf8_lossy(&chunk));
    }
    assert!(received.starts_with("event: stats"), "{received}");
    assert!(
        received.contains("id=\"checked-in-1\">2<"),
        "two arrivals on day one"
    );
    assert!(
        received.contains("id=\"checked-in-2\">1<"),
        "one on day two"
    );
    // All the emails this test queued: no worker ran to send them.
    app.assert_outbox(Outbox::pending(5)).await;
}

/// The reports are read a page of 1,000 registrations at a time, the next page while this one is
/// written out: an event of several pages comes out with every registration once, in order.
#[tokio::test]
async fn reports_longer_than_a_page_have_every_registration_once_in_order() {
    const COUNT: usize = 2_345;
    let app = TestApp::spawn_at(instant("2008-06-15T10:00:00+02:00")).await;
    app.add_staff("org@example.org", Role::Organiser).await;
    let event = app.add_event("grande-salle", 5_000).await;
    app.grant("org@example.org", "grande-salle", Role::Organiser)
        .await;
    let app = std::sync::Arc::new(app);
    // At once, so that they are written in groups and the test stays quick.
    let registering: Vec<_> = (0..COUNT)
        .map(|i| {
            let app = app.clone();
            let event = event.clone();
            tokio::spawn(async move {
                let email = format!("p{i:04}@example.org");
                let (registration, _) = app
                    .ticket(&event, "Personne", &format!("N{i:04}"), &email)
                    .await;
                (registration.id, email)
            })
        })
        .collect();
    let mut registered = Vec::with_capacity(COUNT);
    for task in registering {
        registered.push(task.await.expect("registered"));
    }
    registered.sort_unstable();
    let in_id_order: Vec<&str> = registered.iter().map(|(_, e)| e.as_str()).collect();

    let organiser = app.login("org@example.org").await;
    let csv = download(
        &app,
        Some(&organiser),
        "/api/v1/events/grande-salle/reports/attendance.csv",
    )
    .await;
    assert_eq!(csv.status(), 200);
    let rows = parse_csv(&csv.bytes().await.expect("body"));
    let emails: Vec<&str> = rows.iter().map(|r| r[2].as_str()).collect();
    assert_eq!(emails, in_id_order, "CSV: each registration once, in order");

    let xlsx = download(
        &app,
        Some(&organiser),
        "/api/v1/events/grande-salle/reports/attendance.xlsx",
    )
    .await;
    assert_eq!(xlsx.status(), 200);
    let bytes = xlsx.bytes().await.expect("body").to_vec();
    let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).expect("an XLSX workbook");
    let participants = book.worksheet_range("Participants").expect("the sheet");
    let emails: Vec<String> = participants
        .rows()
        .skip(1)
        .map(|r| r[2].to_string())
        .collect();
    assert_eq!(
        emails, in_id_order,
        "XLSX: each registration once, in order"
    );
    // All the emails this test queued: no worker ran to send them.
    app.assert_outbox(Outbox::pending(2345)).await;
}

/// SQLite has no statistics to choose an index by: without an index on (event, id) it read every
/// registration of the event and sorted them, for each page of a report. PostgreSQL chooses by
/// its statistics, so the plan is checked on SQLite only.
#[tokio::test]
async fn on_sqlite_a_report_page_is_read_in_id_order_through_an_index() {
    use sea_orm::{ConnectionTrait, DbBackend, Statement};
    let app = TestApp::spawn().await;
    if app.database.url.starts_with("postgres") {
        return;
    }
    let db = sea_orm::Database::connect(app.database.url.as_str())
        .await
        .expect("connect");
    let plan = db
        .query_all_raw(Statement::from_string(
            DbBackend::Sqlite,
            "EXPLAIN QUERY PLAN SELECT * FROM registrations WHERE event_id = 1 AND id > 5 \
             ORDER BY id LIMIT 1000",
        ))
        .await
        .expect("a plan");
    let steps: Vec<String> = plan
        .iter()
        .map(|row| row.try_get::<String>("", "detail").expect("detail"))
        .collect();
    assert_eq!(
        steps,
        ["SEARCH registrations USING INDEX ix_registrations_event_id (event_id=? AND id>?)"]
    );
    app.assert_outbox(Outbox::SETTLED).await;
}

//! Attendance by the agenda (issue 16): the doors of the demo's sessions, opening and closing,
//! scanned through the desk's API with `item` (the agenda's `id`) and `direction`: every outcome
//! (early, open, closed, another day's item, a repeat, two doors at once), the day's attendance
//! recorded by a session's `ok`, minutes with and without a way out, and the reports by session
//! (CSV, the XLSX "Sessions" sheet, the dashboard). On the test database (PostgreSQL in CI's
//! second pass).

use domain::Role;
use guichet_tests::{DEMO_SLUG, TestApp, instant};
use serde_json::{Value, json};

/// The demo's doors: Session I on day one (11:00–13:00) and a day-two session.
const SESSION_ONE: &str = "2008-07-07T11:00";
const SESSION_TWO: &str = "2008-07-07T15:00";
const DAY_TWO: &str = "2008-07-08T10:00";

async fn door(app: &TestApp, bearer: &str, token: &str, item: &str, direction: &str) -> Value {
    let (status, answer) = app
        .scan(
            bearer,
            DEMO_SLUG,
            json!({ "token": token, "item": item, "direction": direction }),
        )
        .await;
    assert_eq!(status, 200, "{answer}");
    answer
}

#[tokio::test]
async fn the_agenda_names_its_doors_and_a_door_judges_like_the_entrance() {
    let app = TestApp::spawn_at(instant("2008-07-07T10:40:00+02:00")).await;
    app.add_staff("door@example.org", Role::Desk).await;
    let desk = app.login("door@example.org").await;
    let event = app.demo_event().await;
    let (awa, ticket) = app.ticket(&event, "Awa", "Ndiaye", "awa@example.org").await;

    // The agenda gives each item its id and whether its door is scanned.
    let agenda: Value = app
        .get(&format!("/api/v1/events/{DEMO_SLUG}/agenda"))
        .await
        .json()
        .await
        .expect("JSON");
    let items = agenda["days"][0]["items"].as_array().expect("items");
    let ids: Vec<&str> = items.iter().filter_map(|i| i["id"].as_str()).collect();
    assert!(
        ids.contains(&SESSION_ONE) && ids.contains(&SESSION_TWO),
        "{ids:?}"
    );
    let registration = items
        .iter()
        .find(|i| i["kind"] == "registration")
        .expect("one");
    assert_eq!(registration["attendance"], false);
    let opening = items.iter().find(|i| i["kind"] == "opening").expect("one");
    assert_eq!(opening["attendance"], true);

    // 10:40: Session I's door opens at 10:45.
    let early = door(&app, &desk, &ticket, SESSION_ONE, "in").await;
    assert_eq!(early["outcome"], "too_early");
    assert_eq!(early["opens_at"], "2008-07-07T10:45:00+02:00");
    // 10:50: in; the day's attendance is recorded with it.
    app.set_clock(instant("2008-07-07T10:50:00+02:00"));
    let ok = door(&app, &desk, &ticket, SESSION_ONE, "in").await;
    assert_eq!(ok["outcome"], "ok", "{ok}");
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) AS n FROM checkins WHERE registration_id = {}",
            awa.id
        ))
        .await,
        1,
        "the day's attendance"
    );
    // The entrance then says she is in already.
    let (_, entrance) = app.scan(&desk, DEMO_SLUG, json!({ "token": ticket })).await;
    assert_eq!(entrance["outcome"], "already_checked_in");
    // In again: the first way in stands.
    let again = door(&app, &desk, &ticket, SESSION_ONE, "in").await;
    assert_eq!(again["outcome"], "already_checked_in");
    assert_eq!(again["checked_in_at"], "2008-07-07T10:50:00+02:00");
    // Another day's item, an item that is not a door, an item that does not exist.
    for item in [DAY_TWO, "2008-07-07T09:00", "2008-07-07T03:00"] {
        let answer = door(&app, &desk, &ticket, item, "in").await;
        assert_eq!(answer["outcome"], "unknown", "{item}: {answer}");
    }
    // A key that cannot be one, a direction that is neither: 422 naming the field.
    for (item, direction, field) in [
        ("Session I", "in", "item"),
        (SESSION_ONE, "sideways", "direction"),
    ] {
        let (status, answer) = app
            .scan(
                &desk,
                DEMO_SLUG,
                json!({ "token": ticket, "item": item, "direction": direction }),
            )
            .await;
        assert_eq!(status, 422, "{answer}");
        assert!(answer["errors"][field].is_string(), "{answer}");
    }
    // 13:00: Session I's door is closed.
    app.set_clock(instant("2008-07-07T13:00:00+02:00"));
    let closed = door(&app, &desk, &ticket, SESSION_ONE, "out").await;
    assert_eq!(closed["outcome"], "closed");
    // A cancelled ticket is cancelled at any door.
    let (bruno, bruno_ticket) = app
        .ticket(&event, "Bruno", "Costa", "bruno@example.org")
        .await;
    app.db
        .cancel_registration(bruno.id, app.now())
        .await
        .expect("cancelled");
    app.set_clock(instant("2008-07-07T15:00:00+02:00"));
    let cancelled = door(&app, &desk, &bruno_ticket, SESSION_TWO, "in").await;
    assert_eq!(cancelled["outcome"], "cancelled");
    // Every door scan read is logged, with its door (the two refused with 422 are not scans).
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM scan_log WHERE item IS NOT NULL")
            .await,
        8
    );
}

#[tokio::test]
async fn two_doors_scanning_one_ticket_for_one_item_at_once_give_one_ok() {
    let app = TestApp::spawn_at(instant("2008-07-07T14:50:00+02:00")).await;
    app.add_staff("door1@example.org", Role::Desk).await;
    app.add_staff("door2@example.org", Role::Desk).await;
    let doors = [
        app.login("door1@example.org").await,
        app.login("door2@example.org").await,
    ];
    let event = app.demo_event().await;
    let (awa, ticket) = app.ticket(&event, "Awa", "Ndiaye", "awa@example.org").await;
    let scans = (0..12).map(|n| door(&app, &doors[n % 2], &ticket, SESSION_TWO, "in"));
    let answers = futures_util::future::join_all(scans).await;
    let ok = answers.iter().filter(|a| a["outcome"] == "ok").count();
    let repeats = answers
        .iter()
        .filter(|a| a["outcome"] == "already_checked_in")
        .count();
    assert_eq!((ok, repeats), (1, 11), "{answers:?}");
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) AS n FROM session_checkins WHERE registration_id = {}",
            awa.id
        ))
        .await,
        1
    );
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM checkins").await,
        1,
        "one day's attendance"
    );
}

#[tokio::test]
async fn minutes_run_from_in_to_out_or_to_the_end_and_the_reports_show_them() {
    let app = TestApp::spawn_at(instant("2008-07-07T11:10:00+02:00")).await;
    app.add_staff("door@example.org", Role::Desk).await;
    app.add_staff("org@example.org", Role::Organiser).await;
    let desk = app.login("door@example.org").await;
    let organiser = app.login("org@example.org").await;
    let event = app.demo_event().await;
    let (_, awa) = app.ticket(&event, "Awa", "Ndiaye", "awa@example.org").await;
    let (_, chen) = app.ticket(&event, "Chen", "Wei", "chen@example.org").await;
    app.ticket(&event, "Dara", "Absent", "dara@example.org")
        .await;
    // Awa: in at 11:10, out at 12:30: 80 minutes. Chen: in at 11:10, never out: 110 minutes.
    assert_eq!(
        door(&app, &desk, &awa, SESSION_ONE, "in").await["outcome"],
        "ok"
    );
    assert_eq!(
        door(&app, &desk, &chen, SESSION_ONE, "in").await["outcome"],
        "ok"
    );
    app.set_clock(instant("2008-07-07T12:30:00+02:00"));
    assert_eq!(
        door(&app, &desk, &awa, SESSION_ONE, "out").await["outcome"],
        "ok"
    );
    // Chen at Session II too, out only (the door did not scan him in): from its start.
    app.set_clock(instant("2008-07-07T16:00:00+02:00"));
    assert_eq!(
        door(&app, &desk, &chen, SESSION_TWO, "out").await["outcome"],
        "ok"
    );

    let csv = app
        .client
        .get(app.url(&format!("/api/v1/events/{DEMO_SLUG}/reports/sessions.csv")))
        .bearer_auth(&organiser)
        .header("accept-language", "en")
        .send()
        .await
        .expect("request");
    assert_eq!(csv.status(), 200);
    let text = csv.text().await.expect("CSV");
    let mut reader = csv::Reader::from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let header: Vec<String> = reader
        .headers()
        .expect("a header")
        .iter()
        .map(str::to_owned)
        .collect();
    assert_eq!(
        header,
        [
            "Given name",
            "Family name",
            "Email",
            "Organisation",
            "Session",
            "Day",
            "In",
            "Out",
            "Minutes"
        ]
    );
    let rows: Vec<Vec<String>> = reader
        .records()
        .map(|r| r.expect("a row").iter().map(str::to_owned).collect())
        .collect();
    let row = |given: &str, day_item: &str| {
        rows.iter()
            .find(|r| r[0] == given && r[4].starts_with(day_item))
            .cloned()
            .unwrap_or_else(|| panic!("{given} at {day_item}: {rows:?}"))
    };
    assert_eq!(rows.len(), 3, "{rows:?}");
    let awa_one = row("Awa", "Session I ");
    assert_eq!(awa_one[5], "2008-07-07");
    assert_eq!(awa_one[6], "2008-07-07T11:10:00+02:00");
    assert_eq!(awa_one[7], "2008-07-07T12:30:00+02:00");
    assert_eq!(awa_one[8], "80");
    assert_eq!(row("Chen", "Session I ")[8], "110");
    let chen_two = row("Chen", "Session II");
    assert_eq!((chen_two[6].as_str(), chen_two[8].as_str()), ("", "60"));
    // Desk staff may not read it.
    let refused = app
        .client
        .get(app.url(&format!("/api/v1/events/{DEMO_SLUG}/reports/sessions.csv")))
        .bearer_auth(&desk)
        .send()
        .await
        .expect("request");
    assert_eq!(refused.status(), 403);

    // The XLSX report's Sessions sheet: a column per door, minutes in each cell, the counts.
    let xlsx = app
        .client
        .get(app.url(&format!(
            "/api/v1/events/{DEMO_SLUG}/reports/attendance.xlsx"
        )))
        .bearer_auth(&organiser)
        .header("accept-language", "en")
        .send()
        .await
        .expect("request")
        .bytes()
        .await
        .expect("bytes");
    use calamine::Reader;
    let mut book: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(xlsx.to_vec())).expect("XLSX");
    let sheet = book.worksheet_range("Sessions").expect("a Sessions sheet");
    let cells: Vec<Vec<String>> = sheet
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect();
    let columns = &cells[0];
    let one = columns
        .iter()
        .position(|c| c.starts_with("2008-07-07 — Session I "))
        .expect("Session I's column");
    let two = columns
        .iter()
        .position(|c| c.starts_with("2008-07-07 — Session II"))
        .expect("Session II's column");
    let awa_line = cells.iter().find(|r| r[0] == "Awa").expect("Awa's line");
    assert_eq!(awa_line[one], "80");
    assert_eq!(awa_line[two], "");
    let chen_line = cells.iter().find(|r| r[0] == "Chen").expect("Chen's line");
    assert_eq!(
        (chen_line[one].as_str(), chen_line[two].as_str()),
        ("110", "60")
    );
    assert!(
        !cells.iter().any(|r| r[0] == "Dara"),
        "nobody who attended nothing"
    );
    let total = cells.last().expect("the totals");
    assert_eq!(total[0], "Present");
    assert_eq!((total[one].as_str(), total[two].as_str()), ("2", "1"));

    // The dashboard: each door's count, with a bar.
    let (cookie, _) = app
        .browser_session("org@example.org", &format!("/organiser/{DEMO_SLUG}"))
        .await;
    let dashboard = app
        .get_with_cookie(&format!("/organiser/{DEMO_SLUG}"), &cookie)
        .await
        .text()
        .await
        .expect("page");
    let line = dashboard
        .split(&format!("id=\"item-{SESSION_ONE}\""))
        .nth(1)
        .and_then(|rest| rest.split("</tr>").next())
        .expect("Session I's line");
    assert!(line.contains("2 present"), "{line}");
    assert!(
        line.contains("<meter min=\"0\" max=\"3\" value=\"2\""),
        "{line}"
    );
}

#[tokio::test]
async fn a_certificates_link_confirms_what_was_attended_after_the_event_and_nothing_forged() {
    let app = TestApp::spawn_at(instant("2008-07-07T11:10:00+02:00")).await;
    app.add_staff("door@example.org", Role::Desk).await;
    let desk = app.login("door@example.org").await;
    let event = app.demo_event().await;
    let (awa, awa_ticket) = app.ticket(&event, "Awa", "Ndiaye", "awa@example.org").await;
    let (absent, _) = app
        .ticket(&event, "Dara", "Absent", "dara@example.org")
        .await;
    assert_eq!(
        door(&app, &desk, &awa_ticket, SESSION_ONE, "in").await["outcome"],
        "ok"
    );
    let code = app.key.certificate(event.id, awa.id).to_string();
    let page = |code: String| {
        let app = &app;
        async move { app.get(&format!("/v/{code}")).await }
    };
    // Before the event's end there is no certificate yet.
    assert_eq!(page(code.clone()).await.status(), 404);
    app.set_clock(instant("2008-07-08T19:00:00+02:00"));
    let response = page(code.clone()).await;
    assert_eq!(response.status(), 200);
    let html = response.text().await.expect("page");
    assert!(html.contains("This certificate is genuine"), "{html}");
    assert!(html.contains("Awa Ndiaye"));
    assert!(html.contains("Monday 7 July 2008"), "the day attended");
    assert!(html.contains("Session I"), "the session attended");
    assert!(html.contains("110 minutes"), "{html}");
    // A forged code, another registration's claim, one who never came: 404.
    let mut forged: Vec<char> = code.chars().collect();
    let last = forged.len() - 1;
    forged[last] = if forged[last] == 'a' { 'b' } else { 'a' };
    assert_eq!(page(forged.into_iter().collect()).await.status(), 404);
    assert_eq!(page("not-a-code".into()).await.status(), 404);
    let never = app.key.certificate(event.id, absent.id).to_string();
    assert_eq!(page(never).await.status(), 404);
    let other_event = app.key.certificate(event.id + 1, awa.id).to_string();
    assert_eq!(page(other_event).await.status(), 404);
}

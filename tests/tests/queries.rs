//! The reads that pages poll (the live dashboard every second, the desk's recent scans and search)
//! take a fixed number of queries however many rows they show: counted with 2 failed emails and
//! 2 check-ins, then with 22 of each.

use chrono::{NaiveDate, TimeDelta};
use domain::Role;
use guichet_tests::{DEMO_SLUG, Outbox, TestApp, instant};
use persistence::Database;
use serde_json::json;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

/// The demo's first day.
fn first_day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2008, 7, 7).expect("date")
}

/// Registers `count` more people, checks each in at the desk and lets each confirmation email
/// fail for good.
async fn arrivals(app: &TestApp, desk: &str, from: usize, count: usize) {
    let event = app.demo_event().await;
    for i in from..from + count {
        let (_, ticket) = app
            .ticket(
                &event,
                "Awa",
                &format!("Ndiaye{i}"),
                &format!("awa{i}@example.org"),
            )
            .await;
        let (status, answer) = app.scan(desk, DEMO_SLUG, json!({ "token": ticket })).await;
        assert_eq!(
            (status, &answer["outcome"]),
            (200, &json!("ok")),
            "{answer}"
        );
    }
    let jobs = app
        .db
        .claim_due_emails(app.now(), 1000, TimeDelta::minutes(5))
        .await
        .expect("claimed");
    assert_eq!(jobs.len(), count);
    for job in jobs {
        app.db
            .mark_email_failed(job.id, "550 mailbox unavailable", None)
            .await
            .expect("marked");
    }
}

/// The statements each polled read takes, checking that each shows all `expected` rows.
async fn statements(
    db: &Database,
    counter: &AtomicUsize,
    event_id: i32,
    expected: usize,
) -> Vec<usize> {
    let mut counts = Vec::new();

    let before = counter.load(Ordering::Relaxed);
    let figures = db.dashboard(event_id).await.expect("dashboard");
    counts.push(counter.load(Ordering::Relaxed) - before);
    assert_eq!(figures.failed_emails.len(), expected);
    assert_eq!(figures.emails.failed, expected as u64);
    assert_eq!(figures.counts.confirmed, expected as u64);
    assert_eq!(figures.arrivals[&first_day()].len(), expected);

    let before = counter.load(Ordering::Relaxed);
    let scans = db.recent_scans(event_id, 100).await.expect("scans");
    counts.push(counter.load(Ordering::Relaxed) - before);
    assert_eq!(scans.len(), expected);
    assert!(
        scans.iter().all(|s| s.by == "desk1@example.org"
            && s.name
                .as_deref()
                .is_some_and(|n| n.starts_with("Awa Ndiaye"))),
        "{scans:?}"
    );

    let before = counter.load(Ordering::Relaxed);
    let found = db
        .search_registrations(event_id, "ndiaye", Some(first_day()), 100)
        .await
        .expect("search");
    counts.push(counter.load(Ordering::Relaxed) - before);
    assert_eq!(found.len(), expected);
    assert!(found.iter().all(|f| f.checked_in_at.is_some()), "{found:?}");

    counts
}

#[tokio::test]
async fn polled_reads_take_the_same_number_of_queries_for_2_rows_as_for_22() {
    let app = TestApp::spawn_at(instant("2008-07-07T09:30:00+02:00")).await;
    app.add_staff("desk1@example.org", Role::Desk).await;
    let desk = app.login("desk1@example.org").await;
    let event_id = app.demo_event().await.id;
    let mut db = app.database.connect().await;
    let counter: Arc<AtomicUsize> = db.count_statements();

    arrivals(&app, &desk, 0, 2).await;
    let with_2 = statements(&db, &counter, event_id, 2).await;
    assert!(
        with_2.iter().all(|&n| n > 0),
        "the counter counts: {with_2:?}"
    );

    arrivals(&app, &desk, 2, 20).await;
    let with_22 = statements(&db, &counter, event_id, 22).await;
    assert_eq!(
        with_2, with_22,
        "statements of [dashboard, recent scans, search] with 2 rows, then with 22"
    );
    // Every ticket was made to fail, on purpose.
    app.assert_outbox(Outbox {
        pending: 0,
        failed: 22,
    })
    .await;
}

/// A ticket's re-sends are counted through the partial index that holds re-sends alone
/// (migration 9), not through an index on every outbox row, which each new registration's
/// confirmation would pay for at the 09:00 rush.
#[tokio::test]
async fn the_resend_count_reads_the_index_of_resends_alone() {
    let app = TestApp::spawn().await;
    let plan = app.db.explain_resend_count().await.expect("a plan");
    assert!(
        plan.contains("ix_outbox_participant_resends"),
        "the plan does not use the re-sends' index:\n{plan}"
    );
    // No other index on the outbox mentions registrations: a new email writes only what the
    // worker needs.
    let indexes = if app.database.is_postgres() {
        app.count(
            "SELECT COUNT(*) AS n FROM pg_indexes WHERE tablename = 'outbox' \
             AND indexdef LIKE '%registration_id%' AND indexdef NOT LIKE '%participant_resend%'",
        )
        .await
    } else {
        app.count(
            "SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'index' AND tbl_name = 'outbox' \
             AND sql LIKE '%registration_id%' AND sql NOT LIKE '%participant_resend%'",
        )
        .await
    };
    assert_eq!(indexes, 0);
}

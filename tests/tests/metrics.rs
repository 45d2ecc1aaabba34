//! `/metrics` as Prometheus scrapes it: on its own listener only, in the text format (read back
//! with a parser of that format), and moving with what happens — a check-in, a registration, a
//! failed sign-in, a refused registration, the outbox's queue.

use domain::Role;
use guichet_tests::{DEMO_SLUG, Options, TestApp, demo_morning, instant, participant};
use prometheus_parse::{Scrape, Value};
use serde_json::json;

/// One scrape, parsed.
async fn scrape(app: &TestApp) -> Scrape {
    let response = app
        .client
        .get(format!("http://{}/metrics", app.metrics_addr))
        .send()
        .await
        .expect("scrape");
    assert_eq!(response.status(), 200);
    let content_type = response.headers()["content-type"]
        .to_str()
        .expect("text")
        .to_owned();
    assert!(
        content_type.starts_with("text/plain; version=0.0.4"),
        "{content_type}"
    );
    let text = response.text().await.expect("body");
    Scrape::parse(text.lines().map(|line| Ok(line.to_owned()))).expect("the Prometheus text format")
}

/// The value of the sample `metric` whose labels include `labels`; 0 when there is none yet (a
/// counter that never moved has no series).
fn value(scrape: &Scrape, metric: &str, labels: &[(&str, &str)]) -> f64 {
    scrape
        .samples
        .iter()
        .filter(|s| s.metric == metric)
        .find(|s| labels.iter().all(|(k, v)| s.labels.get(k) == Some(v)))
        .map_or(0.0, |s| match &s.value {
            Value::Counter(v) | Value::Gauge(v) | Value::Untyped(v) => *v,
            Value::Histogram(buckets) => buckets.last().map_or(0.0, |b| b.count),
            Value::Summary(_) => f64::NAN,
        })
}

#[tokio::test]
async fn metrics_move_with_checkins_registrations_failed_logins_limits_and_the_outbox() {
    // The desk is open at 09:30; two registrations a minute from one address, for the limit.
    let app = TestApp::spawn_with(Options {
        now: instant("2008-07-07T09:30:00+02:00"),
        smtp_port: guichet_tests::MailServer::start().port,
        worker: false,
        limits: guichet::Limits {
            registrations_per_minute: 2,
            ..guichet::Limits::default()
        },
    })
    .await;
    let before = scrape(&app).await;
    assert_eq!(
        value(&before, "guichet_checkins_total", &[("outcome", "ok")]),
        0.0
    );
    // Read from the database: what the outbox holds now.
    assert_eq!(
        value(&before, "guichet_outbox_messages", &[("state", "pending")]),
        0.0
    );
    assert!(
        value(&before, "guichet_db_pool_connections", &[("state", "idle")])
            + value(
                &before,
                "guichet_db_pool_connections",
                &[("state", "in_use")]
            )
            >= 1.0,
        "the pool has connections"
    );

    // One check-in, then the same ticket again.
    app.add_staff("desk@example.org", Role::Desk).await;
    let desk = app.login("desk@example.org").await;
    let event = app.demo_event().await;
    let (_, ticket) = app
        .ticket(&event, "Michel", "Sho-Sawyer", "michel@example.org")
        .await;
    for _ in 0..2 {
        let (status, _) = app.scan(&desk, DEMO_SLUG, json!({ "token": ticket })).await;
        assert_eq!(status, 200);
    }
    // A registration through the API, then two more from the same address: the third is refused.
    for (i, email) in ["ada@example.org", "grace@example.org", "alan@example.org"]
        .iter()
        .enumerate()
    {
        let response = app
            .register_json(DEMO_SLUG, &participant("Some", "One", email))
            .await;
        assert_eq!(response.status(), if i < 2 { 202 } else { 429 }, "{email}");
    }
    // A wrong password.
    let refused = app
        .client
        .post(app.url("/api/v1/auth/login"))
        .json(&json!({ "email": "desk@example.org", "password": "not the password at all" }))
        .send()
        .await
        .expect("request");
    assert_eq!(refused.status(), 401);

    let after = scrape(&app).await;
    assert_eq!(
        value(&after, "guichet_checkins_total", &[("outcome", "ok")]),
        1.0
    );
    assert_eq!(
        value(
            &after,
            "guichet_checkins_total",
            &[("outcome", "already_checked_in")]
        ),
        1.0
    );
    let checkins_route = [
        ("route", "/api/v1/events/:slug/checkins"),
        ("status", "200"),
    ];
    assert_eq!(
        value(&after, "guichet_http_requests_total", &checkins_route),
        2.0,
        "{:?}",
        after
            .samples
            .iter()
            .filter(|s| s.metric == "guichet_http_requests_total")
            .collect::<Vec<_>>()
    );
    assert_eq!(
        value(
            &after,
            "guichet_http_request_duration_seconds",
            &[("route", "/api/v1/events/:slug/checkins")]
        ),
        2.0,
        "the histogram's +Inf bucket counts both scans"
    );
    assert_eq!(
        value(
            &after,
            "guichet_registrations_total",
            &[("status", "confirmed")]
        ),
        2.0
    );
    assert_eq!(
        value(
            &after,
            "guichet_rate_limited_total",
            &[("limit", "registrations")]
        ),
        1.0
    );
    assert_eq!(
        value(
            &after,
            "guichet_http_requests_total",
            &[
                ("route", "/api/v1/events/:slug/registrations"),
                ("status", "429")
            ]
        ),
        1.0
    );
    assert_eq!(value(&after, "guichet_login_failures_total", &[]), 1.0);
    // Michel's ticket (registered directly) and the two registrations' emails wait: no worker.
    let pending = app
        .count("SELECT COUNT(*) AS n FROM outbox WHERE status = 'pending'")
        .await;
    assert_eq!(pending, 3);
    assert_eq!(
        value(&after, "guichet_outbox_messages", &[("state", "pending")]),
        3.0
    );
    assert_eq!(
        value(&after, "guichet_outbox_messages", &[("state", "failed")]),
        0.0
    );
    // Paths are templates: no ticket token, no slug of an event in any label.
    for sample in &after.samples {
        if let Some(route) = sample.labels.get("route") {
            assert!(!route.contains(&ticket), "{route}");
            assert!(!route.contains(DEMO_SLUG), "{route}");
        }
    }
}

#[tokio::test]
async fn metrics_are_not_served_on_the_public_address() {
    let app = TestApp::spawn_at(demo_morning()).await;
    let public = app.get("/metrics").await;
    assert_eq!(public.status(), 404);
    assert_ne!(app.metrics_addr.port(), app.addr.port());
    // And the metrics listener serves nothing else.
    let other = app
        .client
        .get(format!("http://{}/events/{DEMO_SLUG}", app.metrics_addr))
        .send()
        .await
        .expect("request");
    assert_eq!(other.status(), 404);
}

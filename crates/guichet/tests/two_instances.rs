//! Two `guichet serve` processes on one database, as behind a load balancer: scans sent to both at
//! once give one `ok` each; registrations across both never exceed the seats; both outbox workers
//! together deliver every message exactly once; a login on one is valid on the other.
//! Runs on the test database (PostgreSQL in CI's second pass; SQLite — one file, two processes —
//! otherwise).

use domain::{Status, TicketKey};
use guichet_tests::{MailServer, TestDatabase, participant, process};
use serde_json::{Value, json};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const SECRET: &str = "two instances share this ticket secret key!";
const DEMO: &str = include_str!("../../../demo/idm-2008-migration-de-retour.toml");

struct Instance {
    child: Child,
    url: String,
    // Held open: guichet writes to it.
    _stdout: std::io::BufReader<std::process::ChildStdout>,
}

impl Instance {
    /// Stops it as an operator would (SIGTERM): the requests in flight are answered and its
    /// worker finishes the message in hand before it exits.
    fn stop(mut self) {
        let term = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .expect("kill");
        assert!(term.success(), "SIGTERM sent");
        let status = self.child.wait().expect("guichet exits");
        assert!(status.success(), "guichet stopped cleanly: {status}");
    }
}

impl Drop for Instance {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn env(command: &mut Command, database: &TestDatabase, dir: &std::path::Path, smtp: &str) {
    command
        .current_dir(dir)
        .env("GUICHET_DATABASE_URL", &database.url)
        .env("GUICHET_SMTP_URL", smtp)
        .env("GUICHET_SECRET_KEY", SECRET)
        .env("GUICHET_DATA_DIR", dir.join("data"))
        .env("GUICHET_LOG", "warn")
        // A hundred registrations from this one address: no limit per minute, as in the
        // benchmarks.
        .env("GUICHET_REGISTRATIONS_PER_MINUTE", "0")
        .env_remove("GUICHET_CONFIG");
}

/// Starts `guichet serve` on a port the system picks, and waits until it is ready.
async fn start(database: &TestDatabase, dir: &std::path::Path, smtp: &str) -> Instance {
    let mut command = Command::new(env!("CARGO_BIN_EXE_guichet"));
    command
        .args([
            "serve",
            "--bind",
            "127.0.0.1:0",
            "--clock",
            "2008-07-07T09:30:00+02:00",
        ])
        .stderr(Stdio::null());
    env(&mut command, database, dir, smtp);
    let serving = process::serve(command).await;
    Instance {
        child: serving.child,
        url: serving.url,
        _stdout: serving.stdout,
    }
}

fn run(database: &TestDatabase, dir: &std::path::Path, args: &[&str], stdin: Option<&str>) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_guichet"));
    command.args(args);
    env(&mut command, database, dir, "smtp://127.0.0.1:1");
    process::run_ok(command, stdin);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_instances_on_one_database_share_checkins_seats_mail_and_sessions() {
    let database = TestDatabase::new().await;
    let dir = tempfile::tempdir().expect("temp dir");
    // Two instances' pools of SMTP connections at once.
    let mail = MailServer::start_with_threads(64);
    let small = DEMO
        .replacen(
            "slug = \"idm-2008-migration-de-retour\"",
            "slug = \"quarante-places\"",
            1,
        )
        .replacen("capacity = 250", "capacity = 40", 1);
    std::fs::write(dir.path().join("demo.toml"), DEMO).expect("write");
    std::fs::write(dir.path().join("small.toml"), small).expect("write");
    run(
        &database,
        dir.path(),
        &["event", "import", "demo.toml"],
        None,
    );
    run(
        &database,
        dir.path(),
        &["event", "import", "small.toml"],
        None,
    );
    run(
        &database,
        dir.path(),
        &[
            "staff",
            "add",
            "desk@example.org",
            "--role",
            "desk",
            "--event",
            "idm-2008-migration-de-retour",
            "--password-stdin",
        ],
        Some("two instances password\n"),
    );
    let a = start(&database, dir.path(), &mail.url()).await;
    let b = start(&database, dir.path(), &mail.url()).await;
    let client = reqwest::Client::new();

    // (d) A login on one instance is valid on the other.
    let login: Value = client
        .post(format!("{}/api/v1/auth/login", a.url))
        .json(&json!({ "email": "desk@example.org", "password": "two instances password" }))
        .send()
        .await
        .expect("login")
        .json()
        .await
        .expect("JSON");
    let token = login["token"].as_str().expect("a token").to_owned();
    let search = client
        .get(format!(
            "{}/api/v1/events/idm-2008-migration-de-retour/search?q=nobody",
            b.url
        ))
        .bearer_auth(&token)
        .send()
        .await
        .expect("request");
    assert_eq!(search.status(), 200, "the session opened on A works on B");

    // 200 registrations for the demo, alternating instances.
    for i in 0..200 {
        let url = if i % 2 == 0 { &a.url } else { &b.url };
        let response = client
            .post(format!(
                "{url}/api/v1/events/idm-2008-migration-de-retour/registrations"
            ))
            .json(&participant(
                "Guest",
                &format!("N{i}"),
                &format!("guest{i}@example.org"),
            ))
            .send()
            .await
            .expect("request");
        assert_eq!(response.status(), 202);
    }
    // (b) 100 people register across both instances at once for 40 seats.
    let mut tasks = Vec::new();
    for i in 0..100 {
        let client = client.clone();
        let url = if i % 2 == 0 {
            a.url.clone()
        } else {
            b.url.clone()
        };
        tasks.push(tokio::spawn(async move {
            client
                .post(format!("{url}/api/v1/events/quarante-places/registrations"))
                .json(&participant(
                    "Rush",
                    &format!("R{i}"),
                    &format!("rush{i}@example.org"),
                ))
                .send()
                .await
                .expect("request")
                .status()
        }));
    }
    for task in tasks {
        assert_eq!(task.await.expect("task"), 202);
    }
    let db = database.connect().await;
    let small_event = db
        .event_by_slug(&domain::Slug::parse("quarante-places").expect("slug"))
        .await
        .expect("query")
        .expect("event");
    let counts = db.status_counts(small_event.id).await.expect("counts");
    assert_eq!((counts.confirmed, counts.waitlisted), (40, 60));

    // (a) 200 tickets, each sent to both instances at once: exactly 200 `ok`.
    let demo = db
        .event_by_slug(&domain::Slug::parse("idm-2008-migration-de-retour").expect("slug"))
        .await
        .expect("query")
        .expect("event");
    let key = TicketKey::new(SECRET.as_bytes().to_vec()).expect("key");
    let report = db
        .report_page(demo.id, &persistence::ReportFilter::default(), 0, 1000)
        .await
        .expect("registrations");
    assert_eq!(report.len(), 200);
    let mut scans = Vec::new();
    for row in &report {
        assert_eq!(row.registration.status, Status::Confirmed);
        let ticket = key
            .issue(
                demo.id,
                row.registration.id,
                row.registration.ticket_version,
            )
            .to_string();
        for url in [a.url.clone(), b.url.clone()] {
            let client = client.clone();
            let token = token.clone();
            let ticket = ticket.clone();
            scans.push(tokio::spawn(async move {
                let answer: Value = client
                    .post(format!(
                        "{url}/api/v1/events/idm-2008-migration-de-retour/checkins"
                    ))
                    .bearer_auth(token)
                    .json(&json!({ "token": ticket }))
                    .send()
                    .await
                    .expect("request")
                    .json()
                    .await
                    .expect("JSON");
                answer["outcome"].as_str().expect("outcome").to_owned()
            }));
        }
    }
    let mut outcomes = Vec::new();
    for scan in scans {
        outcomes.push(scan.await.expect("task"));
    }
    let ok = outcomes.iter().filter(|o| *o == "ok").count();
    let already = outcomes
        .iter()
        .filter(|o| *o == "already_checked_in")
        .count();
    assert_eq!((ok, already), (200, 200));

    // (c) Both workers together deliver every message exactly once: 300 confirmations or
    // waitlist notices.
    let deadline = Instant::now() + Duration::from_secs(90);
    loop {
        let pending = db.outbox_counts().await.expect("counts").pending;
        if (pending == 0 && mail.messages().len() >= 300) || Instant::now() > deadline {
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    // Stopped, each has finished its deliveries: what the SMTP server holds is final.
    drop(client);
    tokio::task::spawn_blocking(move || {
        a.stop();
        b.stop();
    })
    .await
    .expect("both stopped");
    let messages = mail.messages();
    assert_eq!(messages.len(), 300, "each message once");
    let mut recipients: Vec<&str> = messages.iter().map(|m| m.to[0].as_str()).collect();
    recipients.sort_unstable();
    recipients.dedup();
    assert_eq!(recipients.len(), 300, "nobody got a message twice");
    // Nothing left waiting, nothing given up on.
    let counts = db.outbox_counts().await.expect("counts");
    assert_eq!((counts.pending, counts.sent, counts.failed), (0, 300, 0));
}

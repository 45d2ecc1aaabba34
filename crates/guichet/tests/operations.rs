//! What an operator does with a running guichet: back it up during the rush and restore the copy
//! elsewhere (every row answered before the backup began is in it), refuse to restore what is
//! not a backup, and read its logs as JSON (one object a line, no address, token or password).
//! Real `guichet` processes on the test database (PostgreSQL in CI's second pass).

use guichet_tests::{TestDatabase, participant, process};
use serde_json::{Value, json};
use std::collections::HashSet;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

const SECRET: &str = "operations tests share this ticket secret key";
const SLUG: &str = "idm-2008-migration-de-retour";
const PASSWORD: &str = "operations desk password";

struct Serving {
    child: Child,
    url: String,
    _stdout: std::io::BufReader<std::process::ChildStdout>,
}

impl Drop for Serving {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Serving {
    /// SIGTERM, and the exit status.
    fn stop(mut self) -> std::process::ExitStatus {
        let sent = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .expect("kill");
        assert!(sent.success());
        self.child.wait().expect("guichet exits")
    }
}

fn command(url: &str, dir: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_guichet"));
    command
        .current_dir(dir)
        .env("GUICHET_DATABASE_URL", url)
        .env("GUICHET_SECRET_KEY", SECRET)
        .env("GUICHET_DATA_DIR", dir.join("data"))
        .env("GUICHET_LOG", "warn")
        .env("GUICHET_REGISTRATIONS_PER_MINUTE", "0")
        .env_remove("GUICHET_CONFIG")
        .env_remove("GUICHET_LOG_FORMAT")
        .env_remove("GUICHET_SMTP_URL");
    command
}

/// Runs a command to its end; its standard output, or its standard error when it fails.
fn run(url: &str, dir: &Path, args: &[&str], stdin: Option<&str>) -> Result<String, String> {
    let mut command = command(url, dir);
    command.args(args);
    let out = process::run(command, stdin);
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).into_owned())
    }
}

/// The demo event and a desk account on a fresh database.
fn prepare(url: &str, dir: &Path) {
    std::fs::write(dir.join("demo.toml"), guichet::DEMO_EVENT).expect("write");
    run(url, dir, &["event", "import", "demo.toml"], None).expect("import");
    run(
        url,
        dir,
        &[
            "staff",
            "add",
            "desk@example.org",
            "--role",
            "desk",
            "--event",
            SLUG,
            "--password-stdin",
        ],
        Some(&format!("{PASSWORD}\n")),
    )
    .expect("staff add");
}

async fn serve(url: &str, dir: &Path, configure: impl FnOnce(&mut Command)) -> Serving {
    let mut command = command(url, dir);
    command
        .args([
            "serve",
            "--bind",
            "127.0.0.1:0",
            "--clock",
            "2008-07-07T09:30:00+02:00",
        ])
        .stderr(Stdio::null());
    configure(&mut command);
    let serving = process::serve(command).await;
    Serving {
        child: serving.child,
        url: serving.url,
        _stdout: serving.stdout,
    }
}

async fn desk_token(client: &reqwest::Client, url: &str) -> String {
    let login: Value = client
        .post(format!("{url}/api/v1/auth/login"))
        .json(&json!({ "email": "desk@example.org", "password": PASSWORD }))
        .send()
        .await
        .expect("login")
        .json()
        .await
        .expect("JSON");
    login["token"].as_str().expect("a token").to_owned()
}

/// What the rush got answered, and when relative to the backup's start.
#[derive(Default)]
struct Answered {
    /// Registrations answered 202 before the backup began.
    registered: HashSet<String>,
    /// Registrations (by id) whose scan was answered `ok` before the backup began.
    checked_in: HashSet<i32>,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_backup_taken_during_the_rush_restores_every_row_answered_before_it_began() {
    let database = TestDatabase::new().await;
    let dir = tempfile::tempdir().expect("temp dir");
    prepare(&database.url, dir.path());
    // 120 participants registered beforehand, whose tickets the desk scans during the rush.
    let db = database.connect().await;
    let demo = db
        .event_by_slug(&domain::Slug::parse(SLUG).expect("slug"))
        .await
        .expect("query")
        .expect("event");
    let server = serve(&database.url, dir.path(), |_| {}).await;
    let client = reqwest::Client::new();
    for i in 0..120 {
        let response = client
            .post(format!("{}/api/v1/events/{SLUG}/registrations", server.url))
            .json(&participant(
                "Early",
                &format!("E{i}"),
                &format!("early{i}@example.org"),
            ))
            .send()
            .await
            .expect("request");
        assert_eq!(response.status(), 202);
    }
    let key = domain::TicketKey::new(SECRET.as_bytes().to_vec()).expect("key");
    let tickets: Vec<(i32, String)> = db
        .report_page(demo.id, &persistence::ReportFilter::default(), 0, 1000)
        .await
        .expect("registrations")
        .into_iter()
        .map(|row| {
            let r = row.registration;
            (r.id, key.issue(demo.id, r.id, r.ticket_version).to_string())
        })
        .collect();
    assert_eq!(tickets.len(), 120);
    let desk = desk_token(&client, &server.url).await;

    // The rush: registrations and scans from 8 clients at once, each noting what was answered
    // while the backup had not yet begun.
    let began = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let answered = Arc::new(Mutex::new(Answered::default()));
    let tickets = Arc::new(tickets);
    let mut rush = Vec::new();
    for worker in 0..8usize {
        let (client, url, desk) = (client.clone(), server.url.clone(), desk.clone());
        let (began, answered, tickets) = (began.clone(), answered.clone(), tickets.clone());
        rush.push(tokio::spawn(async move {
            for round in 0..30usize {
                let email = format!("rush{worker}-{round}@example.org");
                let status = client
                    .post(format!("{url}/api/v1/events/{SLUG}/registrations"))
                    .json(&participant("Rush", &format!("R{worker}"), &email))
                    .send()
                    .await
                    .expect("request")
                    .status();
                assert_eq!(status, 202);
                // Answered before the backup began: looked at once the answer is in (a request
                // sent before it and answered after may or may not be in the copy).
                if !began.load(std::sync::atomic::Ordering::SeqCst) {
                    answered.lock().expect("lock").registered.insert(email);
                }
                let (id, ticket) = &tickets[(worker * 15 + round / 2) % tickets.len()];
                let answer: Value = client
                    .post(format!("{url}/api/v1/events/{SLUG}/checkins"))
                    .bearer_auth(&desk)
                    .json(&json!({ "token": ticket }))
                    .send()
                    .await
                    .expect("request")
                    .json()
                    .await
                    .expect("JSON");
                if !began.load(std::sync::atomic::Ordering::SeqCst) && answer["outcome"] == "ok" {
                    answered.lock().expect("lock").checked_in.insert(*id);
                }
            }
        }));
    }
    // The backup begins once the rush is well under way, and the rush goes on during it.
    tokio::time::sleep(Duration::from_millis(400)).await;
    let backup = dir.path().join("backup-0930.guichet");
    began.store(true, std::sync::atomic::Ordering::SeqCst);
    let (url, path, backup_file) = (database.url.clone(), dir.path().to_owned(), backup.clone());
    let said = tokio::task::spawn_blocking(move || {
        run(
            &url,
            &path,
            &["backup", backup_file.to_str().expect("utf-8")],
            None,
        )
    })
    .await
    .expect("backup ran")
    .expect("backup succeeded");
    assert!(said.contains("backup written to"), "{said}");
    for task in rush {
        task.await.expect("rush client");
    }
    let answered = std::mem::take(&mut *answered.lock().expect("lock"));
    assert!(
        !answered.registered.is_empty() && !answered.checked_in.is_empty(),
        "the rush had answers before the backup began"
    );
    // A second backup to the same name is refused: a backup never replaces a file.
    let again = run(
        &database.url,
        dir.path(),
        &["backup", backup.to_str().expect("utf-8")],
        None,
    );
    assert!(
        again.as_ref().is_err_and(|e| e.contains("exists already")),
        "{again:?}"
    );
    assert_eq!(server.stop().code(), Some(0));

    // Restored into a new folder (SQLite) or a new database (PostgreSQL).
    let elsewhere = tempfile::tempdir().expect("temp dir");
    let target = TestDatabase::new().await;
    let target_url = if database.is_postgres() {
        target.url.clone()
    } else {
        format!(
            "sqlite://{}/restored/guichet.db",
            elsewhere.path().display()
        )
    };
    let said = run(
        &target_url,
        elsewhere.path(),
        &["restore", backup.to_str().expect("utf-8")],
        None,
    )
    .expect("restore succeeded");
    assert!(said.contains("restored"), "{said}");
    let restored = persistence::Database::connect(&target_url)
        .await
        .expect("the restored database opens");
    let restored_demo = restored
        .event_by_slug(&domain::Slug::parse(SLUG).expect("slug"))
        .await
        .expect("query")
        .expect("the event is in the backup");
    let rows = restored
        .report_page(
            restored_demo.id,
            &persistence::ReportFilter::default(),
            0,
            10_000,
        )
        .await
        .expect("registrations");
    let emails: HashSet<String> = rows
        .iter()
        .map(|row| row.registration.participant.email.as_str().to_owned())
        .collect();
    let missing: Vec<&String> = answered.registered.difference(&emails).collect();
    assert!(
        missing.is_empty(),
        "registrations answered 202 before the backup began are missing: {missing:?}"
    );
    for i in 0..120 {
        assert!(emails.contains(&format!("early{i}@example.org")));
    }
    let checked: HashSet<i32> = rows
        .iter()
        .filter(|row| !row.checkins.is_empty())
        .map(|row| row.registration.id)
        .collect();
    let missing: Vec<&i32> = answered.checked_in.difference(&checked).collect();
    assert!(
        missing.is_empty(),
        "scans answered ok before the backup began are missing: {missing:?}"
    );
    // And the restored database serves.
    let server = serve(&target_url, elsewhere.path(), |_| {}).await;
    let page = client
        .get(format!("{}/events/{SLUG}", server.url))
        .send()
        .await
        .expect("request");
    assert_eq!(page.status(), 200);
    drop(server);
}

#[tokio::test]
async fn restore_refuses_what_is_not_a_backup_and_changes_nothing() {
    let database = TestDatabase::new().await;
    if database.is_postgres() {
        // pg_restore checks its own archives; this is about SQLite's check.
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    prepare(&database.url, dir.path());
    let garbage = dir.path().join("notes.txt");
    std::fs::write(&garbage, "not a database at all\n".repeat(100)).expect("write");
    let refused = run(
        &database.url,
        dir.path(),
        &["restore", garbage.to_str().expect("utf-8")],
        None,
    );
    let error = refused.expect_err("refused");
    assert!(error.contains("not a guichet backup"), "{error}");
    assert!(error.contains("nothing was restored"), "{error}");
    let missing = run(
        &database.url,
        dir.path(),
        &["restore", "/nonexistent/backup.db"],
        None,
    );
    assert!(
        missing.as_ref().is_err_and(|e| e.contains("no such file")),
        "{missing:?}"
    );
    // The database is as it was: the event and the account are there.
    let out = run(&database.url, dir.path(), &["staff", "list"], None).expect("list");
    assert!(out.contains("desk@example.org"), "{out}");
    // A backup restored over the live database keeps the one it replaced beside it.
    let backup = dir.path().join("copy.db");
    run(
        &database.url,
        dir.path(),
        &["backup", backup.to_str().expect("utf-8")],
        None,
    )
    .expect("backup");
    let said = run(
        &database.url,
        dir.path(),
        &["restore", backup.to_str().expect("utf-8")],
        None,
    )
    .expect("restore");
    assert!(said.contains("kept as"), "{said}");
    let kept = std::fs::read_dir(
        database
            .url
            .trim_start_matches("sqlite://")
            .rsplit_once('/')
            .expect("dir")
            .0,
    )
    .expect("the database's folder")
    .filter_map(Result::ok)
    .filter(|e| e.file_name().to_string_lossy().contains(".replaced-"))
    .count();
    assert!(kept >= 1, "the replaced database is kept");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn json_logs_give_one_object_a_request_without_addresses_tokens_or_passwords() {
    let database = TestDatabase::new().await;
    let dir = tempfile::tempdir().expect("temp dir");
    prepare(&database.url, dir.path());
    let log = dir.path().join("guichet.log");
    let log_file = std::fs::File::create(&log).expect("log file");
    let server = serve(&database.url, dir.path(), |command| {
        command
            .env("GUICHET_LOG_FORMAT", "json")
            .env("GUICHET_LOG", "info,sqlx=warn,sea_orm=warn")
            .stderr(log_file);
    })
    .await;
    let client = reqwest::Client::new();
    let email = "ada.lovelace@example.org";
    let registered = client
        .post(format!("{}/api/v1/events/{SLUG}/registrations", server.url))
        .json(&participant("Ada", "Lovelace", email))
        .send()
        .await
        .expect("request");
    assert_eq!(registered.status(), 202);
    let db = database.connect().await;
    let demo = db
        .event_by_slug(&domain::Slug::parse(SLUG).expect("slug"))
        .await
        .expect("query")
        .expect("event");
    let row = db
        .report_page(demo.id, &persistence::ReportFilter::default(), 0, 10)
        .await
        .expect("rows")
        .remove(0);
    let key = domain::TicketKey::new(SECRET.as_bytes().to_vec()).expect("key");
    let token = key
        .issue(
            demo.id,
            row.registration.id,
            row.registration.ticket_version,
        )
        .to_string();
    let ticket = client
        .get(format!("{}/t/{token}", server.url))
        .send()
        .await
        .expect("request");
    assert_eq!(ticket.status(), 200);
    let desk = desk_token(&client, &server.url).await;
    let answer: Value = client
        .post(format!("{}/api/v1/events/{SLUG}/checkins", server.url))
        .bearer_auth(&desk)
        .json(&json!({ "token": token }))
        .send()
        .await
        .expect("request")
        .json()
        .await
        .expect("JSON");
    assert_eq!(answer["outcome"], "ok");
    assert_eq!(server.stop().code(), Some(0));

    let text = std::fs::read_to_string(&log).expect("the log");
    let lines: Vec<Value> = text
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}")))
        .collect();
    let answered = |route: &str, status: u64| {
        lines.iter().find(|line| {
            line["message"] == "request answered"
                && line["span"]["route"] == route
                && line["status"] == status
        })
    };
    let registration = answered("/api/v1/events/:slug/registrations", 202)
        .unwrap_or_else(|| panic!("the registration's line in {text}"));
    assert!(
        registration["duration_ms"].as_f64().is_some(),
        "{registration}"
    );
    assert!(
        registration["span"]["id"]
            .as_str()
            .is_some_and(|id| id.len() >= 32),
        "{registration}"
    );
    assert_eq!(
        registration["span"]["client"], "127.0.0.1",
        "{registration}"
    );
    assert_eq!(registration["span"]["method"], "POST");
    assert_eq!(registration["level"], "INFO");
    let scan = answered("/api/v1/events/:slug/checkins", 200)
        .unwrap_or_else(|| panic!("the scan's line in {text}"));
    assert_eq!(
        scan["span"]["path"],
        format!("/api/v1/events/{SLUG}/checkins")
    );
    let page =
        answered("/t/:token", 200).unwrap_or_else(|| panic!("the ticket page's line in {text}"));
    assert_eq!(page["span"]["path"], "/t/…");
    // Nothing that identifies or opens anything: no address, no ticket, no password, no session.
    assert!(!text.contains(email), "an email address in the log");
    assert!(!text.contains(&token), "a ticket token in the log");
    assert!(!text.contains(PASSWORD), "a password in the log");
    assert!(!text.contains(&desk), "a device token in the log");
}

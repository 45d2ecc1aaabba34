//! Faults an operator meets, on real `guichet serve` processes, a real SMTP server and the test
//! database (SQLite, or PostgreSQL when `GUICHET_TEST_DATABASE_URL` is set):
//!
//! - killed (SIGKILL) in the middle of a registration rush and a check-in rush, then started
//!   again on the same database;
//! - stopped (SIGTERM) under the same traffic with organisers' live dashboards open: new
//!   connections are refused, the requests in hand answered, the streams end, the worker gives
//!   back its claims, and the process exits with status 0 within 10 seconds.
//!
//! What a fault may leave behind is stated exactly, request by request. A request answered is
//! kept. A request that never got a connection (refused: nobody listened) never reached guichet
//! and left nothing. A request that had a connection and got no answer (reset at the kill) was in
//! flight: after a kill it may have been committed, and the test counts those against the
//! requests in flight; after SIGTERM none may have been (guichet answers what it took in hand).
//! Mail goes once per registration; after a kill, a message the worker had handed to the SMTP
//! server but not yet marked sent goes once more, under its first Message-ID — at most the
//! worker's concurrency of them, the messages it had in flight.

use chrono::{DateTime, TimeDelta, Utc};
use domain::TicketKey;
use guichet_tests::{
    MailServer, ReceivedMail, TestDatabase, hidden_field, participant, process, set_cookie,
};
use persistence::{Database, ReportFilter, ReportRow};
use serde_json::{Value, json};
use std::collections::{HashMap, HashSet};
use std::net::SocketAddr;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

const SECRET: &str = "the fault tests sign their tickets with this";
const DEMO: &str = include_str!("../../../demo/idm-2008-migration-de-retour.toml");
const SLUG: &str = "idm-2008-migration-de-retour";
const PASSWORD: &str = "faults password for the staff";
/// The first morning, the desk open since 09:00: every first scan of a ticket is `ok`.
const MORNING: &str = "2008-07-07T09:30:00+02:00";
/// The restart's clock: an hour on, so that claims the stopped worker held (two minutes' lease,
/// taken on the first run's clock) have lapsed whatever the first run left, and the restart can
/// send them. Starting on `MORNING` again would put the first run's leases in its future.
const LATER: &str = "2008-07-07T10:30:00+02:00";
/// Registrations made before the rush, whose tickets the desks scan during it.
const TICKETS: usize = 200;
/// Concurrent clients of each rush.
const REGISTRANTS: usize = 24;
const DESKS: usize = 12;
/// The rush stops there if no fault came first (it always comes well before).
const RUSH_CAP: usize = 5_000;

/// The two tests each run a rush on two cores: one at a time, or each would measure the other
/// (the 10 seconds of a graceful exit, above all). A tokio mutex works across the tests' runtimes.
static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

fn instant(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .expect("an RFC 3339 instant")
        .with_timezone(&Utc)
}

/// A running `guichet serve`.
struct Instance {
    child: Child,
    url: String,
    addr: SocketAddr,
    /// Just before the process was started: its clock, started at `clock` after this, reads at
    /// most `clock + spawned.elapsed()`.
    spawned: Instant,
    clock: DateTime<Utc>,
    // Held open: guichet writes to it.
    _stdout: std::io::BufReader<std::process::ChildStdout>,
}

impl Instance {
    /// The latest the service's clock can read now.
    fn service_time_at_most(&self) -> DateTime<Utc> {
        self.clock + TimeDelta::from_std(self.spawned.elapsed()).expect("a short run")
    }

    /// SIGKILL: no handler runs, nothing is flushed or released.
    fn kill(&mut self) {
        self.child.kill().expect("SIGKILL sent");
        let status = self.child.wait().expect("guichet reaped");
        assert!(!status.success(), "killed, not exited: {status}");
    }

    /// SIGTERM, as an operator or a supervisor stops it.
    fn terminate(&self) {
        let term = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .expect("kill");
        assert!(term.success(), "SIGTERM sent");
    }

    /// Stops it and checks that it exits cleanly: what the SMTP server holds is then final.
    async fn stop(mut self) {
        self.terminate();
        let status = tokio::task::spawn_blocking(move || self.child.wait())
            .await
            .expect("waited")
            .expect("guichet exits");
        assert!(status.success(), "guichet stopped cleanly: {status}");
    }
}

impl Drop for Instance {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn env(command: &mut Command, database: &TestDatabase, dir: &Path, smtp: &str) {
    command
        .current_dir(dir)
        .env("GUICHET_DATABASE_URL", &database.url)
        .env("GUICHET_SMTP_URL", smtp)
        .env("GUICHET_SECRET_KEY", SECRET)
        .env("GUICHET_DATA_DIR", dir.join("data"))
        // Errors only: the warnings of a test set-up (SQLite, a set clock) would fill the output.
        .env("GUICHET_LOG", "error")
        // Thousands of registrations from this one address: no limit per minute, as in the
        // benchmarks.
        .env("GUICHET_REGISTRATIONS_PER_MINUTE", "0")
        .env_remove("GUICHET_CONFIG");
}

/// Starts `guichet serve` on a port the system picks, its clock at `clock`, and waits until it
/// is ready.
async fn start(database: &TestDatabase, dir: &Path, smtp: &str, clock: &str) -> Instance {
    let mut command = Command::new(env!("CARGO_BIN_EXE_guichet"));
    command
        .args(["serve", "--bind", "127.0.0.1:0", "--clock", clock])
        .stderr(Stdio::inherit());
    env(&mut command, database, dir, smtp);
    let spawned = Instant::now();
    let serving = process::serve(command).await;
    let addr = serving
        .url
        .strip_prefix("http://")
        .and_then(|a| a.parse().ok())
        .expect("an http://address:port");
    Instance {
        child: serving.child,
        url: serving.url,
        addr,
        spawned,
        clock: instant(clock),
        _stdout: serving.stdout,
    }
}

/// Runs a `guichet` command to its end, successfully.
fn run(database: &TestDatabase, dir: &Path, args: &[&str], stdin: Option<&str>) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_guichet"));
    command.args(args);
    env(&mut command, database, dir, "smtp://127.0.0.1:1");
    process::run_ok(command, stdin);
}

/// The demo event with room for every registration of a rush (every ticket confirmed, so that
/// each first scan is `ok`), and its staff.
fn set_up(database: &TestDatabase, dir: &Path, organiser: bool) {
    let roomy = DEMO.replacen("capacity = 250", "capacity = 20000", 1);
    assert_ne!(roomy, DEMO, "the demo's capacity line");
    std::fs::write(dir.join("event.toml"), roomy).expect("write");
    run(database, dir, &["event", "import", "event.toml"], None);
    let mut staff = vec![("desk@example.org", "desk")];
    if organiser {
        staff.push(("organiser@example.org", "organiser"));
    }
    for (email, role) in staff {
        run(
            database,
            dir,
            &[
                "staff",
                "add",
                email,
                "--role",
                role,
                "--event",
                SLUG,
                "--password-stdin",
            ],
            Some(&format!("{PASSWORD}\n")),
        );
    }
}

/// What became of one request of a rush.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Reply {
    /// An answer: its status and, for a scan, its outcome.
    Answered(u16, Option<String>),
    /// No connection: nobody listened, so guichet never saw the request.
    Refused,
    /// A connection, and no (whole) answer: reset, closed or timed out. Guichet may have
    /// committed it.
    Lost(String),
}

impl Reply {
    fn of(error: &reqwest::Error) -> Self {
        if error.is_connect() {
            Reply::Refused
        } else {
            Reply::Lost(format!("{error:?}"))
        }
    }
}

/// One request of a rush: which (a registration's number, a ticket's index), when it started and
/// ended, what became of it.
#[derive(Debug, Clone)]
struct Sent {
    item: usize,
    started: Instant,
    ended: Instant,
    reply: Reply,
}

/// Requests of `sent` answered after `at` that started before it: in flight at that instant.
fn answered_across(sent: &[Sent], at: Instant) -> usize {
    sent.iter()
        .filter(|s| matches!(s.reply, Reply::Answered(..)) && s.started < at && s.ended > at)
        .count()
}

/// Each request on a connection of its own, as from many phones and browsers: after a fault,
/// a request is either refused (no connection) or was on a connection of its own in flight, and
/// never lost on an idle kept-alive connection that the server had closed.
fn rush_client() -> reqwest::Client {
    reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .timeout(Duration::from_secs(20))
        .build()
        .expect("an HTTP client")
}

async fn register(client: &reqwest::Client, url: &str, email: &str) -> Reply {
    let sent = client
        .post(format!("{url}/api/v1/events/{SLUG}/registrations"))
        .json(&participant("Rush", "Fault", email))
        .send()
        .await;
    match sent {
        Ok(response) => Reply::Answered(response.status().as_u16(), None),
        Err(error) => Reply::of(&error),
    }
}

async fn scan(client: &reqwest::Client, url: &str, bearer: &str, ticket: &str) -> Reply {
    let sent = client
        .post(format!("{url}/api/v1/events/{SLUG}/checkins"))
        .bearer_auth(bearer)
        .json(&json!({ "token": ticket }))
        .send()
        .await;
    let response = match sent {
        Ok(response) => response,
        Err(error) => return Reply::of(&error),
    };
    let status = response.status().as_u16();
    // The outcome is in the body: a scan whose body did not arrive whole is not answered.
    match response.json::<Value>().await {
        Ok(body) => Reply::Answered(status, body["outcome"].as_str().map(str::to_owned)),
        Err(error) => Reply::Lost(format!("{error:?}")),
    }
}

/// A rush: `clients` concurrent clients taking items 0, 1, 2… up to `total` until each is
/// refused a connection (the server gone). `answered` counts the answers as they come.
fn rush<F, Fut>(
    clients: usize,
    total: usize,
    answered: Arc<AtomicUsize>,
    send: F,
) -> Vec<tokio::task::JoinHandle<Vec<Sent>>>
where
    F: Fn(usize) -> Fut + Clone + Send + 'static,
    Fut: std::future::Future<Output = Reply> + Send,
{
    let next = Arc::new(AtomicUsize::new(0));
    (0..clients)
        .map(|_| {
            let (next, answered, send) = (next.clone(), answered.clone(), send.clone());
            tokio::spawn(async move {
                let mut sent = Vec::new();
                loop {
                    let item = next.fetch_add(1, Ordering::SeqCst);
                    if item >= total {
                        return sent;
                    }
                    let started = Instant::now();
                    let reply = send(item).await;
                    let ended = Instant::now();
                    if matches!(reply, Reply::Answered(..)) {
                        answered.fetch_add(1, Ordering::SeqCst);
                    }
                    let refused = reply == Reply::Refused;
                    sent.push(Sent {
                        item,
                        started,
                        ended,
                        reply,
                    });
                    if refused {
                        return sent;
                    }
                }
            })
        })
        .collect()
}

async fn finished(tasks: Vec<tokio::task::JoinHandle<Vec<Sent>>>) -> Vec<Sent> {
    let mut all = Vec::new();
    for task in tasks {
        all.extend(task.await.expect("a rush's client"));
    }
    all.sort_by_key(|s| s.item);
    all
}

/// The rush's registrations, numbered apart from the early ones.
fn rush_email(i: usize) -> String {
    format!("rush{i}@example.org")
}

fn early_email(i: usize) -> String {
    format!("early{i}@example.org")
}

/// Registers `TICKETS` people and returns their tickets (signed with the shared secret, as a
/// desk reads them off the QR codes), in the order of `early_email`.
async fn early_registrations(instance: &Instance, db: &Database) -> Vec<(i32, String)> {
    let client = rush_client();
    let url = instance.url.clone();
    let early = finished(rush(
        REGISTRANTS,
        TICKETS,
        Arc::new(AtomicUsize::new(0)),
        move |i| {
            let (client, url) = (client.clone(), url.clone());
            async move { register(&client, &url, &early_email(i)).await }
        },
    ))
    .await;
    assert_eq!(early.len(), TICKETS);
    assert!(
        early.iter().all(|s| s.reply == Reply::Answered(202, None)),
        "{early:?}"
    );
    let event = event_id(db).await;
    let key = TicketKey::new(SECRET.as_bytes().to_vec()).expect("key");
    let rows = registrations(db).await;
    (0..TICKETS)
        .map(|i| {
            let row = &rows[&early_email(i)];
            let registration = &row.registration;
            let ticket = key
                .issue(event, registration.id, registration.ticket_version)
                .to_string();
            (registration.id, ticket)
        })
        .collect()
}

async fn event_id(db: &Database) -> i32 {
    db.event_by_slug(&domain::Slug::parse(SLUG).expect("slug"))
        .await
        .expect("query")
        .expect("the event")
        .id
}

/// Every registration of the event, by email.
async fn registrations(db: &Database) -> HashMap<String, ReportRow> {
    let event = event_id(db).await;
    let mut all = HashMap::new();
    let mut after = 0;
    loop {
        let page = db
            .report_page(event, &ReportFilter::default(), after, 1000)
            .await
            .expect("registrations");
        let Some(last) = page.last() else {
            return all;
        };
        after = last.registration.id;
        for row in page {
            all.insert(row.registration.participant.email.as_str().to_owned(), row);
        }
    }
}

/// The desk's device token.
async fn desk_token(url: &str) -> String {
    let login: Value = reqwest::Client::new()
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

/// Starts the registration rush against `url`: `rush_email` addresses, up to `RUSH_CAP`.
fn registration_rush(
    url: &str,
    registered: Arc<AtomicUsize>,
) -> Vec<tokio::task::JoinHandle<Vec<Sent>>> {
    let (client, url) = (rush_client(), url.to_owned());
    rush(REGISTRANTS, RUSH_CAP, registered, move |i| {
        let (client, url) = (client.clone(), url.clone());
        async move { register(&client, &url, &rush_email(i)).await }
    })
}

/// Starts the check-in rush against `url`: each of `tickets` scanned once.
fn scan_rush(
    url: &str,
    bearer: String,
    tickets: &[(i32, String)],
    scanned: Arc<AtomicUsize>,
) -> Vec<tokio::task::JoinHandle<Vec<Sent>>> {
    let (client, url, bearer) = (rush_client(), url.to_owned(), Arc::new(bearer));
    let tickets: Arc<Vec<String>> = Arc::new(tickets.iter().map(|(_, t)| t.clone()).collect());
    rush(DESKS, tickets.len(), scanned, move |i| {
        let (client, url, bearer, tickets) =
            (client.clone(), url.clone(), bearer.clone(), tickets.clone());
        async move { scan(&client, &url, &bearer, &tickets[i]).await }
    })
}

/// Waits until `done` holds, for at most 60 s; `what` says what it was waiting for.
async fn until(what: impl Fn() -> String, done: impl Fn() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while !done() {
        assert!(
            Instant::now() < deadline,
            "a minute, and still not {}",
            what()
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

/// Starts both rushes and returns once they are well under way: the registrations' going, the
/// worker delivering (its first pass comes a poll interval after the start, and from then on its
/// hands are full), then the scans' started and half done, the registrations still going.
async fn rushes_under_way(
    url: &str,
    bearer: String,
    tickets: &[(i32, String)],
    mail: &MailServer,
) -> (
    Vec<tokio::task::JoinHandle<Vec<Sent>>>,
    Vec<tokio::task::JoinHandle<Vec<Sent>>>,
) {
    let (registered, scanned) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    let registering = registration_rush(url, registered.clone());
    until(
        || format!("50 messages delivered: {}", mail.messages().len()),
        || mail.messages().len() >= 50,
    )
    .await;
    let scanning = scan_rush(url, bearer, tickets, scanned.clone());
    let before = registered.load(Ordering::SeqCst);
    until(
        || {
            format!(
                "half the tickets scanned and 50 more registrations: {} scans, {} registrations",
                scanned.load(Ordering::SeqCst),
                registered.load(Ordering::SeqCst) - before
            )
        },
        || {
            scanned.load(Ordering::SeqCst) >= tickets.len() / 2
                && registered.load(Ordering::SeqCst) >= before + 50
        },
    )
    .await;
    (registering, scanning)
}

/// How a rush's requests ended.
#[derive(Debug, Default)]
struct Tally {
    answered: usize,
    refused: usize,
    lost: usize,
}

fn tally(sent: &[Sent]) -> Tally {
    let mut t = Tally::default();
    for s in sent {
        match s.reply {
            Reply::Answered(..) => t.answered += 1,
            Reply::Refused => t.refused += 1,
            Reply::Lost(_) => t.lost += 1,
        }
    }
    t
}

/// Waits until the outbox has nothing pending (at most 60 s).
async fn outbox_drained(db: &Database) {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let pending = db.outbox_counts().await.expect("counts").pending;
        if pending == 0 {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "{pending} messages still pending after a minute"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The Message-IDs of the messages each address received, in the order received.
fn message_ids_by_recipient(messages: &[ReceivedMail]) -> HashMap<String, Vec<String>> {
    let mut by = HashMap::<String, Vec<String>>::new();
    for mail in messages {
        assert_eq!(mail.to.len(), 1, "one recipient per message");
        let id = mail
            .parsed()
            .message_id()
            .expect("every message has a Message-ID")
            .to_owned();
        by.entry(mail.to[0].to_lowercase()).or_default().push(id);
    }
    by
}

/// The outbox's rows still claimed (`sending`): id and the end of the lease, in Unix seconds.
async fn claims(database: &TestDatabase) -> Vec<(i64, i64)> {
    let until = if database.is_postgres() {
        "CAST(EXTRACT(EPOCH FROM claimed_until) AS BIGINT)"
    } else {
        "CAST(strftime('%s', claimed_until) AS INTEGER)"
    };
    database
        .integer_pairs(&format!(
            "SELECT CAST(id AS BIGINT), {until} FROM outbox WHERE status = 'sending' ORDER BY id"
        ))
        .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn killed_during_a_rush_guichet_keeps_every_answer_and_sends_each_email_once_more_at_most() {
    let _one = ONE_AT_A_TIME.lock().await;
    let database = TestDatabase::new().await;
    let dir = tempfile::tempdir().expect("temp dir");
    // A pool of SMTP connections, then another one after the restart.
    let mail = MailServer::start_with_threads(48);
    set_up(&database, dir.path(), false);
    let mut first = start(&database, dir.path(), &mail.url(), MORNING).await;
    let db = database.connect().await;
    let tickets = early_registrations(&first, &db).await;
    let bearer = desk_token(&first.url).await;

    let (registering, scanning) = rushes_under_way(&first.url, bearer, &tickets, &mail).await;
    // The kill comes while the worker holds claims: messages in its hands, some being sent.
    let claims_at_kill = held_claims(&database, &first).await;
    let delivered_before_kill = mail.messages().len();
    let killed = Instant::now();
    first.kill();
    let registrations_sent = finished(registering).await;
    let scans_sent = finished(scanning).await;

    let restarted = start(&database, dir.path(), &mail.url(), LATER).await;
    outbox_drained(&db).await;
    restarted.stop().await;

    let stored = registrations(&db).await;
    let (r, s) = (tally(&registrations_sent), tally(&scans_sent));
    let registered_unanswered = registrations_sent
        .iter()
        .filter(|s| matches!(s.reply, Reply::Lost(_)) && stored.contains_key(&rush_email(s.item)))
        .count();
    let checked_in: HashMap<i32, usize> = stored
        .values()
        .filter(|row| !row.checkins.is_empty())
        .map(|row| (row.registration.id, row.checkins.len()))
        .collect();
    let scanned_unanswered = scans_sent
        .iter()
        .filter(|s| matches!(s.reply, Reply::Lost(_)))
        .filter(|s| checked_in.contains_key(&tickets[s.item].0))
        .count();
    let messages = mail.messages();
    let by = message_ids_by_recipient(&messages);
    let again: usize = by.values().map(|ids| ids.len() - 1).sum();
    // What the kill met, for the record (`--nocapture`), before anything is asserted. A request
    // "lost" had a connection and no answer; one started after the kill reached the listener
    // before the system closed it.
    let lost_before = |sent: &[Sent]| {
        sent.iter()
            .filter(|s| matches!(s.reply, Reply::Lost(_)) && s.started < killed)
            .count()
    };
    eprintln!(
        "kill -9 ({}): registrations {} answered, {} lost ({} of them started before the kill, \
         {} kept), {} refused; scans {} answered, {} lost ({} before the kill, {} kept), {} \
         refused; {} rows claimed at the kill, {} messages delivered before it, {} in all, {} of \
         them twice",
        if database.is_postgres() {
            "PostgreSQL"
        } else {
            "SQLite"
        },
        r.answered,
        r.lost,
        lost_before(&registrations_sent),
        registered_unanswered,
        r.refused,
        s.answered,
        s.lost,
        lost_before(&scans_sent),
        scanned_unanswered,
        s.refused,
        claims_at_kill,
        delivered_before_kill,
        messages.len(),
        again
    );

    // Registrations: every one answered is there, none refused a connection is; besides the
    // early ones, only those in flight may be there unanswered.
    for sent in &registrations_sent {
        let kept = stored.contains_key(&rush_email(sent.item));
        match &sent.reply {
            Reply::Answered(status, _) => {
                assert_eq!(*status, 202, "registration {}", sent.item);
                assert!(kept, "registration {} answered, and lost", sent.item);
            }
            Reply::Refused => assert!(!kept, "registration {} never sent, yet kept", sent.item),
            Reply::Lost(_) => {}
        }
    }
    assert!(
        registered_unanswered <= r.lost,
        "{registered_unanswered} registered without an answer, {} in flight",
        r.lost
    );
    assert_eq!(
        stored.len(),
        TICKETS + r.answered + registered_unanswered,
        "the early ones, those answered and those of the requests in flight: nothing else"
    );

    // Scans: every `ok` answered is recorded, none refused a connection is; only the ones in
    // flight may be recorded unanswered.
    for sent in &scans_sent {
        let recorded = checked_in.get(&tickets[sent.item].0).copied();
        match &sent.reply {
            Reply::Answered(status, outcome) => {
                assert_eq!(
                    (*status, outcome.as_deref()),
                    (200, Some("ok")),
                    "ticket {}",
                    sent.item
                );
                assert_eq!(recorded, Some(1), "ticket {}: ok, recorded", sent.item);
            }
            Reply::Refused => assert_eq!(recorded, None, "ticket {} never sent", sent.item),
            Reply::Lost(_) => assert!(recorded.is_none_or(|n| n == 1), "ticket {}", sent.item),
        }
    }
    assert!(
        scanned_unanswered <= s.lost,
        "{scanned_unanswered} scans recorded without an answer, {} in flight",
        s.lost
    );
    assert_eq!(
        checked_in.len(),
        s.answered + scanned_unanswered,
        "no check-in but of a scan answered or in flight"
    );

    // Mail: each registration's message, once, or twice under one Message-ID when it was in the
    // worker's hands at the kill (delivered, not yet marked sent); no more twice than the worker
    // has in flight at once.
    let settings = mailer::WorkerSettings::default();
    for email in stored.keys() {
        let ids = by
            .get(email)
            .unwrap_or_else(|| panic!("{email} got no email"));
        assert!(ids.len() <= 2, "{email}: {ids:?}");
        assert!(
            ids.iter().all(|id| *id == ids[0]),
            "{email} got its message again under another Message-ID: {ids:?}"
        );
    }
    assert_eq!(by.len(), stored.len(), "no message to anyone else");
    assert!(
        again <= settings.concurrency,
        "{again} messages went twice, the worker has {} in flight at most",
        settings.concurrency
    );
    assert_eq!(messages.len(), stored.len() + again);
    let counts = db.outbox_counts().await.expect("counts");
    assert_eq!(
        (counts.pending, counts.sent, counts.failed),
        (0, stored.len() as u64, 0)
    );
}

/// The outbox rows the worker of `instance` holds now (claimed, the lease in the future), once
/// there are some (at most 10 s).
async fn held_claims(database: &TestDatabase, instance: &Instance) -> usize {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let now = instance.clock.timestamp()
            + i64::try_from(instance.spawned.elapsed().as_secs()).expect("a short run");
        let claimed = claims(database).await;
        // The service's clock started after `spawned`: a lease ending after this bound is ahead.
        let held = claimed.iter().filter(|(_, until)| *until > now).count();
        if held > 0 {
            return held;
        }
        assert!(
            Instant::now() < deadline,
            "the worker claimed nothing for 10 s"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

/// Signs the organiser in through the sign-in form, as a browser does; returns the session
/// cookie (`name=value`).
async fn organiser_session(url: &str) -> String {
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("an HTTP client");
    let form = client
        .get(format!("{url}/login"))
        .header("accept-language", "en")
        .send()
        .await
        .expect("the sign-in form");
    assert_eq!(form.status(), 200);
    let csrf_cookie = set_cookie(&form, "guichet_login_csrf").expect("the form's CSRF cookie");
    let html = form.text().await.expect("body");
    let csrf = hidden_field(&html, "csrf").expect("the form's CSRF token");
    let signed_in = client
        .post(format!("{url}/login"))
        .header("cookie", csrf_cookie)
        .header("accept-language", "en")
        .form(&[
            ("email", "organiser@example.org"),
            ("password", PASSWORD),
            ("next", "/"),
            ("csrf", &csrf),
        ])
        .send()
        .await
        .expect("sign in");
    assert_eq!(signed_in.status(), 303, "signed in");
    set_cookie(&signed_in, "guichet_session").expect("the session cookie")
}

/// How a dashboard's live stream ended, and when.
type StreamEnd = (Instant, Result<usize, String>);

/// Opens the live dashboard and reads it, in a task, until its body ends: then the number of
/// events it carried, or the error that cut it.
async fn live_stream(url: &str, cookie: &str) -> tokio::task::JoinHandle<StreamEnd> {
    // No overall timeout: the stream lasts as long as the server keeps it.
    let mut response = reqwest::Client::new()
        .get(format!("{url}/organiser/{SLUG}/live"))
        .header("cookie", cookie)
        .header("accept-language", "en")
        .send()
        .await
        .expect("the live stream");
    assert_eq!(response.status(), 200);
    assert!(
        response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("text/event-stream")),
        "{:?}",
        response.headers()
    );
    let first = tokio::time::timeout(Duration::from_secs(5), response.chunk())
        .await
        .expect("the figures come at once")
        .expect("read")
        .expect("a first event");
    assert!(String::from_utf8_lossy(&first).contains("event: stats"));
    tokio::spawn(async move {
        let mut events = 1;
        loop {
            match response.chunk().await {
                Ok(Some(chunk)) => {
                    events += String::from_utf8_lossy(&chunk).matches("event:").count()
                }
                Ok(None) => return (Instant::now(), Ok(events)),
                Err(error) => return (Instant::now(), Err(format!("{error:?}"))),
            }
        }
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sigterm_under_traffic_refuses_new_connections_answers_the_rest_and_exits_cleanly() {
    let _one = ONE_AT_A_TIME.lock().await;
    let database = TestDatabase::new().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let mail = MailServer::start_with_threads(48);
    set_up(&database, dir.path(), true);
    let mut first = start(&database, dir.path(), &mail.url(), MORNING).await;
    let db = database.connect().await;
    let tickets = early_registrations(&first, &db).await;
    let bearer = desk_token(&first.url).await;
    let cookie = organiser_session(&first.url).await;
    let mut streams = Vec::new();
    for _ in 0..3 {
        streams.push(live_stream(&first.url, &cookie).await);
    }

    let (registering, scanning) = rushes_under_way(&first.url, bearer, &tickets, &mail).await;
    // The signal comes while the worker holds claims (a batch of 64, 16 of them being sent, a
    // backlog behind), or their release would go untested: looked at just before it.
    let claims_at_signal = held_claims(&database, &first).await;
    let signalled = Instant::now();
    first.terminate();

    // New connections are refused once the listener is closed; from then on, every one.
    let refused = loop {
        let at = Instant::now();
        match tokio::net::TcpStream::connect(first.addr).await {
            // Closed at once: a connection held open without a request would be waited for.
            Ok(connection) => drop(connection),
            Err(_) => break at,
        }
        assert!(
            signalled.elapsed() < Duration::from_secs(2),
            "still accepting connections 2 s after SIGTERM"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    };
    for _ in 0..10 {
        tokio::time::sleep(Duration::from_millis(10)).await;
        assert!(
            tokio::net::TcpStream::connect(first.addr).await.is_err(),
            "a connection accepted after one was refused"
        );
    }

    // The process exits, cleanly, within 10 s.
    let exit = loop {
        if let Some(status) = first.child.try_wait().expect("wait") {
            break (Instant::now(), status);
        }
        assert!(
            signalled.elapsed() < Duration::from_secs(15),
            "guichet still runs 15 s after SIGTERM"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    };
    let exited_after = exit.0 - signalled;
    let service_time_at_exit = first.service_time_at_most();

    // The streams' bodies ended (not cut), before the process exited.
    let mut stream_ends = Vec::new();
    for stream in streams {
        let (at, end) = tokio::time::timeout(Duration::from_secs(5), stream)
            .await
            .expect("the stream ended with the process")
            .expect("the stream's reader");
        stream_ends.push((at.saturating_duration_since(signalled), end));
    }
    let registrations_sent = finished(registering).await;
    let scans_sent = finished(scanning).await;
    let r = tally(&registrations_sent);
    let s = tally(&scans_sent);
    // When the lost requests started, in ms from the signal (negative: before it).
    let lost_at: Vec<i128> = registrations_sent
        .iter()
        .chain(&scans_sent)
        .filter(|s| matches!(s.reply, Reply::Lost(_)))
        .map(|s| match s.started.checked_duration_since(signalled) {
            Some(after) => i128::try_from(after.as_millis()).unwrap_or(i128::MAX),
            None => -i128::try_from((signalled - s.started).as_millis()).unwrap_or(i128::MAX),
        })
        .collect();
    // Answered after the signal, sent before it: these were in flight, and finished.
    let finished_in_flight = (
        answered_across(&registrations_sent, signalled),
        answered_across(&scans_sent, signalled),
    );
    let stored = registrations(&db).await;
    let claimed = claims(&database).await;
    let pending_at_exit = db.outbox_counts().await.expect("counts").pending;
    eprintln!(
        "SIGTERM ({}): connections refused {} ms after the signal, exit {} ms after it ({}); \
         streams ended at {:?}; registrations {} answered ({} of them in flight at the signal), \
         {} lost, {} refused; scans {} answered ({} in flight), {} lost, {} refused; lost \
         requests started at {:?} ms; {} rows claimed at the signal; {} messages pending and {} \
         rows claimed at exit",
        if database.is_postgres() {
            "PostgreSQL"
        } else {
            "SQLite"
        },
        (refused - signalled).as_millis(),
        exited_after.as_millis(),
        exit.1,
        stream_ends,
        r.answered,
        finished_in_flight.0,
        r.lost,
        r.refused,
        s.answered,
        finished_in_flight.1,
        s.lost,
        s.refused,
        lost_at,
        claims_at_signal,
        pending_at_exit,
        claimed.len(),
    );
    assert!(exit.1.success(), "guichet exited cleanly: {}", exit.1);
    assert!(
        exited_after <= Duration::from_secs(10),
        "guichet exited {exited_after:?} after SIGTERM"
    );
    for (i, (after, end)) in stream_ends.iter().enumerate() {
        assert!(end.is_ok(), "stream {i} was cut, not ended: {end:?}");
        assert!(
            *after <= exited_after,
            "stream {i} ended {after:?} after the signal, the process exited at {exited_after:?}"
        );
    }

    // Every request that reached guichet was answered: those in flight at the signal got their
    // answers (and there were some of each kind, or this test would show nothing), those started
    // after the listener closed were refused, and nothing is registered or checked in without
    // its answer. A client that connected before the signal is answered too, even one the system
    // had queued on the listener and guichet not yet taken in, or taken in and not yet read:
    // `serve` takes in its queue and reads each connection's first request before it closes.
    assert!(
        finished_in_flight.0 > 0 && finished_in_flight.1 > 0,
        "registrations and scans in flight at the signal, answered: {finished_in_flight:?}"
    );
    for sent in registrations_sent.iter().chain(&scans_sent) {
        if sent.started >= refused {
            assert_eq!(sent.reply, Reply::Refused, "a request after the close");
        }
        if sent.started < signalled {
            assert!(
                matches!(sent.reply, Reply::Answered(..)),
                "a request sent before the signal got no answer: {sent:?}"
            );
        }
    }
    let answered_emails: HashSet<String> = registrations_sent
        .iter()
        .filter(|s| {
            assert!(
                !matches!(s.reply, Reply::Answered(status, _) if status != 202),
                "{s:?}"
            );
            matches!(s.reply, Reply::Answered(..))
        })
        .map(|s| rush_email(s.item))
        .collect();
    let rush_stored: HashSet<String> = stored
        .keys()
        .filter(|email| email.starts_with("rush"))
        .cloned()
        .collect();
    assert_eq!(
        rush_stored.len(),
        answered_emails.len(),
        "registered without an answer: {:?}",
        rush_stored.difference(&answered_emails).collect::<Vec<_>>()
    );
    assert_eq!(rush_stored, answered_emails);
    assert_eq!(stored.len(), TICKETS + r.answered);
    let answered_ok: HashSet<i32> = scans_sent
        .iter()
        .filter(|s| {
            assert!(
                matches!(&s.reply, Reply::Answered(200, Some(o)) if o == "ok")
                    || !matches!(s.reply, Reply::Answered(..)),
                "{s:?}"
            );
            matches!(s.reply, Reply::Answered(..))
        })
        .map(|s| tickets[s.item].0)
        .collect();
    let checked_in: HashSet<i32> = stored
        .values()
        .filter(|row| !row.checkins.is_empty())
        .map(|row| row.registration.id)
        .collect();
    assert_eq!(
        checked_in.len(),
        answered_ok.len(),
        "checked in without an answer: {:?}",
        checked_in.difference(&answered_ok).collect::<Vec<_>>()
    );
    assert_eq!(checked_in, answered_ok);

    // The worker let go of its claims: none with a lease in the service's future.
    let now = service_time_at_exit.timestamp();
    let held: Vec<_> = claimed.iter().filter(|(_, until)| *until > now).collect();
    assert!(
        held.is_empty(),
        "{} outbox rows still claimed at exit, leases ending up to {} s after it: {held:?}",
        held.len(),
        held.iter().map(|(_, u)| u - now).max().unwrap_or(0)
    );

    // Nothing accepted is lost: the next start sends what was still queued, each message once
    // (a clean stop sends none twice).
    let restarted = start(&database, dir.path(), &mail.url(), LATER).await;
    outbox_drained(&db).await;
    restarted.stop().await;
    let messages = mail.messages();
    let by = message_ids_by_recipient(&messages);
    for email in stored.keys() {
        assert_eq!(by.get(email).map(Vec::len), Some(1), "{email}'s message");
    }
    assert_eq!(by.len(), stored.len(), "no message to anyone else");
    assert_eq!(messages.len(), stored.len());
    let counts = db.outbox_counts().await.expect("counts");
    assert_eq!(
        (counts.pending, counts.sent, counts.failed),
        (0, stored.len() as u64, 0)
    );
}

//! The database goes away under traffic and comes back: two `guichet serve` processes on a
//! PostgreSQL server of this test's own, with participants registering and the desk scanning from
//! several clients at once. While the server is away every request is answered `503` with
//! `Retry-After` within the request timeout (never a hang, never a `500`) and `/readyz` says
//! `503`; once it is back guichet serves again without a restart, and nothing it answered `202`
//! or `ok` is missing: every such registration is stored and its email delivered, every such scan
//! recorded. Two ways to go away: (a) the server stops (`pg_ctl stop -m fast`: connections are
//! closed, new ones refused), (b) every process of the server is paused (`SIGSTOP`: connections
//! stay open and hang).
//!
//! The server is started here (PostgreSQL 15's `initdb` and `pg_ctl`, on a free port of 127.0.0.1,
//! its socket in a temporary directory) whatever `GUICHET_TEST_DATABASE_URL` says: stopping a
//! server shared with other tests, or the machine's own, would fail them.

use domain::TicketKey;
use guichet_tests::{MailServer, free_port, participant, process};
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const SECRET: &str = "the database outage test's ticket secret key";
const DEMO: &str = include_str!("../../../demo/idm-2008-migration-de-retour.toml");
const SLUG: &str = "idm-2008-migration-de-retour";
const PASSWORD: &str = "desk password during an outage";
const BIN: &str = "/usr/lib/postgresql/15/bin";
/// `GUICHET_REQUEST_TIMEOUT_SECONDS` for the instances under test.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(3);
/// What an answer may take beyond the request timeout: writing it out, on a busy CI machine.
const ANSWER_SLACK: Duration = Duration::from_millis(1500);
/// Registered before the traffic starts: their tickets are what the desk scans.
const TICKETS: usize = 120;
/// Concurrent clients of each kind.
const CLIENTS: usize = 3;
/// How long the database stays away: more than twice the request timeout, so that each client
/// sends at least one request after the server has gone that is answered before it comes back
/// (the request in flight at the stop may take a whole timeout), and requests waiting for the
/// database are cut by the timeout, not answered because it came back.
const OUTAGE: Duration = Duration::from_secs(7);

/// A PostgreSQL server of this test alone: its data directory, socket and log in a temporary
/// directory. Stopped (and the directory removed) when dropped, also when the test panics.
struct Postgres {
    dir: tempfile::TempDir,
    port: u16,
    /// Whether the programs are run as the `postgres` system user: `initdb` and `postgres`
    /// refuse to run as root (CI runs the tests as root).
    as_postgres: bool,
    paused: Mutex<Vec<u32>>,
}

impl Postgres {
    fn start() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let as_postgres = output(Command::new("id").arg("-u")).trim() == "0";
        if as_postgres {
            let chown = Command::new("chown")
                .args(["postgres:postgres"])
                .arg(dir.path())
                .status()
                .expect("chown");
            assert!(chown.success(), "the temp dir given to postgres");
        }
        let mut server = Self {
            dir,
            port: 0,
            as_postgres,
            paused: Mutex::new(Vec::new()),
        };
        let data = server.data();
        let mut initdb = server.program("initdb");
        initdb
            .arg("-D")
            .arg(&data)
            .args(["-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C"])
            // Nothing here must outlive a machine's crash.
            .args(["--no-sync", "--no-instructions"]);
        output(&mut initdb);
        // A port that was free a moment ago may be taken by the time the server binds it: then
        // try another.
        for _ in 0..5 {
            server.port = free_port();
            let settings = format!(
                "\nlisten_addresses = '127.0.0.1'\nport = {}\nunix_socket_directories = '{}'\n\
                 fsync = off\nmax_connections = 60\n",
                server.port,
                server.dir.path().display()
            );
            // The last setting of a name wins: each try appends its own port.
            use std::io::Write;
            std::fs::OpenOptions::new()
                .append(true)
                .open(data.join("postgresql.conf"))
                .and_then(|mut file| file.write_all(settings.as_bytes()))
                .expect("configure the server");
            if server.pg_ctl_start() {
                return server;
            }
        }
        panic!("PostgreSQL did not start: {}", server.log());
    }

    fn data(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("server.log")).unwrap_or_default()
    }

    fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }

    /// One of PostgreSQL's programs, run as the user that owns the data directory.
    fn program(&self, name: &str) -> Command {
        let path = Path::new(BIN).join(name);
        let mut command = if self.as_postgres {
            let mut runuser = Command::new("runuser");
            runuser.args(["-u", "postgres", "--"]).arg(path);
            runuser
        } else {
            Command::new(path)
        };
        // The postgres user may not enter the directory the test runs in.
        command.current_dir(self.dir.path()).stdin(Stdio::null());
        command
    }

    fn pg_ctl_start(&self) -> bool {
        let mut start = self.program("pg_ctl");
        start
            .arg("-D")
            .arg(self.data())
            .arg("-l")
            .arg(self.dir.path().join("server.log"))
            .args(["-w", "-t", "30", "start"])
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        start.status().expect("pg_ctl start").success()
    }

    /// `pg_ctl stop -m fast`: sessions are ended (their clients told why), new connections
    /// refused; returns once the server has exited.
    fn stop(&self) {
        let mut stop = self.program("pg_ctl");
        stop.arg("-D")
            .arg(self.data())
            .args(["-m", "fast", "-w", "-t", "30", "stop"]);
        output(&mut stop);
    }

    fn start_again(&self) {
        assert!(self.pg_ctl_start(), "PostgreSQL restarted: {}", self.log());
    }

    fn postmaster(&self) -> u32 {
        let pid = std::fs::read_to_string(self.data().join("postmaster.pid")).expect("pid file");
        pid.lines()
            .next()
            .and_then(|line| line.trim().parse().ok())
            .expect("the postmaster's pid")
    }

    /// Stops every process of the server (`SIGSTOP`): the postmaster first, so that it forks no
    /// new backend, then its children (the backends and helpers; each is a session of its own,
    /// so a process group would not reach them). Connections stay open and nothing answers.
    fn pause(&self) {
        let postmaster = self.postmaster();
        let mut paused = self.paused.lock().expect("not poisoned");
        signal("STOP", postmaster);
        paused.push(postmaster);
        let children = output(Command::new("pgrep").args(["-P", &postmaster.to_string()]));
        for child in children
            .lines()
            .filter_map(|line| line.trim().parse::<u32>().ok())
        {
            // A backend may have exited in between: no matter.
            let _ = Command::new("kill")
                .args(["-STOP", &child.to_string()])
                .status();
            paused.push(child);
        }
        assert!(paused.len() > 3, "the postmaster and its children paused");
    }

    fn resume(&self) {
        let mut paused = self.paused.lock().expect("not poisoned");
        // Children first: the postmaster, woken, finds its helpers running.
        for pid in paused.drain(..).rev() {
            let _ = Command::new("kill")
                .args(["-CONT", &pid.to_string()])
                .status();
        }
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        // A paused server would not hear the stop.
        self.resume();
        let mut stop = self.program("pg_ctl");
        stop.arg("-D")
            .arg(self.data())
            .args(["-m", "immediate", "-w", "-t", "10", "stop"])
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        let stopped = stop.status().is_ok_and(|s| s.success());
        if !stopped && let Ok(pid) = std::fs::read_to_string(self.data().join("postmaster.pid")) {
            // Not stopping (or already gone): make sure nothing of it outlives the test.
            if let Some(pid) = pid.lines().next() {
                let _ = Command::new("kill").args(["-KILL", pid.trim()]).status();
            }
        }
        // The temporary directory removes itself after this.
    }
}

fn signal(name: &str, pid: u32) {
    let sent = Command::new("kill")
        .args([&format!("-{name}"), &pid.to_string()])
        .status()
        .expect("kill");
    assert!(sent.success(), "SIG{name} sent to {pid}");
}

/// Runs `command` to its end and returns its standard output; panics with its error output if it
/// failed.
fn output(command: &mut Command) -> String {
    let out = command.output().expect("run a program");
    assert!(
        out.status.success(),
        "{command:?}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8")
}

struct Instance {
    child: Child,
    url: String,
    // Held open: guichet writes to it.
    _stdout: std::io::BufReader<std::process::ChildStdout>,
}

impl Instance {
    /// Still the process started at the beginning: it neither crashed nor needed a restart.
    fn assert_running(&mut self) {
        assert!(
            self.child.try_wait().expect("wait").is_none(),
            "guichet on {} is still running",
            self.url
        );
    }

    /// Stops it as an operator would (SIGTERM), and checks that it exits cleanly.
    fn stop(mut self) {
        signal("TERM", self.child.id());
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

fn env(command: &mut Command, url: &str, dir: &Path, smtp: &str) {
    command
        .current_dir(dir)
        .env("GUICHET_DATABASE_URL", url)
        .env("GUICHET_SMTP_URL", smtp)
        .env("GUICHET_SECRET_KEY", SECRET)
        .env("GUICHET_DATA_DIR", dir.join("data"))
        .env("GUICHET_LOG", "error")
        .env(
            "GUICHET_REQUEST_TIMEOUT_SECONDS",
            REQUEST_TIMEOUT.as_secs().to_string(),
        )
        // Many registrations from this one address: no limit per minute.
        .env("GUICHET_REGISTRATIONS_PER_MINUTE", "0")
        .env_remove("GUICHET_CONFIG");
}

/// Starts `guichet serve` on a port the system picks, and waits until it is ready.
async fn start(url: &str, dir: &Path, smtp: &str) -> Instance {
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
    env(&mut command, url, dir, smtp);
    let serving = process::serve(command).await;
    Instance {
        child: serving.child,
        url: serving.url,
        _stdout: serving.stdout,
    }
}

fn run(url: &str, dir: &Path, args: &[&str], stdin: Option<&str>) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_guichet"));
    command.args(args);
    env(&mut command, url, dir, "smtp://127.0.0.1:1");
    process::run_ok(command, stdin);
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Registration,
    Scan,
    Ready,
}

/// One request of the traffic and how it was answered.
#[derive(Debug, Clone)]
struct Answer {
    kind: Kind,
    sent: Instant,
    took: Duration,
    /// `None`: no answer at all (the client gave up, or the connection broke).
    status: Option<u16>,
    retry_after: Option<String>,
    /// A scan's `outcome`.
    outcome: Option<String>,
    /// The email registered, or the registration scanned.
    subject: String,
}

impl Answer {
    fn answered(&self) -> Instant {
        self.sent + self.took
    }
}

#[derive(Default)]
struct Traffic {
    answers: Mutex<Vec<Answer>>,
    /// Registrations whose tickets the desk has not scanned yet.
    tickets: Mutex<VecDeque<(i32, String)>>,
    stop: AtomicBool,
}

impl Traffic {
    fn record(&self, answer: Answer) {
        self.answers.lock().expect("not poisoned").push(answer);
    }

    fn answers(&self) -> Vec<Answer> {
        self.answers.lock().expect("not poisoned").clone()
    }
}

/// Sends `request` and records its answer.
async fn send(
    traffic: &Traffic,
    kind: Kind,
    subject: String,
    request: reqwest::RequestBuilder,
) -> Answer {
    let sent = Instant::now();
    let response = request.send().await;
    let took = sent.elapsed();
    let answer = match response {
        Ok(response) => {
            let status = response.status().as_u16();
            let retry_after = response
                .headers()
                .get("retry-after")
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned);
            let outcome = if kind == Kind::Scan && status == 200 {
                let body: Value = response.json().await.unwrap_or(Value::Null);
                body["outcome"].as_str().map(str::to_owned)
            } else {
                None
            };
            Answer {
                kind,
                sent,
                took,
                status: Some(status),
                retry_after,
                outcome,
                subject,
            }
        }
        Err(_) => Answer {
            kind,
            sent,
            took,
            status: None,
            retry_after: None,
            outcome: None,
            subject,
        },
    };
    traffic.record(answer.clone());
    answer
}

/// A participant's browser: registers new addresses one after the other until told to stop;
/// an attempt answered 503 is not repeated (its address may or may not be stored).
async fn register(traffic: Arc<Traffic>, client: reqwest::Client, urls: Vec<String>, id: usize) {
    let mut n = 0;
    while !traffic.stop.load(Ordering::Relaxed) {
        let email = format!("c{id}-{n}@example.org");
        let url = &urls[n % urls.len()];
        let request = client
            .post(format!("{url}/api/v1/events/{SLUG}/registrations"))
            .json(&participant("Client", &format!("C{id}N{n}"), &email));
        send(&traffic, Kind::Registration, email, request).await;
        n += 1;
        tokio::time::sleep(Duration::from_millis(40)).await;
    }
}

/// A desk: scans one ticket after the other until told to stop, each with a nonce of its own;
/// a scan answered 503 is sent again with the same nonce until it is answered, as the desk's
/// page does (a retry of a scan that was recorded gets the first answer back).
async fn scan(
    traffic: Arc<Traffic>,
    client: reqwest::Client,
    urls: Vec<String>,
    token: String,
    id: usize,
) {
    let mut n = 0;
    while !traffic.stop.load(Ordering::Relaxed) {
        let Some((registration, ticket)) =
            traffic.tickets.lock().expect("not poisoned").pop_front()
        else {
            return;
        };
        let nonce = format!("desk{id}-scan{n}");
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let url = &urls[n % urls.len()];
            let request = client
                .post(format!("{url}/api/v1/events/{SLUG}/checkins"))
                .bearer_auth(&token)
                .json(&json!({ "token": ticket, "nonce": nonce }));
            let answer = send(&traffic, Kind::Scan, registration.to_string(), request).await;
            if answer.status != Some(503) || Instant::now() > deadline {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        n += 1;
        tokio::time::sleep(Duration::from_millis(150)).await;
    }
}

/// `GET /readyz` on each instance.
async fn readiness(traffic: &Traffic, client: &reqwest::Client, urls: &[String]) -> Vec<Answer> {
    let mut answers = Vec::new();
    for url in urls {
        let request = client.get(format!("{url}/readyz"));
        answers.push(send(traffic, Kind::Ready, url.clone(), request).await);
    }
    answers
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outage {
    /// `pg_ctl stop -m fast`, then `pg_ctl start`.
    Stopped,
    /// `SIGSTOP` to every process of the server, then `SIGCONT`.
    Paused,
}

async fn outage(how: Outage) {
    let began = Instant::now();
    let postgres = Postgres::start();
    let url = postgres.url();
    let dir = tempfile::tempdir().expect("temp dir");
    // Two instances' pools of SMTP connections at once.
    let mail = MailServer::start_with_threads(40);
    // Seats for everyone: each registration is then a confirmation, one email each.
    let demo = DEMO.replacen("capacity = 250", "capacity = 5000", 1);
    std::fs::write(dir.path().join("demo.toml"), demo).expect("write");
    run(&url, dir.path(), &["event", "import", "demo.toml"], None);
    run(
        &url,
        dir.path(),
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
    );
    let mut a = start(&url, dir.path(), &mail.url()).await;
    let mut b = start(&url, dir.path(), &mail.url()).await;
    let urls = vec![a.url.clone(), b.url.clone()];
    // A client that waits longer than any answer may take: a request it gives up on is a hang.
    let client = reqwest::Client::builder()
        .timeout(REQUEST_TIMEOUT + Duration::from_secs(5))
        .build()
        .expect("client");
    let login: Value = client
        .post(format!("{}/api/v1/auth/login", a.url))
        .json(&json!({ "email": "desk@example.org", "password": PASSWORD }))
        .send()
        .await
        .expect("login")
        .json()
        .await
        .expect("JSON");
    let token = login["token"].as_str().expect("a token").to_owned();

    for i in 0..TICKETS {
        let response = client
            .post(format!(
                "{}/api/v1/events/{SLUG}/registrations",
                urls[i % 2]
            ))
            .json(&participant(
                "Ticket",
                &format!("T{i}"),
                &format!("ticket{i}@example.org"),
            ))
            .send()
            .await
            .expect("request");
        assert_eq!(response.status(), 202);
    }
    let db = persistence::Database::connect(&url).await.expect("connect");
    let event = db
        .event_by_slug(&domain::Slug::parse(SLUG).expect("slug"))
        .await
        .expect("query")
        .expect("event");
    let key = TicketKey::new(SECRET.as_bytes().to_vec()).expect("key");
    let report = db
        .report_page(event.id, &persistence::ReportFilter::default(), 0, 10_000)
        .await
        .expect("registrations");
    assert_eq!(report.len(), TICKETS);
    // The test's own pool is left alone while the server is away.
    db.close().await.expect("close");
    let traffic = Arc::new(Traffic::default());
    *traffic.tickets.lock().expect("not poisoned") = report
        .iter()
        .map(|row| {
            let r = &row.registration;
            (
                r.id,
                key.issue(event.id, r.id, r.ticket_version).to_string(),
            )
        })
        .collect();

    let mut clients = Vec::new();
    for id in 0..CLIENTS {
        clients.push(tokio::spawn(register(
            traffic.clone(),
            client.clone(),
            urls.clone(),
            id,
        )));
        clients.push(tokio::spawn(scan(
            traffic.clone(),
            client.clone(),
            urls.clone(),
            token.clone(),
            id,
        )));
    }
    tokio::time::sleep(Duration::from_millis(1500)).await;

    // Away.
    let going = Instant::now();
    match how {
        Outage::Stopped => postgres.stop(),
        Outage::Paused => postgres.pause(),
    }
    let gone = Instant::now();
    // Ready no more, on both: asked all along, while the outage lasts its set time (each
    // readiness check may take its bound of 2 s).
    let polling = Arc::new(AtomicBool::new(true));
    let poller = tokio::spawn({
        let (traffic, client, urls, polling) = (
            traffic.clone(),
            client.clone(),
            urls.clone(),
            polling.clone(),
        );
        async move {
            while polling.load(Ordering::Relaxed) {
                readiness(&traffic, &client, &urls).await;
                tokio::time::sleep(Duration::from_millis(250)).await;
            }
        }
    });
    tokio::time::sleep_until((gone + OUTAGE).into()).await;
    polling.store(false, Ordering::Relaxed);

    // Back.
    let coming = Instant::now();
    match how {
        Outage::Stopped => postgres.start_again(),
        Outage::Paused => postgres.resume(),
    }
    let back = Instant::now();
    let ready_again = loop {
        let answers = readiness(&traffic, &client, &urls).await;
        if answers.iter().all(|a| a.status == Some(200)) {
            break Instant::now();
        }
        assert!(
            back.elapsed() < Duration::from_secs(20),
            "guichet ready again within 20 s: {answers:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    // Serving again: a registration 202 and a scan `ok`, both sent after the server is back.
    let served_again = |kind: Kind, status: u16, outcome: Option<&str>| {
        traffic
            .answers()
            .iter()
            .filter(|a| a.kind == kind && a.sent >= back && a.status == Some(status))
            .filter(|a| a.outcome.as_deref() == outcome)
            .map(Answer::answered)
            .min()
    };
    let (registered_again, scanned_again) = loop {
        let registered = served_again(Kind::Registration, 202, None);
        let scanned = served_again(Kind::Scan, 200, Some("ok"));
        if let (Some(r), Some(s)) = (registered, scanned) {
            break (r, s);
        }
        assert!(
            back.elapsed() < Duration::from_secs(20),
            "a registration and a scan served within 20 s of the server's return"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    tokio::time::sleep(Duration::from_millis(1000)).await;
    traffic.stop.store(true, Ordering::Relaxed);
    for task in clients {
        task.await.expect("client");
    }
    poller.await.expect("readiness poller");
    a.assert_running();
    b.assert_running();
    let answers = traffic.answers();

    // Every answer came in time, and none was a 500 or a hang.
    let slowest = answers.iter().map(|a| a.took).max().expect("answers");
    for answer in &answers {
        assert!(
            answer.took <= REQUEST_TIMEOUT + ANSWER_SLACK,
            "answered within the request timeout: {answer:?}"
        );
        match (answer.kind, answer.status) {
            (Kind::Registration, Some(202 | 503))
            | (Kind::Scan, Some(200 | 503))
            | (Kind::Ready, Some(200 | 503)) => {}
            _ => panic!("an answer other than success or 503: {answer:?}"),
        }
        if answer.status == Some(503) && answer.kind != Kind::Ready {
            let seconds: Option<u64> = answer.retry_after.as_deref().and_then(|v| v.parse().ok());
            assert!(
                seconds.is_some_and(|s| s >= 1),
                "503 with Retry-After: {answer:?}"
            );
        }
    }
    // While the server was away (sent once it had gone, answered before it was coming back)
    // nothing succeeded, and each kind of request saw it.
    let during: Vec<&Answer> = answers
        .iter()
        .filter(|a| a.sent >= gone && a.answered() < coming)
        .collect();
    for kind in [Kind::Registration, Kind::Scan, Kind::Ready] {
        let of_kind: Vec<&&Answer> = during.iter().filter(|a| a.kind == kind).collect();
        // One at least per client; the readiness poller asks each instance at least once.
        let least = if kind == Kind::Ready { 2 } else { CLIENTS };
        assert!(
            of_kind.len() >= least,
            "{kind:?} requests during the outage: {}",
            of_kind.len()
        );
        for answer in of_kind {
            assert_eq!(answer.status, Some(503), "during the outage: {answer:?}");
        }
    }

    // Each ticket taken was scanned until answered: `ok` at its first answer, or at a retry of
    // a scan recorded before its 503.
    let mut scans: BTreeMap<i32, Vec<String>> = BTreeMap::new();
    for answer in answers.iter().filter(|a| a.kind == Kind::Scan) {
        if answer.status == Some(200) {
            let id = answer.subject.parse().expect("registration id");
            let outcome = answer.outcome.clone().expect("an outcome");
            scans.entry(id).or_default().push(outcome);
        }
    }
    for (id, outcomes) in &scans {
        assert_eq!(outcomes, &["ok"], "registration {id}: one answer, ok");
    }
    let left = traffic.tickets.lock().expect("not poisoned").len();
    assert_eq!(
        scans.len() + left,
        TICKETS,
        "every ticket taken was answered"
    );
    let registered: BTreeSet<String> = answers
        .iter()
        .filter(|a| a.kind == Kind::Registration && a.status == Some(202))
        .map(|a| a.subject.clone())
        .collect();
    let tried: BTreeSet<String> = answers
        .iter()
        .filter(|a| a.kind == Kind::Registration)
        .map(|a| a.subject.clone())
        .collect();

    // What the database holds: every 202, and no address that was never sent; every `ok` scan
    // as a check-in, and no other.
    let db = persistence::Database::connect(&url).await.expect("connect");
    let report = db
        .report_page(event.id, &persistence::ReportFilter::default(), 0, 10_000)
        .await
        .expect("registrations");
    let stored: BTreeSet<String> = report
        .iter()
        .map(|row| row.registration.participant.email.as_str().to_owned())
        .filter(|email| !email.starts_with("ticket"))
        .collect();
    let missing: Vec<&String> = registered.difference(&stored).collect();
    assert!(missing.is_empty(), "202 but not stored: {missing:?}");
    assert!(stored.is_subset(&tried), "stored, never sent");
    let checked_in: BTreeSet<i32> = report
        .iter()
        .filter(|row| !row.checkins.is_empty())
        .map(|row| row.registration.id)
        .collect();
    let ok: BTreeSet<i32> = scans.keys().copied().collect();
    assert_eq!(checked_in, ok, "the check-ins are the `ok` scans");
    for row in &report {
        assert!(row.checkins.len() <= 1, "one check-in per registration");
    }

    // The workers waited and sent every message once the server was back: one confirmation
    // per registration, none given up on.
    let registrations = report.len();
    // Normally done within a few seconds of the return.
    let deadline = Instant::now() + Duration::from_secs(20);
    let counts = loop {
        let counts = db.outbox_counts().await.expect("counts");
        if (counts.pending == 0 && mail.messages().len() >= registrations)
            || Instant::now() > deadline
        {
            break counts;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    let delivered_by = began.elapsed();
    drop(client);
    tokio::task::spawn_blocking(move || {
        a.stop();
        b.stop();
    })
    .await
    .expect("both stopped");
    let registrations = u64::try_from(registrations).expect("count");
    let messages = mail.messages();
    // The figures first: they tell what happened when an assertion below fails.
    let count = |kind: Kind, status: u16| {
        answers
            .iter()
            .filter(|a| a.kind == kind && a.status == Some(status))
            .count()
    };
    let ms = |d: Duration| d.as_millis();
    eprintln!(
        "{how:?}: server away in {} ms, back in {} ms; guichet ready {} ms after, a 202 {} ms \
         after, an ok {} ms after. Registrations {} answered 202, {} answered 503 ({} of those \
         stored all the same); scans {} ok, {} 503 answers; slowest answer {} ms; {} messages \
         delivered, outbox {counts:?}; {} ms in all",
        ms(gone - going),
        ms(back - coming),
        ms(ready_again - back),
        ms(registered_again.saturating_duration_since(back)),
        ms(scanned_again.saturating_duration_since(back)),
        registered.len(),
        count(Kind::Registration, 503),
        stored.difference(&registered).count(),
        ok.len(),
        count(Kind::Scan, 503),
        ms(slowest),
        messages.len(),
        ms(delivered_by),
    );
    let recipients: BTreeSet<&str> = messages.iter().map(|m| m.to[0].as_str()).collect();
    assert_eq!(messages.len() as u64, registrations, "each message once");
    assert_eq!(recipients.len() as u64, registrations, "one message each");
    for email in &registered {
        assert!(recipients.contains(email.as_str()), "{email} got its email");
    }
    // Delivered, and recorded so: a message whose delivery is not recorded stays claimed until
    // its lease lapses (2 minutes), then is sent again.
    assert_eq!(
        (counts.pending, counts.sent, counts.failed),
        (0, registrations, 0),
        "every message delivered is recorded sent, none failed"
    );
    db.close().await.expect("close");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn postgres_stopped_under_traffic_is_503_then_served_again_with_nothing_lost() {
    outage(Outage::Stopped).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn postgres_paused_under_traffic_is_503_then_served_again_with_nothing_lost() {
    outage(Outage::Paused).await;
}

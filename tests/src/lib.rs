//! Helpers for guichet's end-to-end tests: the real application on a random port, over real HTTP,
//! on a fresh real database.
//!
//! The database is a temporary SQLite file, or — when `GUICHET_TEST_DATABASE_URL` is set (CI sets
//! it) — a new PostgreSQL database created on that server for the one test and dropped after it.
//! When that variable is set and the server cannot be reached, the test fails: it never quietly
//! falls back to SQLite.
//!
//! Uses the other crates as a client would: the app through its HTTP API and pages, the database
//! only to set up or inspect state. No guichet crate may depend on this one but as a
//! dev-dependency.

use chrono::{DateTime, Utc};
use domain::{Clock, RunningClock, TicketKey};
use mail_parser::MimeHeaders;
use persistence::Database;
use sea_orm::ConnectionTrait;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::Mutex;

pub mod browser;
pub mod faulty_smtp;
pub mod net_proxy;
pub mod pdf;
pub mod process;

/// The variable that selects PostgreSQL for the tests.
pub const DATABASE_URL_VAR: &str = "GUICHET_TEST_DATABASE_URL";

/// A database that exists for one test.
#[derive(Debug)]
pub struct TestDatabase {
    pub url: String,
    postgres: Option<PostgresScratch>,
    _dir: Option<tempfile::TempDir>,
}

#[derive(Debug)]
struct PostgresScratch {
    server_url: String,
    name: String,
}

/// The URL of database `name` on the server of `server_url` (whose own path, if any, is replaced).
fn with_database(server_url: &str, name: &str) -> String {
    let (base, query) = match server_url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (server_url, None),
    };
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let authority_end = base[scheme_end..]
        .find('/')
        .map_or(base.len(), |i| scheme_end + i);
    let mut url = format!("{}/{name}", &base[..authority_end]);
    if let Some(q) = query {
        url.push('?');
        url.push_str(q);
    }
    url
}

impl TestDatabase {
    /// A fresh, empty database (not yet migrated).
    pub async fn new() -> Self {
        match std::env::var(DATABASE_URL_VAR) {
            Ok(server_url) if !server_url.is_empty() => {
                let name = format!("guichet_test_{}", uuid::Uuid::new_v4().simple());
                let admin = sea_orm::Database::connect(with_database(&server_url, "postgres"))
                    .await
                    .unwrap_or_else(|e| {
                        panic!("{DATABASE_URL_VAR} is set but PostgreSQL is unreachable: {e}")
                    });
                admin
                    .execute_unprepared(&format!("CREATE DATABASE {name}"))
                    .await
                    .unwrap_or_else(|e| panic!("cannot create the test database {name}: {e}"));
                let _ = admin.close().await;
                Self {
                    url: with_database(&server_url, &name),
                    postgres: Some(PostgresScratch { server_url, name }),
                    _dir: None,
                }
            }
            _ => {
                let dir = tempfile::tempdir().expect("a temporary directory");
                let url = format!("sqlite://{}/guichet.db", dir.path().display());
                Self {
                    url,
                    postgres: None,
                    _dir: Some(dir),
                }
            }
        }
    }

    pub fn is_postgres(&self) -> bool {
        self.postgres.is_some()
    }

    /// The rows of `sql`, two integer columns each (cast to `BIGINT`: PostgreSQL's ids are
    /// `INT4`), read straight from the database: for what no API of guichet shows (the outbox's
    /// claims), through a connection of the test's own.
    pub async fn integer_pairs(&self, sql: &str) -> Vec<(i64, i64)> {
        use sea_orm::{DbBackend, Statement};
        let backend = if self.is_postgres() {
            DbBackend::Postgres
        } else {
            DbBackend::Sqlite
        };
        let conn = sea_orm::Database::connect(self.url.as_str())
            .await
            .expect("connect");
        let rows = conn
            .query_all_raw(Statement::from_string(backend, sql))
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"));
        let _ = conn.close().await;
        rows.iter()
            .map(|row| {
                (
                    row.try_get_by_index::<i64>(0).expect("an integer"),
                    row.try_get_by_index::<i64>(1).expect("an integer"),
                )
            })
            .collect()
    }

    /// Connects and migrates.
    pub async fn connect(&self) -> Database {
        let db = Database::connect(&self.url)
            .await
            .expect("connect to the test database");
        db.migrate().await.expect("migrate the test database");
        db
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let Some(pg) = self.postgres.take() else {
            return;
        };
        // Drop runs inside the test's runtime, which cannot block on async work: use a thread with
        // a runtime of its own.
        let handle = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build();
            if let Ok(runtime) = runtime {
                runtime.block_on(async {
                    if let Ok(admin) =
                        sea_orm::Database::connect(with_database(&pg.server_url, "postgres")).await
                    {
                        let _ = admin
                            .execute_unprepared(&format!(
                                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                                pg.name
                            ))
                            .await;
                        let _ = admin.close().await;
                    }
                });
            }
        });
        let _ = handle.join();
    }
}

/// A clock tests can move: it starts at an instant, runs on, and can be set to another instant
/// while guichet runs (the desk at 08:59:59, then at 09:00:00).
#[derive(Debug)]
pub struct TestClock(Mutex<RunningClock>);

impl TestClock {
    pub fn starting_at(start: DateTime<Utc>) -> Self {
        Self(Mutex::new(RunningClock::starting_at(start)))
    }

    pub fn set(&self, now: DateTime<Utc>) {
        *self.0.lock().expect("not poisoned") = RunningClock::starting_at(now);
    }
}

impl Clock for TestClock {
    fn now(&self) -> DateTime<Utc> {
        self.0.lock().expect("not poisoned").now()
    }

    fn is_real(&self) -> bool {
        false
    }
}

/// The password every test staff account gets.
pub const STAFF_PASSWORD: &str = "correct horse battery staple";

/// A message the test SMTP server received.
#[derive(Debug, Clone)]
pub struct ReceivedMail {
    pub to: Vec<String>,
    pub data: Vec<u8>,
}

impl ReceivedMail {
    pub fn parsed(&self) -> mail_parser::Message<'_> {
        mail_parser::MessageParser::default()
            .parse(&self.data)
            .expect("a parsable message")
    }
}

#[derive(Clone)]
struct Collector {
    to: Vec<String>,
    data: Vec<u8>,
    received: Arc<Mutex<Vec<ReceivedMail>>>,
}

impl mailin_embedded::Handler for Collector {
    fn data_start(
        &mut self,
        _domain: &str,
        _from: &str,
        _is8bit: bool,
        to: &[String],
    ) -> mailin_embedded::Response {
        self.to = to.to_vec();
        self.data.clear();
        mailin_embedded::response::OK
    }

    fn data(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.data.extend_from_slice(buf);
        Ok(())
    }

    fn data_end(&mut self) -> mailin_embedded::Response {
        let mail = ReceivedMail {
            to: std::mem::take(&mut self.to),
            data: std::mem::take(&mut self.data),
        };
        self.received.lock().expect("not poisoned").push(mail);
        mailin_embedded::response::OK
    }
}

/// A real SMTP server on a local port, keeping every message it receives. It runs on its own
/// threads until the test process ends.
#[derive(Debug, Clone)]
pub struct MailServer {
    pub port: u16,
    received: Arc<Mutex<Vec<ReceivedMail>>>,
}

/// A free local port (bound, then released), for programs that cannot listen on port 0 and say
/// which port they got (chromedriver). Another process may take the port in between: never use
/// it for guichet or the SMTP server, which bind port 0.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// Reads a `guichet serve` process's standard output up to the line that says where it serves
/// (it binds port 0 in tests) and returns that URL, without its trailing slash. Keep `stdout`
/// open afterwards: guichet prints a few more lines, and a closed pipe would stop it.
pub fn serving_url(stdout: &mut impl std::io::BufRead) -> String {
    let mut line = String::new();
    loop {
        line.clear();
        let read = stdout.read_line(&mut line).expect("guichet's output");
        assert!(read > 0, "guichet stopped before serving");
        if let Some(url) = line.trim().strip_prefix("guichet is serving on ") {
            return url.trim_end_matches('/').to_owned();
        }
    }
}

/// Connections one test server handles at once: a test worker's pool and a few more.
const SMTP_THREADS: u32 = 8;

impl MailServer {
    /// Starts a server on a port the system picks.
    pub fn start() -> Self {
        Self::start_with_threads(SMTP_THREADS)
    }

    /// Starts a server handling `threads` connections at once (each thread lives as long as the
    /// test process: raise it only for several instances' pools of connections).
    pub fn start_with_threads(threads: u32) -> Self {
        let listener = std::net::TcpListener::bind(("127.0.0.1", 0)).expect("bind an SMTP port");
        Self::serve(listener, threads)
    }

    fn serve(listener: std::net::TcpListener, threads: u32) -> Self {
        let port = listener.local_addr().expect("the SMTP port").port();
        let received = Arc::new(Mutex::new(Vec::new()));
        let handler = Collector {
            to: Vec::new(),
            data: Vec::new(),
            received: received.clone(),
        };
        let mut server = mailin_embedded::Server::new(handler);
        server
            .with_name("smtp.test")
            .with_num_threads(threads)
            .with_tcp_listener(listener);
        std::thread::spawn(move || {
            let _ = server.serve();
        });
        Self { port, received }
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    pub fn messages(&self) -> Vec<ReceivedMail> {
        self.received.lock().expect("not poisoned").clone()
    }

    /// Waits until at least `count` messages arrived (at most 20 s), and returns them all.
    pub async fn wait_for(&self, count: usize) -> Vec<ReceivedMail> {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
        loop {
            let messages = self.messages();
            if messages.len() >= count || std::time::Instant::now() > deadline {
                return messages;
            }
            tokio::time::sleep(std::time::Duration::from_millis(25)).await;
        }
    }

    /// The messages sent to `address`.
    pub fn messages_to(&self, address: &str) -> Vec<ReceivedMail> {
        self.messages()
            .into_iter()
            .filter(|m| m.to.iter().any(|to| to.eq_ignore_ascii_case(address)))
            .collect()
    }
}

/// An SMTP server that is down: connections to its port are refused until it comes back, on
/// the same port. The port is held by a socket bound but not listening: the system refuses
/// connections to it, and no other program can take the port meanwhile (releasing a port and
/// binding it again later could find it taken).
#[derive(Debug)]
pub struct DownMailServer {
    pub port: u16,
    socket: tokio::net::TcpSocket,
}

impl DownMailServer {
    pub fn new() -> Self {
        let socket = tokio::net::TcpSocket::new_v4().expect("a socket");
        socket
            .bind(SocketAddr::from(([127, 0, 0, 1], 0)))
            .expect("bind an SMTP port");
        let port = socket.local_addr().expect("the SMTP port").port();
        Self { port, socket }
    }

    /// The server starts listening on its port (call it inside the test's runtime).
    pub fn come_back(self) -> MailServer {
        let listener = self
            .socket
            .listen(128)
            .and_then(tokio::net::TcpListener::into_std)
            .expect("listen on the SMTP port");
        // The SMTP server accepts on threads of its own, blocking.
        listener.set_nonblocking(false).expect("blocking socket");
        MailServer::serve(listener, SMTP_THREADS)
    }
}

impl Default for DownMailServer {
    fn default() -> Self {
        Self::new()
    }
}

/// How to start a test guichet.
#[derive(Debug, Clone)]
pub struct Options {
    /// Where its clock starts.
    pub now: DateTime<Utc>,
    /// The port of the SMTP server it sends to ([`MailServer`], or [`DownMailServer`]).
    pub smtp_port: u16,
    /// Whether its outbox worker runs in the background.
    pub worker: bool,
    /// Its abuse limits: [`guichet::Limits::default`] is what `serve` runs with by default
    /// (20 registrations per client address and minute: a test that registers more from its one
    /// address sets `registrations_per_minute: 0`, as the benchmarks do).
    pub limits: guichet::Limits,
}

/// A running guichet.
#[derive(Debug)]
pub struct TestApp {
    pub addr: SocketAddr,
    /// Where its `/metrics` is served (never on `addr`).
    pub metrics_addr: SocketAddr,
    pub db: Database,
    pub client: reqwest::Client,
    pub key: TicketKey,
    /// The service's clock.
    pub clock: Arc<dyn Clock>,
    test_clock: Arc<TestClock>,
    composer: Arc<mailer::Composer>,
    options: Options,
    /// Its server and worker; dropping it stops them.
    running: tokio::sync::Mutex<guichet::Running>,
    // Dropped last: the server and pool must let go of the database first.
    pub database: Arc<TestDatabase>,
}

/// What a test expects the outbox to hold when it ends (see [`TestApp::assert_outbox`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Outbox {
    /// Waiting to be sent: queued while no worker ran.
    pub pending: u64,
    /// Given up on after the last attempt.
    pub failed: u64,
}

impl Outbox {
    /// Nothing waiting, nothing given up on.
    pub const SETTLED: Outbox = Outbox {
        pending: 0,
        failed: 0,
    };

    /// `n` messages waiting (queued while no worker ran), none given up on.
    pub fn pending(n: u64) -> Self {
        Self {
            pending: n,
            failed: 0,
        }
    }
}

/// The demo's first day, 08:30 in Geneva: registration open, desk not yet.
pub fn demo_morning() -> DateTime<Utc> {
    instant("2008-07-07T08:30:00+02:00")
}

/// An RFC 3339 instant.
pub fn instant(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .expect("valid instant")
        .with_timezone(&Utc)
}

/// The secret every test guichet signs tickets with.
pub fn test_key() -> TicketKey {
    TicketKey::new(b"guichet end-to-end tests' ticket key".to_vec()).expect("long enough")
}

/// Worker pacing for tests: quick polls, retries after a fifth of a second.
pub fn test_worker_settings() -> mailer::WorkerSettings {
    mailer::WorkerSettings {
        poll_interval: std::time::Duration::from_millis(50),
        retry_base: std::time::Duration::from_millis(200),
        max_backoff: std::time::Duration::from_millis(400),
        max_attempts: 50,
        batch: 20,
        concurrency: 4,
        lease: std::time::Duration::from_secs(10),
    }
}

impl TestApp {
    /// guichet with the demo event loaded, on a fresh database.
    pub async fn spawn_with(options: Options) -> Self {
        let database = Arc::new(TestDatabase::new().await);
        let db = database.connect().await;
        guichet::load_demo(&db).await.expect("load the demo event");
        Self::start(database, db, options, guichet::ServerLimits::default()).await
    }

    /// guichet with the demo event on a fresh database, like [`TestApp::spawn`], serving with
    /// these limits (connections, timeouts, frames decoded at once).
    pub async fn spawn_limited(limits: guichet::ServerLimits) -> Self {
        let database = Arc::new(TestDatabase::new().await);
        let db = database.connect().await;
        guichet::load_demo(&db).await.expect("load the demo event");
        let options = Options {
            now: demo_morning(),
            smtp_port: MailServer::start().port,
            worker: false,
            limits: guichet::Limits::default(),
        };
        Self::start(database, db, options, limits).await
    }

    /// A second instance on the same database, beside this one (as behind a load balancer):
    /// its own pool, writers, clock (starting at `options.now`) and in-memory limits.
    pub async fn second_instance(&self, options: Options) -> Self {
        let db = self.database.connect().await;
        Self::start(
            self.database.clone(),
            db,
            options,
            guichet::ServerLimits::default(),
        )
        .await
    }

    /// Another guichet on the same database, as after a restart.
    pub async fn restart(self, options: Options) -> Self {
        let database = self.database.clone();
        drop(self);
        let db = database.connect().await;
        Self::start(database, db, options, guichet::ServerLimits::default()).await
    }

    /// guichet as `serve` builds it, with the test's clock, key and worker settings, on port 0.
    async fn start(
        database: Arc<TestDatabase>,
        db: Database,
        options: Options,
        limits: guichet::ServerLimits,
    ) -> Self {
        let test_clock = Arc::new(TestClock::starting_at(options.now));
        let clock: Arc<dyn Clock> = test_clock.clone();
        let key = test_key();
        let sender = mailer::Sender {
            from: "Guichet test <guichet@guichet.test>"
                .parse()
                .expect("address"),
            reply_to: Some(
                "Organisers <organisers@guichet.test>"
                    .parse()
                    .expect("address"),
            ),
        };
        let worker = options.worker.then(|| guichet::WorkerConfig {
            transport: smtp_transport(options.smtp_port),
            settings: test_worker_settings(),
        });
        let app = guichet::App::build(guichet::AppSettings {
            db: db.clone(),
            ticket_key: key.clone(),
            clock: clock.clone(),
            bind: SocketAddr::from(([127, 0, 0, 1], 0)),
            // The links in emails point at this very server, whatever port it got.
            base_url: None,
            sender,
            worker,
            tls: None,
            limits: options.limits.clone(),
            server_limits: limits,
            // Every test guichet serves its figures, on a port of its own.
            metrics_bind: Some(SocketAddr::from(([127, 0, 0, 1], 0))),
        })
        .await
        .expect("build guichet");
        let addr = app.local_addr();
        let metrics_addr = app.metrics_addr().expect("a metrics listener");
        let composer = app.composer();
        Self {
            addr,
            metrics_addr,
            db,
            client: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .expect("an HTTP client"),
            key,
            clock,
            test_clock,
            composer,
            options,
            running: tokio::sync::Mutex::new(app.spawn()),
            database,
        }
    }

    fn worker(&self, clock: Arc<dyn Clock>) -> mailer::Worker<guichet::outbox::DbOutbox> {
        guichet::outbox_worker(
            self.db.clone(),
            self.key.clone(),
            self.composer.clone(),
            smtp_transport(self.options.smtp_port),
            clock,
            test_worker_settings(),
        )
    }

    /// Stops the background worker, if one runs, and waits until it has finished the message
    /// in hand: after this no delivery is under way, and what the SMTP server holds is final.
    pub async fn stop_worker(&self) {
        self.running.lock().await.stop_worker().await;
    }

    /// Messages the outbox tried to send and has not sent yet (each to be retried, or failed).
    pub async fn outbox_attempted_unsent(&self) -> u64 {
        self.count("SELECT COUNT(*) AS n FROM outbox WHERE attempts > 0 AND sent_at IS NULL")
            .await
    }

    /// The number `sql` (a `SELECT COUNT(*) AS n …`) counts, read straight from the database:
    /// for what no API shows (the rows of a throttle, say).
    pub async fn count(&self, sql: &str) -> u64 {
        use sea_orm::{DbBackend, Statement};
        let backend = if self.database.is_postgres() {
            DbBackend::Postgres
        } else {
            DbBackend::Sqlite
        };
        let conn = sea_orm::Database::connect(self.database.url.as_str())
            .await
            .expect("connect");
        let row = conn
            .query_one_raw(Statement::from_string(backend, sql))
            .await
            .expect("count")
            .expect("a row");
        let _ = conn.close().await;
        u64::try_from(row.try_get::<i64>("", "n").expect("a count")).expect("not negative")
    }

    /// Runs one SQL statement on the test database, on a connection of its own: for a test to
    /// set up a state no route writes directly.
    pub async fn execute(&self, sql: &str) {
        let conn = sea_orm::Database::connect(self.database.url.as_str())
            .await
            .expect("connect");
        conn.execute_unprepared(sql).await.expect("executed");
        let _ = conn.close().await;
    }

    /// Ends a test: the outbox holds exactly what `expected` says, no more and no less. With a
    /// background worker, once it got there (at most 20 s), and the worker is then stopped, so
    /// that no delivery is under way afterwards.
    pub async fn assert_outbox(&self, expected: Outbox) {
        let read = || async {
            let counts = self.db.outbox_counts().await.expect("outbox counts");
            Outbox {
                pending: counts.pending,
                failed: counts.failed,
            }
        };
        let mut running = self.running.lock().await;
        if running.has_worker() {
            let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
            while read().await != expected && std::time::Instant::now() < deadline {
                tokio::time::sleep(std::time::Duration::from_millis(25)).await;
            }
            running.stop_worker().await;
        }
        drop(running);
        assert_eq!(read().await, expected, "the outbox at the end of the test");
    }

    /// Like [`TestApp::drain_outbox`], with a worker paced by `settings`.
    pub async fn drain_outbox_with(
        &self,
        settings: mailer::WorkerSettings,
    ) -> mailer::worker::Pass {
        self.drain_outbox_to(self.options.smtp_port, settings).await
    }

    /// Like [`TestApp::drain_outbox_with`], with every delivery refused: the SMTP server is down.
    pub async fn drain_outbox_while_smtp_is_down(
        &self,
        settings: mailer::WorkerSettings,
    ) -> mailer::worker::Pass {
        let down = DownMailServer::new();
        self.drain_outbox_to(down.port, settings).await
    }

    async fn drain_outbox_to(
        &self,
        smtp_port: u16,
        settings: mailer::WorkerSettings,
    ) -> mailer::worker::Pass {
        guichet::outbox_worker(
            self.db.clone(),
            self.key.clone(),
            self.composer.clone(),
            smtp_transport(smtp_port),
            self.clock.clone(),
            settings,
        )
        .run_once()
        .await
        .expect("the outbox is reachable")
    }

    /// Sends every message due now, in the test's own task, as a worker would.
    pub async fn drain_outbox(&self) -> mailer::worker::Pass {
        self.worker(self.clock.clone())
            .run_once()
            .await
            .expect("the outbox is reachable")
    }

    /// guichet with the demo event at `now`, with no worker: its messages wait in the outbox,
    /// for an SMTP server that nobody reads.
    pub async fn spawn_at(now: DateTime<Utc>) -> Self {
        Self::spawn_with(Options {
            now,
            smtp_port: MailServer::start().port,
            worker: false,
            limits: guichet::Limits::default(),
        })
        .await
    }

    /// guichet with the demo event, on the morning of its first day (see [`TestApp::spawn_at`]).
    pub async fn spawn() -> Self {
        Self::spawn_at(demo_morning()).await
    }

    /// The service's current time.
    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// Moves the service's clock.
    pub fn set_clock(&self, now: DateTime<Utc>) {
        self.test_clock.set(now);
    }

    /// Creates a staff account with [`STAFF_PASSWORD`] and this role at the demo event.
    pub async fn add_staff(&self, email: &str, role: domain::Role) {
        self.add_staff_at(email, role, &[DEMO_SLUG]).await;
    }

    /// Creates a staff account with [`STAFF_PASSWORD`] and no grant; returns its id.
    pub async fn add_account(&self, email: &str) -> i32 {
        let hash = domain::Password::new(STAFF_PASSWORD)
            .expect("long enough")
            .hash(&[3; 16])
            .expect("hashes");
        self.db
            .add_staff(
                email,
                &hash,
                self.now(),
                &persistence::ByWhom::command_line(),
            )
            .await
            .expect("saved")
            .0
    }

    /// Creates a staff account with [`STAFF_PASSWORD`] and this role at each of these events.
    pub async fn add_staff_at(&self, email: &str, role: domain::Role, slugs: &[&str]) {
        let staff_id = self.add_account(email).await;
        for slug in slugs {
            let event = self.event(slug).await;
            self.db
                .grant(
                    staff_id,
                    event.id,
                    role,
                    self.now(),
                    &persistence::ByWhom::command_line(),
                )
                .await
                .expect("granted");
        }
    }

    /// Gives the account `email` this role at event `slug` (the next request counts it).
    pub async fn grant(&self, email: &str, slug: &str, role: domain::Role) {
        let member = self
            .db
            .staff_member(email)
            .await
            .expect("query")
            .expect("the account exists");
        let event = self.event(slug).await;
        self.db
            .grant(
                member.id,
                event.id,
                role,
                self.now(),
                &persistence::ByWhom::command_line(),
            )
            .await
            .expect("granted");
    }

    /// Creates an admin of the whole instance with [`STAFF_PASSWORD`].
    pub async fn add_admin(&self, email: &str) {
        let staff_id = self.add_account(email).await;
        self.db
            .set_admin(staff_id, self.now(), &persistence::ByWhom::command_line())
            .await
            .expect("admin");
    }

    /// The stored event with this slug.
    pub async fn event(&self, slug: &str) -> persistence::StoredEvent {
        self.db
            .event_by_slug(&domain::Slug::parse(slug).expect("a slug"))
            .await
            .expect("query")
            .expect("the event exists")
    }

    /// Signs in through the API; returns the device token.
    pub async fn login(&self, email: &str) -> String {
        let response = self
            .client
            .post(self.url("/api/v1/auth/login"))
            .json(&serde_json::json!({ "email": email, "password": STAFF_PASSWORD }))
            .send()
            .await
            .expect("request");
        assert_eq!(response.status(), 200, "login of {email}");
        let body: serde_json::Value = response.json().await.expect("JSON");
        body["token"].as_str().expect("a token").to_owned()
    }

    /// The sign-in form as a browser gets it: its CSRF cookie (`name=value`) and the token in
    /// its `csrf` field.
    pub async fn login_form(&self) -> (String, String) {
        let response = self.get("/login").await;
        assert_eq!(response.status(), 200, "the sign-in form");
        let cookie = set_cookie(&response, "guichet_login_csrf").expect("the form's CSRF cookie");
        let html = response.text().await.expect("body");
        let token = hidden_field(&html, "csrf").expect("a CSRF token in the form");
        (cookie, token)
    }

    /// POSTs the sign-in form as a browser does after opening it: with its cookie and token.
    pub async fn post_login(&self, fields: &[(&str, &str)]) -> reqwest::Response {
        let (cookie, token) = self.login_form().await;
        let mut form = fields.to_vec();
        form.push(("csrf", &token));
        self.client
            .post(self.url("/login"))
            .header("cookie", cookie)
            .header("accept-language", "en")
            .form(&form)
            .send()
            .await
            .expect("request")
    }

    /// Signs in through the login form; returns the session cookie (`name=value`) and the CSRF
    /// token that the page at `page` embeds.
    pub async fn browser_session(&self, email: &str, page: &str) -> (String, String) {
        let response = self
            .post_login(&[
                ("email", email),
                ("password", STAFF_PASSWORD),
                ("next", "/"),
            ])
            .await;
        assert_eq!(response.status(), 303, "signed in");
        let cookie = set_cookie(&response, "guichet_session").expect("the session cookie");
        let html = self
            .get_with_cookie(page, &cookie)
            .await
            .text()
            .await
            .expect("body");
        let csrf = html
            .split("name=\"csrf\" value=\"")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .expect("a CSRF token in the page")
            .to_owned();
        (cookie, csrf)
    }

    /// GET with a session cookie.
    pub async fn get_with_cookie(&self, path: &str, cookie: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .header("cookie", cookie)
            .header("accept-language", "en")
            .send()
            .await
            .expect("request")
    }

    /// POSTs a form with a session cookie.
    pub async fn post_form(
        &self,
        path: &str,
        cookie: &str,
        form: &[(&str, &str)],
    ) -> reqwest::Response {
        self.client
            .post(self.url(path))
            .header("cookie", cookie)
            .header("accept-language", "en")
            .form(form)
            .send()
            .await
            .expect("request")
    }

    /// Registers someone directly and returns their registration and ticket token.
    pub async fn ticket(
        &self,
        event: &persistence::StoredEvent,
        given: &str,
        family: &str,
        email: &str,
    ) -> (domain::Registration, String) {
        let form: domain::RegistrationForm =
            serde_json::from_value(participant(given, family, email)).expect("a form");
        let participant = form.parse(&event.event).expect("valid");
        let registered = self
            .db
            .register(event.id, participant, self.clock.clone())
            .await
            .expect("registered");
        let registration = registered.registration().clone();
        let token = self
            .key
            .issue(event.id, registration.id, registration.ticket_version)
            .to_string();
        (registration, token)
    }

    /// POSTs a check-in with a bearer token; returns the status and the JSON answer.
    pub async fn scan(
        &self,
        bearer: &str,
        slug: &str,
        body: serde_json::Value,
    ) -> (u16, serde_json::Value) {
        let response = self
            .client
            .post(self.url(&format!("/api/v1/events/{slug}/checkins")))
            .bearer_auth(bearer)
            .header("accept-language", "en")
            .json(&body)
            .send()
            .await
            .expect("request");
        let status = response.status().as_u16();
        let text = response.text().await.expect("body");
        (
            status,
            serde_json::from_str(&text).unwrap_or(serde_json::Value::String(text)),
        )
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// GET `path` with an Accept-Language header.
    pub async fn get_in(&self, path: &str, accept_language: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .header("accept-language", accept_language)
            .send()
            .await
            .expect("request sent")
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.get_in(path, "en").await
    }

    /// POSTs a JSON registration for `slug`.
    pub async fn register_json(&self, slug: &str, body: &serde_json::Value) -> reqwest::Response {
        self.client
            .post(self.url(&format!("/api/v1/events/{slug}/registrations")))
            .header("accept-language", "en")
            .json(body)
            .send()
            .await
            .expect("request sent")
    }

    /// The demo event, as stored.
    pub async fn demo_event(&self) -> persistence::StoredEvent {
        self.db
            .event_by_slug(&domain::Slug::parse(DEMO_SLUG).expect("slug"))
            .await
            .expect("query")
            .expect("the demo event")
    }

    /// A copy of the demo event under another slug, with `seats` seats.
    pub async fn add_event(&self, slug: &str, seats: u32) -> persistence::StoredEvent {
        let mut event = domain::Event::clone(&self.demo_event().await.event);
        event.slug = domain::Slug::parse(slug).expect("slug");
        event.capacity = domain::Capacity::new(seats).expect("seats");
        self.db
            .save_event(&event, self.options.now)
            .await
            .expect("save");
        self.db
            .event_by_slug(&event.slug)
            .await
            .expect("query")
            .expect("saved")
    }
}

/// The cookie `name` that `response` sets, as `name=value` (what a browser sends back).
pub fn set_cookie(response: &reqwest::Response, name: &str) -> Option<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|v| v.split(';').next())
        .find(|pair| pair.split_once('=').is_some_and(|(n, _)| n == name))
        .map(str::to_owned)
}

/// The value of the hidden field `name` in a page.
pub fn hidden_field(html: &str, name: &str) -> Option<String> {
    html.split(&format!("name=\"{name}\" value=\""))
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .map(unescape_html)
}

/// The SMTP transport to the test server on `port`.
fn smtp_transport(port: u16) -> mailer::Transport {
    mailer::Transport::smtp(
        &format!("smtp://127.0.0.1:{port}"),
        test_worker_settings().concurrency,
        std::time::Duration::from_secs(30),
    )
    .expect("SMTP URL")
}

/// A registration for the demo, as the API takes it.
pub fn participant(given: &str, family: &str, email: &str) -> serde_json::Value {
    serde_json::json!({
        "given_name": given,
        "family_name": family,
        "email": email,
        "organisation": "Mission permanente",
        "function": "Attachée",
        "category": "member_state",
        "country": "CH",
        "language": "fr",
        "needs": null,
        "consent": true,
    })
}

/// The ticket token in a ticket email: the QR code attached, decoded by rqrr (an independent QR
/// decoder, not the crate that drew it).
pub fn token_from_qr(mail: &ReceivedMail) -> String {
    let message = mail.parsed();
    let png = message
        .attachments()
        .find(|part| part.attachment_name() == Some("ticket-qr.png"))
        .expect("the QR code attached")
        .contents()
        .to_vec();
    decode_qr(&png)
}

/// Decodes the QR code in a PNG.
pub fn decode_qr(png: &[u8]) -> String {
    let image = image::load_from_memory(png).expect("a PNG").to_luma8();
    let mut prepared = rqrr::PreparedImage::prepare(image);
    let grids = prepared.detect_grids();
    assert_eq!(grids.len(), 1, "one QR code in the image");
    let (_, content) = grids[0].decode().expect("a readable QR code");
    content
}

/// A small PNG whose header declares `width` × `height` pixels: its image data is a few bytes,
/// so only a decoder that believed the header would allocate for it (a 20,000 × 20,000 one would
/// take gigabytes).
pub fn png_declaring(width: u32, height: u32) -> Vec<u8> {
    let mut bytes = Vec::new();
    image::GrayImage::from_pixel(8, 8, image::Luma([255]))
        .write_to(
            &mut std::io::Cursor::new(&mut bytes),
            image::ImageFormat::Png,
        )
        .expect("encode a PNG");
    // The signature (8 bytes), then the IHDR chunk: length (4), type (4), width, height, five
    // more bytes, and the CRC of type and data.
    bytes[16..20].copy_from_slice(&width.to_be_bytes());
    bytes[20..24].copy_from_slice(&height.to_be_bytes());
    let crc = crc32fast::hash(&bytes[12..29]);
    bytes[29..33].copy_from_slice(&crc.to_be_bytes());
    bytes
}

/// The demo event's slug.
pub const DEMO_SLUG: &str = "idm-2008-migration-de-retour";

/// The text of an HTML page with the entities that minijinja's escaping produces turned back into
/// characters, so tests can look for names as people read them.
pub fn unescape_html(html: &str) -> String {
    html.replace("&#x27;", "'")
        .replace("&#x2f;", "/")
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// Asserts that `needles` appear in `haystack` in this order, each after the previous one.
pub fn assert_in_order(haystack: &str, needles: &[&str]) {
    let mut from = 0;
    for needle in needles {
        match haystack[from..].find(needle) {
            Some(at) => from += at + needle.len(),
            None => panic!(
                "{needle:?} not found after position {from} (found anywhere: {})",
                haystack.contains(needle)
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::with_database;

    #[test]
    fn database_urls_are_rewritten_to_the_scratch_database() {
        assert_eq!(
            with_database("postgres://postgres@127.0.0.1:5432", "x"),
            "postgres://postgres@127.0.0.1:5432/x"
        );
        assert_eq!(
            with_database("postgres://u:p@h/db?sslmode=disable", "x"),
            "postgres://u:p@h/x?sslmode=disable"
        );
    }
}

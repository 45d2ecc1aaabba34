//! Helpers for guichet's end-to-end tests: the real application on a random port, over real HTTP,
//! on a fresh real database.
//!
//! The database is a temporary SQLite file, or — when `GUICHET_TEST_DATABASE_URL` is set (CI sets
//! it) — a new PostgreSQL database created on that server for the one test and dropped after it.
//! When that variable is set and the server cannot be reached, the test fails: it never quietly
//! falls back to SQLite.

use chrono::{DateTime, Utc};
use domain::RunningClock;
use persistence::Database;
use sea_orm::ConnectionTrait;
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::sync::oneshot;

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

/// A running guichet.
#[derive(Debug)]
pub struct TestApp {
    pub addr: SocketAddr,
    pub db: Database,
    pub client: reqwest::Client,
    shutdown: Option<oneshot::Sender<()>>,
    // Dropped last: the server and pool must let go of the database first.
    pub database: TestDatabase,
}

/// The demo's first day, 08:30 in Geneva: registration open, desk not yet.
pub fn demo_morning() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2008-07-07T08:30:00+02:00")
        .expect("valid instant")
        .with_timezone(&Utc)
}

impl TestApp {
    /// guichet with the demo event loaded, its clock at `now` and running on.
    pub async fn spawn_at(now: DateTime<Utc>) -> Self {
        let database = TestDatabase::new().await;
        let db = database.connect().await;
        guichet::load_demo(&db).await.expect("load the demo event");
        let state = web::AppState::new(db.clone(), Arc::new(RunningClock::starting_at(now)));
        let app = web::Application::bind(SocketAddr::from(([127, 0, 0, 1], 0)), state)
            .await
            .expect("bind a free port");
        let addr = app.local_addr().expect("bound address");
        let (tx, rx) = oneshot::channel::<()>();
        tokio::spawn(app.run(async {
            let _ = rx.await;
        }));
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("an HTTP client");
        Self {
            addr,
            db,
            client,
            shutdown: Some(tx),
            database,
        }
    }

    /// guichet with the demo event, on the morning of its first day.
    pub async fn spawn() -> Self {
        Self::spawn_at(demo_morning()).await
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
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
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

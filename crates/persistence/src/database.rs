//! Connecting to the database and keeping its schema current.

use crate::{Error, Result};
use migrations::{Migrator, MigratorTrait};
use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{ConnectOptions, DatabaseConnection, DbBackend};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

/// Which database guichet talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A pool of connections to guichet's database.
#[derive(Debug, Clone)]
pub struct Database {
    /// Reads, and on PostgreSQL everything.
    pub(crate) conn: DatabaseConnection,
    /// Writes. On a SQLite file this is a pool of its own with one connection: SQLite takes one
    /// writer at a time, and writers that collide wait in its busy handler, which sleeps 1, 2, 5,
    /// 10… ms between tries; queueing for the one writing connection instead costs no sleep.
    /// Measured with bench/run.sh. Elsewhere it is the same pool as `conn`.
    pub(crate) writer: DatabaseConnection,
    /// Whether `writer` is a pool of its own (a SQLite file), for counting connections.
    pub(crate) separate_writer: bool,
    /// The events this instance has read, with their revision (see `events.rs`).
    pub(crate) events: crate::events::EventCache,
    /// The task that writes the desk's scans in groups (see `scan_writer.rs`).
    pub(crate) scans: crate::scan_writer::ScanWriter,
    /// The task that writes registrations in groups (see `registrations.rs`).
    pub(crate) registrations: crate::registrations::RegistrationWriter,
}

impl Database {
    /// Connects to `url` (`sqlite://data/guichet.db`, `postgres://…`). For SQLite the file and
    /// its directory are created when missing, readable by their owner only, and the file is put
    /// in WAL mode so that readers do not wait for a writer.
    pub async fn connect(url: &str) -> Result<Self> {
        Self::connect_with_pool(url, None).await
    }

    /// Like [`Database::connect`], with at most `max_connections` connections (default: 8 for a
    /// SQLite file, 10 for PostgreSQL). sea-orm alone would give SQLite a single connection, which
    /// queues every read behind every write; in WAL mode readers need not wait, and writers wait
    /// for each other in SQLite's busy handler. Measured with bench/rush.sh (check-ins at
    /// concurrency 32): 1 connection 325/s, p99 138 ms; 8 connections 747/s, p99 61 ms.
    pub async fn connect_with_pool(url: &str, max_connections: Option<u32>) -> Result<Self> {
        if let Some(file) = sqlite_path(url).map(Path::new) {
            create_private_file(file)?;
        }
        let sqlite_file = url.starts_with("sqlite:") && sqlite_path(url).is_some();
        let default_pool = match (url.starts_with("sqlite:"), sqlite_file) {
            // Each connection to an in-memory database would be a database of its own.
            (true, false) => 1,
            (true, true) => 8,
            (false, _) => 10,
        };
        let conn =
            sea_orm::Database::connect(options(url, max_connections.unwrap_or(default_pool)))
                .await?;
        let writer = if sqlite_file {
            sea_orm::Database::connect(options(url, 1)).await?
        } else {
            conn.clone()
        };
        let scans = crate::scan_writer::start(writer.clone(), conn.clone());
        let registrations = crate::registrations::start_writer(writer.clone());
        Ok(Self {
            conn,
            writer,
            separate_writer: sqlite_file,
            events: Default::default(),
            scans,
            registrations,
        })
    }

    /// Applies the migrations not yet applied.
    pub async fn migrate(&self) -> Result<()> {
        Migrator::up(&self.conn, None).await?;
        Ok(())
    }

    /// Whether the database answers a trivial query.
    pub async fn ping(&self) -> Result<()> {
        self.conn.ping().await?;
        Ok(())
    }

    pub fn backend(&self) -> Backend {
        match self.conn.get_database_backend() {
            DbBackend::Postgres => Backend::Postgres,
            _ => Backend::Sqlite,
        }
    }

    /// Counts the statements that this handle runs from now on (not those of the background
    /// writers, nor of handles cloned before). For tests that prove a read takes a fixed number
    /// of queries however many rows it returns.
    #[doc(hidden)]
    pub fn count_statements(&mut self) -> Arc<AtomicUsize> {
        let count = Arc::new(AtomicUsize::new(0));
        for conn in [&mut self.conn, &mut self.writer] {
            let count = count.clone();
            conn.set_metric_callback(move |_| {
                count.fetch_add(1, Ordering::Relaxed);
            });
        }
        count
    }

    /// Closes every connection of the pools.
    pub async fn close(self) -> Result<()> {
        self.conn.close().await?;
        self.writer.close().await?;
        Ok(())
    }
}

fn options(url: &str, max_connections: u32) -> ConnectOptions {
    let mut options = ConnectOptions::new(url.to_owned());
    options
        .max_connections(max_connections)
        .sqlx_logging(false)
        // sea-orm gives sqlx's pool one timeout: `connect_timeout` and `acquire_timeout` both
        // set sqlx's acquire timeout, the latter winning (sea-orm's `sqlx_pool_options`). It
        // bounds the wait for a free connection and the connecting itself, which sqlx retries
        // while the server refuses or is starting, sleeping up to a fifth of this timeout
        // between tries: a restart of a few seconds is a wait, not an error, for the writers and
        // the outbox worker, and once the server is back a waiting connection is made within
        // 2 s (db_outage.rs measures it). Requests are answered sooner, at the request timeout.
        .acquire_timeout(Duration::from_secs(10))
        // Each connection is pinged as it leaves the pool, so that one whose server has gone
        // (restarted, or ended its session) is replaced there instead of failing the query it
        // was taken for.
        .test_before_acquire(true)
        .map_sqlx_sqlite_opts(|opts| {
            opts.create_if_missing(true)
                .foreign_keys(true)
                .journal_mode(SqliteJournalMode::Wal)
                // WAL with NORMAL is durable across application crashes; only a power cut can
                // lose the last transactions.
                .synchronous(SqliteSynchronous::Normal)
                .busy_timeout(Duration::from_secs(10))
        });
    options
}

/// Creates a SQLite database file that does not exist yet, and its directory, readable by their
/// owner only: the database holds every participant's name and address, and SQLite itself would
/// create the file with the process's umask (0644 usually). An empty file is a new database to
/// SQLite, and SQLite gives the `-wal` and `-shm` files it creates beside it the database file's
/// permissions. An existing file or directory is left as it is.
fn create_private_file(file: &Path) -> Result<()> {
    if let Some(dir) = file.parent().filter(|dir| !dir.as_os_str().is_empty()) {
        let mut builder = std::fs::DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
        builder.create(dir).map_err(|source| Error::Directory {
            path: dir.display().to_string(),
            source,
        })?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    match options.open(file) {
        Ok(_) => Ok(()),
        Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(source) => Err(Error::File {
            path: file.display().to_string(),
            source,
        }),
    }
}

/// The file path of a SQLite URL, unless it is an in-memory database.
pub(crate) fn sqlite_path(url: &str) -> Option<&str> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or(rest);
    (!path.is_empty() && path != ":memory:").then_some(path)
}

#[cfg(test)]
mod tests {
    use super::sqlite_path;

    #[test]
    fn finds_the_file_of_a_sqlite_url() {
        assert_eq!(
            sqlite_path("sqlite://data/guichet.db?mode=rwc"),
            Some("data/guichet.db")
        );
        assert_eq!(sqlite_path("sqlite:/tmp/x.db"), Some("/tmp/x.db"));
        assert_eq!(sqlite_path("sqlite::memory:"), None);
        assert_eq!(sqlite_path("postgres://localhost/x"), None);
    }
}

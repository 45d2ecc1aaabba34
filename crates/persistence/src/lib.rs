//! guichet's storage: sea-orm entities and the repositories that read and write domain types, on
//! SQLite (the embedded default) and PostgreSQL alike.
//!
//! Depends on `domain` and `migrations` only; must not depend on `i18n`, `mailer` or `web` (it
//! stores values, never texts for people, and knows nothing of HTTP or mail). It reads no files
//! either: event files are parsed in `domain`, and this crate saves what was parsed. Rules that
//! must hold with several instances (capacity, one check-in per day) are enforced here by the
//! database itself.

mod access;
mod actions;
mod answers;
mod attendance;
mod audit;
mod checkins;
mod dashboard;
mod database;
mod decisions;
mod desk_list;
mod doors;
mod entities;
mod events;
mod group;
mod invitations;
mod login_throttle;
mod operations;
mod outbox;
mod registrations;
mod reports;
mod scan_writer;
mod second_factor;
mod staff;
mod unique;

pub use access::{AccessAction, AccessLine, ByWhom};

/// Values in one `IN (…)` list at most: SQLite allows 32,766 bound values a statement and
/// PostgreSQL 65,535; lists of ids are sent in chunks of this many.
pub(crate) const IN_LIST: usize = 1000;
pub use actions::{Action, BULK_BATCH, Bulk, BulkDone, Done};
pub use attendance::DayCheckin;
pub use audit::{AuditAction, AuditDetails, Happened, HistoryLine};
pub use checkins::{Found, ScanLine};
pub use dashboard::DashboardFigures;
pub use database::{Backend, Database};
pub use decisions::{Decided, Decision};
pub use desk_list::{ConflictScan, ListEntry, OfflineConflict};
pub use doors::{DoorScan, ItemAttendance};
pub use events::{EventSummary, SaveOutcome, StoredEvent};
pub use invitations::{Invitation, NewInvitation, NotAccepted, OpenInvitation};
pub use login_throttle::{AttemptOutcome, LoginAttempt, Reservation};
pub use operations::{BackupCheck, PoolConnections, check_sqlite_backup, sqlite_file};
pub use outbox::{EmailJob, EmailStatus, FailedEmail, OutboxCounts};
pub use registrations::{Cancelled, Registered, Resent, StatusCounts};
pub use reports::{ReportFilter, ReportRow};
pub use scan_writer::{LoggedScan, Offline, Scan, ScanOutcome, Written};
pub use staff::{
    AccountSummary, Idle, NewSession, Session, SessionInfo, SessionKind, StaffCredentials,
    StaffMember, StaffSaved, TeamMember,
};

/// What can go wrong in storage.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("database error")]
    Db(#[from] sea_orm::DbErr),
    #[error("the stored data is inconsistent: {0}")]
    Corrupt(String),
    /// What the caller named is not (or no longer) there.
    #[error("not found: {0}")]
    NotFound(String),
    /// The instance is shutting down: its writing task no longer takes work.
    #[error("the {0} has stopped")]
    Stopped(&'static str),
    #[error("cannot create the database directory {path}")]
    Directory {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot create the database file {path}")]
    File {
        path: String,
        #[source]
        source: std::io::Error,
    },
}

impl Error {
    /// Whether the database could not be reached (down, paused, restarting, or no connection free
    /// in time), as opposed to a query that failed: the first deserves "try again", the second a
    /// bug report.
    pub fn is_unavailable(&self) -> bool {
        match self {
            Error::Db(error) => db_unavailable(error),
            Error::Stopped(_) => true,
            _ => false,
        }
    }
}

/// sea-orm names a failure `Conn` or `ConnectionAcquire` only when it happens while a connection
/// is taken from the pool. A server that goes away while a query runs on a connection already
/// taken fails that query instead (`Exec` or `Query`, wrapping sqlx's error): the connection's
/// socket closes (an I/O error: reset, broken pipe, end of file), or the server says why before
/// it closes (an SQLSTATE of class 08, or 57P01–57P03 on a shutdown or a restart). Those are
/// as much "the database is away" as a refused connection.
fn db_unavailable(error: &sea_orm::DbErr) -> bool {
    use sea_orm::{DbErr, RuntimeErr};
    match error {
        DbErr::ConnectionAcquire(_) | DbErr::Conn(_) => true,
        DbErr::Exec(RuntimeErr::SqlxError(error)) | DbErr::Query(RuntimeErr::SqlxError(error)) => {
            sqlx_unavailable(error)
        }
        _ => false,
    }
}

fn sqlx_unavailable(error: &sea_orm::sqlx::Error) -> bool {
    use sea_orm::sqlx::Error as Sqlx;
    match error {
        // sqlx's pool gives these from `acquire`; sea-orm maps them to `ConnectionAcquire` there,
        // but a transaction's statements reach the pool by other paths.
        Sqlx::Io(_) | Sqlx::PoolTimedOut | Sqlx::PoolClosed => true,
        Sqlx::Database(error) => {
            match error.try_downcast_ref::<sea_orm::sqlx::sqlite::SqliteError>() {
                Some(sqlite) => sea_orm::sqlx::error::DatabaseError::code(sqlite)
                    .and_then(|code| code.parse::<i32>().ok())
                    .is_some_and(sqlite_storage_away),
                None => error.code().is_some_and(|code| unavailable_sqlstate(&code)),
            }
        }
        _ => false,
    }
}

/// SQLite's result codes for storage that cannot take the write now: SQLITE_IOERR (10, with
/// its extended codes), SQLITE_FULL (13: the disk is full), SQLITE_CANTOPEN (14). The operator
/// frees space or brings the disk back, and the same request then succeeds: "try again" (`503`),
/// not a bug report. Nothing was half-written: the statement's transaction rolled back.
fn sqlite_storage_away(extended: i32) -> bool {
    matches!(extended & 0xff, 10 | 13 | 14)
}

/// PostgreSQL's codes for a server out of reach (errcodes-appendix): class 08, connection
/// exception; 57P01 admin_shutdown (a fast or smart stop ends the sessions), 57P02
/// crash_shutdown (another backend crashed, the server restarts), 57P03 cannot_connect_now (still
/// starting, or shutting down). Five characters always: SQLite's codes are numbers ("2067"), so
/// none of its errors is taken for one of these.
fn unavailable_sqlstate(code: &str) -> bool {
    code.len() == 5 && (code.starts_with("08") || matches!(code, "57P01" | "57P02" | "57P03"))
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::Error;

    /// A disk full, for real: SQLite refuses to grow the file past `max_page_count`, with the
    /// very error a full disk gives (SQLITE_FULL).
    #[tokio::test]
    async fn a_full_disk_is_unavailable_not_a_bug() {
        use sea_orm::ConnectionTrait;
        let path = std::env::temp_dir().join(format!(
            "guichet-full-{}-{}.db",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos())
                .unwrap_or_default()
        ));
        let url = format!("sqlite://{}", path.display());
        let db = crate::Database::connect(&url).await.expect("connect");
        db.writer
            .execute_unprepared("CREATE TABLE filler (x TEXT)")
            .await
            .expect("a table");
        let pages: i64 = db
            .writer
            .query_one_raw(sea_orm::Statement::from_string(
                sea_orm::DbBackend::Sqlite,
                "PRAGMA page_count",
            ))
            .await
            .expect("page count")
            .expect("a row")
            .try_get_by_index(0)
            .expect("a number");
        db.writer
            .execute_unprepared(&format!("PRAGMA max_page_count = {pages}"))
            .await
            .expect("cap the file");
        let big = "x".repeat(100_000);
        let error = db
            .writer
            .execute_unprepared(&format!("INSERT INTO filler (x) VALUES ('{big}')"))
            .await
            .expect_err("the file cannot grow");
        let _ = db.close().await;
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
        }
        let error = Error::Db(error);
        assert!(error.is_unavailable(), "{error:?}");
    }
    use sea_orm::sqlx::error::{DatabaseError, ErrorKind};
    use sea_orm::{ConnAcquireErr, DbErr, RuntimeErr};
    use std::borrow::Cow;
    use std::sync::Arc;

    /// A database's error with an SQLSTATE, as a server sends it (sqlx's own types for
    /// PostgreSQL's errors have no public constructor; this one answers the same trait).
    #[derive(Debug)]
    struct Coded(&'static str);

    impl std::fmt::Display for Coded {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            write!(f, "SQLSTATE {}", self.0)
        }
    }

    impl std::error::Error for Coded {}

    impl DatabaseError for Coded {
        fn message(&self) -> &str {
            self.0
        }
        fn code(&self) -> Option<Cow<'_, str>> {
            Some(Cow::Borrowed(self.0))
        }
        fn as_error(&self) -> &(dyn std::error::Error + Send + Sync + 'static) {
            self
        }
        fn as_error_mut(&mut self) -> &mut (dyn std::error::Error + Send + Sync + 'static) {
            self
        }
        fn into_error(self: Box<Self>) -> Box<dyn std::error::Error + Send + Sync + 'static> {
            self
        }
        fn kind(&self) -> ErrorKind {
            ErrorKind::Other
        }
    }

    fn in_query(error: sea_orm::sqlx::Error) -> Error {
        Error::Db(DbErr::Query(RuntimeErr::SqlxError(Arc::new(error))))
    }

    fn in_exec(error: sea_orm::sqlx::Error) -> Error {
        Error::Db(DbErr::Exec(RuntimeErr::SqlxError(Arc::new(error))))
    }

    fn coded(code: &'static str) -> sea_orm::sqlx::Error {
        sea_orm::sqlx::Error::Database(Box::new(Coded(code)))
    }

    #[test]
    fn a_server_that_goes_away_mid_query_is_unavailable() {
        use std::io::ErrorKind::{BrokenPipe, ConnectionReset, UnexpectedEof};
        for kind in [ConnectionReset, BrokenPipe, UnexpectedEof] {
            let io = || sea_orm::sqlx::Error::Io(std::io::Error::new(kind, "gone"));
            assert!(in_query(io()).is_unavailable(), "{kind:?} in a query");
            assert!(in_exec(io()).is_unavailable(), "{kind:?} in a statement");
        }
        for code in [
            "08000", "08003", "08006", "08001", "57P01", "57P02", "57P03",
        ] {
            assert!(in_query(coded(code)).is_unavailable(), "SQLSTATE {code}");
            assert!(in_exec(coded(code)).is_unavailable(), "SQLSTATE {code}");
        }
        assert!(in_query(sea_orm::sqlx::Error::PoolTimedOut).is_unavailable());
        assert!(in_exec(sea_orm::sqlx::Error::PoolClosed).is_unavailable());
    }

    #[test]
    fn no_connection_from_the_pool_is_unavailable() {
        for error in [
            DbErr::ConnectionAcquire(ConnAcquireErr::Timeout),
            DbErr::ConnectionAcquire(ConnAcquireErr::ConnectionClosed),
            DbErr::Conn(RuntimeErr::Internal("connection refused".into())),
        ] {
            assert!(Error::Db(error).is_unavailable());
        }
        assert!(Error::Stopped("scan writer").is_unavailable());
    }

    #[test]
    fn a_query_that_fails_is_not_unavailable() {
        // Unique and foreign key violations, a syntax error, a deadlock, a statement cancelled by
        // statement_timeout: the server answered, and trying again as it is will not help.
        for code in [
            "23505", "23503", "42601", "40P01", "57014", "2067", "5", "08",
        ] {
            assert!(!in_query(coded(code)).is_unavailable(), "SQLSTATE {code}");
        }
        assert!(!in_query(sea_orm::sqlx::Error::RowNotFound).is_unavailable());
        assert!(
            !in_exec(sea_orm::sqlx::Error::Protocol("unexpected message".into())).is_unavailable()
        );
        assert!(!Error::Db(DbErr::Custom("bug".into())).is_unavailable());
        assert!(!Error::Corrupt("a check-in vanished".into()).is_unavailable());
        assert!(!Error::NotFound("registration 1".into()).is_unavailable());
    }
}

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
mod attendance;
mod audit;
mod checkins;
mod dashboard;
mod database;
mod entities;
mod events;
mod group;
mod invitations;
mod login_throttle;
mod outbox;
mod registrations;
mod reports;
mod scan_writer;
mod second_factor;
mod staff;
mod unique;

pub use access::{AccessAction, AccessLine, ByWhom};
pub use actions::{Action, Done};
pub use attendance::DayCheckin;
pub use audit::{AuditAction, AuditDetails, Happened, HistoryLine};
pub use checkins::{Found, ScanLine};
pub use dashboard::DashboardFigures;
pub use database::{Backend, Database};
pub use events::{EventSummary, SaveOutcome, StoredEvent};
pub use invitations::{Invitation, NewInvitation, NotAccepted, OpenInvitation};
pub use login_throttle::{AttemptOutcome, LoginAttempt, Reservation};
pub use outbox::{EmailJob, EmailStatus, FailedEmail, OutboxCounts};
pub use registrations::{Cancelled, Registered, Resent, StatusCounts};
pub use reports::{ReportFilter, ReportRow};
pub use scan_writer::{LoggedScan, Scan, ScanOutcome, Written};
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
    /// Whether the database could not be reached (down, or no connection free in time), as opposed
    /// to a query that failed: the first deserves "try again", the second a bug report.
    pub fn is_unavailable(&self) -> bool {
        matches!(
            self,
            Error::Db(sea_orm::DbErr::ConnectionAcquire(_) | sea_orm::DbErr::Conn(_))
                | Error::Stopped(_)
        )
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

//! Reading the audit log of organiser actions (written by `actions.rs`, with each action), and a
//! registration's history.

use crate::entities::{audit_log, outbox, scan_log, staff};
use crate::{Database, Result};
use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use std::collections::HashMap;

/// One line of a history: when, who (if staff), what, and details.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryLine {
    pub at: DateTime<Utc>,
    pub by: Option<String>,
    pub what: Happened,
    /// An email's last error, or an audited action's details (see `actions.rs`).
    pub details: Option<String>,
}

/// What a line of history records, as codes that pages put into words in the reader's language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Happened {
    /// An email of this `kind` (confirmation, waitlisted…) now in this `status` (pending, sent…).
    Email { kind: String, status: String },
    /// A scan at the desk, with its outcome (ok, already_checked_in…, or undone).
    Scan { outcome: String },
    /// An organiser action (`audit_log.action`, see [`crate::AuditAction`]).
    Audit { action: String },
}

impl Database {
    /// The event's audit log, newest first.
    pub async fn audit_log(&self, event_id: i32, limit: u64) -> Result<Vec<HistoryLine>> {
        let rows = audit_log::Entity::find()
            .filter(audit_log::Column::EventId.eq(event_id))
            .order_by_desc(audit_log::Column::Id)
            .limit(limit)
            .all(&self.conn)
            .await?;
        let staff = self.staff_emails().await?;
        Ok(rows
            .into_iter()
            .map(|r| HistoryLine {
                at: r.at,
                by: staff.get(&r.staff_id).cloned(),
                what: Happened::Audit { action: r.action },
                details: r.details,
            })
            .collect())
    }

    async fn staff_emails(&self) -> Result<HashMap<i32, String>> {
        Ok(staff::Entity::find()
            .all(&self.conn)
            .await?
            .into_iter()
            .map(|s| (s.id, s.email))
            .collect())
    }

    /// Everything that happened to a registration, oldest first: emails, scans, organiser actions.
    pub async fn history(&self, registration_id: i32) -> Result<Vec<HistoryLine>> {
        let staff = self.staff_emails().await?;
        let mut lines = Vec::new();
        for e in outbox::Entity::find()
            .filter(outbox::Column::RegistrationId.eq(registration_id))
            .all(&self.conn)
            .await?
        {
            lines.push(HistoryLine {
                at: e.sent_at.unwrap_or(e.created_at),
                by: None,
                what: Happened::Email {
                    kind: e.kind,
                    status: e.status,
                },
                details: e.last_error,
            });
        }
        for s in scan_log::Entity::find()
            .filter(scan_log::Column::RegistrationId.eq(registration_id))
            .all(&self.conn)
            .await?
        {
            lines.push(HistoryLine {
                at: s.at,
                by: staff.get(&s.staff_id).cloned(),
                what: Happened::Scan { outcome: s.outcome },
                details: None,
            });
        }
        for a in audit_log::Entity::find()
            .filter(audit_log::Column::RegistrationId.eq(registration_id))
            .all(&self.conn)
            .await?
        {
            lines.push(HistoryLine {
                at: a.at,
                by: staff.get(&a.staff_id).cloned(),
                what: Happened::Audit { action: a.action },
                details: a.details,
            });
        }
        lines.sort_by_key(|l| l.at);
        Ok(lines)
    }
}

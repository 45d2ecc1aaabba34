//! Reading the audit log of organiser actions (written by `actions.rs`, with each action), and a
//! registration's history.

use crate::entities::{audit_log, outbox, scan_log, staff};
use crate::{Database, EmailStatus, Result, ScanOutcome};
use chrono::{DateTime, Utc};
use domain::EmailKind;
use sea_orm::sea_query::StringLen;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use std::collections::HashMap;

/// What an organiser did, as the audit log records it (`audit_log.action`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, sea_orm::EnumIter, sea_orm::DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
pub enum AuditAction {
    #[sea_orm(string_value = "ticket_resent")]
    TicketResent,
    #[sea_orm(string_value = "ticket_reissued")]
    TicketReissued,
    #[sea_orm(string_value = "registration_cancelled")]
    RegistrationCancelled,
    #[sea_orm(string_value = "checkin_undone")]
    CheckinUndone,
    #[sea_orm(string_value = "email_retried")]
    EmailRetried,
    #[sea_orm(string_value = "published")]
    Published,
    #[sea_orm(string_value = "unpublished")]
    Unpublished,
    #[sea_orm(string_value = "agenda_replaced")]
    AgendaReplaced,
}

impl AuditAction {
    /// The name stored, which the catalogs' `history-audit-…` keys follow.
    pub fn as_str(self) -> &'static str {
        match self {
            AuditAction::TicketResent => "ticket_resent",
            AuditAction::TicketReissued => "ticket_reissued",
            AuditAction::RegistrationCancelled => "registration_cancelled",
            AuditAction::CheckinUndone => "checkin_undone",
            AuditAction::EmailRetried => "email_retried",
            AuditAction::Published => "published",
            AuditAction::Unpublished => "unpublished",
            AuditAction::AgendaReplaced => "agenda_replaced",
        }
    }
}

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
    /// An email of this `kind` now in this `status`.
    Email {
        kind: EmailKind,
        status: EmailStatus,
    },
    /// A scan at the desk, with its outcome (or an undo).
    Scan { outcome: ScanOutcome },
    /// An organiser action.
    Audit { action: AuditAction },
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
                    kind: e.kind.into(),
                    status: e.status.into(),
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
                what: Happened::Scan {
                    outcome: s.outcome.into(),
                },
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

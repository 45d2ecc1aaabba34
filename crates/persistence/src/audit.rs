//! The audit log of organiser actions, and a registration's history.

use crate::entities::{audit_log, outbox, scan_log, staff};
use crate::{Database, EmailStatus, Result};
use chrono::{DateTime, Utc};
use domain::EmailKind;
use sea_orm::sea_query::StringLen;
use sea_orm::{
    ActiveEnum, ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    Set,
};
use std::collections::HashMap;
use std::fmt;

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
    #[sea_orm(string_value = "published")]
    Published,
    #[sea_orm(string_value = "unpublished")]
    Unpublished,
    #[sea_orm(string_value = "agenda_replaced")]
    AgendaReplaced,
}

/// The name stored.
impl fmt::Display for AuditAction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_value())
    }
}

/// What a line of a history is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HistoryEvent {
    /// An organiser's action.
    Audit(AuditAction),
    /// A message queued for the registration, and where it stands.
    Email(EmailKind, EmailStatus),
    /// A scan of the ticket at the desk, with its outcome as the scan log has it.
    Scan(String),
}

/// `audit:<action>`, `email:<kind>:<status>` or `scan:<outcome>`.
impl fmt::Display for HistoryEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HistoryEvent::Audit(action) => write!(f, "audit:{action}"),
            HistoryEvent::Email(kind, status) => {
                write!(f, "email:{}:{}", kind.as_str(), status.as_str())
            }
            HistoryEvent::Scan(outcome) => write!(f, "scan:{outcome}"),
        }
    }
}

/// One line of a history: when, who (if staff), what, and details.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryLine {
    pub at: DateTime<Utc>,
    pub by: Option<String>,
    pub what: HistoryEvent,
    pub details: Option<String>,
}

impl Database {
    /// Records an organiser action.
    pub async fn audit(
        &self,
        event_id: i32,
        staff_id: i32,
        action: AuditAction,
        registration_id: Option<i32>,
        details: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<()> {
        audit_log::ActiveModel {
            event_id: Set(event_id),
            staff_id: Set(staff_id),
            at: Set(now),
            action: Set(action),
            registration_id: Set(registration_id),
            details: Set(details.map(|d| d.chars().take(2000).collect())),
            ..Default::default()
        }
        .insert(&self.writer)
        .await?;
        Ok(())
    }

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
                what: HistoryEvent::Audit(r.action),
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
                what: HistoryEvent::Email(e.kind.into(), e.status.into()),
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
                what: HistoryEvent::Scan(crate::ScanOutcome::from(s.outcome).as_str().to_owned()),
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
                what: HistoryEvent::Audit(a.action),
                details: a.details,
            });
        }
        lines.sort_by_key(|l| l.at);
        Ok(lines)
    }
}

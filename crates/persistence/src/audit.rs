//! Reading the audit log of organiser actions (written by `actions.rs`, with each action), and a
//! registration's history.

use crate::entities::{audit_log, outbox, scan_log, staff};
use crate::{Database, EmailStatus, Result, ScanOutcome};
use chrono::{DateTime, NaiveDate, Utc};
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
    #[sea_orm(string_value = "registration_approved")]
    RegistrationApproved,
    #[sea_orm(string_value = "registration_declined")]
    RegistrationDeclined,
    #[sea_orm(string_value = "answers_edited")]
    AnswersEdited,
    #[sea_orm(string_value = "certificates_sent")]
    CertificatesSent,
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
            AuditAction::RegistrationApproved => "registration_approved",
            AuditAction::RegistrationDeclined => "registration_declined",
            AuditAction::AnswersEdited => "answers_edited",
            AuditAction::CertificatesSent => "certificates_sent",
        }
    }
}

/// One line of a history: when, who (if staff), what, and details.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryLine {
    pub at: DateTime<Utc>,
    pub by: Option<String>,
    pub what: Happened,
    /// An email's last error, or an audited action's details kept as text (lines older than
    /// [`AuditDetails`]).
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
    /// A scan at the desk, with its outcome (or an undo); the desk's own name; for a scan made
    /// offline, when it reached the server; and whether it is one of two admissions that day.
    Scan {
        outcome: ScanOutcome,
        desk: Option<String>,
        received_at: Option<DateTime<Utc>>,
        conflict: bool,
    },
    /// An organiser action, with its details when it has any.
    Audit {
        action: AuditAction,
        details: Option<AuditDetails>,
    },
}

/// An audited action's details, as values; their stored text is written and read here alone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuditDetails {
    /// A re-issue: the ticket's new version.
    TicketVersion(i32),
    /// A cancellation that freed a seat: the registration promoted to it.
    Promoted(i32),
    /// An undone check-in: the day it was for.
    Day(NaiveDate),
    /// A replaced event: its days and agenda items.
    Agenda { days: usize, items: usize },
    /// An approved request: the status it got (confirmed, or waitlisted when no seat was free).
    Status(domain::Status),
    /// Answers an organiser corrected: the keys of the questions whose answer changed.
    Questions(Vec<String>),
    /// Certificates queued: how many.
    Count(usize),
}

impl AuditDetails {
    /// The text `audit_log.details` keeps.
    pub(crate) fn stored(&self) -> String {
        match self {
            AuditDetails::TicketVersion(n) | AuditDetails::Promoted(n) => n.to_string(),
            AuditDetails::Day(day) => day.to_string(),
            AuditDetails::Agenda { days, items } => format!("{days}/{items}"),
            AuditDetails::Status(status) => status.as_str().to_owned(),
            // Question keys are a-z, 0-9 and `_`: a comma cannot be one of them.
            AuditDetails::Questions(keys) => keys.join(","),
            AuditDetails::Count(n) => n.to_string(),
        }
    }

    /// Reads back what [`AuditDetails::stored`] wrote for `action` (`None` for anything else:
    /// lines written before details were values).
    fn read(action: AuditAction, text: &str) -> Option<Self> {
        match action {
            AuditAction::TicketReissued => text.parse().ok().map(AuditDetails::TicketVersion),
            AuditAction::RegistrationCancelled => text.parse().ok().map(AuditDetails::Promoted),
            AuditAction::CheckinUndone => text.parse().ok().map(AuditDetails::Day),
            AuditAction::RegistrationApproved => {
                domain::Status::parse(text).map(AuditDetails::Status)
            }
            AuditAction::AgendaReplaced => {
                let (days, items) = text.split_once('/')?;
                Some(AuditDetails::Agenda {
                    days: days.parse().ok()?,
                    items: items.parse().ok()?,
                })
            }
            AuditAction::AnswersEdited => Some(AuditDetails::Questions(
                text.split(',')
                    .filter(|key| !key.is_empty())
                    .map(str::to_owned)
                    .collect(),
            )),
            AuditAction::CertificatesSent => text.parse().ok().map(AuditDetails::Count),
            _ => None,
        }
    }
}

/// An audit line as a history line: typed details when they can be read, else the text as kept.
fn audit_line(row: audit_log::Model, by: Option<String>) -> HistoryLine {
    let details = row
        .details
        .as_deref()
        .and_then(|text| AuditDetails::read(row.action, text));
    HistoryLine {
        at: row.at,
        by,
        what: Happened::Audit {
            action: row.action,
            details: details.clone(),
        },
        details: if details.is_some() { None } else { row.details },
    }
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
            .map(|r| {
                let by = staff.get(&r.staff_id).cloned();
                audit_line(r, by)
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
                    desk: s.desk,
                    received_at: s.received_at,
                    conflict: s.conflict,
                },
                details: None,
            });
        }
        for a in audit_log::Entity::find()
            .filter(audit_log::Column::RegistrationId.eq(registration_id))
            .all(&self.conn)
            .await?
        {
            let by = staff.get(&a.staff_id).cloned();
            lines.push(audit_line(a, by));
        }
        lines.sort_by_key(|l| l.at);
        Ok(lines)
    }
}

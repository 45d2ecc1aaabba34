//! The access log: every change to who may reach what (a grant given or taken, an invitation, a
//! second factor enrolled, an account disabled, sessions ended), with who made it and from
//! which address. Each change writes its line in the transaction that makes it (`staff.rs`), so
//! no change goes unlogged. An event's lines show on its audit page; lines of no event (the whole
//! instance) on the admins' page.

use crate::entities::{access_log, staff};
use crate::{Database, Result};
use chrono::{DateTime, Utc};
use domain::Role;
use sea_orm::sea_query::StringLen;
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, JoinType, QueryFilter, QueryOrder,
    QuerySelect, RelationTrait, Set,
};

/// What was done to an account's access; stored as such in `access_log.action`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, sea_orm::EnumIter, sea_orm::DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
pub enum AccessAction {
    /// A role at the event given (or changed: the line names the new one).
    #[sea_orm(string_value = "granted")]
    Granted,
    /// The role at the event taken away.
    #[sea_orm(string_value = "grant_removed")]
    GrantRemoved,
    /// Made an admin of the whole instance.
    #[sea_orm(string_value = "admin_named")]
    AdminNamed,
    /// Invited to the event's team by email.
    #[sea_orm(string_value = "invited")]
    Invited,
    /// An invitation taken up: the member set their password.
    #[sea_orm(string_value = "invitation_accepted")]
    InvitationAccepted,
    /// Two-factor sign-in enrolled.
    #[sea_orm(string_value = "totp_enrolled")]
    TotpEnrolled,
    /// The event's organisers must now sign in with a second factor.
    #[sea_orm(string_value = "totp_required")]
    TotpRequired,
    /// The event's organisers need a second factor no more.
    #[sea_orm(string_value = "totp_optional")]
    TotpOptional,
    /// The account disabled: every session ended.
    #[sea_orm(string_value = "disabled")]
    Disabled,
    /// The account enabled again.
    #[sea_orm(string_value = "enabled")]
    Enabled,
    /// One signed-in browser or device ended.
    #[sea_orm(string_value = "session_revoked")]
    SessionRevoked,
    /// Every session of the account ended.
    #[sea_orm(string_value = "sessions_revoked")]
    SessionsRevoked,
    /// The password changed; the member's other sessions ended.
    #[sea_orm(string_value = "password_changed")]
    PasswordChanged,
}

impl AccessAction {
    /// The name stored, which the catalogs' `access-…` keys follow.
    pub fn as_str(self) -> &'static str {
        match self {
            AccessAction::Granted => "granted",
            AccessAction::GrantRemoved => "grant_removed",
            AccessAction::AdminNamed => "admin_named",
            AccessAction::Invited => "invited",
            AccessAction::InvitationAccepted => "invitation_accepted",
            AccessAction::TotpEnrolled => "totp_enrolled",
            AccessAction::TotpRequired => "totp_required",
            AccessAction::TotpOptional => "totp_optional",
            AccessAction::Disabled => "disabled",
            AccessAction::Enabled => "enabled",
            AccessAction::SessionRevoked => "session_revoked",
            AccessAction::SessionsRevoked => "sessions_revoked",
            AccessAction::PasswordChanged => "password_changed",
        }
    }
}

/// Who makes a change: a signed-in staff member from a client address, or the command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ByWhom {
    pub staff_id: Option<i32>,
    pub address: Option<String>,
}

impl ByWhom {
    /// The operator at the command line.
    pub fn command_line() -> Self {
        Self {
            staff_id: None,
            address: None,
        }
    }

    /// Staff member `staff_id`, from client `address`.
    pub fn staff(staff_id: i32, address: impl Into<String>) -> Self {
        Self {
            staff_id: Some(staff_id),
            address: Some(address.into()),
        }
    }
}

/// A line of the access log, as a page shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccessLine {
    pub at: DateTime<Utc>,
    pub action: AccessAction,
    /// Who did it; `None`: the command line.
    pub by: Option<String>,
    /// The account it was done to.
    pub subject: String,
    pub role: Option<Role>,
    pub address: Option<String>,
}

/// One line to write.
pub(crate) struct Change<'a> {
    pub at: DateTime<Utc>,
    pub action: AccessAction,
    pub event_id: Option<i32>,
    pub subject_email: &'a str,
    pub role: Option<Role>,
}

/// Writes `change`'s line, on `conn` (the change's own transaction).
pub(crate) async fn log<C: ConnectionTrait>(
    conn: &C,
    change: Change<'_>,
    by: &ByWhom,
) -> Result<()> {
    access_log::Entity::insert(access_log::ActiveModel {
        at: Set(change.at),
        action: Set(change.action),
        event_id: Set(change.event_id),
        actor_staff_id: Set(by.staff_id),
        subject_email: Set(change.subject_email.to_owned()),
        role: Set(change.role.map(Into::into)),
        client_address: Set(by.address.clone()),
        ..Default::default()
    })
    .exec_without_returning(conn)
    .await?;
    Ok(())
}

#[derive(Debug, FromQueryResult)]
struct LineRow {
    at: DateTime<Utc>,
    action: AccessAction,
    by: Option<String>,
    subject_email: String,
    role: Option<crate::entities::staff_grant::Role>,
    client_address: Option<String>,
}

impl Database {
    /// The access log of event `event_id` (`None`: of the whole instance), newest first, at most
    /// `limit` lines.
    pub async fn access_log(&self, event_id: Option<i32>, limit: u64) -> Result<Vec<AccessLine>> {
        let of_event = match event_id {
            Some(id) => access_log::Column::EventId.eq(id),
            None => access_log::Column::EventId.is_null(),
        };
        let rows = access_log::Entity::find()
            .select_only()
            .column(access_log::Column::At)
            .column(access_log::Column::Action)
            .column_as(staff::Column::Email, "by")
            .column(access_log::Column::SubjectEmail)
            .column(access_log::Column::Role)
            .column(access_log::Column::ClientAddress)
            .join(JoinType::LeftJoin, access_log::Relation::Actor.def())
            .filter(of_event)
            .order_by_desc(access_log::Column::At)
            .order_by_desc(access_log::Column::Id)
            .limit(limit)
            .into_model::<LineRow>()
            .all(&self.conn)
            .await?;
        Ok(rows
            .into_iter()
            .map(|row| AccessLine {
                at: row.at,
                action: row.action,
                by: row.by,
                subject: row.subject_email,
                role: row.role.map(Into::into),
                address: row.client_address,
            })
            .collect())
    }
}

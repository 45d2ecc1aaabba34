//! Staff accounts, their grants (a role at an event) and their sessions (browser cookies and
//! device bearer tokens, both stored as SHA-256 hashes and revocable), kept in the database so
//! that sessions hold across instances. A session is read with its member's grants in one query,
//! on every request: a grant given or taken away counts from the next request on. Sign-in
//! attempts are counted in `login_throttle.rs`.

use crate::access::{self, AccessAction, ByWhom, Change};
use crate::entities::{event, staff, staff_grant, staff_session};
use crate::unique::Unique;
use crate::{Database, Error, Result};
use chrono::{DateTime, TimeDelta, Utc};
use domain::{Access, Role};
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict, StringLen};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, FromQueryResult,
    IntoActiveModel, JoinType, QueryFilter, QueryOrder, QuerySelect, RelationTrait, Set,
    TransactionTrait,
};

/// A staff member (without their password hash), with what they may reach.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffMember {
    pub id: i32,
    pub email: String,
    pub access: Access,
    /// Signs in with a second factor (TOTP).
    pub second_factor: bool,
}

/// A staff member with the hash to check a password against.
#[derive(Debug, Clone)]
pub struct StaffCredentials {
    pub member: StaffMember,
    pub password_hash: String,
    /// A disabled account signs in no more, whatever the password.
    pub disabled: bool,
    /// Its TOTP secret (base32), when it signs in with a second factor.
    pub totp_secret: Option<String>,
}

/// Whether `add_staff` created the account or gave an existing one a new password.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StaffSaved {
    Created,
    Updated,
}

/// How a session is carried; stored as such in `staff_sessions.kind`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, sea_orm::EnumIter, sea_orm::DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
pub enum SessionKind {
    /// A cookie in a browser; its forms carry the CSRF token.
    #[sea_orm(string_value = "browser")]
    Browser,
    /// A bearer token for a device or script.
    #[sea_orm(string_value = "device")]
    Device,
}

/// A live session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub id: i32,
    pub staff: StaffMember,
    pub kind: SessionKind,
    pub csrf_token: Option<String>,
    pub expires_at: DateTime<Utc>,
    /// When it was last used, to the minute (see [`Database::touch_session`]).
    pub last_used_at: DateTime<Utc>,
    /// Opened with a second factor (or one was confirmed in it).
    pub second_factor: bool,
}

/// A session to open.
#[derive(Debug, Clone)]
pub struct NewSession<'a> {
    pub staff_id: i32,
    /// The SHA-256 of the token the client keeps.
    pub token_hash: &'a str,
    pub kind: SessionKind,
    pub csrf_token: Option<&'a str>,
    pub now: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub client_address: &'a str,
    pub user_agent: Option<&'a str>,
    /// The sign-in gave a second factor.
    pub second_factor: bool,
}

/// How long a session lasts without use: browsers end after `browser_idle` without a request
/// (a desk laptop left signed in overnight); devices run until they expire or are revoked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Idle {
    pub browser: TimeDelta,
}

/// A live session, as the team page lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionInfo {
    pub id: i32,
    pub kind: SessionKind,
    pub created_at: DateTime<Utc>,
    pub last_used_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub client_address: Option<String>,
    pub user_agent: Option<String>,
}

/// An account, as `guichet staff list` shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountSummary {
    pub email: String,
    pub access: Access,
    pub disabled: bool,
    /// Signs in with a second factor.
    pub second_factor: bool,
    /// Its sessions that count now.
    pub live_sessions: u64,
}

/// A session's row, its member's, and one of the member's grants (none if they hold none): the
/// session is read in one query, however many grants there are.
#[derive(Debug, FromQueryResult)]
struct SessionRow {
    session_id: i32,
    kind: SessionKind,
    csrf_token: Option<String>,
    expires_at: DateTime<Utc>,
    last_used_at: DateTime<Utc>,
    session_second_factor: bool,
    staff_id: i32,
    email: String,
    is_admin: bool,
    has_totp: bool,
    slug: Option<String>,
    role: Option<staff_grant::Role>,
}

/// The sessions that count at `now`: not revoked, not expired, of an account not disabled, and,
/// for a browser, used within `idle.browser`. The caller joins `staff`.
fn live(now: DateTime<Utc>, idle: Idle) -> Condition {
    Condition::all()
        .add(staff_session::Column::RevokedAt.is_null())
        .add(staff_session::Column::ExpiresAt.gt(now))
        .add(staff::Column::DisabledAt.is_null())
        .add(
            Condition::any()
                .add(staff_session::Column::Kind.eq(SessionKind::Device))
                .add(staff_session::Column::LastUsedAt.gt(now - idle.browser)),
        )
}

/// Gives staff member `staff_id` `role` at event `event_id`, replacing the role they had there.
pub(crate) async fn upsert_grant<C: ConnectionTrait>(
    conn: &C,
    staff_id: i32,
    event_id: i32,
    role: Role,
    now: DateTime<Utc>,
) -> Result<()> {
    staff_grant::Entity::insert(staff_grant::ActiveModel {
        staff_id: Set(staff_id),
        event_id: Set(event_id),
        role: Set(role.into()),
        created_at: Set(now),
        ..Default::default()
    })
    .on_conflict(
        OnConflict::columns([staff_grant::Column::StaffId, staff_grant::Column::EventId])
            .update_column(staff_grant::Column::Role)
            .to_owned(),
    )
    .exec_without_returning(conn)
    .await?;
    Ok(())
}

/// The address of staff member `staff_id`.
async fn email_of<C: ConnectionTrait>(conn: &C, staff_id: i32) -> Result<String> {
    let email: Option<String> = staff::Entity::find_by_id(staff_id)
        .select_only()
        .column(staff::Column::Email)
        .into_tuple()
        .one(conn)
        .await?;
    email.ok_or_else(|| Error::NotFound(format!("staff member {staff_id}")))
}

/// Ends every session of `staff_id` but `except`; returns how many were live.
pub(crate) async fn revoke_all<C: ConnectionTrait>(
    conn: &C,
    staff_id: i32,
    except: Option<i32>,
    now: DateTime<Utc>,
) -> Result<u64> {
    let mut update = staff_session::Entity::update_many()
        .col_expr(staff_session::Column::RevokedAt, Some(now).into())
        .filter(staff_session::Column::StaffId.eq(staff_id))
        .filter(staff_session::Column::RevokedAt.is_null())
        .filter(staff_session::Column::ExpiresAt.gt(now));
    if let Some(keep) = except {
        update = update.filter(staff_session::Column::Id.ne(keep));
    }
    let ended = update.exec(conn).await?.rows_affected;
    // A password given but its code not yet: that half sign-in ends too.
    crate::entities::staff_login_challenge::Entity::delete_many()
        .filter(crate::entities::staff_login_challenge::Column::StaffId.eq(staff_id))
        .exec(conn)
        .await?;
    Ok(ended)
}

/// The grants of staff member `staff_id`, by event slug.
async fn grants_of<C: ConnectionTrait>(conn: &C, staff_id: i32) -> Result<Vec<(String, Role)>> {
    let rows: Vec<(String, staff_grant::Role)> = staff_grant::Entity::find()
        .select_only()
        .column(event::Column::Slug)
        .column(staff_grant::Column::Role)
        .join(JoinType::InnerJoin, staff_grant::Relation::Event.def())
        .filter(staff_grant::Column::StaffId.eq(staff_id))
        .into_tuple()
        .all(conn)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(slug, role)| (slug, role.into()))
        .collect())
}

impl Database {
    /// Creates a staff account with no grant, or gives an existing one (same address, any case)
    /// this password, which ends every session it had (and is logged); returns the account's
    /// id. Its grants and whether it is an admin are set by [`Database::grant`] and
    /// [`Database::set_admin`].
    pub async fn add_staff(
        &self,
        email: &str,
        password_hash: &str,
        now: DateTime<Utc>,
        by: &ByWhom,
    ) -> Result<(i32, StaffSaved)> {
        let email = email.trim().to_lowercase();
        let txn = self.writer.begin().await?;
        let existing = staff::Entity::find()
            .filter(staff::Column::Email.eq(&email))
            .one(&txn)
            .await?;
        let saved = match existing {
            Some(row) => {
                let id = row.id;
                let mut active = row.into_active_model();
                active.password_hash = Set(password_hash.to_owned());
                active.update(&txn).await?;
                revoke_all(&txn, id, None, now).await?;
                let change = Change {
                    at: now,
                    action: AccessAction::PasswordChanged,
                    event_id: None,
                    subject_email: &email,
                    role: None,
                };
                access::log(&txn, change, by).await?;
                (id, StaffSaved::Updated)
            }
            None => {
                let row = staff::ActiveModel {
                    email: Set(email),
                    is_admin: Set(false),
                    password_hash: Set(password_hash.to_owned()),
                    created_at: Set(now),
                    disabled_at: Set(None),
                    totp_secret: Set(None),
                    totp_pending_secret: Set(None),
                    totp_last_step: Set(None),
                    ..Default::default()
                }
                .insert(&txn)
                .await?;
                (row.id, StaffSaved::Created)
            }
        };
        txn.commit().await?;
        Ok(saved)
    }

    /// Gives staff member `staff_id` a new password and ends their other sessions (all but
    /// `keep`, the one they changed it from), logged.
    pub async fn set_password(
        &self,
        staff_id: i32,
        password_hash: &str,
        keep: Option<i32>,
        now: DateTime<Utc>,
        by: &ByWhom,
    ) -> Result<()> {
        let txn = self.writer.begin().await?;
        let email = email_of(&txn, staff_id).await?;
        staff::Entity::update_many()
            .col_expr(staff::Column::PasswordHash, password_hash.into())
            .filter(staff::Column::Id.eq(staff_id))
            .exec(&txn)
            .await?;
        revoke_all(&txn, staff_id, keep, now).await?;
        let change = Change {
            at: now,
            action: AccessAction::PasswordChanged,
            event_id: None,
            subject_email: &email,
            role: None,
        };
        access::log(&txn, change, by).await?;
        txn.commit().await?;
        Ok(())
    }

    /// Makes staff member `staff_id` an admin of the whole instance, logged.
    pub async fn set_admin(&self, staff_id: i32, now: DateTime<Utc>, by: &ByWhom) -> Result<()> {
        let txn = self.writer.begin().await?;
        let email = email_of(&txn, staff_id).await?;
        staff::Entity::update_many()
            .col_expr(staff::Column::IsAdmin, true.into())
            .filter(staff::Column::Id.eq(staff_id))
            .exec(&txn)
            .await?;
        let change = Change {
            at: now,
            action: AccessAction::AdminNamed,
            event_id: None,
            subject_email: &email,
            role: None,
        };
        access::log(&txn, change, by).await?;
        txn.commit().await?;
        Ok(())
    }

    /// Disables staff member `staff_id` (every session ends at once, and they sign in no more)
    /// or enables them again, logged; `false` if they already were so.
    pub async fn set_disabled(
        &self,
        staff_id: i32,
        disabled: bool,
        now: DateTime<Utc>,
        by: &ByWhom,
    ) -> Result<bool> {
        let txn = self.writer.begin().await?;
        let email = email_of(&txn, staff_id).await?;
        let update = staff::Entity::update_many().filter(staff::Column::Id.eq(staff_id));
        let result = if disabled {
            update
                .col_expr(staff::Column::DisabledAt, Some(now).into())
                .filter(staff::Column::DisabledAt.is_null())
        } else {
            update
                .col_expr(
                    staff::Column::DisabledAt,
                    Option::<DateTime<Utc>>::None.into(),
                )
                .filter(staff::Column::DisabledAt.is_not_null())
        }
        .exec(&txn)
        .await?;
        if result.rows_affected == 0 {
            return Ok(false);
        }
        if disabled {
            // Ended for good: enabling the account again brings back none of them.
            revoke_all(&txn, staff_id, None, now).await?;
        }
        let change = Change {
            at: now,
            action: if disabled {
                AccessAction::Disabled
            } else {
                AccessAction::Enabled
            },
            event_id: None,
            subject_email: &email,
            role: None,
        };
        access::log(&txn, change, by).await?;
        txn.commit().await?;
        Ok(true)
    }

    /// Gives staff member `staff_id` this role at event `event_id` (replacing the role they had
    /// there, if any), logged.
    pub async fn grant(
        &self,
        staff_id: i32,
        event_id: i32,
        role: Role,
        now: DateTime<Utc>,
        by: &ByWhom,
    ) -> Result<()> {
        let txn = self.writer.begin().await?;
        let email = email_of(&txn, staff_id).await?;
        upsert_grant(&txn, staff_id, event_id, role, now).await?;
        let change = Change {
            at: now,
            action: AccessAction::Granted,
            event_id: Some(event_id),
            subject_email: &email,
            role: Some(role),
        };
        access::log(&txn, change, by).await?;
        txn.commit().await?;
        Ok(())
    }

    /// Ends staff member `staff_id`'s role at event `event_id`, logged; `false` if they had
    /// none.
    pub async fn remove_grant(
        &self,
        staff_id: i32,
        event_id: i32,
        now: DateTime<Utc>,
        by: &ByWhom,
    ) -> Result<bool> {
        let txn = self.writer.begin().await?;
        let email = email_of(&txn, staff_id).await?;
        let result = staff_grant::Entity::delete_many()
            .filter(staff_grant::Column::StaffId.eq(staff_id))
            .filter(staff_grant::Column::EventId.eq(event_id))
            .exec(&txn)
            .await?;
        if result.rows_affected == 0 {
            return Ok(false);
        }
        let change = Change {
            at: now,
            action: AccessAction::GrantRemoved,
            event_id: Some(event_id),
            subject_email: &email,
            role: None,
        };
        access::log(&txn, change, by).await?;
        txn.commit().await?;
        Ok(true)
    }

    /// The staff member with this address (any case), with what they may reach.
    pub async fn staff_member(&self, email: &str) -> Result<Option<StaffMember>> {
        Ok(self.staff_credentials(email).await?.map(|c| c.member))
    }

    /// The account with this address (any case), with its password hash.
    pub async fn staff_credentials(&self, email: &str) -> Result<Option<StaffCredentials>> {
        let email = email.trim().to_lowercase();
        let Some(row) = staff::Entity::find()
            .filter(staff::Column::Email.eq(email))
            .unique(&self.conn)
            .await?
        else {
            return Ok(None);
        };
        let grants = grants_of(&self.conn, row.id).await?;
        Ok(Some(StaffCredentials {
            member: StaffMember {
                id: row.id,
                email: row.email,
                access: Access::new(row.is_admin, grants),
                second_factor: row.totp_secret.is_some(),
            },
            password_hash: row.password_hash,
            disabled: row.disabled_at.is_some(),
            totp_secret: row.totp_secret,
        }))
    }

    /// Every account, by address, with its grants and how many of its sessions count at `now`.
    pub async fn accounts(&self, now: DateTime<Utc>, idle: Idle) -> Result<Vec<AccountSummary>> {
        let rows = staff::Entity::find()
            .order_by_asc(staff::Column::Email)
            .all(&self.conn)
            .await?;
        let mut accounts = Vec::with_capacity(rows.len());
        for row in rows {
            let grants = grants_of(&self.conn, row.id).await?;
            let live_sessions = self.sessions_of(row.id, now, idle).await?.len() as u64;
            accounts.push(AccountSummary {
                email: row.email,
                access: Access::new(row.is_admin, grants),
                disabled: row.disabled_at.is_some(),
                second_factor: row.totp_secret.is_some(),
                live_sessions,
            });
        }
        Ok(accounts)
    }

    /// Opens a session.
    pub async fn create_session(&self, new: NewSession<'_>) -> Result<()> {
        staff_session::ActiveModel {
            staff_id: Set(new.staff_id),
            token_hash: Set(new.token_hash.to_owned()),
            kind: Set(new.kind),
            csrf_token: Set(new.csrf_token.map(str::to_owned)),
            created_at: Set(new.now),
            expires_at: Set(new.expires_at),
            revoked_at: Set(None),
            last_used_at: Set(new.now),
            client_address: Set(Some(new.client_address.to_owned())),
            user_agent: Set(new
                .user_agent
                .map(|agent| agent.chars().take(200).collect())),
            second_factor: Set(new.second_factor),
            ..Default::default()
        }
        .insert(&self.writer)
        .await?;
        Ok(())
    }

    /// The live session whose token hashes to `token_hash` (see [`live`]), with its member's
    /// grants as they stand now.
    pub async fn session(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
        idle: Idle,
    ) -> Result<Option<Session>> {
        // One query for the session, its member and their grants (a row each; no limit, see
        // `unique.rs`): every request of the desk asks.
        let rows = staff_session::Entity::find()
            .select_only()
            .column_as(staff_session::Column::Id, "session_id")
            .column(staff_session::Column::Kind)
            .column(staff_session::Column::CsrfToken)
            .column(staff_session::Column::ExpiresAt)
            .column(staff_session::Column::LastUsedAt)
            .column_as(staff_session::Column::SecondFactor, "session_second_factor")
            .column(staff_session::Column::StaffId)
            .column(staff::Column::Email)
            .column(staff::Column::IsAdmin)
            .expr_as(
                Expr::col((staff::Entity, staff::Column::TotpSecret)).is_not_null(),
                "has_totp",
            )
            .column(event::Column::Slug)
            .column(staff_grant::Column::Role)
            .join(JoinType::InnerJoin, staff_session::Relation::Staff.def())
            .join(JoinType::LeftJoin, staff::Relation::Grants.def())
            .join(JoinType::LeftJoin, staff_grant::Relation::Event.def())
            .filter(staff_session::Column::TokenHash.eq(token_hash))
            .filter(live(now, idle))
            .into_model::<SessionRow>()
            .all(&self.conn)
            .await?;
        let Some(first) = rows.first() else {
            return Ok(None);
        };
        let (id, kind, csrf_token, expires_at, last_used_at, session_second_factor) = (
            first.session_id,
            first.kind,
            first.csrf_token.clone(),
            first.expires_at,
            first.last_used_at,
            first.session_second_factor,
        );
        let (staff_id, email, is_admin, second_factor) = (
            first.staff_id,
            first.email.clone(),
            first.is_admin,
            first.has_totp,
        );
        let grants = rows
            .into_iter()
            .filter_map(|row| Some((row.slug?, row.role?.into())));
        Ok(Some(Session {
            id,
            staff: StaffMember {
                id: staff_id,
                email,
                access: Access::new(is_admin, grants),
                second_factor,
            },
            kind,
            csrf_token,
            expires_at,
            last_used_at,
            second_factor: session_second_factor,
        }))
    }

    /// Records that session `id` was used at `now` from `client_address`. The web edge calls it
    /// at most once a minute per session, so that the desk's scans do not each write a row.
    pub async fn touch_session(
        &self,
        id: i32,
        now: DateTime<Utc>,
        client_address: &str,
    ) -> Result<()> {
        staff_session::Entity::update_many()
            .col_expr(staff_session::Column::LastUsedAt, Expr::value(now))
            .col_expr(
                staff_session::Column::ClientAddress,
                Expr::value(client_address.to_owned()),
            )
            .filter(staff_session::Column::Id.eq(id))
            // Another instance may have touched it this minute already: one write is enough.
            .filter(staff_session::Column::LastUsedAt.lt(now - TimeDelta::seconds(59)))
            .exec(&self.writer)
            .await?;
        Ok(())
    }

    /// The sessions of staff member `staff_id` that count at `now`, most recently used first.
    pub async fn sessions_of(
        &self,
        staff_id: i32,
        now: DateTime<Utc>,
        idle: Idle,
    ) -> Result<Vec<SessionInfo>> {
        let rows = staff_session::Entity::find()
            .join(JoinType::InnerJoin, staff_session::Relation::Staff.def())
            .filter(staff_session::Column::StaffId.eq(staff_id))
            .filter(live(now, idle))
            .order_by_desc(staff_session::Column::LastUsedAt)
            .all(&self.conn)
            .await?;
        Ok(rows
            .into_iter()
            .map(|row| SessionInfo {
                id: row.id,
                kind: row.kind,
                created_at: row.created_at,
                last_used_at: row.last_used_at,
                expires_at: row.expires_at,
                client_address: row.client_address,
                user_agent: row.user_agent,
            })
            .collect())
    }

    /// Ends session `session_id` of staff member `staff_id` (a lost phone), logged under
    /// `event_id` (the team page it was done from; `None`: the instance); `false` if no such
    /// session of theirs counted.
    pub async fn revoke_member_session(
        &self,
        staff_id: i32,
        session_id: i32,
        event_id: Option<i32>,
        now: DateTime<Utc>,
        by: &ByWhom,
    ) -> Result<bool> {
        let txn = self.writer.begin().await?;
        let email = email_of(&txn, staff_id).await?;
        let result = staff_session::Entity::update_many()
            .col_expr(staff_session::Column::RevokedAt, Some(now).into())
            .filter(staff_session::Column::Id.eq(session_id))
            .filter(staff_session::Column::StaffId.eq(staff_id))
            .filter(staff_session::Column::RevokedAt.is_null())
            .exec(&txn)
            .await?;
        if result.rows_affected == 0 {
            return Ok(false);
        }
        let change = Change {
            at: now,
            action: AccessAction::SessionRevoked,
            event_id,
            subject_email: &email,
            role: None,
        };
        access::log(&txn, change, by).await?;
        txn.commit().await?;
        Ok(true)
    }

    /// Ends every session of staff member `staff_id`, logged under `event_id` (as
    /// [`Database::revoke_member_session`]); returns how many there were.
    pub async fn revoke_sessions(
        &self,
        staff_id: i32,
        event_id: Option<i32>,
        now: DateTime<Utc>,
        by: &ByWhom,
    ) -> Result<u64> {
        let txn = self.writer.begin().await?;
        let email = email_of(&txn, staff_id).await?;
        let ended = revoke_all(&txn, staff_id, None, now).await?;
        let change = Change {
            at: now,
            action: AccessAction::SessionsRevoked,
            event_id,
            subject_email: &email,
            role: None,
        };
        access::log(&txn, change, by).await?;
        txn.commit().await?;
        Ok(ended)
    }

    /// Ends a session (sign-out).
    pub async fn revoke_session(&self, token_hash: &str, now: DateTime<Utc>) -> Result<bool> {
        let result = staff_session::Entity::update_many()
            .col_expr(staff_session::Column::RevokedAt, Some(now).into())
            .filter(staff_session::Column::TokenHash.eq(token_hash))
            .filter(staff_session::Column::RevokedAt.is_null())
            .exec(&self.writer)
            .await?;
        Ok(result.rows_affected > 0)
    }
}

/// A member of an event's team, as its team page shows them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TeamMember {
    pub id: i32,
    pub email: String,
    pub role: Role,
    /// An admin of the whole instance too: only admins manage them.
    pub admin: bool,
    pub second_factor: bool,
    pub disabled: bool,
    /// Their sessions that count now, most recently used first.
    pub sessions: Vec<SessionInfo>,
}

impl Database {
    /// Whether staff member `staff_id` has a role at event `event_id` (`None`: not of its
    /// team), and if so whether they are an admin too: what a change on the team page needs to
    /// know of them, in one query.
    pub async fn team_member_is_admin(&self, event_id: i32, staff_id: i32) -> Result<Option<bool>> {
        Ok(staff::Entity::find_by_id(staff_id)
            .select_only()
            .column(staff::Column::IsAdmin)
            .join(JoinType::InnerJoin, staff::Relation::Grants.def())
            .filter(staff_grant::Column::EventId.eq(event_id))
            .into_tuple()
            .one(&self.conn)
            .await?)
    }

    /// The team of event `event_id`: everyone with a role there, by address.
    pub async fn team_of(
        &self,
        event_id: i32,
        now: DateTime<Utc>,
        idle: Idle,
    ) -> Result<Vec<TeamMember>> {
        let rows: Vec<(staff::Model, Option<staff_grant::Model>)> = staff::Entity::find()
            .find_also_related(staff_grant::Entity)
            .filter(staff_grant::Column::EventId.eq(event_id))
            .order_by_asc(staff::Column::Email)
            .all(&self.conn)
            .await?;
        let mut team = Vec::with_capacity(rows.len());
        for (row, grant) in rows {
            let Some(grant) = grant else { continue };
            team.push(TeamMember {
                id: row.id,
                sessions: self.sessions_of(row.id, now, idle).await?,
                email: row.email,
                role: grant.role.into(),
                admin: row.is_admin,
                second_factor: row.totp_secret.is_some(),
                disabled: row.disabled_at.is_some(),
            });
        }
        Ok(team)
    }
}

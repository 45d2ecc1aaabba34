//! Staff accounts, their grants (a role at an event) and their sessions (browser cookies and
//! device bearer tokens, both stored as SHA-256 hashes and revocable), kept in the database so
//! that sessions hold across instances. A session is read with its member's grants in one query,
//! on every request: a grant given or taken away counts from the next request on. Sign-in
//! attempts are counted in `login_throttle.rs`.

use crate::entities::{event, staff, staff_grant, staff_session};
use crate::unique::Unique;
use crate::{Database, Error, Result};
use chrono::{DateTime, Utc};
use domain::{Access, Role};
use sea_orm::sea_query::{OnConflict, StringLen};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, IntoActiveModel,
    JoinType, QueryFilter, QuerySelect, RelationTrait, Set,
};

/// A staff member (without their password hash), with what they may reach.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffMember {
    pub id: i32,
    pub email: String,
    pub access: Access,
}

/// A staff member with the hash to check a password against.
#[derive(Debug, Clone)]
pub struct StaffCredentials {
    pub member: StaffMember,
    pub password_hash: String,
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
}

/// A session's row, its member's, and one of the member's grants (none if they hold none): the
/// session is read in one query, however many grants there are.
#[derive(Debug, FromQueryResult)]
struct SessionRow {
    session_id: i32,
    kind: SessionKind,
    csrf_token: Option<String>,
    expires_at: DateTime<Utc>,
    staff_id: i32,
    email: String,
    is_admin: bool,
    slug: Option<String>,
    role: Option<staff_grant::Role>,
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
    /// this password; returns the account's id. Its grants and whether it is an admin are set
    /// by [`Database::grant`] and [`Database::set_admin`].
    pub async fn add_staff(
        &self,
        email: &str,
        password_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<(i32, StaffSaved)> {
        let email = email.trim().to_lowercase();
        let existing = staff::Entity::find()
            .filter(staff::Column::Email.eq(&email))
            .one(&self.conn)
            .await?;
        match existing {
            Some(row) => {
                let id = row.id;
                let mut active = row.into_active_model();
                active.password_hash = Set(password_hash.to_owned());
                active.update(&self.writer).await?;
                Ok((id, StaffSaved::Updated))
            }
            None => {
                let row = staff::ActiveModel {
                    email: Set(email),
                    is_admin: Set(false),
                    password_hash: Set(password_hash.to_owned()),
                    created_at: Set(now),
                    ..Default::default()
                }
                .insert(&self.writer)
                .await?;
                Ok((row.id, StaffSaved::Created))
            }
        }
    }

    /// Makes staff member `staff_id` an admin of the whole instance, or no longer one.
    pub async fn set_admin(&self, staff_id: i32, admin: bool) -> Result<()> {
        let result = staff::Entity::update_many()
            .col_expr(staff::Column::IsAdmin, admin.into())
            .filter(staff::Column::Id.eq(staff_id))
            .exec(&self.writer)
            .await?;
        if result.rows_affected == 0 {
            return Err(Error::NotFound(format!("staff member {staff_id}")));
        }
        Ok(())
    }

    /// Gives staff member `staff_id` this role at event `event_id` (replacing the role they had
    /// there, if any).
    pub async fn grant(
        &self,
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
        .exec_without_returning(&self.writer)
        .await?;
        Ok(())
    }

    /// Ends staff member `staff_id`'s role at event `event_id`; `false` if they had none.
    pub async fn remove_grant(&self, staff_id: i32, event_id: i32) -> Result<bool> {
        let result = staff_grant::Entity::delete_many()
            .filter(staff_grant::Column::StaffId.eq(staff_id))
            .filter(staff_grant::Column::EventId.eq(event_id))
            .exec(&self.writer)
            .await?;
        Ok(result.rows_affected > 0)
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
            },
            password_hash: row.password_hash,
        }))
    }

    /// Opens a session; `token_hash` is the SHA-256 of the token the client keeps.
    pub async fn create_session(
        &self,
        staff_id: i32,
        token_hash: &str,
        kind: SessionKind,
        csrf_token: Option<&str>,
        now: DateTime<Utc>,
        expires_at: DateTime<Utc>,
    ) -> Result<()> {
        staff_session::ActiveModel {
            staff_id: Set(staff_id),
            token_hash: Set(token_hash.to_owned()),
            kind: Set(kind),
            csrf_token: Set(csrf_token.map(str::to_owned)),
            created_at: Set(now),
            expires_at: Set(expires_at),
            revoked_at: Set(None),
            ..Default::default()
        }
        .insert(&self.writer)
        .await?;
        Ok(())
    }

    /// The live session whose token hashes to `token_hash` (not expired, not revoked), with its
    /// member's grants as they stand now.
    pub async fn session(&self, token_hash: &str, now: DateTime<Utc>) -> Result<Option<Session>> {
        // One query for the session, its member and their grants (a row each; no limit, see
        // `unique.rs`): every request of the desk asks.
        let rows = staff_session::Entity::find()
            .select_only()
            .column_as(staff_session::Column::Id, "session_id")
            .column(staff_session::Column::Kind)
            .column(staff_session::Column::CsrfToken)
            .column(staff_session::Column::ExpiresAt)
            .column(staff_session::Column::StaffId)
            .column(staff::Column::Email)
            .column(staff::Column::IsAdmin)
            .column(event::Column::Slug)
            .column(staff_grant::Column::Role)
            .join(JoinType::InnerJoin, staff_session::Relation::Staff.def())
            .join(JoinType::LeftJoin, staff::Relation::Grants.def())
            .join(JoinType::LeftJoin, staff_grant::Relation::Event.def())
            .filter(staff_session::Column::TokenHash.eq(token_hash))
            .filter(staff_session::Column::RevokedAt.is_null())
            .filter(staff_session::Column::ExpiresAt.gt(now))
            .into_model::<SessionRow>()
            .all(&self.conn)
            .await?;
        let Some(first) = rows.first() else {
            return Ok(None);
        };
        let (id, kind, csrf_token, expires_at) = (
            first.session_id,
            first.kind,
            first.csrf_token.clone(),
            first.expires_at,
        );
        let (staff_id, email, is_admin) = (first.staff_id, first.email.clone(), first.is_admin);
        let grants = rows
            .into_iter()
            .filter_map(|row| Some((row.slug?, row.role?.into())));
        Ok(Some(Session {
            id,
            staff: StaffMember {
                id: staff_id,
                email,
                access: Access::new(is_admin, grants),
            },
            kind,
            csrf_token,
            expires_at,
        }))
    }

    /// Ends a session (logout, or a lost device).
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

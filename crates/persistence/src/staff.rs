//! Staff accounts and their sessions (browser cookies and device bearer tokens, both stored as
//! SHA-256 hashes and revocable), kept in the database so that sessions hold across instances.
//! Sign-in attempts are counted in `login_throttle.rs`.

use crate::entities::{staff, staff_session};
use crate::unique::Unique;
use crate::{Database, Result};
use chrono::{DateTime, Utc};
use domain::Role;
use sea_orm::sea_query::StringLen;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, Set};

/// A staff member (without their password hash).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffMember {
    pub id: i32,
    pub email: String,
    pub role: Role,
}

/// A staff member with the hash to check a password against.
#[derive(Debug, Clone)]
pub struct StaffCredentials {
    pub member: StaffMember,
    pub password_hash: String,
}

/// Whether `add_staff` created the account or replaced its role and password.
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

fn member(row: &staff::Model) -> StaffMember {
    StaffMember {
        id: row.id,
        email: row.email.clone(),
        role: row.role.into(),
    }
}

impl Database {
    /// Creates a staff account, or gives an existing one (same address, any case) this role and
    /// password.
    pub async fn add_staff(
        &self,
        email: &str,
        role: Role,
        password_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<StaffSaved> {
        let email = email.trim().to_lowercase();
        let existing = staff::Entity::find()
            .filter(staff::Column::Email.eq(&email))
            .one(&self.conn)
            .await?;
        match existing {
            Some(row) => {
                let mut active = row.into_active_model();
                active.role = Set(role.into());
                active.password_hash = Set(password_hash.to_owned());
                active.update(&self.writer).await?;
                Ok(StaffSaved::Updated)
            }
            None => {
                staff::ActiveModel {
                    email: Set(email),
                    role: Set(role.into()),
                    password_hash: Set(password_hash.to_owned()),
                    created_at: Set(now),
                    ..Default::default()
                }
                .insert(&self.writer)
                .await?;
                Ok(StaffSaved::Created)
            }
        }
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
        Ok(Some(StaffCredentials {
            member: member(&row),
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

    /// The live session whose token hashes to `token_hash`: not expired, not revoked.
    pub async fn session(&self, token_hash: &str, now: DateTime<Utc>) -> Result<Option<Session>> {
        // One query for both: every request of the desk asks.
        let Some((row, Some(staff_row))) = staff_session::Entity::find()
            .find_also_related(staff::Entity)
            .filter(staff_session::Column::TokenHash.eq(token_hash))
            .filter(staff_session::Column::RevokedAt.is_null())
            .filter(staff_session::Column::ExpiresAt.gt(now))
            .unique(&self.conn)
            .await?
        else {
            return Ok(None);
        };
        Ok(Some(Session {
            id: row.id,
            staff: member(&staff_row),
            kind: row.kind,
            csrf_token: row.csrf_token,
            expires_at: row.expires_at,
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

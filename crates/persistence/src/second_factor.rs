//! Two-factor sign-in as stored: each account's TOTP secret (pending until a code confirms it),
//! the step of the last code accepted, one-use recovery codes, and the challenges browsers hold
//! between their password and their code. What a code is, and whether it matches, is
//! `domain::second_factor`'s; here each use is claimed atomically, so that a code or a recovery
//! code is accepted once even when two instances are asked at the same moment.

use crate::access::{self, AccessAction, ByWhom, Change};
use crate::entities::{staff, staff_login_challenge, staff_recovery_code, staff_session};
use crate::{Database, Error, Result};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, Condition, EntityTrait, QueryFilter, QuerySelect, Set, TransactionTrait,
};

impl Database {
    /// Keeps `secret` (base32) as staff member `staff_id`'s secret to confirm: the account page
    /// shows it until a code of it comes back.
    pub async fn set_pending_totp(&self, staff_id: i32, secret: &str) -> Result<()> {
        staff::Entity::update_many()
            .col_expr(
                staff::Column::TotpPendingSecret,
                Expr::value(secret.to_owned()),
            )
            .filter(staff::Column::Id.eq(staff_id))
            .exec(&self.writer)
            .await?;
        Ok(())
    }

    /// The secret staff member `staff_id` is enrolling with, if any.
    pub async fn pending_totp(&self, staff_id: i32) -> Result<Option<String>> {
        let pending: Option<Option<String>> = staff::Entity::find_by_id(staff_id)
            .select_only()
            .column(staff::Column::TotpPendingSecret)
            .into_tuple()
            .one(&self.conn)
            .await?;
        Ok(pending.flatten())
    }

    /// Makes `secret` (base32) staff member `staff_id`'s second factor, with these recovery
    /// codes (their hashes) in place of any earlier ones, logged. `accepted_step` is the step of
    /// the code that confirmed it (that code is then used), `None` from the command line. Every
    /// other session of the member ends: only `confirmed_in`, the session the code was given in,
    /// goes on, now counted as opened with a second factor.
    #[expect(clippy::too_many_arguments, reason = "one enrolment, each part named")]
    pub async fn enrol_totp(
        &self,
        staff_id: i32,
        secret: &str,
        accepted_step: Option<i64>,
        recovery_hashes: &[String],
        confirmed_in: Option<i32>,
        now: DateTime<Utc>,
        by: &ByWhom,
    ) -> Result<()> {
        let txn = self.writer.begin().await?;
        let email: Option<String> = staff::Entity::find_by_id(staff_id)
            .select_only()
            .column(staff::Column::Email)
            .into_tuple()
            .one(&txn)
            .await?;
        let email = email.ok_or_else(|| Error::NotFound(format!("staff member {staff_id}")))?;
        staff::Entity::update_many()
            .col_expr(staff::Column::TotpSecret, Expr::value(secret.to_owned()))
            .col_expr(
                staff::Column::TotpPendingSecret,
                Expr::value(Option::<String>::None),
            )
            .col_expr(staff::Column::TotpLastStep, Expr::value(accepted_step))
            .filter(staff::Column::Id.eq(staff_id))
            .exec(&txn)
            .await?;
        staff_recovery_code::Entity::delete_many()
            .filter(staff_recovery_code::Column::StaffId.eq(staff_id))
            .exec(&txn)
            .await?;
        crate::staff::revoke_all(&txn, staff_id, confirmed_in, now).await?;
        if let Some(session) = confirmed_in {
            staff_session::Entity::update_many()
                .col_expr(staff_session::Column::SecondFactor, Expr::value(true))
                .filter(staff_session::Column::Id.eq(session))
                .filter(staff_session::Column::StaffId.eq(staff_id))
                .exec(&txn)
                .await?;
        }
        if !recovery_hashes.is_empty() {
            staff_recovery_code::Entity::insert_many(recovery_hashes.iter().map(|hash| {
                staff_recovery_code::ActiveModel {
                    staff_id: Set(staff_id),
                    code_hash: Set(hash.clone()),
                    used_at: Set(None),
                    ..Default::default()
                }
            }))
            .exec_without_returning(&txn)
            .await?;
        }
        let change = Change {
            at: now,
            action: AccessAction::TotpEnrolled,
            event_id: None,
            subject_email: &email,
            role: None,
        };
        access::log(&txn, change, by).await?;
        txn.commit().await?;
        Ok(())
    }

    /// Claims TOTP step `step` for staff member `staff_id`: `true` if it is later than the last
    /// step accepted (which it becomes), `false` if a code of it, or of a later step, was
    /// accepted already (a replay).
    pub async fn claim_totp_step(&self, staff_id: i32, step: i64) -> Result<bool> {
        let result = staff::Entity::update_many()
            .col_expr(staff::Column::TotpLastStep, Expr::value(Some(step)))
            .filter(staff::Column::Id.eq(staff_id))
            .filter(staff::Column::TotpSecret.is_not_null())
            .filter(
                Condition::any()
                    .add(staff::Column::TotpLastStep.is_null())
                    .add(staff::Column::TotpLastStep.lt(step)),
            )
            .exec(&self.writer)
            .await?;
        Ok(result.rows_affected == 1)
    }

    /// Uses staff member `staff_id`'s recovery code whose hash is `code_hash`: `true` once,
    /// `false` for a code they do not have or have used.
    pub async fn use_recovery_code(
        &self,
        staff_id: i32,
        code_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<bool> {
        let result = staff_recovery_code::Entity::update_many()
            .col_expr(staff_recovery_code::Column::UsedAt, Expr::value(Some(now)))
            .filter(staff_recovery_code::Column::StaffId.eq(staff_id))
            .filter(staff_recovery_code::Column::CodeHash.eq(code_hash))
            .filter(staff_recovery_code::Column::UsedAt.is_null())
            .exec(&self.writer)
            .await?;
        Ok(result.rows_affected >= 1)
    }

    /// How many unused recovery codes staff member `staff_id` has left.
    pub async fn recovery_codes_left(&self, staff_id: i32) -> Result<u64> {
        use sea_orm::PaginatorTrait;
        Ok(staff_recovery_code::Entity::find()
            .filter(staff_recovery_code::Column::StaffId.eq(staff_id))
            .filter(staff_recovery_code::Column::UsedAt.is_null())
            .count(&self.conn)
            .await?)
    }

    /// Opens a sign-in challenge: the browser whose token hashes to `token_hash` gave staff
    /// member `staff_id`'s password, and may give its code until `expires_at`.
    pub async fn create_login_challenge(
        &self,
        staff_id: i32,
        token_hash: &str,
        now: DateTime<Utc>,
        expires_at: DateTime<Utc>,
    ) -> Result<()> {
        // Old challenges go as new ones come: they are useless once expired.
        staff_login_challenge::Entity::delete_many()
            .filter(staff_login_challenge::Column::ExpiresAt.lt(now))
            .exec(&self.writer)
            .await?;
        staff_login_challenge::Entity::insert(staff_login_challenge::ActiveModel {
            token_hash: Set(token_hash.to_owned()),
            staff_id: Set(staff_id),
            created_at: Set(now),
            expires_at: Set(expires_at),
            used_at: Set(None),
            ..Default::default()
        })
        .exec_without_returning(&self.writer)
        .await?;
        Ok(())
    }

    /// The staff member whose open challenge this is (not used, not expired).
    pub async fn login_challenge(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<i32>> {
        Ok(staff_login_challenge::Entity::find()
            .select_only()
            .column(staff_login_challenge::Column::StaffId)
            .filter(staff_login_challenge::Column::TokenHash.eq(token_hash))
            .filter(staff_login_challenge::Column::UsedAt.is_null())
            .filter(staff_login_challenge::Column::ExpiresAt.gt(now))
            .into_tuple()
            .one(&self.conn)
            .await?)
    }

    /// Closes a challenge (its code was right): `false` if it was closed already.
    pub async fn close_login_challenge(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<bool> {
        let result = staff_login_challenge::Entity::update_many()
            .col_expr(
                staff_login_challenge::Column::UsedAt,
                Expr::value(Some(now)),
            )
            .filter(staff_login_challenge::Column::TokenHash.eq(token_hash))
            .filter(staff_login_challenge::Column::UsedAt.is_null())
            .exec(&self.writer)
            .await?;
        Ok(result.rows_affected == 1)
    }

    /// Opens again a challenge closed while a wrong code was checked (within its five minutes).
    pub async fn reopen_login_challenge(&self, token_hash: &str, now: DateTime<Utc>) -> Result<()> {
        staff_login_challenge::Entity::update_many()
            .col_expr(
                staff_login_challenge::Column::UsedAt,
                Expr::value(Option::<DateTime<Utc>>::None),
            )
            .filter(staff_login_challenge::Column::TokenHash.eq(token_hash))
            .filter(staff_login_challenge::Column::ExpiresAt.gt(now))
            .exec(&self.writer)
            .await?;
        Ok(())
    }

    /// Staff member `staff_id`'s address and TOTP secret.
    pub async fn totp_of(&self, staff_id: i32) -> Result<Option<(String, Option<String>)>> {
        Ok(staff::Entity::find_by_id(staff_id)
            .select_only()
            .column(staff::Column::Email)
            .column(staff::Column::TotpSecret)
            .into_tuple()
            .one(&self.conn)
            .await?)
    }
}

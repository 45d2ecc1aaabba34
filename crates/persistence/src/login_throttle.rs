//! Sign-in attempts, counted in the database so that the limits hold across instances
//! ([`domain::LoginLimits`]: per (account, client address) and per client address, and wrong
//! second-factor codes per account).
//!
//! The check and the count are one step: an attempt is *reserved* — counted, as a row — before
//! its password is verified, and settled afterwards (a failure keeps counting, a success or an
//! attempt that was never verified stops). Reservations from one address are made one after
//! the other: each first locks that address's row in `login_addresses` (an upsert, which waits
//! for the lock on PostgreSQL and takes SQLite's one write lock), then counts, then inserts.
//! So twenty wrong passwords sent at once, to any instances on one database, are five
//! verifications and fifteen refusals, never twenty verifications.

use crate::entities::{login_address, login_attempt};
use crate::{Database, Result};
use chrono::{DateTime, Utc};
use domain::LoginLimits;
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseTransaction, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, Select, Set, TransactionTrait,
};

/// A sign-in attempt reserved by [`Database::reserve_login_attempt`]: it counts as failed until
/// [`Database::settle_login_attempt`] says how it ended.
#[derive(Debug)]
#[must_use = "an attempt counts as failed until it is settled"]
pub struct LoginAttempt {
    id: i32,
}

/// The answer to "may this client try a password for this account now?".
#[derive(Debug)]
pub enum Reservation {
    /// Yes: verify the password, then settle the attempt.
    Granted(LoginAttempt),
    /// No: too many attempts; none may be made before `until`.
    Refused { until: DateTime<Utc> },
}

/// How a reserved attempt ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttemptOutcome {
    /// A wrong email or password: it goes on counting for the window.
    Failed,
    /// The right password and a wrong second-factor code: it counts as a failure, and also
    /// toward the account's own limit on wrong codes, from any address.
    CodeFailed,
    /// Signed in: it no longer counts.
    Succeeded,
    /// The password was never verified (too many verifications under way, or an error): it no
    /// longer counts.
    Abandoned,
}

/// An email as attempts are counted by: trimmed, lowercased, cut to the column's length.
fn counted_email(email: &str) -> String {
    email.trim().to_lowercase().chars().take(254).collect()
}

/// Locks `address`'s row for the rest of the transaction, creating it if need be.
async fn lock_address(txn: &DatabaseTransaction, address: &str, now: DateTime<Utc>) -> Result<()> {
    login_address::Entity::insert(login_address::ActiveModel {
        address: Set(address.to_owned()),
        last_attempt_at: Set(now),
    })
    .on_conflict(
        OnConflict::column(login_address::Column::Address)
            .update_column(login_address::Column::LastAttemptAt)
            .to_owned(),
    )
    .exec_without_returning(txn)
    .await?;
    Ok(())
}

/// When the oldest of `counted` stops counting.
async fn first_release(
    txn: &DatabaseTransaction,
    counted: Select<login_attempt::Entity>,
    limits: &LoginLimits,
) -> Result<Option<DateTime<Utc>>> {
    Ok(counted
        .order_by_asc(login_attempt::Column::At)
        .one(txn)
        .await?
        .map(|oldest| oldest.at + limits.window))
}

impl Database {
    /// Reserves a sign-in attempt for `email` from `address`, unless that pair or that address
    /// has used up its attempts under `limits` (see the module's comment).
    #[tracing::instrument(skip(self, email))]
    pub async fn reserve_login_attempt(
        &self,
        email: &str,
        address: &str,
        limits: &LoginLimits,
        now: DateTime<Utc>,
    ) -> Result<Reservation> {
        let email = counted_email(email);
        let address: String = address.chars().take(64).collect();
        let txn = self.writer.begin().await?;
        lock_address(&txn, &address, now).await?;
        let from_address = login_attempt::Entity::find()
            .filter(login_attempt::Column::Address.eq(&address))
            .filter(login_attempt::Column::At.gte(limits.counted_since(now)));
        let for_pair = from_address
            .clone()
            .filter(login_attempt::Column::Email.eq(&email));
        let mut until = None;
        if for_pair.clone().count(&txn).await? >= limits.per_account_and_address {
            until = first_release(&txn, for_pair, limits).await?;
        }
        if from_address.clone().count(&txn).await? >= limits.per_address {
            until = until.max(first_release(&txn, from_address, limits).await?);
        }
        // Wrong codes need the right password: counted for the account from every address, so
        // that someone who has the password cannot guess codes from many places. Only they can
        // lock the account this way.
        let wrong_codes = login_attempt::Entity::find()
            .filter(login_attempt::Column::Email.eq(&email))
            .filter(login_attempt::Column::Outcome.eq(login_attempt::Outcome::CodeFailed))
            .filter(login_attempt::Column::At.gte(limits.counted_since(now)));
        if wrong_codes.clone().count(&txn).await? >= limits.codes_per_account {
            until = until.max(first_release(&txn, wrong_codes, limits).await?);
        }
        if let Some(until) = until {
            txn.commit().await?;
            return Ok(Reservation::Refused { until });
        }
        let row = login_attempt::ActiveModel {
            email: Set(email),
            address: Set(address),
            at: Set(now),
            outcome: Set(login_attempt::Outcome::Pending),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        txn.commit().await?;
        Ok(Reservation::Granted(LoginAttempt { id: row.id }))
    }

    /// Records how a reserved attempt ended.
    pub async fn settle_login_attempt(
        &self,
        attempt: LoginAttempt,
        outcome: AttemptOutcome,
        now: DateTime<Utc>,
    ) -> Result<()> {
        match outcome {
            // Counted from the failure on: the window starts when the wrong password was known.
            AttemptOutcome::Failed | AttemptOutcome::CodeFailed => {
                let stored = if outcome == AttemptOutcome::Failed {
                    login_attempt::Outcome::Failed
                } else {
                    login_attempt::Outcome::CodeFailed
                };
                login_attempt::Entity::update_many()
                    .set(login_attempt::ActiveModel {
                        at: Set(now),
                        outcome: Set(stored),
                        ..Default::default()
                    })
                    .filter(login_attempt::Column::Id.eq(attempt.id))
                    .exec(&self.writer)
                    .await?;
            }
            AttemptOutcome::Succeeded | AttemptOutcome::Abandoned => {
                login_attempt::Entity::delete_by_id(attempt.id)
                    .exec(&self.writer)
                    .await?;
            }
        }
        Ok(())
    }

    /// Forgets the attempts, and the addresses, that no longer count at `now`. Returns how many
    /// attempts were deleted.
    pub async fn prune_login_attempts(
        &self,
        limits: &LoginLimits,
        now: DateTime<Utc>,
    ) -> Result<u64> {
        let before = limits.counted_since(now);
        let attempts = login_attempt::Entity::delete_many()
            .filter(login_attempt::Column::At.lt(before))
            .exec(&self.writer)
            .await?;
        // An address being locked by a reservation has just had its time raised: it stays.
        login_address::Entity::delete_many()
            .filter(login_address::Column::LastAttemptAt.lt(before))
            .exec(&self.writer)
            .await?;
        Ok(attempts.rows_affected)
    }
}

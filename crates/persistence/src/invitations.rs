//! Invitations to an event's team. Each row is also its email's place in the queue, with the
//! outbox's own columns and rules (`outbox.rs`): written in the transaction that makes the
//! invitation (with its line in the access log), claimed by a worker under a lease, retried with
//! backoff, never dropped. Taking one up creates the account, gives it the role and spends the
//! invitation, in one transaction: a link works once.

use crate::access::{self, AccessAction, ByWhom, Change};
use crate::entities::outbox::Status;
use crate::entities::{staff, staff_invitation};
use crate::{Database, Error, Result};
use chrono::{DateTime, TimeDelta, Utc};
use domain::{Lang, Role};
use sea_orm::sea_query::{Expr, ExprTrait, LockBehavior, LockType, OnConflict};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    QueryTrait, Set, TransactionTrait,
};

/// An invitation to make.
#[derive(Debug, Clone)]
pub struct NewInvitation<'a> {
    /// Already checked to be an address; stored lowercase.
    pub email: &'a str,
    pub event_id: i32,
    pub role: Role,
    /// Random, for the link's HMAC.
    pub nonce: &'a str,
    /// The email's language.
    pub lang: Lang,
    pub now: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

/// An invitation, as its link's page needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invitation {
    pub id: i32,
    pub email: String,
    pub event_id: i32,
    pub role: Role,
    pub nonce: String,
    pub lang: Lang,
    pub expires_at: DateTime<Utc>,
    /// Taken up already.
    pub used: bool,
}

/// An invitation still open, as the team page lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenInvitation {
    pub email: String,
    pub role: Role,
    pub expires_at: DateTime<Utc>,
    /// Its email is sent (else queued, or failed for good with `last_error`).
    pub sent: bool,
    pub failed: bool,
    pub last_error: Option<String>,
}

/// Why an invitation could not be taken up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotAccepted {
    /// Used already, or past its 48 hours.
    Spent,
}

fn invitation(row: staff_invitation::Model) -> Invitation {
    Invitation {
        id: row.id,
        email: row.email,
        event_id: row.event_id,
        role: row.role.into(),
        nonce: row.nonce,
        lang: row.lang.parse().unwrap_or(Lang::En),
        expires_at: row.expires_at,
        used: row.used_at.is_some(),
    }
}

impl Database {
    /// Records an invitation and queues its email, logged; returns its id.
    pub async fn invite(&self, new: NewInvitation<'_>, by: &ByWhom) -> Result<i32> {
        let email = new.email.trim().to_lowercase();
        let txn = self.writer.begin().await?;
        let row = staff_invitation::ActiveModel {
            email: Set(email.clone()),
            event_id: Set(new.event_id),
            role: Set(new.role.into()),
            invited_by: Set(by.staff_id),
            nonce: Set(new.nonce.to_owned()),
            lang: Set(new.lang.code().to_owned()),
            created_at: Set(new.now),
            expires_at: Set(new.expires_at),
            used_at: Set(None),
            status: Set(Status::Pending),
            attempts: Set(0),
            next_attempt_at: Set(new.now),
            claimed_until: Set(None),
            last_error: Set(None),
            sent_at: Set(None),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        let change = Change {
            at: new.now,
            action: AccessAction::Invited,
            event_id: Some(new.event_id),
            subject_email: &email,
            role: Some(new.role),
        };
        access::log(&txn, change, by).await?;
        txn.commit().await?;
        Ok(row.id)
    }

    /// The invitation `id`, used or not.
    pub async fn invitation(&self, id: i32) -> Result<Option<Invitation>> {
        Ok(staff_invitation::Entity::find_by_id(id)
            .one(&self.conn)
            .await?
            .map(invitation))
    }

    /// The invitations of event `event_id` not yet taken up nor expired at `now`, newest first.
    pub async fn open_invitations(
        &self,
        event_id: i32,
        now: DateTime<Utc>,
    ) -> Result<Vec<OpenInvitation>> {
        let rows = staff_invitation::Entity::find()
            .filter(staff_invitation::Column::EventId.eq(event_id))
            .filter(staff_invitation::Column::UsedAt.is_null())
            .filter(staff_invitation::Column::ExpiresAt.gt(now))
            .order_by_desc(staff_invitation::Column::Id)
            .all(&self.conn)
            .await?;
        Ok(rows
            .into_iter()
            .map(|row| OpenInvitation {
                email: row.email,
                role: row.role.into(),
                expires_at: row.expires_at,
                sent: row.status == Status::Sent,
                failed: row.status == Status::Failed,
                last_error: row.last_error,
            })
            .collect())
    }

    /// Takes up invitation `id`: creates its account with this password (an account with its
    /// address made meanwhile keeps its own password), gives it the role at the event, and
    /// spends the invitation, logged as done by the new member from `address`. Returns the
    /// account's id.
    pub async fn accept_invitation(
        &self,
        id: i32,
        password_hash: &str,
        now: DateTime<Utc>,
        address: &str,
    ) -> Result<std::result::Result<i32, NotAccepted>> {
        let txn = self.writer.begin().await?;
        // Spent first, in the transaction: two takes of one link at once give one account.
        let spent = staff_invitation::Entity::update_many()
            .col_expr(staff_invitation::Column::UsedAt, Expr::value(Some(now)))
            .filter(staff_invitation::Column::Id.eq(id))
            .filter(staff_invitation::Column::UsedAt.is_null())
            .filter(staff_invitation::Column::ExpiresAt.gt(now))
            .exec(&txn)
            .await?;
        if spent.rows_affected != 1 {
            return Ok(Err(NotAccepted::Spent));
        }
        let row = staff_invitation::Entity::find_by_id(id)
            .one(&txn)
            .await?
            .ok_or_else(|| Error::NotFound(format!("invitation {id}")))?;
        staff::Entity::insert(staff::ActiveModel {
            email: Set(row.email.clone()),
            is_admin: Set(false),
            password_hash: Set(password_hash.to_owned()),
            created_at: Set(now),
            disabled_at: Set(None),
            totp_secret: Set(None),
            totp_pending_secret: Set(None),
            totp_last_step: Set(None),
            ..Default::default()
        })
        .on_conflict(
            OnConflict::column(staff::Column::Email)
                .do_nothing()
                .to_owned(),
        )
        .exec_without_returning(&txn)
        .await?;
        let staff_id: i32 = staff::Entity::find()
            .select_only()
            .column(staff::Column::Id)
            .filter(staff::Column::Email.eq(&row.email))
            .into_tuple()
            .one(&txn)
            .await?
            .ok_or_else(|| Error::NotFound(format!("staff {}", row.email)))?;
        crate::staff::upsert_grant(&txn, staff_id, row.event_id, row.role.into(), now).await?;
        let change = Change {
            at: now,
            action: AccessAction::InvitationAccepted,
            event_id: Some(row.event_id),
            subject_email: &row.email,
            role: Some(row.role.into()),
        };
        access::log(&txn, change, &ByWhom::staff(staff_id, address)).await?;
        txn.commit().await?;
        Ok(Ok(staff_id))
    }

    /// Claims up to `limit` invitation emails due at `now` for `lease`, as
    /// [`Database::claim_due_emails`] does for participants' emails.
    pub async fn claim_due_invitations(
        &self,
        now: DateTime<Utc>,
        limit: u64,
        lease: TimeDelta,
    ) -> Result<Vec<(Invitation, i32)>> {
        let due = staff_invitation::Entity::find()
            .select_only()
            .column(staff_invitation::Column::Id)
            .filter(
                Condition::any()
                    .add(
                        Condition::all()
                            .add(staff_invitation::Column::Status.eq(Status::Pending))
                            .add(staff_invitation::Column::NextAttemptAt.lte(now)),
                    )
                    .add(
                        Condition::all()
                            .add(staff_invitation::Column::Status.eq(Status::Sending))
                            .add(staff_invitation::Column::ClaimedUntil.lt(now)),
                    ),
            )
            .order_by_asc(staff_invitation::Column::Id)
            .limit(limit)
            .into_query()
            .lock_with_behavior(LockType::Update, LockBehavior::SkipLocked)
            .to_owned();
        let claimed = staff_invitation::Entity::update_many()
            .col_expr(
                staff_invitation::Column::Status,
                Expr::value(Status::Sending),
            )
            .col_expr(
                staff_invitation::Column::ClaimedUntil,
                Some(now + lease).into(),
            )
            .col_expr(
                staff_invitation::Column::Attempts,
                Expr::col(staff_invitation::Column::Attempts).add(1),
            )
            .filter(staff_invitation::Column::Id.in_subquery(due))
            .exec_with_returning(&self.writer)
            .await?;
        let mut jobs: Vec<(Invitation, i32)> = claimed
            .into_iter()
            .map(|row| {
                let attempts = row.attempts;
                (invitation(row), attempts)
            })
            .collect();
        jobs.sort_by_key(|(invitation, _)| invitation.id);
        Ok(jobs)
    }

    /// Gives back the claims of invitation emails a stopping worker will not send, as
    /// [`Database::release_emails`] does for participants' emails.
    pub async fn release_invitations(&self, ids: &[i32]) -> Result<u64> {
        if ids.is_empty() {
            return Ok(0);
        }
        let released = staff_invitation::Entity::update_many()
            .col_expr(
                staff_invitation::Column::Status,
                Expr::value(Status::Pending),
            )
            .col_expr(
                staff_invitation::Column::ClaimedUntil,
                Option::<DateTime<Utc>>::None.into(),
            )
            .col_expr(
                staff_invitation::Column::Attempts,
                Expr::col(staff_invitation::Column::Attempts).sub(1),
            )
            .filter(staff_invitation::Column::Id.is_in(ids.iter().copied()))
            .filter(staff_invitation::Column::Status.eq(Status::Sending))
            .filter(staff_invitation::Column::Attempts.gt(0))
            .exec(&self.writer)
            .await?;
        Ok(released.rows_affected)
    }

    /// Records an invitation's email as delivered.
    pub async fn mark_invitation_sent(&self, id: i32, now: DateTime<Utc>) -> Result<()> {
        staff_invitation::Entity::update_many()
            .col_expr(staff_invitation::Column::Status, Expr::value(Status::Sent))
            .col_expr(staff_invitation::Column::SentAt, Some(now).into())
            .col_expr(
                staff_invitation::Column::ClaimedUntil,
                Option::<DateTime<Utc>>::None.into(),
            )
            .col_expr(
                staff_invitation::Column::LastError,
                Option::<String>::None.into(),
            )
            .filter(staff_invitation::Column::Id.eq(id))
            .exec(&self.writer)
            .await?;
        Ok(())
    }

    /// Records a failed attempt at an invitation's email: retried at `retry_at`, or failed for
    /// good when `None` (the team page shows it; inviting again makes a new one).
    pub async fn mark_invitation_failed(
        &self,
        id: i32,
        error: &str,
        retry_at: Option<DateTime<Utc>>,
    ) -> Result<()> {
        let mut update = staff_invitation::Entity::update_many()
            .col_expr(
                staff_invitation::Column::LastError,
                Some(error.chars().take(1000).collect::<String>()).into(),
            )
            .col_expr(
                staff_invitation::Column::ClaimedUntil,
                Option::<DateTime<Utc>>::None.into(),
            );
        update = match retry_at {
            Some(at) => update
                .col_expr(
                    staff_invitation::Column::Status,
                    Expr::value(Status::Pending),
                )
                .col_expr(staff_invitation::Column::NextAttemptAt, at.into()),
            None => update.col_expr(
                staff_invitation::Column::Status,
                Expr::value(Status::Failed),
            ),
        };
        update
            .filter(staff_invitation::Column::Id.eq(id))
            .exec(&self.writer)
            .await?;
        Ok(())
    }
}

//! The email outbox: messages queued in the same transaction as the change they announce, claimed
//! by workers (several instances may run one each), retried with backoff, never dropped.

use crate::entities::outbox::{self, Status};
use crate::entities::registration;
use crate::{Database, Result};
use chrono::{DateTime, TimeDelta, Utc};
use domain::EmailKind;
use sea_orm::sea_query::{Expr, ExprTrait, LockBehavior, LockType};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    QueryTrait,
};

/// A message a worker has claimed and must now send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmailJob {
    pub id: i32,
    pub registration_id: i32,
    pub kind: EmailKind,
    /// Including this one.
    pub attempts: i32,
    /// When it was queued: with its id, what tells it from any other message (its Message-ID
    /// is made from both).
    pub created_at: DateTime<Utc>,
    /// The organisers' words to go with it (a declined request's message).
    pub note: Option<String>,
}

/// A message given up on, for organisers to see and retry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FailedEmail {
    pub id: i32,
    pub registration_id: i32,
    pub kind: EmailKind,
    pub attempts: i32,
    pub last_error: Option<String>,
}

/// The outbox at a glance, for organisers and tests.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OutboxCounts {
    /// Waiting to be sent, or being sent.
    pub pending: u64,
    pub sent: u64,
    /// Given up after the last attempt; an organiser can retry them.
    pub failed: u64,
}

impl OutboxCounts {
    fn add(&mut self, status: EmailStatus, n: u64) {
        match status {
            EmailStatus::Pending => self.pending += n,
            EmailStatus::Sent => self.sent += n,
            EmailStatus::Failed => self.failed += n,
        }
    }
}

/// Where a queued message stands, as organisers see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EmailStatus {
    /// Waiting to be sent, or being sent.
    Pending,
    Sent,
    /// Given up after the last attempt; an organiser can retry it.
    Failed,
}

impl EmailStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            EmailStatus::Pending => "pending",
            EmailStatus::Sent => "sent",
            EmailStatus::Failed => "failed",
        }
    }
}

/// A message being sent is still pending for organisers: it may yet fail and be retried.
impl From<Status> for EmailStatus {
    fn from(status: Status) -> Self {
        match status {
            Status::Pending | Status::Sending => EmailStatus::Pending,
            Status::Sent => EmailStatus::Sent,
            Status::Failed => EmailStatus::Failed,
        }
    }
}

/// The messages about the event's registrations.
fn of_event(event_id: i32) -> Condition {
    let registrations = registration::Entity::find()
        .select_only()
        .column(registration::Column::Id)
        .filter(registration::Column::EventId.eq(event_id))
        .into_query();
    Condition::all().add(outbox::Column::RegistrationId.in_subquery(registrations))
}

fn failed_email(row: outbox::Model) -> FailedEmail {
    FailedEmail {
        id: row.id,
        registration_id: row.registration_id,
        kind: row.kind.into(),
        attempts: row.attempts,
        last_error: row.last_error,
    }
}

impl Database {
    /// Claims up to `limit` due messages for `lease`: until it lapses no other worker takes them.
    /// A worker that dies mid-send leaves its claims to lapse, and the messages are sent again.
    /// On PostgreSQL, `FOR UPDATE SKIP LOCKED` lets several workers claim side by side without
    /// waiting; SQLite runs the statement under its single write lock.
    pub async fn claim_due_emails(
        &self,
        now: DateTime<Utc>,
        limit: u64,
        lease: TimeDelta,
    ) -> Result<Vec<EmailJob>> {
        let due = outbox::Entity::find()
            .select_only()
            .column(outbox::Column::Id)
            .filter(
                Condition::any()
                    .add(
                        Condition::all()
                            .add(outbox::Column::Status.eq(Status::Pending))
                            .add(outbox::Column::NextAttemptAt.lte(now)),
                    )
                    .add(
                        Condition::all()
                            .add(outbox::Column::Status.eq(Status::Sending))
                            .add(outbox::Column::ClaimedUntil.lt(now)),
                    ),
            )
            .order_by_asc(outbox::Column::Id)
            .limit(limit)
            .into_query()
            .lock_with_behavior(LockType::Update, LockBehavior::SkipLocked)
            .to_owned();
        let claimed = outbox::Entity::update_many()
            .col_expr(outbox::Column::Status, Expr::value(Status::Sending))
            .col_expr(outbox::Column::ClaimedUntil, Some(now + lease).into())
            .col_expr(
                outbox::Column::Attempts,
                Expr::col(outbox::Column::Attempts).add(1),
            )
            .filter(outbox::Column::Id.in_subquery(due))
            .exec_with_returning(&self.writer)
            .await?;
        let mut jobs: Vec<EmailJob> = claimed
            .into_iter()
            .map(|row| EmailJob {
                id: row.id,
                registration_id: row.registration_id,
                kind: row.kind.into(),
                attempts: row.attempts,
                created_at: row.created_at,
                note: row.note,
            })
            .collect();
        jobs.sort_by_key(|j| j.id);
        Ok(jobs)
    }

    /// Gives back the claims of messages a stopping worker will not send: they are due again at
    /// once for every worker (they were due when claimed, and `next_attempt_at` is left as it
    /// was), rather than after the lease, and the attempt their claim counted is not counted.
    /// Only messages still being sent are touched: one recorded sent or failed meanwhile stays
    /// so. Returns how many were released.
    pub async fn release_emails(&self, ids: &[i32]) -> Result<u64> {
        if ids.is_empty() {
            return Ok(0);
        }
        let released = outbox::Entity::update_many()
            .col_expr(outbox::Column::Status, Expr::value(Status::Pending))
            .col_expr(
                outbox::Column::ClaimedUntil,
                Option::<DateTime<Utc>>::None.into(),
            )
            .col_expr(
                outbox::Column::Attempts,
                Expr::col(outbox::Column::Attempts).sub(1),
            )
            .filter(outbox::Column::Id.is_in(ids.iter().copied()))
            .filter(outbox::Column::Status.eq(Status::Sending))
            .filter(outbox::Column::Attempts.gt(0))
            .exec(&self.writer)
            .await?;
        Ok(released.rows_affected)
    }

    /// Records a message as delivered.
    pub async fn mark_email_sent(&self, id: i32, now: DateTime<Utc>) -> Result<()> {
        outbox::Entity::update_many()
            .col_expr(outbox::Column::Status, Expr::value(Status::Sent))
            .col_expr(outbox::Column::SentAt, Some(now).into())
            .col_expr(
                outbox::Column::ClaimedUntil,
                Option::<DateTime<Utc>>::None.into(),
            )
            .col_expr(outbox::Column::LastError, Option::<String>::None.into())
            .filter(outbox::Column::Id.eq(id))
            .exec(&self.writer)
            .await?;
        Ok(())
    }

    /// Records a failed attempt: retried at `retry_at`, or failed for good when `None`.
    pub async fn mark_email_failed(
        &self,
        id: i32,
        error: &str,
        retry_at: Option<DateTime<Utc>>,
    ) -> Result<()> {
        let mut update = outbox::Entity::update_many()
            .col_expr(
                outbox::Column::LastError,
                Some(error.chars().take(2000).collect::<String>()).into(),
            )
            .col_expr(
                outbox::Column::ClaimedUntil,
                Option::<DateTime<Utc>>::None.into(),
            );
        update = match retry_at {
            Some(at) => update
                .col_expr(outbox::Column::Status, Expr::value(Status::Pending))
                .col_expr(outbox::Column::NextAttemptAt, at.into()),
            None => update.col_expr(outbox::Column::Status, Expr::value(Status::Failed)),
        };
        update
            .filter(outbox::Column::Id.eq(id))
            .exec(&self.writer)
            .await?;
        Ok(())
    }

    /// Puts a failed message back in the queue, due now.
    pub async fn retry_failed_email(&self, id: i32, now: DateTime<Utc>) -> Result<bool> {
        Self::retry_failed_email_on(&self.writer, id, now).await
    }

    /// [`Database::retry_failed_email`] on `conn`, which may be a transaction of a larger action.
    pub(crate) async fn retry_failed_email_on<C: ConnectionTrait>(
        conn: &C,
        id: i32,
        now: DateTime<Utc>,
    ) -> Result<bool> {
        let result = outbox::Entity::update_many()
            .col_expr(outbox::Column::Status, Expr::value(Status::Pending))
            .col_expr(outbox::Column::NextAttemptAt, now.into())
            .col_expr(outbox::Column::Attempts, 0.into())
            .filter(outbox::Column::Id.eq(id))
            .filter(outbox::Column::Status.eq(Status::Failed))
            .exec(conn)
            .await?;
        Ok(result.rows_affected == 1)
    }

    /// The messages given up on, oldest first.
    pub async fn failed_emails(&self) -> Result<Vec<FailedEmail>> {
        self.failed_where(Condition::all()).await
    }

    /// The messages about the registrations of these events given up on, oldest first.
    pub async fn failed_emails_of_events(&self, event_ids: &[i32]) -> Result<Vec<FailedEmail>> {
        let registrations = registration::Entity::find()
            .select_only()
            .column(registration::Column::Id)
            .filter(registration::Column::EventId.is_in(event_ids.iter().copied()))
            .into_query();
        self.failed_where(
            Condition::all().add(outbox::Column::RegistrationId.in_subquery(registrations)),
        )
        .await
    }

    /// The messages about the event's registrations given up on, oldest first.
    pub async fn failed_emails_of_event(&self, event_id: i32) -> Result<Vec<FailedEmail>> {
        self.failed_where(of_event(event_id)).await
    }

    async fn failed_where(&self, condition: Condition) -> Result<Vec<FailedEmail>> {
        Ok(outbox::Entity::find()
            .filter(outbox::Column::Status.eq(Status::Failed))
            .filter(condition)
            .order_by_asc(outbox::Column::Id)
            .all(&self.conn)
            .await?
            .into_iter()
            .map(failed_email)
            .collect())
    }

    /// How many messages are pending, sent and failed.
    pub async fn outbox_counts(&self) -> Result<OutboxCounts> {
        self.counts_where(Condition::all()).await
    }

    /// How many messages about the event's registrations are pending, sent and failed.
    pub async fn outbox_counts_of_event(&self, event_id: i32) -> Result<OutboxCounts> {
        self.counts_where(of_event(event_id)).await
    }

    async fn counts_where(&self, condition: Condition) -> Result<OutboxCounts> {
        let rows: Vec<(Status, i64)> = outbox::Entity::find()
            .select_only()
            .column(outbox::Column::Status)
            .column_as(outbox::Column::Id.count(), "n")
            .filter(condition)
            .group_by(outbox::Column::Status)
            .into_tuple()
            .all(&self.conn)
            .await?;
        let mut counts = OutboxCounts::default();
        for (status, n) in rows {
            counts.add(status.into(), u64::try_from(n).unwrap_or_default());
        }
        Ok(counts)
    }

    /// The messages queued for a registration, oldest first.
    pub async fn emails_of(&self, registration_id: i32) -> Result<Vec<(EmailKind, EmailStatus)>> {
        Ok(outbox::Entity::find()
            .filter(outbox::Column::RegistrationId.eq(registration_id))
            .order_by_asc(outbox::Column::Id)
            .all(&self.conn)
            .await?
            .into_iter()
            .map(|row| (row.kind.into(), row.status.into()))
            .collect())
    }
}

//! The outbox worker: claims due messages, composes and sends them, and records the result.
//! Failures are retried with exponential backoff; after the last attempt a message stays visible
//! as failed, for an organiser to retry. Several workers (one per instance) may share one outbox:
//! the store's claims keep them from sending a message twice.

use crate::compose::{Composer, EmailContent, InvitationEmail};
use crate::transport::Transport;
use chrono::{DateTime, TimeDelta, Utc};
use domain::{Clock, EmailKind, Event, Registration, TicketToken};
use futures_util::StreamExt;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

/// A claimed message with what it needs to be composed.
#[derive(Debug, Clone)]
pub struct Job {
    pub id: JobId,
    /// Attempts so far, this one included.
    pub attempts: i32,
    pub message: Outgoing,
}

/// Which queue a claimed message is from, and its row there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobId {
    /// A participant's email (`outbox`).
    Participant(i32),
    /// An invitation to a team (`staff_invitations`).
    Invitation(i32),
}

/// What a claimed message says.
#[derive(Debug, Clone)]
pub enum Outgoing {
    /// A participant's ticket or notice.
    Participant {
        kind: EmailKind,
        event: std::sync::Arc<Event>,
        registration: Registration,
        token: TicketToken,
    },
    /// An invitation to an event's team.
    Invitation {
        to: String,
        lang: domain::Lang,
        event: std::sync::Arc<Event>,
        role: domain::Role,
        /// The link's token; the composer makes the link on the public address.
        token: domain::InvitationToken,
        expires_at: DateTime<Utc>,
    },
}

pub type StoreError = Box<dyn std::error::Error + Send + Sync>;

/// Where the outbox is kept (the database, in guichet).
pub trait OutboxStore: Send + Sync + 'static {
    /// Claims up to `limit` due messages until `now + lease`.
    fn claim(
        &self,
        now: DateTime<Utc>,
        limit: u64,
        lease: TimeDelta,
    ) -> impl Future<Output = Result<Vec<Job>, StoreError>> + Send;
    fn mark_sent(
        &self,
        id: JobId,
        now: DateTime<Utc>,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
    /// `retry_at: None` gives up on the message.
    fn mark_failed(
        &self,
        id: JobId,
        error: &str,
        retry_at: Option<DateTime<Utc>>,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
}

/// How the worker paces itself.
#[derive(Debug, Clone)]
pub struct WorkerSettings {
    /// How often to look for due messages when the queue is empty.
    pub poll_interval: Duration,
    /// The first retry's delay; each next one doubles, up to `max_backoff`.
    pub retry_base: Duration,
    pub max_backoff: Duration,
    /// After this many failed attempts the message is marked failed.
    pub max_attempts: i32,
    /// Messages claimed at once.
    pub batch: u64,
    /// Messages of a batch in flight at once. An SMTP exchange is mostly waiting for the server's
    /// answers, so one message after another leaves the worker idle: measured with bench/run.sh
    /// against a local server, one at a time delivered about 20 messages per second.
    pub concurrency: usize,
    /// How long a claim holds before another worker may take the message.
    pub lease: Duration,
}

impl Default for WorkerSettings {
    fn default() -> Self {
        Self {
            poll_interval: Duration::from_secs(1),
            retry_base: Duration::from_secs(30),
            max_backoff: Duration::from_secs(3600),
            max_attempts: 8,
            batch: 64,
            concurrency: 16,
            lease: Duration::from_secs(120),
        }
    }
}

impl WorkerSettings {
    /// The delay before attempt `attempts + 1`.
    pub fn backoff(&self, attempts: i32) -> Duration {
        let exponent = u32::try_from(attempts.saturating_sub(1))
            .unwrap_or(0)
            .min(20);
        self.retry_base
            .saturating_mul(2u32.saturating_pow(exponent))
            .min(self.max_backoff)
    }
}

/// Sends the outbox's messages.
#[derive(Debug)]
pub struct Worker<S> {
    store: S,
    composer: Arc<Composer>,
    transport: Transport,
    clock: Arc<dyn Clock>,
    settings: WorkerSettings,
}

/// What one pass over the due messages did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Pass {
    pub sent: usize,
    pub retried: usize,
    pub failed: usize,
}

impl Pass {
    pub fn handled(&self) -> usize {
        self.sent + self.retried + self.failed
    }
}

/// What became of one message.
enum Delivery {
    Sent,
    Retried,
    Failed,
}

fn to_chrono(duration: Duration) -> TimeDelta {
    TimeDelta::from_std(duration).unwrap_or(TimeDelta::MAX)
}

impl<S: OutboxStore> Worker<S> {
    pub fn new(
        store: S,
        composer: Arc<Composer>,
        transport: Transport,
        clock: Arc<dyn Clock>,
        settings: WorkerSettings,
    ) -> Self {
        Self {
            store,
            composer,
            transport,
            clock,
            settings,
        }
    }

    /// Sends every message due now, batch after batch, until none is due.
    pub async fn run_once(&self) -> Result<Pass, StoreError> {
        let mut total = Pass::default();
        loop {
            let pass = self.one_batch().await?;
            if pass.handled() == 0 {
                return Ok(total);
            }
            total.sent += pass.sent;
            total.retried += pass.retried;
            total.failed += pass.failed;
        }
    }

    async fn one_batch(&self) -> Result<Pass, StoreError> {
        let now = self.clock.now();
        let jobs = self
            .store
            .claim(now, self.settings.batch, to_chrono(self.settings.lease))
            .await?;
        let mut outcomes = futures_util::stream::iter(jobs)
            .map(|job| self.deliver(job))
            .buffer_unordered(self.settings.concurrency.max(1));
        let mut pass = Pass::default();
        // When the outbox cannot be updated for one message, the others in flight still finish
        // and are recorded: stopping them half-way would send them again after the lease.
        let mut store_error = None;
        while let Some(outcome) = outcomes.next().await {
            match outcome {
                Ok(Delivery::Sent) => pass.sent += 1,
                Ok(Delivery::Retried) => pass.retried += 1,
                Ok(Delivery::Failed) => pass.failed += 1,
                Err(error) => store_error = store_error.or(Some(error)),
            }
        }
        match store_error {
            Some(error) => Err(error),
            None => Ok(pass),
        }
    }

    /// Composes and sends one claimed message, and records what became of it.
    #[tracing::instrument(skip_all, fields(job = ?job.id, attempt = job.attempts))]
    async fn deliver(&self, job: Job) -> Result<Delivery, StoreError> {
        let composed = match &job.message {
            Outgoing::Participant {
                kind,
                event,
                registration,
                token,
            } => {
                tracing::debug!(
                    kind = kind.as_str(),
                    to = %registration.participant.email.masked(),
                    "composing"
                );
                self.composer.compose(&EmailContent {
                    kind: *kind,
                    event,
                    registration,
                    token,
                })
            }
            Outgoing::Invitation {
                to,
                lang,
                event,
                role,
                token,
                expires_at,
            } => self.composer.compose_invitation(&InvitationEmail {
                to,
                lang: *lang,
                event,
                role: *role,
                link: &self.composer.invitation_url(token),
                expires_at: *expires_at,
            }),
        };
        let result = match composed {
            Ok(message) => self
                .transport
                .send(message)
                .await
                .map_err(|e| e.to_string()),
            Err(e) => Err(format!("composing: {e}")),
        };
        match result {
            Ok(()) => {
                tracing::info!("email sent");
                self.store.mark_sent(job.id, self.clock.now()).await?;
                Ok(Delivery::Sent)
            }
            Err(error) if job.attempts < self.settings.max_attempts => {
                let retry_at = self.clock.now() + to_chrono(self.settings.backoff(job.attempts));
                tracing::warn!(%error, %retry_at, "email not sent, will retry");
                self.store
                    .mark_failed(job.id, &error, Some(retry_at))
                    .await?;
                Ok(Delivery::Retried)
            }
            Err(error) => {
                tracing::error!(%error, "email failed for good");
                self.store.mark_failed(job.id, &error, None).await?;
                Ok(Delivery::Failed)
            }
        }
    }

    /// Runs until `shutdown` completes: sends what is due, then waits a poll interval.
    pub async fn run(self, shutdown: impl Future<Output = ()> + Send) {
        tokio::pin!(shutdown);
        loop {
            if let Err(error) = self.run_once().await {
                // The database may be briefly unreachable: nothing is lost, try again later.
                tracing::warn!(%error, "outbox worker could not reach the outbox");
            }
            tokio::select! {
                () = &mut shutdown => return,
                () = tokio::time::sleep(self.settings.poll_interval) => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_its_ceiling() {
        let settings = WorkerSettings::default();
        assert_eq!(settings.backoff(1), Duration::from_secs(30));
        assert_eq!(settings.backoff(2), Duration::from_secs(60));
        assert_eq!(settings.backoff(5), Duration::from_secs(480));
        assert_eq!(settings.backoff(9), Duration::from_secs(3600));
    }
}

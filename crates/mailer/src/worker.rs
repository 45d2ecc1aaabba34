//! The outbox worker: claims due messages, composes and sends them, and records the result.
//! Failures are retried with exponential backoff; after the last attempt a message stays visible
//! as failed, for an organiser to retry. Several workers (one per instance) may share one outbox:
//! the store's claims keep them from sending a message twice.
//!
//! A message may still reach the server twice (the server took it but its answer was lost, or a
//! worker stopped mid-send): every attempt at one queued message carries the same `Message-ID`
//! ([`Job::key`]), so a mail client shows it once. A stopping worker starts nothing new, gives
//! the messages in hand a few seconds, and releases the claims of the rest at once.

use crate::compose::{Composer, EmailContent, InvitationEmail, MessageKey};
use crate::transport::Transport;
use chrono::{DateTime, TimeDelta, Utc};
use domain::{Clock, EmailKind, Event, Registration, TicketToken};
use futures_util::StreamExt;
use futures_util::stream::FuturesUnordered;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;
use tokio::time::Instant;

/// A claimed message with what it needs to be composed.
#[derive(Debug, Clone)]
pub struct Job {
    pub id: JobId,
    /// Attempts so far, this one included.
    pub attempts: i32,
    /// Its `Message-ID`'s own part: the same at every attempt at this message.
    pub key: MessageKey,
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
        /// Boxed: a registration (with its answers) is much larger than an invitation.
        registration: Box<Registration>,
        token: TicketToken,
        /// The organisers' words to go with it (a declined request's message).
        note: Option<String>,
        /// A PDF to attach (a certificate of attendance): file name and bytes.
        pdf: Option<(String, Vec<u8>)>,
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
    /// Gives back the claims of messages this worker will not send (it is stopping): any worker
    /// may claim them at once, without waiting for the lease. Their claim's attempt is not
    /// counted. A message recorded sent or failed meanwhile stays as it is.
    fn release(&self, ids: &[JobId]) -> impl Future<Output = Result<(), StoreError>> + Send;
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

/// How long a stopping worker lets the messages it is sending finish, unless told otherwise
/// ([`Worker::with_shutdown_grace`]): an SMTP exchange takes well under a second, and a service
/// being stopped (a deployment, `SIGTERM`) is given about ten seconds before it is killed.
pub const DEFAULT_SHUTDOWN_GRACE: Duration = Duration::from_secs(3);

/// The longest a stopping worker waits for the outbox to take back its claims: a database that
/// does not answer then lets them lapse after the lease instead of holding the stop.
const RELEASE_BOUND: Duration = Duration::from_secs(1);

/// Sends the outbox's messages.
#[derive(Debug)]
pub struct Worker<S> {
    store: S,
    composer: Arc<Composer>,
    transport: Transport,
    clock: Arc<dyn Clock>,
    settings: WorkerSettings,
    shutdown_grace: Duration,
}

/// What one pass over the due messages did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Pass {
    pub sent: usize,
    pub retried: usize,
    pub failed: usize,
    /// Claimed, then given back unsent because the worker was stopping.
    pub released: usize,
}

impl Pass {
    /// Messages whose attempt came to an end: sent, to be retried or failed.
    pub fn handled(&self) -> usize {
        self.sent + self.retried + self.failed
    }

    fn add(&mut self, other: Pass) {
        self.sent += other.sent;
        self.retried += other.retried;
        self.failed += other.failed;
        self.released += other.released;
    }
}

/// What became of one message.
enum Delivery {
    Sent,
    Retried,
    Failed,
    /// Cut off by the end of the shutdown's grace: its claim is to be released.
    Interrupted,
}

/// Why a message was not sent.
enum Failure {
    /// Another attempt may succeed.
    Transient(String),
    /// The server refused it for good (see [`crate::SendError::is_permanent`]).
    Permanent(String),
}

/// A worker's stop: asked once, remembering when, so that every delivery in flight measures the
/// same grace from the same instant.
struct Stop(watch::Sender<Option<Instant>>);

impl Stop {
    fn new() -> Self {
        Self(watch::Sender::new(None))
    }

    fn ask(&self) {
        // `send_modify` updates the value even while nobody waits on it.
        self.0.send_modify(|asked| {
            asked.get_or_insert_with(Instant::now);
        });
    }

    fn is_asked(&self) -> bool {
        self.0.borrow().is_some()
    }

    /// When the stop was asked, once it is.
    async fn asked(&self) -> Instant {
        let mut asked = self.0.subscribe();
        // The sender lives in `self`: waiting cannot fail, and the value is then `Some`.
        let at = asked
            .wait_for(Option::is_some)
            .await
            .ok()
            .and_then(|at| *at);
        match at {
            Some(at) => at,
            None => std::future::pending().await,
        }
    }

    /// Completes `grace` after the stop was asked.
    async fn grace_over(&self, grace: Duration) {
        let asked = self.asked().await;
        tokio::time::sleep_until(asked + grace).await;
    }
}

/// The first wait before recording a delivery again, and the longest.
const RECORD_RETRY_FIRST: Duration = Duration::from_millis(100);
const RECORD_RETRY_MAX: Duration = Duration::from_secs(2);

/// An error with each of its causes: "database error" alone tells an operator nothing.
fn error_chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
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
            shutdown_grace: DEFAULT_SHUTDOWN_GRACE,
        }
    }

    /// How long, once stopped, the messages being sent may take to finish before they are cut
    /// off and released ([`DEFAULT_SHUTDOWN_GRACE`] unless set).
    pub fn with_shutdown_grace(mut self, grace: Duration) -> Self {
        self.shutdown_grace = grace;
        self
    }

    /// Sends every message due now, batch after batch, until none is due.
    pub async fn run_once(&self) -> Result<Pass, StoreError> {
        self.pass(&Stop::new()).await
    }

    /// Batch after batch until none is due, or until `stop` is asked.
    async fn pass(&self, stop: &Stop) -> Result<Pass, StoreError> {
        let mut total = Pass::default();
        while !stop.is_asked() {
            let pass = self.one_batch(stop).await?;
            total.add(pass);
            if pass.handled() == 0 {
                break;
            }
        }
        Ok(total)
    }

    async fn one_batch(&self, stop: &Stop) -> Result<Pass, StoreError> {
        let now = self.clock.now();
        let jobs = self
            .store
            .claim(now, self.settings.batch, to_chrono(self.settings.lease))
            .await?;
        let mut waiting = jobs.into_iter();
        let mut in_flight = FuturesUnordered::new();
        let mut pass = Pass::default();
        let mut unsent = Vec::new();
        // When the outbox cannot be updated for one message, the others in flight still finish
        // and are recorded: stopping them half-way would send them again after the lease.
        let mut store_error = None;
        loop {
            // At most `concurrency` at once, and none started once the worker is stopping.
            if !stop.is_asked() {
                while in_flight.len() < self.settings.concurrency.max(1) {
                    let Some(job) = waiting.next() else { break };
                    in_flight.push(self.deliver(job, stop));
                }
            }
            if in_flight.is_empty() {
                break;
            }
            tokio::select! {
                Some((id, outcome)) = in_flight.next() => match outcome {
                    Ok(Delivery::Sent) => pass.sent += 1,
                    Ok(Delivery::Retried) => pass.retried += 1,
                    Ok(Delivery::Failed) => pass.failed += 1,
                    Ok(Delivery::Interrupted) => unsent.push(id),
                    Err(error) => store_error = store_error.or(Some(error)),
                },
                // Only to stop starting messages: the loop looks at the stop again.
                _ = stop.asked(), if !stop.is_asked() => {}
            }
        }
        // What is left was claimed and never started (the worker is stopping).
        unsent.extend(waiting.map(|job| job.id));
        if !unsent.is_empty() {
            match tokio::time::timeout(RELEASE_BOUND, self.store.release(&unsent)).await {
                Ok(Ok(())) => {
                    tracing::info!(released = unsent.len(), "outbox claims released");
                    pass.released = unsent.len();
                }
                Ok(Err(error)) => {
                    tracing::warn!(%error, "claims not released; they lapse after the lease");
                    store_error = store_error.or(Some(error));
                }
                Err(_) => {
                    tracing::warn!("claims not released in time; they lapse after the lease");
                }
            }
        }
        match store_error {
            Some(error) => Err(error),
            None => Ok(pass),
        }
    }

    /// Composes and sends one claimed message, and records what became of it. Once `stop` is
    /// asked, the sending has the worker's grace to finish; then it is cut off, nothing is
    /// recorded, and the message is left for its claim to be released. (The server may have
    /// taken it already: it may arrive twice, under one Message-ID.)
    #[tracing::instrument(skip_all, fields(job = ?job.id, attempt = job.attempts))]
    async fn deliver(&self, job: Job, stop: &Stop) -> (JobId, Result<Delivery, StoreError>) {
        let id = job.id;
        let sent = tokio::select! {
            biased;
            sent = self.send(&job) => sent,
            () = stop.grace_over(self.shutdown_grace) => {
                tracing::warn!("email cut off by the worker's stop; its claim is released");
                return (id, Ok(Delivery::Interrupted));
            }
        };
        (id, self.record(&job, sent, stop).await)
    }

    /// Composes and hands over one message.
    async fn send(&self, job: &Job) -> Result<(), Failure> {
        let composed = match &job.message {
            Outgoing::Participant {
                kind,
                event,
                registration,
                token,
                note,
                pdf,
            } => {
                tracing::debug!(
                    kind = kind.as_str(),
                    to = %registration.participant.email.masked(),
                    "composing"
                );
                self.composer.compose(
                    &EmailContent {
                        kind: *kind,
                        event,
                        registration,
                        token,
                        note: note.as_deref(),
                        pdf: pdf
                            .as_ref()
                            .map(|(name, bytes)| (name.as_str(), bytes.as_slice())),
                    },
                    &job.key,
                )
            }
            Outgoing::Invitation {
                to,
                lang,
                event,
                role,
                token,
                expires_at,
            } => self.composer.compose_invitation(
                &InvitationEmail {
                    to,
                    lang: *lang,
                    event,
                    role: *role,
                    link: &self.composer.invitation_url(token),
                    expires_at: *expires_at,
                },
                &job.key,
            ),
        };
        // A message that cannot be composed is retried: a template fixed by the next release
        // sends it.
        let message = composed.map_err(|e| Failure::Transient(format!("composing: {e}")))?;
        self.transport.send(message).await.map_err(|e| {
            if e.is_permanent() {
                Failure::Permanent(e.to_string())
            } else {
                Failure::Transient(e.to_string())
            }
        })
    }

    /// Records what became of one attempt.
    async fn record(
        &self,
        job: &Job,
        sent: Result<(), Failure>,
        stop: &Stop,
    ) -> Result<Delivery, StoreError> {
        match sent {
            Ok(()) => {
                tracing::info!("email sent");
                let now = self.clock.now();
                self.persist(stop, || self.store.mark_sent(job.id, now))
                    .await?;
                Ok(Delivery::Sent)
            }
            Err(Failure::Permanent(error)) => {
                // Sending it again would be refused again: organisers see it at once.
                tracing::error!(%error, "email refused for good by the SMTP server");
                self.persist(stop, || self.store.mark_failed(job.id, &error, None))
                    .await?;
                Ok(Delivery::Failed)
            }
            Err(Failure::Transient(error)) if job.attempts < self.settings.max_attempts => {
                let retry_at = self.clock.now() + to_chrono(self.settings.backoff(job.attempts));
                tracing::warn!(%error, %retry_at, "email not sent, will retry");
                self.persist(stop, || {
                    self.store.mark_failed(job.id, &error, Some(retry_at))
                })
                .await?;
                Ok(Delivery::Retried)
            }
            Err(Failure::Transient(error)) => {
                tracing::error!(%error, "email failed for good");
                self.persist(stop, || self.store.mark_failed(job.id, &error, None))
                    .await?;
                Ok(Delivery::Failed)
            }
        }
    }

    /// Writes what became of a message, trying again while the outbox cannot be reached — for up
    /// to half the lease, and not beyond the stop. A message sent but not recorded as sent would
    /// go again once its claim lapses (under the same Message-ID, but a second time all the
    /// same); a database restarting is back well within that.
    async fn persist<F, Written>(&self, stop: &Stop, mut write: F) -> Result<(), StoreError>
    where
        F: FnMut() -> Written,
        Written: Future<Output = Result<(), StoreError>>,
    {
        let deadline = Instant::now() + self.settings.lease / 2;
        let mut wait = RECORD_RETRY_FIRST;
        loop {
            match write().await {
                Ok(()) => return Ok(()),
                Err(error) if !stop.is_asked() && Instant::now() + wait < deadline => {
                    tracing::warn!(
                        error = %error_chain(error.as_ref()),
                        "the outbox could not record a message's delivery; trying again"
                    );
                    tokio::time::sleep(wait).await;
                    wait = (wait * 2).min(RECORD_RETRY_MAX);
                }
                Err(error) => return Err(error),
            }
        }
    }

    /// Runs until `shutdown` completes: sends what is due, then waits a poll interval. Once
    /// `shutdown` completes it claims and starts nothing more, lets the messages being sent
    /// finish within the shutdown grace, releases the claims of the others, and returns: a
    /// stop with a backlog neither goes on sending it nor leaves it locked for the lease.
    pub async fn run(self, shutdown: impl Future<Output = ()> + Send) {
        let stop = Stop::new();
        let work = async {
            loop {
                if let Err(error) = self.pass(&stop).await {
                    // The database may be briefly unreachable: nothing is lost, try again later.
                    tracing::warn!(
                        error = %error_chain(error.as_ref()),
                        "outbox worker could not reach the outbox"
                    );
                }
                tokio::select! {
                    _ = stop.asked() => return,
                    () = tokio::time::sleep(self.settings.poll_interval) => {}
                }
            }
        };
        let asked = async {
            shutdown.await;
            tracing::info!("outbox worker stopping");
            stop.ask();
            // The work above ends the select once it has wound down.
            std::future::pending::<()>().await;
        };
        tokio::select! {
            () = work => {}
            () = asked => {}
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

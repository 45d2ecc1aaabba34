//! The outbox worker's store, over the database: claims come from `persistence`, and each claimed
//! message is completed with its registration, its event and the ticket's token. Invitations to
//! a team are a second queue of the same kind (`persistence::invitations`), claimed first.

use chrono::{DateTime, TimeDelta, Utc};
use domain::TicketKey;
use mailer::worker::Outgoing;
use mailer::worker::{Job, JobId, OutboxStore, StoreError};
use persistence::Database;
use std::collections::HashMap;

/// The outbox in guichet's database.
#[derive(Debug, Clone)]
pub struct DbOutbox {
    db: Database,
    key: TicketKey,
}

impl DbOutbox {
    pub fn new(db: Database, key: TicketKey) -> Self {
        Self { db, key }
    }
}

impl OutboxStore for DbOutbox {
    async fn claim(
        &self,
        now: DateTime<Utc>,
        limit: u64,
        lease: TimeDelta,
    ) -> Result<Vec<Job>, StoreError> {
        let mut events = HashMap::new();
        let mut jobs = Vec::new();
        // Invitations first: few, and someone is waiting for each.
        for (invitation, attempts) in self.db.claim_due_invitations(now, limit, lease).await? {
            let Some(stored) = self.db.event_by_id(invitation.event_id).await? else {
                self.db
                    .mark_invitation_failed(invitation.id, "the event no longer exists", None)
                    .await?;
                continue;
            };
            jobs.push(Job {
                id: JobId::Invitation(invitation.id),
                attempts,
                message: Outgoing::Invitation {
                    token: self.key.invitation_token(invitation.id, &invitation.nonce),
                    to: invitation.email,
                    lang: invitation.lang,
                    event: stored.event,
                    role: invitation.role,
                    expires_at: invitation.expires_at,
                },
            });
        }
        let left = limit.saturating_sub(jobs.len() as u64);
        if left == 0 {
            return Ok(jobs);
        }
        let claimed = self.db.claim_due_emails(now, left, lease).await?;
        for email in claimed {
            let Some(registration) = self.db.registration(email.registration_id).await? else {
                self.db
                    .mark_email_failed(email.id, "the registration no longer exists", None)
                    .await?;
                continue;
            };
            let event = match events.get(&registration.event_id) {
                Some(event) => Clone::clone(event),
                None => {
                    let Some(stored) = self.db.event_by_id(registration.event_id).await? else {
                        self.db
                            .mark_email_failed(email.id, "the event no longer exists", None)
                            .await?;
                        continue;
                    };
                    events.insert(registration.event_id, stored.event.clone());
                    stored.event
                }
            };
            let token = self.key.issue(
                registration.event_id,
                registration.id,
                registration.ticket_version,
            );
            jobs.push(Job {
                id: JobId::Participant(email.id),
                attempts: email.attempts,
                message: Outgoing::Participant {
                    kind: email.kind,
                    event,
                    registration,
                    token,
                },
            });
        }
        Ok(jobs)
    }

    async fn mark_sent(&self, id: JobId, now: DateTime<Utc>) -> Result<(), StoreError> {
        match id {
            JobId::Participant(id) => self.db.mark_email_sent(id, now).await?,
            JobId::Invitation(id) => self.db.mark_invitation_sent(id, now).await?,
        }
        Ok(())
    }

    async fn mark_failed(
        &self,
        id: JobId,
        error: &str,
        retry_at: Option<DateTime<Utc>>,
    ) -> Result<(), StoreError> {
        match id {
            JobId::Participant(id) => self.db.mark_email_failed(id, error, retry_at).await?,
            JobId::Invitation(id) => self.db.mark_invitation_failed(id, error, retry_at).await?,
        }
        Ok(())
    }
}

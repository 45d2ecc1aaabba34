//! The outbox worker's store, over the database: claims come from `persistence`, and each claimed
//! message is completed with its registration, its event and the ticket's token.

use chrono::{DateTime, TimeDelta, Utc};
use domain::TicketKey;
use mailer::worker::{Job, OutboxStore, StoreError};
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
        let claimed = self.db.claim_due_emails(now, limit, lease).await?;
        let mut events = HashMap::new();
        let mut jobs = Vec::with_capacity(claimed.len());
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
                id: email.id,
                attempts: email.attempts,
                kind: email.kind,
                event,
                registration,
                token,
            });
        }
        Ok(jobs)
    }

    async fn mark_sent(&self, id: i32, now: DateTime<Utc>) -> Result<(), StoreError> {
        Ok(self.db.mark_email_sent(id, now).await?)
    }

    async fn mark_failed(
        &self,
        id: i32,
        error: &str,
        retry_at: Option<DateTime<Utc>>,
    ) -> Result<(), StoreError> {
        Ok(self.db.mark_email_failed(id, error, retry_at).await?)
    }
}

//! The outbox worker's store, over the database: claims come from `persistence`, and each claimed
//! message is completed with its registration, its event and the ticket's token. Invitations to
//! a team are a second queue of the same kind (`persistence::invitations`), claimed first.
//!
//! Each message's `Message-ID` is derived here, from its row, so that every attempt at it
//! carries the same one ([`message_key`]).

use chrono::{DateTime, TimeDelta, Utc};
use domain::TicketKey;
use mailer::compose::MessageKey;
use mailer::worker::Outgoing;
use mailer::worker::{Job, JobId, OutboxStore, StoreError};
use persistence::Database;
use std::collections::HashMap;

/// What a Message-ID is made from: the queue and row, and something of the row that another
/// database (a fresh one after a rehearsal, restarting its ids at 1) would not repeat.
#[derive(Debug, Clone, Copy)]
enum Row<'a> {
    /// A participant's email, with the instant it was queued.
    Participant { id: i32, created_at: DateTime<Utc> },
    /// An invitation, with its random nonce.
    Invitation { id: i32, nonce: &'a str },
}

/// The own part of the Message-ID of `row`'s email ([`TicketKey::message_id_tag`]): the same
/// row always gives the same key, so a message sent again (a retry, a lapsed claim, another
/// instance) is one message to the mail client; another row, or another deployment's key, gives
/// another.
fn message_key(key: &TicketKey, row: Row<'_>) -> MessageKey {
    let tag = match row {
        Row::Participant { id, created_at } => {
            key.message_id_tag("outbox", id, &created_at.timestamp_micros().to_string())
        }
        Row::Invitation { id, nonce } => key.message_id_tag("invitation", id, nonce),
    };
    // Base32 is letters and digits, 16 of them: always a usable key. The fallback would only
    // run if the tag's shape changed, and still gives one Message-ID per row.
    MessageKey::new(&tag).unwrap_or_else(|| {
        let fallback = match row {
            Row::Participant { id, .. } => format!("outbox.{id}"),
            Row::Invitation { id, .. } => format!("invitation.{id}"),
        };
        MessageKey::new(&fallback).expect("letters, digits and a dot")
    })
}

/// The outbox in guichet's database.
#[derive(Debug, Clone)]
pub struct DbOutbox {
    db: Database,
    key: TicketKey,
    /// The public address, for the verification links of certificates.
    base_url: String,
}

impl DbOutbox {
    pub fn new(db: Database, key: TicketKey, base_url: &str) -> Self {
        Self {
            db,
            key,
            base_url: base_url.to_owned(),
        }
    }

    /// A certificate's PDF for the email that carries it; `None` when the registration has no
    /// certificate (no longer checked in, or the event not over at `now`).
    async fn certificate_pdf(
        &self,
        registration: &domain::Registration,
        now: DateTime<Utc>,
    ) -> Result<Option<Vec<u8>>, StoreError> {
        let Some(stored) = self.db.event_by_id(registration.event_id).await? else {
            return Ok(None);
        };
        let Some(certificate) = web::certificate_for(
            &self.db,
            &self.key,
            &self.base_url,
            &stored,
            registration,
            now,
        )
        .await?
        else {
            return Ok(None);
        };
        // The PDF writer's document stays on one thread: a blocking one.
        let pdf =
            tokio::task::spawn_blocking(move || documents::render_certificate(&[certificate]))
                .await??;
        Ok(Some(pdf))
    }
}

impl DbOutbox {
    /// Each claimed message with what it needs to be composed (its registration, its event).
    async fn complete(
        &self,
        invitations: Vec<(persistence::Invitation, i32)>,
        claimed: Vec<persistence::EmailJob>,
        now: DateTime<Utc>,
    ) -> Result<Vec<Job>, StoreError> {
        let mut events = HashMap::new();
        let mut jobs = Vec::new();
        for (invitation, attempts) in invitations {
            let Some(stored) = self.db.event_by_id(invitation.event_id).await? else {
                self.db
                    .mark_invitation_failed(invitation.id, "the event no longer exists", None)
                    .await?;
                continue;
            };
            jobs.push(Job {
                id: JobId::Invitation(invitation.id),
                attempts,
                key: message_key(
                    &self.key,
                    Row::Invitation {
                        id: invitation.id,
                        nonce: &invitation.nonce,
                    },
                ),
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
            let pdf = if email.kind == domain::EmailKind::Certificate {
                let Some(pdf) = self.certificate_pdf(&registration, now).await? else {
                    self.db
                        .mark_email_failed(email.id, "no certificate: not checked in", None)
                        .await?;
                    continue;
                };
                Some(("certificate.pdf".to_owned(), pdf))
            } else {
                None
            };
            jobs.push(Job {
                id: JobId::Participant(email.id),
                attempts: email.attempts,
                key: message_key(
                    &self.key,
                    Row::Participant {
                        id: email.id,
                        created_at: email.created_at,
                    },
                ),
                message: Outgoing::Participant {
                    kind: email.kind,
                    event,
                    registration: Box::new(registration),
                    token,
                    note: email.note,
                    pdf,
                },
            });
        }
        Ok(jobs)
    }
}

impl OutboxStore for DbOutbox {
    async fn claim(
        &self,
        now: DateTime<Utc>,
        limit: u64,
        lease: TimeDelta,
    ) -> Result<Vec<Job>, StoreError> {
        // Invitations first: few, and someone is waiting for each.
        let invitations = self.db.claim_due_invitations(now, limit, lease).await?;
        let mut claimed: Vec<JobId> = invitations
            .iter()
            .map(|(invitation, _)| JobId::Invitation(invitation.id))
            .collect();
        let left = limit.saturating_sub(invitations.len() as u64);
        let emails = if left == 0 {
            Vec::new()
        } else {
            match self.db.claim_due_emails(now, left, lease).await {
                Ok(emails) => emails,
                Err(error) => return Err(self.released(&claimed, error.into()).await),
            }
        };
        claimed.extend(emails.iter().map(|email| JobId::Participant(email.id)));
        match self.complete(invitations, emails, now).await {
            Ok(jobs) => Ok(jobs),
            // The database went away half-way: the claims go back at once (if it answers), not
            // after the lease, and this batch is claimed again at the next pass.
            Err(error) => Err(self.released(&claimed, error).await),
        }
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

    async fn release(&self, ids: &[JobId]) -> Result<(), StoreError> {
        self.release_all(ids).await
    }
}

impl DbOutbox {
    /// `error`, once the claims of `ids` are handed back (or could not be: they lapse).
    async fn released(&self, ids: &[JobId], error: StoreError) -> StoreError {
        if let Err(also) = self.release_all(ids).await {
            tracing::warn!(error = %also, "claims not released; they lapse after the lease");
        }
        error
    }

    async fn release_all(&self, ids: &[JobId]) -> Result<(), StoreError> {
        let (mut emails, mut invitations) = (Vec::new(), Vec::new());
        for id in ids {
            match *id {
                JobId::Participant(id) => emails.push(id),
                JobId::Invitation(id) => invitations.push(id),
            }
        }
        self.db.release_emails(&emails).await?;
        self.db.release_invitations(&invitations).await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use data_encoding::BASE32_NOPAD;

    fn key(byte: u8) -> TicketKey {
        TicketKey::new(vec![byte; 32]).expect("long enough")
    }

    #[test]
    fn a_row_keeps_its_message_key_and_every_other_row_or_deployment_has_another() {
        let at = DateTime::from_timestamp(1_215_410_400, 123_000).expect("an instant");
        let row = Row::Participant {
            id: 7,
            created_at: at,
        };
        let first = message_key(&key(1), row);
        assert_eq!(first, message_key(&key(1), row), "the same row again");
        assert_eq!(first.as_str().len(), 16);
        let others = [
            message_key(
                &key(1),
                Row::Participant {
                    id: 8,
                    created_at: at,
                },
            ),
            // Row 7 of a fresh database, queued at another instant.
            message_key(
                &key(1),
                Row::Participant {
                    id: 7,
                    created_at: at + TimeDelta::microseconds(1),
                },
            ),
            message_key(&key(2), row),
            message_key(&key(1), Row::Invitation { id: 7, nonce: "a" }),
            message_key(&key(1), Row::Invitation { id: 7, nonce: "b" }),
        ];
        for (i, other) in others.iter().enumerate() {
            assert_ne!(&first, other, "{i}");
            for later in &others[i + 1..] {
                assert_ne!(other, later);
            }
        }
    }

    #[test]
    fn a_message_key_is_no_invitation_link() {
        let nonce = "0123456789abcdef0123456789abcdef";
        let link = key(1).invitation_token(3, nonce);
        let message = message_key(&key(1), Row::Invitation { id: 3, nonce });
        let (_, tag) = domain::InvitationToken::parse(link.as_str()).expect("a link");
        let link_tag = BASE32_NOPAD.encode(&tag[..10]).to_ascii_lowercase();
        assert_ne!(message.as_str(), link_tag);
        assert!(!link.as_str().contains(message.as_str()));
    }
}

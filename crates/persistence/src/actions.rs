//! Organiser actions, the one service the organiser pages and the API both call: each action and
//! its line in the audit log are written in one transaction, so an action is audited whichever
//! way it came in, and an action that fails (or finds nothing to act on) leaves no audit line.
//!
//! An action names what it acts on by id and is scoped to one event: a registration or an email
//! of another event is "nothing to act on", exactly like one that does not exist.

use crate::checkins::undo_latest_checkin;
use crate::decisions::decide_on;
use crate::entities::{audit_log, event, outbox, registration};
use crate::registrations::{lock_event, to_domain};
use crate::{AuditAction, AuditDetails, Cancelled, Database, Decided, Decision, Error, Result};
use chrono::{DateTime, NaiveDate, Utc};
use domain::Event;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter,
    Set, TransactionTrait,
};

/// What an organiser can do.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// Queue the registration's ticket (or waitlist notice) again.
    ResendTicket { registration_id: i32 },
    /// Revoke the registration's ticket and email a new one.
    ReissueTicket { registration_id: i32 },
    /// Cancel the registration; a seat it held goes to the waitlist.
    CancelRegistration { registration_id: i32 },
    /// Remove the registration's latest check-in.
    UndoCheckin { registration_id: i32 },
    /// Approve or decline a request (an event by approval).
    Decide {
        registration_id: i32,
        decision: Decision,
    },
    /// Put an email given up on back in the queue.
    RetryEmail { email_id: i32 },
    /// Publish (`true`) or hide the event.
    SetPublished(bool),
    /// Replace the event, agenda and all, with this one (same slug).
    ReplaceEvent(Box<Event>),
    /// After the event: queue the certificate of every registration checked in at least once
    /// that has none queued yet.
    SendCertificates,
    /// Store these answers (checked against the event's questions) as the registration's; done,
    /// `Done::AnswersEdited` names the questions whose answer changed (none: nothing written, nor
    /// audited).
    EditAnswers {
        registration_id: i32,
        answers: domain::Answers,
    },
}

/// What an action did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Done {
    TicketResent,
    TicketReissued {
        version: i32,
    },
    RegistrationCancelled(Cancelled),
    CheckinUndone {
        day: NaiveDate,
    },
    Decided(Decided),
    EmailRetried,
    Published(bool),
    EventReplaced {
        days: usize,
        items: usize,
    },
    AnswersEdited(Vec<String>),
    /// How many certificates were queued.
    CertificatesQueued(usize),
}

impl Done {
    /// Whether the action changed anything (cancelling a cancelled registration does not).
    fn changed_anything(&self) -> bool {
        match self {
            Done::RegistrationCancelled(cancelled) => cancelled.changed,
            Done::Decided(Decided::NotPending(_)) => false,
            // Saved as they were: nothing to audit.
            Done::AnswersEdited(questions) => !questions.is_empty(),
            Done::CertificatesQueued(count) => *count > 0,
            _ => true,
        }
    }

    /// The audit line's action, and its details: values that the pages put into words in the
    /// reader's language.
    fn audit(&self) -> (AuditAction, Option<AuditDetails>) {
        match self {
            Done::TicketResent => (AuditAction::TicketResent, None),
            Done::TicketReissued { version } => (
                AuditAction::TicketReissued,
                Some(AuditDetails::TicketVersion(*version)),
            ),
            Done::RegistrationCancelled(c) => (
                AuditAction::RegistrationCancelled,
                c.promoted.map(AuditDetails::Promoted),
            ),
            Done::CheckinUndone { day } => {
                (AuditAction::CheckinUndone, Some(AuditDetails::Day(*day)))
            }
            Done::Decided(Decided::Approved(status)) => (
                AuditAction::RegistrationApproved,
                Some(AuditDetails::Status(*status)),
            ),
            Done::Decided(Decided::Declined | Decided::NotPending(_)) => {
                (AuditAction::RegistrationDeclined, None)
            }
            Done::EmailRetried => (AuditAction::EmailRetried, None),
            Done::Published(true) => (AuditAction::Published, None),
            Done::Published(false) => (AuditAction::Unpublished, None),
            Done::EventReplaced { days, items } => (
                AuditAction::AgendaReplaced,
                Some(AuditDetails::Agenda {
                    days: *days,
                    items: *items,
                }),
            ),
            Done::AnswersEdited(questions) => (
                AuditAction::AnswersEdited,
                Some(AuditDetails::Questions(questions.clone())),
            ),
            Done::CertificatesQueued(count) => (
                AuditAction::CertificatesSent,
                Some(AuditDetails::Count(*count)),
            ),
        }
    }
}

impl Action {
    /// The registration the action is about, for the audit line (an email's is found on the way).
    fn registration_id(&self) -> Option<i32> {
        match self {
            Action::ResendTicket { registration_id }
            | Action::ReissueTicket { registration_id }
            | Action::CancelRegistration { registration_id }
            | Action::UndoCheckin { registration_id }
            | Action::Decide {
                registration_id, ..
            } => Some(*registration_id),
            Action::RetryEmail { .. }
            | Action::SetPublished(_)
            | Action::ReplaceEvent(_)
            | Action::SendCertificates => None,
            Action::EditAnswers {
                registration_id, ..
            } => Some(*registration_id),
        }
    }
}

impl Database {
    /// Performs `action` on the event `event_id` for the staff member `staff_id`, and writes its
    /// audit line, in one transaction. Every organiser action comes here, from a page or the API,
    /// and so does the desk's undo of a check-in. `None` when there was nothing to act on (no such
    /// registration or failed email at this event, no check-in to undo, another event's file):
    /// then nothing is written.
    #[tracing::instrument(skip(self, action))]
    pub async fn organiser_action(
        &self,
        event_id: i32,
        staff_id: i32,
        action: Action,
        now: DateTime<Utc>,
    ) -> Result<Option<Done>> {
        let txn = self.writer.begin().await?;
        // The event's lock before anything is read: an action may change the seats, and on
        // SQLite a transaction that read first could not take the write lock under contention.
        if lock_event(&txn, event_id).await?.is_none() {
            return Ok(None);
        }
        let mut registration_id = action.registration_id();
        if let Some(id) = registration_id
            && !belongs_to(&txn, id, event_id).await?
        {
            return Ok(None);
        }
        let done = match action {
            Action::RetryEmail { email_id } => {
                registration_id = failed_email_of(&txn, email_id, event_id).await?;
                match registration_id {
                    Some(_) => Self::retry_failed_email_on(&txn, email_id, now)
                        .await?
                        .then_some(Done::EmailRetried),
                    None => None,
                }
            }
            other => perform(&txn, event_id, staff_id, other, now).await?,
        };
        let Some(done) = done else {
            txn.rollback().await?;
            return Ok(None);
        };
        if !done.changed_anything() {
            // Cancelling what was cancelled already: nothing happened, nothing to audit.
            txn.rollback().await?;
            return Ok(Some(done));
        }
        audit(&txn, event_id, staff_id, registration_id, &done, now).await?;
        txn.commit().await?;
        Ok(Some(done))
    }
}

/// An action on every registration of an organiser's filtered list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Bulk {
    Approve,
    Decline(Option<domain::Note>),
    Cancel,
    Resend,
}

impl Bulk {
    fn action(&self, registration_id: i32) -> Action {
        match self {
            Bulk::Approve => Action::Decide {
                registration_id,
                decision: Decision::Approve,
            },
            Bulk::Decline(note) => Action::Decide {
                registration_id,
                decision: Decision::Decline(note.clone()),
            },
            Bulk::Cancel => Action::CancelRegistration { registration_id },
            Bulk::Resend => Action::ResendTicket { registration_id },
        }
    }
}

/// What a bulk action did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BulkDone {
    /// Registrations changed (or emailed), each with its audit line.
    pub changed: usize,
    /// Registrations the action did not apply to (approving one decided already, cancelling a
    /// cancelled one, one gone from the event since the list was read).
    pub unchanged: usize,
}

/// Registrations a bulk action writes in one transaction. The event's lock is held for a batch
/// (registrations of the event wait meanwhile), so a batch is bounded: clearing 5,000 spam
/// requests holds it 25 times briefly, not once for seconds.
pub const BULK_BATCH: usize = 200;

impl Database {
    /// Performs `bulk` on each of `ids` (registrations of the event `event_id`, in the order
    /// given: approving in registration order gives the seats first come first served), each
    /// change with its audit line, one transaction per [`BULK_BATCH`] registrations. Each batch
    /// reads the time when it runs, and keeps only the registrations that still match `filter`
    /// under the event's lock (one another organiser changed meanwhile is left as it is).
    #[tracing::instrument(skip(self, ids, filter, clock), fields(count = ids.len()))]
    pub async fn bulk_action(
        &self,
        event_id: i32,
        staff_id: i32,
        bulk: &Bulk,
        filter: &crate::ReportFilter,
        ids: &[i32],
        clock: &dyn domain::Clock,
    ) -> Result<BulkDone> {
        use sea_orm::{QueryFilter as _, QuerySelect as _};
        let mut result = BulkDone::default();
        for batch in ids.chunks(BULK_BATCH) {
            let txn = self.writer.begin().await?;
            if lock_event(&txn, event_id).await?.is_none() {
                return Ok(result);
            }
            let now = clock.now();
            let still: std::collections::HashSet<i32> = crate::reports::filtered(event_id, filter)
                .select_only()
                .column(registration::Column::Id)
                .filter(registration::Column::Id.is_in(batch.iter().copied()))
                .into_tuple()
                .all(&txn)
                .await?
                .into_iter()
                .collect();
            for &id in batch {
                if !still.contains(&id) {
                    result.unchanged += 1;
                    continue;
                }
                match perform(&txn, event_id, staff_id, bulk.action(id), now).await? {
                    Some(done) if done.changed_anything() => {
                        audit(&txn, event_id, staff_id, Some(id), &done, now).await?;
                        result.changed += 1;
                    }
                    _ => result.unchanged += 1,
                }
            }
            txn.commit().await?;
        }
        Ok(result)
    }
}

/// Writes the audit line of `done` in the action's transaction.
async fn audit(
    txn: &DatabaseTransaction,
    event_id: i32,
    staff_id: i32,
    registration_id: Option<i32>,
    done: &Done,
    now: DateTime<Utc>,
) -> Result<()> {
    let (audited, details) = done.audit();
    audit_log::ActiveModel {
        event_id: Set(event_id),
        staff_id: Set(staff_id),
        at: Set(now),
        action: Set(audited),
        registration_id: Set(registration_id),
        details: Set(details.map(|d| d.stored())),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    Ok(())
}

impl Database {
    /// The event an email is for (an address that names an email and no event needs it to know
    /// who may act on it).
    pub async fn event_of_email(&self, email_id: i32) -> Result<Option<i32>> {
        let Some(email) = outbox::Entity::find_by_id(email_id).one(&self.conn).await? else {
            return Ok(None);
        };
        Ok(registration::Entity::find_by_id(email.registration_id)
            .one(&self.conn)
            .await?
            .map(|r| r.event_id))
    }
}

/// The actions on a registration or on the event itself (the registration, when there is one,
/// is known to belong to the event).
async fn perform(
    txn: &DatabaseTransaction,
    event_id: i32,
    staff_id: i32,
    action: Action,
    now: DateTime<Utc>,
) -> Result<Option<Done>> {
    Ok(match action {
        Action::ResendTicket { registration_id } => {
            let registration = registration::Entity::find_by_id(registration_id)
                .one(txn)
                .await?
                .ok_or_else(|| Error::NotFound(format!("registration {registration_id}")))?;
            Database::resend_ticket_on(txn, &to_domain(registration)?, now).await?;
            Some(Done::TicketResent)
        }
        Action::ReissueTicket { registration_id } => {
            let version = Database::reissue_ticket_on(txn, registration_id, now).await?;
            Some(Done::TicketReissued { version })
        }
        Action::CancelRegistration { registration_id } => Some(Done::RegistrationCancelled(
            Database::cancel_registration_on(txn, registration_id, now).await?,
        )),
        Action::UndoCheckin { registration_id } => {
            undo_latest_checkin(txn, event_id, registration_id, staff_id, now)
                .await?
                .map(|day| Done::CheckinUndone { day })
        }
        Action::Decide {
            registration_id,
            decision,
        } => Some(Done::Decided(
            decide_on(txn, event_id, registration_id, &decision, now).await?,
        )),
        Action::SetPublished(published) => {
            let row = event_row(txn, event_id).await?;
            Database::set_published_on(txn, row, published, now).await?;
            Some(Done::Published(published))
        }
        Action::ReplaceEvent(event) => {
            let row = event_row(txn, event_id).await?;
            if row.slug != event.slug.as_str() {
                return Ok(None);
            }
            Database::save_event_on(txn, &event, now).await?;
            let days = event.agenda.days();
            Some(Done::EventReplaced {
                days: days.len(),
                items: days.iter().map(|d| d.items().len()).sum(),
            })
        }
        Action::SendCertificates => Some(Done::CertificatesQueued(
            queue_certificates(txn, event_id, now).await?,
        )),
        Action::EditAnswers {
            registration_id,
            answers,
        } => Some(Done::AnswersEdited(
            crate::answers::store_answers_on(txn, registration_id, &answers, now).await?,
        )),
        // Handled by the caller, which learns the email's registration on the way.
        Action::RetryEmail { .. } => None,
    })
}

/// Queues the certificate of every registration of the event checked in at least once that has
/// none queued (or sent) yet; returns how many.
async fn queue_certificates(
    txn: &DatabaseTransaction,
    event_id: i32,
    now: DateTime<Utc>,
) -> Result<usize> {
    use crate::entities::checkin;
    use sea_orm::{QuerySelect, QueryTrait};
    let attended = checkin::Entity::find()
        .select_only()
        .column(checkin::Column::RegistrationId)
        .filter(checkin::Column::EventId.eq(event_id))
        .into_query();
    let already = outbox::Entity::find()
        .select_only()
        .column(outbox::Column::RegistrationId)
        .filter(outbox::Column::Kind.eq(outbox::Kind::Certificate))
        .into_query();
    let ids: Vec<i32> = registration::Entity::find()
        .select_only()
        .column(registration::Column::Id)
        .filter(registration::Column::EventId.eq(event_id))
        .filter(registration::Column::Id.in_subquery(attended))
        .filter(registration::Column::Id.not_in_subquery(already))
        .into_tuple()
        .all(txn)
        .await?;
    for &id in &ids {
        crate::registrations::enqueue(txn, id, domain::EmailKind::Certificate, now).await?;
    }
    Ok(ids.len())
}

async fn event_row<C: ConnectionTrait>(conn: &C, event_id: i32) -> Result<event::Model> {
    event::Entity::find_by_id(event_id)
        .one(conn)
        .await?
        .ok_or_else(|| Error::Corrupt(format!("event {event_id} vanished")))
}

/// Whether the registration exists and belongs to the event.
async fn belongs_to<C: ConnectionTrait>(
    conn: &C,
    registration_id: i32,
    event_id: i32,
) -> Result<bool> {
    Ok(registration::Entity::find_by_id(registration_id)
        .filter(registration::Column::EventId.eq(event_id))
        .one(conn)
        .await?
        .is_some())
}

/// The registration of the email `email_id`, if it exists and is for the event.
async fn failed_email_of<C: ConnectionTrait>(
    conn: &C,
    email_id: i32,
    event_id: i32,
) -> Result<Option<i32>> {
    let Some(email) = outbox::Entity::find_by_id(email_id).one(conn).await? else {
        return Ok(None);
    };
    Ok(belongs_to(conn, email.registration_id, event_id)
        .await?
        .then_some(email.registration_id))
}

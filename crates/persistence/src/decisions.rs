//! Organisers' decisions on the requests of an event by approval: approving gives the request a
//! seat if one is free and otherwise a place on the waitlist, under the event's lock (see
//! `registrations.rs`), so that however many organisers approve at once, no more are confirmed
//! than there are seats; declining queues a courteous email with the organisers' message.

use crate::entities::registration;
use crate::registrations::{add_to_confirmed, enqueue, enqueue_with_note, lock_event, to_domain};
use crate::{Error, Result};
use chrono::{DateTime, Utc};
use domain::{EmailKind, Note, Status};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseTransaction, EntityTrait, IntoActiveModel, QueryFilter,
    Set,
};

/// What an organiser decides of a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    Approve,
    /// With the message for the participant, if the organiser wrote one.
    Decline(Option<Note>),
}

/// What a decision did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decided {
    /// The request now has this status: confirmed (a seat was free) or waitlisted.
    Approved(Status),
    Declined,
    /// Nothing: the registration was not a request waiting for a decision (decided already by
    /// another organiser, cancelled, or never a request).
    NotPending(Status),
}

/// Decides on the registration `registration_id` of the event `event_id`, in the caller's
/// transaction. Takes the event's lock first (a no-op if the transaction holds it already), and
/// reads the seat counter under it.
pub(crate) async fn decide_on(
    txn: &DatabaseTransaction,
    event_id: i32,
    registration_id: i32,
    decision: &Decision,
    now: DateTime<Utc>,
) -> Result<Decided> {
    let event = lock_event(txn, event_id)
        .await?
        .ok_or_else(|| Error::Corrupt(format!("event {event_id} vanished")))?;
    let row = registration::Entity::find_by_id(registration_id)
        .filter(registration::Column::EventId.eq(event_id))
        .one(txn)
        .await?
        .ok_or_else(|| Error::NotFound(format!("registration {registration_id}")))?;
    let was = Status::from(row.status);
    if was != Status::Pending {
        return Ok(Decided::NotPending(was));
    }
    let (status, decided) = match decision {
        Decision::Approve => {
            let status = event.seats().status_for_newcomer();
            (status, Decided::Approved(status))
        }
        Decision::Decline(_) => (Status::Declined, Decided::Declined),
    };
    let mut active = row.into_active_model();
    active.status = Set(status.into());
    active.updated_at = Set(now);
    let updated = to_domain(active.update(txn).await?)?;
    match (decision, status) {
        (Decision::Approve, Status::Confirmed) => {
            add_to_confirmed(txn, event_id, 1).await?;
            enqueue(txn, updated.id, EmailKind::Confirmation, now).await?;
        }
        (Decision::Approve, _) => enqueue(txn, updated.id, EmailKind::Waitlisted, now).await?,
        (Decision::Decline(note), _) => {
            let note = note.as_ref().map(|n| n.as_str().to_owned());
            enqueue_with_note(txn, updated.id, EmailKind::Declined, note, now).await?;
        }
    }
    Ok(decided)
}

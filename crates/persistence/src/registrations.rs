//! Registrations: capacity and the waitlist, enforced by the database.
//!
//! Every change to an event's registrations first takes the event row's write lock (a no-op
//! UPDATE of it). On PostgreSQL that row lock makes concurrent registrations for one event wait for
//! each other, across every instance; on SQLite the first write of a transaction takes the
//! database's write lock, and taking it first means no transaction ever has to upgrade a read lock
//! (which SQLite refuses under contention). Under that lock the seat counter is read, compared
//! with the capacity and raised in the same transaction that inserts the registration and its
//! email: never more confirmed than seats, however many arrive at once.
//!
//! Registrations are written in groups (`group.rs`): while one group holds the lock, the next
//! gathers, and it then takes the lock once and commits once for all of its registrations. One
//! at a time, a crowd registered only as fast as one commit followed another under the lock.
//!
//! A participant may have their ticket sent again (by registering again, or "send my ticket
//! again") a few times an hour ([`ResendLimit`]); the re-sends are counted in the outbox under
//! the registration row's lock, so that two instances answering at once still queue no more.

use crate::entities::{event, outbox, registration};
use crate::group::{GroupWriter, insert_new};
use crate::unique::Unique;
use crate::{Database, Error, Result};
use chrono::{DateTime, Utc};
use domain::{
    Clock, Country, Email, EmailKind, Lang, Line, Participant, Registration, ResendLimit, Seats,
    Status,
};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction,
    EntityTrait, IntoActiveModel, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, QueryTrait,
    Set, TransactionTrait,
};
use std::collections::BTreeMap;
use std::sync::Arc;

/// What registering did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Registered {
    /// A new registration (or a cancelled one made active again).
    New(Registration),
    /// The address was already registered: its ticket (or waitlist notice) is sent again.
    AlreadyRegistered(Registration),
}

impl Registered {
    pub fn registration(&self) -> &Registration {
        match self {
            Registered::New(r) | Registered::AlreadyRegistered(r) => r,
        }
    }
}

/// What a participant's "send my ticket again" did. The participant is told the same either way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resent {
    /// The email is queued.
    Queued,
    /// Not queued: the ticket was re-sent as often as [`ResendLimit`] allows this hour.
    Withheld,
}

/// What cancelling did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cancelled {
    /// False when the registration was already cancelled.
    pub changed: bool,
    /// The waitlisted registration that got the freed seat.
    pub promoted: Option<i32>,
}

/// Registrations by status: of an event, or of a group of it (a category, a country).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StatusCounts {
    pub confirmed: u64,
    pub waitlisted: u64,
    pub cancelled: u64,
    /// Requests waiting for an organiser's decision (an event by approval).
    pub pending: u64,
    pub declined: u64,
}

impl StatusCounts {
    /// Every registration, cancelled and declined ones included.
    pub fn registered(&self) -> u64 {
        self.confirmed + self.waitlisted + self.cancelled + self.pending + self.declined
    }

    /// Counts `n` more registrations in `status`.
    pub(crate) fn add(&mut self, status: registration::Status, n: i64) {
        let n = u64::try_from(n).unwrap_or_default();
        match status {
            registration::Status::Confirmed => self.confirmed += n,
            registration::Status::Waitlisted => self.waitlisted += n,
            registration::Status::Cancelled => self.cancelled += n,
            registration::Status::Pending => self.pending += n,
            registration::Status::Declined => self.declined += n,
        }
    }
}

/// Takes the event's write lock for the rest of the transaction (see the module's comment); `None`
/// when there is no such event.
pub(crate) async fn lock_event(
    txn: &DatabaseTransaction,
    event_id: i32,
) -> Result<Option<event::Model>> {
    // The row comes back with the lock: one round trip fewer while every other registration of
    // the event waits.
    Ok(event::Entity::update_many()
        .col_expr(
            event::Column::ConfirmedCount,
            Expr::col(event::Column::ConfirmedCount),
        )
        .filter(event::Column::Id.eq(event_id))
        .exec_with_returning(txn)
        .await?
        .into_iter()
        .next())
}

pub(crate) async fn add_to_confirmed(
    txn: &DatabaseTransaction,
    event_id: i32,
    delta: i32,
) -> Result<()> {
    event::Entity::update_many()
        .col_expr(
            event::Column::ConfirmedCount,
            Expr::col(event::Column::ConfirmedCount).add(delta),
        )
        .filter(event::Column::Id.eq(event_id))
        .exec(txn)
        .await?;
    Ok(())
}

/// Queues an email in the caller's transaction: it is sent if and only if the change commits.
pub(crate) async fn enqueue<C: ConnectionTrait>(
    conn: &C,
    registration_id: i32,
    kind: EmailKind,
    now: DateTime<Utc>,
) -> Result<()> {
    email_row(registration_id, kind, now).insert(conn).await?;
    Ok(())
}

/// [`enqueue`], with the organisers' words to go with the email (a declined request's message).
pub(crate) async fn enqueue_with_note<C: ConnectionTrait>(
    conn: &C,
    registration_id: i32,
    kind: EmailKind,
    note: Option<String>,
    now: DateTime<Utc>,
) -> Result<()> {
    outbox::ActiveModel {
        note: Set(note),
        ..email_row(registration_id, kind, now)
    }
    .insert(conn)
    .await?;
    Ok(())
}

/// An email to queue, due now.
fn email_row(registration_id: i32, kind: EmailKind, now: DateTime<Utc>) -> outbox::ActiveModel {
    outbox::ActiveModel {
        registration_id: Set(registration_id),
        kind: Set(kind.into()),
        status: Set(outbox::Status::Pending),
        attempts: Set(0),
        next_attempt_at: Set(now),
        claimed_until: Set(None),
        last_error: Set(None),
        created_at: Set(now),
        sent_at: Set(None),
        participant_resend: Set(false),
        note: Set(None),
        ..Default::default()
    }
}

/// An email a participant asked for again, due now: it counts against [`ResendLimit`].
fn resend_row(registration_id: i32, kind: EmailKind, now: DateTime<Utc>) -> outbox::ActiveModel {
    outbox::ActiveModel {
        participant_resend: Set(true),
        ..email_row(registration_id, kind, now)
    }
}

/// Takes the write lock of the registrations `filter` selects (a no-op UPDATE, as for the event
/// row) and returns them as they stand under it.
pub(crate) async fn lock_registrations<C: ConnectionTrait>(
    conn: &C,
    filter: sea_orm::Condition,
) -> Result<Vec<registration::Model>> {
    Ok(registration::Entity::update_many()
        .col_expr(
            registration::Column::TicketVersion,
            Expr::col(registration::Column::TicketVersion),
        )
        .filter(filter)
        .exec_with_returning(conn)
        .await?)
}

/// The re-sends of `registration_id` queued after `since`.
fn resends_since(registration_id: i32, since: DateTime<Utc>) -> sea_orm::Select<outbox::Entity> {
    outbox::Entity::find()
        .filter(outbox::Column::RegistrationId.eq(registration_id))
        // The condition of the partial index that holds re-sends alone (migration 9), written as
        // it is there: a bound `= true` would not let PostgreSQL's generic plans use it.
        .filter(Expr::col(outbox::Column::ParticipantResend))
        .filter(outbox::Column::CreatedAt.gt(since))
}

impl Database {
    /// The database's plan for counting a registration's re-sends, as text (for the test that
    /// the 09:00 rush pays for no index but the re-sends' own: `tests/tests/queries.rs`). On
    /// PostgreSQL sequential scans are turned off for the question, as a table of a few rows
    /// would otherwise be scanned whatever its indexes.
    #[doc(hidden)]
    pub async fn explain_resend_count(&self) -> Result<String> {
        use sea_orm::{QueryTrait, Statement, TransactionTrait};
        let backend = self.conn.get_database_backend();
        let query = resends_since(1, Utc::now()).build(backend);
        let prefix = match backend {
            sea_orm::DatabaseBackend::Sqlite => "EXPLAIN QUERY PLAN ",
            _ => "EXPLAIN ",
        };
        let txn = self.conn.begin().await?;
        if backend == sea_orm::DatabaseBackend::Postgres {
            txn.execute_unprepared("SET LOCAL enable_seqscan = off")
                .await?;
        }
        let explain = Statement::from_sql_and_values(
            backend,
            format!("{prefix}{}", query.sql),
            query.values.map(|v| v.0).unwrap_or_default(),
        );
        let rows = txn.query_all_raw(explain).await?;
        let mut plan = String::new();
        for row in rows {
            for column in row.column_names() {
                if let Ok(text) = row.try_get::<String>("", &column) {
                    plan.push_str(&text);
                    plan.push('\n');
                }
            }
        }
        txn.rollback().await?;
        Ok(plan)
    }
}

/// Whether the participant may have `registration_id`'s ticket sent once more at `now`, with
/// `queued_here` re-sends already queued by the caller's transaction (not yet in the outbox).
/// The caller holds the registration's lock.
async fn may_resend<C: ConnectionTrait>(
    conn: &C,
    registration_id: i32,
    limit: &ResendLimit,
    now: DateTime<Utc>,
    queued_here: u64,
) -> Result<bool> {
    let earlier = resends_since(registration_id, now - limit.window)
        .count(conn)
        .await?;
    let allowed = limit.allows_another(earlier + queued_here);
    if !allowed {
        tracing::info!(
            registration = registration_id,
            "ticket not sent again: it was re-sent as often as allowed this hour"
        );
    }
    Ok(allowed)
}

/// The email that sends a registration's state again: its ticket, or its waitlist,
/// cancellation, request or refusal notice.
pub(crate) fn resent_kind(status: Status) -> EmailKind {
    match status {
        Status::Confirmed => EmailKind::Confirmation,
        Status::Waitlisted => EmailKind::Waitlisted,
        Status::Cancelled => EmailKind::Cancelled,
        Status::Pending => EmailKind::RequestReceived,
        Status::Declined => EmailKind::Declined,
    }
}

/// The email a registration gets when it is made (or made again): its ticket, the notice that it
/// is on the waitlist, or that the request is received.
fn email_kind(status: Status) -> EmailKind {
    match status {
        Status::Confirmed => EmailKind::Confirmation,
        Status::Pending => EmailKind::RequestReceived,
        _ => EmailKind::Waitlisted,
    }
}

fn corrupt(what: &str, value: &str) -> Error {
    Error::Corrupt(format!("registration {what}: {value:?}"))
}

impl Database {
    /// How many of the event's registrations answered each question, by question key: what an
    /// import that removes or re-types a question would drop.
    pub async fn answer_counts(
        &self,
        event_id: i32,
    ) -> Result<std::collections::BTreeMap<String, u64>> {
        let rows: Vec<String> = registration::Entity::find()
            .select_only()
            .column(registration::Column::Answers)
            .filter(registration::Column::EventId.eq(event_id))
            .into_tuple()
            .all(&self.conn)
            .await?;
        let mut counts = std::collections::BTreeMap::new();
        for row in rows {
            let answers: domain::Answers =
                serde_json::from_str(&row).map_err(|_| corrupt("answers", &row))?;
            for key in answers.0.into_keys() {
                *counts.entry(key).or_insert(0) += 1;
            }
        }
        Ok(counts)
    }
}

pub(crate) fn to_domain(row: registration::Model) -> Result<Registration> {
    let language = row
        .language
        .parse::<Lang>()
        .map_err(|_| corrupt("language", &row.language))?;
    let country = Country::parse(&row.country).map_err(|_| corrupt("country", &row.country))?;
    let answers =
        serde_json::from_str(&row.answers).map_err(|_| corrupt("answers", &row.answers))?;
    Ok(Registration {
        id: row.id,
        event_id: row.event_id,
        participant: Participant {
            given_name: Line::from_stored(row.given_name),
            family_name: Line::from_stored(row.family_name),
            email: Email::from_stored(row.email),
            organisation: Line::from_stored(row.organisation),
            function: row.function.map(Line::from_stored),
            category: row.category,
            country,
            language,
            needs: row.needs,
            answers,
        },
        status: row.status.into(),
        ticket_version: row.ticket_version,
        registered_at: row.created_at,
    })
}

/// Registrations written in one transaction at most.
const GROUP: usize = 64;

/// A registration to write.
pub(crate) struct Request {
    event_id: i32,
    participant: Participant,
    clock: Arc<dyn Clock>,
    /// How often an address already registered may have its ticket again; `None` for staff
    /// (a desk's walk-in), who are not limited. Staff registrations are not requests either:
    /// at an event by approval, the desk's walk-in is confirmed (or waitlisted) at once, the
    /// person being there and let in by the team.
    resends: Option<ResendLimit>,
}

impl Request {
    fn by_staff(&self) -> bool {
        self.resends.is_none()
    }
}

/// What a group needs of an event, read under its lock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Locked {
    seats: Seats,
    approval: domain::Approval,
}

/// The handle to an instance's registration-writing task.
pub(crate) type RegistrationWriter = GroupWriter<Request, Registered>;

/// Starts the task that writes registrations in groups through `writer`.
pub(crate) fn start_writer(writer: DatabaseConnection) -> RegistrationWriter {
    RegistrationWriter::start(GROUP, move |requests| {
        let writer = writer.clone();
        async move { register_group(&writer, requests).await }
    })
}

/// Registers a group in one transaction: each event's lock once, each registration in arrival
/// order, their emails in one insert, each event's seat counter raised once, one commit.
async fn register_group(
    writer: &DatabaseConnection,
    requests: Vec<Request>,
) -> Result<Vec<Result<Registered>>> {
    let txn = writer.begin().await?;
    // In event order: two instances' groups then wait for each other in the same order, never in
    // a circle (PostgreSQL would call it a deadlock and refuse one of them).
    let mut seats: BTreeMap<i32, Option<Locked>> =
        requests.iter().map(|r| (r.event_id, None)).collect();
    for (&event_id, event_seats) in &mut seats {
        *event_seats = lock_event(&txn, event_id).await?.map(|event| Locked {
            seats: event.seats(),
            approval: event.approval(),
        });
    }
    let before = seats.clone();
    let mut results = Vec::with_capacity(requests.len());
    let mut emails = Vec::with_capacity(requests.len());
    // Re-sends queued by this group, per registration: not yet in the outbox to be counted.
    let mut resent = BTreeMap::new();
    for request in &requests {
        let Some(event_seats) = seats.get_mut(&request.event_id).and_then(Option::as_mut) else {
            results.push(Err(Error::Corrupt(format!(
                "event {} vanished",
                request.event_id
            ))));
            continue;
        };
        // Read under the lock, so that the order of registration times is the order in which
        // seats were given: the waitlist follows it.
        let now = request.clock.now();
        let registered = register_one(&txn, request, event_seats, now).await?;
        if let Some(email) = email_for(&txn, request, &registered, &mut resent, now).await? {
            emails.push(email);
        }
        results.push(Ok(registered));
    }
    if !emails.is_empty() {
        outbox::Entity::insert_many(emails).exec(&txn).await?;
    }
    for (event_id, event_seats) in seats {
        let (Some(after), Some(Some(before))) = (event_seats, before.get(&event_id)) else {
            continue;
        };
        if after != *before {
            add_to_confirmed(
                &txn,
                event_id,
                after.seats.confirmed() - before.seats.confirmed(),
            )
            .await?;
        }
    }
    txn.commit().await?;
    Ok(results)
}

/// The email a registration of a group gets: a new one its ticket (or waitlist notice); one
/// already there the same again, unless the participant had it re-sent as often as allowed.
async fn email_for(
    txn: &DatabaseTransaction,
    request: &Request,
    registered: &Registered,
    resent: &mut BTreeMap<i32, u64>,
    now: DateTime<Utc>,
) -> Result<Option<outbox::ActiveModel>> {
    let registration = registered.registration();
    let kind = match registered {
        Registered::New(_) => email_kind(registration.status),
        // The same again: the ticket, the waitlist notice, or where the request stands.
        Registered::AlreadyRegistered(_) => resent_kind(registration.status),
    };
    let limit = match (registered, &request.resends) {
        (Registered::AlreadyRegistered(_), Some(limit)) => limit,
        _ => return Ok(Some(email_row(registration.id, kind, now))),
    };
    let queued_here = resent.entry(registration.id).or_insert(0);
    if !may_resend(txn, registration.id, limit, now, *queued_here).await? {
        return Ok(None);
    }
    *queued_here += 1;
    Ok(Some(resend_row(registration.id, kind, now)))
}

/// One registration of a group, under its event's lock.
async fn register_one(
    txn: &DatabaseTransaction,
    request: &Request,
    locked: &mut Locked,
    now: DateTime<Utc>,
) -> Result<Registered> {
    let participant = &request.participant;
    let seats = &mut locked.seats;
    let status = match locked.approval {
        domain::Approval::Manual if !request.by_staff() => Status::Pending,
        _ => seats.status_for_newcomer(),
    };
    // Most addresses are new: the insert is tried first, and the unique index on the address
    // says when it is not (registered before, or earlier in this group).
    let mut row = new_row(request.event_id, participant, status, now);
    let inserted = insert_new(
        txn,
        vec![row.clone()],
        [
            registration::Column::EventId,
            registration::Column::EmailNormalized,
        ],
    )
    .await?;
    if let Some(stored) = inserted.into_iter().next() {
        seats.take(status);
        return Ok(Registered::New(to_domain(stored)?));
    }
    // Locked: its re-sends are counted under the lock that "send my ticket again" takes too.
    let existing = lock_registrations(
        txn,
        sea_orm::Condition::all()
            .add(registration::Column::EventId.eq(request.event_id))
            .add(registration::Column::EmailNormalized.eq(participant.email.normalized())),
    )
    .await?
    .into_iter()
    .next()
    .ok_or_else(|| Error::Corrupt("a registration conflicted, then vanished".into()))?;
    if existing.status != registration::Status::Cancelled {
        return Ok(Registered::AlreadyRegistered(to_domain(existing)?));
    }
    // A cancelled registration comes back to life with the new details; it queues again from
    // now, with its ticket.
    row.id = Set(existing.id);
    row.ticket_version = Set(existing.ticket_version);
    let revived = row.update(txn).await?;
    seats.take(status);
    Ok(Registered::New(to_domain(revived)?))
}

/// A registration's row as `participant` gives it.
fn new_row(
    event_id: i32,
    participant: &Participant,
    status: Status,
    now: DateTime<Utc>,
) -> registration::ActiveModel {
    registration::ActiveModel {
        event_id: Set(event_id),
        given_name: Set(participant.given_name.to_string()),
        family_name: Set(participant.family_name.to_string()),
        email: Set(participant.email.as_str().to_owned()),
        email_normalized: Set(participant.email.normalized()),
        organisation: Set(participant.organisation.to_string()),
        function: Set(participant.function.as_ref().map(ToString::to_string)),
        category: Set(participant.category.clone()),
        country: Set(participant.country.code().to_owned()),
        language: Set(participant.language.code().to_owned()),
        needs: Set(participant.needs.clone()),
        // A map of checked answers always serialises.
        answers: Set(serde_json::to_string(&participant.answers).unwrap_or_else(|_| "{}".into())),
        status: Set(status.into()),
        ticket_version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
}

impl Database {
    /// Registers `participant` for the event: confirmed while seats remain, waitlisted after. An
    /// address already registered is not registered twice: its email is sent again instead, as
    /// often as [`ResendLimit::DEFAULT`] allows (and the answer is the same beyond it).
    /// Registrations arriving together are written together (see `group.rs`).
    #[tracing::instrument(skip_all, fields(event_id = event_id, email = %participant.email.masked()))]
    pub async fn register(
        &self,
        event_id: i32,
        participant: Participant,
        clock: Arc<dyn Clock>,
    ) -> Result<Registered> {
        self.registrations
            .write(Request {
                event_id,
                participant,
                clock,
                resends: Some(ResendLimit::DEFAULT),
            })
            .await
    }

    /// [`Database::register`] for staff (a desk's walk-in): an address already registered gets
    /// its email again whatever the count of re-sends.
    #[tracing::instrument(skip_all, fields(event_id = event_id, email = %participant.email.masked()))]
    pub async fn register_by_staff(
        &self,
        event_id: i32,
        participant: Participant,
        clock: Arc<dyn Clock>,
    ) -> Result<Registered> {
        self.registrations
            .write(Request {
                event_id,
                participant,
                clock,
                resends: None,
            })
            .await
    }

    /// "Send my ticket again", at the participant's request: their ticket (or waitlist or
    /// cancellation notice, as the registration stands) is queued, unless it was re-sent as often
    /// as [`ResendLimit::DEFAULT`] allows this hour. Counted under the registration's lock, in
    /// the outbox, so that this holds across instances.
    #[tracing::instrument(skip(self))]
    pub async fn resend_ticket_to_participant(
        &self,
        registration_id: i32,
        now: DateTime<Utc>,
    ) -> Result<Resent> {
        let txn = self.writer.begin().await?;
        let row = lock_registrations(
            &txn,
            sea_orm::Condition::all().add(registration::Column::Id.eq(registration_id)),
        )
        .await?
        .into_iter()
        .next()
        .ok_or_else(|| Error::NotFound(format!("registration {registration_id}")))?;
        if !may_resend(&txn, row.id, &ResendLimit::DEFAULT, now, 0).await? {
            txn.commit().await?;
            return Ok(Resent::Withheld);
        }
        resend_row(row.id, resent_kind(row.status.into()), now)
            .insert(&txn)
            .await?;
        txn.commit().await?;
        Ok(Resent::Queued)
    }

    /// The registrations of the event with these ids (others are left out), in one query.
    pub async fn registrations_by_id(
        &self,
        event_id: i32,
        ids: &[i32],
    ) -> Result<std::collections::HashMap<i32, Registration>> {
        let mut ids = ids.to_vec();
        ids.sort_unstable();
        ids.dedup();
        let mut found = std::collections::HashMap::with_capacity(ids.len());
        // A bounded list of values per query: SQLite and PostgreSQL both cap a statement's.
        for chunk in ids.chunks(crate::IN_LIST) {
            for row in registration::Entity::find()
                .filter(registration::Column::EventId.eq(event_id))
                .filter(registration::Column::Id.is_in(chunk.iter().copied()))
                .all(&self.conn)
                .await?
            {
                found.insert(row.id, to_domain(row)?);
            }
        }
        Ok(found)
    }

    /// A registration by id.
    pub async fn registration(&self, id: i32) -> Result<Option<Registration>> {
        registration::Entity::find_by_id(id)
            .unique(&self.conn)
            .await?
            .map(to_domain)
            .transpose()
    }

    /// Queues a registration's ticket (or waitlist or cancellation notice) again, at an
    /// organiser's request (not limited), on `conn`: the transaction of the action.
    pub(crate) async fn resend_ticket_on<C: ConnectionTrait>(
        conn: &C,
        registration: &Registration,
        now: DateTime<Utc>,
    ) -> Result<()> {
        enqueue(conn, registration.id, resent_kind(registration.status), now).await
    }

    /// Cancels a registration. A seat it held goes to the first waitlisted registration, which is
    /// emailed its ticket, in the same transaction.
    #[tracing::instrument(skip(self))]
    pub async fn cancel_registration(&self, id: i32, now: DateTime<Utc>) -> Result<Cancelled> {
        Self::cancel_registration_on(&self.writer, id, now).await
    }

    /// [`Database::cancel_registration`] on `conn`: a transaction of a larger action makes its
    /// own a savepoint of that transaction.
    pub(crate) async fn cancel_registration_on<
        C: TransactionTrait<Transaction = DatabaseTransaction>,
    >(
        conn: &C,
        id: i32,
        now: DateTime<Utc>,
    ) -> Result<Cancelled> {
        let txn = conn.begin().await?;
        // The lock first (see the module's comment); the event is found from the registration.
        let event_of = registration::Entity::find()
            .select_only()
            .column(registration::Column::EventId)
            .filter(registration::Column::Id.eq(id))
            .into_query();
        let event = event::Entity::update_many()
            .col_expr(
                event::Column::ConfirmedCount,
                Expr::col(event::Column::ConfirmedCount),
            )
            .filter(event::Column::Id.in_subquery(event_of))
            .exec_with_returning(&txn)
            .await?
            .into_iter()
            .next();
        let Some(row) = registration::Entity::find_by_id(id).one(&txn).await? else {
            return Err(Error::NotFound(format!("registration {id}")));
        };
        let event =
            event.ok_or_else(|| Error::Corrupt(format!("event {} vanished", row.event_id)))?;
        let was = Status::from(row.status);
        // A declined request is not cancelled on top: it was never accepted.
        if matches!(was, Status::Cancelled | Status::Declined) {
            return Ok(Cancelled {
                changed: false,
                promoted: None,
            });
        }
        let event_id = row.event_id;
        let mut seats = event.seats();
        let freed = seats.release(was);
        let mut active = row.into_active_model();
        active.status = Set(registration::Status::Cancelled);
        active.updated_at = Set(now);
        active.update(&txn).await?;
        enqueue(&txn, id, EmailKind::Cancelled, now).await?;

        let mut promoted = None;
        if freed {
            add_to_confirmed(&txn, event_id, -1).await?;
            promoted = promote_waitlisted(&txn, event_id, seats, now).await?;
        }
        txn.commit().await?;
        Ok(Cancelled {
            changed: true,
            promoted,
        })
    }

    /// Revokes a registration's ticket and issues a new one: earlier tokens stop working, and the
    /// new ticket is emailed. Returns the new version.
    pub async fn reissue_ticket(&self, id: i32, now: DateTime<Utc>) -> Result<i32> {
        Self::reissue_ticket_on(&self.writer, id, now).await
    }

    /// [`Database::reissue_ticket`] on `conn` (see [`Database::cancel_registration_on`]).
    pub(crate) async fn reissue_ticket_on<
        C: TransactionTrait<Transaction = DatabaseTransaction>,
    >(
        conn: &C,
        id: i32,
        now: DateTime<Utc>,
    ) -> Result<i32> {
        let txn = conn.begin().await?;
        registration::Entity::update_many()
            .col_expr(
                registration::Column::TicketVersion,
                Expr::col(registration::Column::TicketVersion).add(1),
            )
            .col_expr(registration::Column::UpdatedAt, now.into())
            .filter(registration::Column::Id.eq(id))
            .exec(&txn)
            .await?;
        let row = registration::Entity::find_by_id(id)
            .one(&txn)
            .await?
            .ok_or_else(|| Error::NotFound(format!("registration {id}")))?;
        if row.status == registration::Status::Confirmed {
            enqueue(&txn, id, EmailKind::Confirmation, now).await?;
        }
        txn.commit().await?;
        Ok(row.ticket_version)
    }

    /// How many registrations the event has in each status.
    pub async fn status_counts(&self, event_id: i32) -> Result<StatusCounts> {
        let rows: Vec<(registration::Status, i64)> = registration::Entity::find()
            .select_only()
            .column(registration::Column::Status)
            .column_as(registration::Column::Id.count(), "n")
            .filter(registration::Column::EventId.eq(event_id))
            .group_by(registration::Column::Status)
            .into_tuple()
            .all(&self.conn)
            .await?;
        let mut counts = StatusCounts::default();
        for (status, n) in rows {
            counts.add(status, n);
        }
        Ok(counts)
    }
}

/// Gives a free seat to the first of the waitlist, first come first served, under the event's
/// lock; `seats` are the event's as they stand in this transaction.
async fn promote_waitlisted(
    txn: &DatabaseTransaction,
    event_id: i32,
    mut seats: Seats,
    now: DateTime<Utc>,
) -> Result<Option<i32>> {
    if !seats.promote() {
        return Ok(None);
    }
    let Some(next) = registration::Entity::find()
        .filter(registration::Column::EventId.eq(event_id))
        .filter(registration::Column::Status.eq(registration::Status::Waitlisted))
        // Arrival order: a cancelled registration made active again queues from then.
        .order_by_asc(registration::Column::CreatedAt)
        .order_by_asc(registration::Column::Id)
        .one(txn)
        .await?
    else {
        return Ok(None);
    };
    let next_id = next.id;
    let mut active = next.into_active_model();
    active.status = Set(registration::Status::Confirmed);
    active.updated_at = Set(now);
    active.update(txn).await?;
    add_to_confirmed(txn, event_id, 1).await?;
    enqueue(txn, next_id, EmailKind::Promoted, now).await?;
    Ok(Some(next_id))
}

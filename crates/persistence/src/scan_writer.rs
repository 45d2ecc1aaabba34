//! Writing the desk's scans in groups. Each scan is a check-in (when the domain admits it) and a
//! line in the scan log; written one by one, that is four statements and a commit per scan, and
//! at 09:00 the database spends its time on round trips. One task per instance takes the scans
//! waiting at that moment, however many, and writes them all in one transaction (`group.rs`): a
//! multi-row insert of check-ins, one of log lines, one commit.
//!
//! The rules stay those of one scan at a time: the domain's [`Verdict`] says whether to record a
//! check-in; the unique index on (registration, day) decides between two desks (here or on
//! another instance), and what the insert found goes back to the domain
//! ([`Decision::admitted`]) for the final answer. The log line keeps that answer typed. A scan
//! whose nonce is already logged is a retry: nothing of it is kept, and it gets the first answer.
//!
//! Offline scans (sent later by a desk that lost the network, with the time they were made) keep
//! one more rule: of two scans of a ticket on one day, the earlier stands. One arriving after a
//! later check-in takes its place (the check-in is rewritten with the earlier scan's time, desk
//! and staff member, and the later scan's log line now says `already_checked_in`); and when a
//! desk had let someone in offline whom another desk had let in too, both log lines are marked
//! as a conflict: someone may have come in twice.

use crate::attendance::{DayCheckin, checkins_with_staff};
use crate::entities::scan_log::Outcome as Logged;
use crate::entities::{checkin, scan_log, staff};
use crate::group::insert_new;
use crate::{Database, Result};
use chrono::{DateTime, NaiveDate, Utc};
use domain::{Decision, DeskName, Nonce, Outcome, Recorded, Refusal, Verdict};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction, EntityTrait,
    QueryFilter, Set, TransactionTrait,
};
use std::collections::{HashMap, HashSet};

/// Scans written in one transaction at most.
const GROUP: usize = 64;

/// A scan to write.
#[derive(Debug, Clone)]
pub struct Scan {
    pub event_id: i32,
    /// The registration the scan resolved to (none for an unknown code).
    pub registration_id: Option<i32>,
    pub staff_id: i32,
    pub at: DateTime<Utc>,
    /// What was scanned or typed (kept to 128 characters, control characters replaced).
    pub scanned: String,
    pub nonce: Option<Nonce>,
    /// What the domain made of the scan before anything was recorded.
    pub verdict: Verdict,
    /// The desk's own name, if the device has one.
    pub desk: Option<DeskName>,
    /// Made offline and sent later (`at` is when it was made).
    pub offline: Option<Offline>,
}

/// What an offline scan adds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Offline {
    /// When it reached the server.
    pub received_at: DateTime<Utc>,
    /// Whether the desk let them in (showed green) when it decided alone.
    pub admitted: bool,
}

/// What became of a scan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Written {
    /// Saved, with its check-in if admitted; here is its answer, and whether it is one of two
    /// admissions of the ticket that day (see the module).
    Saved { decision: Decision, conflict: bool },
    /// Its nonce was logged before: nothing of it was saved; here is the first scan as logged.
    Retry(LoggedScan),
}

/// The handle to an instance's scan-writing task.
pub(crate) type ScanWriter = crate::group::GroupWriter<Scan, Written>;

/// Starts the task, writing through `writer` and reading first answers through `reader`.
pub(crate) fn start(writer: DatabaseConnection, reader: DatabaseConnection) -> ScanWriter {
    ScanWriter::start(GROUP, move |scans| {
        let (writer, reader) = (writer.clone(), reader.clone());
        async move { write(&writer, &reader, scans).await }
    })
}

impl Database {
    /// Writes a scan: its check-in if admitted, and its log line (see the module).
    #[tracing::instrument(skip_all, fields(event = scan.event_id, registration = scan.registration_id))]
    pub async fn write_scan(&self, scan: Scan) -> Result<Written> {
        self.scans.write(scan).await
    }
}

/// A scan's check-in attempt, when it was admitted.
struct Attempt {
    recorded: Recorded,
    /// The check-in this scan inserted (taken back if the scan turns out to be a retry).
    inserted: Option<i32>,
    /// Who made the earlier check-in, for `Recorded::Already`.
    first_staff_id: Option<i32>,
    /// One of two admissions of the ticket that day.
    conflict: bool,
}

/// Writes a group; each scan gets its answer, or its own error (a retry whose first answer cannot
/// be read back fails alone: the others are saved and answered).
async fn write(
    writer: &DatabaseConnection,
    reader: &DatabaseConnection,
    scans: Vec<Scan>,
) -> Result<Vec<Result<Written>>> {
    let txn = writer.begin().await?;
    let attempts = record_checkins(&txn, &scans).await?;
    let mut decisions = Vec::with_capacity(scans.len());
    let mut first_staff = Vec::with_capacity(scans.len());
    let conflicts: Vec<bool> = attempts
        .iter()
        .map(|a| a.as_ref().is_some_and(|a| a.conflict))
        .collect();
    for (scan, attempt) in scans.iter().zip(&attempts) {
        let decision = match (scan.verdict, attempt) {
            (Verdict::Admit { day }, Some(attempt)) => {
                Decision::admitted(day, scan.at, attempt.recorded.clone())
            }
            (Verdict::Refuse(refusal), _) => Decision::Refused(refusal),
            // Admitted with no registration to record it for: the caller resolved none.
            (Verdict::Admit { .. }, None) => Decision::Refused(Refusal::Unknown),
        };
        first_staff.push(attempt.as_ref().and_then(|a| a.first_staff_id));
        decisions.push(decision);
    }
    let retries = log_scans(&txn, &scans, &decisions, &first_staff, &conflicts).await?;
    // A retry's check-in, if it made one, is taken back before the commit.
    let taken_back: Vec<i32> = retries
        .iter()
        .filter_map(|&index| attempts[index].as_ref()?.inserted)
        .collect();
    if !taken_back.is_empty() {
        checkin::Entity::delete_many()
            .filter(checkin::Column::Id.is_in(taken_back))
            .exec(&txn)
            .await?;
    }
    txn.commit().await?;

    let mut results: Vec<Result<Written>> = decisions
        .into_iter()
        .zip(conflicts)
        .map(|(decision, conflict)| Ok(Written::Saved { decision, conflict }))
        .collect();
    for index in retries {
        let scan = &scans[index];
        let nonce = scan.nonce.as_ref().map(Nonce::as_str).unwrap_or_default();
        results[index] = match logged_scan(reader, scan.event_id, nonce).await {
            Ok(Some(first)) => Ok(Written::Retry(first)),
            // Logged, then gone (an event deleted meanwhile): nothing to repeat.
            Ok(None) => Err(crate::Error::NotFound(format!(
                "the scan with nonce {nonce}"
            ))),
            Err(error) => Err(error),
        };
    }
    Ok(results)
}

/// Inserts the check-ins of the admitted scans, skipping those the unique index on
/// (registration, day) refuses; the first scan of a (registration, day) in the group that the
/// index lets in is the one recorded, and every other learns who was first.
async fn record_checkins(
    txn: &DatabaseTransaction,
    scans: &[Scan],
) -> Result<Vec<Option<Attempt>>> {
    // In key order: two instances inserting overlapping groups then wait for each other in the
    // same order, never in a circle (PostgreSQL would call it a deadlock and refuse one group).
    // Of two scans of one ticket on one day in the group, the earlier is the one inserted (the
    // same instant: the one that came first).
    let mut wanted: Vec<(i32, NaiveDate, DateTime<Utc>, usize)> = scans
        .iter()
        .enumerate()
        .filter_map(|(index, scan)| {
            Some((
                scan.registration_id?,
                scan.verdict.admits()?,
                scan.at,
                index,
            ))
        })
        .collect();
    wanted.sort_unstable();
    let rows = wanted
        .iter()
        .map(|&(registration_id, day, at, index)| checkin::ActiveModel {
            event_id: Set(scans[index].event_id),
            registration_id: Set(registration_id),
            day: Set(day),
            staff_id: Set(scans[index].staff_id),
            at: Set(at),
            desk: Set(scans[index].desk.as_ref().map(|d| d.as_str().to_owned())),
            recorded_at: Set(Some(recorded_at(&scans[index]))),
            ..Default::default()
        })
        .collect();
    let inserted: HashMap<(i32, NaiveDate), i32> = insert_new(
        txn,
        rows,
        [checkin::Column::RegistrationId, checkin::Column::Day],
    )
    .await?
    .into_iter()
    .map(|row| ((row.registration_id, row.day), row.id))
    .collect();
    // Which scan of the group inserted which check-in: a conflict found later in the group
    // marks that scan too.
    // Rows go in in `wanted`'s order, so of a key's scans the first there is the one in.
    let mut inserter: HashMap<i32, usize> = HashMap::new();
    for &(registration_id, day, _, index) in &wanted {
        if let Some(&id) = inserted.get(&(registration_id, day)) {
            inserter.entry(id).or_insert(index);
        }
    }
    let mut attempts: Vec<Option<Attempt>> = Vec::with_capacity(scans.len());
    let mut already = Vec::new();
    for (index, scan) in scans.iter().enumerate() {
        let key = scan.registration_id.zip(scan.verdict.admits());
        attempts.push(key.and_then(|key| {
            let id = inserted
                .get(&key)
                .copied()
                .filter(|id| inserter.get(id) == Some(&index));
            if id.is_none() {
                already.push(key);
            }
            id.map(|id| Attempt {
                recorded: Recorded::Inserted,
                inserted: Some(id),
                first_staff_id: None,
                conflict: false,
            })
        }));
    }
    if already.is_empty() {
        return Ok(attempts);
    }
    let registrations: Vec<i32> = already.iter().map(|(r, _)| *r).collect();
    let mut earlier = checkins_with_staff(txn, &registrations).await?;
    // In key order, as the inserts: two instances' groups then lock check-in rows in the same
    // order, never in a circle.
    let mut order: Vec<usize> = (0..scans.len()).collect();
    order.sort_by_key(|&index| {
        (
            scans[index].registration_id,
            scans[index].verdict.admits(),
            index,
        )
    });
    for index in order {
        let scan = &scans[index];
        let Some(key) = scan.registration_id.zip(scan.verdict.admits()) else {
            continue;
        };
        if attempts[index].is_some() {
            continue;
        }
        let first = earlier
            .get(&key)
            .cloned()
            .ok_or_else(|| crate::Error::Corrupt("a check-in conflicted, then vanished".into()))?;
        let inserted_here = inserter.get(&first.id).copied();
        let mut first = first;
        if scan.offline.is_some() && scan.at < first.at && inserted_here.is_none() {
            // An offline scan earlier than the check-in standing: it takes its place, unless
            // another instance's earlier scan took it first (then that one stands, read again).
            if let Some(taken) = take_place(txn, scan, key, &first).await? {
                earlier.insert(key, taken);
                attempts[index] = Some(Attempt {
                    recorded: Recorded::Inserted,
                    inserted: None,
                    first_staff_id: None,
                    conflict: true,
                });
                continue;
            }
            first = checkins_with_staff(txn, &[key.0])
                .await?
                .remove(&key)
                .ok_or_else(|| {
                    crate::Error::Corrupt("a check-in conflicted, then vanished".into())
                })?;
            earlier.insert(key, first.clone());
        }
        // The same scan sent again (a retry, answered below as the first time) is no conflict
        // with itself.
        let itself = first.at == scan.at && first.staff_id == scan.staff_id;
        let conflict = scan.offline.is_some_and(|offline| offline.admitted) && !itself;
        if conflict {
            match inserted_here {
                Some(j) => {
                    if let Some(kept) = attempts[j].as_mut() {
                        kept.conflict = true;
                    }
                }
                None => mark_kept_as_conflict(txn, scan.event_id, key, &first).await?,
            }
        }
        attempts[index] = Some(Attempt {
            recorded: Recorded::Already(first.earlier()),
            inserted: None,
            first_staff_id: Some(first.staff_id),
            conflict,
        });
    }
    Ok(attempts)
}

/// When the server writes a scan's check-in: at once for a scan sent at once, on arrival for an
/// offline one.
fn recorded_at(scan: &Scan) -> DateTime<Utc> {
    scan.offline.map_or(scan.at, |offline| offline.received_at)
}

/// An offline scan earlier than the day's check-in `first` takes its place: the check-in gets the
/// scan's time, staff member and desk, and the log line of the scan that made it now says
/// `already_checked_in` (after this one), marked as a conflict. Returns the check-in as it now
/// stands; `None` when the row no longer holds a later time (another instance's earlier scan
/// took its place meanwhile): the update's own condition decides, under the row's lock.
async fn take_place(
    txn: &DatabaseTransaction,
    scan: &Scan,
    (registration_id, day): (i32, NaiveDate),
    first: &DayCheckin,
) -> Result<Option<DayCheckin>> {
    use sea_orm::sea_query::Expr;
    let desk = scan.desk.as_ref().map(|d| d.as_str().to_owned());
    let updated = checkin::Entity::update_many()
        .col_expr(checkin::Column::At, Expr::value(scan.at))
        .col_expr(checkin::Column::StaffId, Expr::value(scan.staff_id))
        .col_expr(checkin::Column::Desk, Expr::value(desk.clone()))
        .col_expr(
            checkin::Column::RecordedAt,
            Expr::value(Some(recorded_at(scan))),
        )
        .filter(checkin::Column::Id.eq(first.id))
        .filter(checkin::Column::At.gt(scan.at))
        .exec(txn)
        .await?;
    if updated.rows_affected == 0 {
        return Ok(None);
    }
    scan_log::Entity::update_many()
        .col_expr(
            scan_log::Column::Outcome,
            Expr::value(Logged::AlreadyCheckedIn),
        )
        .col_expr(scan_log::Column::Conflict, Expr::value(true))
        .col_expr(scan_log::Column::FirstAt, Expr::value(Some(scan.at)))
        .col_expr(
            scan_log::Column::FirstStaffId,
            Expr::value(Some(scan.staff_id)),
        )
        .filter(kept_line(scan.event_id, registration_id, day, first))
        .exec(txn)
        .await?;
    let by = staff::Entity::find_by_id(scan.staff_id)
        .one(txn)
        .await?
        .map(|s| s.email)
        .unwrap_or_default();
    Ok(Some(DayCheckin {
        id: first.id,
        day,
        at: scan.at,
        by,
        staff_id: scan.staff_id,
        desk,
    }))
}

/// The log line of the scan that made the check-in `first`: the `ok` of that day at its time.
fn kept_line(
    event_id: i32,
    registration_id: i32,
    day: NaiveDate,
    first: &DayCheckin,
) -> sea_orm::Condition {
    sea_orm::Condition::all()
        .add(scan_log::Column::EventId.eq(event_id))
        .add(scan_log::Column::RegistrationId.eq(registration_id))
        .add(scan_log::Column::Day.eq(day))
        .add(scan_log::Column::Outcome.eq(Logged::Ok))
        .add(scan_log::Column::At.eq(first.at))
        // The entrance's line: a door's scan that recorded the day keeps its own.
        .add(scan_log::Column::Item.is_null())
}

/// The scan that made the check-in `first` is one of two admissions: its log line says so.
async fn mark_kept_as_conflict(
    txn: &DatabaseTransaction,
    event_id: i32,
    (registration_id, day): (i32, NaiveDate),
    first: &DayCheckin,
) -> Result<()> {
    use sea_orm::sea_query::Expr;
    scan_log::Entity::update_many()
        .col_expr(scan_log::Column::Conflict, Expr::value(true))
        .filter(kept_line(event_id, registration_id, day, first))
        .exec(txn)
        .await?;
    Ok(())
}

/// Logs every scan with its answer; returns the indexes of the retries (a nonce logged before, or
/// earlier in this group), whose lines were not written.
async fn log_scans(
    txn: &DatabaseTransaction,
    scans: &[Scan],
    decisions: &[Decision],
    first_staff: &[Option<i32>],
    conflicts: &[bool],
) -> Result<Vec<usize>> {
    let mut lines = Vec::with_capacity(scans.len());
    let mut nonces_in_group = HashSet::new();
    let mut first_in_group = Vec::with_capacity(scans.len());
    for (((scan, decision), first_staff_id), &conflict) in
        scans.iter().zip(decisions).zip(first_staff).zip(conflicts)
    {
        let first = scan
            .nonce
            .as_ref()
            .is_none_or(|nonce| nonces_in_group.insert((scan.event_id, nonce.clone())));
        first_in_group.push(first);
        if first {
            let line = log_line(scan, decision, *first_staff_id, conflict);
            lines.push(((scan.event_id, scan.nonce.clone()), line));
        }
    }
    // In key order too, for the same reason as the check-ins.
    lines.sort_by(|(a, _), (b, _)| a.cmp(b));
    let logged: HashSet<(i32, Nonce)> = insert_new(
        txn,
        lines.into_iter().map(|(_, line)| line).collect(),
        [scan_log::Column::EventId, scan_log::Column::Nonce],
    )
    .await?
    .into_iter()
    .filter_map(|row| Some((row.event_id, Nonce::from_stored(row.nonce?))))
    .collect();
    Ok(scans
        .iter()
        .zip(first_in_group)
        .enumerate()
        .filter(|(_, (scan, first))| match &scan.nonce {
            None => false,
            Some(nonce) => !(*first && logged.contains(&(scan.event_id, nonce.clone()))),
        })
        .map(|(index, _)| index)
        .collect())
}

/// What the log keeps of what was scanned: its first 128 characters (the column's size), with
/// control characters replaced. PostgreSQL refuses a NUL in a text column, and a refused line
/// would fail the whole group's transaction, the other desks' scans with it.
fn loggable(scanned: &str) -> String {
    scanned
        .chars()
        .take(128)
        .map(|c| if c.is_control() { '\u{FFFD}' } else { c })
        .collect()
}

/// A scan as the log keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoggedScan {
    pub registration_id: Option<i32>,
    pub at: DateTime<Utc>,
    pub decision: Decision,
    /// One of two admissions of the ticket that day (see the module).
    pub conflict: bool,
}

/// The scan's log line: the answer in typed columns (see the scan log's migration).
pub(crate) fn log_line(
    scan: &Scan,
    decision: &Decision,
    first_staff_id: Option<i32>,
    conflict: bool,
) -> scan_log::ActiveModel {
    let (day, first_at, opens_at) = match decision {
        Decision::Ok { day, .. } => (Some(*day), None, None),
        // A conflict keeps the day it is about on both lines.
        Decision::AlreadyCheckedIn { at, .. } => {
            (scan.verdict.admits().filter(|_| conflict), Some(*at), None)
        }
        Decision::Refused(Refusal::TooEarly { opens_at }) => (None, None, Some(*opens_at)),
        Decision::Refused(_) => (None, None, None),
    };
    scan_log::ActiveModel {
        event_id: Set(scan.event_id),
        registration_id: Set(scan.registration_id),
        staff_id: Set(scan.staff_id),
        at: Set(scan.at),
        scanned: Set(loggable(&scan.scanned)),
        outcome: Set(decision.outcome().into()),
        nonce: Set(scan.nonce.as_ref().map(|nonce| nonce.as_str().to_owned())),
        day: Set(day),
        first_at: Set(first_at),
        first_staff_id: Set(first_staff_id),
        opens_at: Set(opens_at),
        desk: Set(scan.desk.as_ref().map(|d| d.as_str().to_owned())),
        received_at: Set(scan.offline.map(|o| o.received_at)),
        conflict: Set(conflict),
        ..Default::default()
    }
}

impl From<Outcome> for Logged {
    fn from(outcome: Outcome) -> Self {
        match outcome {
            Outcome::Ok => Logged::Ok,
            Outcome::AlreadyCheckedIn => Logged::AlreadyCheckedIn,
            Outcome::TooEarly => Logged::TooEarly,
            Outcome::Closed => Logged::Closed,
            Outcome::Cancelled => Logged::Cancelled,
            Outcome::NotConfirmed => Logged::NotConfirmed,
            Outcome::Unknown => Logged::Unknown,
        }
    }
}

/// What a line of the scan log says happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScanOutcome {
    /// A scan, and the outcome it got.
    Answered(Outcome),
    /// A check-in removed by the desk.
    Undone,
}

impl ScanOutcome {
    /// The name the API gives it.
    pub fn as_str(self) -> &'static str {
        match self {
            ScanOutcome::Answered(outcome) => outcome.as_str(),
            ScanOutcome::Undone => "undone",
        }
    }
}

impl From<Logged> for ScanOutcome {
    fn from(logged: Logged) -> Self {
        ScanOutcome::Answered(match logged {
            Logged::Ok => Outcome::Ok,
            Logged::AlreadyCheckedIn => Outcome::AlreadyCheckedIn,
            Logged::TooEarly => Outcome::TooEarly,
            Logged::Closed => Outcome::Closed,
            Logged::Cancelled => Outcome::Cancelled,
            Logged::NotConfirmed => Outcome::NotConfirmed,
            Logged::Unknown => Outcome::Unknown,
            Logged::Undone => return ScanOutcome::Undone,
        })
    }
}

/// The answer a log line records, back as the domain's decision; `by` is the email of the
/// earlier check-in's staff member. `None` for an undo, which answers no scan.
fn decision_of(row: &scan_log::Model, by: Option<String>) -> Result<Option<Decision>> {
    let missing = |what: &str| crate::Error::Corrupt(format!("scan {} has no {what}", row.id));
    Ok(Some(match row.outcome {
        Logged::Ok => Decision::Ok {
            day: row.day.ok_or_else(|| missing("day"))?,
            at: row.at,
        },
        Logged::AlreadyCheckedIn => Decision::AlreadyCheckedIn {
            at: row.first_at.ok_or_else(|| missing("first check-in"))?,
            by: by.unwrap_or_default(),
        },
        Logged::TooEarly => Decision::Refused(Refusal::TooEarly {
            opens_at: row.opens_at.ok_or_else(|| missing("opening"))?,
        }),
        Logged::Closed => Decision::Refused(Refusal::Closed),
        Logged::Cancelled => Decision::Refused(Refusal::Cancelled),
        Logged::NotConfirmed => Decision::Refused(Refusal::NotConfirmed),
        Logged::Unknown => Decision::Refused(Refusal::Unknown),
        Logged::Undone => return Ok(None),
    }))
}

/// The scan logged at this event with this nonce, if any.
pub(crate) async fn logged_scan(
    conn: &impl ConnectionTrait,
    event_id: i32,
    nonce: &str,
) -> Result<Option<LoggedScan>> {
    let Some(row) = scan_log::Entity::find()
        .filter(scan_log::Column::EventId.eq(event_id))
        .filter(scan_log::Column::Nonce.eq(nonce))
        .one(conn)
        .await?
    else {
        return Ok(None);
    };
    let by = match row.first_staff_id {
        Some(id) => staff::Entity::find_by_id(id)
            .one(conn)
            .await?
            .map(|s| s.email),
        None => None,
    };
    Ok(decision_of(&row, by)?.map(|decision| LoggedScan {
        registration_id: row.registration_id,
        at: row.at,
        decision,
        conflict: row.conflict,
    }))
}

impl Database {
    /// The scan first logged at this event with this nonce.
    pub async fn logged_scan(&self, event_id: i32, nonce: &str) -> Result<Option<LoggedScan>> {
        logged_scan(&self.conn, event_id, nonce).await
    }
}

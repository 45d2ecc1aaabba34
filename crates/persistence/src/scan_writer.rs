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

use crate::attendance::checkins_with_staff;
use crate::entities::scan_log::Outcome as Logged;
use crate::entities::{checkin, scan_log, staff};
use crate::group::insert_new;
use crate::{Database, Result};
use chrono::{DateTime, NaiveDate, Utc};
use domain::{Decision, Nonce, Outcome, Recorded, Refusal, Verdict};
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
}

/// What became of a scan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Written {
    /// Saved, with its check-in if admitted; here is its answer.
    Saved(Decision),
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
    let retries = log_scans(&txn, &scans, &decisions, &first_staff).await?;
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
        .map(|d| Ok(Written::Saved(d)))
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
    let mut wanted: Vec<(i32, NaiveDate, usize)> = scans
        .iter()
        .enumerate()
        .filter_map(|(index, scan)| Some((scan.registration_id?, scan.verdict.admits()?, index)))
        .collect();
    wanted.sort_unstable();
    let rows = wanted
        .iter()
        .map(|&(registration_id, day, index)| checkin::ActiveModel {
            event_id: Set(scans[index].event_id),
            registration_id: Set(registration_id),
            day: Set(day),
            staff_id: Set(scans[index].staff_id),
            at: Set(scans[index].at),
            ..Default::default()
        })
        .collect();
    let mut inserted: HashMap<(i32, NaiveDate), i32> = insert_new(
        txn,
        rows,
        [checkin::Column::RegistrationId, checkin::Column::Day],
    )
    .await?
    .into_iter()
    .map(|row| ((row.registration_id, row.day), row.id))
    .collect();
    let mut attempts: Vec<Option<Attempt>> = Vec::with_capacity(scans.len());
    let mut already = Vec::new();
    for scan in scans {
        let key = scan.registration_id.zip(scan.verdict.admits());
        attempts.push(key.and_then(|key| {
            let id = inserted.remove(&key);
            if id.is_none() {
                already.push(key);
            }
            id.map(|id| Attempt {
                recorded: Recorded::Inserted,
                inserted: Some(id),
                first_staff_id: None,
            })
        }));
    }
    if already.is_empty() {
        return Ok(attempts);
    }
    let registrations: Vec<i32> = already.iter().map(|(r, _)| *r).collect();
    let earlier = checkins_with_staff(txn, &registrations).await?;
    for (scan, attempt) in scans.iter().zip(&mut attempts) {
        let Some(key) = scan.registration_id.zip(scan.verdict.admits()) else {
            continue;
        };
        if attempt.is_none() {
            let first = earlier.get(&key).ok_or_else(|| {
                crate::Error::Corrupt("a check-in conflicted, then vanished".into())
            })?;
            *attempt = Some(Attempt {
                recorded: Recorded::Already(first.earlier()),
                inserted: None,
                first_staff_id: Some(first.staff_id),
            });
        }
    }
    Ok(attempts)
}

/// Logs every scan with its answer; returns the indexes of the retries (a nonce logged before, or
/// earlier in this group), whose lines were not written.
async fn log_scans(
    txn: &DatabaseTransaction,
    scans: &[Scan],
    decisions: &[Decision],
    first_staff: &[Option<i32>],
) -> Result<Vec<usize>> {
    let mut lines = Vec::with_capacity(scans.len());
    let mut nonces_in_group = HashSet::new();
    let mut first_in_group = Vec::with_capacity(scans.len());
    for ((scan, decision), first_staff_id) in scans.iter().zip(decisions).zip(first_staff) {
        let first = scan
            .nonce
            .as_ref()
            .is_none_or(|nonce| nonces_in_group.insert((scan.event_id, nonce.clone())));
        first_in_group.push(first);
        if first {
            let line = log_line(scan, decision, *first_staff_id);
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
}

/// The scan's log line: the answer in typed columns (see the scan log's migration).
fn log_line(
    scan: &Scan,
    decision: &Decision,
    first_staff_id: Option<i32>,
) -> scan_log::ActiveModel {
    let (day, first_at, opens_at) = match decision {
        Decision::Ok { day, .. } => (Some(*day), None, None),
        Decision::AlreadyCheckedIn { at, .. } => (None, Some(*at), None),
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
async fn logged_scan(
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
    }))
}

impl Database {
    /// The scan first logged at this event with this nonce.
    pub async fn logged_scan(&self, event_id: i32, nonce: &str) -> Result<Option<LoggedScan>> {
        logged_scan(&self.conn, event_id, nonce).await
    }
}

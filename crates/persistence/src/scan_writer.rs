//! Writing the desk's scans in groups. Each scan is a check-in (when the ticket is good) and a
//! line in the scan log; written one by one, that is four statements and a commit per scan, and
//! at 09:00 the database spends its time on round trips. One task per instance takes the scans
//! waiting at that moment, however many, and writes them all in one transaction (`group.rs`): a
//! multi-row insert of check-ins, one of log lines, one commit.
//!
//! The rules stay those of one scan at a time: the unique index on (registration, day) decides
//! between two desks (here or on another instance), and a scan whose nonce is already logged is a
//! retry: nothing of it is kept, and it gets the first answer.

use crate::entities::{checkin, scan_log, staff};
use crate::group::insert_new;
use crate::{Database, Error, Recorded, Result};
use chrono::{DateTime, NaiveDate, Utc};
use domain::EarlierCheckin;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, Set, TransactionTrait};
use std::collections::{HashMap, HashSet};

/// Scans written in one transaction at most.
const GROUP: usize = 64;

/// Builds a scan's outcome and answer (JSON) once it is known whether its check-in was recorded
/// (`None` when it asked for none).
pub type Respond = Box<dyn FnOnce(Option<&Recorded>) -> (String, String) + Send>;

/// A scan to write.
pub struct Scan {
    pub event_id: i32,
    pub registration_id: Option<i32>,
    pub staff_id: i32,
    pub at: DateTime<Utc>,
    /// What was scanned or typed (kept to 128 characters).
    pub scanned: String,
    pub nonce: Option<String>,
    /// The day to check the registration in on, when the decision so far is "ok".
    pub checkin_day: Option<NaiveDate>,
    pub respond: Respond,
}

impl std::fmt::Debug for Scan {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Scan")
            .field("event_id", &self.event_id)
            .field("registration_id", &self.registration_id)
            .field("nonce", &self.nonce)
            .field("checkin_day", &self.checkin_day)
            .finish_non_exhaustive()
    }
}

/// What became of a scan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Written {
    /// Saved, with its check-in if any; here is its answer.
    Saved(String),
    /// Its nonce was logged before: nothing of it was saved; here is the first answer.
    Retry(Option<String>),
}

/// The handle to an instance's scan-writing task.
pub(crate) type ScanWriter = crate::group::GroupWriter<Scan, Written>;

/// Starts the task, writing through `writer` and reading first answers through `reader`.
pub(crate) fn start(writer: DatabaseConnection, reader: DatabaseConnection) -> ScanWriter {
    ScanWriter::start(GROUP, move |scans| {
        let (writer, reader) = (writer.clone(), reader.clone());
        async move {
            let written = write(&writer, &reader, scans).await?;
            Ok(written.into_iter().map(Ok).collect())
        }
    })
}

impl Database {
    /// Writes a scan: its check-in if it asks for one, and its log line (see the module).
    pub async fn write_scan(&self, scan: Scan) -> Result<Written> {
        self.scans.write(scan).await
    }
}

async fn write(
    writer: &DatabaseConnection,
    reader: &DatabaseConnection,
    scans: Vec<Scan>,
) -> Result<Vec<Written>> {
    let txn = writer.begin().await?;

    // Check-ins: the first scan of a (registration, day) in the group that the index lets in
    // is the one recorded; every other learns who was first.
    // In key order: two instances inserting overlapping groups then wait for each other in the
    // same order, never in a circle (PostgreSQL would call it a deadlock and refuse one group).
    let mut keys_wanted: Vec<(i32, NaiveDate, usize)> = scans
        .iter()
        .enumerate()
        .filter_map(|(index, scan)| Some((scan.registration_id?, scan.checkin_day?, index)))
        .collect();
    keys_wanted.sort_unstable();
    let wanted: Vec<checkin::ActiveModel> = keys_wanted
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
    let mut inserted: HashMap<(i32, NaiveDate), i32> = HashMap::new();
    if !wanted.is_empty() {
        let rows = insert_new(
            &txn,
            wanted,
            [checkin::Column::RegistrationId, checkin::Column::Day],
        )
        .await?;
        for row in rows {
            inserted.insert((row.registration_id, row.day), row.id);
        }
    }
    let mut recorded: Vec<Option<(Recorded, Option<i32>)>> = Vec::with_capacity(scans.len());
    let mut already: Vec<(usize, i32, NaiveDate)> = Vec::new();
    for (index, scan) in scans.iter().enumerate() {
        match (scan.registration_id, scan.checkin_day) {
            (Some(registration), Some(day)) => match inserted.remove(&(registration, day)) {
                Some(id) => recorded.push(Some((Recorded::Inserted, Some(id)))),
                None => {
                    recorded.push(None);
                    already.push((index, registration, day));
                }
            },
            _ => recorded.push(None),
        }
    }
    if !already.is_empty() {
        let earlier = earlier_checkins(&txn, &already).await?;
        for (index, registration, day) in already {
            let first = earlier
                .get(&(registration, day))
                .cloned()
                .ok_or_else(|| Error::Corrupt("a check-in conflicted, then vanished".into()))?;
            recorded[index] = Some((Recorded::Already(first), None));
        }
    }

    // The answers, then the log lines. A nonce logged before (or earlier in this group) makes
    // its scan a retry: its check-in, if it made one, is taken back before the commit.
    let mut answers = Vec::with_capacity(scans.len());
    let mut lines = Vec::with_capacity(scans.len());
    let mut nonces_in_group = HashSet::new();
    let mut keys = Vec::with_capacity(scans.len());
    for (scan, recorded) in scans.into_iter().zip(&recorded) {
        let (outcome, response) = (scan.respond)(recorded.as_ref().map(|(r, _)| r));
        let first_in_group = scan
            .nonce
            .as_ref()
            .is_none_or(|nonce| nonces_in_group.insert((scan.event_id, nonce.clone())));
        keys.push((scan.event_id, scan.nonce.clone(), first_in_group));
        if first_in_group {
            let key = (scan.event_id, scan.nonce.clone());
            lines.push((
                key,
                scan_log::ActiveModel {
                    event_id: Set(scan.event_id),
                    registration_id: Set(scan.registration_id),
                    staff_id: Set(scan.staff_id),
                    at: Set(scan.at),
                    scanned: Set(scan.scanned.chars().take(128).collect()),
                    outcome: Set(outcome),
                    nonce: Set(scan.nonce.clone()),
                    response: Set(Some(response.clone())),
                    ..Default::default()
                },
            ));
        }
        answers.push(response);
    }
    // In key order too, for the same reason.
    lines.sort_by(|(a, _), (b, _)| a.cmp(b));
    let logged = insert_new(
        &txn,
        lines.into_iter().map(|(_, line)| line).collect(),
        [scan_log::Column::EventId, scan_log::Column::Nonce],
    )
    .await?;
    let logged_nonces: HashSet<(i32, String)> = logged
        .into_iter()
        .filter_map(|row| Some((row.event_id, row.nonce?)))
        .collect();
    let mut retries = Vec::new();
    let mut taken_back = Vec::new();
    for (index, (event_id, nonce, first_in_group)) in keys.iter().enumerate() {
        let saved = match nonce {
            None => true,
            Some(nonce) => *first_in_group && logged_nonces.contains(&(*event_id, nonce.clone())),
        };
        if !saved {
            retries.push(index);
            if let Some((Recorded::Inserted, Some(id))) = &recorded[index] {
                taken_back.push(*id);
            }
        }
    }
    if !taken_back.is_empty() {
        checkin::Entity::delete_many()
            .filter(checkin::Column::Id.is_in(taken_back))
            .exec(&txn)
            .await?;
    }
    txn.commit().await?;

    let mut results: Vec<Written> = answers.into_iter().map(Written::Saved).collect();
    for index in retries {
        let (event_id, nonce, _) = &keys[index];
        let nonce = nonce.as_deref().unwrap_or_default();
        results[index] =
            Written::Retry(crate::checkins::answer_for_nonce(reader, *event_id, nonce).await?);
    }
    Ok(results)
}

/// The check-ins of these (registration, day) pairs, with who made them.
async fn earlier_checkins(
    txn: &sea_orm::DatabaseTransaction,
    wanted: &[(usize, i32, NaiveDate)],
) -> Result<HashMap<(i32, NaiveDate), EarlierCheckin>> {
    let registrations: Vec<i32> = wanted.iter().map(|(_, r, _)| *r).collect();
    let rows = checkin::Entity::find()
        .find_also_related(staff::Entity)
        .filter(checkin::Column::RegistrationId.is_in(registrations))
        .all(txn)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(row, by)| {
            (
                (row.registration_id, row.day),
                EarlierCheckin {
                    at: row.at,
                    by: by.map(|s| s.email).unwrap_or_default(),
                },
            )
        })
        .collect())
}

//! Check-ins and the scan log. One check-in per registration per day is a unique index: when two
//! desks scan one ticket at the same instant, one insert wins and the other learns who did.

use crate::entities::{checkin, registration, scan_log, staff};
use crate::{Database, Error, Result};
use chrono::{DateTime, NaiveDate, Utc};
use domain::{EarlierCheckin, Registration};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection,
    DatabaseTransaction, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set, SqlErr,
    TransactionTrait,
};

/// The result of recording a check-in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Recorded {
    Inserted,
    /// Someone checked them in first that day.
    Already(EarlierCheckin),
}

/// One scan at the desk, being recorded: its check-in, if it makes one, and its line in the scan
/// log are written in one transaction, so that a retry with the same nonce either finds both or
/// neither. Dropped without [`ScanRecorder::log`], it writes nothing.
#[derive(Debug)]
pub struct ScanRecorder {
    txn: DatabaseTransaction,
    conn: DatabaseConnection,
}

/// What a scan log line says.
#[derive(Debug, Clone, Copy)]
pub struct ScanLogLine<'a> {
    pub event_id: i32,
    pub registration_id: Option<i32>,
    pub staff_id: i32,
    pub at: DateTime<Utc>,
    /// What was scanned or typed (kept to 128 characters).
    pub scanned: &'a str,
    pub outcome: &'a str,
    pub nonce: Option<&'a str>,
    /// The answer given, as JSON.
    pub response: &'a str,
}

/// Whether a scan was logged, or was a retry of one logged before.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Logged {
    /// Logged, with its check-in if any: both are saved.
    Saved,
    /// The nonce was logged before: nothing of this scan was saved; here is the first answer.
    Retry(Option<String>),
}

impl ScanRecorder {
    /// Records a check-in, unless the registration already has one that day: then who made it.
    /// The unique index on (registration, day) decides between two desks scanning at once.
    pub async fn record_checkin(
        &self,
        event_id: i32,
        registration_id: i32,
        day: NaiveDate,
        staff_id: i32,
        at: DateTime<Utc>,
    ) -> Result<Recorded> {
        let row = checkin::ActiveModel {
            event_id: Set(event_id),
            registration_id: Set(registration_id),
            day: Set(day),
            staff_id: Set(staff_id),
            at: Set(at),
            ..Default::default()
        };
        let inserted = checkin::Entity::insert(row)
            .on_conflict(
                OnConflict::columns([checkin::Column::RegistrationId, checkin::Column::Day])
                    .do_nothing()
                    .to_owned(),
            )
            .exec_without_returning(&self.txn)
            .await;
        match inserted {
            Ok(rows) if rows > 0 => Ok(Recorded::Inserted),
            Ok(_) | Err(DbErr::RecordNotInserted) => {
                let earlier = checkin_on(&self.txn, registration_id, day)
                    .await?
                    .ok_or_else(|| Error::Corrupt("a check-in conflicted, then vanished".into()))?;
                Ok(Recorded::Already(earlier))
            }
            Err(e) => Err(e.into()),
        }
    }

    /// Logs the scan and saves it, unless its nonce was logged before for this event: then
    /// nothing of it is saved and the first answer is returned.
    pub async fn log(self, line: ScanLogLine<'_>) -> Result<Logged> {
        let row = scan_log::ActiveModel {
            event_id: Set(line.event_id),
            registration_id: Set(line.registration_id),
            staff_id: Set(line.staff_id),
            at: Set(line.at),
            scanned: Set(line.scanned.chars().take(128).collect()),
            outcome: Set(line.outcome.to_owned()),
            nonce: Set(line.nonce.map(str::to_owned)),
            response: Set(Some(line.response.to_owned())),
            ..Default::default()
        };
        let inserted = scan_log::Entity::insert(row)
            .on_conflict(
                OnConflict::columns([scan_log::Column::EventId, scan_log::Column::Nonce])
                    .do_nothing()
                    .to_owned(),
            )
            .exec_without_returning(&self.txn)
            .await;
        match (inserted, line.nonce) {
            (Ok(rows), _) if rows > 0 => {
                self.txn.commit().await?;
                Ok(Logged::Saved)
            }
            (Ok(_) | Err(DbErr::RecordNotInserted), Some(nonce)) => {
                self.txn.rollback().await?;
                Ok(Logged::Retry(
                    answer_for_nonce(&self.conn, line.event_id, nonce).await?,
                ))
            }
            (Ok(_) | Err(DbErr::RecordNotInserted), None) => Err(Error::Corrupt(
                "a scan without a nonce was not logged".into(),
            )),
            (Err(e), _) => Err(e.into()),
        }
    }
}

/// The registration's check-in on `day`, with who made it.
async fn checkin_on(
    conn: &impl ConnectionTrait,
    registration_id: i32,
    day: NaiveDate,
) -> Result<Option<EarlierCheckin>> {
    let Some(row) = checkin::Entity::find()
        .filter(checkin::Column::RegistrationId.eq(registration_id))
        .filter(checkin::Column::Day.eq(day))
        .one(conn)
        .await?
    else {
        return Ok(None);
    };
    let by = staff::Entity::find_by_id(row.staff_id)
        .one(conn)
        .await?
        .map(|s| s.email)
        .unwrap_or_default();
    Ok(Some(EarlierCheckin { at: row.at, by }))
}

/// The answer first given to a request with this nonce.
async fn answer_for_nonce(
    conn: &impl ConnectionTrait,
    event_id: i32,
    nonce: &str,
) -> Result<Option<String>> {
    Ok(scan_log::Entity::find()
        .filter(scan_log::Column::EventId.eq(event_id))
        .filter(scan_log::Column::Nonce.eq(nonce))
        .one(conn)
        .await?
        .and_then(|row| row.response))
}

/// One line of the desk's recent scans.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScanLine {
    pub at: DateTime<Utc>,
    pub outcome: String,
    pub registration_id: Option<i32>,
    pub name: Option<String>,
    pub by: String,
}

/// A search result at the desk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub registration: Registration,
    /// Checked in on this day already, and when.
    pub checked_in_at: Option<DateTime<Utc>>,
}

impl Database {
    /// The registration's check-in on `day`, with who made it.
    pub async fn checkin_on(
        &self,
        registration_id: i32,
        day: NaiveDate,
    ) -> Result<Option<EarlierCheckin>> {
        checkin_on(&self.conn, registration_id, day).await
    }

    /// Starts recording a scan (see [`ScanRecorder`]).
    pub async fn begin_scan(&self) -> Result<ScanRecorder> {
        Ok(ScanRecorder {
            txn: self.writer.begin().await?,
            conn: self.conn.clone(),
        })
    }

    /// Removes the registration's latest check-in at this event; returns its day.
    pub async fn undo_latest_checkin(
        &self,
        event_id: i32,
        registration_id: i32,
    ) -> Result<Option<NaiveDate>> {
        let Some(row) = checkin::Entity::find()
            .filter(checkin::Column::EventId.eq(event_id))
            .filter(checkin::Column::RegistrationId.eq(registration_id))
            .order_by_desc(checkin::Column::At)
            .order_by_desc(checkin::Column::Id)
            .one(&self.conn)
            .await?
        else {
            return Ok(None);
        };
        let day = row.day;
        checkin::Entity::delete_by_id(row.id)
            .exec(&self.writer)
            .await?;
        Ok(Some(day))
    }

    /// Logs a scan attempt with its answer. With a nonce already logged for this event, nothing is
    /// written and the first answer is returned instead.
    #[expect(clippy::too_many_arguments, reason = "one column each")]
    pub async fn log_scan(
        &self,
        event_id: i32,
        registration_id: Option<i32>,
        staff_id: i32,
        at: DateTime<Utc>,
        scanned: &str,
        outcome: &str,
        nonce: Option<&str>,
        response: &str,
    ) -> Result<Option<String>> {
        let inserted = scan_log::ActiveModel {
            event_id: Set(event_id),
            registration_id: Set(registration_id),
            staff_id: Set(staff_id),
            at: Set(at),
            scanned: Set(scanned.chars().take(128).collect()),
            outcome: Set(outcome.to_owned()),
            nonce: Set(nonce.map(str::to_owned)),
            response: Set(Some(response.to_owned())),
            ..Default::default()
        }
        .insert(&self.writer)
        .await;
        match (inserted, nonce) {
            (Ok(_), _) => Ok(None),
            (Err(e), Some(nonce))
                if matches!(e.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) =>
            {
                self.answer_for_nonce(event_id, nonce).await
            }
            (Err(e), _) => Err(e.into()),
        }
    }

    /// The answer first given to a request with this nonce.
    pub async fn answer_for_nonce(&self, event_id: i32, nonce: &str) -> Result<Option<String>> {
        answer_for_nonce(&self.conn, event_id, nonce).await
    }

    /// The event's latest scans, newest first.
    pub async fn recent_scans(&self, event_id: i32, limit: u64) -> Result<Vec<ScanLine>> {
        let rows = scan_log::Entity::find()
            .filter(scan_log::Column::EventId.eq(event_id))
            .order_by_desc(scan_log::Column::Id)
            .limit(limit)
            .all(&self.conn)
            .await?;
        let mut lines = Vec::with_capacity(rows.len());
        for row in rows {
            let name = match row.registration_id {
                Some(id) => registration::Entity::find_by_id(id)
                    .one(&self.conn)
                    .await?
                    .map(|r| format!("{} {}", r.given_name, r.family_name)),
                None => None,
            };
            let by = staff::Entity::find_by_id(row.staff_id)
                .one(&self.conn)
                .await?
                .map(|s| s.email)
                .unwrap_or_default();
            lines.push(ScanLine {
                at: row.at,
                outcome: row.outcome,
                registration_id: row.registration_id,
                name,
                by,
            });
        }
        Ok(lines)
    }

    /// Registrations of the event whose name, email or organisation contains `query` (any
    /// case), with their check-in on `day`.
    pub async fn search_registrations(
        &self,
        event_id: i32,
        query: &str,
        day: Option<NaiveDate>,
        limit: u64,
    ) -> Result<Vec<Found>> {
        let rows = registration::Entity::find()
            .filter(registration::Column::EventId.eq(event_id))
            .filter(words_condition(query))
            .order_by_asc(registration::Column::FamilyName)
            .order_by_asc(registration::Column::GivenName)
            .limit(limit)
            .all(&self.conn)
            .await?;
        let mut found = Vec::with_capacity(rows.len());
        for row in rows {
            let checked_in_at = match day {
                Some(day) => self.checkin_on(row.id, day).await?.map(|c| c.at),
                None => None,
            };
            found.push(Found {
                registration: crate::registrations::to_domain(row)?,
                checked_in_at,
            });
        }
        Ok(found)
    }
}

/// Every word of `query` must appear in a registration's given name, family name, email or
/// organisation (any case): "abdou sene" finds Abdou Mbengue Sene.
pub(crate) fn words_condition(query: &str) -> Condition {
    use sea_orm::sea_query::{Expr, ExprTrait, Func};
    let mut all_words = Condition::all();
    for word in query.split_whitespace().take(5) {
        let pattern = format!("%{}%", word.to_lowercase().replace(['\\', '%', '_'], ""));
        let mut any_column = Condition::any();
        for column in [
            registration::Column::GivenName,
            registration::Column::FamilyName,
            registration::Column::EmailNormalized,
            registration::Column::Organisation,
        ] {
            any_column =
                any_column.add(Expr::expr(Func::lower(Expr::col(column))).like(pattern.clone()));
        }
        all_words = all_words.add(any_column);
    }
    all_words
}

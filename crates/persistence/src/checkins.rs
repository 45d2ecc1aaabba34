//! Check-ins and the scan log. One check-in per registration per day is a unique index: when two
//! desks scan one ticket at the same instant, one insert wins and the other learns who did.

use crate::entities::{checkin, registration, scan_log, staff};
use crate::{Database, Result};
use chrono::{DateTime, NaiveDate, Utc};
use domain::{EarlierCheckin, Registration};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, Set, TransactionTrait,
};
use std::collections::HashMap;

/// A check-in, with the staff member who made it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct First {
    pub(crate) checkin: EarlierCheckin,
    pub(crate) staff_id: i32,
}

/// The check-ins of these registrations, by (registration, day), each with who made it: one
/// query however many.
pub(crate) async fn earlier_checkins(
    conn: &impl ConnectionTrait,
    registrations: &[i32],
) -> Result<HashMap<(i32, NaiveDate), First>> {
    let rows = checkin::Entity::find()
        .find_also_related(staff::Entity)
        .filter(checkin::Column::RegistrationId.is_in(registrations.iter().copied()))
        .all(conn)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(row, by)| {
            let first = First {
                checkin: EarlierCheckin {
                    at: row.at,
                    by: by.map(|s| s.email).unwrap_or_default(),
                },
                staff_id: row.staff_id,
            };
            ((row.registration_id, row.day), first)
        })
        .collect())
}

/// One line of the desk's recent scans.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScanLine {
    pub at: DateTime<Utc>,
    pub outcome: crate::ScanOutcome,
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
        Ok(earlier_checkins(&self.conn, &[registration_id])
            .await?
            .remove(&(registration_id, day))
            .map(|first| first.checkin))
    }

    /// Removes the registration's latest check-in at this event, and says so in the scan log
    /// (outcome `undone`, by `staff_id`), both or neither; returns the day it was for.
    pub async fn undo_latest_checkin(
        &self,
        event_id: i32,
        registration_id: i32,
        staff_id: i32,
        at: DateTime<Utc>,
    ) -> Result<Option<NaiveDate>> {
        let txn = self.writer.begin().await?;
        let Some(row) = checkin::Entity::find()
            .filter(checkin::Column::EventId.eq(event_id))
            .filter(checkin::Column::RegistrationId.eq(registration_id))
            .order_by_desc(checkin::Column::At)
            .order_by_desc(checkin::Column::Id)
            .one(&txn)
            .await?
        else {
            txn.rollback().await?;
            return Ok(None);
        };
        checkin::Entity::delete_by_id(row.id).exec(&txn).await?;
        scan_log::ActiveModel {
            event_id: Set(event_id),
            registration_id: Set(Some(registration_id)),
            staff_id: Set(staff_id),
            at: Set(at),
            scanned: Set(format!("undo {}", row.day)),
            outcome: Set(scan_log::Outcome::Undone),
            nonce: Set(None),
            day: Set(Some(row.day)),
            first_at: Set(None),
            first_staff_id: Set(None),
            opens_at: Set(None),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        txn.commit().await?;
        Ok(Some(row.day))
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
                outcome: row.outcome.into(),
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

//! Check-ins and the scan log. One check-in per registration per day is a unique index: when two
//! desks scan one ticket at the same instant, one insert wins and the other learns who did.

use crate::attendance::{DayCheckin, checkins_with_staff};
use crate::entities::{checkin, registration, scan_log, staff};
use crate::{Database, Result};
use chrono::{DateTime, NaiveDate, Utc};
use domain::{EarlierCheckin, Registration};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, JoinType, QueryFilter,
    QueryOrder, QuerySelect, Set,
};

/// Removes the registration's latest check-in at this event, and says so in the scan log
/// (outcome `undone`, by `staff_id`), in the caller's transaction; returns the day it was for.
/// Reached through `actions.rs` (undoing is an audited action, from the desk or a page).
pub(crate) async fn undo_latest_checkin(
    conn: &impl ConnectionTrait,
    event_id: i32,
    registration_id: i32,
    staff_id: i32,
    at: DateTime<Utc>,
) -> Result<Option<NaiveDate>> {
    let Some(row) = checkin::Entity::find()
        .filter(checkin::Column::EventId.eq(event_id))
        .filter(checkin::Column::RegistrationId.eq(registration_id))
        .order_by_desc(checkin::Column::At)
        .order_by_desc(checkin::Column::Id)
        .one(conn)
        .await?
    else {
        return Ok(None);
    };
    checkin::Entity::delete_by_id(row.id).exec(conn).await?;
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
        desk: Set(None),
        received_at: Set(None),
        conflict: Set(false),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    Ok(Some(row.day))
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
        Ok(checkins_with_staff(&self.conn, &[registration_id])
            .await?
            .get(&(registration_id, day))
            .map(DayCheckin::earlier))
    }

    /// The event's latest scans, newest first: one query, whose registrations and staff are
    /// joined, however many lines (each desk polls it).
    pub async fn recent_scans(&self, event_id: i32, limit: u64) -> Result<Vec<ScanLine>> {
        type Row = (
            DateTime<Utc>,
            scan_log::Outcome,
            Option<i32>,
            Option<String>,
            Option<String>,
            Option<String>,
        );
        let to_registration = scan_log::Entity::belongs_to(registration::Entity)
            .from(scan_log::Column::RegistrationId)
            .to(registration::Column::Id);
        let to_staff = scan_log::Entity::belongs_to(staff::Entity)
            .from(scan_log::Column::StaffId)
            .to(staff::Column::Id);
        let rows: Vec<Row> = scan_log::Entity::find()
            .select_only()
            .column(scan_log::Column::At)
            .column(scan_log::Column::Outcome)
            .column(scan_log::Column::RegistrationId)
            .column(registration::Column::GivenName)
            .column(registration::Column::FamilyName)
            .column_as(staff::Column::Email, "staff_email")
            .join(JoinType::LeftJoin, to_registration.into())
            .join(JoinType::LeftJoin, to_staff.into())
            .filter(scan_log::Column::EventId.eq(event_id))
            .order_by_desc(scan_log::Column::Id)
            .limit(limit)
            .into_tuple()
            .all(&self.conn)
            .await?;
        Ok(rows
            .into_iter()
            .map(
                |(at, outcome, registration_id, given_name, family_name, by)| ScanLine {
                    at,
                    outcome: outcome.into(),
                    registration_id,
                    name: given_name
                        .zip(family_name)
                        .map(|(given, family)| format!("{given} {family}")),
                    by: by.unwrap_or_default(),
                },
            )
            .collect())
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
        // The check-ins of every registration found, in one query.
        let checkins = match day {
            Some(_) => {
                let ids: Vec<i32> = rows.iter().map(|row| row.id).collect();
                checkins_with_staff(&self.conn, &ids).await?
            }
            None => Default::default(),
        };
        rows.into_iter()
            .map(|row| {
                let checked_in_at = day
                    .and_then(|day| checkins.get(&(row.id, day)))
                    .map(|c| c.at);
                Ok(Found {
                    registration: crate::registrations::to_domain(row)?,
                    checked_in_at,
                })
            })
            .collect()
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

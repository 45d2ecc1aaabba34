//! The offline desk's list: what a desk needs to decide alone when the network is gone (every
//! registration of the event, its status, the days it was checked in), and what changed since
//! the desk last looked; and the conflicts that offline scans left (see `scan_writer.rs`).

use crate::entities::scan_log::Outcome as Logged;
use crate::entities::{checkin, registration, scan_log, staff};
use crate::{Database, Result};
use chrono::{DateTime, NaiveDate, Utc};
use domain::Status;
use sea_orm::{
    ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder, QuerySelect, QueryTrait,
};
use std::collections::BTreeMap;

/// One registration as a desk's list holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListEntry {
    pub id: i32,
    pub given_name: String,
    pub family_name: String,
    pub organisation: String,
    /// The category's key.
    pub category: String,
    pub status: Status,
    /// For the current ticket's token.
    pub ticket_version: i32,
    /// The days it is checked in, in date order.
    pub days: Vec<NaiveDate>,
}

/// One of the scans of a conflict.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConflictScan {
    pub at: DateTime<Utc>,
    pub desk: Option<String>,
    /// The staff member's email.
    pub by: String,
}

impl ConflictScan {
    /// Who let them in, in words (as reports say it).
    pub fn desk_label(&self) -> String {
        crate::attendance::desk_label(self.desk.as_deref(), &self.by)
    }
}

/// A ticket let in twice on one day by two desks, one of them offline: the scan that stands and
/// the other(s).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfflineConflict {
    pub registration_id: i32,
    pub name: String,
    pub day: NaiveDate,
    /// The scan whose check-in stands (`None` if it was undone since).
    pub kept: Option<ConflictScan>,
    pub others: Vec<ConflictScan>,
}

impl Database {
    /// The event's registrations for a desk's list: all of them, or those changed after
    /// `changed_after` (new, cancelled, re-issued, approved, checked in or undone anywhere).
    pub async fn checkin_list(
        &self,
        event_id: i32,
        changed_after: Option<DateTime<Utc>>,
    ) -> Result<Vec<ListEntry>> {
        let mut query = registration::Entity::find()
            .filter(registration::Column::EventId.eq(event_id))
            .order_by_asc(registration::Column::Id);
        if let Some(after) = changed_after {
            let checked_in = checkin::Entity::find()
                .select_only()
                .column(checkin::Column::RegistrationId)
                .filter(checkin::Column::EventId.eq(event_id))
                .filter(checkin::Column::RecordedAt.gt(after))
                .into_query();
            let undone = scan_log::Entity::find()
                .select_only()
                .column(scan_log::Column::RegistrationId)
                .filter(scan_log::Column::EventId.eq(event_id))
                .filter(scan_log::Column::Outcome.eq(Logged::Undone))
                .filter(scan_log::Column::At.gt(after))
                .into_query();
            query = query.filter(
                Condition::any()
                    .add(registration::Column::UpdatedAt.gt(after))
                    .add(registration::Column::Id.in_subquery(checked_in))
                    .add(registration::Column::Id.in_subquery(undone)),
            );
        }
        let rows = query.all(&self.conn).await?;
        if rows.is_empty() {
            return Ok(Vec::new());
        }
        let mut days: BTreeMap<i32, Vec<NaiveDate>> = BTreeMap::new();
        let checkins = || {
            checkin::Entity::find()
                .select_only()
                .column(checkin::Column::RegistrationId)
                .column(checkin::Column::Day)
                .filter(checkin::Column::EventId.eq(event_id))
                .order_by_asc(checkin::Column::Day)
        };
        let mut found: Vec<(i32, NaiveDate)> = Vec::new();
        if changed_after.is_some() {
            // A bounded list of ids per query (see `IN_LIST`).
            let ids: Vec<i32> = rows.iter().map(|r| r.id).collect();
            for chunk in ids.chunks(crate::IN_LIST) {
                let part: Vec<(i32, NaiveDate)> = checkins()
                    .filter(checkin::Column::RegistrationId.is_in(chunk.iter().copied()))
                    .into_tuple()
                    .all(&self.conn)
                    .await?;
                found.extend(part);
            }
        } else {
            found = checkins().into_tuple().all(&self.conn).await?;
        }
        for (registration_id, day) in found {
            days.entry(registration_id).or_default().push(day);
        }
        Ok(rows
            .into_iter()
            .map(|row| ListEntry {
                id: row.id,
                days: days.remove(&row.id).unwrap_or_default(),
                given_name: row.given_name,
                family_name: row.family_name,
                organisation: row.organisation,
                category: row.category,
                status: row.status.into(),
                ticket_version: row.ticket_version,
            })
            .collect())
    }

    /// The event's tickets let in twice on one day by two desks while one was offline, in the
    /// order they happened.
    pub async fn offline_conflicts(&self, event_id: i32) -> Result<Vec<OfflineConflict>> {
        let lines = scan_log::Entity::find()
            .filter(scan_log::Column::EventId.eq(event_id))
            .filter(scan_log::Column::Conflict.eq(true))
            .order_by_asc(scan_log::Column::At)
            .order_by_asc(scan_log::Column::Id)
            .all(&self.conn)
            .await?;
        if lines.is_empty() {
            return Ok(Vec::new());
        }
        let staff: BTreeMap<i32, String> = staff::Entity::find()
            .all(&self.conn)
            .await?
            .into_iter()
            .map(|s| (s.id, s.email))
            .collect();
        let ids: Vec<i32> = lines.iter().filter_map(|l| l.registration_id).collect();
        let names: BTreeMap<i32, String> = self
            .registrations_by_id(event_id, &ids)
            .await?
            .into_iter()
            .map(|(id, r)| {
                (
                    id,
                    format!("{} {}", r.participant.given_name, r.participant.family_name),
                )
            })
            .collect();
        let mut conflicts: Vec<OfflineConflict> = Vec::new();
        for line in lines {
            let (Some(registration_id), Some(day)) = (line.registration_id, line.day) else {
                continue;
            };
            let scan = ConflictScan {
                at: line.at,
                desk: line.desk,
                by: staff.get(&line.staff_id).cloned().unwrap_or_default(),
            };
            let index = match conflicts
                .iter()
                .position(|c| c.registration_id == registration_id && c.day == day)
            {
                Some(index) => index,
                None => {
                    conflicts.push(OfflineConflict {
                        registration_id,
                        name: names.get(&registration_id).cloned().unwrap_or_default(),
                        day,
                        kept: None,
                        others: Vec::new(),
                    });
                    conflicts.len() - 1
                }
            };
            if line.outcome == Logged::Ok {
                conflicts[index].kept = Some(scan);
            } else {
                conflicts[index].others.push(scan);
            }
        }
        Ok(conflicts)
    }
}

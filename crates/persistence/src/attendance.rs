//! Check-ins as they are read back: who was checked in on which day, when, and by which staff
//! member. One query answers it for any set of registrations (a report page, the desk's search
//! results, a group of scans), so that reading "the check-in and who made it" is written once.

use crate::Result;
use crate::entities::{checkin, staff};
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, JoinType, QueryFilter, QuerySelect, RelationTrait,
};
use std::collections::BTreeMap;

/// A day's check-in of a registration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DayCheckin {
    /// The check-in's row.
    pub id: i32,
    pub day: NaiveDate,
    pub at: DateTime<Utc>,
    /// The email of the staff member who scanned.
    pub by: String,
    pub staff_id: i32,
    /// The desk's own name, if the device had one.
    pub desk: Option<String>,
}

impl DayCheckin {
    /// Who let them in, for a report: the staff member, after the desk's own name if it had one
    /// ("Entrance A — desk1@example.org").
    pub fn desk_label(&self) -> String {
        desk_label(self.desk.as_deref(), &self.by)
    }

    /// The check-in as the desk's rule sees it: when, and by whom.
    pub fn earlier(&self) -> domain::EarlierCheckin {
        domain::EarlierCheckin {
            at: self.at,
            by: self.by.clone(),
        }
    }
}

/// Who let someone in, in words: the desk's own name if it had one, then the staff member.
pub(crate) fn desk_label(desk: Option<&str>, by: &str) -> String {
    match desk {
        Some(desk) => format!("{desk} — {by}"),
        None => by.to_owned(),
    }
}

/// The check-ins of these registrations, keyed (and so ordered) by (registration, day), each with
/// the staff member who made it; in one query, however many registrations.
pub(crate) async fn checkins_with_staff(
    conn: &impl ConnectionTrait,
    registration_ids: &[i32],
) -> Result<BTreeMap<(i32, NaiveDate), DayCheckin>> {
    if registration_ids.is_empty() {
        return Ok(BTreeMap::new());
    }
    type Row = (
        i32,
        i32,
        NaiveDate,
        DateTime<Utc>,
        i32,
        Option<String>,
        Option<String>,
    );
    let rows: Vec<Row> = checkin::Entity::find()
        .select_only()
        .column(checkin::Column::Id)
        .column(checkin::Column::RegistrationId)
        .column(checkin::Column::Day)
        .column(checkin::Column::At)
        .column(checkin::Column::StaffId)
        .column_as(staff::Column::Email, "by")
        .column(checkin::Column::Desk)
        .join(JoinType::LeftJoin, checkin::Relation::Staff.def())
        .filter(checkin::Column::RegistrationId.is_in(registration_ids.iter().copied()))
        .into_tuple()
        .all(conn)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(id, registration_id, day, at, staff_id, by, desk)| {
            (
                (registration_id, day),
                DayCheckin {
                    id,
                    day,
                    at,
                    by: by.unwrap_or_default(),
                    staff_id,
                    desk,
                },
            )
        })
        .collect())
}

//! Scans at the doors of the agenda's items (issue 16): each passage is a row of
//! `session_checkins` — the first way in, the last way out — held to one per registration and
//! item by a unique index, so that two doors scanning one ticket for one item at once give one
//! `ok`. A door's `ok` also records the day's attendance when the entrance did not. Every scan is
//! logged like the entrance's, with its item and direction; a scan sent again with its nonce
//! gets its first answer. Far fewer than the entrance's at 09:00, door scans are written one
//! transaction each rather than in groups.

use crate::entities::{checkin, scan_log, session_checkin, staff};
use crate::group::insert_new;
use crate::scan_writer::{log_line, logged_scan};
use crate::{Database, Result, Scan, Written};
use chrono::{DateTime, NaiveDate, Utc};
use domain::{Decision, Direction, ItemKey, Refusal, Verdict};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter, QueryOrder, Set, TransactionTrait,
};

/// A scan at an item's door: the entrance's scan, and which item, which way.
#[derive(Debug, Clone)]
pub struct DoorScan {
    pub scan: Scan,
    pub item: ItemKey,
    pub direction: Direction,
}

/// A registration's attendance of an item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemAttendance {
    pub registration_id: i32,
    pub item: ItemKey,
    pub day: NaiveDate,
    pub came_in: Option<DateTime<Utc>>,
    pub went_out: Option<DateTime<Utc>>,
}

impl Database {
    /// Writes a door scan: its passage if admitted, the day's attendance if not recorded yet,
    /// and its log line (see the module).
    #[tracing::instrument(skip_all, fields(event = door.scan.event_id, item = %door.item))]
    pub async fn write_door_scan(&self, door: DoorScan) -> Result<Written> {
        let txn = self.writer.begin().await?;
        let scan = &door.scan;
        let (decision, first_staff_id) = match (scan.verdict, scan.registration_id) {
            (Verdict::Admit { day }, Some(registration_id)) => {
                pass(&txn, &door, registration_id, day).await?
            }
            (Verdict::Admit { .. }, None) => (Decision::Refused(Refusal::Unknown), None),
            (Verdict::Refuse(refusal), _) => (Decision::Refused(refusal), None),
        };
        let mut line = log_line(scan, &decision, first_staff_id, false);
        line.item = Set(Some(door.item.as_str().to_owned()));
        line.direction = Set(Some(door.direction.as_str().to_owned()));
        let logged = insert_new(
            &txn,
            vec![line],
            [scan_log::Column::EventId, scan_log::Column::Nonce],
        )
        .await?;
        if logged.is_empty() {
            // Its nonce was logged before: a retry. Nothing of it is kept.
            txn.rollback().await?;
            let nonce = scan.nonce.as_ref().map(|n| n.as_str()).unwrap_or_default();
            return match logged_scan(&self.conn, scan.event_id, nonce).await? {
                Some(first) => Ok(Written::Retry(first)),
                None => Err(crate::Error::NotFound(format!(
                    "the scan with nonce {nonce}"
                ))),
            };
        }
        txn.commit().await?;
        Ok(Written::Saved {
            decision,
            conflict: false,
        })
    }

    /// How many registrations passed each item's door.
    pub async fn item_counts(
        &self,
        event_id: i32,
    ) -> Result<std::collections::BTreeMap<ItemKey, u64>> {
        use sea_orm::QuerySelect;
        let rows: Vec<(String, i64)> = session_checkin::Entity::find()
            .select_only()
            .column(session_checkin::Column::Item)
            .column_as(session_checkin::Column::Id.count(), "n")
            .filter(session_checkin::Column::EventId.eq(event_id))
            .group_by(session_checkin::Column::Item)
            .into_tuple()
            .all(&self.conn)
            .await?;
        Ok(rows
            .into_iter()
            .map(|(item, n)| {
                (
                    ItemKey::from_stored(item),
                    u64::try_from(n).unwrap_or_default(),
                )
            })
            .collect())
    }

    /// What a registration attended: the days it was checked in (in date order), and its
    /// passages through the agenda's doors (in item order).
    pub async fn attendance_of(
        &self,
        registration_id: i32,
    ) -> Result<(Vec<crate::DayCheckin>, Vec<ItemAttendance>)> {
        let days = crate::attendance::checkins_with_staff(&self.conn, &[registration_id])
            .await?
            .into_values()
            .collect();
        let passages = session_checkin::Entity::find()
            .filter(session_checkin::Column::RegistrationId.eq(registration_id))
            .order_by_asc(session_checkin::Column::Item)
            .all(&self.conn)
            .await?
            .into_iter()
            .map(|row| ItemAttendance {
                registration_id: row.registration_id,
                item: ItemKey::from_stored(row.item),
                day: row.day,
                came_in: row.in_at,
                went_out: row.out_at,
            })
            .collect();
        Ok((days, passages))
    }

    /// Every passage through the event's doors, in (item, registration) order.
    pub async fn item_attendance(&self, event_id: i32) -> Result<Vec<ItemAttendance>> {
        Ok(session_checkin::Entity::find()
            .filter(session_checkin::Column::EventId.eq(event_id))
            .order_by_asc(session_checkin::Column::Item)
            .order_by_asc(session_checkin::Column::RegistrationId)
            .all(&self.conn)
            .await?
            .into_iter()
            .map(|row| ItemAttendance {
                registration_id: row.registration_id,
                item: ItemKey::from_stored(row.item),
                day: row.day,
                came_in: row.in_at,
                went_out: row.out_at,
            })
            .collect())
    }
}

/// An admitted scan's passage, in the scan's transaction: the answer, and for
/// `already_checked_in` who made the first way in.
async fn pass(
    txn: &DatabaseTransaction,
    door: &DoorScan,
    registration_id: i32,
    day: NaiveDate,
) -> Result<(Decision, Option<i32>)> {
    let scan = &door.scan;
    let at = scan.at;
    let desk = scan.desk.as_ref().map(|d| d.as_str().to_owned());
    let (came_in, went_out) = match door.direction {
        Direction::In => (Some(at), None),
        Direction::Out => (None, Some(at)),
    };
    let inserted = insert_new(
        txn,
        vec![session_checkin::ActiveModel {
            event_id: Set(scan.event_id),
            registration_id: Set(registration_id),
            item: Set(door.item.as_str().to_owned()),
            day: Set(day),
            in_at: Set(came_in),
            out_at: Set(went_out),
            staff_id: Set(scan.staff_id),
            desk: Set(desk.clone()),
            recorded_at: Set(at),
            ..Default::default()
        }],
        [
            session_checkin::Column::RegistrationId,
            session_checkin::Column::Item,
        ],
    )
    .await?;
    let decision = if inserted.is_empty() {
        let existing = session_checkin::Entity::find()
            .filter(session_checkin::Column::RegistrationId.eq(registration_id))
            .filter(session_checkin::Column::Item.eq(door.item.as_str()))
            .one(txn)
            .await?
            .ok_or_else(|| crate::Error::Corrupt("a passage conflicted, then vanished".into()))?;
        match (door.direction, existing.in_at) {
            // In again: the first way in stands.
            (Direction::In, Some(first)) => {
                let by = staff::Entity::find_by_id(existing.staff_id)
                    .one(txn)
                    .await?
                    .map(|s| s.email)
                    .unwrap_or_default();
                return Ok((
                    Decision::AlreadyCheckedIn { at: first, by },
                    Some(existing.staff_id),
                ));
            }
            // The way in after a way out only (the door did not scan them in), or a later way
            // out: kept.
            (direction, _) => {
                let column = match direction {
                    Direction::In => session_checkin::Column::InAt,
                    Direction::Out => session_checkin::Column::OutAt,
                };
                session_checkin::Entity::update_many()
                    .col_expr(column, Expr::value(Some(at)))
                    .col_expr(session_checkin::Column::StaffId, Expr::value(scan.staff_id))
                    .col_expr(session_checkin::Column::RecordedAt, Expr::value(at))
                    .filter(session_checkin::Column::Id.eq(existing.id))
                    .exec(txn)
                    .await?;
                Decision::Ok { day, at }
            }
        }
    } else {
        Decision::Ok { day, at }
    };
    // The day's attendance, if the entrance did not record it.
    insert_new(
        txn,
        vec![checkin::ActiveModel {
            event_id: Set(scan.event_id),
            registration_id: Set(registration_id),
            day: Set(day),
            staff_id: Set(scan.staff_id),
            at: Set(at),
            desk: Set(desk),
            recorded_at: Set(Some(at)),
            ..Default::default()
        }],
        [checkin::Column::RegistrationId, checkin::Column::Day],
    )
    .await?;
    Ok((decision, None))
}

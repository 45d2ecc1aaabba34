//! The organisers' dashboard figures, computed by the database each time they are asked for (the
//! dashboard polls them; every instance sees the same).

use crate::entities::{checkin, outbox, registration};
use crate::{Database, OutboxCounts, Result, StatusCounts};
use chrono::{DateTime, NaiveDate, Utc};
use domain::Status;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect, QueryTrait};
use std::collections::BTreeMap;

/// Registrations of a group (a category, a country) by status.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct GroupCounts {
    pub confirmed: u64,
    pub waitlisted: u64,
    pub cancelled: u64,
}

impl GroupCounts {
    pub fn registered(&self) -> u64 {
        self.confirmed + self.waitlisted + self.cancelled
    }
}

/// What the dashboard shows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DashboardFigures {
    pub counts: StatusCounts,
    /// Check-ins of each day, in time order.
    pub arrivals: BTreeMap<NaiveDate, Vec<DateTime<Utc>>>,
    pub by_category: BTreeMap<String, GroupCounts>,
    pub by_country: BTreeMap<String, GroupCounts>,
    /// The event's emails.
    pub emails: OutboxCounts,
}

fn add(group: &mut GroupCounts, status: &str, n: i64) {
    let n = u64::try_from(n).unwrap_or_default();
    match Status::parse(status) {
        Some(Status::Confirmed) => group.confirmed += n,
        Some(Status::Waitlisted) => group.waitlisted += n,
        Some(Status::Cancelled) => group.cancelled += n,
        None => {}
    }
}

impl Database {
    pub async fn dashboard(&self, event_id: i32) -> Result<DashboardFigures> {
        let mut figures = DashboardFigures {
            counts: self.status_counts(event_id).await?,
            ..Default::default()
        };
        for (column, target) in [
            (registration::Column::Category, &mut figures.by_category),
            (registration::Column::Country, &mut figures.by_country),
        ] {
            let rows: Vec<(String, String, i64)> = registration::Entity::find()
                .select_only()
                .column(column)
                .column(registration::Column::Status)
                .column_as(registration::Column::Id.count(), "n")
                .filter(registration::Column::EventId.eq(event_id))
                .group_by(column)
                .group_by(registration::Column::Status)
                .into_tuple()
                .all(&self.conn)
                .await?;
            for (key, status, n) in rows {
                add(target.entry(key).or_default(), &status, n);
            }
        }
        let checkins: Vec<(NaiveDate, DateTime<Utc>)> = checkin::Entity::find()
            .select_only()
            .column(checkin::Column::Day)
            .column(checkin::Column::At)
            .filter(checkin::Column::EventId.eq(event_id))
            .into_tuple()
            .all(&self.conn)
            .await?;
        for (day, at) in checkins {
            figures.arrivals.entry(day).or_default().push(at);
        }
        for times in figures.arrivals.values_mut() {
            times.sort();
        }
        let of_event = registration::Entity::find()
            .select_only()
            .column(registration::Column::Id)
            .filter(registration::Column::EventId.eq(event_id))
            .into_query();
        let rows: Vec<(String, i64)> = outbox::Entity::find()
            .select_only()
            .column(outbox::Column::Status)
            .column_as(outbox::Column::Id.count(), "n")
            .filter(outbox::Column::RegistrationId.in_subquery(of_event))
            .group_by(outbox::Column::Status)
            .into_tuple()
            .all(&self.conn)
            .await?;
        for (status, n) in rows {
            let n = u64::try_from(n).unwrap_or_default();
            match status.as_str() {
                "sent" => figures.emails.sent += n,
                "failed" => figures.emails.failed += n,
                _ => figures.emails.pending += n,
            }
        }
        Ok(figures)
    }
}

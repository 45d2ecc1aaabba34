//! The organisers' dashboard figures, computed by the database each time they are asked for (the
//! dashboard polls them; every instance sees the same).

use crate::entities::{checkin, registration};
use crate::{Database, FailedEmail, OutboxCounts, Result, StatusCounts};
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect};
use std::collections::BTreeMap;

/// What the dashboard shows. Read in a fixed number of queries however many registrations,
/// check-ins and emails the event has: the live dashboard reads it every second per open page.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DashboardFigures {
    pub counts: StatusCounts,
    /// Check-ins of each day, in time order.
    pub arrivals: BTreeMap<NaiveDate, Vec<DateTime<Utc>>>,
    pub by_category: BTreeMap<String, StatusCounts>,
    pub by_country: BTreeMap<String, StatusCounts>,
    /// The event's emails.
    pub emails: OutboxCounts,
    /// The event's emails given up on, oldest first.
    pub failed_emails: Vec<FailedEmail>,
}

impl Database {
    pub async fn dashboard(&self, event_id: i32) -> Result<DashboardFigures> {
        let mut figures = DashboardFigures {
            counts: self.status_counts(event_id).await?,
            emails: self.outbox_counts_of_event(event_id).await?,
            failed_emails: self.failed_emails_of_event(event_id).await?,
            ..Default::default()
        };
        for (column, target) in [
            (registration::Column::Category, &mut figures.by_category),
            (registration::Column::Country, &mut figures.by_country),
        ] {
            let rows: Vec<(String, registration::Status, i64)> = registration::Entity::find()
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
                target.entry(key).or_default().add(status, n);
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
        Ok(figures)
    }
}

//! Report queries: registrations with their check-ins, page by page (keyset on the id), so that an
//! export of 100,000 rows never holds them all.

use crate::attendance::{DayCheckin, checkins_with_staff};
use crate::entities::{checkin, registration};
use crate::{Database, Result};
use chrono::NaiveDate;
use domain::{Registration, Status};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, QueryTrait};
use std::collections::HashMap;

/// Which registrations a list or report shows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReportFilter {
    pub status: Option<Status>,
    pub category: Option<String>,
    /// ISO 3166-1 alpha-2.
    pub country: Option<String>,
    /// Checked in on this day.
    pub present_on: Option<NaiveDate>,
    /// Not checked in on this day.
    pub absent_on: Option<NaiveDate>,
    /// Words of a name, email or organisation.
    pub text: Option<String>,
}

/// One registration of a report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportRow {
    pub registration: Registration,
    pub checkins: Vec<DayCheckin>,
}

impl Database {
    /// Up to `limit` registrations of the event matching `filter`, with ids above `after_id`, in
    /// id order, each with its check-ins.
    pub async fn report_page(
        &self,
        event_id: i32,
        filter: &ReportFilter,
        after_id: i32,
        limit: u64,
    ) -> Result<Vec<ReportRow>> {
        let rows = filtered(event_id, filter)
            .filter(registration::Column::Id.gt(after_id))
            .order_by_asc(registration::Column::Id)
            .limit(limit)
            .all(&self.conn)
            .await?;
        if rows.is_empty() {
            return Ok(Vec::new());
        }
        let ids: Vec<i32> = rows.iter().map(|r| r.id).collect();
        let mut by_registration: HashMap<i32, Vec<DayCheckin>> = HashMap::new();
        // In (registration, day) order: each registration's days come in date order.
        for ((registration_id, _), checkin) in checkins_with_staff(&self.conn, &ids).await? {
            by_registration
                .entry(registration_id)
                .or_default()
                .push(checkin);
        }
        rows.into_iter()
            .map(|row| {
                let checkins = by_registration.remove(&row.id).unwrap_or_default();
                Ok(ReportRow {
                    registration: crate::registrations::to_domain(row)?,
                    checkins,
                })
            })
            .collect()
    }

    /// The ids of every registration of the event matching `filter`, up to `up_to` (the highest
    /// id when the organiser saw the list: one registered since is not acted on unseen), in id
    /// order: what a bulk action acts on.
    pub async fn matching_ids(
        &self,
        event_id: i32,
        filter: &ReportFilter,
        up_to: i32,
    ) -> Result<Vec<i32>> {
        Ok(filtered(event_id, filter)
            .select_only()
            .column(registration::Column::Id)
            .filter(registration::Column::Id.lte(up_to))
            .order_by_asc(registration::Column::Id)
            .into_tuple()
            .all(&self.conn)
            .await?)
    }

    /// How many registrations [`Database::matching_ids`] would give.
    pub async fn matching_count(
        &self,
        event_id: i32,
        filter: &ReportFilter,
        up_to: i32,
    ) -> Result<u64> {
        use sea_orm::PaginatorTrait;
        Ok(filtered(event_id, filter)
            .filter(registration::Column::Id.lte(up_to))
            .count(&self.conn)
            .await?)
    }

    /// The highest registration id of the event (0 when it has none).
    pub async fn last_registration_id(&self, event_id: i32) -> Result<i32> {
        let last: Option<Option<i32>> = registration::Entity::find()
            .select_only()
            .column_as(registration::Column::Id.max(), "last")
            .filter(registration::Column::EventId.eq(event_id))
            .into_tuple()
            .one(&self.conn)
            .await?;
        Ok(last.flatten().unwrap_or(0))
    }
}

/// The event's registrations that match `filter`.
pub(crate) fn filtered(
    event_id: i32,
    filter: &ReportFilter,
) -> sea_orm::Select<registration::Entity> {
    let mut query = registration::Entity::find().filter(registration::Column::EventId.eq(event_id));
    if let Some(status) = filter.status {
        query = query.filter(registration::Column::Status.eq(registration::Status::from(status)));
    }
    if let Some(category) = &filter.category {
        query = query.filter(registration::Column::Category.eq(category.as_str()));
    }
    if let Some(country) = &filter.country {
        query = query.filter(registration::Column::Country.eq(country.to_uppercase()));
    }
    let checked_in_on = |day: NaiveDate| {
        checkin::Entity::find()
            .select_only()
            .column(checkin::Column::RegistrationId)
            .filter(checkin::Column::EventId.eq(event_id))
            .filter(checkin::Column::Day.eq(day))
            .into_query()
    };
    if let Some(day) = filter.present_on {
        query = query.filter(registration::Column::Id.in_subquery(checked_in_on(day)));
    }
    if let Some(text) = filter.text.as_deref().filter(|t| !t.trim().is_empty()) {
        query = query.filter(crate::checkins::words_condition(text));
    }
    if let Some(day) = filter.absent_on {
        query = query.filter(registration::Column::Id.not_in_subquery(checked_in_on(day)));
    }
    query
}

//! Attendance by session (issue 16): `GET …/reports/sessions.csv`, one row per participant and
//! agenda item attended, and the XLSX report's "Sessions" sheet, one column per item with the
//! minutes attended. Minutes run from the way in (or the item's start) to the way out (or its end):
//! `domain::minutes_attended`.

use crate::AppState;
use crate::api::reports::{ReportQuery, neutralise};
use crate::error::Error;
use crate::extract::{ApiQuery, Organiser};
use crate::lang::RequestLang;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use domain::{ItemKey, Lang, Registration, agenda::local_instant, minutes_attended};
use i18n::t;
use persistence::{ItemAttendance, StoredEvent};
use std::collections::{BTreeMap, HashMap};

/// An item's door, as the reports name it: its title, day and times.
pub(crate) struct Door {
    pub(crate) key: ItemKey,
    pub(crate) title: String,
    pub(crate) date: chrono::NaiveDate,
    pub(crate) starts_at: DateTime<Utc>,
    pub(crate) ends_at: DateTime<Utc>,
}

/// The event's doors, in the agenda's order.
pub(crate) fn doors(stored: &StoredEvent) -> Vec<Door> {
    let tz = stored.event.time_zone;
    stored
        .event
        .agenda
        .attendance_items()
        .into_iter()
        .map(|(day, key, item)| Door {
            key,
            title: item.title.clone(),
            date: day.date(),
            starts_at: local_instant(tz, day.date(), item.slot.start()),
            ends_at: local_instant(tz, day.date(), item.slot.end()),
        })
        .collect()
}

impl Door {
    pub(crate) fn minutes(&self, passage: &ItemAttendance) -> i64 {
        minutes_attended(
            self.starts_at,
            self.ends_at,
            passage.came_in,
            passage.went_out,
        )
    }
}

/// The passages of the registrations `filter` selects, by registration, with those
/// registrations.
pub(crate) async fn passages(
    state: &AppState,
    stored: &StoredEvent,
    filter: &persistence::ReportFilter,
) -> Result<(Vec<ItemAttendance>, HashMap<i32, Registration>), Error> {
    let all = state.db().item_attendance(stored.id).await?;
    let wanted: std::collections::HashSet<i32> = state
        .db()
        .matching_ids(stored.id, filter, i32::MAX)
        .await?
        .into_iter()
        .collect();
    let passages: Vec<ItemAttendance> = all
        .into_iter()
        .filter(|p| wanted.contains(&p.registration_id))
        .collect();
    let ids: Vec<i32> = passages.iter().map(|p| p.registration_id).collect();
    let registrations = state.db().registrations_by_id(stored.id, &ids).await?;
    Ok((passages, registrations))
}

/// Attendance by session as CSV: one row per participant and item attended.
#[utoipa::path(
    get,
    path = "/api/v1/events/{slug}/reports/sessions.csv",
    tag = "organisers",
    params(("slug" = String, Path, description = "The event's short name"), ReportQuery),
    security(("bearer" = []), ("session_cookie" = [])),
    responses(
        (status = OK, description = "One row per participant and agenda item attended", content_type = "text/csv"),
        (status = UNAUTHORIZED, description = "No valid session or token"),
        (status = FORBIDDEN, description = "Not an organiser"),
    )
)]
pub async fn sessions_csv(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    Organiser { event: stored, .. }: Organiser,
    ApiQuery(query): ApiQuery<ReportQuery>,
) -> Result<Response, Error> {
    let filter = query.filter(lang)?;
    let (passages, registrations) = passages(&state, &stored, &filter).await?;
    let doors = doors(&stored);
    let tz = stored.event.time_zone;
    let by_key: BTreeMap<&ItemKey, &Door> = doors.iter().map(|d| (&d.key, d)).collect();
    let mut writer = csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec());
    let header: Vec<String> = [
        "report-given-name",
        "report-family-name",
        "report-email",
        "report-organisation",
        "report-session-item",
        "report-session-day",
        "report-session-in",
        "report-session-out",
        "report-session-minutes",
    ]
    .iter()
    .map(|key| t(lang, key, &[]))
    .collect();
    let failed = |e: csv::Error| Error::Internal(Box::new(e));
    writer.write_record(&header).map_err(failed)?;
    let local = |at: Option<DateTime<Utc>>| {
        at.map(|at| {
            at.with_timezone(&tz)
                .to_rfc3339_opts(chrono::SecondsFormat::Secs, false)
        })
        .unwrap_or_default()
    };
    // In the agenda's order, then registration order.
    let mut rows: Vec<(usize, &ItemAttendance)> = passages
        .iter()
        .filter_map(|p| Some((doors.iter().position(|d| d.key == p.item)?, p)))
        .collect();
    rows.sort_by_key(|(door, p)| (*door, p.registration_id));
    for (_, passage) in rows {
        let (Some(door), Some(registration)) = (
            by_key.get(&passage.item),
            registrations.get(&passage.registration_id),
        ) else {
            continue;
        };
        let p = &registration.participant;
        let cells = [
            p.given_name.to_string(),
            p.family_name.to_string(),
            p.email.as_str().to_owned(),
            p.organisation.to_string(),
            door.title.clone(),
            door.date.to_string(),
            local(passage.came_in),
            local(passage.went_out),
            door.minutes(passage).to_string(),
        ];
        writer
            .write_record(cells.iter().map(|c| neutralise(c).into_owned()))
            .map_err(failed)?;
    }
    let bytes = writer
        .into_inner()
        .map_err(|e| Error::Internal(Box::new(e.into_error())))?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!(
                    "attachment; filename=\"{}-sessions.csv\"",
                    stored.event.slug
                ),
            ),
        ],
        bytes,
    )
        .into_response())
}

/// The XLSX report's "Sessions" sheet: a row per participant who attended an item (of those the
/// report's filter selects), a column per item with the minutes attended, and a last row with
/// how many attended each.
pub(crate) fn write_sessions_sheet(
    book: &mut rust_xlsxwriter::Workbook,
    stored: &StoredEvent,
    passages: &[ItemAttendance],
    registrations: &HashMap<i32, Registration>,
    bold: &rust_xlsxwriter::Format,
    lang: Lang,
) -> Result<(), rust_xlsxwriter::XlsxError> {
    let doors = doors(stored);
    let sheet = book.add_worksheet();
    sheet.set_name(t(lang, "report-sheet-sessions", &[]))?;
    sheet.write_string_with_format(0, 0, t(lang, "report-given-name", &[]), bold)?;
    sheet.write_string_with_format(0, 1, t(lang, "report-family-name", &[]), bold)?;
    for (d, door) in doors.iter().enumerate() {
        let title = format!("{} — {}", door.date, door.title);
        sheet.write_string_with_format(0, column(2 + d), neutralise(&title), bold)?;
    }
    let mut by_registration: BTreeMap<i32, Vec<&ItemAttendance>> = BTreeMap::new();
    for passage in passages {
        by_registration
            .entry(passage.registration_id)
            .or_default()
            .push(passage);
    }
    let mut present = vec![0u32; doors.len()];
    let mut line = 0u32;
    for (id, attended) in &by_registration {
        let Some(registration) = registrations.get(id) else {
            continue;
        };
        line += 1;
        let p = &registration.participant;
        sheet.write_string(line, 0, neutralise(p.given_name.as_str()))?;
        sheet.write_string(line, 1, neutralise(p.family_name.as_str()))?;
        for (d, door) in doors.iter().enumerate() {
            if let Some(passage) = attended.iter().find(|a| a.item == door.key) {
                sheet.write_number(line, column(2 + d), door.minutes(passage) as f64)?;
                present[d] += 1;
            }
        }
    }
    let total = line + 1;
    sheet.write_string_with_format(total, 0, t(lang, "report-sessions-total", &[]), bold)?;
    for (d, count) in present.iter().enumerate() {
        sheet.write_number_with_format(total, column(2 + d), f64::from(*count), bold)?;
    }
    sheet.autofit();
    Ok(())
}

fn column(index: usize) -> u16 {
    u16::try_from(index).unwrap_or(u16::MAX)
}

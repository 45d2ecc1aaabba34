//! Attendance reports for organisers: CSV (streamed page by page) and XLSX (a participants sheet
//! with real date-time cells, and a summary sheet). A cell that a spreadsheet would read as a
//! formula is neutralised.

use crate::AppState;
use crate::error::Error;
use crate::extract::{ApiQuery, Organiser};
use crate::lang::RequestLang;
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use domain::{Lang, Status};
use i18n::{long_date, t};
use persistence::{ReportFilter, ReportRow, StoredEvent};
use serde::Deserialize;
use std::borrow::Cow;
use utoipa::IntoParams;

/// Rows fetched per database round trip while streaming.
const PAGE: u64 = 1000;

/// Filters, as in the registrations list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReportQuery {
    /// Words of a name, email or organisation (no control characters).
    #[param(pattern = r"^[^\u0000-\u001F\u007F-\u009F]*$")]
    pub q: Option<String>,
    /// confirmed, waitlisted, cancelled, pending or declined.
    #[param(pattern = "^(confirmed|waitlisted|cancelled|pending|declined)?$")]
    pub status: Option<String>,
    /// A category key of the event (no control characters).
    #[param(pattern = r"^[^\u0000-\u001F\u007F-\u009F]*$")]
    pub category: Option<String>,
    /// ISO 3166-1 alpha-2 (no control characters).
    #[param(pattern = r"^[^\u0000-\u001F\u007F-\u009F]*$")]
    pub country: Option<String>,
    /// Only those checked in on this day (YYYY-MM-DD; empty: no filter).
    #[serde(default, deserialize_with = "empty_as_none")]
    #[param(value_type = Option<String>, pattern = "^([0-9]{4}-[0-9]{2}-[0-9]{2})?$")]
    pub present_on: Option<NaiveDate>,
    /// Only those not checked in on this day (YYYY-MM-DD; empty: no filter).
    #[serde(default, deserialize_with = "empty_as_none")]
    #[param(value_type = Option<String>, pattern = "^([0-9]{4}-[0-9]{2}-[0-9]{2})?$")]
    pub absent_on: Option<NaiveDate>,
}

/// An empty form field (`present_on=`) means "no filter", not a bad date.
fn empty_as_none<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: std::str::FromStr,
    T::Err: std::fmt::Display,
{
    match Option::<String>::deserialize(deserializer)? {
        None => Ok(None),
        Some(text) if text.is_empty() => Ok(None),
        Some(text) => text.parse().map(Some).map_err(serde::de::Error::custom),
    }
}

impl ReportQuery {
    pub fn filter(&self, lang: Lang) -> Result<ReportFilter, Error> {
        let bad = |detail: &str| {
            Error::field(
                "filter",
                t(
                    lang,
                    "report-bad-filter",
                    &[("detail", detail.to_owned().into())],
                ),
            )
        };
        for text in [&self.q, &self.category, &self.country]
            .into_iter()
            .flatten()
        {
            domain::search_words(text).map_err(|_| bad(&text.escape_debug().to_string()))?;
        }
        let status = match self.status.as_deref().filter(|s| !s.is_empty()) {
            None => None,
            Some(s) => Some(Status::parse(s).ok_or_else(|| bad(s))?),
        };
        Ok(ReportFilter {
            status,
            category: self.category.clone().filter(|c| !c.is_empty()),
            country: self.country.clone().filter(|c| !c.is_empty()),
            present_on: self.present_on,
            absent_on: self.absent_on,
            text: self.q.clone().filter(|q| !q.trim().is_empty()),
        })
    }
}

/// A cell a spreadsheet would take for a formula (`=`, `+`, `-`, `@`, tab, carriage return)
/// gets a leading apostrophe, so it shows as the text it is.
pub fn neutralise(value: &str) -> Cow<'_, str> {
    if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        Cow::Owned(format!("'{value}"))
    } else {
        Cow::Borrowed(value)
    }
}

fn header(stored: &StoredEvent, lang: Lang) -> Vec<String> {
    let mut columns: Vec<String> = [
        "report-given-name",
        "report-family-name",
        "report-email",
        "report-organisation",
        "report-function",
        "report-category",
        "report-country",
        "report-status",
        "report-registered-at",
    ]
    .iter()
    .map(|key| t(lang, key, &[]))
    .collect();
    for day in stored.event.agenda.days() {
        let date = long_date(day.date(), lang);
        columns.push(t(
            lang,
            "report-day-checkin",
            &[("date", date.clone().into())],
        ));
        columns.push(t(lang, "report-day-desk", &[("date", date.into())]));
    }
    // One column per question of the organisers', after the days.
    let event = &stored.event;
    columns.extend(
        event
            .questions
            .iter()
            .map(|q| q.label.get(lang, event.language).to_owned()),
    );
    columns
}

/// Words looked up once per export rather than once per row: an export of 100,000 rows would
/// otherwise ask the message catalog 200,000 times.
struct Labels {
    lang: Lang,
    statuses: [String; 5],
    /// How a ticked and an unticked box read.
    yes_no: [String; 2],
    countries: std::collections::HashMap<&'static str, String>,
}

impl Labels {
    fn new(lang: Lang) -> Self {
        Self {
            lang,
            statuses: Status::ALL.map(|s| t(lang, &format!("status-{}", s.as_str()), &[])),
            yes_no: [t(lang, "answer-yes", &[]), t(lang, "answer-no", &[])],
            countries: std::collections::HashMap::new(),
        }
    }

    fn status(&self, status: Status) -> &str {
        let index = Status::ALL
            .iter()
            .position(|s| *s == status)
            .unwrap_or_default();
        &self.statuses[index]
    }

    fn country(&mut self, country: domain::Country) -> String {
        let lang = self.lang;
        self.countries
            .entry(country.code())
            .or_insert_with(|| i18n::country_name(lang, country))
            .clone()
    }
}

/// A row's text cells (times as local time with offset).
fn text_cells(row: &ReportRow, stored: &StoredEvent, labels: &mut Labels) -> Vec<String> {
    let lang = labels.lang;
    let event = &stored.event;
    let tz = event.time_zone;
    let p = &row.registration.participant;
    let mut cells = vec![
        p.given_name.to_string(),
        p.family_name.to_string(),
        p.email.as_str().to_owned(),
        p.organisation.to_string(),
        p.function
            .as_ref()
            .map(ToString::to_string)
            .unwrap_or_default(),
        event
            .category(&p.category)
            .map(|c| c.label(lang, event.language).to_owned())
            .unwrap_or_else(|| p.category.clone()),
        labels.country(p.country),
        labels.status(row.registration.status).to_owned(),
        row.registration
            .registered_at
            .with_timezone(&tz)
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, false),
    ];
    for day in event.agenda.days() {
        match row.checkins.iter().find(|c| c.day == day.date()) {
            Some(c) => {
                cells.push(
                    c.at.with_timezone(&tz)
                        .to_rfc3339_opts(chrono::SecondsFormat::Secs, false),
                );
                cells.push(c.desk_label());
            }
            None => {
                cells.push(String::new());
                cells.push(String::new());
            }
        }
    }
    // Choices by their labels in the report's language, several joined with "; ".
    let yes_no = [labels.yes_no[0].as_str(), labels.yes_no[1].as_str()];
    for question in &event.questions {
        cells.push(p.answers.shown(question, lang, event.language, yes_no));
    }
    cells
}

fn csv_bytes(rows: &[Vec<String>]) -> Result<Bytes, Error> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    for row in rows {
        writer
            .write_record(row.iter().map(|cell| neutralise(cell).into_owned()))
            .map_err(|e| Error::Internal(Box::new(e)))?;
    }
    let bytes = writer
        .into_inner()
        .map_err(|e| Error::Internal(e.to_string().into()))?;
    Ok(Bytes::from(bytes))
}

/// A report's pages, read by a task of their own one page ahead of whoever takes them: on two
/// cores, reading the next page from the database and formatting this one overlap (measured
/// with bench/run.sh). The channel closes after the last page, or after an error.
fn read_ahead(
    state: AppState,
    event_id: i32,
    filter: ReportFilter,
) -> tokio::sync::mpsc::Receiver<Result<Vec<ReportRow>, persistence::Error>> {
    let (sender, receiver) = tokio::sync::mpsc::channel(1);
    tokio::spawn(async move {
        let mut after_id = 0;
        loop {
            let page = state
                .db()
                .report_page(event_id, &filter, after_id, PAGE)
                .await;
            let next = match &page {
                Ok(rows) => rows.last().map(|row| row.registration.id),
                Err(_) => None,
            };
            let empty = page.as_ref().is_ok_and(Vec::is_empty);
            if empty || sender.send(page).await.is_err() {
                // The end, or the client has gone.
                return;
            }
            // None after an error, which the receiver has now.
            let Some(id) = next else { return };
            after_id = id;
        }
    });
    receiver
}

/// The attendance report as CSV (UTF-8 with a byte-order mark, so spreadsheets read accents).
#[utoipa::path(
    get,
    path = "/api/v1/events/{slug}/reports/attendance.csv",
    tag = "organisers",
    params(("slug" = String, Path, description = "The event's short name"), ReportQuery),
    security(("bearer" = []), ("session_cookie" = [])),
    responses(
        (status = OK, description = "One row per registration", content_type = "text/csv"),
        (status = UNAUTHORIZED, description = "No valid session or token"),
        (status = FORBIDDEN, description = "Not an organiser"),
    )
)]
pub async fn attendance_csv(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    Organiser { event: stored, .. }: Organiser,
    ApiQuery(query): ApiQuery<ReportQuery>,
) -> Result<Response, Error> {
    let filter = query.filter(lang)?;
    let mut first = b"\xEF\xBB\xBF".to_vec();
    first.extend_from_slice(&csv_bytes(&[header(&stored, lang)])?);
    let filename = format!(
        "attachment; filename=\"{}-attendance.csv\"",
        stored.event.slug
    );
    // Page after page: memory stays flat however many rows there are. The next page is read
    // while this one is formatted and sent.
    let pages = read_ahead(state, stored.id, filter);
    let rows = futures_util::stream::unfold(pages, move |mut pages| {
        let stored = stored.clone();
        async move {
            let page = match pages.recv().await? {
                Ok(page) => page,
                Err(e) => {
                    tracing::error!(error = %e, "the CSV export stopped");
                    return Some((Err(std::io::Error::other("the export stopped")), pages));
                }
            };
            let mut labels = Labels::new(lang);
            let rows: Vec<Vec<String>> = page
                .iter()
                .map(|row| text_cells(row, &stored, &mut labels))
                .collect();
            let bytes = csv_bytes(&rows).map_err(|_| std::io::Error::other("the export stopped"));
            Some((bytes, pages))
        }
    });
    let header = futures_util::stream::once(async move { Ok(Bytes::from(first)) });
    let stream = futures_util::StreamExt::chain(header, rows);
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (header::CONTENT_DISPOSITION, filename),
        ],
        Body::from_stream(stream),
    )
        .into_response())
}

/// The attendance report as an XLSX workbook: participants, and a summary.
#[utoipa::path(
    get,
    path = "/api/v1/events/{slug}/reports/attendance.xlsx",
    tag = "organisers",
    params(("slug" = String, Path, description = "The event's short name"), ReportQuery),
    security(("bearer" = []), ("session_cookie" = [])),
    responses(
        (status = OK, description = "Participants and summary sheets",
         content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (status = UNAUTHORIZED, description = "No valid session or token"),
        (status = FORBIDDEN, description = "Not an organiser"),
    )
)]
pub async fn attendance_xlsx(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    Organiser { event: stored, .. }: Organiser,
    ApiQuery(query): ApiQuery<ReportQuery>,
) -> Result<Response, Error> {
    let filter = query.filter(lang)?;
    let filename = format!(
        "attachment; filename=\"{}-attendance.xlsx\"",
        stored.event.slug
    );
    // The passages through the agenda's doors, for the Sessions sheet: a row per item a
    // participant attended, far fewer than the report's rows.
    let sessions = crate::api::sessions::passages(&state, &stored, &filter).await?;
    // The workbook is written on a blocking thread page by page as the pages are read, so that
    // the rows of a large event never sit in memory all at once (bench/run.sh: 100,000 rows).
    let pages = read_ahead(state, stored.id, filter);
    let writer = {
        let stored = stored.clone();
        tokio::task::spawn_blocking(move || workbook(&stored, pages, &sessions, lang))
    };
    let bytes = writer.await.map_err(|e| Error::Internal(Box::new(e)))??;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_owned(),
            ),
            (header::CONTENT_DISPOSITION, filename),
        ],
        bytes,
    )
        .into_response())
}

/// What the summary sheet counts, for one category or for all.
#[derive(Debug, Default, Clone)]
struct Tally {
    registered: usize,
    confirmed: usize,
    waitlisted: usize,
    cancelled: usize,
    pending: usize,
    declined: usize,
    /// Per day of the agenda: checked in that day.
    present: Vec<usize>,
    /// Per day: confirmed, and not checked in that day.
    no_shows: Vec<usize>,
}

impl Tally {
    fn new(days: usize) -> Self {
        Self {
            present: vec![0; days],
            no_shows: vec![0; days],
            ..Self::default()
        }
    }

    fn add(&mut self, row: &ReportRow, days: &[domain::Day]) {
        self.registered += 1;
        match row.registration.status {
            Status::Confirmed => self.confirmed += 1,
            Status::Waitlisted => self.waitlisted += 1,
            Status::Cancelled => self.cancelled += 1,
            Status::Pending => self.pending += 1,
            Status::Declined => self.declined += 1,
        }
        for (d, day) in days.iter().enumerate() {
            let came = row.checkins.iter().any(|c| c.day == day.date());
            if came {
                self.present[d] += 1;
            } else if row.registration.status == Status::Confirmed {
                self.no_shows[d] += 1;
            }
        }
    }
}

/// Writes the workbook from the pages of rows it receives, in order, until the channel closes;
/// a page that could not be read fails the workbook.
fn workbook(
    stored: &StoredEvent,
    pages: tokio::sync::mpsc::Receiver<Result<Vec<ReportRow>, persistence::Error>>,
    (passages, registrations): &(
        Vec<persistence::ItemAttendance>,
        std::collections::HashMap<i32, domain::Registration>,
    ),
    lang: Lang,
) -> Result<Vec<u8>, Error> {
    let formats = Formats::new();
    let mut book = rust_xlsxwriter::Workbook::new();
    let tallies = write_participants(&mut book, stored, pages, &formats, lang)?;
    let summary = book.add_worksheet();
    summary
        .set_name(t(lang, "report-sheet-summary", &[]))
        .map_err(xlsx)?;
    write_day_summary(summary, &stored.event, &tallies.total, &formats, lang)?;
    write_category_summary(summary, &stored.event, &tallies, &formats, lang)?;
    summary.autofit();
    crate::api::sessions::write_sessions_sheet(
        &mut book,
        stored,
        passages,
        registrations,
        &formats.bold,
        lang,
    )
    .map_err(xlsx)?;
    book.save_to_buffer().map_err(xlsx)
}

/// Every writer error is ours (bad cell, failed temporary file), never the organiser's.
fn xlsx(e: rust_xlsxwriter::XlsxError) -> Error {
    Error::Internal(Box::new(e))
}

/// The workbook's cell formats, built once rather than per cell.
struct Formats {
    bold: rust_xlsxwriter::Format,
    when: rust_xlsxwriter::Format,
}

impl Formats {
    fn new() -> Self {
        Self {
            bold: rust_xlsxwriter::Format::new().set_bold(),
            when: rust_xlsxwriter::Format::new().set_num_format("yyyy-mm-dd hh:mm:ss"),
        }
    }
}

/// The summary figures, counted while the rows stream past: the rows are not kept, so the
/// summary sheet cannot count them afterwards.
struct Tallies {
    total: Tally,
    by_category: std::collections::HashMap<String, Tally>,
}

impl Tallies {
    fn new(days: usize) -> Self {
        Self {
            total: Tally::new(days),
            by_category: std::collections::HashMap::new(),
        }
    }

    fn add(&mut self, row: &ReportRow, days: &[domain::Day]) {
        self.total.add(row, days);
        self.by_category
            .entry(row.registration.participant.category.clone())
            .or_insert_with(|| Tally::new(days.len()))
            .add(row, days);
    }
}

/// Writes the participants sheet page by page as the read-ahead task delivers them, and counts
/// the summary on the way.
fn write_participants(
    book: &mut rust_xlsxwriter::Workbook,
    stored: &StoredEvent,
    mut pages: tokio::sync::mpsc::Receiver<Result<Vec<ReportRow>, persistence::Error>>,
    formats: &Formats,
    lang: Lang,
) -> Result<Tallies, Error> {
    let days = stored.event.agenda.days();
    let mut labels = Labels::new(lang);
    let mut tallies = Tallies::new(days.len());
    // Constant-memory mode writes each row to a temporary file as it goes: a 100,000-row sheet
    // does not sit in memory.
    let sheet = book.add_worksheet_with_constant_memory().map_err(xlsx)?;
    sheet
        .set_name(t(lang, "report-sheet-participants", &[]))
        .map_err(xlsx)?;
    let columns = header(stored, lang);
    for (c, title) in columns.iter().enumerate() {
        sheet
            .write_string_with_format(0, col(c), title, &formats.bold)
            .map_err(xlsx)?;
    }
    let mut line: u32 = 0;
    while let Some(page) = pages.blocking_recv() {
        let page = page?;
        for row in &page {
            line = line.saturating_add(1);
            tallies.add(row, days);
            let cells = text_cells(row, stored, &mut labels);
            write_participant(sheet, line, row, &cells, stored, formats)?;
        }
    }
    for c in 0..columns.len() {
        sheet.set_column_width(col(c), 22).map_err(xlsx)?;
    }
    Ok(tallies)
}

/// One participant's line: text columns (the first eight), then real date-times in the event's
/// local time, so a spreadsheet can sort and filter them as dates.
fn write_participant(
    sheet: &mut rust_xlsxwriter::Worksheet,
    line: u32,
    row: &ReportRow,
    cells: &[String],
    stored: &StoredEvent,
    formats: &Formats,
) -> Result<(), Error> {
    let tz = stored.event.time_zone;
    for (c, cell) in cells.iter().enumerate().take(8) {
        sheet
            .write_string(line, col(c), neutralise(cell))
            .map_err(xlsx)?;
    }
    let registered = row
        .registration
        .registered_at
        .with_timezone(&tz)
        .naive_local();
    sheet
        .write_datetime_with_format(line, 8, registered, &formats.when)
        .map_err(xlsx)?;
    let days = stored.event.agenda.days();
    for (d, day) in days.iter().enumerate() {
        let at_col = col(9 + 2 * d);
        if let Some(c) = row.checkins.iter().find(|c| c.day == day.date()) {
            let local = c.at.with_timezone(&tz).naive_local();
            sheet
                .write_datetime_with_format(line, at_col, local, &formats.when)
                .map_err(xlsx)?;
            sheet
                .write_string(line, at_col + 1, neutralise(&c.desk_label()))
                .map_err(xlsx)?;
        }
    }
    // The answers: a number as a number (a spreadsheet sums it), the rest as text.
    let first = 9 + 2 * days.len();
    for (q, question) in stored.event.questions.iter().enumerate() {
        let at = col(first + q);
        match row.registration.participant.answers.get(&question.key) {
            Some(domain::Answer::Number(n)) => {
                sheet.write_number(line, at, *n).map_err(xlsx)?;
            }
            Some(_) => {
                let cell = cells.get(first + q).map_or("", String::as_str);
                sheet
                    .write_string(line, at, neutralise(cell))
                    .map_err(xlsx)?;
            }
            None => {}
        }
    }
    Ok(())
}

/// The summary's first table: per day, present and no-shows.
fn write_day_summary(
    summary: &mut rust_xlsxwriter::Worksheet,
    event: &domain::Event,
    total: &Tally,
    formats: &Formats,
    lang: Lang,
) -> Result<(), Error> {
    let titles = [
        t(lang, "report-summary-day", &[]),
        t(lang, "report-summary-present", &[]),
        t(lang, "report-summary-no-shows", &[]),
    ];
    for (c, title) in titles.into_iter().enumerate() {
        summary
            .write_string_with_format(0, col(c), title, &formats.bold)
            .map_err(xlsx)?;
    }
    for (d, day) in event.agenda.days().iter().enumerate() {
        let line = u32::try_from(d + 1).unwrap_or(u32::MAX);
        summary
            .write_string(line, 0, long_date(day.date(), lang))
            .map_err(xlsx)?;
        summary
            .write_number(line, 1, total.present[d] as f64)
            .map_err(xlsx)?;
        summary
            .write_number(line, 2, total.no_shows[d] as f64)
            .map_err(xlsx)?;
    }
    Ok(())
}

/// The summary's second table, below the first after a blank line: per category (every category
/// of the event, even one nobody chose, in the event's order), then the total.
fn write_category_summary(
    summary: &mut rust_xlsxwriter::Worksheet,
    event: &domain::Event,
    tallies: &Tallies,
    formats: &Formats,
    lang: Lang,
) -> Result<(), Error> {
    let days = event.agenda.days();
    let start = u32::try_from(days.len() + 2).unwrap_or(u32::MAX);
    let mut titles = vec![
        t(lang, "report-category", &[]),
        t(lang, "report-summary-registered", &[]),
        t(lang, "report-summary-confirmed", &[]),
        t(lang, "report-summary-waitlisted", &[]),
        t(lang, "report-summary-cancelled", &[]),
    ];
    // An event by approval has requests too: two more columns, only there.
    let by_approval = event.approval == domain::Approval::Manual;
    if by_approval {
        titles.push(t(lang, "report-summary-pending", &[]));
        titles.push(t(lang, "report-summary-declined", &[]));
    }
    titles.extend(days.iter().map(|day| {
        format!(
            "{} — {}",
            t(lang, "report-summary-present", &[]),
            long_date(day.date(), lang)
        )
    }));
    for (c, title) in titles.iter().enumerate() {
        summary
            .write_string_with_format(start, col(c), title, &formats.bold)
            .map_err(xlsx)?;
    }
    let empty = Tally::new(days.len());
    let mut categories: Vec<(String, &Tally)> = event
        .categories
        .iter()
        .map(|c| {
            (
                c.label(lang, event.language).to_owned(),
                tallies.by_category.get(&c.key).unwrap_or(&empty),
            )
        })
        .collect();
    categories.push((t(lang, "report-summary-total", &[]), &tallies.total));
    for (line, (label, tally)) in (start + 1..).zip(categories) {
        summary.write_string(line, 0, &label).map_err(xlsx)?;
        let mut figures = vec![
            tally.registered,
            tally.confirmed,
            tally.waitlisted,
            tally.cancelled,
        ];
        if by_approval {
            figures.extend([tally.pending, tally.declined]);
        }
        for (c, figure) in figures
            .into_iter()
            .chain(tally.present.iter().copied())
            .enumerate()
        {
            summary
                .write_number(line, col(1 + c), figure as f64)
                .map_err(xlsx)?;
        }
    }
    Ok(())
}

fn col(index: usize) -> u16 {
    u16::try_from(index).unwrap_or(u16::MAX)
}

#[cfg(test)]
mod tests {
    use super::neutralise;

    #[test]
    fn formula_starts_are_neutralised() {
        for dangerous in ["=1+1", "+33 1", "-2", "@SUM(A1)", "\tx", "\rx"] {
            assert_eq!(neutralise(dangerous), format!("'{dangerous}"));
        }
        assert_eq!(neutralise("Owusu"), "Owusu");
        assert_eq!(neutralise(""), "");
    }
}

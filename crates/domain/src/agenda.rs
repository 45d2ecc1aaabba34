//! The agenda: days of timed items, in the event's local time, and the rule that opens the desk.
//!
//! Times are stored as the organisers publish them — local wall-clock times in the event's zone —
//! and turned into instants only with that zone, so a server running in UTC (or anywhere) opens
//! the desk at 09:00 in Geneva.

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, TimeDelta, TimeZone, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use std::fmt;

/// How long before a day's first item the desk opens when the day has no registration item.
pub const DESK_LEAD_WITHOUT_REGISTRATION: TimeDelta = TimeDelta::minutes(60);

/// What an agenda item is; the desk opens at the start of a day's `Registration` item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemKind {
    Registration,
    Opening,
    Session,
    Break,
    Closing,
    Other,
}

impl ItemKind {
    /// The name used in files, the database and the JSON API.
    pub fn as_str(self) -> &'static str {
        match self {
            ItemKind::Registration => "registration",
            ItemKind::Opening => "opening",
            ItemKind::Session => "session",
            ItemKind::Break => "break",
            ItemKind::Closing => "closing",
            ItemKind::Other => "other",
        }
    }

    /// Parses the name used in files and the database.
    pub fn parse(s: &str) -> Option<Self> {
        [
            ItemKind::Registration,
            ItemKind::Opening,
            ItemKind::Session,
            ItemKind::Break,
            ItemKind::Closing,
            ItemKind::Other,
        ]
        .into_iter()
        .find(|k| k.as_str() == s)
    }
}

/// A moderator or speaker, as the programme presents them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Person {
    pub name: String,
    pub function: Option<String>,
    pub organisation: Option<String>,
    /// The country as the programme writes it, in the event's language.
    pub country: Option<String>,
}

/// A start and an end on one day, the end strictly after the start.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimeSlot {
    start: NaiveTime,
    end: NaiveTime,
}

impl TimeSlot {
    /// A slot from `start` to `end` on the same day. Items running past midnight are not
    /// supported: no event guichet serves has one, and it keeps "a day's items" simple.
    pub fn new(start: NaiveTime, end: NaiveTime) -> Result<Self, AgendaError> {
        if end <= start {
            return Err(AgendaError::EndNotAfterStart { start, end });
        }
        Ok(Self { start, end })
    }

    pub fn start(&self) -> NaiveTime {
        self.start
    }

    pub fn end(&self) -> NaiveTime {
        self.end
    }
}

/// One slot of the programme.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    pub slot: TimeSlot,
    pub kind: ItemKind,
    pub title: String,
    pub description: Option<String>,
    pub moderator: Option<Person>,
    pub speakers: Vec<Person>,
    /// Whether its door takes attendance, as the event file says; `None`: as its kind has it
    /// (see [`Item::takes_attendance`]).
    pub attendance: Option<bool>,
}

impl Item {
    /// Whether the item's door is scanned: sessions, the opening and the closing by default, any
    /// item the file marks `attendance = true`, none marked `false`.
    pub fn takes_attendance(&self) -> bool {
        self.attendance.unwrap_or(matches!(
            self.kind,
            ItemKind::Session | ItemKind::Opening | ItemKind::Closing
        ))
    }
}

/// One day of the agenda: a date and at least one item, in order of start time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Day {
    date: NaiveDate,
    items: Vec<Item>,
}

/// When the desk checks people in on one day, as instants.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeskWindow {
    pub opens_at: DateTime<Utc>,
    pub closes_at: DateTime<Utc>,
}

impl DeskWindow {
    /// Whether `now` falls in the window: from the opening instant (included) to the closing
    /// instant (excluded).
    pub fn contains(&self, now: DateTime<Utc>) -> bool {
        self.opens_at <= now && now < self.closes_at
    }
}

impl Day {
    /// A day; its items must be non-empty and ordered by start time (items may start together,
    /// as parallel sessions do).
    pub fn new(date: NaiveDate, items: Vec<Item>) -> Result<Self, AgendaError> {
        if items.is_empty() {
            return Err(AgendaError::DayWithoutItems { date });
        }
        for (index, pair) in items.windows(2).enumerate() {
            if pair[1].slot.start < pair[0].slot.start {
                return Err(AgendaError::ItemsOutOfOrder {
                    date,
                    item: index + 1,
                });
            }
        }
        Ok(Self { date, items })
    }

    pub fn date(&self) -> NaiveDate {
        self.date
    }

    pub fn items(&self) -> &[Item] {
        &self.items
    }

    /// The day's desk window, following DESIGN.md: it opens at the start of the day's
    /// registration item, or 60 minutes before its first item when it has none, and closes at the
    /// end of its last item.
    pub fn desk_window(&self, tz: Tz) -> DeskWindow {
        let registration = self
            .items
            .iter()
            .find(|item| item.kind == ItemKind::Registration);
        let opens_at = match registration {
            Some(item) => local_instant(tz, self.date, item.slot.start),
            // 60 real minutes, not wall-clock minutes: the same on a daylight-saving day.
            None => {
                local_instant(tz, self.date, self.items[0].slot.start)
                    - DESK_LEAD_WITHOUT_REGISTRATION
            }
        };
        let last_end = self
            .items
            .iter()
            .map(|item| item.slot.end)
            .max()
            .unwrap_or(self.items[0].slot.end);
        DeskWindow {
            opens_at,
            closes_at: local_instant(tz, self.date, last_end),
        }
    }
}

/// The whole programme: at least one day, days in strictly increasing date order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Agenda {
    days: Vec<Day>,
}

impl Agenda {
    pub fn new(days: Vec<Day>) -> Result<Self, AgendaError> {
        if days.is_empty() {
            return Err(AgendaError::NoDays);
        }
        for (index, pair) in days.windows(2).enumerate() {
            if pair[1].date <= pair[0].date {
                return Err(AgendaError::DaysOutOfOrder {
                    day: index + 1,
                    date: pair[1].date,
                });
            }
        }
        Ok(Self { days })
    }

    pub fn days(&self) -> &[Day] {
        &self.days
    }

    pub fn first_day(&self) -> &Day {
        &self.days[0]
    }

    pub fn last_day(&self) -> &Day {
        &self.days[self.days.len() - 1]
    }

    /// The day whose date, in the event's zone, is the date of `now`.
    pub fn day_at(&self, tz: Tz, now: DateTime<Utc>) -> Option<&Day> {
        let today = now.with_timezone(&tz).date_naive();
        self.days.iter().find(|day| day.date == today)
    }

    /// The instant the event ends: the end of the last item of its last day.
    pub fn ends_at(&self, tz: Tz) -> DateTime<Utc> {
        self.last_day().desk_window(tz).closes_at
    }

    /// Every local time of the agenda that does not exist in `tz` (skipped by a daylight-saving
    /// change), as (day index, item index). An event file with one is rejected.
    pub fn nonexistent_times(&self, tz: Tz) -> Vec<(usize, usize, NaiveTime)> {
        let mut missing = Vec::new();
        for (d, day) in self.days.iter().enumerate() {
            for (i, item) in day.items.iter().enumerate() {
                for time in [item.slot.start, item.slot.end] {
                    if tz
                        .from_local_datetime(&day.date.and_time(time))
                        .earliest()
                        .is_none()
                    {
                        missing.push((d, i, time));
                    }
                }
            }
        }
        missing
    }
}

/// The instant a local date and time denotes in `tz`. An ambiguous time (the hour repeated when
/// clocks go back) is taken at its first occurrence; a time skipped when clocks go forward is read
/// with the offset in force before the change, which is what a wall clock that was not yet moved
/// would show. Event files are checked for skipped times (see [`Agenda::nonexistent_times`]).
pub fn local_instant(tz: Tz, date: NaiveDate, time: NaiveTime) -> DateTime<Utc> {
    let naive: NaiveDateTime = date.and_time(time);
    match tz.from_local_datetime(&naive).earliest() {
        Some(t) => t.with_timezone(&Utc),
        None => {
            // In a gap: the hour before is unambiguous, so use its offset.
            let before = naive - TimeDelta::hours(1);
            let offset_instant = tz
                .from_local_datetime(&before)
                .earliest()
                .map(|t| t.with_timezone(&Utc) + TimeDelta::hours(1));
            offset_instant.unwrap_or_else(|| Utc.from_utc_datetime(&naive))
        }
    }
}

/// Why an agenda is not valid.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AgendaError {
    #[error("the agenda has no day")]
    NoDays,
    #[error("day {date} has no item")]
    DayWithoutItems { date: NaiveDate },
    #[error("day {date}: item {} starts before the item above it", item + 1)]
    ItemsOutOfOrder { date: NaiveDate, item: usize },
    #[error("day {} ({date}) is not after the day before it", day + 1)]
    DaysOutOfOrder { day: usize, date: NaiveDate },
    #[error("the end ({end}) is not after the start ({start})")]
    EndNotAfterStart { start: NaiveTime, end: NaiveTime },
}

impl fmt::Display for ItemKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(h: u32, m: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, m, 0).expect("valid time")
    }

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("valid date")
    }

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s)
            .expect("valid instant")
            .with_timezone(&Utc)
    }

    fn item(start: NaiveTime, end: NaiveTime, kind: ItemKind) -> Item {
        Item {
            attendance: None,
            slot: TimeSlot::new(start, end).expect("valid slot"),
            kind,
            title: kind.as_str().to_owned(),
            description: None,
            moderator: None,
            speakers: Vec::new(),
        }
    }

    /// The demo's two days, as published: day one opens with registration at 09:00, day two has
    /// none and starts at 10:00.
    fn demo_agenda() -> Agenda {
        let day1 = Day::new(
            d(2008, 7, 7),
            vec![
                item(t(9, 0), t(10, 0), ItemKind::Registration),
                item(t(10, 0), t(10, 15), ItemKind::Opening),
                item(t(10, 15), t(11, 0), ItemKind::Session),
                item(t(11, 0), t(13, 0), ItemKind::Session),
                item(t(13, 0), t(15, 0), ItemKind::Break),
                item(t(15, 0), t(18, 0), ItemKind::Session),
            ],
        )
        .expect("valid day");
        let day2 = Day::new(
            d(2008, 7, 8),
            vec![
                item(t(10, 0), t(10, 30), ItemKind::Session),
                item(t(10, 30), t(13, 0), ItemKind::Session),
                item(t(13, 0), t(15, 0), ItemKind::Break),
                item(t(15, 0), t(17, 50), ItemKind::Session),
                item(t(17, 50), t(18, 0), ItemKind::Closing),
            ],
        )
        .expect("valid day");
        Agenda::new(vec![day1, day2]).expect("valid agenda")
    }

    #[test]
    fn day_one_desk_opens_at_registration_0900_zurich_which_is_0700_utc() {
        let agenda = demo_agenda();
        let window = agenda.days()[0].desk_window(chrono_tz::Europe::Zurich);
        assert_eq!(window.opens_at, utc("2008-07-07T07:00:00Z"));
        assert_eq!(window.closes_at, utc("2008-07-07T16:00:00Z"));
    }

    #[test]
    fn day_two_without_registration_opens_60_minutes_before_its_first_item() {
        let agenda = demo_agenda();
        let window = agenda.days()[1].desk_window(chrono_tz::Europe::Zurich);
        assert_eq!(window.opens_at, utc("2008-07-08T07:00:00Z"));
        assert_eq!(window.closes_at, utc("2008-07-08T16:00:00Z"));
    }

    #[test]
    fn window_edges_are_open_at_the_opening_second_and_closed_at_the_last_items_end() {
        let window = demo_agenda().days()[0].desk_window(chrono_tz::Europe::Zurich);
        // The server clock is UTC: 08:59:59 in Geneva is 06:59:59Z.
        assert!(!window.contains(utc("2008-07-07T06:59:59Z")));
        assert!(window.contains(utc("2008-07-07T07:00:00Z")));
        assert!(window.contains(utc("2008-07-07T15:59:59Z")));
        assert!(!window.contains(utc("2008-07-07T16:00:00Z")));
    }

    #[test]
    fn a_winter_event_uses_the_winter_offset() {
        let day = Day::new(
            d(2026, 1, 15),
            vec![item(t(9, 0), t(12, 0), ItemKind::Registration)],
        )
        .expect("valid day");
        // CET is UTC+1 in January.
        assert_eq!(
            day.desk_window(chrono_tz::Europe::Zurich).opens_at,
            utc("2026-01-15T08:00:00Z")
        );
    }

    #[test]
    fn a_day_on_which_clocks_go_forward_opens_60_real_minutes_before_its_first_item() {
        // On 29 March 2026 Zurich moves from 02:00 CET to 03:00 CEST. A first item at 03:30 CEST
        // (01:30Z) opens the desk at 00:30Z, which the wall clock showed as 01:30 CET.
        let day = Day::new(
            d(2026, 3, 29),
            vec![item(t(3, 30), t(5, 0), ItemKind::Session)],
        )
        .expect("valid day");
        let window = day.desk_window(chrono_tz::Europe::Zurich);
        assert_eq!(window.opens_at, utc("2026-03-29T00:30:00Z"));
        assert_eq!(window.closes_at, utc("2026-03-29T03:00:00Z"));
        // Later that day the summer offset applies.
        let afternoon = Day::new(
            d(2026, 3, 29),
            vec![item(t(9, 0), t(10, 0), ItemKind::Registration)],
        )
        .expect("valid day");
        assert_eq!(
            afternoon.desk_window(chrono_tz::Europe::Zurich).opens_at,
            utc("2026-03-29T07:00:00Z")
        );
    }

    #[test]
    fn a_time_skipped_by_daylight_saving_is_reported() {
        let day = Day::new(
            d(2026, 3, 29),
            vec![item(t(2, 30), t(4, 0), ItemKind::Session)],
        )
        .expect("valid day");
        let agenda = Agenda::new(vec![day]).expect("valid agenda");
        assert_eq!(
            agenda.nonexistent_times(chrono_tz::Europe::Zurich),
            vec![(0, 0, t(2, 30))]
        );
        assert!(agenda.nonexistent_times(chrono_tz::UTC).is_empty());
    }

    #[test]
    fn day_at_uses_the_events_local_date_not_utcs() {
        let agenda = demo_agenda();
        let tz = chrono_tz::Europe::Zurich;
        // 23:30Z on 6 July is already 01:30 on 7 July in Geneva.
        assert_eq!(
            agenda
                .day_at(tz, utc("2008-07-06T23:30:00Z"))
                .map(Day::date),
            Some(d(2008, 7, 7))
        );
        assert_eq!(
            agenda
                .day_at(tz, utc("2008-07-08T21:59:00Z"))
                .map(Day::date),
            Some(d(2008, 7, 8))
        );
        assert!(agenda.day_at(tz, utc("2008-07-08T22:00:00Z")).is_none());
    }

    #[test]
    fn invalid_agendas_are_refused() {
        assert_eq!(
            TimeSlot::new(t(10, 0), t(10, 0)),
            Err(AgendaError::EndNotAfterStart {
                start: t(10, 0),
                end: t(10, 0)
            })
        );
        assert_eq!(
            Day::new(d(2008, 7, 7), vec![]),
            Err(AgendaError::DayWithoutItems {
                date: d(2008, 7, 7)
            })
        );
        assert_eq!(
            Day::new(
                d(2008, 7, 7),
                vec![
                    item(t(10, 0), t(11, 0), ItemKind::Session),
                    item(t(9, 0), t(10, 0), ItemKind::Registration)
                ]
            ),
            Err(AgendaError::ItemsOutOfOrder {
                date: d(2008, 7, 7),
                item: 1
            })
        );
        let day = |date| {
            Day::new(date, vec![item(t(9, 0), t(10, 0), ItemKind::Session)]).expect("valid day")
        };
        assert_eq!(
            Agenda::new(vec![day(d(2008, 7, 8)), day(d(2008, 7, 7))]),
            Err(AgendaError::DaysOutOfOrder {
                day: 1,
                date: d(2008, 7, 7)
            })
        );
        assert_eq!(Agenda::new(vec![]), Err(AgendaError::NoDays));
    }
}

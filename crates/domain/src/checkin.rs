//! The check-in decision: given what a scanned ticket is, the agenda, the instant and the day's
//! earlier check-in, what the desk answers. A pure function: the database then makes the `Ok`
//! answer race-safe (one check-in per registration per day, enforced by a unique index).

use crate::agenda::Agenda;
use crate::registration::Status;
use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use serde::Serialize;

/// What a scanned code turned out to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scanned {
    /// Not a ticket of this event: unreadable, forged, revoked, or another event's.
    Unknown,
    /// A current ticket of a registration in this status.
    Ticket(Status),
}

/// An earlier check-in of the registration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EarlierCheckin {
    pub at: DateTime<Utc>,
    /// Who scanned it (the staff member's email).
    pub by: String,
}

/// The desk's answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Decision {
    /// Let them in; attendance is recorded for `day`.
    Ok { day: NaiveDate },
    /// Already in today.
    AlreadyCheckedIn { at: DateTime<Utc>, by: String },
    /// The desk is not open yet; it opens at `opens_at`.
    TooEarly { opens_at: DateTime<Utc> },
    /// The desk is closed for today, and no later day remains.
    Closed,
    /// The registration was cancelled.
    Cancelled,
    /// Waitlisted: no seat, no entry.
    NotConfirmed,
    /// Not a ticket of this event.
    Unknown,
}

impl Decision {
    /// The outcome's name in the API.
    pub fn outcome(&self) -> &'static str {
        match self {
            Decision::Ok { .. } => "ok",
            Decision::AlreadyCheckedIn { .. } => "already_checked_in",
            Decision::TooEarly { .. } => "too_early",
            Decision::Closed => "closed",
            Decision::Cancelled => "cancelled",
            Decision::NotConfirmed => "not_confirmed",
            Decision::Unknown => "unknown",
        }
    }
}

/// Where the desk stands at `now`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeskState {
    Open { day: NaiveDate },
    NotYet { opens_at: DateTime<Utc> },
    Closed,
}

/// The desk's state at `now`: open during a day's window (DESIGN.md's rule); before it, "not yet"
/// with its opening; after the day's last item, closed — even if a later day follows, the clerk at
/// the desk sees "closed" in the evening. Between event days (a date with no agenda), "not yet"
/// with the next day's opening.
pub fn desk_state(agenda: &Agenda, tz: Tz, now: DateTime<Utc>) -> DeskState {
    if let Some(day) = agenda.day_at(tz, now) {
        let window = day.desk_window(tz);
        return if now < window.opens_at {
            DeskState::NotYet {
                opens_at: window.opens_at,
            }
        } else if now < window.closes_at {
            DeskState::Open { day: day.date() }
        } else {
            DeskState::Closed
        };
    }
    let today = now.with_timezone(&tz).date_naive();
    match agenda.days().iter().find(|day| day.date() > today) {
        Some(next) => DeskState::NotYet {
            opens_at: next.desk_window(tz).opens_at,
        },
        None => DeskState::Closed,
    }
}

/// What the desk answers to a scan. `earlier` is the registration's check-in on the day the desk
/// is open, if any.
pub fn decide(
    scanned: Scanned,
    agenda: &Agenda,
    tz: Tz,
    now: DateTime<Utc>,
    earlier: Option<EarlierCheckin>,
) -> Decision {
    let status = match scanned {
        Scanned::Unknown => return Decision::Unknown,
        Scanned::Ticket(status) => status,
    };
    match status {
        Status::Cancelled => return Decision::Cancelled,
        Status::Waitlisted => return Decision::NotConfirmed,
        Status::Confirmed => {}
    }
    match desk_state(agenda, tz, now) {
        DeskState::NotYet { opens_at } => Decision::TooEarly { opens_at },
        DeskState::Closed => Decision::Closed,
        DeskState::Open { day } => match earlier {
            Some(EarlierCheckin { at, by }) => Decision::AlreadyCheckedIn { at, by },
            None => Decision::Ok { day },
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::EventFile;

    fn demo() -> (Agenda, Tz) {
        let file: EventFile = crate::event_file::tests_support::demo_like();
        let event = file.into_event().expect("valid");
        (event.agenda, event.time_zone)
    }

    /// An instant given in UTC, as a server in UTC reads its clock.
    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s)
            .expect("instant")
            .with_timezone(&Utc)
    }

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("date")
    }

    const CONFIRMED: Scanned = Scanned::Ticket(Status::Confirmed);

    #[test]
    fn day_one_edges_in_utc_0859_59_is_too_early_0900_is_ok() {
        let (agenda, tz) = demo();
        assert_eq!(
            decide(CONFIRMED, &agenda, tz, utc("2008-07-07T06:59:59Z"), None),
            Decision::TooEarly {
                opens_at: utc("2008-07-07T07:00:00Z")
            }
        );
        assert_eq!(
            decide(CONFIRMED, &agenda, tz, utc("2008-07-07T07:00:00Z"), None),
            Decision::Ok { day: d(2008, 7, 7) }
        );
        assert_eq!(
            decide(CONFIRMED, &agenda, tz, utc("2008-07-07T15:59:59Z"), None),
            Decision::Ok { day: d(2008, 7, 7) }
        );
        // 18:00 in Geneva: the last item has ended.
        assert_eq!(
            decide(CONFIRMED, &agenda, tz, utc("2008-07-07T16:00:00Z"), None),
            Decision::Closed
        );
    }

    #[test]
    fn day_two_opens_at_0900_an_hour_before_its_first_item() {
        let (agenda, tz) = demo();
        assert_eq!(
            decide(CONFIRMED, &agenda, tz, utc("2008-07-08T06:59:59Z"), None),
            Decision::TooEarly {
                opens_at: utc("2008-07-08T07:00:00Z")
            }
        );
        assert_eq!(
            decide(CONFIRMED, &agenda, tz, utc("2008-07-08T07:00:00Z"), None),
            Decision::Ok { day: d(2008, 7, 8) }
        );
        assert_eq!(
            decide(CONFIRMED, &agenda, tz, utc("2008-07-08T16:00:00Z"), None),
            Decision::Closed
        );
        assert_eq!(
            decide(CONFIRMED, &agenda, tz, utc("2008-07-20T10:00:00Z"), None),
            Decision::Closed
        );
    }

    #[test]
    fn before_the_event_the_first_opening_is_given() {
        let (agenda, tz) = demo();
        assert_eq!(
            decide(CONFIRMED, &agenda, tz, utc("2008-06-01T10:00:00Z"), None),
            Decision::TooEarly {
                opens_at: utc("2008-07-07T07:00:00Z")
            }
        );
        // Just after midnight in Geneva on day two (22:30Z the evening before) the day is day two.
        assert_eq!(
            decide(CONFIRMED, &agenda, tz, utc("2008-07-07T22:30:00Z"), None),
            Decision::TooEarly {
                opens_at: utc("2008-07-08T07:00:00Z")
            }
        );
    }

    #[test]
    fn a_second_scan_the_same_day_is_already_checked_in_with_when_and_by_whom() {
        let (agenda, tz) = demo();
        let earlier = EarlierCheckin {
            at: utc("2008-07-07T07:05:00Z"),
            by: "desk1@example.org".into(),
        };
        assert_eq!(
            decide(
                CONFIRMED,
                &agenda,
                tz,
                utc("2008-07-07T08:00:00Z"),
                Some(earlier.clone())
            ),
            Decision::AlreadyCheckedIn {
                at: earlier.at,
                by: earlier.by
            }
        );
    }

    #[test]
    fn status_and_unknown_tickets_come_before_the_clock() {
        let (agenda, tz) = demo();
        let noon = utc("2008-07-07T10:00:00Z");
        assert_eq!(
            decide(Scanned::Unknown, &agenda, tz, noon, None),
            Decision::Unknown
        );
        assert_eq!(
            decide(Scanned::Ticket(Status::Cancelled), &agenda, tz, noon, None),
            Decision::Cancelled
        );
        assert_eq!(
            decide(Scanned::Ticket(Status::Waitlisted), &agenda, tz, noon, None),
            Decision::NotConfirmed
        );
        let early = utc("2008-07-07T05:00:00Z");
        assert_eq!(
            decide(Scanned::Ticket(Status::Cancelled), &agenda, tz, early, None),
            Decision::Cancelled
        );
    }

    #[test]
    fn outcomes_have_their_api_names() {
        let names: Vec<&str> = [
            Decision::Ok { day: d(2008, 7, 7) },
            Decision::AlreadyCheckedIn {
                at: utc("2008-07-07T07:00:00Z"),
                by: String::new(),
            },
            Decision::TooEarly {
                opens_at: utc("2008-07-07T07:00:00Z"),
            },
            Decision::Closed,
            Decision::Cancelled,
            Decision::NotConfirmed,
            Decision::Unknown,
        ]
        .iter()
        .map(Decision::outcome)
        .collect();
        assert_eq!(
            names,
            [
                "ok",
                "already_checked_in",
                "too_early",
                "closed",
                "cancelled",
                "not_confirmed",
                "unknown"
            ]
        );
    }
}

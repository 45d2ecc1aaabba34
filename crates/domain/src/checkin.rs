//! The check-in decision, whole: given what a scanned ticket is, the agenda and the instant, the
//! desk's [`Verdict`] (admit for a day, or refuse and why); then, once the database has tried to
//! record the admission, the final [`Decision`]: `ok` when this scan's check-in was inserted,
//! `already_checked_in` (with when and by whom) when the unique index on (registration, day) found
//! an earlier one — two desks scanning one ticket at once get exactly one `ok`. Pure functions: the
//! persistence crate only records, and hands back what it found ([`Recorded`]).

use crate::agenda::Agenda;
use crate::registration::{Problem, Status};
use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;

/// What a scanned code turned out to be (see `TicketKey::standing`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scanned {
    /// Not a current ticket of this event: unreadable, forged, replaced, or another event's.
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

/// What recording an admission found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Recorded {
    /// This scan's check-in is the day's first: it was inserted.
    Inserted,
    /// Someone checked them in first that day.
    Already(EarlierCheckin),
}

/// Why the desk refuses a scan without recording anything.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The desk is not open yet; it opens at `opens_at`.
    TooEarly { opens_at: DateTime<Utc> },
    /// The desk is closed: today's last item has ended (a later day opens again), or the event
    /// is over.
    Closed,
    /// The registration was cancelled.
    Cancelled,
    /// Waitlisted: no seat, no entry.
    NotConfirmed,
    /// Not a ticket of this event.
    Unknown,
}

/// A client's retry key for a scan: a retry with the same nonce, at the same event, gets the
/// first answer back. Bounded and free of control characters, so that what the desk sends always
/// fits the scan log's column: a scan the database refused would take down the other desks' scans
/// written in the same transaction.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Nonce(String);

impl Nonce {
    /// The longest nonce, in characters (a UUID takes 36).
    pub const MAX: usize = 128;

    pub fn parse(raw: &str) -> Result<Self, Problem> {
        if raw.chars().count() > Self::MAX {
            return Err(Problem::TooLong { max: Self::MAX });
        }
        if raw.chars().any(char::is_control) {
            return Err(Problem::ControlCharacters);
        }
        Ok(Self(raw.to_owned()))
    }

    /// A nonce read back from the scan log, where it was stored after parsing.
    pub fn from_stored(value: String) -> Self {
        Self(value)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for Nonce {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A desk's own name, as the clerk set it on the device ("Entrance A"): one line, bounded, so
/// that reports and the dashboard can show which desk let someone in, besides who.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DeskName(String);

impl DeskName {
    pub const MAX: usize = 60;

    /// A blank name is no name.
    pub fn parse(raw: &str) -> Result<Option<Self>, Problem> {
        let name = raw.trim();
        if name.is_empty() {
            Ok(None)
        } else if name.chars().count() > Self::MAX {
            Err(Problem::TooLong { max: Self::MAX })
        } else if name.chars().any(char::is_control) {
            Err(Problem::ControlCharacters)
        } else if name.chars().any(crate::is_invisible_format) {
            Err(Problem::InvisibleCharacters)
        } else {
            Ok(Some(Self(name.to_owned())))
        }
    }

    /// A name read back from the database, where it was stored after parsing.
    pub fn from_stored(value: String) -> Self {
        Self(value)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// How far ahead of the server's clock an offline scan's time may be: a device clock a little
/// fast is corrected at each sync, and more than this is a wrong clock, not a scan.
pub const OFFLINE_SCAN_LEEWAY: chrono::TimeDelta = chrono::TimeDelta::minutes(5);

/// How old an offline scan may be when it arrives: a desk offline through a whole event still
/// syncs, and a time from another era (which PostgreSQL cannot even store, failing the other
/// desks' scans written with it) is refused.
pub const OFFLINE_SCAN_MAX_AGE: chrono::TimeDelta = chrono::TimeDelta::days(7);

/// Why an offline scan's time is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScanTimeProblem {
    /// Later than the server's clock by more than [`OFFLINE_SCAN_LEEWAY`].
    InTheFuture,
    /// Earlier than [`OFFLINE_SCAN_MAX_AGE`] ago.
    TooOld,
}

/// The time an offline scan was made, as the desk says, checked against the server's `now`;
/// whole seconds, like every check-in.
pub fn offline_scan_time(
    scanned_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<DateTime<Utc>, ScanTimeProblem> {
    use chrono::SubsecRound;
    if scanned_at > now + OFFLINE_SCAN_LEEWAY {
        Err(ScanTimeProblem::InTheFuture)
    } else if scanned_at < now - OFFLINE_SCAN_MAX_AGE {
        Err(ScanTimeProblem::TooOld)
    } else {
        Ok(scanned_at.trunc_subsecs(0))
    }
}

/// What the desk does with a scan before anything is recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Let them in: record their attendance for `day` (the recording says whether it is the day's
    /// first).
    Admit { day: NaiveDate },
    /// Refused; nothing to record but the scan itself.
    Refuse(Refusal),
}

/// The desk's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// Let in: this scan recorded their attendance for `day`, at `at`.
    Ok { day: NaiveDate, at: DateTime<Utc> },
    /// Already in today: the day's first check-in was at `at`, by `by`.
    AlreadyCheckedIn { at: DateTime<Utc>, by: String },
    /// Refused before anything was recorded.
    Refused(Refusal),
}

/// The name of an answer, as the API and the scan log give it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Outcome {
    Ok,
    AlreadyCheckedIn,
    TooEarly,
    Closed,
    Cancelled,
    NotConfirmed,
    Unknown,
}

impl Outcome {
    /// Every outcome, in the API's order.
    pub const ALL: [Outcome; 7] = [
        Outcome::Ok,
        Outcome::AlreadyCheckedIn,
        Outcome::TooEarly,
        Outcome::Closed,
        Outcome::Cancelled,
        Outcome::NotConfirmed,
        Outcome::Unknown,
    ];

    /// The outcome's name in the API.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Ok => "ok",
            Outcome::AlreadyCheckedIn => "already_checked_in",
            Outcome::TooEarly => "too_early",
            Outcome::Closed => "closed",
            Outcome::Cancelled => "cancelled",
            Outcome::NotConfirmed => "not_confirmed",
            Outcome::Unknown => "unknown",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|o| o.as_str() == s)
    }
}

impl Refusal {
    pub fn outcome(self) -> Outcome {
        match self {
            Refusal::TooEarly { .. } => Outcome::TooEarly,
            Refusal::Closed => Outcome::Closed,
            Refusal::Cancelled => Outcome::Cancelled,
            Refusal::NotConfirmed => Outcome::NotConfirmed,
            Refusal::Unknown => Outcome::Unknown,
        }
    }
}

impl Verdict {
    /// The day to record attendance for, when admitted.
    pub fn admits(self) -> Option<NaiveDate> {
        match self {
            Verdict::Admit { day } => Some(day),
            Verdict::Refuse(_) => None,
        }
    }
}

impl Decision {
    /// The answer to a scan made `at` and admitted for `day`, once the database tried to record
    /// it: `ok` if its check-in was inserted, `already_checked_in` if an earlier one stood in its
    /// way.
    pub fn admitted(day: NaiveDate, at: DateTime<Utc>, recorded: Recorded) -> Decision {
        match recorded {
            Recorded::Inserted => Decision::Ok { day, at },
            Recorded::Already(first) => Decision::AlreadyCheckedIn {
                at: first.at,
                by: first.by,
            },
        }
    }

    /// The outcome's name.
    pub fn outcome(&self) -> Outcome {
        match self {
            Decision::Ok { .. } => Outcome::Ok,
            Decision::AlreadyCheckedIn { .. } => Outcome::AlreadyCheckedIn,
            Decision::Refused(refusal) => refusal.outcome(),
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

/// What the desk does with a scan at `now`: the registration's status comes before the clock (a
/// cancelled ticket is `cancelled` at any hour), then the desk's window for the day.
pub fn verdict(scanned: Scanned, agenda: &Agenda, tz: Tz, now: DateTime<Utc>) -> Verdict {
    let status = match scanned {
        Scanned::Unknown => return Verdict::Refuse(Refusal::Unknown),
        Scanned::Ticket(status) => status,
    };
    match status {
        Status::Cancelled => return Verdict::Refuse(Refusal::Cancelled),
        // No seat: waiting for one, or for an organiser's decision, or refused one.
        Status::Waitlisted | Status::Pending | Status::Declined => {
            return Verdict::Refuse(Refusal::NotConfirmed);
        }
        Status::Confirmed => {}
    }
    match desk_state(agenda, tz, now) {
        DeskState::NotYet { opens_at } => Verdict::Refuse(Refusal::TooEarly { opens_at }),
        DeskState::Closed => Verdict::Refuse(Refusal::Closed),
        DeskState::Open { day } => Verdict::Admit { day },
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

    fn too_early(opens_at: &str) -> Verdict {
        Verdict::Refuse(Refusal::TooEarly {
            opens_at: utc(opens_at),
        })
    }

    #[test]
    fn day_one_edges_in_utc_0859_59_is_too_early_0900_is_admitted() {
        let (agenda, tz) = demo();
        let at = |s| verdict(CONFIRMED, &agenda, tz, utc(s));
        assert_eq!(
            at("2008-07-07T06:59:59Z"),
            too_early("2008-07-07T07:00:00Z")
        );
        let day_one = Verdict::Admit { day: d(2008, 7, 7) };
        assert_eq!(at("2008-07-07T07:00:00Z"), day_one);
        assert_eq!(at("2008-07-07T15:59:59Z"), day_one);
        // 18:00 in Geneva: the last item has ended.
        assert_eq!(at("2008-07-07T16:00:00Z"), Verdict::Refuse(Refusal::Closed));
    }

    #[test]
    fn day_two_opens_at_0900_an_hour_before_its_first_item() {
        let (agenda, tz) = demo();
        let at = |s| verdict(CONFIRMED, &agenda, tz, utc(s));
        assert_eq!(
            at("2008-07-08T06:59:59Z"),
            too_early("2008-07-08T07:00:00Z")
        );
        assert_eq!(
            at("2008-07-08T07:00:00Z"),
            Verdict::Admit { day: d(2008, 7, 8) }
        );
        assert_eq!(at("2008-07-08T16:00:00Z"), Verdict::Refuse(Refusal::Closed));
        assert_eq!(at("2008-07-20T10:00:00Z"), Verdict::Refuse(Refusal::Closed));
    }

    #[test]
    fn before_the_event_the_first_opening_is_given() {
        let (agenda, tz) = demo();
        let at = |s| verdict(CONFIRMED, &agenda, tz, utc(s));
        assert_eq!(
            at("2008-06-01T10:00:00Z"),
            too_early("2008-07-07T07:00:00Z")
        );
        // Just after midnight in Geneva on day two (22:30Z the evening before) the day is day two.
        assert_eq!(
            at("2008-07-07T22:30:00Z"),
            too_early("2008-07-08T07:00:00Z")
        );
    }

    #[test]
    fn an_admission_is_ok_when_inserted_and_already_checked_in_when_an_earlier_one_stood() {
        let day = d(2008, 7, 7);
        let now = utc("2008-07-07T08:00:00Z");
        assert_eq!(
            Decision::admitted(day, now, Recorded::Inserted),
            Decision::Ok { day, at: now }
        );
        let earlier = EarlierCheckin {
            at: utc("2008-07-07T07:05:00Z"),
            by: "desk1@example.org".into(),
        };
        let second = Decision::admitted(day, now, Recorded::Already(earlier.clone()));
        assert_eq!(
            second,
            Decision::AlreadyCheckedIn {
                at: earlier.at,
                by: earlier.by
            }
        );
        assert_eq!(second.outcome(), Outcome::AlreadyCheckedIn);
    }

    #[test]
    fn status_and_unknown_tickets_come_before_the_clock() {
        let (agenda, tz) = demo();
        for now in [utc("2008-07-07T10:00:00Z"), utc("2008-07-07T05:00:00Z")] {
            assert_eq!(
                verdict(Scanned::Unknown, &agenda, tz, now),
                Verdict::Refuse(Refusal::Unknown)
            );
            assert_eq!(
                verdict(Scanned::Ticket(Status::Cancelled), &agenda, tz, now),
                Verdict::Refuse(Refusal::Cancelled)
            );
            assert_eq!(
                verdict(Scanned::Ticket(Status::Waitlisted), &agenda, tz, now),
                Verdict::Refuse(Refusal::NotConfirmed)
            );
            for status in [Status::Pending, Status::Declined] {
                assert_eq!(
                    verdict(Scanned::Ticket(status), &agenda, tz, now),
                    Verdict::Refuse(Refusal::NotConfirmed)
                );
            }
        }
    }

    #[test]
    fn only_an_admission_asks_for_a_check_in() {
        let day = d(2008, 7, 7);
        assert_eq!(Verdict::Admit { day }.admits(), Some(day));
        assert_eq!(Verdict::Refuse(Refusal::Closed).admits(), None);
    }

    #[test]
    fn outcomes_have_their_api_names_and_parse_back() {
        let names: Vec<&str> = Outcome::ALL.iter().map(|o| o.as_str()).collect();
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
        for outcome in Outcome::ALL {
            assert_eq!(Outcome::parse(outcome.as_str()), Some(outcome));
        }
        assert_eq!(Outcome::parse("OK"), None);
        let refusals = [
            Refusal::TooEarly {
                opens_at: utc("2008-07-07T07:00:00Z"),
            },
            Refusal::Closed,
            Refusal::Cancelled,
            Refusal::NotConfirmed,
            Refusal::Unknown,
        ];
        let outcomes: Vec<Outcome> = refusals
            .iter()
            .map(|r| Decision::Refused(*r).outcome())
            .collect();
        assert_eq!(outcomes, Outcome::ALL[2..]);
    }

    #[test]
    fn a_nonce_is_at_most_128_characters_and_has_no_control_character() {
        let uuid = "0b0c3e5e-8a0f-4c36-9a55-6a4d1d0f3a7e";
        assert_eq!(
            Nonce::parse(uuid).map(|n| n.to_string()),
            Ok(uuid.to_owned())
        );
        assert!(Nonce::parse(&"é".repeat(Nonce::MAX)).is_ok());
        assert_eq!(
            Nonce::parse(&"n".repeat(Nonce::MAX + 1)),
            Err(Problem::TooLong { max: Nonce::MAX })
        );
        assert_eq!(Nonce::parse("retry\u{0}"), Err(Problem::ControlCharacters));
    }
}

#[cfg(test)]
mod offline_tests {
    use super::*;

    fn utc(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .expect("an instant")
            .with_timezone(&Utc)
    }

    #[test]
    fn a_desk_name_is_one_bounded_line_and_blank_is_none() {
        assert_eq!(DeskName::parse("  "), Ok(None));
        assert_eq!(
            DeskName::parse(" Entrée A ").map(|n| n.map(|n| n.as_str().to_owned())),
            Ok(Some("Entrée A".to_owned()))
        );
        assert_eq!(
            DeskName::parse(&"x".repeat(61)),
            Err(Problem::TooLong { max: 60 })
        );
        assert_eq!(DeskName::parse("A\nB"), Err(Problem::ControlCharacters));
    }

    #[test]
    fn an_offline_scan_may_be_at_most_five_minutes_ahead_of_the_server() {
        let now = utc("2008-07-07T07:30:00Z");
        assert_eq!(
            offline_scan_time(utc("2008-07-07T07:00:00.750Z"), now),
            Ok(utc("2008-07-07T07:00:00Z"))
        );
        assert!(offline_scan_time(utc("2008-07-07T07:35:00Z"), now).is_ok());
        assert_eq!(
            offline_scan_time(utc("2008-07-07T07:35:01Z"), now),
            Err(ScanTimeProblem::InTheFuture)
        );
        assert!(offline_scan_time(utc("2008-07-01T07:30:00Z"), now).is_ok());
        assert_eq!(
            offline_scan_time(utc("2008-06-30T07:29:59Z"), now),
            Err(ScanTimeProblem::TooOld)
        );
    }
}

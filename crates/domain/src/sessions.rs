//! Attendance by the agenda: the doors of the sessions (and of the opening, the closing, and any
//! item the event file marks `attendance = true`). A door opens 15 minutes before its item
//! starts and closes at its end; a scan there is judged like one at the entrance — the ticket's
//! status first, then the door's window — and an item is named by a key that stays the same when
//! the event file is imported again: its date and start (`2008-07-07T11:00`), with `~2`, `~3`…
//! for a second or third item starting at the same time (parallel sessions).

use crate::agenda::{Agenda, Day, DeskWindow, Item, local_instant};
use crate::checkin::{Refusal, Scanned, Verdict};
use crate::registration::Status;
use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use chrono_tz::Tz;
use std::fmt;

/// How long before its item a door opens.
pub const DOOR_LEAD: TimeDelta = TimeDelta::minutes(15);

/// The key of an agenda item: `YYYY-MM-DDTHH:MM`, then `~N` for the N-th item starting then.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ItemKey(String);

impl ItemKey {
    /// The longest key (`2008-07-07T11:00~99`).
    pub const MAX: usize = 24;

    /// A key as a client sends it; `None` when it cannot be one (the item may still not exist).
    pub fn parse(raw: &str) -> Option<Self> {
        let raw = raw.trim();
        let (stamp, nth) = match raw.split_once('~') {
            Some((stamp, nth)) => (stamp, Some(nth)),
            None => (raw, None),
        };
        let valid = raw.len() <= Self::MAX
            && chrono::NaiveDateTime::parse_from_str(stamp, "%Y-%m-%dT%H:%M").is_ok()
            && nth.is_none_or(|n| n.parse::<u8>().is_ok_and(|n| n >= 2));
        valid.then(|| Self(raw.to_owned()))
    }

    /// A key read back from the database, where it was stored after parsing.
    pub fn from_stored(value: String) -> Self {
        Self(value)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    fn of(date: NaiveDate, item: &Item, nth: usize) -> Self {
        let stamp = format!("{}T{}", date, item.slot.start().format("%H:%M"));
        Self(if nth > 1 {
            format!("{stamp}~{nth}")
        } else {
            stamp
        })
    }
}

impl fmt::Display for ItemKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Day {
    /// The day's items with their keys, in the day's order.
    pub fn keyed_items(&self) -> Vec<(ItemKey, &Item)> {
        let items = self.items();
        items
            .iter()
            .enumerate()
            .map(|(index, item)| {
                let nth = 1 + items[..index]
                    .iter()
                    .filter(|other| other.slot.start() == item.slot.start())
                    .count();
                (ItemKey::of(self.date(), item, nth), item)
            })
            .collect()
    }

    /// An item's door: from 15 minutes before its start to its end.
    pub fn door(&self, item: &Item, tz: Tz) -> DeskWindow {
        DeskWindow {
            opens_at: local_instant(tz, self.date(), item.slot.start()) - DOOR_LEAD,
            closes_at: local_instant(tz, self.date(), item.slot.end()),
        }
    }
}

impl Agenda {
    /// The item with this key, with its day.
    pub fn item(&self, key: &ItemKey) -> Option<(&Day, &Item)> {
        self.days().iter().find_map(|day| {
            day.keyed_items()
                .into_iter()
                .find(|(k, _)| k == key)
                .map(|(_, item)| (day, item))
        })
    }

    /// Every item whose door is scanned, with its day and key, in the agenda's order.
    pub fn attendance_items(&self) -> Vec<(&Day, ItemKey, &Item)> {
        self.days()
            .iter()
            .flat_map(|day| {
                day.keyed_items()
                    .into_iter()
                    .filter(|(_, item)| item.takes_attendance())
                    .map(move |(key, item)| (day, key, item))
            })
            .collect()
    }
}

/// Which way a door is passed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum Direction {
    #[default]
    In,
    Out,
}

impl Direction {
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::In => "in",
            Direction::Out => "out",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "in" => Some(Direction::In),
            "out" => Some(Direction::Out),
            _ => None,
        }
    }
}

/// What a door does with a scan at `now`: as the entrance's [`crate::verdict`] for the ticket's
/// status; then an item that is not the event's, not scanned, or not today is `unknown`, and the
/// door's window says `too_early` or `closed`. Admitted: the day to record (the door also
/// records the day's attendance when it was not recorded yet).
pub fn door_verdict(
    scanned: Scanned,
    agenda: &Agenda,
    tz: Tz,
    key: &ItemKey,
    now: DateTime<Utc>,
) -> Verdict {
    let status = match scanned {
        Scanned::Unknown => return Verdict::Refuse(Refusal::Unknown),
        Scanned::Ticket(status) => status,
    };
    match status {
        Status::Cancelled => return Verdict::Refuse(Refusal::Cancelled),
        Status::Waitlisted | Status::Pending | Status::Declined => {
            return Verdict::Refuse(Refusal::NotConfirmed);
        }
        Status::Confirmed => {}
    }
    let Some((day, item)) = agenda.item(key) else {
        return Verdict::Refuse(Refusal::Unknown);
    };
    let today = now.with_timezone(&tz).date_naive();
    if !item.takes_attendance() || day.date() != today {
        return Verdict::Refuse(Refusal::Unknown);
    }
    let door = day.door(item, tz);
    if now < door.opens_at {
        Verdict::Refuse(Refusal::TooEarly {
            opens_at: door.opens_at,
        })
    } else if now >= door.closes_at {
        Verdict::Refuse(Refusal::Closed)
    } else {
        Verdict::Admit { day: day.date() }
    }
}

/// Minutes of an item attended: from the way in (or the item's start, without one, or if earlier)
/// to the way out (or the item's end, without one, or if later).
pub fn minutes_attended(
    starts_at: DateTime<Utc>,
    ends_at: DateTime<Utc>,
    came_in: Option<DateTime<Utc>>,
    went_out: Option<DateTime<Utc>>,
) -> i64 {
    let from = came_in.map_or(starts_at, |t| t.max(starts_at));
    let to = went_out.map_or(ends_at, |t| t.min(ends_at));
    (to - from).num_minutes().max(0)
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

    fn utc(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .expect("an instant")
            .with_timezone(&Utc)
    }

    fn key(text: &str) -> ItemKey {
        ItemKey::parse(text).expect("a key")
    }

    #[test]
    fn keys_are_date_and_start_with_a_rank_for_parallel_items() {
        assert!(ItemKey::parse("2008-07-07T11:00").is_some());
        assert!(ItemKey::parse("2008-07-07T11:00~2").is_some());
        for bad in [
            "",
            "2008-07-07",
            "2008-13-07T11:00",
            "2008-07-07T11:00~1",
            "x~2",
        ] {
            assert!(ItemKey::parse(bad).is_none(), "{bad:?}");
        }
        let (agenda, _) = demo();
        let keys: Vec<String> = agenda.days()[0]
            .keyed_items()
            .iter()
            .map(|(k, _)| k.to_string())
            .collect();
        assert_eq!(keys[0], "2008-07-07T09:00");
        let mut unique = keys.clone();
        unique.dedup();
        assert_eq!(unique, keys);
    }

    #[test]
    fn sessions_opening_and_closing_take_attendance_unless_the_file_says() {
        let (agenda, _) = demo();
        let kinds: Vec<&str> = agenda
            .attendance_items()
            .iter()
            .map(|(_, _, item)| item.kind.as_str())
            .collect();
        assert!(!kinds.is_empty());
        assert!(
            kinds
                .iter()
                .all(|k| ["session", "opening", "closing"].contains(k))
        );
    }

    #[test]
    fn a_door_opens_fifteen_minutes_early_and_closes_at_the_end() {
        let (agenda, tz) = demo();
        let (day, session_key, item) = agenda
            .attendance_items()
            .into_iter()
            .find(|(_, _, item)| item.kind == crate::ItemKind::Session)
            .expect("a session");
        let door = day.door(item, tz);
        let ticket = Scanned::Ticket(Status::Confirmed);
        let at = |t: DateTime<Utc>| door_verdict(ticket, &agenda, tz, &session_key, t);
        assert_eq!(
            at(door.opens_at - TimeDelta::seconds(1)),
            Verdict::Refuse(Refusal::TooEarly {
                opens_at: door.opens_at
            })
        );
        assert_eq!(at(door.opens_at), Verdict::Admit { day: day.date() });
        assert_eq!(at(door.closes_at), Verdict::Refuse(Refusal::Closed));
        // Another day's item, an item that does not exist, a ticket not confirmed.
        let other_day = door.opens_at + TimeDelta::days(1);
        assert_eq!(at(other_day), Verdict::Refuse(Refusal::Unknown));
        assert_eq!(
            door_verdict(ticket, &agenda, tz, &key("2008-07-07T03:00"), door.opens_at),
            Verdict::Refuse(Refusal::Unknown)
        );
        assert_eq!(
            door_verdict(
                Scanned::Ticket(Status::Cancelled),
                &agenda,
                tz,
                &session_key,
                door.opens_at
            ),
            Verdict::Refuse(Refusal::Cancelled)
        );
        // The registration item is no door.
        let (_, registration) = agenda.days()[0].keyed_items()[0].clone();
        assert!(!registration.takes_attendance());
    }

    #[test]
    fn minutes_run_from_in_to_out_within_the_item() {
        let start = utc("2008-07-07T09:00:00Z");
        let end = utc("2008-07-07T11:00:00Z");
        assert_eq!(minutes_attended(start, end, None, None), 120);
        assert_eq!(
            minutes_attended(start, end, Some(utc("2008-07-07T08:50:00Z")), None),
            120
        );
        assert_eq!(
            minutes_attended(
                start,
                end,
                Some(utc("2008-07-07T09:30:00Z")),
                Some(utc("2008-07-07T10:15:00Z"))
            ),
            45
        );
        assert_eq!(
            minutes_attended(start, end, None, Some(utc("2008-07-07T09:20:00Z"))),
            20
        );
        assert_eq!(
            minutes_attended(start, end, Some(utc("2008-07-07T10:00:00Z")), Some(start)),
            0
        );
    }
}

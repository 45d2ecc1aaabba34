//! The calendar file attached to tickets: one entry per day of the event, from the desk's opening
//! to the end of the day's last item, in the event's own time zone.

use domain::Event;
use icalendar::{Calendar, CalendarDateTime, Component, EventLike};

/// The `.ics` text for `event`; `url` is the ticket page.
pub fn calendar(event: &Event, url: &str) -> String {
    let tz = event.time_zone;
    let mut calendar = Calendar::new();
    calendar.name(&event.title);
    calendar.append_property(icalendar::Property::new("METHOD", "PUBLISH"));
    for (index, day) in event.agenda.days().iter().enumerate() {
        let window = day.desk_window(tz);
        let local = |instant: chrono::DateTime<chrono::Utc>| CalendarDateTime::WithTimezone {
            date_time: instant.with_timezone(&tz).naive_local(),
            tzid: tz.name().to_owned(),
        };
        let location = match &event.venue.address {
            Some(address) => format!("{}, {}", event.venue.name, address),
            None => format!("{}, {}", event.venue.name, event.venue.city),
        };
        calendar.push(
            icalendar::Event::new()
                .uid(&format!("{}-day{}@guichet", event.slug, index + 1))
                .summary(&event.title)
                .location(&location)
                .url(url)
                .starts(local(window.opens_at))
                .ends(local(window.closes_at))
                .done(),
        );
    }
    calendar.done().to_string()
}

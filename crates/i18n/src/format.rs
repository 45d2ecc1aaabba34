//! Dates and times as each language writes them, in the event's time zone: the one place pages,
//! emails and reports format them, so that a date reads the same everywhere.

use crate::t;
use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use chrono_tz::Tz;
use domain::Lang;

fn locale(lang: Lang) -> chrono::Locale {
    match lang {
        Lang::Fr => chrono::Locale::fr_FR,
        Lang::En => chrono::Locale::en_GB,
        Lang::Es => chrono::Locale::es_ES,
    }
}

/// "lundi 7 juillet 2008" / "Monday 7 July 2008" / "lunes, 7 de julio de 2008".
pub fn long_date(date: NaiveDate, lang: Lang) -> String {
    let pattern = match lang {
        Lang::Fr | Lang::En => "%A %-d %B %Y",
        Lang::Es => "%A, %-d de %B de %Y",
    };
    date.format_localized(pattern, locale(lang)).to_string()
}

/// "1 mai 2008 à 00:00" / "1 May 2008 at 00:00", in zone `tz`.
pub fn long_datetime(instant: DateTime<Utc>, tz: Tz, lang: Lang) -> String {
    let local = instant.with_timezone(&tz);
    let pattern = match lang {
        Lang::Fr => "%-d %B %Y à %H:%M",
        Lang::En => "%-d %B %Y at %H:%M",
        Lang::Es => "%-d de %B de %Y a las %H:%M",
    };
    local.format_localized(pattern, locale(lang)).to_string()
}

/// The event's dates: "lundi 7 juillet 2008", or "du lundi 7 juillet 2008 au mardi 8 juillet 2008".
pub fn event_dates(agenda: &domain::Agenda, lang: Lang) -> String {
    let first = agenda.first_day().date();
    let last = agenda.last_day().date();
    if first == last {
        long_date(first, lang)
    } else {
        t(
            lang,
            "index-dates",
            &[
                ("first", long_date(first, lang).into()),
                ("last", long_date(last, lang).into()),
            ],
        )
    }
}

/// "09:00", in zone `tz`. Both languages write times on the 24-hour clock.
pub fn hh_mm(instant: DateTime<Utc>, tz: Tz) -> String {
    time_of_day(instant.with_timezone(&tz).time())
}

/// "09:00": a local time of day, such as an agenda item's start.
pub fn time_of_day(time: NaiveTime) -> String {
    time.format("%H:%M").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("a real date")
    }

    #[test]
    fn long_dates_are_written_in_each_language() {
        assert_eq!(
            long_date(date(2008, 7, 7), Lang::Fr),
            "lundi 7 juillet 2008"
        );
        assert_eq!(long_date(date(2008, 7, 7), Lang::En), "Monday 7 July 2008");
        assert_eq!(
            long_date(date(2008, 7, 7), Lang::Es),
            "lunes, 7 de julio de 2008"
        );
    }

    #[test]
    fn instants_are_written_in_the_events_zone() {
        let instant = Utc
            .with_ymd_and_hms(2008, 4, 30, 22, 0, 0)
            .single()
            .expect("a real instant");
        let zurich = chrono_tz::Europe::Zurich;
        assert_eq!(
            long_datetime(instant, zurich, Lang::Fr),
            "1 mai 2008 à 00:00"
        );
        assert_eq!(
            long_datetime(instant, zurich, Lang::Es),
            "1 de mayo de 2008 a las 00:00"
        );
        assert_eq!(
            long_datetime(instant, zurich, Lang::En),
            "1 May 2008 at 00:00"
        );
        assert_eq!(hh_mm(instant, zurich), "00:00");
        assert_eq!(hh_mm(instant, chrono_tz::UTC), "22:00");
    }

    #[test]
    fn an_events_dates_name_its_first_and_last_day() {
        let event = domain::parse_event_file(include_str!(
            "../../../demo/idm-2008-migration-de-retour.toml"
        ))
        .expect("the demo file is valid");
        assert_eq!(
            event_dates(&event.agenda, Lang::Fr),
            "du lundi 7 juillet 2008 au mardi 8 juillet 2008"
        );
        assert_eq!(
            event_dates(&event.agenda, Lang::En),
            "Monday 7 July 2008 to Tuesday 8 July 2008"
        );
    }

    #[test]
    fn times_of_day_drop_their_seconds() {
        let time = NaiveTime::from_hms_opt(9, 5, 30).expect("a real time");
        assert_eq!(time_of_day(time), "09:05");
    }
}

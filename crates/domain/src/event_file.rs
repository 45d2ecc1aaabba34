//! The event file: how organisers write an event and its agenda (as TOML, see `demo/`), and how
//! guichet exports one. [`parse_event_file`] turns the text into an [`Event`] or an
//! [`EventFileError`] naming each problem's line or field; [`render_event_file`] writes an event
//! back. In between, [`EventFile`] is the file's shape, plain strings and all, and
//! [`EventFile::into_event`] checks it against the rules, listing every problem at once.
//! `guichet event import`/`export` and the organisers' import page all go through here; storing
//! the parsed event is `persistence`'s job.
//!
//! Times in the file are local to the event's `time_zone`, as a programme prints them.

use crate::agenda::{Agenda, Day, Item, ItemKind, Person, TimeSlot, local_instant};
use crate::event::{Approval, Capacity, Category, Event, RegistrationWindow, Slug, Venue};
use crate::lang::Lang;
use crate::questions::{Choice, Question, QuestionKind, Texts};
use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Bounds on the texts of an event file, so that a page or an email can always show them.
pub mod limits {
    pub const TITLE: usize = 300;
    pub const SHORT_TEXT: usize = 300;
    pub const LONG_TEXT: usize = 20_000;
    pub const OBJECTIVES: usize = 50;
    pub const CATEGORIES: usize = 50;
    pub const DAYS: usize = 31;
    pub const ITEMS_PER_DAY: usize = 100;
    pub const SPEAKERS_PER_ITEM: usize = 50;
}

/// An event as written in an event file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventFile {
    pub slug: String,
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organiser: Option<String>,
    /// `fr` or `en`: the language the event's texts are written in.
    pub language: String,
    /// An IANA zone such as `Europe/Zurich`.
    pub time_zone: String,
    pub capacity: u32,
    /// `auto` (the default: confirmed at once) or `manual` (each registration is a request).
    #[serde(default, skip_serializing_if = "Approval::is_auto")]
    pub approval: Approval,
    #[serde(default)]
    pub published: bool,
    pub overview: String,
    #[serde(default)]
    pub objectives: Vec<String>,
    pub venue: VenueFile,
    pub registration: RegistrationFile,
    #[serde(default)]
    pub categories: Vec<Category>,
    /// The organisers' own questions on the registration form.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub questions: Vec<QuestionFile>,
    pub days: Vec<DayFile>,
}

/// A question as written in an event file:
///
/// ```toml
/// [[questions]]
/// key = "interpretation"
/// kind = "choice"          # text, long_text, choice, multi_choice, checkbox, date, number, country
/// required = true
/// fr = "Langue d'interprétation souhaitée"
/// en = "Interpretation wanted"
/// es = "Interpretación deseada"
/// help = { fr = "…", en = "…" }
/// categories = ["member_state"]   # optional: asked of these categories only
///
/// [[questions.options]]
/// key = "fr"
/// fr = "Français"
/// en = "French"
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuestionFile {
    pub key: String,
    pub kind: String,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub required: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fr: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub en: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub es: Option<String>,
    /// At most this many characters (`text` and `long_text` only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_length: Option<u32>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub categories: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub help: Option<TextsFile>,
    /// The options of a `choice` or `multi_choice`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<OptionFile>,
}

/// A text in each language written.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TextsFile {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fr: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub en: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub es: Option<String>,
}

/// One option of a choice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OptionFile {
    pub key: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fr: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub en: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub es: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VenueFile {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    pub city: String,
}

/// The registration window, in local time (`2008-05-01T00:00`). Without `closes`, registration
/// stays open until the end of the last day's last item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegistrationFile {
    pub opens: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closes: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DayFile {
    /// `2008-07-07`
    pub date: String,
    pub items: Vec<ItemFile>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ItemFile {
    /// `09:00`
    pub start: String,
    pub end: String,
    /// registration, opening, session, break, closing or other
    pub kind: String,
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub moderator: Option<PersonFile>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub speakers: Vec<PersonFile>,
    /// Whether the item's door is scanned (sessions, the opening and the closing are, unless
    /// `false`; any other item is when `true`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attendance: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PersonFile {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub function: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organisation: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
}

/// One problem in an event file: the field it is in (`days[1].items[3].end`) and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct FileError {
    pub field: String,
    pub message: String,
}

impl FileError {
    fn new(field: impl Into<String>, message: impl fmt::Display) -> Self {
        Self {
            field: field.into(),
            message: message.to_string(),
        }
    }
}

/// Collects every problem of a file rather than stopping at the first, so that an organiser fixes
/// their file in one go.
#[derive(Default)]
struct Problems(Vec<FileError>);

impl Problems {
    fn push(&mut self, field: impl Into<String>, message: impl fmt::Display) {
        self.0.push(FileError::new(field, message));
    }

    /// A required text: trimmed, not empty, at most `max` characters, no control characters
    /// other than line breaks and tabs.
    fn text(&mut self, field: &str, value: &str, max: usize) -> String {
        let value = value.trim();
        if value.is_empty() {
            self.push(field, "must not be empty");
        } else if value.chars().count() > max {
            self.push(field, format_args!("is longer than {max} characters"));
        } else if value
            .chars()
            .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
        {
            self.push(field, "contains control characters");
        }
        value.to_owned()
    }

    fn optional_text(&mut self, field: &str, value: Option<&str>, max: usize) -> Option<String> {
        value
            .filter(|v| !v.trim().is_empty())
            .map(|v| self.text(field, v, max))
    }

    fn count(&mut self, field: &str, len: usize, max: usize) {
        if len > max {
            self.push(field, format_args!("has more than {max} entries"));
        }
    }
}

/// Why an event file cannot be imported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EventFileError {
    /// The text is not TOML of the expected shape (a missing key, a misspelt one, a wrong type).
    Syntax {
        line: usize,
        column: usize,
        message: String,
    },
    /// The file is well formed but its content breaks the rules; every problem is listed.
    Invalid(Vec<FileError>),
}

impl fmt::Display for EventFileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EventFileError::Syntax {
                line,
                column,
                message,
            } => {
                write!(f, "line {line}, column {column}: {message}")
            }
            EventFileError::Invalid(problems) => {
                for (i, problem) in problems.iter().enumerate() {
                    if i > 0 {
                        writeln!(f)?;
                    }
                    write!(f, "{problem}")?;
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for EventFileError {}

/// Parses an event file's text into an event.
pub fn parse_event_file(text: &str) -> Result<Event, EventFileError> {
    let file: EventFile = toml::from_str(text).map_err(|e| {
        let offset = e.span().map_or(0, |span| span.start);
        let (line, column) = line_and_column(text, offset);
        EventFileError::Syntax {
            line,
            column,
            message: e.message().trim().to_owned(),
        }
    })?;
    file.into_event().map_err(EventFileError::Invalid)
}

/// The event file describing `event`; parsing it gives `event` back.
pub fn render_event_file(event: &Event) -> String {
    // Serialising plain strings, numbers and tables cannot fail.
    toml::to_string_pretty(&EventFile::from_event(event)).unwrap_or_default()
}

/// 1-based line and column (in characters) of a byte offset.
fn line_and_column(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

fn parse_date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok()
}

fn parse_time(s: &str) -> Option<NaiveTime> {
    let s = s.trim();
    NaiveTime::parse_from_str(s, "%H:%M")
        .or_else(|_| NaiveTime::parse_from_str(s, "%H:%M:%S"))
        .ok()
}

fn parse_local_datetime(s: &str) -> Option<NaiveDateTime> {
    let s = s.trim();
    NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M")
        .or_else(|_| NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S"))
        .ok()
}

fn format_time(t: NaiveTime) -> String {
    if t.format("%S").to_string() == "00" {
        t.format("%H:%M").to_string()
    } else {
        t.format("%H:%M:%S").to_string()
    }
}

impl EventFile {
    /// Parses the file into an event, or lists every problem found.
    pub fn into_event(self) -> Result<Event, Vec<FileError>> {
        let mut p = Problems::default();

        let slug = Slug::parse(self.slug.trim())
            .map_err(|e| p.push("slug", e))
            .ok();
        let title = p.text("title", &self.title, limits::TITLE);
        let organiser = p.optional_text("organiser", self.organiser.as_deref(), limits::SHORT_TEXT);
        // Spanish is a language of guichet's pages and emails; an event's own texts are written in
        // French or English (its categories' names are required in both).
        let language = match self.language.parse::<Lang>() {
            Ok(lang @ (Lang::Fr | Lang::En)) => Some(lang),
            _ => {
                p.push("language", "must be fr or en");
                None
            }
        };
        let time_zone = parse_time_zone(&mut p, &self.time_zone);
        let capacity = Capacity::new(self.capacity).ok_or_else(|| {
            p.push(
                "capacity",
                format_args!("must be between 1 and {}", Capacity::MAX),
            )
        });
        let overview = p.text("overview", &self.overview, limits::LONG_TEXT);
        p.count("objectives", self.objectives.len(), limits::OBJECTIVES);
        let objectives: Vec<String> = self
            .objectives
            .iter()
            .enumerate()
            .map(|(i, o)| p.text(&format!("objectives[{i}]"), o, limits::LONG_TEXT))
            .collect();
        let venue = self.venue.parse(&mut p);
        let categories = parse_categories(&mut p, &self.categories);
        let questions = language
            .map(|lang| parse_questions(&mut p, &self.questions, lang, &categories))
            .unwrap_or_default();
        let agenda = parse_agenda(&mut p, &self.days);
        // Rules that need the zone and the agenda together.
        let registration = match (time_zone, agenda.as_ref()) {
            (Some(tz), Some(agenda)) => {
                report_nonexistent_times(&mut p, tz, agenda);
                parse_registration(&mut p, &self.registration, tz, agenda)
            }
            _ => None,
        };

        match (slug, language, time_zone, capacity, agenda, registration) {
            (
                Some(slug),
                Some(language),
                Some(time_zone),
                Ok(capacity),
                Some(agenda),
                Some(registration),
            ) if p.0.is_empty() => Ok(Event {
                slug,
                title,
                organiser,
                language,
                overview,
                objectives,
                venue,
                time_zone,
                capacity,
                approval: self.approval,
                registration,
                categories,
                questions,
                published: self.published,
                agenda,
            }),
            _ => Err(p.0),
        }
    }

    /// The file that describes `event`; importing it gives `event` back.
    pub fn from_event(event: &Event) -> Self {
        let tz = event.time_zone;
        let local = |t: chrono::DateTime<chrono::Utc>| {
            t.with_timezone(&tz)
                .naive_local()
                .format("%Y-%m-%dT%H:%M:%S")
                .to_string()
        };
        let closes = local(event.registration.closes_at());
        let default_closes = local(event.agenda.ends_at(tz));
        Self {
            slug: event.slug.to_string(),
            title: event.title.clone(),
            organiser: event.organiser.clone(),
            language: event.language.code().to_owned(),
            time_zone: tz.name().to_owned(),
            capacity: event.capacity.seats(),
            approval: event.approval,
            published: event.published,
            overview: event.overview.clone(),
            objectives: event.objectives.clone(),
            venue: VenueFile {
                name: event.venue.name.clone(),
                address: event.venue.address.clone(),
                city: event.venue.city.clone(),
            },
            registration: RegistrationFile {
                opens: local(event.registration.opens_at()),
                closes: (closes != default_closes).then_some(closes),
            },
            categories: event.categories.clone(),
            questions: event
                .questions
                .iter()
                .map(QuestionFile::from_question)
                .collect(),
            days: event
                .agenda
                .days()
                .iter()
                .map(|day| DayFile {
                    date: day.date().to_string(),
                    items: day
                        .items()
                        .iter()
                        .map(|item| ItemFile {
                            start: format_time(item.slot.start()),
                            end: format_time(item.slot.end()),
                            kind: item.kind.as_str().to_owned(),
                            title: item.title.clone(),
                            description: item.description.clone(),
                            moderator: item.moderator.as_ref().map(PersonFile::from_person),
                            speakers: item.speakers.iter().map(PersonFile::from_person).collect(),
                            attendance: item.attendance,
                        })
                        .collect(),
                })
                .collect(),
        }
    }
}

/// The zone is parsed after trimming, but a problem quotes the value as written, so that the
/// organiser sees the stray space.
fn parse_time_zone(p: &mut Problems, raw: &str) -> Option<Tz> {
    raw.trim()
        .parse::<Tz>()
        .map_err(|_| {
            p.push(
                "time_zone",
                format_args!("{raw:?} is not a known IANA time zone (such as Europe/Zurich)"),
            )
        })
        .ok()
}

/// The categories in the file's order. A key is stored and typed into URLs and filters, hence the
/// narrow alphabet; a duplicate would make two categories one.
fn parse_categories(p: &mut Problems, categories: &[Category]) -> Vec<Category> {
    p.count("categories", categories.len(), limits::CATEGORIES);
    let mut parsed = Vec::with_capacity(categories.len());
    for (i, c) in categories.iter().enumerate() {
        let field = format!("categories[{i}]");
        let key = c.key.trim();
        if key.is_empty()
            || key.len() > 64
            || !key
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        {
            p.push(format!("{field}.key"), "must be 1 to 64 of a-z, 0-9 and _");
        } else if parsed.iter().any(|other: &Category| other.key == key) {
            p.push(
                format!("{field}.key"),
                format_args!("{key:?} appears twice"),
            );
        }
        parsed.push(Category {
            key: key.to_owned(),
            fr: p.text(&format!("{field}.fr"), &c.fr, limits::SHORT_TEXT),
            en: p.text(&format!("{field}.en"), &c.en, limits::SHORT_TEXT),
            es: c
                .es
                .as_deref()
                .map(|es| p.text(&format!("{field}.es"), es, limits::SHORT_TEXT)),
        });
    }
    parsed
}

/// A question's or an option's key: stored with each answer and written in reports' headers.
fn check_key(p: &mut Problems, field: &str, key: &str) {
    if key.is_empty()
        || key.len() > 64
        || !key
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
    {
        p.push(format!("{field}.key"), "must be 1 to 64 of a-z, 0-9 and _");
    }
}

/// A label in each language written, the event's own language required.
fn parse_texts(
    p: &mut Problems,
    field: &str,
    texts: [(&str, Option<&str>); 3],
    written_in: Lang,
    max: usize,
) -> Texts {
    let mut parsed = Texts::default();
    for (code, value) in texts {
        let lang: Lang = code.parse().unwrap_or(Lang::En);
        let value = p.optional_text(&format!("{field}.{code}"), value, max);
        if value.is_none() && lang == written_in {
            p.push(
                format!("{field}.{code}"),
                format_args!("is missing: the event is written in {code}"),
            );
        }
        match lang {
            Lang::Fr => parsed.fr = value,
            Lang::En => parsed.en = value,
            Lang::Es => parsed.es = value,
        }
    }
    parsed
}

/// The questions in the file's order, each checked: its key, kind, labels, options, length and
/// categories.
fn parse_questions(
    p: &mut Problems,
    questions: &[QuestionFile],
    written_in: Lang,
    categories: &[Category],
) -> Vec<Question> {
    use crate::questions::limits as q;
    p.count("questions", questions.len(), q::QUESTIONS);
    let mut parsed: Vec<Question> = Vec::with_capacity(questions.len());
    for (i, file) in questions.iter().enumerate() {
        let field = format!("questions[{i}]");
        let key = file.key.trim();
        check_key(p, &field, key);
        if parsed.iter().any(|other| other.key == key) {
            p.push(
                format!("{field}.key"),
                format_args!("{key:?} appears twice"),
            );
        }
        let label = parse_texts(
            p,
            &field,
            [
                ("fr", file.fr.as_deref()),
                ("en", file.en.as_deref()),
                ("es", file.es.as_deref()),
            ],
            written_in,
            limits::SHORT_TEXT,
        );
        let help = file.help.as_ref().map(|help| {
            parse_texts(
                p,
                &format!("{field}.help"),
                [
                    ("fr", help.fr.as_deref()),
                    ("en", help.en.as_deref()),
                    ("es", help.es.as_deref()),
                ],
                written_in,
                q::HELP,
            )
        });
        let mut options = Vec::with_capacity(file.options.len());
        p.count(&format!("{field}.options"), file.options.len(), q::OPTIONS);
        for (j, option) in file.options.iter().enumerate() {
            let option_field = format!("{field}.options[{j}]");
            let option_key = option.key.trim();
            check_key(p, &option_field, option_key);
            if options.iter().any(|o: &Choice| o.key == option_key) {
                p.push(
                    format!("{option_field}.key"),
                    format_args!("{option_key:?} appears twice"),
                );
            }
            let label = parse_texts(
                p,
                &option_field,
                [
                    ("fr", option.fr.as_deref()),
                    ("en", option.en.as_deref()),
                    ("es", option.es.as_deref()),
                ],
                written_in,
                limits::SHORT_TEXT,
            );
            options.push(Choice {
                key: option_key.to_owned(),
                label,
            });
        }
        let length = |p: &mut Problems, ceiling: u32| match file.max_length {
            None => ceiling,
            Some(n) if (1..=ceiling).contains(&n) => n,
            Some(_) => {
                p.push(
                    format!("{field}.max_length"),
                    format_args!("must be between 1 and {ceiling}"),
                );
                ceiling
            }
        };
        let kind = match file.kind.trim() {
            "text" => QuestionKind::Text {
                max_length: length(p, q::TEXT),
            },
            "long_text" => QuestionKind::LongText {
                max_length: length(p, q::LONG_TEXT),
            },
            "choice" => QuestionKind::Choice {
                options: std::mem::take(&mut options),
            },
            "multi_choice" => QuestionKind::MultiChoice {
                options: std::mem::take(&mut options),
            },
            "checkbox" => QuestionKind::Checkbox,
            "date" => QuestionKind::Date,
            "number" => QuestionKind::Number,
            "country" => QuestionKind::Country,
            other => {
                p.push(
                    format!("{field}.kind"),
                    format_args!(
                        "unknown kind {other:?}: expected one of {}",
                        QuestionKind::NAMES.join(", ")
                    ),
                );
                QuestionKind::Checkbox
            }
        };
        let is_choice = matches!(
            kind,
            QuestionKind::Choice { .. } | QuestionKind::MultiChoice { .. }
        );
        if is_choice && kind.options().is_empty() {
            p.push(
                format!("{field}.options"),
                "a choice needs at least one option ([[questions.options]])",
            );
        }
        if !is_choice && !options.is_empty() {
            p.push(
                format!("{field}.options"),
                format_args!("a {} question has no options", kind.name()),
            );
        }
        if file.max_length.is_some()
            && !matches!(
                kind,
                QuestionKind::Text { .. } | QuestionKind::LongText { .. }
            )
        {
            p.push(
                format!("{field}.max_length"),
                "only a text or long_text question has a max_length",
            );
        }
        for category in &file.categories {
            if !categories.iter().any(|c| &c.key == category) {
                p.push(
                    format!("{field}.categories"),
                    format_args!("{category:?} is not one of the event's categories"),
                );
            }
        }
        parsed.push(Question {
            key: key.to_owned(),
            kind,
            label,
            help,
            required: file.required,
            categories: file.categories.clone(),
        });
    }
    parsed
}

impl QuestionFile {
    fn from_question(question: &Question) -> Self {
        let max_length = match question.kind {
            QuestionKind::Text { max_length } if max_length != crate::questions::limits::TEXT => {
                Some(max_length)
            }
            QuestionKind::LongText { max_length }
                if max_length != crate::questions::limits::LONG_TEXT =>
            {
                Some(max_length)
            }
            _ => None,
        };
        Self {
            key: question.key.clone(),
            kind: question.kind.name().to_owned(),
            required: question.required,
            fr: question.label.fr.clone(),
            en: question.label.en.clone(),
            es: question.label.es.clone(),
            max_length,
            categories: question.categories.clone(),
            help: question.help.as_ref().map(|help| TextsFile {
                fr: help.fr.clone(),
                en: help.en.clone(),
                es: help.es.clone(),
            }),
            options: question
                .kind
                .options()
                .iter()
                .map(|o| OptionFile {
                    key: o.key.clone(),
                    fr: o.label.fr.clone(),
                    en: o.label.en.clone(),
                    es: o.label.es.clone(),
                })
                .collect(),
        }
    }
}

/// A local time skipped by a daylight-saving change would silently become another time; the
/// organiser must choose one that exists.
fn report_nonexistent_times(p: &mut Problems, tz: Tz, agenda: &Agenda) {
    for (d, i, time) in agenda.nonexistent_times(tz) {
        p.push(
            format!("days[{d}].items[{i}]"),
            format_args!(
                "{} does not exist in {tz} on {} (clocks go forward)",
                format_time(time),
                agenda.days()[d].date()
            ),
        );
    }
}

/// The registration window, in the event's zone; without a closing time, registration closes when
/// the agenda ends.
fn parse_registration(
    p: &mut Problems,
    file: &RegistrationFile,
    tz: Tz,
    agenda: &Agenda,
) -> Option<RegistrationWindow> {
    let opens = parse_local_datetime(&file.opens);
    if opens.is_none() {
        p.push(
            "registration.opens",
            "must be a local date and time such as 2008-05-01T00:00",
        );
    }
    let closes = match &file.closes {
        None => Some(agenda.ends_at(tz)),
        Some(text) => match parse_local_datetime(text) {
            Some(c) => Some(local_instant(tz, c.date(), c.time())),
            None => {
                p.push(
                    "registration.closes",
                    "must be a local date and time such as 2008-07-08T18:00",
                );
                None
            }
        },
    };
    let (opens, closes) = (opens?, closes?);
    let registration =
        RegistrationWindow::new(local_instant(tz, opens.date(), opens.time()), closes);
    if registration.is_none() {
        p.push("registration.closes", "must be after registration.opens");
    }
    registration
}

impl VenueFile {
    fn parse(&self, p: &mut Problems) -> Venue {
        Venue {
            name: p.text("venue.name", &self.name, limits::SHORT_TEXT),
            address: p.optional_text("venue.address", self.address.as_deref(), limits::SHORT_TEXT),
            city: p.text("venue.city", &self.city, limits::SHORT_TEXT),
        }
    }
}

impl PersonFile {
    fn from_person(p: &Person) -> Self {
        Self {
            name: p.name.clone(),
            function: p.function.clone(),
            organisation: p.organisation.clone(),
            country: p.country.clone(),
        }
    }

    fn parse(&self, p: &mut Problems, field: &str) -> Person {
        Person {
            name: p.text(&format!("{field}.name"), &self.name, limits::SHORT_TEXT),
            function: p.optional_text(
                &format!("{field}.function"),
                self.function.as_deref(),
                limits::SHORT_TEXT,
            ),
            organisation: p.optional_text(
                &format!("{field}.organisation"),
                self.organisation.as_deref(),
                limits::SHORT_TEXT,
            ),
            country: p.optional_text(
                &format!("{field}.country"),
                self.country.as_deref(),
                limits::SHORT_TEXT,
            ),
        }
    }
}

/// The agenda, or `None` when any of it is wrong: each problem is reported where it is, and the
/// order of the days is only checked once every day parsed.
fn parse_agenda(p: &mut Problems, days: &[DayFile]) -> Option<Agenda> {
    p.count("days", days.len(), limits::DAYS);
    let before = p.0.len();
    let parsed_days: Vec<Day> = days
        .iter()
        .enumerate()
        .filter_map(|(d, day)| parse_day(p, d, day))
        .collect();
    if p.0.len() > before {
        return None;
    }
    match Agenda::new(parsed_days) {
        Ok(agenda) => Some(agenda),
        Err(crate::AgendaError::DaysOutOfOrder { day, .. }) => {
            p.push(
                format!("days[{day}].date"),
                "is not after the day before it: list days in date order",
            );
            None
        }
        Err(e) => {
            p.push("days", e);
            None
        }
    }
}

/// Day `d` of the file; an item out of order is reported on its start time, where the organiser
/// will fix it.
fn parse_day(p: &mut Problems, d: usize, day: &DayFile) -> Option<Day> {
    let field = format!("days[{d}]");
    let date = parse_date(&day.date);
    if date.is_none() {
        p.push(
            format!("{field}.date"),
            format_args!("{:?} is not a date such as 2008-07-07", day.date),
        );
    }
    p.count(
        &format!("{field}.items"),
        day.items.len(),
        limits::ITEMS_PER_DAY,
    );
    let items: Vec<Item> = day
        .items
        .iter()
        .enumerate()
        .filter_map(|(i, item)| parse_item(p, &format!("{field}.items[{i}]"), item))
        .collect();
    // A day whose items did not all parse has had its problems reported already.
    if items.len() != day.items.len() {
        return None;
    }
    match Day::new(date?, items) {
        Ok(day) => Some(day),
        Err(crate::AgendaError::ItemsOutOfOrder { item, .. }) => {
            p.push(
                format!("{field}.items[{item}].start"),
                "starts before the item above it: list items in time order",
            );
            None
        }
        Err(e) => {
            p.push(format!("{field}.items"), e);
            None
        }
    }
}

/// One agenda item; every field is checked, even when an earlier one failed, so that the
/// organiser sees all of the item's problems at once.
fn parse_item(p: &mut Problems, field: &str, item: &ItemFile) -> Option<Item> {
    let start = parse_time(&item.start);
    if start.is_none() {
        p.push(
            format!("{field}.start"),
            format_args!("{:?} is not a time such as 09:00", item.start),
        );
    }
    let end = parse_time(&item.end);
    if end.is_none() {
        p.push(
            format!("{field}.end"),
            format_args!("{:?} is not a time such as 10:00", item.end),
        );
    }
    let kind = ItemKind::parse(item.kind.trim());
    if kind.is_none() {
        p.push(
            format!("{field}.kind"),
            format_args!(
                "{:?} is not one of registration, opening, session, break, closing, other",
                item.kind
            ),
        );
    }
    let title = p.text(&format!("{field}.title"), &item.title, limits::TITLE);
    let description = p.optional_text(
        &format!("{field}.description"),
        item.description.as_deref(),
        limits::LONG_TEXT,
    );
    let moderator = item
        .moderator
        .as_ref()
        .map(|m| m.parse(p, &format!("{field}.moderator")));
    p.count(
        &format!("{field}.speakers"),
        item.speakers.len(),
        limits::SPEAKERS_PER_ITEM,
    );
    let speakers = item
        .speakers
        .iter()
        .enumerate()
        .map(|(s, speaker)| speaker.parse(p, &format!("{field}.speakers[{s}]")))
        .collect();
    // An item without a valid start, end and kind has had its problems reported already.
    let (start, end, kind) = (start?, end?, kind?);
    match TimeSlot::new(start, end) {
        Ok(slot) => Some(Item {
            slot,
            kind,
            title,
            description,
            moderator,
            speakers,
            attendance: item.attendance,
        }),
        Err(e) => {
            p.push(format!("{field}.end"), e);
            None
        }
    }
}

/// A small valid event file for the domain's tests.
#[cfg(test)]
pub(crate) mod tests_support {
    use super::*;

    /// The demo's two days: day one opens with registration at 09:00, day two has none and
    /// starts at 10:00; both end at 18:00.
    pub(crate) fn demo_like() -> EventFile {
        let item = |start: &str, end: &str, kind: &str| ItemFile {
            start: start.into(),
            end: end.into(),
            kind: kind.into(),
            title: kind.into(),
            description: None,
            moderator: None,
            speakers: vec![],
            attendance: None,
        };
        let mut file = minimal();
        file.days = vec![
            DayFile {
                date: "2008-07-07".into(),
                items: vec![
                    item("09:00", "10:00", "registration"),
                    item("10:00", "13:00", "session"),
                    item("15:00", "18:00", "session"),
                ],
            },
            DayFile {
                date: "2008-07-08".into(),
                items: vec![
                    item("10:00", "13:00", "session"),
                    item("17:50", "18:00", "closing"),
                ],
            },
        ];
        file
    }

    pub(crate) fn minimal() -> EventFile {
        EventFile {
            slug: "test-event".into(),
            title: "Test".into(),
            organiser: None,
            language: "fr".into(),
            time_zone: "Europe/Zurich".into(),
            capacity: 10,
            approval: Approval::Auto,
            published: true,
            overview: "Overview".into(),
            objectives: vec![],
            venue: VenueFile {
                name: "Palais".into(),
                address: None,
                city: "Genève".into(),
            },
            registration: RegistrationFile {
                opens: "2008-05-01T00:00".into(),
                closes: None,
            },
            categories: vec![Category {
                key: "speaker".into(),
                fr: "Intervenant·e".into(),
                en: "Speaker".into(),
                es: Some("Ponente".into()),
            }],
            questions: Vec::new(),
            days: vec![DayFile {
                date: "2008-07-07".into(),
                items: vec![ItemFile {
                    start: "09:00".into(),
                    end: "10:00".into(),
                    kind: "registration".into(),
                    title: "Enregistrement".into(),
                    description: None,
                    moderator: None,
                    speakers: vec![],
                    attendance: None,
                }],
            }],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::tests_support::minimal;
    use super::*;

    #[test]
    fn a_valid_file_round_trips() {
        let event = minimal().into_event().expect("valid file");
        assert_eq!(
            event.registration.closes_at().to_rfc3339(),
            "2008-07-07T08:00:00+00:00"
        );
        let file = EventFile::from_event(&event);
        assert_eq!(file.clone().into_event().expect("valid export"), event);
        assert_eq!(
            EventFile::from_event(&file.into_event().expect("valid")),
            EventFile::from_event(&event)
        );
    }

    #[test]
    fn every_problem_is_listed_with_its_field() {
        let mut file = minimal();
        file.slug = "Bad Slug".into();
        file.time_zone = "Europe/Geneva".into();
        file.capacity = 0;
        file.title = "  ".into();
        file.days[0].items[0].end = "08:00".into();
        let second = ItemFile {
            start: "25:00".into(),
            kind: "party".into(),
            ..file.days[0].items[0].clone()
        };
        file.days[0].items.push(second);
        let errors = file.into_event().expect_err("invalid file");
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "slug",
                "title",
                "time_zone",
                "capacity",
                "days[0].items[0].end",
                "days[0].items[1].start",
                "days[0].items[1].kind",
            ],
            "{errors:#?}"
        );
        assert!(errors[2].message.contains("Europe/Geneva"));
    }

    #[test]
    fn a_local_time_skipped_by_daylight_saving_is_refused() {
        let mut file = minimal();
        file.days[0].date = "2026-03-29".into();
        file.days[0].items[0].start = "02:30".into();
        file.days[0].items[0].end = "04:00".into();
        file.registration.opens = "2026-01-01T00:00".into();
        let errors = file
            .into_event()
            .expect_err("02:30 does not exist that day");
        assert_eq!(errors[0].field, "days[0].items[0]");
        assert!(errors[0].message.contains("02:30"), "{}", errors[0].message);
    }

    #[test]
    fn registration_must_close_after_it_opens() {
        let mut file = minimal();
        file.registration.opens = "2008-08-01T00:00".into();
        let errors = file.into_event().expect_err("opens after the event");
        assert_eq!(errors[0].field, "registration.closes");
    }

    const DEMO: &str = include_str!("../../../demo/idm-2008-migration-de-retour.toml");

    #[test]
    fn the_demo_file_parses_and_round_trips() {
        let event = parse_event_file(DEMO).expect("the demo file is valid");
        assert_eq!(event.agenda.days().len(), 2);
        assert_eq!(event.agenda.days()[0].items().len(), 6);
        assert_eq!(event.agenda.days()[1].items().len(), 5);
        let exported = render_event_file(&event);
        let again = parse_event_file(&exported).expect("the export is valid");
        assert_eq!(again, event);
        assert_eq!(render_event_file(&again), exported);
    }

    #[test]
    fn the_example_by_approval_parses_and_round_trips() {
        const BY_APPROVAL: &str =
            include_str!("../../../demo/idm-2008-reunion-sur-invitation.toml");
        let event = parse_event_file(BY_APPROVAL).expect("the example file is valid");
        assert_eq!(event.approval, Approval::Manual);
        assert_eq!(event.questions.len(), 2);
        let exported = render_event_file(&event);
        assert!(exported.contains("approval = \"manual\""), "{exported}");
        let again = parse_event_file(&exported).expect("the export is valid");
        assert_eq!(again, event);
        assert_eq!(render_event_file(&again), exported);
    }

    /// A question of every kind, as an organiser would write it after the demo's.
    const EVERY_KIND: &str = r#"
[[questions]]
key = "badge_name"
kind = "text"
max_length = 40
fr = "Nom sur le badge"

[[questions]]
key = "remarks"
kind = "long_text"
fr = "Remarques"
en = "Remarks"
categories = ["speaker", "media"]

[[questions]]
key = "photo"
kind = "checkbox"
required = true
fr = "J'accepte d'être photographié·e"

[[questions]]
key = "arrival"
kind = "date"
fr = "Date d'arrivée à Genève"

[[questions]]
key = "nights"
kind = "number"
fr = "Nuits d'hôtel"

[[questions]]
key = "passport"
kind = "country"
fr = "Pays du passeport"
help = { fr = "Pour la liste de sécurité du CICG.", en = "For the CICG's security list." }
"#;

    fn with_questions(extra: &str) -> String {
        let at = DEMO.find("# ── Day one").expect("the demo's first day");
        format!("{}{extra}\n{}", &DEMO[..at], &DEMO[at..])
    }

    #[test]
    fn questions_of_every_kind_import_and_export_byte_for_byte() {
        let text = with_questions(EVERY_KIND);
        let event = parse_event_file(&text).expect("valid questions");
        let kinds: Vec<&str> = event.questions.iter().map(|q| q.kind.name()).collect();
        assert_eq!(
            kinds,
            [
                "choice",
                "multi_choice",
                "text",
                "long_text",
                "checkbox",
                "date",
                "number",
                "country"
            ]
        );
        assert_eq!(
            event.questions[2].kind,
            QuestionKind::Text { max_length: 40 }
        );
        assert_eq!(event.questions[0].kind.options().len(), 3);
        assert!(!event.questions[0].required);
        assert!(
            event.questions[4].required,
            "the photo's box must be ticked"
        );
        assert_eq!(
            event.questions[0].label.get(Lang::Es, Lang::Fr),
            "Interpretación deseada"
        );
        // A label written in French only: every language shows it.
        assert_eq!(
            event.questions[2].label.get(Lang::Es, Lang::Fr),
            "Nom sur le badge"
        );
        assert_eq!(event.questions[3].categories, ["speaker", "media"]);
        let exported = render_event_file(&event);
        let again = parse_event_file(&exported).expect("the export is valid");
        assert_eq!(again, event);
        assert_eq!(render_event_file(&again), exported, "byte-identical");
    }

    #[test]
    fn bad_questions_are_named_with_their_field() {
        let bad = r#"
[[questions]]
key = "interpretation"
kind = "text"
fr = "Again"

[[questions]]
key = "mood"
kind = "slider"
fr = "Humeur"

[[questions]]
key = "visit"
kind = "choice"
fr = "Visite"

[[questions]]
key = "english_only"
kind = "text"
en = "Only in English"

[[questions]]
key = "size"
kind = "checkbox"
max_length = 3
fr = "Taille"
categories = ["astronaut"]

[[questions.options]]
key = "s"
fr = "S"
"#;
        let errors = match parse_event_file(&with_questions(bad)) {
            Err(EventFileError::Invalid(errors)) => errors,
            other => panic!("expected content errors, got {other:?}"),
        };
        let said: Vec<String> = errors
            .iter()
            .map(|e| format!("{}: {}", e.field, e.message))
            .collect();
        let expect = [
            "questions[2].key: \"interpretation\" appears twice",
            "questions[3].kind: unknown kind \"slider\": expected one of text, long_text, choice, multi_choice, checkbox, date, number, country",
            "questions[4].options: a choice needs at least one option",
            "questions[5].fr: is missing: the event is written in fr",
            "questions[6].options: a checkbox question has no options",
            "questions[6].max_length: only a text or long_text question has a max_length",
            "questions[6].categories: \"astronaut\" is not one of the event's categories",
        ];
        for line in expect {
            assert!(
                said.iter().any(|s| s.starts_with(line)),
                "{line:?} not in {said:#?}"
            );
        }
        assert_eq!(said.len(), expect.len(), "{said:#?}");
    }

    #[test]
    fn approval_is_auto_unless_the_file_says_manual_and_round_trips() {
        let auto = parse_event_file(DEMO).expect("demo parses");
        assert_eq!(auto.approval, Approval::Auto);
        assert!(!render_event_file(&auto).contains("approval"));
        let text = DEMO.replacen("capacity = 250", "capacity = 250\napproval = \"manual\"", 1);
        let manual = parse_event_file(&text).expect("manual parses");
        assert_eq!(manual.approval, Approval::Manual);
        let rendered = render_event_file(&manual);
        assert!(rendered.contains("approval = \"manual\"\n"), "{rendered}");
        assert_eq!(parse_event_file(&rendered).expect("re-parses"), manual);
        let wrong = DEMO.replacen("capacity = 250", "capacity = 250\napproval = \"maybe\"", 1);
        let message = parse_event_file(&wrong).expect_err("bad value").to_string();
        assert!(
            message.contains("maybe") && message.contains("manual"),
            "{message}"
        );
    }

    #[test]
    fn a_syntax_error_names_its_line_and_column() {
        let text = "slug = \"x\"\ntitle = \"T\"\ncapacity = \"many\"\n";
        match parse_event_file(text) {
            Err(EventFileError::Syntax { line, column, .. }) => assert_eq!((line, column), (3, 12)),
            other => panic!("expected a syntax error, got {other:?}"),
        }
    }

    #[test]
    fn an_unknown_key_is_named() {
        let text = DEMO.replacen("capacity = 250", "capacity = 250\nseats = 3", 1);
        let error = parse_event_file(&text).expect_err("unknown key");
        let message = error.to_string();
        assert!(message.contains("seats"), "{message}");
        assert!(message.starts_with("line "), "{message}");
    }

    #[test]
    fn content_errors_name_their_fields() {
        let text = DEMO.replace("end = \"10:15\"", "end = \"09:15\"");
        let error = parse_event_file(&text).expect_err("end before start");
        assert_eq!(
            error.to_string(),
            "days[0].items[1].end: the end (09:15:00) is not after the start (10:00:00)"
        );
    }

    #[test]
    fn an_item_of_unknown_kind_is_not_also_blamed_for_its_times() {
        // The slot is only checked for an item that has a start, an end and a kind: this file is
        // refused on the kind, and its times are checked once the kind is fixed.
        let mut file = minimal();
        file.days[0].items[0].kind = "party".into();
        file.days[0].items[0].end = file.days[0].items[0].start.clone();
        let errors = file.into_event().expect_err("unknown kind");
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["days[0].items[0].kind"], "{errors:#?}");
    }
}

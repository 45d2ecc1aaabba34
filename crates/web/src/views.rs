//! What pages show of domain values: texts formatted in the page's language and the event's zone.

use chrono::{DateTime, Utc};
use domain::{Event, Item, Lang, Person};
use persistence::EventSummary;
use serde::Serialize;

use i18n::{hh_mm, long_date, long_datetime, time_of_day};

/// An event in the list of events.
#[derive(Debug, Serialize)]
pub struct EventCard {
    slug: String,
    title: String,
    city: String,
    first_day: String,
    last_day: Option<String>,
}

impl EventCard {
    pub fn new(summary: &EventSummary, lang: Lang) -> Self {
        Self {
            slug: summary.slug.to_string(),
            title: summary.title.clone(),
            city: summary.city.clone(),
            first_day: long_date(summary.first_day, lang),
            last_day: (summary.last_day != summary.first_day)
                .then(|| long_date(summary.last_day, lang)),
        }
    }
}

#[derive(Debug, Serialize)]
struct PersonView {
    name: String,
    /// Function, organisation and country, as one line.
    details: String,
}

impl PersonView {
    fn new(person: &Person) -> Self {
        let details = [&person.function, &person.organisation, &person.country]
            .into_iter()
            .flatten()
            .map(String::as_str)
            .collect::<Vec<_>>()
            .join(", ");
        Self {
            name: person.name.clone(),
            details,
        }
    }
}

#[derive(Debug, Serialize)]
struct ItemView {
    start: String,
    end: String,
    kind: &'static str,
    title: String,
    description: Option<String>,
    moderator: Option<PersonView>,
    speakers: Vec<PersonView>,
}

impl ItemView {
    fn new(item: &Item) -> Self {
        Self {
            start: time_of_day(item.slot.start()),
            end: time_of_day(item.slot.end()),
            kind: item.kind.as_str(),
            title: item.title.clone(),
            description: item.description.clone(),
            moderator: item.moderator.as_ref().map(PersonView::new),
            speakers: item.speakers.iter().map(PersonView::new).collect(),
        }
    }
}

#[derive(Debug, Serialize)]
struct DayView {
    number: usize,
    date: String,
    date_iso: String,
    desk_opens: String,
    items: Vec<ItemView>,
}

/// Where online registration stands now.
#[derive(Debug, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
enum RegistrationView {
    NotYet { opens: String },
    Open { closes: String },
    Closed,
}

/// The event page's content.
#[derive(Debug, Serialize)]
pub struct EventPage {
    slug: String,
    title: String,
    organiser: Option<String>,
    /// The language the event's own texts are in, for their `lang` attribute.
    content_lang: &'static str,
    overview: Vec<String>,
    objectives: Vec<String>,
    venue_name: String,
    venue_address: Option<String>,
    venue_city: String,
    time_zone: &'static str,
    first_day: String,
    last_day: Option<String>,
    desk_date: String,
    desk_time: String,
    seats: u32,
    /// Registration by approval: each registration is a request the organisers decide on.
    by_approval: bool,
    registration: RegistrationView,
    days: Vec<DayView>,
}

impl EventPage {
    pub fn new(event: &Event, lang: Lang, now: DateTime<Utc>) -> Self {
        let tz = event.time_zone;
        let days: Vec<DayView> = event
            .agenda
            .days()
            .iter()
            .enumerate()
            .map(|(index, day)| DayView {
                number: index + 1,
                date: long_date(day.date(), lang),
                date_iso: day.date().to_string(),
                desk_opens: hh_mm(day.desk_window(tz).opens_at, tz),
                items: day.items().iter().map(ItemView::new).collect(),
            })
            .collect();
        let first = event.agenda.first_day();
        let last = event.agenda.last_day();
        let window = event.registration;
        let registration = if now < window.opens_at() {
            RegistrationView::NotYet {
                opens: long_datetime(window.opens_at(), tz, lang),
            }
        } else if now < window.closes_at() {
            RegistrationView::Open {
                closes: long_datetime(window.closes_at(), tz, lang),
            }
        } else {
            RegistrationView::Closed
        };
        Self {
            slug: event.slug.to_string(),
            title: event.title.clone(),
            organiser: event.organiser.clone(),
            content_lang: event.language.code(),
            // Paragraphs are separated by blank lines in the event file.
            overview: event
                .overview
                .split("\n\n")
                .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
                .filter(|p| !p.is_empty())
                .collect(),
            objectives: event.objectives.clone(),
            venue_name: event.venue.name.clone(),
            venue_address: event.venue.address.clone(),
            venue_city: event.venue.city.clone(),
            time_zone: tz.name(),
            first_day: long_date(first.date(), lang),
            last_day: (last.date() != first.date()).then(|| long_date(last.date(), lang)),
            desk_date: long_date(first.date(), lang),
            desk_time: hh_mm(first.desk_window(tz).opens_at, tz),
            seats: event.capacity.seats(),
            by_approval: event.approval == domain::Approval::Manual,
            registration,
            days,
        }
    }
}

/// An option of a select list.
#[derive(Debug, Serialize)]
pub struct Choice {
    value: String,
    label: String,
}

/// The registration form: its choices, what was typed, and what is wrong with it.
#[derive(Debug, Serialize)]
pub struct FormView {
    /// Whether registration is open now.
    open: bool,
    /// Why not, when it is not.
    closed_reason: Option<String>,
    categories: Vec<Choice>,
    countries: Vec<Choice>,
    languages: Vec<Choice>,
    /// The organisers' questions, after the fixed fields.
    questions: Vec<QuestionView>,
    values: domain::RegistrationForm,
    errors: std::collections::BTreeMap<String, String>,
    /// A message about the whole form rather than a field (sent too often).
    alert: Option<String>,
}

impl FormView {
    pub fn new(
        event: &Event,
        lang: Lang,
        closed_reason: Option<String>,
        values: Option<domain::RegistrationForm>,
        errors: std::collections::BTreeMap<String, String>,
    ) -> Self {
        let countries = sorted_countries(lang);
        let values = values.unwrap_or_else(|| domain::RegistrationForm {
            language: lang.code().to_owned(),
            ..Default::default()
        });
        let questions = event
            .questions
            .iter()
            .map(|q| QuestionView::new(q, event, lang, values.answers.get(&q.key)))
            .collect();
        Self {
            open: closed_reason.is_none(),
            closed_reason,
            questions,
            categories: event
                .categories
                .iter()
                .map(|c| Choice {
                    value: c.key.clone(),
                    label: c.label(lang, event.language).to_owned(),
                })
                .collect(),
            countries,
            languages: Lang::ALL
                .iter()
                .map(|l| Choice {
                    value: l.code().to_owned(),
                    label: l.native_name().to_owned(),
                })
                .collect(),
            values,
            errors,
            alert: None,
        }
    }

    /// The form with a message about the whole of it above.
    pub fn with_alert(self, alert: String) -> Self {
        Self {
            alert: Some(alert),
            ..self
        }
    }
}

/// A question a participant answered, and the answer as a person reads it.
#[derive(Debug, Serialize)]
pub struct AnswerView {
    pub question: String,
    pub answer: String,
}

/// The participant's answers to `event`'s questions, in the questions' order and in `lang`.
pub fn answer_views(event: &Event, answers: &domain::Answers, lang: Lang) -> Vec<AnswerView> {
    let yes_no = [
        i18n::t(lang, "answer-yes", &[]),
        i18n::t(lang, "answer-no", &[]),
    ];
    event
        .questions
        .iter()
        .filter(|q| answers.get(&q.key).is_some())
        .map(|q| AnswerView {
            question: q.label.get(lang, event.language).to_owned(),
            answer: answers.shown(q, lang, event.language, [&yes_no[0], &yes_no[1]]),
        })
        .collect()
}

/// One of the organisers' questions as the form shows it, with what was typed.
#[derive(Debug, Serialize)]
pub struct QuestionView {
    key: String,
    /// `text`, `long_text`, `choice`, `multi_choice`, `checkbox`, `date`, `number`, `country`.
    kind: &'static str,
    label: String,
    help: Option<String>,
    required: bool,
    max_length: Option<u32>,
    /// The options of a choice, or the countries.
    options: Vec<Choice>,
    /// The categories it is asked of, named, when not everyone.
    only_for: Option<String>,
    /// What was typed or chosen (a text, an option's key, a date, a number, a country code).
    value: String,
    /// A ticked box.
    checked: bool,
    /// The options ticked of a multiple choice.
    chosen: Vec<String>,
}

impl QuestionView {
    fn new(
        question: &domain::Question,
        event: &Event,
        lang: Lang,
        typed: Option<&domain::RawAnswer>,
    ) -> Self {
        use domain::{QuestionKind, RawAnswer};
        let written_in = event.language;
        let options = match &question.kind {
            QuestionKind::Country => sorted_countries(lang),
            kind => kind
                .options()
                .iter()
                .map(|o| Choice {
                    value: o.key.clone(),
                    label: o.label.get(lang, written_in).to_owned(),
                })
                .collect(),
        };
        let max_length = match question.kind {
            QuestionKind::Text { max_length } | QuestionKind::LongText { max_length } => {
                Some(max_length)
            }
            _ => None,
        };
        let only_for = (!question.categories.is_empty()).then(|| {
            let names: Vec<&str> = question
                .categories
                .iter()
                .filter_map(|key| event.category(key))
                .map(|c| c.label(lang, written_in))
                .collect();
            i18n::t(
                lang,
                "question-only-for",
                &[("categories", names.join(", ").into())],
            )
        });
        let (value, checked, chosen) = match typed {
            Some(RawAnswer::Text(text)) => (text.clone(), false, Vec::new()),
            Some(RawAnswer::Number(n)) => (domain::questions::format_number(*n), false, Vec::new()),
            Some(RawAnswer::Flag(ticked)) => (String::new(), *ticked, Vec::new()),
            Some(RawAnswer::List(keys)) => (String::new(), false, keys.clone()),
            None => (String::new(), false, Vec::new()),
        };
        Self {
            key: question.key.clone(),
            kind: question.kind.name(),
            label: question.label.get(lang, written_in).to_owned(),
            help: question
                .help
                .as_ref()
                .map(|h| h.get(lang, written_in).to_owned()),
            required: question.required,
            max_length,
            options,
            only_for,
            value,
            checked,
            chosen,
        }
    }
}

/// The organiser's form for a participant's answers (the participant's page): the questions
/// asked of the participant's category, filled in with what is stored or, after a refusal, with
/// what was typed, and what is wrong with each (by `answers.KEY`). The same template as the
/// registration form's questions (`questions.html`).
#[derive(Debug, Serialize)]
pub struct AnswersForm {
    legend: String,
    questions: Vec<QuestionView>,
    errors: std::collections::BTreeMap<String, String>,
}

impl AnswersForm {
    pub fn new(
        event: &Event,
        category: &str,
        lang: Lang,
        typed: &std::collections::BTreeMap<String, domain::RawAnswer>,
        errors: std::collections::BTreeMap<String, String>,
    ) -> Self {
        let questions = event
            .questions
            .iter()
            .filter(|q| q.applies_to(category))
            .map(|q| QuestionView {
                // Nothing is required of staff correcting answers (see `edit_answers`): no
                // star, and no `required` for the browser to insist on.
                required: false,
                ..QuestionView::new(q, event, lang, typed.get(&q.key))
            })
            .collect();
        Self {
            legend: i18n::t(lang, "participant-answers-legend", &[]),
            questions,
            errors,
        }
    }

    /// The form filled in with the stored `answers`.
    pub fn stored(event: &Event, category: &str, lang: Lang, answers: &domain::Answers) -> Self {
        let typed = answers
            .0
            .iter()
            .map(|(key, answer)| (key.clone(), domain::RawAnswer::from(answer.clone())))
            .collect();
        Self::new(event, category, lang, &typed, Default::default())
    }
}

/// Every country, named in `lang` and sorted as a reader of it expects.
fn sorted_countries(lang: Lang) -> Vec<Choice> {
    let mut countries: Vec<Choice> = domain::Country::all()
        .map(|c| Choice {
            value: c.code().to_owned(),
            label: i18n::country_name(lang, c),
        })
        .collect();
    // Sorted as the reader reads them, accents and all ("Égypte" with the E's).
    countries.sort_by_cached_key(|c| sort_key(&c.label));
    countries
}

/// A key that sorts country names by their letters, ignoring accents and case.
fn sort_key(label: &str) -> String {
    label
        .chars()
        .map(|c| match c {
            'À' | 'Á' | 'Â' | 'Ä' | 'Å' | 'à' | 'á' | 'â' | 'ä' | 'å' => 'a',
            'É' | 'È' | 'Ê' | 'Ë' | 'é' | 'è' | 'ê' | 'ë' => 'e',
            'Î' | 'Ï' | 'Í' | 'î' | 'ï' | 'í' => 'i',
            'Ô' | 'Ö' | 'Ó' | 'ô' | 'ö' | 'ó' => 'o',
            'Û' | 'Ü' | 'Ú' | 'Ù' | 'û' | 'ü' | 'ú' | 'ù' => 'u',
            'Ç' | 'ç' => 'c',
            other => other.to_ascii_lowercase(),
        })
        .collect()
}

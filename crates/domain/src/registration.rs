//! A participant's registration: the form's fields parsed into types that cannot hold bad input,
//! and the states a registration goes through.

use crate::event::Event;
use crate::lang::Lang;
use chrono::{DateTime, Utc};
use email_address::{EmailAddress, Options};
use serde::{Deserialize, Serialize};
use std::fmt;

/// Limits on the form's fields, in characters.
pub mod limits {
    pub const NAME: usize = 100;
    pub const EMAIL: usize = 254;
    pub const ORGANISATION: usize = 200;
    pub const FUNCTION: usize = 200;
    pub const NEEDS: usize = 1000;
}

/// A field of the registration form, named as in the JSON API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Field {
    GivenName,
    FamilyName,
    Email,
    Organisation,
    Function,
    Category,
    Country,
    Language,
    Needs,
    Consent,
}

impl Field {
    pub const ALL: [Field; 10] = [
        Field::GivenName,
        Field::FamilyName,
        Field::Email,
        Field::Organisation,
        Field::Function,
        Field::Category,
        Field::Country,
        Field::Language,
        Field::Needs,
        Field::Consent,
    ];

    /// The field's key in JSON and in forms.
    pub fn key(self) -> &'static str {
        match self {
            Field::GivenName => "given_name",
            Field::FamilyName => "family_name",
            Field::Email => "email",
            Field::Organisation => "organisation",
            Field::Function => "function",
            Field::Category => "category",
            Field::Country => "country",
            Field::Language => "language",
            Field::Needs => "needs",
            Field::Consent => "consent",
        }
    }
}

/// What is wrong with a field; the web layer words it in the visitor's language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Problem {
    Required,
    TooLong {
        max: usize,
    },
    ControlCharacters,
    /// Direction controls or zero-width characters (see [`is_invisible_format`]).
    InvisibleCharacters,
    InvalidEmail,
    UnknownCategory,
    UnknownCountry,
    UnknownLanguage,
    ConsentRequired,
    /// An answer to a question the event does not ask.
    UnknownQuestion,
    /// A choice that is not one of the question's options.
    UnknownOption,
    InvalidDate,
    InvalidNumber,
    /// A number where a text was asked, a list where one choice was, and so on.
    WrongType,
}

impl Problem {
    /// The message catalog key that words this problem.
    pub fn message_key(self) -> &'static str {
        match self {
            Problem::Required => "field-required",
            Problem::TooLong { .. } => "field-too-long",
            Problem::ControlCharacters => "field-control-characters",
            Problem::InvisibleCharacters => "field-invisible-characters",
            Problem::InvalidEmail => "field-invalid-email",
            Problem::UnknownCategory => "field-unknown-category",
            Problem::UnknownCountry => "field-unknown-country",
            Problem::UnknownLanguage => "field-unknown-language",
            Problem::ConsentRequired => "field-consent-required",
            Problem::UnknownQuestion => "field-unknown-question",
            Problem::UnknownOption => "field-unknown-option",
            Problem::InvalidDate => "field-invalid-date",
            Problem::InvalidNumber => "field-invalid-number",
            Problem::WrongType => "field-wrong-type",
        }
    }
}

/// Words typed into a search or a filter, checked before they reach a query: control characters
/// can never match (every stored name refuses them, see [`Line`]), and PostgreSQL refuses a NUL
/// in text outright, which would turn a typo into a server error.
pub fn search_words(text: &str) -> Result<&str, Problem> {
    if text.chars().any(char::is_control) {
        return Err(Problem::ControlCharacters);
    }
    Ok(text)
}

/// Every problem of a form, at most one per field: the fixed fields', then the answers' (by
/// question key, shown as `answers.KEY`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FormErrors(pub Vec<(Field, Problem)>, pub Vec<(String, Problem)>);

impl FormErrors {
    /// Each problem with the key of its field (`given_name`, `answers.diet`).
    pub fn by_key(self) -> impl Iterator<Item = (String, Problem)> {
        self.0
            .into_iter()
            .map(|(field, problem)| (field.key().to_owned(), problem))
            .chain(
                self.1
                    .into_iter()
                    .map(|(key, problem)| (format!("answers.{key}"), problem)),
            )
    }

    fn add(&mut self, field: Field, problem: Problem) {
        if !self.0.iter().any(|(f, _)| *f == field) {
            self.0.push((field, problem));
        }
    }

    /// The parsed value, or `None` with its problem noted against `field`: the caller carries on
    /// checking the other fields.
    fn check<T>(&mut self, field: Field, parsed: Result<T, Problem>) -> Option<T> {
        parsed.map_err(|problem| self.add(field, problem)).ok()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty() && self.1.is_empty()
    }
}

/// Whether `c` is one of the invisible formatting characters that a name, an organisation or a
/// function must not carry: the bidirectional controls (embeddings, overrides and isolates
/// U+202A–U+202E and U+2066–U+2069, the marks U+200E, U+200F and U+061C), which reorder what
/// follows them on every screen and in every report that shows the text (one name can then read
/// as another, or push the columns after it around), and the zero-width characters (U+200B–U+200D,
/// U+2060, U+FEFF), which make two names that look the same compare as different ones. Letters of
/// every script stay accepted.
pub fn is_invisible_format(c: char) -> bool {
    matches!(
        c,
        '\u{202A}'..='\u{202E}'
            | '\u{2066}'..='\u{2069}'
            | '\u{200E}'
            | '\u{200F}'
            | '\u{061C}'
            | '\u{200B}'..='\u{200D}'
            | '\u{2060}'
            | '\u{FEFF}'
    )
}

/// A single line of text: trimmed, not empty, bounded, no control characters and no invisible
/// formatting characters ([`is_invisible_format`]). Any script.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Line(String);

impl Line {
    pub fn parse(raw: &str, max: usize) -> Result<Self, Problem> {
        let value = raw.trim();
        if value.is_empty() {
            return Err(Problem::Required);
        }
        if value.chars().count() > max {
            return Err(Problem::TooLong { max });
        }
        if value.chars().any(char::is_control) {
            return Err(Problem::ControlCharacters);
        }
        if value.chars().any(is_invisible_format) {
            return Err(Problem::InvisibleCharacters);
        }
        Ok(Self(value.to_owned()))
    }

    /// A value read back from storage, where it was stored after parsing.
    pub fn from_stored(value: String) -> Self {
        Self(value)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Line {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// An email address as typed (trimmed), with its normalised form for comparison: two
/// registrations with the same address in another case are the same person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email {
    address: String,
}

impl Email {
    pub fn parse(raw: &str) -> Result<Self, Problem> {
        let value = raw.trim();
        if value.is_empty() {
            return Err(Problem::Required);
        }
        if value.chars().count() > limits::EMAIL {
            return Err(Problem::TooLong { max: limits::EMAIL });
        }
        let options = Options {
            // A real mailbox: name@example.org, not name@localhost nor "Name <name@…>".
            minimum_sub_domains: 2,
            allow_domain_literal: false,
            allow_display_text: false,
            ..Options::default()
        };
        EmailAddress::parse_with_options(value, options).map_err(|_| Problem::InvalidEmail)?;
        Ok(Self {
            address: value.to_owned(),
        })
    }

    pub fn from_stored(address: String) -> Self {
        Self { address }
    }

    pub fn as_str(&self) -> &str {
        &self.address
    }

    /// The form used to compare addresses: lowercase.
    pub fn normalized(&self) -> String {
        self.address.to_lowercase()
    }

    /// The address as logs show it: its first character and its domain (`m***@example.org`),
    /// enough to tell messages apart without putting people's addresses in the logs.
    pub fn masked(&self) -> String {
        mask_email(&self.address)
    }
}

/// Masks an email address for logs (see [`Email::masked`]); anything without an `@` is masked
/// whole.
fn mask_email(address: &str) -> String {
    match address.rsplit_once('@') {
        Some((local, domain)) => {
            let first: String = local.chars().take(1).collect();
            format!("{first}***@{domain}")
        }
        None => "***".to_owned(),
    }
}

/// An ISO 3166-1 alpha-2 country code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Country(isocountry::CountryCode);

impl Country {
    pub fn parse(raw: &str) -> Result<Self, Problem> {
        let value = raw.trim();
        if value.is_empty() {
            return Err(Problem::Required);
        }
        isocountry::CountryCode::for_alpha2_caseless(value)
            .map(Self)
            .map_err(|_| Problem::UnknownCountry)
    }

    /// `CH`, `SN`…
    pub fn code(self) -> &'static str {
        self.0.alpha2()
    }

    /// Every country, in code order.
    pub fn all() -> impl Iterator<Item = Country> {
        isocountry::CountryCode::iter().map(|c| Country(*c))
    }
}

/// The registration form as received: text fields as typed, nothing checked yet.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct RegistrationForm {
    pub given_name: String,
    pub family_name: String,
    pub email: String,
    pub organisation: String,
    pub function: Option<String>,
    pub category: String,
    pub country: String,
    pub language: String,
    pub needs: Option<String>,
    pub consent: bool,
    /// The answers to the event's questions, by question key.
    #[serde(default)]
    pub answers: std::collections::BTreeMap<String, crate::questions::RawAnswer>,
}

/// A registration that passed every check, ready to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Participant {
    pub given_name: Line,
    pub family_name: Line,
    pub email: Email,
    pub organisation: Line,
    pub function: Option<Line>,
    /// One of the event's category keys.
    pub category: String,
    pub country: Country,
    /// The language of their emails.
    pub language: Lang,
    /// Accessibility or dietary needs, free text.
    pub needs: Option<String>,
    /// The answers to the event's questions.
    pub answers: crate::questions::Answers,
}

impl RegistrationForm {
    /// Checks every field against `event`'s categories and questions; lists every problem found.
    pub fn parse(&self, event: &Event) -> Result<Participant, FormErrors> {
        self.parse_as(event, crate::questions::Required::Enforced)
    }

    /// Like [`RegistrationForm::parse`], for a walk-in registered by the desk: answers given are
    /// checked, but none is required — the queue at 09:00 does not wait for a dietary question.
    pub fn parse_walk_in(&self, event: &Event) -> Result<Participant, FormErrors> {
        self.parse_as(event, crate::questions::Required::Waived)
    }

    fn parse_as(
        &self,
        event: &Event,
        required: crate::questions::Required,
    ) -> Result<Participant, FormErrors> {
        let mut errors = FormErrors::default();
        let given_name = errors.check(
            Field::GivenName,
            Line::parse(&self.given_name, limits::NAME),
        );
        let family_name = errors.check(
            Field::FamilyName,
            Line::parse(&self.family_name, limits::NAME),
        );
        let organisation = errors.check(
            Field::Organisation,
            Line::parse(&self.organisation, limits::ORGANISATION),
        );
        let function = errors.check(Field::Function, parse_function(self.function.as_deref()));
        let email = errors.check(Field::Email, Email::parse(&self.email));
        let category = errors.check(Field::Category, parse_category(&self.category, event));
        let country = errors.check(Field::Country, Country::parse(&self.country));
        let language = errors.check(Field::Language, parse_language(&self.language));
        let needs = errors.check(Field::Needs, parse_needs(self.needs.as_deref()));
        if !self.consent {
            errors.add(Field::Consent, Problem::ConsentRequired);
        }
        // The questions asked depend on the category; without a valid one, none can be checked
        // fairly yet (the category's own error says what to fix first).
        let answers = match &category {
            Some(category) => {
                match crate::questions::parse_answers_as(
                    &event.questions,
                    category,
                    &self.answers,
                    required,
                ) {
                    Ok(answers) => Some(answers),
                    Err(problems) => {
                        errors.1 = problems;
                        None
                    }
                }
            }
            None => None,
        };
        // Every field is checked before answering, so that the form shows all its problems at once.
        match (
            given_name,
            family_name,
            email,
            organisation,
            function,
            category,
            country,
            language,
            needs,
            answers,
        ) {
            (
                Some(given_name),
                Some(family_name),
                Some(email),
                Some(organisation),
                Some(function),
                Some(category),
                Some(country),
                Some(language),
                Some(needs),
                Some(answers),
            ) if errors.is_empty() => Ok(Participant {
                given_name,
                family_name,
                email,
                organisation,
                function,
                category,
                country,
                language,
                needs,
                answers,
            }),
            _ => {
                errors.0.sort_by_key(|(field, _)| *field);
                Err(errors)
            }
        }
    }
}

/// The function is optional: left blank it is no function, not an error.
fn parse_function(raw: Option<&str>) -> Result<Option<Line>, Problem> {
    match raw.map(str::trim) {
        None | Some("") => Ok(None),
        Some(raw) => Line::parse(raw, limits::FUNCTION).map(Some),
    }
}

/// A category must be one of the event's own keys: the form may have been posted by hand.
fn parse_category(raw: &str, event: &Event) -> Result<String, Problem> {
    let key = raw.trim();
    if key.is_empty() {
        Err(Problem::Required)
    } else if event.category(key).is_none() {
        Err(Problem::UnknownCategory)
    } else {
        Ok(key.to_owned())
    }
}

/// The language of the participant's emails: only the languages guichet writes them in.
fn parse_language(raw: &str) -> Result<Lang, Problem> {
    match raw.trim() {
        "" => Err(Problem::Required),
        "fr" => Ok(Lang::Fr),
        "en" => Ok(Lang::En),
        "es" => Ok(Lang::Es),
        _ => Err(Problem::UnknownLanguage),
    }
}

/// Needs are optional free text, bounded so that a form cannot store a book.
fn parse_needs(raw: Option<&str>) -> Result<Option<String>, Problem> {
    match raw.map(str::trim) {
        None | Some("") => Ok(None),
        Some(text) if text.chars().count() > limits::NEEDS => {
            Err(Problem::TooLong { max: limits::NEEDS })
        }
        // Line breaks are fine in a free text; other control characters are not.
        Some(text)
            if text
                .chars()
                .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t') =>
        {
            Err(Problem::ControlCharacters)
        }
        Some(text) => Ok(Some(text.to_owned())),
    }
}

/// What organisers write to a participant with a decision (a declined request's message): plain
/// text, line breaks allowed, bounded so that an email can always carry it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note(String);

impl Note {
    pub const MAX: usize = 2_000;

    /// A blank message is no message.
    pub fn parse(raw: &str) -> Result<Option<Note>, Problem> {
        let text = raw.trim();
        if text.is_empty() {
            Ok(None)
        } else if text.chars().count() > Self::MAX {
            Err(Problem::TooLong { max: Self::MAX })
        } else if text
            .chars()
            .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
        {
            Err(Problem::ControlCharacters)
        } else if text.chars().any(is_invisible_format) {
            Err(Problem::InvisibleCharacters)
        } else {
            Ok(Some(Note(text.to_owned())))
        }
    }

    /// A message as stored, written by [`Note::parse`] before.
    pub fn from_stored(text: String) -> Self {
        Note(text)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Where a registration stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Has a seat and a ticket.
    Confirmed,
    /// Waiting for a seat, in arrival order.
    Waitlisted,
    Cancelled,
    /// A request at an event by approval: no seat, no ticket, until an organiser decides.
    Pending,
    /// A request an organiser declined.
    Declined,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Confirmed => "confirmed",
            Status::Waitlisted => "waitlisted",
            Status::Cancelled => "cancelled",
            Status::Pending => "pending",
            Status::Declined => "declined",
        }
    }

    pub const ALL: [Status; 5] = [
        Status::Confirmed,
        Status::Waitlisted,
        Status::Cancelled,
        Status::Pending,
        Status::Declined,
    ];

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|status| status.as_str() == s)
    }

    /// Whether the registration still stands (cancelled and declined ones do not): it counts in
    /// the figures of who is coming or may come.
    pub fn is_active(self) -> bool {
        !matches!(self, Status::Cancelled | Status::Declined)
    }
}

/// The emails a participant receives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EmailKind {
    /// A seat is theirs: the ticket with its QR code (also what "send my ticket again" sends).
    Confirmation,
    /// No seat yet: they are on the waitlist.
    Waitlisted,
    /// A seat freed up and is now theirs: the ticket.
    Promoted,
    /// Their registration is cancelled.
    Cancelled,
    /// At an event by approval: their request is received, and will be answered (no ticket).
    RequestReceived,
    /// Their request was declined, with the organisers' message if they wrote one.
    Declined,
    /// After the event: their certificate of attendance, attached.
    Certificate,
}

impl EmailKind {
    pub const ALL: [EmailKind; 7] = [
        EmailKind::Confirmation,
        EmailKind::Waitlisted,
        EmailKind::Promoted,
        EmailKind::Cancelled,
        EmailKind::RequestReceived,
        EmailKind::Declined,
        EmailKind::Certificate,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EmailKind::Confirmation => "confirmation",
            EmailKind::Waitlisted => "waitlisted",
            EmailKind::Promoted => "promoted",
            EmailKind::Cancelled => "cancelled",
            EmailKind::RequestReceived => "request_received",
            EmailKind::Declined => "declined",
            EmailKind::Certificate => "certificate",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// Whether the email carries the ticket (QR code and calendar file).
    pub fn carries_ticket(self) -> bool {
        matches!(self, EmailKind::Confirmation | EmailKind::Promoted)
    }
}

/// A stored registration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Registration {
    pub id: i32,
    pub event_id: i32,
    pub participant: Participant,
    pub status: Status,
    /// Raised when an organiser revokes the ticket: tokens of earlier versions stop working.
    pub ticket_version: i32,
    pub registered_at: DateTime<Utc>,
}

/// Whether online registration is open at `now`, or why not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Window {
    NotYetOpen { opens_at: DateTime<Utc> },
    Open,
    Closed,
}

impl Event {
    pub fn registration_window_at(&self, now: DateTime<Utc>) -> Window {
        if now < self.registration.opens_at() {
            Window::NotYetOpen {
                opens_at: self.registration.opens_at(),
            }
        } else if now < self.registration.closes_at() {
            Window::Open
        } else {
            Window::Closed
        }
    }
}

/// A participant for other modules' tests.
#[cfg(test)]
pub(crate) mod tests_support {
    use super::*;

    /// A valid participant of `event_file::tests_support::minimal()`'s event.
    pub(crate) fn participant() -> Participant {
        let event = crate::event_file::tests_support::minimal()
            .into_event()
            .expect("valid event");
        RegistrationForm {
            given_name: "Abdou".into(),
            family_name: "Mbengue Sene".into(),
            email: "abdou.sene@example.org".into(),
            organisation: "RIBA".into(),
            function: None,
            category: "speaker".into(),
            country: "SN".into(),
            language: "fr".into(),
            needs: None,
            consent: true,
            answers: Default::default(),
        }
        .parse(&event)
        .expect("valid participant")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masked_addresses_keep_the_first_character_and_the_domain_only() {
        let email = Email::parse("Marie.Dupont@example.org").expect("valid");
        assert_eq!(email.masked(), "M***@example.org");
        assert_eq!(mask_email("not an address"), "***");
    }

    fn event() -> Event {
        let file: crate::EventFile = crate::event_file::tests_support::minimal();
        file.into_event().expect("valid event")
    }

    fn form() -> RegistrationForm {
        RegistrationForm {
            given_name: " Abdou ".into(),
            family_name: "Mbengue Sene".into(),
            email: " Abdou.Sene@Example.ORG ".into(),
            organisation: "RIBA".into(),
            function: Some("".into()),
            category: "speaker".into(),
            country: "sn".into(),
            language: "fr".into(),
            needs: None,
            consent: true,
            answers: Default::default(),
        }
    }

    #[test]
    fn a_good_form_is_parsed_and_trimmed() {
        let p = form().parse(&event()).expect("valid form");
        assert_eq!(p.given_name.as_str(), "Abdou");
        assert_eq!(p.email.as_str(), "Abdou.Sene@Example.ORG");
        assert_eq!(p.email.normalized(), "abdou.sene@example.org");
        assert_eq!(p.country.code(), "SN");
        assert_eq!(p.function, None);
    }

    #[test]
    fn names_in_any_script_are_accepted() {
        let mut f = form();
        f.given_name = "Đinh Phạm".into();
        f.family_name = "范文丁 / Алисов / الناصري".into();
        assert!(f.parse(&event()).is_ok());
    }

    #[test]
    fn every_bad_field_is_named_once() {
        let f = RegistrationForm {
            given_name: "".into(),
            family_name: "x".repeat(limits::NAME + 1),
            email: "not an email".into(),
            organisation: "Org\u{7}".into(),
            function: None,
            category: "astronaut".into(),
            country: "XX".into(),
            language: "de".into(),
            needs: Some("n".repeat(limits::NEEDS + 1)),
            consent: false,
            answers: Default::default(),
        };
        let errors = f.parse(&event()).expect_err("invalid form");
        assert_eq!(
            errors.0,
            vec![
                (Field::GivenName, Problem::Required),
                (Field::FamilyName, Problem::TooLong { max: limits::NAME }),
                (Field::Email, Problem::InvalidEmail),
                (Field::Organisation, Problem::ControlCharacters),
                (Field::Category, Problem::UnknownCategory),
                (Field::Country, Problem::UnknownCountry),
                (Field::Language, Problem::UnknownLanguage),
                (Field::Needs, Problem::TooLong { max: limits::NEEDS }),
                (Field::Consent, Problem::ConsentRequired),
            ]
        );
    }

    #[test]
    fn emails_must_be_real_mailboxes() {
        assert!(Email::parse("a@example.org").is_ok());
        assert_eq!(Email::parse("a@localhost"), Err(Problem::InvalidEmail));
        assert_eq!(
            Email::parse("Name <a@example.org>"),
            Err(Problem::InvalidEmail)
        );
        assert_eq!(Email::parse("a@@example.org"), Err(Problem::InvalidEmail));
        assert_eq!(Email::parse("   "), Err(Problem::Required));
    }

    #[test]
    fn direction_controls_and_zero_width_characters_are_refused_in_every_line() {
        let invisible = [
            '\u{202A}', '\u{202B}', '\u{202C}', '\u{202D}', '\u{202E}', '\u{2066}', '\u{2067}',
            '\u{2068}', '\u{2069}', '\u{200E}', '\u{200F}', '\u{061C}', '\u{200B}', '\u{200C}',
            '\u{200D}', '\u{2060}', '\u{FEFF}',
        ];
        for c in invisible {
            for text in [
                format!("Ma{c}rie"),
                format!("{c}Marie"),
                format!("Marie{c}"),
            ] {
                assert_eq!(
                    Line::parse(&text, limits::NAME),
                    Err(Problem::InvisibleCharacters),
                    "U+{:04X} in {text:?}",
                    u32::from(c)
                );
            }
        }
        // The neighbours of those ranges are ordinary characters.
        for c in [
            '\u{2029}', '\u{202F}', '\u{2065}', '\u{206A}', '\u{200A}', '\u{2061}',
        ] {
            assert!(!is_invisible_format(c), "U+{:04X}", u32::from(c));
        }
        // Every path that builds a participant goes through the same rule.
        let mut f = form();
        f.given_name = "Ab\u{202E}dou".into();
        f.family_name = "Sene\u{200B}".into();
        f.organisation = "\u{FEFF}RIBA".into();
        f.function = Some("Dire\u{2066}ctor".into());
        let errors = f.parse(&event()).expect_err("refused");
        assert_eq!(
            errors.0,
            vec![
                (Field::GivenName, Problem::InvisibleCharacters),
                (Field::FamilyName, Problem::InvisibleCharacters),
                (Field::Organisation, Problem::InvisibleCharacters),
                (Field::Function, Problem::InvisibleCharacters),
            ]
        );
    }

    #[test]
    fn html_in_a_name_is_kept_as_text() {
        let mut f = form();
        f.given_name = "<script>alert(1)</script>".into();
        let p = f.parse(&event()).expect("accepted: escaped wherever shown");
        assert_eq!(p.given_name.as_str(), "<script>alert(1)</script>");
    }

    #[test]
    fn needs_keep_their_line_breaks_but_no_other_control_character() {
        assert_eq!(parse_needs(None), Ok(None));
        assert_eq!(parse_needs(Some("  ")), Ok(None));
        assert_eq!(
            parse_needs(Some(" vegetarian\r\nwheelchair\tramp ")),
            Ok(Some("vegetarian\r\nwheelchair\tramp".to_owned()))
        );
        assert_eq!(
            parse_needs(Some("vegetarian\u{1b}[31m")),
            Err(Problem::ControlCharacters)
        );
    }

    #[test]
    fn a_blank_function_is_no_function_and_a_blank_language_is_missing() {
        assert_eq!(parse_function(Some("   ")), Ok(None));
        assert_eq!(
            parse_function(Some(" Director ")).map(|f| f.map(|l| l.as_str().to_owned())),
            Ok(Some("Director".to_owned()))
        );
        assert_eq!(parse_language(" "), Err(Problem::Required));
        assert_eq!(parse_language(" en "), Ok(Lang::En));
    }
}

#[cfg(test)]
mod note_tests {
    use super::*;

    #[test]
    fn a_note_is_trimmed_bounded_and_plain_text() {
        assert_eq!(Note::parse("  \n "), Ok(None));
        assert_eq!(
            Note::parse(" Merci.\nÀ bientôt ").map(|n| n.map(|n| n.as_str().to_owned())),
            Ok(Some("Merci.\nÀ bientôt".to_owned()))
        );
        assert_eq!(
            Note::parse(&"a".repeat(Note::MAX + 1)),
            Err(Problem::TooLong { max: Note::MAX })
        );
        assert_eq!(Note::parse("a\u{7}b"), Err(Problem::ControlCharacters));
        assert_eq!(Note::parse("a\u{202e}b"), Err(Problem::InvisibleCharacters));
    }
}

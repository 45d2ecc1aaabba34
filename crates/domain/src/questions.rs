//! The questions an organiser adds to an event's registration form (dietary needs, the
//! interpretation language wanted, a passport number…), and a participant's answers to them.
//!
//! A [`Question`] comes from the event file (`[[questions]]`, parsed in `event_file.rs`); an
//! [`Answers`] comes from [`parse_answers`], which checks what a form or the API sent against the
//! event's questions and words every problem against `answers.KEY`. What passed is stored with
//! the registration as it is here (see `persistence`), so a stored answer is always one the
//! question allows — or was, before the question changed (an import that would make answers
//! wrong is refused unless forced).

use crate::lang::Lang;
use crate::registration::{Country, Problem};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Bounds on questions, so that a form stays a form.
pub mod limits {
    pub const QUESTIONS: usize = 50;
    pub const OPTIONS: usize = 50;
    /// The default and the largest `max_length` of a one-line answer.
    pub const TEXT: u32 = 300;
    /// The default and the largest `max_length` of a long answer.
    pub const LONG_TEXT: u32 = 5_000;
    /// A question's help text.
    pub const HELP: usize = 1_000;
}

/// A text in each language the organisers wrote it in; the event's own language is always
/// there (the event file's checks), the others may be missing.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Texts {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fr: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub en: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub es: Option<String>,
}

impl Texts {
    /// The text in `lang`, else in the event's language (`written_in`), else any there is.
    pub fn get(&self, lang: Lang, written_in: Lang) -> &str {
        self.in_lang(lang)
            .or_else(|| self.in_lang(written_in))
            .or(self.fr.as_deref())
            .or(self.en.as_deref())
            .or(self.es.as_deref())
            .unwrap_or_default()
    }

    /// The text in exactly `lang`, if written.
    pub fn in_lang(&self, lang: Lang) -> Option<&str> {
        match lang {
            Lang::Fr => self.fr.as_deref(),
            Lang::En => self.en.as_deref(),
            Lang::Es => self.es.as_deref(),
        }
    }
}

/// One option of a choice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Choice {
    pub key: String,
    pub label: Texts,
}

/// What kind of answer a question takes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum QuestionKind {
    /// One line, at most `max_length` characters.
    Text { max_length: u32 },
    /// Several lines.
    LongText { max_length: u32 },
    /// One of the options.
    Choice { options: Vec<Choice> },
    /// Any of the options (at least one when required).
    MultiChoice { options: Vec<Choice> },
    /// Ticked or not; a required one must be ticked (a condition accepted).
    Checkbox,
    /// A calendar date.
    Date,
    /// A number.
    Number,
    /// A country (ISO 3166-1 alpha-2).
    Country,
}

impl QuestionKind {
    /// Its name in event files and the API.
    pub fn name(&self) -> &'static str {
        match self {
            QuestionKind::Text { .. } => "text",
            QuestionKind::LongText { .. } => "long_text",
            QuestionKind::Choice { .. } => "choice",
            QuestionKind::MultiChoice { .. } => "multi_choice",
            QuestionKind::Checkbox => "checkbox",
            QuestionKind::Date => "date",
            QuestionKind::Number => "number",
            QuestionKind::Country => "country",
        }
    }

    /// Every kind's name, for the event file's error message.
    pub const NAMES: [&'static str; 8] = [
        "text",
        "long_text",
        "choice",
        "multi_choice",
        "checkbox",
        "date",
        "number",
        "country",
    ];

    /// The options of a choice, none for the other kinds.
    pub fn options(&self) -> &[Choice] {
        match self {
            QuestionKind::Choice { options } | QuestionKind::MultiChoice { options } => options,
            _ => &[],
        }
    }
}

/// A question of the registration form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Question {
    /// Its key in answers (`answers.KEY`), reports and the event file: a-z, 0-9 and `_`.
    pub key: String,
    #[serde(flatten)]
    pub kind: QuestionKind,
    pub label: Texts,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub help: Option<Texts>,
    pub required: bool,
    /// The categories it is asked of; empty: everyone.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub categories: Vec<String>,
}

impl Question {
    /// Whether a participant of `category` is asked it.
    pub fn applies_to(&self, category: &str) -> bool {
        self.categories.is_empty() || self.categories.iter().any(|c| c == category)
    }

    /// The label of the option `key`, in `lang`.
    pub fn option_label(&self, key: &str, lang: Lang, written_in: Lang) -> Option<&str> {
        self.kind
            .options()
            .iter()
            .find(|o| o.key == key)
            .map(|o| o.label.get(lang, written_in))
    }
}

/// An answer as a form or the API sends it, before it is checked: JSON's string, number,
/// boolean or list of strings (option keys).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum RawAnswer {
    Flag(bool),
    Number(f64),
    Text(String),
    List(Vec<String>),
}

/// A checked answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Answer {
    Flag(bool),
    Number(f64),
    /// A text, an option's key, a date (`YYYY-MM-DD`) or a country code, as the question's kind
    /// says.
    Text(String),
    /// Option keys, in the question's order.
    List(Vec<String>),
}

// Numbers are always finite ([`parse_answers`] refuses NaN and infinities, and stored answers
// were parsed), so equality is total.
impl Eq for Answer {}

/// A participant's answers, by question key. Only answered questions are there.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Answers(pub BTreeMap<String, Answer>);

impl Answers {
    pub fn get(&self, key: &str) -> Option<&Answer> {
        self.0.get(key)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `question`'s answer as a person reads it, in `lang`: an option's label, options joined
    /// with `; `, yes or no (`yes`/`no` words given), a number as typed; empty when unanswered.
    pub fn shown(
        &self,
        question: &Question,
        lang: Lang,
        written_in: Lang,
        yes_no: [&str; 2],
    ) -> String {
        let Some(answer) = self.get(&question.key) else {
            return String::new();
        };
        let label = |key: &str| {
            question
                .option_label(key, lang, written_in)
                .unwrap_or(key)
                .to_owned()
        };
        match (answer, &question.kind) {
            (Answer::Flag(true), _) => yes_no[0].to_owned(),
            (Answer::Flag(false), _) => yes_no[1].to_owned(),
            (Answer::Number(n), _) => format_number(*n),
            (Answer::Text(key), QuestionKind::Choice { .. }) => label(key),
            (Answer::Text(text), _) => text.clone(),
            (Answer::List(keys), _) => keys.iter().map(|k| label(k)).collect::<Vec<_>>().join("; "),
        }
    }
}

/// Why replacing an event's questions would make answers already given meaningless.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Dropped {
    /// The question is gone.
    Removed,
    /// The question takes another kind of answer now.
    Retyped {
        from: &'static str,
        to: &'static str,
    },
}

/// A question with answers that a new set of questions would drop.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DroppedAnswers {
    pub key: String,
    /// Registrations that answered it.
    pub answers: u64,
    pub why: Dropped,
}

impl std::fmt::Display for DroppedAnswers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (key, n) = (&self.key, self.answers);
        match &self.why {
            Dropped::Removed => write!(
                f,
                "question {key:?} is removed, and {n} registration(s) answered it"
            ),
            Dropped::Retyped { from, to } => write!(
                f,
                "question {key:?} changes from {from} to {to}, and {n} registration(s) answered it"
            ),
        }
    }
}

/// The questions of `old` that have answers (`answered`: answers per question key) and that
/// `new` removes or re-types. Adding a question, or changing only its labels, drops nothing.
pub fn answers_dropped(
    old: &[Question],
    new: &[Question],
    answered: &BTreeMap<String, u64>,
) -> Vec<DroppedAnswers> {
    old.iter()
        .filter_map(|before| {
            let answers = answered.get(&before.key).copied().filter(|n| *n > 0)?;
            let why = match new.iter().find(|q| q.key == before.key) {
                None => Dropped::Removed,
                Some(after) if after.kind.name() != before.kind.name() => Dropped::Retyped {
                    from: before.kind.name(),
                    to: after.kind.name(),
                },
                Some(_) => return None,
            };
            Some(DroppedAnswers {
                key: before.key.clone(),
                answers,
                why,
            })
        })
        .collect()
}

/// A number as people write it: no `.0` on a whole number.
pub fn format_number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        n.to_string()
    }
}

/// Whether required questions must be answered: by a participant, yes; for a walk-in the desk
/// registers, no.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Required {
    Enforced,
    Waived,
}

/// Checks `raw` against the questions asked of a participant of `category`: every problem, by
/// question key. Answers to questions not asked of that category are dropped (the page shows
/// every question to a visitor who has not chosen a category yet); an answer to no question is
/// an error.
pub fn parse_answers(
    questions: &[Question],
    category: &str,
    raw: &BTreeMap<String, RawAnswer>,
) -> Result<Answers, Vec<(String, Problem)>> {
    parse_answers_as(questions, category, raw, Required::Enforced)
}

/// [`parse_answers`], with required questions enforced or not.
pub fn parse_answers_as(
    questions: &[Question],
    category: &str,
    raw: &BTreeMap<String, RawAnswer>,
    required: Required,
) -> Result<Answers, Vec<(String, Problem)>> {
    let enforced = required == Required::Enforced;
    let mut problems = Vec::new();
    for key in raw.keys() {
        if !questions.iter().any(|q| &q.key == key) {
            problems.push((key.clone(), Problem::UnknownQuestion));
        }
    }
    let mut answers = BTreeMap::new();
    for question in questions.iter().filter(|q| q.applies_to(category)) {
        let must = question.required && enforced;
        match parse_answer(question, must, raw.get(&question.key)) {
            Ok(Some(answer)) => {
                answers.insert(question.key.clone(), answer);
            }
            Ok(None) if must => problems.push((question.key.clone(), Problem::Required)),
            Ok(None) => {}
            Err(problem) => problems.push((question.key.clone(), problem)),
        }
    }
    if problems.is_empty() {
        Ok(Answers(answers))
    } else {
        Err(problems)
    }
}

/// One answer, or `None` when it was left blank; `required`: it must be given (and a box ticked).
fn parse_answer(
    question: &Question,
    required: bool,
    raw: Option<&RawAnswer>,
) -> Result<Option<Answer>, Problem> {
    let Some(raw) = raw else {
        // An unticked box is absent from a browser's form: it is "no", not unanswered.
        return Ok(match question.kind {
            QuestionKind::Checkbox if !required => Some(Answer::Flag(false)),
            _ => None,
        });
    };
    match (&question.kind, raw) {
        (QuestionKind::Text { max_length }, RawAnswer::Text(text)) => {
            one_line(text, *max_length).map(|t| t.map(Answer::Text))
        }
        (QuestionKind::LongText { max_length }, RawAnswer::Text(text)) => {
            long_text(text, *max_length).map(|t| t.map(Answer::Text))
        }
        (QuestionKind::Choice { options }, RawAnswer::Text(key)) => {
            let key = key.trim();
            if key.is_empty() {
                Ok(None)
            } else if options.iter().any(|o| o.key == key) {
                Ok(Some(Answer::Text(key.to_owned())))
            } else {
                Err(Problem::UnknownOption)
            }
        }
        (QuestionKind::MultiChoice { options }, RawAnswer::List(keys)) => {
            if let Some(_unknown) = keys.iter().find(|k| !options.iter().any(|o| &o.key == *k)) {
                return Err(Problem::UnknownOption);
            }
            // In the question's order, each once.
            let chosen: Vec<String> = options
                .iter()
                .filter(|o| keys.contains(&o.key))
                .map(|o| o.key.clone())
                .collect();
            Ok((!chosen.is_empty()).then_some(Answer::List(chosen)))
        }
        (QuestionKind::Checkbox, RawAnswer::Flag(ticked)) => {
            if required && !ticked {
                Err(Problem::Required)
            } else {
                Ok(Some(Answer::Flag(*ticked)))
            }
        }
        (QuestionKind::Date, RawAnswer::Text(text)) => {
            let text = text.trim();
            if text.is_empty() {
                return Ok(None);
            }
            NaiveDate::parse_from_str(text, "%Y-%m-%d")
                .map(|date| Some(Answer::Text(date.format("%Y-%m-%d").to_string())))
                .map_err(|_| Problem::InvalidDate)
        }
        (QuestionKind::Number, RawAnswer::Number(n)) if n.is_finite() => {
            Ok(Some(Answer::Number(*n)))
        }
        // A browser's form sends numbers as text.
        (QuestionKind::Number, RawAnswer::Text(text)) => {
            let text = text.trim();
            if text.is_empty() {
                return Ok(None);
            }
            match text.replace(',', ".").parse::<f64>() {
                Ok(n) if n.is_finite() => Ok(Some(Answer::Number(n))),
                _ => Err(Problem::InvalidNumber),
            }
        }
        (QuestionKind::Country, RawAnswer::Text(text)) => {
            if text.trim().is_empty() {
                return Ok(None);
            }
            Country::parse(text).map(|c| Some(Answer::Text(c.code().to_owned())))
        }
        _ => Err(Problem::WrongType),
    }
}

/// A one-line answer: trimmed, bounded, no control or invisible formatting characters.
fn one_line(text: &str, max: u32) -> Result<Option<String>, Problem> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    crate::registration::Line::parse(text, max as usize).map(|line| Some(line.as_str().to_owned()))
}

/// A long answer: lines kept, bounded, no control characters but line breaks and tabs.
fn long_text(text: &str, max: u32) -> Result<Option<String>, Problem> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    if text.chars().count() > max as usize {
        return Err(Problem::TooLong { max: max as usize });
    }
    if text
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        return Err(Problem::ControlCharacters);
    }
    if text.chars().any(crate::registration::is_invisible_format) {
        return Err(Problem::InvisibleCharacters);
    }
    Ok(Some(text.replace("\r\n", "\n")))
}

/// A stored answer as a form would send it back: what an organiser's form is filled in with.
impl From<Answer> for RawAnswer {
    fn from(answer: Answer) -> Self {
        match answer {
            Answer::Flag(ticked) => RawAnswer::Flag(ticked),
            Answer::Number(n) => RawAnswer::Number(n),
            Answer::Text(text) => RawAnswer::Text(text),
            Answer::List(keys) => RawAnswer::List(keys),
        }
    }
}

impl Answers {
    /// The keys whose answer differs between `self` and `other` (given, changed or removed), in
    /// key order: what an organiser's correction changed, for the audit log.
    pub fn changed_keys(&self, other: &Answers) -> Vec<String> {
        let keys: std::collections::BTreeSet<&String> =
            self.0.keys().chain(other.0.keys()).collect();
        keys.into_iter()
            .filter(|key| self.0.get(*key) != other.0.get(*key))
            .map(|key| (*key).clone())
            .collect()
    }

    /// These (stored) answers after an organiser's correction `edited`, which
    /// [`parse_answers_as`] checked for a participant of `category`: the answers to the questions
    /// asked of that category are `edited`'s (a question left empty loses its answer); a stored
    /// answer to any other key is kept as it is, since the form did not show it (a question an
    /// import removed or re-typed with `--force`, whose answers are kept though no longer shown).
    pub fn corrected(&self, questions: &[Question], category: &str, edited: Answers) -> Answers {
        let asked = |key: &str| {
            questions
                .iter()
                .any(|q| q.key == key && q.applies_to(category))
        };
        let mut answers: BTreeMap<String, Answer> = self
            .0
            .iter()
            .filter(|(key, _)| !asked(key))
            .map(|(key, answer)| (key.clone(), answer.clone()))
            .collect();
        answers.extend(edited.0);
        Answers(answers)
    }
}

/// What a registration can pick of a question that the dashboard counts: an option of a choice
/// or multiple choice, or a box ticked or not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Picked {
    /// The option with this key.
    Option(String),
    Ticked,
    NotTicked,
}

/// How many registrations picked each option of one question.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tally {
    /// The question's key.
    pub question: String,
    /// Each option in the question's order (a box: ticked, then not), with its count; an option
    /// nobody picked is there with 0.
    pub counts: Vec<(Picked, u64)>,
}

/// For each choice, multiple choice and checkbox question of `questions`, in their order, how
/// many of `answers` picked each option. A multiple choice counts each option ticked, so its
/// counts may add up to more than the registrations; a registration that did not answer (or was
/// not asked) counts for no option; an answer that is not one of the options (a question
/// re-typed by a forced import) is not counted.
pub fn tally_options<A: std::borrow::Borrow<Answers>>(
    questions: &[Question],
    answers: impl IntoIterator<Item = A>,
) -> Vec<Tally> {
    let mut tallies: Vec<(&Question, Tally)> = questions
        .iter()
        .filter_map(|question| {
            let picks: Vec<Picked> = match &question.kind {
                QuestionKind::Choice { options } | QuestionKind::MultiChoice { options } => options
                    .iter()
                    .map(|o| Picked::Option(o.key.clone()))
                    .collect(),
                QuestionKind::Checkbox => vec![Picked::Ticked, Picked::NotTicked],
                _ => return None,
            };
            let tally = Tally {
                question: question.key.clone(),
                counts: picks.into_iter().map(|p| (p, 0)).collect(),
            };
            Some((question, tally))
        })
        .collect();
    if tallies.is_empty() {
        return Vec::new();
    }
    for answers in answers {
        let answers = answers.borrow();
        for (question, tally) in &mut tallies {
            let counts = &mut tally.counts;
            match (answers.get(&question.key), &question.kind) {
                (Some(Answer::Text(key)), QuestionKind::Choice { .. }) => bump(counts, key),
                (Some(Answer::List(keys)), QuestionKind::MultiChoice { .. }) => {
                    for key in keys {
                        bump(counts, key);
                    }
                }
                (Some(Answer::Flag(ticked)), QuestionKind::Checkbox) => {
                    let picked = if *ticked {
                        Picked::Ticked
                    } else {
                        Picked::NotTicked
                    };
                    if let Some((_, n)) = counts.iter_mut().find(|(p, _)| *p == picked) {
                        *n += 1;
                    }
                }
                _ => {}
            }
        }
    }
    tallies.into_iter().map(|(_, tally)| tally).collect()
}

/// Counts one more for the option `key` (none when it is not an option).
fn bump(counts: &mut [(Picked, u64)], key: &str) {
    if let Some((_, n)) = counts
        .iter_mut()
        .find(|(p, _)| matches!(p, Picked::Option(k) if k == key))
    {
        *n += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(en: &str) -> Texts {
        Texts {
            en: Some(en.into()),
            ..Texts::default()
        }
    }

    fn question(key: &str, kind: QuestionKind, required: bool) -> Question {
        Question {
            key: key.into(),
            kind,
            label: texts(key),
            help: None,
            required,
            categories: Vec::new(),
        }
    }

    fn options(keys: &[&str]) -> Vec<Choice> {
        keys.iter()
            .map(|k| Choice {
                key: (*k).into(),
                label: texts(&k.to_uppercase()),
            })
            .collect()
    }

    fn every_kind() -> Vec<Question> {
        vec![
            question("name_badge", QuestionKind::Text { max_length: 10 }, true),
            question("remarks", QuestionKind::LongText { max_length: 50 }, false),
            question(
                "interpretation",
                QuestionKind::Choice {
                    options: options(&["fr", "en", "es"]),
                },
                true,
            ),
            question(
                "visits",
                QuestionKind::MultiChoice {
                    options: options(&["unog", "ilo", "wto"]),
                },
                false,
            ),
            question("photo_consent", QuestionKind::Checkbox, false),
            question("arrival", QuestionKind::Date, false),
            question("nights", QuestionKind::Number, false),
            question("passport_country", QuestionKind::Country, false),
        ]
    }

    fn raw(pairs: &[(&str, RawAnswer)]) -> BTreeMap<String, RawAnswer> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), v.clone()))
            .collect()
    }

    #[test]
    fn every_kind_takes_its_answer_and_normalises_it() {
        let answers = parse_answers(
            &every_kind(),
            "member_state",
            &raw(&[
                ("name_badge", RawAnswer::Text("  Ada  ".into())),
                ("remarks", RawAnswer::Text("line one\r\nline two".into())),
                ("interpretation", RawAnswer::Text("es".into())),
                (
                    "visits",
                    RawAnswer::List(vec!["wto".into(), "unog".into(), "wto".into()]),
                ),
                ("photo_consent", RawAnswer::Flag(true)),
                ("arrival", RawAnswer::Text("2008-07-06".into())),
                ("nights", RawAnswer::Text("2,5".into())),
                ("passport_country", RawAnswer::Text("ch".into())),
            ]),
        )
        .expect("valid");
        let get = |k: &str| answers.get(k).cloned();
        assert_eq!(get("name_badge"), Some(Answer::Text("Ada".into())));
        assert_eq!(
            get("remarks"),
            Some(Answer::Text("line one\nline two".into()))
        );
        assert_eq!(get("interpretation"), Some(Answer::Text("es".into())));
        assert_eq!(
            get("visits"),
            Some(Answer::List(vec!["unog".into(), "wto".into()])),
            "in the question's order, each once"
        );
        assert_eq!(get("photo_consent"), Some(Answer::Flag(true)));
        assert_eq!(get("arrival"), Some(Answer::Text("2008-07-06".into())));
        assert_eq!(get("nights"), Some(Answer::Number(2.5)));
        assert_eq!(get("passport_country"), Some(Answer::Text("CH".into())));
        let questions = every_kind();
        assert_eq!(
            answers.shown(&questions[3], Lang::En, Lang::En, ["yes", "no"]),
            "UNOG; WTO"
        );
        assert_eq!(
            answers.shown(&questions[2], Lang::En, Lang::En, ["yes", "no"]),
            "ES"
        );
    }

    #[test]
    fn each_bad_answer_is_named_by_its_key() {
        let problems = parse_answers(
            &every_kind(),
            "member_state",
            &raw(&[
                ("name_badge", RawAnswer::Text("far too long a name".into())),
                ("remarks", RawAnswer::Text("bell\u{7}".into())),
                ("interpretation", RawAnswer::Text("de".into())),
                ("visits", RawAnswer::List(vec!["moon".into()])),
                ("photo_consent", RawAnswer::Text("yes".into())),
                ("arrival", RawAnswer::Text("06/07/2008".into())),
                ("nights", RawAnswer::Text("two".into())),
                ("passport_country", RawAnswer::Text("XX".into())),
                ("shoe_size", RawAnswer::Number(42.0)),
            ]),
        )
        .expect_err("invalid");
        let problem = |k: &str| problems.iter().find(|(key, _)| key == k).map(|(_, p)| *p);
        assert_eq!(problem("name_badge"), Some(Problem::TooLong { max: 10 }));
        assert_eq!(problem("remarks"), Some(Problem::ControlCharacters));
        assert_eq!(problem("interpretation"), Some(Problem::UnknownOption));
        assert_eq!(problem("visits"), Some(Problem::UnknownOption));
        assert_eq!(problem("photo_consent"), Some(Problem::WrongType));
        assert_eq!(problem("arrival"), Some(Problem::InvalidDate));
        assert_eq!(problem("nights"), Some(Problem::InvalidNumber));
        assert_eq!(problem("passport_country"), Some(Problem::UnknownCountry));
        assert_eq!(problem("shoe_size"), Some(Problem::UnknownQuestion));
        assert_eq!(problems.len(), 9);
    }

    #[test]
    fn required_questions_must_be_answered_unless_not_asked_of_the_category() {
        let mut questions = every_kind();
        let problems =
            parse_answers(&questions, "member_state", &BTreeMap::new()).expect_err("two required");
        assert_eq!(
            problems,
            vec![
                ("name_badge".to_owned(), Problem::Required),
                ("interpretation".to_owned(), Problem::Required),
            ]
        );
        // Asked of speakers only: a Member State's delegate skips it, and an answer they sent
        // anyway is dropped.
        questions[0].categories = vec!["speaker".into()];
        let answers = parse_answers(
            &questions,
            "member_state",
            &raw(&[
                ("name_badge", RawAnswer::Text("Ada".into())),
                ("interpretation", RawAnswer::Text("fr".into())),
            ]),
        )
        .expect("valid");
        assert_eq!(answers.get("name_badge"), None);
        // An unticked box is a "no"; a required box must be ticked.
        assert_eq!(answers.get("photo_consent"), Some(&Answer::Flag(false)));
        questions[4].required = true;
        let problems = parse_answers(
            &questions,
            "member_state",
            &raw(&[
                ("interpretation", RawAnswer::Text("fr".into())),
                ("photo_consent", RawAnswer::Flag(false)),
            ]),
        )
        .expect_err("must be ticked");
        assert_eq!(
            problems,
            vec![("photo_consent".to_owned(), Problem::Required)]
        );
    }

    #[test]
    fn removing_or_retyping_an_answered_question_drops_answers_and_adding_one_does_not() {
        let old = every_kind();
        let answered: BTreeMap<String, u64> =
            [("interpretation".to_owned(), 3), ("visits".to_owned(), 1)].into();
        let mut new = old.clone();
        assert_eq!(answers_dropped(&old, &new, &answered), Vec::new());
        new.push(question("shoe_size", QuestionKind::Number, false));
        new[0].label = texts("A new label");
        assert_eq!(
            answers_dropped(&old, &new, &answered),
            Vec::new(),
            "added, relabelled"
        );
        new.retain(|q| q.key != "visits");
        new[2].kind = QuestionKind::Text { max_length: 10 };
        // Unanswered questions may go freely.
        new.retain(|q| q.key != "arrival");
        let dropped = answers_dropped(&old, &new, &answered);
        assert_eq!(
            dropped.iter().map(ToString::to_string).collect::<Vec<_>>(),
            [
                "question \"interpretation\" changes from choice to text, and 3 registration(s) answered it",
                "question \"visits\" is removed, and 1 registration(s) answered it",
            ]
        );
    }

    #[test]
    fn a_text_falls_back_to_the_events_language() {
        let t = Texts {
            fr: Some("Régime".into()),
            en: None,
            es: Some("Dieta".into()),
        };
        assert_eq!(t.get(Lang::Es, Lang::Fr), "Dieta");
        assert_eq!(t.get(Lang::En, Lang::Fr), "Régime");
        assert_eq!(format_number(3.0), "3");
        assert_eq!(format_number(2.5), "2.5");
    }

    fn answers(pairs: &[(&str, Answer)]) -> Answers {
        Answers(
            pairs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), v.clone()))
                .collect(),
        )
    }

    fn keys(keys: &[&str]) -> Answer {
        Answer::List(keys.iter().map(|k| (*k).to_owned()).collect())
    }

    #[test]
    fn options_are_counted_in_the_questions_order_with_zeros_and_other_kinds_are_not() {
        let questions = every_kind();
        let given = [
            answers(&[
                ("interpretation", Answer::Text("es".into())),
                ("visits", keys(&["unog", "wto"])),
                ("photo_consent", Answer::Flag(true)),
            ]),
            answers(&[
                ("interpretation", Answer::Text("es".into())),
                ("visits", keys(&["wto"])),
                ("photo_consent", Answer::Flag(false)),
                ("nights", Answer::Number(2.0)),
            ]),
            answers(&[("interpretation", Answer::Text("fr".into()))]),
            // Not answered at all (registered before the questions, or not asked).
            Answers::default(),
        ];
        let tallies = tally_options(&questions, &given);
        let option = |k: &str| Picked::Option(k.into());
        assert_eq!(
            tallies,
            vec![
                Tally {
                    question: "interpretation".into(),
                    counts: vec![(option("fr"), 1), (option("en"), 0), (option("es"), 2)],
                },
                Tally {
                    question: "visits".into(),
                    counts: vec![(option("unog"), 1), (option("ilo"), 0), (option("wto"), 2)],
                },
                Tally {
                    question: "photo_consent".into(),
                    counts: vec![(Picked::Ticked, 1), (Picked::NotTicked, 1)],
                },
            ],
            "choices, multiple choices and boxes only, options in the event's order"
        );
        // No registration yet: every option, at 0.
        let empty = tally_options(&questions, Vec::<Answers>::new());
        assert_eq!(empty.len(), 3);
        assert!(empty.iter().all(|t| t.counts.iter().all(|(_, n)| *n == 0)));
        // No question to count: nothing, whatever the answers.
        assert_eq!(tally_options(&questions[5..], &given), Vec::new());
    }

    #[test]
    fn an_answer_that_is_not_an_option_is_not_counted() {
        let questions = every_kind();
        // What a forced import that re-typed or re-optioned a question can leave stored.
        let given = [answers(&[
            ("interpretation", Answer::Text("de".into())),
            ("visits", Answer::Text("unog".into())),
            ("photo_consent", Answer::Text("yes".into())),
        ])];
        let tallies = tally_options(&questions, given);
        assert!(
            tallies
                .iter()
                .all(|t| t.counts.iter().all(|(_, n)| *n == 0)),
            "{tallies:?}"
        );
    }

    #[test]
    fn a_correction_replaces_the_asked_answers_keeps_the_others_and_names_what_changed() {
        let mut questions = every_kind();
        questions[6].categories = vec!["speaker".into()];
        let stored = answers(&[
            ("interpretation", Answer::Text("fr".into())),
            ("remarks", Answer::Text("Late".into())),
            // Not asked of a Member State's delegate now; and a question no longer asked at all.
            ("nights", Answer::Number(2.0)),
            ("shoe_size", Answer::Number(42.0)),
        ]);
        let edited = parse_answers_as(
            &questions,
            "member_state",
            &raw(&[
                ("interpretation", RawAnswer::Text("en".into())),
                ("remarks", RawAnswer::Text("".into())),
                ("name_badge", RawAnswer::Text("Ada".into())),
            ]),
            Required::Waived,
        )
        .expect("valid");
        let corrected = stored.corrected(&questions, "member_state", edited);
        assert_eq!(
            corrected,
            answers(&[
                ("interpretation", Answer::Text("en".into())),
                ("name_badge", Answer::Text("Ada".into())),
                ("photo_consent", Answer::Flag(false)),
                ("nights", Answer::Number(2.0)),
                ("shoe_size", Answer::Number(42.0)),
            ])
        );
        assert_eq!(
            stored.changed_keys(&corrected),
            ["interpretation", "name_badge", "photo_consent", "remarks"]
        );
        assert_eq!(
            corrected.changed_keys(&corrected.clone()),
            Vec::<String>::new()
        );
        // A stored answer goes back into the form as it would be sent.
        assert_eq!(
            RawAnswer::from(keys(&["unog"])),
            RawAnswer::List(vec!["unog".into()])
        );
        assert_eq!(RawAnswer::from(Answer::Flag(true)), RawAnswer::Flag(true));
    }
}

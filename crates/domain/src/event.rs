//! An event: what it is, where and when, how many seats, and its agenda.

use crate::agenda::Agenda;
use crate::lang::Lang;
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// The short name of an event in its URLs: `/events/{slug}`.
///
/// Lowercase ASCII letters, digits and single hyphens between them, at most 64 characters, so it
/// needs no escaping anywhere it appears.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct Slug(String);

/// Why a text is not a slug.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SlugError {
    #[error("is empty")]
    Empty,
    #[error("is longer than {max} characters", max = Slug::MAX_LEN)]
    TooLong,
    #[error("may hold only lowercase letters a-z, digits and single hyphens between them")]
    BadCharacters,
}

impl Slug {
    pub const MAX_LEN: usize = 64;

    pub fn parse(s: &str) -> Result<Self, SlugError> {
        if s.is_empty() {
            return Err(SlugError::Empty);
        }
        if s.len() > Self::MAX_LEN {
            return Err(SlugError::TooLong);
        }
        let well_formed = s.split('-').all(|part| {
            !part.is_empty()
                && part
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        });
        if !well_formed {
            return Err(SlugError::BadCharacters);
        }
        Ok(Self(s.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for Slug {
    type Err = SlugError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl fmt::Display for Slug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Slug {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        Slug::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// The number of seats: at least one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct Capacity(u32);

impl Capacity {
    /// Larger than any venue guichet could serve; it keeps counts well inside an `i32` column.
    pub const MAX: u32 = 1_000_000;

    pub fn new(seats: u32) -> Option<Self> {
        (1..=Self::MAX).contains(&seats).then_some(Self(seats))
    }

    pub fn seats(self) -> u32 {
        self.0
    }
}

/// Where the event takes place.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Venue {
    pub name: String,
    pub address: Option<String>,
    pub city: String,
}

/// A category of participant (Member State, NGO, media…), named in French and English, and in
/// Spanish if the organisers wrote it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Category {
    pub key: String,
    pub fr: String,
    pub en: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub es: Option<String>,
}

impl Category {
    /// Its name in `lang`; without a Spanish name, Spanish pages show the one in the event's
    /// language (`written_in`).
    pub fn label(&self, lang: Lang, written_in: Lang) -> &str {
        match (lang, &self.es) {
            (Lang::Fr, _) => &self.fr,
            (Lang::En, _) => &self.en,
            (Lang::Es, Some(es)) => es,
            (Lang::Es, None) => match written_in {
                Lang::En => &self.en,
                _ => &self.fr,
            },
        }
    }
}

/// When online registration is accepted: from `opens_at` (included) to `closes_at` (excluded),
/// `opens_at` strictly before `closes_at`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RegistrationWindow {
    opens_at: DateTime<Utc>,
    closes_at: DateTime<Utc>,
}

impl RegistrationWindow {
    pub fn new(opens_at: DateTime<Utc>, closes_at: DateTime<Utc>) -> Option<Self> {
        (opens_at < closes_at).then_some(Self {
            opens_at,
            closes_at,
        })
    }

    pub fn opens_at(&self) -> DateTime<Utc> {
        self.opens_at
    }

    pub fn closes_at(&self) -> DateTime<Utc> {
        self.closes_at
    }
}

/// An event, valid in every part: build one from an [`crate::EventFile`] or from storage.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub slug: Slug,
    pub title: String,
    /// Who organises it, as the event presents itself.
    pub organiser: Option<String>,
    /// The language the event's own texts (title, overview, agenda) are written in. guichet's UI
    /// around them follows the visitor's language; these texts stay as written.
    pub language: Lang,
    pub overview: String,
    pub objectives: Vec<String>,
    pub venue: Venue,
    pub time_zone: Tz,
    pub capacity: Capacity,
    /// Whether a registration is taken at once or is a request the organisers decide on.
    pub approval: Approval,
    pub registration: RegistrationWindow,
    pub categories: Vec<Category>,
    /// The organisers' own questions, asked after the fixed fields, in this order.
    pub questions: Vec<crate::questions::Question>,
    pub published: bool,
    pub agenda: Agenda,
}

/// How an event takes a new registration.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Approval {
    /// Confirmed at once while seats remain, waitlisted after.
    #[default]
    Auto,
    /// A request: `pending`, holding no seat, until an organiser approves or declines it (an
    /// event by invitation, or a public form that draws spam).
    Manual,
}

impl Approval {
    pub fn is_auto(&self) -> bool {
        *self == Approval::Auto
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Approval::Auto => "auto",
            Approval::Manual => "manual",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "auto" => Some(Approval::Auto),
            "manual" => Some(Approval::Manual),
            _ => None,
        }
    }
}

impl Event {
    /// The category with this key, if the event has one.
    pub fn category(&self, key: &str) -> Option<&Category> {
        self.categories.iter().find(|c| c.key == key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_lowercase_words_joined_by_single_hyphens() {
        assert!(Slug::parse("idm-2008-retour").is_ok());
        assert_eq!(Slug::parse(""), Err(SlugError::Empty));
        assert_eq!(Slug::parse("IDM"), Err(SlugError::BadCharacters));
        assert_eq!(Slug::parse("a--b"), Err(SlugError::BadCharacters));
        assert_eq!(Slug::parse("-a"), Err(SlugError::BadCharacters));
        assert_eq!(Slug::parse("a/b"), Err(SlugError::BadCharacters));
        assert_eq!(Slug::parse("café"), Err(SlugError::BadCharacters));
        assert_eq!(Slug::parse(&"a".repeat(65)), Err(SlugError::TooLong));
        assert!(Slug::parse(&"a".repeat(64)).is_ok());
    }

    #[test]
    fn capacity_is_at_least_one_seat() {
        assert!(Capacity::new(0).is_none());
        assert_eq!(Capacity::new(1).map(Capacity::seats), Some(1));
        assert!(Capacity::new(Capacity::MAX + 1).is_none());
    }
}

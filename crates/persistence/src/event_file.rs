//! Event files on disk: TOML text to and from domain events. `guichet event import` and
//! `guichet event export` use these, and so will the organiser pages.

use domain::{Event, EventFile, FileError};
use std::fmt;

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

/// Parses an event file.
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

#[cfg(test)]
mod tests {
    use super::*;

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
}

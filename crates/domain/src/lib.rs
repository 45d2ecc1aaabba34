//! guichet's domain: the types and rules of events and their agendas, event files (TOML text in
//! and out, [`event_file`]), registrations and participants' input, tickets, staff passwords and
//! roles, and the check-in decision.
//!
//! This crate does no I/O and must not depend on any other guichet crate (`persistence`, `i18n`,
//! `mailer`, `web`), nor on a crate that reaches the database, the network or mail (sea-orm, axum,
//! lettre, tokio): only std and pure crates. Every rule that depends on time takes the current
//! instant as an argument (see [`clock`]), so it can be tested at 08:59:59 on day one as easily as
//! at noon. Values are parsed once into types that cannot hold an invalid state (a [`Slug`], an
//! [`Agenda`] whose items are in order, an [`Event`] with a real IANA time zone).

pub mod agenda;
pub mod certificates;
pub mod checkin;
pub mod clock;
pub mod event;
pub mod event_file;
pub mod lang;
pub mod limits;
pub mod questions;
pub mod registration;
pub mod seats;
pub mod second_factor;
pub mod sessions;
pub mod staff;
pub mod ticket;

pub use agenda::{Agenda, AgendaError, Day, DeskWindow, Item, ItemKind, Person, TimeSlot};
pub use certificates::{CertificateClaim, CertificateCode};
pub use checkin::{
    Decision, DeskName, DeskState, EarlierCheckin, Nonce, OFFLINE_SCAN_LEEWAY, Outcome, Recorded,
    Refusal, ScanTimeProblem, Scanned, Verdict, desk_state, offline_scan_time, verdict,
};
pub use clock::{Clock, RunningClock, SystemClock};
pub use event::{Approval, Capacity, Category, Event, RegistrationWindow, Slug, SlugError, Venue};
pub use event_file::{EventFile, EventFileError, FileError, parse_event_file, render_event_file};
pub use lang::Lang;
pub use limits::{LoginLimits, ResendLimit};
pub use questions::{
    Answer, Answers, Choice, DroppedAnswers, Question, QuestionKind, RawAnswer, Texts,
    answers_dropped, parse_answers,
};
pub use registration::{
    Country, Email, EmailKind, Field, FormErrors, Line, Note, Participant, Problem, Registration,
    RegistrationForm, Status, Window, is_invisible_format, search_words,
};
pub use seats::Seats;
pub use second_factor::{SecondFactor, TotpSecret};
pub use sessions::{Direction, ItemKey, door_verdict, minutes_attended};
pub use staff::{Access, Password, PasswordError, Role, Standing, verify_password};
pub use ticket::{
    INVITATION_LIFETIME, InvitationToken, TicketClaim, TicketKey, TicketStanding, TicketToken,
};

//! sea-orm entities: the rows as stored. Repositories turn them into domain types; nothing outside
//! this crate sees them.
//!
//! A column that holds one of a closed set of values (a status, a kind, a role) is an active enum
//! stored as text, the same on SQLite and PostgreSQL; each is declared beside its entity, with its
//! one mapping to the domain's enum when the domain has one.

pub mod agenda_item;
pub mod agenda_person;
pub mod audit_log;
pub mod checkin;
pub mod event;
pub mod event_category;
pub mod login_failure;
pub mod outbox;
pub mod registration;
pub mod scan_log;
pub mod staff;
pub mod staff_session;

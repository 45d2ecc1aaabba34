//! sea-orm entities: the rows as stored. Repositories turn them into domain types; nothing outside
//! this crate sees them.

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

//! guichet's email: composing messages (templates in `templates/email/`, the ticket's QR code as a
//! PNG, a calendar file) and delivering them — over SMTP, or as `.eml` files when no SMTP server is
//! configured — from the outbox, with retries.
//!
//! Depends on `domain` and `i18n` (every string and date of an email comes from the catalogs
//! there) only; it must not depend on `persistence`, `web` or the database: the outbox's storage is
//! reached through the [`worker::OutboxStore`] trait, which the composition root implements over
//! the database.

pub mod compose;
pub mod ics;
pub mod qr;
pub mod transport;
pub mod worker;

pub use compose::{Composer, EmailContent, Sender};
pub use transport::{SendError, Transport};
pub use worker::{Job, OutboxStore, Worker, WorkerSettings};

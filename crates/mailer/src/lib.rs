//! guichet's email: composing messages (templates in `templates/email/`, the ticket's QR code as a
//! PNG, a calendar file) and delivering them — over SMTP, or as `.eml` files when no SMTP server is
//! configured — from the outbox, with retries.
//!
//! Depends on `domain` only: the outbox's storage is reached through the [`worker::OutboxStore`]
//! trait, which the composition root implements over the database. This crate also owns the message
//! catalogs ([`i18n`]) that pages and emails share.

pub mod compose;
pub mod i18n;
pub mod ics;
pub mod qr;
pub mod transport;
pub mod worker;

pub use compose::{Composer, EmailContent, Sender};
pub use transport::{SendError, Transport};
pub use worker::{Job, OutboxStore, Worker, WorkerSettings};

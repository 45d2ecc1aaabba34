//! guichet's email: composing messages (templates, QR code, calendar file) and delivering them
//! (SMTP or `.eml` files) from the outbox.
//!
//! Depends on `domain` only. Its content arrives with online registration (issue 3); the crate
//! exists now so that the workspace has the shape DESIGN.md gives it.

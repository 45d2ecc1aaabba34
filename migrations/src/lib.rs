//! guichet's database schema, as a history of sea-orm migrations.
//!
//! A migration is written against the schema only (table and column names declared here), never
//! against the entities in `persistence`, so that old migrations keep compiling as entities change.
//! Each one runs on SQLite and PostgreSQL alike: no feature only one of them has.
//!
//! Depends on sea-orm-migration only; must not depend on `persistence` (its entities) or any other
//! guichet crate, not even `domain`: a migration describes the schema as it was on its day.

pub use sea_orm_migration::prelude::*;

mod m20261129_000001_events_and_agenda;
mod m20261129_000002_registrations_and_outbox;
mod m20261129_000003_staff_and_checkins;
mod m20261129_000004_audit_log;
mod m20261129_000005_event_revision;
mod m20261129_000006_registrations_by_event_and_id;
mod m20261130_000007_typed_scan_log;
mod m20261130_000008_abuse_limits;
mod m20261202_000009_resend_index;
mod m20261202_000010_teams;
mod m20261202_000011_account_lifecycle;
mod m20261202_000012_second_factor;
mod m20261202_000013_invitations;
mod m20261203_000014_spanish;
mod m20261203_000015_questions;
mod m20261204_000016_approval;
mod m20261204_000017_offline_desk;
mod m20261204_000018_session_attendance;

/// Applies guichet's migrations in order.
#[derive(Debug)]
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261129_000001_events_and_agenda::Migration),
            Box::new(m20261129_000002_registrations_and_outbox::Migration),
            Box::new(m20261129_000003_staff_and_checkins::Migration),
            Box::new(m20261129_000004_audit_log::Migration),
            Box::new(m20261129_000005_event_revision::Migration),
            Box::new(m20261129_000006_registrations_by_event_and_id::Migration),
            Box::new(m20261130_000007_typed_scan_log::Migration),
            Box::new(m20261130_000008_abuse_limits::Migration),
            Box::new(m20261202_000009_resend_index::Migration),
            Box::new(m20261202_000010_teams::Migration),
            Box::new(m20261202_000011_account_lifecycle::Migration),
            Box::new(m20261202_000012_second_factor::Migration),
            Box::new(m20261202_000013_invitations::Migration),
            Box::new(m20261203_000014_spanish::Migration),
            Box::new(m20261203_000015_questions::Migration),
            Box::new(m20261204_000016_approval::Migration),
            Box::new(m20261204_000017_offline_desk::Migration),
            Box::new(m20261204_000018_session_attendance::Migration),
        ]
    }
}

//! The offline desk (issue 15). A desk that lost the network decides from its list and sends its
//! scans later; the server then records each with the time it was made, not the time it arrived.
//!
//! - `checkins.desk`, `scan_log.desk`: the desk's own name ("Entrance A"), as the clerk set it on
//!   the device; the staff member is recorded as before.
//! - `checkins.recorded_at`: when the server wrote (or last rewrote) the check-in, which for an
//!   offline scan is later than `at`, the scan's time. The desks' lists ask for what changed since
//!   their last look by this time (`?since=`); `NULL` on rows from before: they are older than any
//!   list.
//! - `scan_log.received_at`: when an offline scan reached the server (`NULL` for a scan sent at
//!   once), and `scan_log.conflict`: the two scans of one ticket on one day that two desks both let
//!   in (someone may have come in twice); both lines keep it.
//! - Indexes for the lists' question "what changed since": check-ins by (event, recorded_at),
//!   registrations by (event, updated_at).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{boolean, text_null, timestamp_with_time_zone_null};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Checkins {
    Table,
    EventId,
    Desk,
    RecordedAt,
}

#[derive(DeriveIden)]
enum ScanLog {
    Table,
    Desk,
    ReceivedAt,
    Conflict,
}

#[derive(DeriveIden)]
enum Registrations {
    Table,
    EventId,
    UpdatedAt,
}

const CHECKINS_RECORDED: &str = "ix_checkins_event_recorded";
const REGISTRATIONS_UPDATED: &str = "ix_registrations_event_updated";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [
            text_null(Checkins::Desk),
            timestamp_with_time_zone_null(Checkins::RecordedAt),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Checkins::Table)
                        .add_column(column)
                        .to_owned(),
                )
                .await?;
        }
        for column in [
            text_null(ScanLog::Desk),
            timestamp_with_time_zone_null(ScanLog::ReceivedAt),
            boolean(ScanLog::Conflict).default(false).take(),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(ScanLog::Table)
                        .add_column(column)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .create_index(
                Index::create()
                    .name(CHECKINS_RECORDED)
                    .table(Checkins::Table)
                    .col(Checkins::EventId)
                    .col(Checkins::RecordedAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name(REGISTRATIONS_UPDATED)
                    .table(Registrations::Table)
                    .col(Registrations::EventId)
                    .col(Registrations::UpdatedAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name(REGISTRATIONS_UPDATED)
                    .table(Registrations::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .drop_index(
                Index::drop()
                    .name(CHECKINS_RECORDED)
                    .table(Checkins::Table)
                    .to_owned(),
            )
            .await?;
        for column in [ScanLog::Conflict, ScanLog::ReceivedAt, ScanLog::Desk] {
            manager
                .alter_table(
                    Table::alter()
                        .table(ScanLog::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        for column in [Checkins::RecordedAt, Checkins::Desk] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Checkins::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}

//! The scan log keeps the desk's answer as typed columns instead of the web layer's JSON: the day
//! an `ok` was recorded for, the earlier check-in an `already_checked_in` met (when, by whom), and
//! the opening a `too_early` gave. A retried scan (same nonce) is answered from these, in the
//! language of the retry. Lines logged before this migration keep their outcome, but their
//! answer's details go with the JSON column: they lose their nonce too, so that a late retry of one
//! is answered as a new scan (an `ok` then reads "already checked in" by that same desk) rather
//! than failing on an answer that can no longer be rebuilt.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{date_null, integer_null, timestamp_with_time_zone_null};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ScanLog {
    Table,
    Day,
    FirstAt,
    FirstStaffId,
    OpensAt,
    Response,
    Nonce,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite alters one thing at a time.
        for column in [
            date_null(ScanLog::Day),
            timestamp_with_time_zone_null(ScanLog::FirstAt),
            integer_null(ScanLog::FirstStaffId),
            timestamp_with_time_zone_null(ScanLog::OpensAt),
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
            .exec_stmt(
                Query::update()
                    .table(ScanLog::Table)
                    .value(ScanLog::Nonce, Option::<String>::None)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(ScanLog::Table)
                    .drop_column(ScanLog::Response)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(ScanLog::Table)
                    .add_column(ColumnDef::new(ScanLog::Response).text().null())
                    .to_owned(),
            )
            .await?;
        for column in [
            ScanLog::Day,
            ScanLog::FirstAt,
            ScanLog::FirstStaffId,
            ScanLog::OpensAt,
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(ScanLog::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}

//! Attendance by the agenda (issue 16): an item may say whether its door is scanned
//! (`agenda_items.attendance`; `NULL`: as its kind has it), and each registration's passage
//! through an item's door is one row (`session_checkins`): the first way in, the last way out.
//! The unique index on (registration, item) is what gives one `ok` when two doors scan one ticket
//! for one item at once, as the entrance's on (registration, day). An item is named by its key
//! (`2008-07-07T11:00`, see `domain::sessions`), not by its row: the agenda's rows are replaced
//! whole when the event file is imported again, and attendance must outlive that. The scan log
//! says which door a scan was at, and which way.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{
    boolean_null, date, integer, pk_auto, string_len, string_len_null, text_null,
    timestamp_with_time_zone, timestamp_with_time_zone_null,
};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum AgendaItems {
    Table,
    Attendance,
}

#[derive(DeriveIden)]
enum SessionCheckins {
    Table,
    Id,
    EventId,
    RegistrationId,
    Item,
    Day,
    InAt,
    OutAt,
    StaffId,
    Desk,
    RecordedAt,
}

#[derive(DeriveIden)]
enum ScanLog {
    Table,
    Item,
    Direction,
}

#[derive(DeriveIden)]
enum Events {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Registrations {
    Table,
    Id,
}

const UNIQUE: &str = "ux_session_checkins_registration_item";
const BY_EVENT: &str = "ix_session_checkins_event_item";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(AgendaItems::Table)
                    .add_column(boolean_null(AgendaItems::Attendance))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(SessionCheckins::Table)
                    .col(pk_auto(SessionCheckins::Id))
                    .col(integer(SessionCheckins::EventId))
                    .col(integer(SessionCheckins::RegistrationId))
                    .col(string_len(SessionCheckins::Item, 32))
                    .col(date(SessionCheckins::Day))
                    .col(timestamp_with_time_zone_null(SessionCheckins::InAt))
                    .col(timestamp_with_time_zone_null(SessionCheckins::OutAt))
                    .col(integer(SessionCheckins::StaffId))
                    .col(text_null(SessionCheckins::Desk))
                    .col(timestamp_with_time_zone(SessionCheckins::RecordedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_session_checkins_event")
                            .from(SessionCheckins::Table, SessionCheckins::EventId)
                            .to(Events::Table, Events::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_session_checkins_registration")
                            .from(SessionCheckins::Table, SessionCheckins::RegistrationId)
                            .to(Registrations::Table, Registrations::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name(UNIQUE)
                    .table(SessionCheckins::Table)
                    .col(SessionCheckins::RegistrationId)
                    .col(SessionCheckins::Item)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name(BY_EVENT)
                    .table(SessionCheckins::Table)
                    .col(SessionCheckins::EventId)
                    .col(SessionCheckins::Item)
                    .to_owned(),
            )
            .await?;
        for column in [
            string_len_null(ScanLog::Item, 32),
            string_len_null(ScanLog::Direction, 8),
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
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [ScanLog::Direction, ScanLog::Item] {
            manager
                .alter_table(
                    Table::alter()
                        .table(ScanLog::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .drop_table(Table::drop().table(SessionCheckins::Table).to_owned())
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(AgendaItems::Table)
                    .drop_column(AgendaItems::Attendance)
                    .to_owned(),
            )
            .await
    }
}

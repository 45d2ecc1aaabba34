//! An index for reading an event's registrations in id order, a page at a time (reports, the
//! organiser's list). Without it SQLite took the (event, status) index, read every registration
//! of the event and sorted them for each page: a 100,000-row CSV export spent most of its time
//! there (15 ms a page against 1 ms with this index, measured with the sqlite3 shell).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Registrations {
    Table,
    Id,
    EventId,
}

const NAME: &str = "ix_registrations_event_id";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_index(
                Index::create()
                    .name(NAME)
                    .table(Registrations::Table)
                    .col(Registrations::EventId)
                    .col(Registrations::Id)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name(NAME)
                    .table(Registrations::Table)
                    .to_owned(),
            )
            .await
    }
}

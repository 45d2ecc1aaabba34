//! Registrations, their seat counter, and the email outbox.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Events {
    Table,
    Id,
    /// Confirmed registrations, kept by the same transactions that confirm and cancel: the
    /// capacity check reads and raises it under the event row's lock.
    ConfirmedCount,
}

#[derive(DeriveIden)]
enum Registrations {
    Table,
    Id,
    EventId,
    GivenName,
    FamilyName,
    Email,
    EmailNormalized,
    Organisation,
    Function,
    Category,
    Country,
    Language,
    Needs,
    Status,
    TicketVersion,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Outbox {
    Table,
    Id,
    RegistrationId,
    Kind,
    Status,
    Attempts,
    NextAttemptAt,
    ClaimedUntil,
    LastError,
    CreatedAt,
    SentAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    // Over 80 lines: a migration is history and must not change, so it stays as first written.
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Events::Table)
                    .add_column(integer(Events::ConfirmedCount).default(0))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Registrations::Table)
                    .col(pk_auto(Registrations::Id))
                    .col(integer(Registrations::EventId))
                    .col(text(Registrations::GivenName))
                    .col(text(Registrations::FamilyName))
                    .col(text(Registrations::Email))
                    .col(text(Registrations::EmailNormalized))
                    .col(text(Registrations::Organisation))
                    .col(text_null(Registrations::Function))
                    .col(string_len(Registrations::Category, 64))
                    .col(string_len(Registrations::Country, 2))
                    .col(string_len(Registrations::Language, 8))
                    .col(text_null(Registrations::Needs))
                    .col(string_len(Registrations::Status, 16))
                    .col(integer(Registrations::TicketVersion))
                    .col(timestamp_with_time_zone(Registrations::CreatedAt))
                    .col(timestamp_with_time_zone(Registrations::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_registrations_event")
                            .from(Registrations::Table, Registrations::EventId)
                            .to(Events::Table, Events::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        // One registration per address per event, whatever the case: the race guard.
        manager
            .create_index(
                Index::create()
                    .name("ux_registrations_event_email")
                    .table(Registrations::Table)
                    .col(Registrations::EventId)
                    .col(Registrations::EmailNormalized)
                    .unique()
                    .to_owned(),
            )
            .await?;
        // The waitlist in arrival order, and counts by status.
        manager
            .create_index(
                Index::create()
                    .name("ix_registrations_event_status")
                    .table(Registrations::Table)
                    .col(Registrations::EventId)
                    .col(Registrations::Status)
                    .col(Registrations::Id)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Outbox::Table)
                    .col(pk_auto(Outbox::Id))
                    .col(integer(Outbox::RegistrationId))
                    .col(string_len(Outbox::Kind, 32))
                    .col(string_len(Outbox::Status, 16))
                    .col(integer(Outbox::Attempts))
                    .col(timestamp_with_time_zone(Outbox::NextAttemptAt))
                    .col(timestamp_with_time_zone_null(Outbox::ClaimedUntil))
                    .col(text_null(Outbox::LastError))
                    .col(timestamp_with_time_zone(Outbox::CreatedAt))
                    .col(timestamp_with_time_zone_null(Outbox::SentAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_outbox_registration")
                            .from(Outbox::Table, Outbox::RegistrationId)
                            .to(Registrations::Table, Registrations::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_outbox_due")
                    .table(Outbox::Table)
                    .col(Outbox::Status)
                    .col(Outbox::NextAttemptAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Outbox::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Registrations::Table).to_owned())
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Events::Table)
                    .drop_column(Events::ConfirmedCount)
                    .to_owned(),
            )
            .await
    }
}

//! Events, their participant categories, and their agendas (items, moderators and speakers).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Events {
    Table,
    Id,
    Slug,
    Title,
    Organiser,
    Language,
    TimeZone,
    Capacity,
    Published,
    Overview,
    /// A JSON array of strings: always read and written whole with the event.
    Objectives,
    VenueName,
    VenueAddress,
    VenueCity,
    RegistrationOpensAt,
    RegistrationClosesAt,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum EventCategories {
    Table,
    Id,
    EventId,
    Position,
    Key,
    LabelFr,
    LabelEn,
}

#[derive(DeriveIden)]
enum AgendaItems {
    Table,
    Id,
    EventId,
    Day,
    Position,
    StartsAt,
    EndsAt,
    Kind,
    Title,
    Description,
}

#[derive(DeriveIden)]
enum AgendaPeople {
    Table,
    Id,
    ItemId,
    Role,
    Position,
    Name,
    Function,
    Organisation,
    Country,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    // Over 80 lines: a migration is history and must not change, so it stays as first written.
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Events::Table)
                    .col(pk_auto(Events::Id))
                    .col(string_len_uniq(Events::Slug, 64))
                    .col(text(Events::Title))
                    .col(text_null(Events::Organiser))
                    .col(string_len(Events::Language, 8))
                    .col(string_len(Events::TimeZone, 64))
                    .col(integer(Events::Capacity))
                    .col(boolean(Events::Published))
                    .col(text(Events::Overview))
                    .col(text(Events::Objectives))
                    .col(text(Events::VenueName))
                    .col(text_null(Events::VenueAddress))
                    .col(text(Events::VenueCity))
                    .col(timestamp_with_time_zone(Events::RegistrationOpensAt))
                    .col(timestamp_with_time_zone(Events::RegistrationClosesAt))
                    .col(timestamp_with_time_zone(Events::CreatedAt))
                    .col(timestamp_with_time_zone(Events::UpdatedAt))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(EventCategories::Table)
                    .col(pk_auto(EventCategories::Id))
                    .col(integer(EventCategories::EventId))
                    .col(integer(EventCategories::Position))
                    .col(string_len(EventCategories::Key, 64))
                    .col(text(EventCategories::LabelFr))
                    .col(text(EventCategories::LabelEn))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_event_categories_event")
                            .from(EventCategories::Table, EventCategories::EventId)
                            .to(Events::Table, Events::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_event_categories_event_key")
                    .table(EventCategories::Table)
                    .col(EventCategories::EventId)
                    .col(EventCategories::Key)
                    .unique()
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(AgendaItems::Table)
                    .col(pk_auto(AgendaItems::Id))
                    .col(integer(AgendaItems::EventId))
                    .col(date(AgendaItems::Day))
                    .col(integer(AgendaItems::Position))
                    .col(time(AgendaItems::StartsAt))
                    .col(time(AgendaItems::EndsAt))
                    .col(string_len(AgendaItems::Kind, 16))
                    .col(text(AgendaItems::Title))
                    .col(text_null(AgendaItems::Description))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_agenda_items_event")
                            .from(AgendaItems::Table, AgendaItems::EventId)
                            .to(Events::Table, Events::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_agenda_items_event_day_position")
                    .table(AgendaItems::Table)
                    .col(AgendaItems::EventId)
                    .col(AgendaItems::Day)
                    .col(AgendaItems::Position)
                    .unique()
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(AgendaPeople::Table)
                    .col(pk_auto(AgendaPeople::Id))
                    .col(integer(AgendaPeople::ItemId))
                    .col(string_len(AgendaPeople::Role, 16))
                    .col(integer(AgendaPeople::Position))
                    .col(text(AgendaPeople::Name))
                    .col(text_null(AgendaPeople::Function))
                    .col(text_null(AgendaPeople::Organisation))
                    .col(text_null(AgendaPeople::Country))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_agenda_people_item")
                            .from(AgendaPeople::Table, AgendaPeople::ItemId)
                            .to(AgendaItems::Table, AgendaItems::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_agenda_people_item")
                    .table(AgendaPeople::Table)
                    .col(AgendaPeople::ItemId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            AgendaPeople::Table.into_iden(),
            AgendaItems::Table.into_iden(),
            EventCategories::Table.into_iden(),
            Events::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

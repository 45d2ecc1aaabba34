//! Registration by approval (issue 14): an event says whether a new registration is taken at once
//! (`auto`, every event so far) or is a request the organisers decide on (`manual`); a declined
//! request's email may carry the organisers' message, kept with the queued email it belongs to
//! (`outbox.note`), so that every attempt at that email sends the same words. The new statuses
//! (`pending`, `declined`) and email kinds (`request_received`, `declined`) are stored as text
//! like the others: nothing in the schema lists them.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{text, text_null};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Events {
    Table,
    Approval,
}

#[derive(DeriveIden)]
enum Outbox {
    Table,
    Note,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Events::Table)
                    .add_column(text(Events::Approval).default("auto"))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Outbox::Table)
                    .add_column(text_null(Outbox::Note))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Outbox::Table)
                    .drop_column(Outbox::Note)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Events::Table)
                    .drop_column(Events::Approval)
                    .to_owned(),
            )
            .await
    }
}

//! The index that counts a participant's re-sends covers the re-sends only.
//!
//! Migration 8 indexed every outbox row by (registration, created) to count the emails a
//! participant asked for again. Every registration's confirmation paid for that index, in the
//! 09:00 rush too, though only re-sends are ever counted through it. A partial index (`WHERE
//! participant_resend`, which SQLite and PostgreSQL both have) holds the re-sends alone, so a
//! new registration's email writes no index entry beyond those it wrote before migration 8.
//! The count's query names the same condition, as each database needs to use such an index.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Outbox {
    Table,
    RegistrationId,
    CreatedAt,
    ParticipantResend,
}

/// Migration 8's index, on every row.
const EVERY_ROW: &str = "ix_outbox_registration_created";
/// This one's, on re-sends only.
const RESENDS: &str = "ix_outbox_participant_resends";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name(EVERY_ROW)
                    .table(Outbox::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name(RESENDS)
                    .table(Outbox::Table)
                    .col(Outbox::RegistrationId)
                    .col(Outbox::CreatedAt)
                    .and_where(Expr::col(Outbox::ParticipantResend))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(Index::drop().name(RESENDS).table(Outbox::Table).to_owned())
            .await?;
        manager
            .create_index(
                Index::create()
                    .name(EVERY_ROW)
                    .table(Outbox::Table)
                    .col(Outbox::RegistrationId)
                    .col(Outbox::CreatedAt)
                    .to_owned(),
            )
            .await
    }
}

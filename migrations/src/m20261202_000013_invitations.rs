//! Invitations to an event's team (issue 12): an organiser names an address and a role; the
//! invitation is its own outbox row (the same delivery columns as `outbox`: written in the
//! invitation's transaction, claimed under a lease, retried with backoff), and its link, made
//! from the secret key and the row's nonce (`domain::InvitationToken`), sets a password once
//! within 48 hours.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{
    integer, integer_null, pk_auto, string_len, string_len_null, timestamp_with_time_zone,
    timestamp_with_time_zone_null,
};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Staff {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Events {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum StaffInvitations {
    Table,
    Id,
    Email,
    EventId,
    /// `organiser` or `desk`.
    Role,
    InvitedBy,
    /// Random; the link's HMAC covers it.
    Nonce,
    /// The language of the email (the inviter's).
    Lang,
    CreatedAt,
    ExpiresAt,
    UsedAt,
    /// `pending`, `sending`, `sent` or `failed`, as in `outbox`.
    Status,
    Attempts,
    NextAttemptAt,
    ClaimedUntil,
    LastError,
    SentAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(StaffInvitations::Table)
                    .col(pk_auto(StaffInvitations::Id))
                    .col(string_len(StaffInvitations::Email, 254))
                    .col(integer(StaffInvitations::EventId))
                    .col(string_len(StaffInvitations::Role, 16))
                    .col(integer_null(StaffInvitations::InvitedBy))
                    .col(string_len(StaffInvitations::Nonce, 64))
                    .col(string_len(StaffInvitations::Lang, 8))
                    .col(timestamp_with_time_zone(StaffInvitations::CreatedAt))
                    .col(timestamp_with_time_zone(StaffInvitations::ExpiresAt))
                    .col(timestamp_with_time_zone_null(StaffInvitations::UsedAt))
                    .col(string_len(StaffInvitations::Status, 16))
                    .col(integer(StaffInvitations::Attempts).default(0))
                    .col(timestamp_with_time_zone(StaffInvitations::NextAttemptAt))
                    .col(timestamp_with_time_zone_null(
                        StaffInvitations::ClaimedUntil,
                    ))
                    .col(string_len_null(StaffInvitations::LastError, 1000))
                    .col(timestamp_with_time_zone_null(StaffInvitations::SentAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_staff_invitations_event")
                            .from(StaffInvitations::Table, StaffInvitations::EventId)
                            .to(Events::Table, Events::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_staff_invitations_invited_by")
                            .from(StaffInvitations::Table, StaffInvitations::InvitedBy)
                            .to(Staff::Table, Staff::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        // The worker's question, as on `outbox`: what is due.
        manager
            .create_index(
                Index::create()
                    .name("ix_staff_invitations_status_next")
                    .table(StaffInvitations::Table)
                    .col(StaffInvitations::Status)
                    .col(StaffInvitations::NextAttemptAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_staff_invitations_event")
                    .table(StaffInvitations::Table)
                    .col(StaffInvitations::EventId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(StaffInvitations::Table).to_owned())
            .await
    }
}

//! Abuse limits that must hold across instances, so they are counted in the database.
//!
//! - `login_attempts` replaces `login_failures`: an attempt is reserved (`pending`) before its
//!   password is verified and becomes `failed` after a wrong one (a right one deletes it), so that
//!   concurrent attempts count before any of them is verified. Counted per (email, address) and
//!   per address; the old table's rows were only throttling state, a quarter of an hour deep, and
//!   are not carried over.
//! - `login_addresses` has one row per client address that tried recently: a reservation locks
//!   it first (an upsert), so that the reservations of one address, from any instance, are made
//!   one after the other and none counts before another's row is written.
//! - `outbox.participant_resend` marks the emails a participant asked for again (re-registering,
//!   "send my ticket again"), which are limited per registration and per hour; the index on
//!   (registration, created) counts them.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{boolean, pk_auto, string_len, timestamp_with_time_zone};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum LoginFailures {
    Table,
    Id,
    Email,
    Address,
    At,
}

#[derive(DeriveIden)]
enum LoginAttempts {
    Table,
    Id,
    /// The email typed, trimmed and lowercased (whether or not an account has it).
    Email,
    /// The client address the attempt counts against (an IPv6 client's /64).
    Address,
    /// When it was reserved, then when it failed.
    At,
    /// `pending` while the password is verified, then `failed`.
    Outcome,
}

#[derive(DeriveIden)]
enum LoginAddresses {
    Table,
    Address,
    LastAttemptAt,
}

#[derive(DeriveIden)]
enum Outbox {
    Table,
    RegistrationId,
    CreatedAt,
    ParticipantResend,
}

const OUTBOX_INDEX: &str = "ix_outbox_registration_created";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(LoginFailures::Table).to_owned())
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(LoginAttempts::Table)
                    .col(pk_auto(LoginAttempts::Id))
                    .col(string_len(LoginAttempts::Email, 254))
                    .col(string_len(LoginAttempts::Address, 64))
                    .col(timestamp_with_time_zone(LoginAttempts::At))
                    .col(string_len(LoginAttempts::Outcome, 16))
                    .to_owned(),
            )
            .await?;
        for (name, columns) in [
            (
                "ix_login_attempts_address_email_at",
                vec![
                    LoginAttempts::Address,
                    LoginAttempts::Email,
                    LoginAttempts::At,
                ],
            ),
            (
                "ix_login_attempts_address_at",
                vec![LoginAttempts::Address, LoginAttempts::At],
            ),
            ("ix_login_attempts_at", vec![LoginAttempts::At]),
        ] {
            let mut index = Index::create();
            index.name(name).table(LoginAttempts::Table);
            for column in columns {
                index.col(column);
            }
            manager.create_index(index.to_owned()).await?;
        }
        manager
            .create_table(
                Table::create()
                    .table(LoginAddresses::Table)
                    .col(
                        ColumnDef::new(LoginAddresses::Address)
                            .string_len(64)
                            .not_null()
                            .primary_key(),
                    )
                    .col(timestamp_with_time_zone(LoginAddresses::LastAttemptAt))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Outbox::Table)
                    .add_column(boolean(Outbox::ParticipantResend).default(false))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name(OUTBOX_INDEX)
                    .table(Outbox::Table)
                    .col(Outbox::RegistrationId)
                    .col(Outbox::CreatedAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name(OUTBOX_INDEX)
                    .table(Outbox::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Outbox::Table)
                    .drop_column(Outbox::ParticipantResend)
                    .to_owned(),
            )
            .await?;
        for table in [
            LoginAddresses::Table.into_iden(),
            LoginAttempts::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        manager
            .create_table(
                Table::create()
                    .table(LoginFailures::Table)
                    .col(pk_auto(LoginFailures::Id))
                    .col(string_len(LoginFailures::Email, 254))
                    .col(string_len(LoginFailures::Address, 64))
                    .col(timestamp_with_time_zone(LoginFailures::At))
                    .to_owned(),
            )
            .await?;
        for (name, column) in [
            ("ix_login_failures_email", LoginFailures::Email),
            ("ix_login_failures_address", LoginFailures::Address),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(LoginFailures::Table)
                        .col(column)
                        .col(LoginFailures::At)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}

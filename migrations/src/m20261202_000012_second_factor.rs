//! Two-factor sign-in (issue 12): a TOTP secret per account, its one-use recovery codes, the
//! challenge a browser holds between its password and its code, and events whose organisers
//! must use it.
//!
//! - `staff.totp_secret`: set once enrolment is confirmed with a code; `totp_pending_secret`
//!   holds the secret shown on the account page until then. `totp_last_step`: the 30-second
//!   step of the last code accepted, so that no code is accepted twice.
//! - `staff_recovery_codes`: SHA-256 hashes of the codes shown once; `used_at` set on use.
//! - `staff_login_challenges`: a browser whose password was right, waiting for its code (five
//!   minutes, one use), by the hash of the token in its cookie.
//! - `events.organisers_need_totp`: an admin's choice; organisers of such an event are refused
//!   its organiser pages in a session not opened with a second factor.
//! - `staff_sessions.second_factor`: the session was opened with a code (or its member confirmed
//!   a second factor in it).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{
    big_integer_null, boolean, integer, pk_auto, string_len, string_len_null, string_len_uniq,
    timestamp_with_time_zone, timestamp_with_time_zone_null,
};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Staff {
    Table,
    Id,
    TotpSecret,
    TotpPendingSecret,
    TotpLastStep,
}

#[derive(DeriveIden)]
enum StaffSessions {
    Table,
    SecondFactor,
}

#[derive(DeriveIden)]
enum Events {
    Table,
    OrganisersNeedTotp,
}

#[derive(DeriveIden)]
enum StaffRecoveryCodes {
    Table,
    Id,
    StaffId,
    CodeHash,
    UsedAt,
}

#[derive(DeriveIden)]
enum StaffLoginChallenges {
    Table,
    Id,
    TokenHash,
    StaffId,
    CreatedAt,
    ExpiresAt,
    UsedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [
            string_len_null(Staff::TotpSecret, 64),
            string_len_null(Staff::TotpPendingSecret, 64),
            big_integer_null(Staff::TotpLastStep),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Staff::Table)
                        .add_column(column)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table(Events::Table)
                    .add_column(boolean(Events::OrganisersNeedTotp).default(false))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(StaffSessions::Table)
                    .add_column(boolean(StaffSessions::SecondFactor).default(false))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(StaffRecoveryCodes::Table)
                    .col(pk_auto(StaffRecoveryCodes::Id))
                    .col(integer(StaffRecoveryCodes::StaffId))
                    .col(string_len(StaffRecoveryCodes::CodeHash, 64))
                    .col(timestamp_with_time_zone_null(StaffRecoveryCodes::UsedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_staff_recovery_codes_staff")
                            .from(StaffRecoveryCodes::Table, StaffRecoveryCodes::StaffId)
                            .to(Staff::Table, Staff::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_staff_recovery_codes_staff")
                    .table(StaffRecoveryCodes::Table)
                    .col(StaffRecoveryCodes::StaffId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(StaffLoginChallenges::Table)
                    .col(pk_auto(StaffLoginChallenges::Id))
                    .col(string_len_uniq(StaffLoginChallenges::TokenHash, 64))
                    .col(integer(StaffLoginChallenges::StaffId))
                    .col(timestamp_with_time_zone(StaffLoginChallenges::CreatedAt))
                    .col(timestamp_with_time_zone(StaffLoginChallenges::ExpiresAt))
                    .col(timestamp_with_time_zone_null(StaffLoginChallenges::UsedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_staff_login_challenges_staff")
                            .from(StaffLoginChallenges::Table, StaffLoginChallenges::StaffId)
                            .to(Staff::Table, Staff::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(StaffLoginChallenges::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(StaffRecoveryCodes::Table).to_owned())
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(StaffSessions::Table)
                    .drop_column(StaffSessions::SecondFactor)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Events::Table)
                    .drop_column(Events::OrganisersNeedTotp)
                    .to_owned(),
            )
            .await?;
        for column in [
            Staff::TotpLastStep,
            Staff::TotpPendingSecret,
            Staff::TotpSecret,
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Staff::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}

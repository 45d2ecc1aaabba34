//! Staff accounts, their sessions and device tokens, failed logins (for throttling), check-ins
//! and the log of every scan.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Staff {
    Table,
    Id,
    Email,
    Role,
    PasswordHash,
    CreatedAt,
}

#[derive(DeriveIden)]
enum StaffSessions {
    Table,
    Id,
    StaffId,
    /// SHA-256 of the token: the token itself is never stored.
    TokenHash,
    /// `browser` (a cookie) or `device` (a bearer token).
    Kind,
    /// For browser sessions: the token that cookie-authenticated forms must echo.
    CsrfToken,
    CreatedAt,
    ExpiresAt,
    RevokedAt,
}

#[derive(DeriveIden)]
enum LoginFailures {
    Table,
    Id,
    Email,
    Address,
    At,
}

#[derive(DeriveIden)]
enum Checkins {
    Table,
    Id,
    EventId,
    RegistrationId,
    /// The local date of the agenda day the check-in counts for.
    Day,
    StaffId,
    At,
}

#[derive(DeriveIden)]
enum ScanLog {
    Table,
    Id,
    EventId,
    RegistrationId,
    StaffId,
    At,
    /// What was scanned, as received (truncated).
    Scanned,
    Outcome,
    /// A client's retry key: the same nonce gets the first answer again.
    Nonce,
    /// The JSON answer given, for retries.
    Response,
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

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    // Over 80 lines: a migration is history and must not change, so it stays as first written.
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Staff::Table)
                    .col(pk_auto(Staff::Id))
                    .col(string_len_uniq(Staff::Email, 254))
                    .col(string_len(Staff::Role, 16))
                    .col(text(Staff::PasswordHash))
                    .col(timestamp_with_time_zone(Staff::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(StaffSessions::Table)
                    .col(pk_auto(StaffSessions::Id))
                    .col(integer(StaffSessions::StaffId))
                    .col(string_len_uniq(StaffSessions::TokenHash, 64))
                    .col(string_len(StaffSessions::Kind, 16))
                    .col(string_len_null(StaffSessions::CsrfToken, 64))
                    .col(timestamp_with_time_zone(StaffSessions::CreatedAt))
                    .col(timestamp_with_time_zone(StaffSessions::ExpiresAt))
                    .col(timestamp_with_time_zone_null(StaffSessions::RevokedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_staff_sessions_staff")
                            .from(StaffSessions::Table, StaffSessions::StaffId)
                            .to(Staff::Table, Staff::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
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

        manager
            .create_table(
                Table::create()
                    .table(Checkins::Table)
                    .col(pk_auto(Checkins::Id))
                    .col(integer(Checkins::EventId))
                    .col(integer(Checkins::RegistrationId))
                    .col(date(Checkins::Day))
                    .col(integer(Checkins::StaffId))
                    .col(timestamp_with_time_zone(Checkins::At))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_checkins_event")
                            .from(Checkins::Table, Checkins::EventId)
                            .to(Events::Table, Events::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_checkins_registration")
                            .from(Checkins::Table, Checkins::RegistrationId)
                            .to(Registrations::Table, Registrations::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_checkins_staff")
                            .from(Checkins::Table, Checkins::StaffId)
                            .to(Staff::Table, Staff::Id),
                    )
                    .to_owned(),
            )
            .await?;
        // One check-in per registration per day: two desks scanning at once get one `ok`.
        manager
            .create_index(
                Index::create()
                    .name("ux_checkins_registration_day")
                    .table(Checkins::Table)
                    .col(Checkins::RegistrationId)
                    .col(Checkins::Day)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_checkins_event_day_at")
                    .table(Checkins::Table)
                    .col(Checkins::EventId)
                    .col(Checkins::Day)
                    .col(Checkins::At)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(ScanLog::Table)
                    .col(pk_auto(ScanLog::Id))
                    .col(integer(ScanLog::EventId))
                    .col(integer_null(ScanLog::RegistrationId))
                    .col(integer(ScanLog::StaffId))
                    .col(timestamp_with_time_zone(ScanLog::At))
                    .col(string_len(ScanLog::Scanned, 128))
                    .col(string_len(ScanLog::Outcome, 32))
                    .col(string_len_null(ScanLog::Nonce, 128))
                    .col(text_null(ScanLog::Response))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_scan_log_event")
                            .from(ScanLog::Table, ScanLog::EventId)
                            .to(Events::Table, Events::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        // A retried request (same nonce) finds the first answer; NULLs do not collide.
        manager
            .create_index(
                Index::create()
                    .name("ux_scan_log_event_nonce")
                    .table(ScanLog::Table)
                    .col(ScanLog::EventId)
                    .col(ScanLog::Nonce)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_scan_log_event_at")
                    .table(ScanLog::Table)
                    .col(ScanLog::EventId)
                    .col(ScanLog::At)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            ScanLog::Table.into_iden(),
            Checkins::Table.into_iden(),
            LoginFailures::Table.into_iden(),
            StaffSessions::Table.into_iden(),
            Staff::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

//! Staff sessions under control, accounts that can be disabled, and a log of who changed whose
//! access (issue 12).
//!
//! - `staff.disabled_at`: set, the account signs in no more and none of its sessions counts.
//! - `staff_sessions.last_used_at`, `client_address` and `user_agent`: what the team page shows
//!   of each signed-in browser and device, and what ends a browser session left idle. Sessions
//!   open when this runs count as last used when they were opened.
//! - `access_log`: every grant, removal, invitation, enrolment, disabling and revocation, with
//!   who did it (none: the command line) and from which address; `event_id` is empty for
//!   changes to the whole instance (an account disabled, an admin named).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{
    integer_null, pk_auto, string_len, string_len_null, timestamp_with_time_zone,
    timestamp_with_time_zone_null,
};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Staff {
    Table,
    Id,
    DisabledAt,
}

#[derive(DeriveIden)]
enum StaffSessions {
    Table,
    StaffId,
    CreatedAt,
    LastUsedAt,
    ClientAddress,
    UserAgent,
}

#[derive(DeriveIden)]
enum Events {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum AccessLog {
    Table,
    Id,
    At,
    /// What was done: `granted`, `grant_removed`, `invited`, …
    Action,
    /// The event it concerns; empty for the whole instance.
    EventId,
    /// Who did it; empty when it was done from the command line.
    ActorStaffId,
    /// The account it was done to, by address (an invitation has no account yet).
    SubjectEmail,
    /// The role given, when one was.
    Role,
    /// The client address it came from; empty from the command line.
    ClientAddress,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Staff::Table)
                    .add_column(timestamp_with_time_zone_null(Staff::DisabledAt))
                    .to_owned(),
            )
            .await?;
        // SQLite adds a NOT NULL column only with a constant default; every existing row is
        // then given its real value, and every new row names its own.
        manager
            .alter_table(
                Table::alter()
                    .table(StaffSessions::Table)
                    .add_column(
                        timestamp_with_time_zone(StaffSessions::LastUsedAt)
                            .default("1970-01-01 00:00:00+00:00"),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .exec_stmt(
                Query::update()
                    .table(StaffSessions::Table)
                    .value(
                        StaffSessions::LastUsedAt,
                        Expr::col(StaffSessions::CreatedAt),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(StaffSessions::Table)
                    .add_column(string_len_null(StaffSessions::ClientAddress, 64))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(StaffSessions::Table)
                    .add_column(string_len_null(StaffSessions::UserAgent, 200))
                    .to_owned(),
            )
            .await?;
        // A member's sessions are listed and ended together.
        manager
            .create_index(
                Index::create()
                    .name("ix_staff_sessions_staff")
                    .table(StaffSessions::Table)
                    .col(StaffSessions::StaffId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(AccessLog::Table)
                    .col(pk_auto(AccessLog::Id))
                    .col(timestamp_with_time_zone(AccessLog::At))
                    .col(string_len(AccessLog::Action, 32))
                    .col(integer_null(AccessLog::EventId))
                    .col(integer_null(AccessLog::ActorStaffId))
                    .col(string_len(AccessLog::SubjectEmail, 254))
                    .col(string_len_null(AccessLog::Role, 16))
                    .col(string_len_null(AccessLog::ClientAddress, 64))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_access_log_event")
                            .from(AccessLog::Table, AccessLog::EventId)
                            .to(Events::Table, Events::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_access_log_actor")
                            .from(AccessLog::Table, AccessLog::ActorStaffId)
                            .to(Staff::Table, Staff::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_access_log_event_at")
                    .table(AccessLog::Table)
                    .col(AccessLog::EventId)
                    .col(AccessLog::At)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(AccessLog::Table).to_owned())
            .await?;
        manager
            .drop_index(
                Index::drop()
                    .name("ix_staff_sessions_staff")
                    .table(StaffSessions::Table)
                    .to_owned(),
            )
            .await?;
        for column in [
            StaffSessions::UserAgent,
            StaffSessions::ClientAddress,
            StaffSessions::LastUsedAt,
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(StaffSessions::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table(Staff::Table)
                    .drop_column(Staff::DisabledAt)
                    .to_owned(),
            )
            .await
    }
}

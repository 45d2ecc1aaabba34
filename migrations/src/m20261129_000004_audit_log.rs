//! The audit log: who did what, when, for every organiser action.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum AuditLog {
    Table,
    Id,
    EventId,
    StaffId,
    At,
    /// What was done: published, unpublished, agenda_replaced, ticket_resent, ticket_reissued,
    /// registration_cancelled, checkin_undone, email_retried.
    Action,
    RegistrationId,
    Details,
}

#[derive(DeriveIden)]
enum Events {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(AuditLog::Table)
                    .col(pk_auto(AuditLog::Id))
                    .col(integer(AuditLog::EventId))
                    .col(integer(AuditLog::StaffId))
                    .col(timestamp_with_time_zone(AuditLog::At))
                    .col(string_len(AuditLog::Action, 32))
                    .col(integer_null(AuditLog::RegistrationId))
                    .col(text_null(AuditLog::Details))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_audit_log_event")
                            .from(AuditLog::Table, AuditLog::EventId)
                            .to(Events::Table, Events::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_audit_log_event_at")
                    .table(AuditLog::Table)
                    .col(AuditLog::EventId)
                    .col(AuditLog::At)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(AuditLog::Table).to_owned())
            .await
    }
}

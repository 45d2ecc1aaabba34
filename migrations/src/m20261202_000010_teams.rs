//! Teams per event: a role is no longer the account's but a grant's, (staff member, event,
//! role), and the instance has admins.
//!
//! - `staff_grants`: one row per (staff member, event), its role `organiser` or `desk`; removed
//!   with the account or the event.
//! - `staff.is_admin`: the whole instance (every event, every team).
//! - `staff.role` goes. So that nobody loses access silently, every account receives a grant
//!   with its old role on every event that exists when this migration runs. Nobody becomes an
//!   admin: that stays the operator's choice (`guichet staff add EMAIL --role admin`).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{boolean, integer, pk_auto, string_len, timestamp_with_time_zone};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Staff {
    Table,
    Id,
    Role,
    IsAdmin,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Events {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum StaffGrants {
    Table,
    Id,
    StaffId,
    EventId,
    /// `organiser` or `desk`.
    Role,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(StaffGrants::Table)
                    .col(pk_auto(StaffGrants::Id))
                    .col(integer(StaffGrants::StaffId))
                    .col(integer(StaffGrants::EventId))
                    .col(string_len(StaffGrants::Role, 16))
                    .col(timestamp_with_time_zone(StaffGrants::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_staff_grants_staff")
                            .from(StaffGrants::Table, StaffGrants::StaffId)
                            .to(Staff::Table, Staff::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_staff_grants_event")
                            .from(StaffGrants::Table, StaffGrants::EventId)
                            .to(Events::Table, Events::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        // One role per member and event; the team page lists an event's members.
        manager
            .create_index(
                Index::create()
                    .name("ux_staff_grants_staff_event")
                    .table(StaffGrants::Table)
                    .col(StaffGrants::StaffId)
                    .col(StaffGrants::EventId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_staff_grants_event")
                    .table(StaffGrants::Table)
                    .col(StaffGrants::EventId)
                    .to_owned(),
            )
            .await?;
        // Every account keeps what it could reach: its role, on every event there is. The
        // account's own creation time stands for the grant's (a value both databases store in
        // the column's own format).
        let every_event = Query::select()
            .column((Staff::Table, Staff::Id))
            .column((Events::Table, Events::Id))
            .column((Staff::Table, Staff::Role))
            .column((Staff::Table, Staff::CreatedAt))
            .from(Staff::Table)
            .cross_join(Events::Table)
            .to_owned();
        manager
            .exec_stmt(
                Query::insert()
                    .into_table(StaffGrants::Table)
                    .columns([
                        StaffGrants::StaffId,
                        StaffGrants::EventId,
                        StaffGrants::Role,
                        StaffGrants::CreatedAt,
                    ])
                    .select_from(every_event)
                    .map_err(|e| DbErr::Migration(e.to_string()))?
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Staff::Table)
                    .add_column(boolean(Staff::IsAdmin).default(false))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Staff::Table)
                    .drop_column(Staff::Role)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // Each account gets back one role: organiser if it organised anything (or was an
        // admin), else desk.
        manager
            .alter_table(
                Table::alter()
                    .table(Staff::Table)
                    .add_column(string_len(Staff::Role, 16).default("desk"))
                    .to_owned(),
            )
            .await?;
        let organisers = Query::select()
            .column(StaffGrants::StaffId)
            .from(StaffGrants::Table)
            .and_where(Expr::col(StaffGrants::Role).eq("organiser"))
            .to_owned();
        manager
            .exec_stmt(
                Query::update()
                    .table(Staff::Table)
                    .value(Staff::Role, "organiser")
                    .cond_where(
                        Cond::any()
                            .add(Expr::col(Staff::Id).in_subquery(organisers))
                            .add(Expr::col(Staff::IsAdmin).eq(true)),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Staff::Table)
                    .drop_column(Staff::IsAdmin)
                    .to_owned(),
            )
            .await?;
        manager
            .drop_table(Table::drop().table(StaffGrants::Table).to_owned())
            .await
    }
}

//! The organisers' own questions (issue 14): an event's questions and each registration's answers,
//! both as JSON text, written and read whole by guichet (`persistence`), like an event's
//! objectives. JSON text is the same on SQLite and PostgreSQL; nothing queries inside it (reports
//! and counts read the answers of an event's registrations, which come with the rows anyway), and
//! a question added or changed needs no change to the schema. Existing rows: no questions, no
//! answers.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::text;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Events {
    Table,
    Questions,
}

#[derive(DeriveIden)]
enum Registrations {
    Table,
    Answers,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Events::Table)
                    .add_column(text(Events::Questions).default("[]"))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Registrations::Table)
                    .add_column(text(Registrations::Answers).default("{}"))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Registrations::Table)
                    .drop_column(Registrations::Answers)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Events::Table)
                    .drop_column(Events::Questions)
                    .to_owned(),
            )
            .await
    }
}

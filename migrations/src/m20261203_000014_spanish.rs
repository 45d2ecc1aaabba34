//! Spanish, a third language (issue 14): a category may carry its Spanish name. Without one,
//! Spanish pages show the name in the event's language.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::text_null;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum EventCategories {
    Table,
    LabelEs,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(EventCategories::Table)
                    .add_column(text_null(EventCategories::LabelEs))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(EventCategories::Table)
                    .drop_column(EventCategories::LabelEs)
                    .to_owned(),
            )
            .await
    }
}

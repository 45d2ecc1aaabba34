use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "agenda_people")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub item_id: i32,
    pub role: Role,
    pub position: i32,
    pub name: String,
    pub function: Option<String>,
    pub organisation: Option<String>,
    pub country: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::agenda_item::Entity",
        from = "Column::ItemId",
        to = "super::agenda_item::Column::Id",
        on_delete = "Cascade"
    )]
    AgendaItem,
}

impl Related<super::agenda_item::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::AgendaItem.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}

/// `agenda_people.role`: what the person does in the item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
pub enum Role {
    /// The item's one moderator.
    #[sea_orm(string_value = "moderator")]
    Moderator,
    /// One of its speakers, in order.
    #[sea_orm(string_value = "speaker")]
    Speaker,
}

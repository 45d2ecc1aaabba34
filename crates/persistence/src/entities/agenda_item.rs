use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "agenda_items")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub event_id: i32,
    /// The local date of the item's day, in the event's zone.
    pub day: Date,
    /// The item's place within its day.
    pub position: i32,
    pub starts_at: Time,
    pub ends_at: Time,
    pub kind: String,
    pub title: String,
    pub description: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::event::Entity",
        from = "Column::EventId",
        to = "super::event::Column::Id",
        on_delete = "Cascade"
    )]
    Event,
    #[sea_orm(has_many = "super::agenda_person::Entity")]
    AgendaPerson,
}

impl Related<super::event::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Event.def()
    }
}

impl Related<super::agenda_person::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::AgendaPerson.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}

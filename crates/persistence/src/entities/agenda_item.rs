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
    pub kind: Kind,
    pub title: String,
    pub description: Option<String>,
    /// Whether its door is scanned, as the event file says (`None`: as its kind has it).
    pub attendance: Option<bool>,
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

/// `agenda_items.kind`, as stored; [`domain::ItemKind`] is what the rest of guichet sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
pub enum Kind {
    #[sea_orm(string_value = "registration")]
    Registration,
    #[sea_orm(string_value = "opening")]
    Opening,
    #[sea_orm(string_value = "session")]
    Session,
    #[sea_orm(string_value = "break")]
    Break,
    #[sea_orm(string_value = "closing")]
    Closing,
    #[sea_orm(string_value = "other")]
    Other,
}

impl From<domain::ItemKind> for Kind {
    fn from(kind: domain::ItemKind) -> Self {
        match kind {
            domain::ItemKind::Registration => Kind::Registration,
            domain::ItemKind::Opening => Kind::Opening,
            domain::ItemKind::Session => Kind::Session,
            domain::ItemKind::Break => Kind::Break,
            domain::ItemKind::Closing => Kind::Closing,
            domain::ItemKind::Other => Kind::Other,
        }
    }
}

impl From<Kind> for domain::ItemKind {
    fn from(kind: Kind) -> Self {
        match kind {
            Kind::Registration => domain::ItemKind::Registration,
            Kind::Opening => domain::ItemKind::Opening,
            Kind::Session => domain::ItemKind::Session,
            Kind::Break => domain::ItemKind::Break,
            Kind::Closing => domain::ItemKind::Closing,
            Kind::Other => domain::ItemKind::Other,
        }
    }
}

use sea_orm::entity::prelude::*;

/// A registration's passage through an agenda item's door: the first way in, the last way out.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "session_checkins")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub event_id: i32,
    pub registration_id: i32,
    /// The item's key (`domain::ItemKey`).
    pub item: String,
    pub day: Date,
    pub in_at: Option<DateTimeUtc>,
    pub out_at: Option<DateTimeUtc>,
    /// Who scanned last.
    pub staff_id: i32,
    pub desk: Option<String>,
    pub recorded_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

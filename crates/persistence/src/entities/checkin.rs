use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "checkins")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub event_id: i32,
    pub registration_id: i32,
    pub day: Date,
    pub staff_id: i32,
    /// When the scan was made (an offline scan's own time, not its arrival).
    pub at: DateTimeUtc,
    /// The desk's own name, if the device has one.
    pub desk: Option<String>,
    /// When the server wrote it last (`None` before migration 17): the desks' lists ask by it.
    pub recorded_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// Who made the check-in.
    #[sea_orm(
        belongs_to = "super::staff::Entity",
        from = "Column::StaffId",
        to = "super::staff::Column::Id"
    )]
    Staff,
}

impl Related<super::staff::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Staff.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}

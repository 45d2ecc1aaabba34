use sea_orm::entity::prelude::*;

/// One change to who may reach what (see `access.rs`).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "access_log")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub at: DateTimeUtc,
    pub action: crate::AccessAction,
    /// Empty: the whole instance.
    pub event_id: Option<i32>,
    /// Empty: the command line.
    pub actor_staff_id: Option<i32>,
    pub subject_email: String,
    pub role: Option<super::staff_grant::Role>,
    pub client_address: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::staff::Entity",
        from = "Column::ActorStaffId",
        to = "super::staff::Column::Id"
    )]
    Actor,
}

impl Related<super::staff::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Actor.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "staff")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    /// Lowercase.
    #[sea_orm(unique)]
    pub email: String,
    pub role: Role,
    /// argon2id, PHC string.
    pub password_hash: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

/// `staff.role`, as stored; [`domain::Role`] is what the rest of guichet sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
pub enum Role {
    #[sea_orm(string_value = "organiser")]
    Organiser,
    #[sea_orm(string_value = "desk")]
    Desk,
}

impl From<domain::Role> for Role {
    fn from(role: domain::Role) -> Self {
        match role {
            domain::Role::Organiser => Role::Organiser,
            domain::Role::Desk => Role::Desk,
        }
    }
}

impl From<Role> for domain::Role {
    fn from(role: Role) -> Self {
        match role {
            Role::Organiser => domain::Role::Organiser,
            Role::Desk => domain::Role::Desk,
        }
    }
}

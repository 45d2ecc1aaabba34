use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "staff")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    /// Lowercase.
    #[sea_orm(unique)]
    pub email: String,
    /// The whole instance: every event and every team.
    pub is_admin: bool,
    /// argon2id, PHC string.
    pub password_hash: String,
    pub created_at: DateTimeUtc,
    /// Set: the account signs in no more, and none of its sessions counts.
    pub disabled_at: Option<DateTimeUtc>,
    /// Base32; set once enrolment is confirmed: sign-in then asks for a code.
    pub totp_secret: Option<String>,
    /// Base32; shown on the account page until a code confirms it.
    pub totp_pending_secret: Option<String>,
    /// The 30-second step of the last code accepted: no code is accepted twice.
    pub totp_last_step: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(has_many = "super::staff_grant::Entity")]
    Grants,
    #[sea_orm(has_many = "super::staff_recovery_code::Entity")]
    RecoveryCodes,
}

impl Related<super::staff_grant::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Grants.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}

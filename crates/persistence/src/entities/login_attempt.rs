use sea_orm::entity::prelude::*;

/// A sign-in attempt that counts against its (email, address) pair and its address: reserved
/// before the password is verified, failed after a wrong one (a right one deletes it).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "login_attempts")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub email: String,
    pub address: String,
    pub at: DateTimeUtc,
    pub outcome: Outcome,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

/// `login_attempts.outcome`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
pub enum Outcome {
    /// Reserved: its password is being verified (or the instance died while it was).
    #[sea_orm(string_value = "pending")]
    Pending,
    /// A wrong email or password.
    #[sea_orm(string_value = "failed")]
    Failed,
    /// The right password, then a wrong second-factor code.
    #[sea_orm(string_value = "code_failed")]
    CodeFailed,
}

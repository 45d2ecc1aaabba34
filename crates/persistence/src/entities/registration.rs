use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "registrations")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub event_id: i32,
    pub given_name: String,
    pub family_name: String,
    /// As typed (trimmed).
    pub email: String,
    /// Lowercase: unique per event.
    pub email_normalized: String,
    pub organisation: String,
    pub function: Option<String>,
    pub category: String,
    pub country: String,
    pub language: String,
    pub needs: Option<String>,
    /// The answers to the event's questions, as JSON (`domain::Answers`).
    pub answers: String,
    pub status: Status,
    pub ticket_version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
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
}

impl Related<super::event::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Event.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}

/// `registrations.status`, as stored; [`domain::Status`] is what the rest of guichet sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
pub enum Status {
    #[sea_orm(string_value = "confirmed")]
    Confirmed,
    #[sea_orm(string_value = "waitlisted")]
    Waitlisted,
    #[sea_orm(string_value = "cancelled")]
    Cancelled,
    #[sea_orm(string_value = "pending")]
    Pending,
    #[sea_orm(string_value = "declined")]
    Declined,
}

impl From<domain::Status> for Status {
    fn from(status: domain::Status) -> Self {
        match status {
            domain::Status::Confirmed => Status::Confirmed,
            domain::Status::Waitlisted => Status::Waitlisted,
            domain::Status::Cancelled => Status::Cancelled,
            domain::Status::Pending => Status::Pending,
            domain::Status::Declined => Status::Declined,
        }
    }
}

impl From<Status> for domain::Status {
    fn from(status: Status) -> Self {
        match status {
            Status::Confirmed => domain::Status::Confirmed,
            Status::Waitlisted => domain::Status::Waitlisted,
            Status::Cancelled => domain::Status::Cancelled,
            Status::Pending => domain::Status::Pending,
            Status::Declined => domain::Status::Declined,
        }
    }
}

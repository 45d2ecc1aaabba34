use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "outbox")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub registration_id: i32,
    pub kind: Kind,
    pub status: Status,
    pub attempts: i32,
    pub next_attempt_at: DateTimeUtc,
    /// While `sending`: the instant the claim lapses if the worker died.
    pub claimed_until: Option<DateTimeUtc>,
    pub last_error: Option<String>,
    pub created_at: DateTimeUtc,
    pub sent_at: Option<DateTimeUtc>,
    /// Asked for again by the participant (re-registering, "send my ticket again"): these are
    /// limited per registration (see `domain::ResendLimit`).
    pub participant_resend: bool,
    /// What the organisers wrote to go with this email (a declined request's message).
    pub note: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::registration::Entity",
        from = "Column::RegistrationId",
        to = "super::registration::Column::Id",
        on_delete = "Cascade"
    )]
    Registration,
}

impl Related<super::registration::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Registration.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}

/// `outbox.kind`, as stored; [`domain::EmailKind`] is what the rest of guichet sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
pub enum Kind {
    #[sea_orm(string_value = "confirmation")]
    Confirmation,
    #[sea_orm(string_value = "waitlisted")]
    Waitlisted,
    #[sea_orm(string_value = "promoted")]
    Promoted,
    #[sea_orm(string_value = "cancelled")]
    Cancelled,
    #[sea_orm(string_value = "request_received")]
    RequestReceived,
    #[sea_orm(string_value = "declined")]
    Declined,
    #[sea_orm(string_value = "certificate")]
    Certificate,
}

impl From<domain::EmailKind> for Kind {
    fn from(kind: domain::EmailKind) -> Self {
        match kind {
            domain::EmailKind::Confirmation => Kind::Confirmation,
            domain::EmailKind::Waitlisted => Kind::Waitlisted,
            domain::EmailKind::Promoted => Kind::Promoted,
            domain::EmailKind::Cancelled => Kind::Cancelled,
            domain::EmailKind::RequestReceived => Kind::RequestReceived,
            domain::EmailKind::Declined => Kind::Declined,
            domain::EmailKind::Certificate => Kind::Certificate,
        }
    }
}

impl From<Kind> for domain::EmailKind {
    fn from(kind: Kind) -> Self {
        match kind {
            Kind::Confirmation => domain::EmailKind::Confirmation,
            Kind::Waitlisted => domain::EmailKind::Waitlisted,
            Kind::Promoted => domain::EmailKind::Promoted,
            Kind::Cancelled => domain::EmailKind::Cancelled,
            Kind::RequestReceived => domain::EmailKind::RequestReceived,
            Kind::Declined => domain::EmailKind::Declined,
            Kind::Certificate => domain::EmailKind::Certificate,
        }
    }
}

/// `outbox.status`: where a message stands in the queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
pub enum Status {
    /// Due at `next_attempt_at`.
    #[sea_orm(string_value = "pending")]
    Pending,
    /// Claimed by a worker until `claimed_until`.
    #[sea_orm(string_value = "sending")]
    Sending,
    #[sea_orm(string_value = "sent")]
    Sent,
    /// Given up after the last attempt; an organiser can retry it.
    #[sea_orm(string_value = "failed")]
    Failed,
}

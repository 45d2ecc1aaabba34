use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "events")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique)]
    pub slug: String,
    pub title: String,
    pub organiser: Option<String>,
    pub language: String,
    pub time_zone: String,
    pub capacity: i32,
    /// Confirmed registrations; see the registrations repository.
    pub confirmed_count: i32,
    pub published: bool,
    pub overview: String,
    /// JSON array of strings.
    pub objectives: String,
    pub venue_name: String,
    pub venue_address: Option<String>,
    pub venue_city: String,
    pub registration_opens_at: DateTimeUtc,
    pub registration_closes_at: DateTimeUtc,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// Raised by every change to the event itself; see `events::EventCache`.
    pub revision: i32,
    /// An admin's choice: organisers without a second factor may not organise it.
    pub organisers_need_totp: bool,
    /// The registration form's questions, as JSON (`domain::Question`).
    pub questions: String,
    /// `auto` or `manual` (`domain::Approval`).
    pub approval: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(has_many = "super::agenda_item::Entity")]
    AgendaItem,
    #[sea_orm(has_many = "super::event_category::Entity")]
    EventCategory,
}

impl Related<super::agenda_item::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::AgendaItem.def()
    }
}

impl Related<super::event_category::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::EventCategory.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}

impl Model {
    /// The event's seats as this row has them (read it under the event's lock to act on it).
    pub(crate) fn seats(&self) -> domain::Seats {
        domain::Seats::new(self.capacity, self.confirmed_count)
    }

    /// Whether a new registration waits for an organiser's decision. A value this version does
    /// not know is read as `manual`: nobody is confirmed who should have waited.
    pub(crate) fn approval(&self) -> domain::Approval {
        domain::Approval::parse(&self.approval).unwrap_or(domain::Approval::Manual)
    }
}

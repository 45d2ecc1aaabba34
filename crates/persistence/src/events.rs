//! Events and their agendas: saved whole, read whole.

use crate::entities::{agenda_item, agenda_person, event, event_category};
use crate::unique::Unique;
use crate::{Database, Error, Result};
use chrono::{DateTime, NaiveDate, Utc};
use domain::{
    Agenda, Capacity, Category, Day, Event, Item, Lang, Person, RegistrationWindow, Slug, TimeSlot,
    Venue,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, DatabaseTransaction, EntityTrait, IntoActiveModel,
    QueryFilter, QueryOrder, QuerySelect, Set, TransactionTrait,
};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// An event as stored, with its database id. Cheap to clone: the event is shared.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredEvent {
    pub id: i32,
    pub event: Arc<Event>,
    /// Its organisers must sign in with a second factor (an admin's choice, not the event
    /// file's).
    pub organisers_need_totp: bool,
}

/// The events an instance has read, by id, with the revision they were read at. An event with its
/// agenda is four queries to read; asking for its revision is one, and every request of the desk
/// needs the event. Another instance's change raises the revision, so no copy outlives a change.
#[derive(Debug, Clone, Default)]
pub(crate) struct EventCache(Arc<Mutex<HashMap<i32, (i32, StoredEvent)>>>);

impl EventCache {
    fn get(&self, id: i32, revision: i32) -> Option<StoredEvent> {
        let cached = self
            .0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        cached
            .get(&id)
            .filter(|(at, _)| *at == revision)
            .map(|(_, stored)| stored.clone())
    }

    fn put(&self, revision: i32, stored: StoredEvent) {
        let mut cached = self
            .0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        cached.insert(stored.id, (revision, stored));
    }
}

/// What the list of events shows of each.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventSummary {
    pub id: i32,
    pub slug: Slug,
    pub title: String,
    pub city: String,
    pub first_day: NaiveDate,
    pub last_day: NaiveDate,
    pub published: bool,
}

/// Whether saving an event created it or replaced the one with the same slug.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SaveOutcome {
    Created,
    Replaced,
}

impl Database {
    /// Saves `event`: creates it, or replaces the event with the same slug, agenda and all, in one
    /// transaction, so a reader sees the old event or the new one, never half of each.
    #[tracing::instrument(skip(self, event), fields(slug = %event.slug))]
    pub async fn save_event(&self, event: &Event, now: DateTime<Utc>) -> Result<SaveOutcome> {
        Self::save_event_on(&self.writer, event, now).await
    }

    /// [`Database::save_event`] on `conn`: a transaction of a larger action makes its own a
    /// savepoint of that transaction.
    pub(crate) async fn save_event_on<C: TransactionTrait<Transaction = DatabaseTransaction>>(
        conn: &C,
        event: &Event,
        now: DateTime<Utc>,
    ) -> Result<SaveOutcome> {
        let txn = conn.begin().await?;
        let existing = event::Entity::find()
            .filter(event::Column::Slug.eq(event.slug.as_str()))
            .one(&txn)
            .await?;
        let mut row = event_row(event, now)?;
        let (event_id, outcome) = match existing {
            Some(old) => {
                row.id = Set(old.id);
                row.created_at = Set(old.created_at);
                row.update(&txn).await?;
                bump_revision(&txn, old.id).await?;
                delete_agenda_and_categories(&txn, old.id).await?;
                (old.id, SaveOutcome::Replaced)
            }
            None => {
                row.created_at = Set(now);
                row.confirmed_count = Set(0);
                row.revision = Set(0);
                let inserted = row.insert(&txn).await?;
                (inserted.id, SaveOutcome::Created)
            }
        };
        insert_categories(&txn, event_id, &event.categories).await?;
        for day in event.agenda.days() {
            for (position, item) in day.items().iter().enumerate() {
                insert_item(&txn, event_id, day.date(), position, item).await?;
            }
        }
        txn.commit().await?;
        Ok(outcome)
    }

    /// The event with this slug, whole, published or not.
    #[tracing::instrument(skip(self))]
    pub async fn event_by_slug(&self, slug: &Slug) -> Result<Option<StoredEvent>> {
        let found: Option<(i32, i32)> = event::Entity::find()
            .select_only()
            .columns([event::Column::Id, event::Column::Revision])
            .filter(event::Column::Slug.eq(slug.as_str()))
            .into_tuple()
            .unique(&self.conn)
            .await?;
        match found {
            Some((id, revision)) => self.event_at(id, revision).await,
            None => Ok(None),
        }
    }

    /// The event with this id, whole.
    pub async fn event_by_id(&self, id: i32) -> Result<Option<StoredEvent>> {
        match self.revision(id).await? {
            Some(revision) => self.event_at(id, revision).await,
            None => Ok(None),
        }
    }

    /// The revision event `id` is at, if it exists.
    async fn revision(&self, id: i32) -> Result<Option<i32>> {
        Ok(event::Entity::find_by_id(id)
            .select_only()
            .column(event::Column::Revision)
            .into_tuple()
            .unique(&self.conn)
            .await?)
    }

    /// The event `id`, from this instance's copy if it is still at `revision`.
    async fn event_at(&self, id: i32, revision: i32) -> Result<Option<StoredEvent>> {
        if let Some(stored) = self.events.get(id, revision) {
            return Ok(Some(stored));
        }
        // The event row and its agenda are separate reads: a change saved between them would
        // mix two versions. A change raises the revision, so read again until it stands still.
        for _ in 0..3 {
            let Some(row) = event::Entity::find_by_id(id).unique(&self.conn).await? else {
                return Ok(None);
            };
            let read_at = row.revision;
            let stored = self.load_event(row).await?;
            if self.revision(id).await? == Some(read_at) {
                self.events.put(read_at, stored.clone());
                return Ok(Some(stored));
            }
        }
        Err(Error::Corrupt(format!(
            "event {id} kept changing while it was read"
        )))
    }

    async fn load_event(&self, row: event::Model) -> Result<StoredEvent> {
        let categories = event_category::Entity::find()
            .filter(event_category::Column::EventId.eq(row.id))
            .order_by_asc(event_category::Column::Position)
            .all(&self.conn)
            .await?;
        let items = agenda_item::Entity::find()
            .filter(agenda_item::Column::EventId.eq(row.id))
            .order_by_asc(agenda_item::Column::Day)
            .order_by_asc(agenda_item::Column::Position)
            .all(&self.conn)
            .await?;
        let people = agenda_person::Entity::find()
            .filter(agenda_person::Column::ItemId.is_in(items.iter().map(|i| i.id)))
            .order_by_asc(agenda_person::Column::ItemId)
            .order_by_asc(agenda_person::Column::Position)
            .all(&self.conn)
            .await?;
        let (id, organisers_need_totp) = (row.id, row.organisers_need_totp);
        Ok(StoredEvent {
            id,
            event: Arc::new(to_domain(row, categories, items, people)?),
            organisers_need_totp,
        })
    }

    /// The published events, soonest first.
    #[tracing::instrument(skip(self))]
    pub async fn published_events(&self) -> Result<Vec<EventSummary>> {
        self.summaries_where(Condition::all().add(event::Column::Published.eq(true)))
            .await
    }

    /// The events `access` reaches, published or not, soonest first: every event for an admin,
    /// else those of the member's grants.
    #[tracing::instrument(skip_all)]
    pub async fn events_of(&self, access: &domain::Access) -> Result<Vec<EventSummary>> {
        let condition = if access.is_admin() {
            Condition::all()
        } else {
            Condition::all().add(event::Column::Slug.is_in(access.grants().map(|(slug, _)| slug)))
        };
        self.summaries_where(condition).await
    }

    async fn summaries_where(&self, condition: Condition) -> Result<Vec<EventSummary>> {
        let rows = event::Entity::find()
            .filter(condition)
            .all(&self.conn)
            .await?;
        let spans: Vec<(i32, Option<NaiveDate>, Option<NaiveDate>)> = agenda_item::Entity::find()
            .select_only()
            .column(agenda_item::Column::EventId)
            .column_as(agenda_item::Column::Day.min(), "first_day")
            .column_as(agenda_item::Column::Day.max(), "last_day")
            .filter(agenda_item::Column::EventId.is_in(rows.iter().map(|r| r.id)))
            .group_by(agenda_item::Column::EventId)
            .into_tuple()
            .all(&self.conn)
            .await?;
        let spans: HashMap<i32, (Option<NaiveDate>, Option<NaiveDate>)> = spans
            .into_iter()
            .map(|(id, first, last)| (id, (first, last)))
            .collect();
        let mut summaries = Vec::with_capacity(rows.len());
        for row in rows {
            let (Some(first_day), Some(last_day)) = spans.get(&row.id).copied().unwrap_or_default()
            else {
                return Err(Error::Corrupt(format!("event {} has no agenda", row.slug)));
            };
            summaries.push(EventSummary {
                id: row.id,
                slug: Slug::parse(&row.slug).map_err(|e| corrupt("slug", e))?,
                title: row.title,
                city: row.venue_city,
                first_day,
                last_day,
                published: row.published,
            });
        }
        summaries.sort_by(|a, b| (a.first_day, &a.slug).cmp(&(b.first_day, &b.slug)));
        Ok(summaries)
    }

    /// Publishes or unpublishes an event; `false` when there is no event with this slug.
    pub async fn set_published(
        &self,
        slug: &Slug,
        published: bool,
        now: DateTime<Utc>,
    ) -> Result<bool> {
        let Some(row) = event::Entity::find()
            .filter(event::Column::Slug.eq(slug.as_str()))
            .one(&self.conn)
            .await?
        else {
            return Ok(false);
        };
        Self::set_published_on(&self.writer, row, published, now).await?;
        Ok(true)
    }

    /// Publishes or unpublishes the event `row`, on `conn` (see [`Database::save_event_on`]).
    pub(crate) async fn set_published_on<C: TransactionTrait<Transaction = DatabaseTransaction>>(
        conn: &C,
        row: event::Model,
        published: bool,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let txn = conn.begin().await?;
        let id = row.id;
        let mut row = row.into_active_model();
        row.published = Set(published);
        row.updated_at = Set(now);
        row.update(&txn).await?;
        bump_revision(&txn, id).await?;
        txn.commit().await?;
        Ok(())
    }
}

/// Raises the event's revision in the database itself, so that two changes at once cannot both
/// claim the same revision.
impl Database {
    /// Whether event `event_id`'s organisers must sign in with a second factor, logged; every
    /// instance's copy of the event is read again.
    pub async fn set_organisers_need_totp(
        &self,
        event_id: i32,
        need: bool,
        now: DateTime<Utc>,
        by: &crate::ByWhom,
    ) -> Result<()> {
        use sea_orm::TransactionTrait;
        let txn = self.writer.begin().await?;
        event::Entity::update_many()
            .col_expr(event::Column::OrganisersNeedTotp, need.into())
            .filter(event::Column::Id.eq(event_id))
            .exec(&txn)
            .await?;
        bump_revision(&txn, event_id).await?;
        let change = crate::access::Change {
            at: now,
            action: if need {
                crate::AccessAction::TotpRequired
            } else {
                crate::AccessAction::TotpOptional
            },
            event_id: Some(event_id),
            subject_email: "",
            role: Some(domain::Role::Organiser),
        };
        crate::access::log(&txn, change, by).await?;
        txn.commit().await?;
        Ok(())
    }
}

async fn bump_revision(conn: &impl sea_orm::ConnectionTrait, id: i32) -> Result<()> {
    use sea_orm::sea_query::{Expr, ExprTrait};
    event::Entity::update_many()
        .col_expr(
            event::Column::Revision,
            Expr::col(event::Column::Revision).add(1),
        )
        .filter(event::Column::Id.eq(id))
        .exec(conn)
        .await?;
    Ok(())
}

fn seats(capacity: Capacity) -> i32 {
    // Capacity::MAX keeps seats far inside i32.
    i32::try_from(capacity.seats()).unwrap_or(i32::MAX)
}

fn position_of(index: usize) -> i32 {
    i32::try_from(index).unwrap_or(i32::MAX)
}

fn corrupt(what: &str, error: impl std::fmt::Display) -> Error {
    Error::Corrupt(format!("{what}: {error}"))
}

/// The event's own row, without the columns that depend on whether it is new (id, creation time,
/// counters): the caller sets those.
fn event_row(event: &Event, now: DateTime<Utc>) -> Result<event::ActiveModel> {
    let objectives =
        serde_json::to_string(&event.objectives).map_err(|e| Error::Corrupt(e.to_string()))?;
    let questions =
        serde_json::to_string(&event.questions).map_err(|e| Error::Corrupt(e.to_string()))?;
    Ok(event::ActiveModel {
        slug: Set(event.slug.to_string()),
        title: Set(event.title.clone()),
        organiser: Set(event.organiser.clone()),
        language: Set(event.language.code().to_owned()),
        time_zone: Set(event.time_zone.name().to_owned()),
        capacity: Set(seats(event.capacity)),
        approval: Set(event.approval.as_str().to_owned()),
        published: Set(event.published),
        overview: Set(event.overview.clone()),
        objectives: Set(objectives),
        questions: Set(questions),
        venue_name: Set(event.venue.name.clone()),
        venue_address: Set(event.venue.address.clone()),
        venue_city: Set(event.venue.city.clone()),
        registration_opens_at: Set(event.registration.opens_at()),
        registration_closes_at: Set(event.registration.closes_at()),
        updated_at: Set(now),
        ..Default::default()
    })
}

/// A replaced event's agenda and categories are replaced whole, not merged: deleting them all is
/// simpler than matching old rows to new ones, and only the agenda's people refer to an item row.
/// The people go first, as they refer to the items.
async fn delete_agenda_and_categories(txn: &DatabaseTransaction, event_id: i32) -> Result<()> {
    let item_ids: Vec<i32> = agenda_item::Entity::find()
        .select_only()
        .column(agenda_item::Column::Id)
        .filter(agenda_item::Column::EventId.eq(event_id))
        .into_tuple()
        .all(txn)
        .await?;
    agenda_person::Entity::delete_many()
        .filter(agenda_person::Column::ItemId.is_in(item_ids))
        .exec(txn)
        .await?;
    agenda_item::Entity::delete_many()
        .filter(agenda_item::Column::EventId.eq(event_id))
        .exec(txn)
        .await?;
    event_category::Entity::delete_many()
        .filter(event_category::Column::EventId.eq(event_id))
        .exec(txn)
        .await?;
    Ok(())
}

/// The categories in one statement, numbered so that they read back in the organiser's order.
async fn insert_categories(
    txn: &DatabaseTransaction,
    event_id: i32,
    categories: &[Category],
) -> Result<()> {
    if categories.is_empty() {
        return Ok(());
    }
    event_category::Entity::insert_many(categories.iter().enumerate().map(|(position, c)| {
        event_category::ActiveModel {
            event_id: Set(event_id),
            position: Set(position_of(position)),
            key: Set(c.key.clone()),
            label_fr: Set(c.fr.clone()),
            label_en: Set(c.en.clone()),
            label_es: Set(c.es.clone()),
            ..Default::default()
        }
    }))
    .exec(txn)
    .await?;
    Ok(())
}

/// One agenda item, then its people, which need the item's new id. The moderator is stored at
/// position 0 of its role and the speakers in their order, so [`to_domain`] rebuilds them as given.
async fn insert_item(
    txn: &DatabaseTransaction,
    event_id: i32,
    day: NaiveDate,
    position: usize,
    item: &Item,
) -> Result<()> {
    let stored = agenda_item::ActiveModel {
        event_id: Set(event_id),
        day: Set(day),
        position: Set(position_of(position)),
        starts_at: Set(item.slot.start()),
        ends_at: Set(item.slot.end()),
        kind: Set(item.kind.into()),
        title: Set(item.title.clone()),
        description: Set(item.description.clone()),
        attendance: Set(item.attendance),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    let people = item
        .moderator
        .iter()
        .map(|m| (agenda_person::Role::Moderator, 0, m))
        .chain(
            item.speakers
                .iter()
                .enumerate()
                .map(|(i, s)| (agenda_person::Role::Speaker, i, s)),
        );
    let rows: Vec<agenda_person::ActiveModel> = people
        .map(|(role, position, person)| agenda_person::ActiveModel {
            item_id: Set(stored.id),
            role: Set(role),
            position: Set(position_of(position)),
            name: Set(person.name.clone()),
            function: Set(person.function.clone()),
            organisation: Set(person.organisation.clone()),
            country: Set(person.country.clone()),
            ..Default::default()
        })
        .collect();
    if !rows.is_empty() {
        agenda_person::Entity::insert_many(rows).exec(txn).await?;
    }
    Ok(())
}

/// Rebuilds a domain event from its rows, through the domain's own constructors: a row that breaks
/// a rule is reported as corrupt rather than shown.
fn to_domain(
    row: event::Model,
    categories: Vec<event_category::Model>,
    items: Vec<agenda_item::Model>,
    people: Vec<agenda_person::Model>,
) -> Result<Event> {
    let days = days_from_rows(items, people)?;
    let objectives: Vec<String> =
        serde_json::from_str(&row.objectives).map_err(|e| corrupt("objectives", e))?;
    let questions = serde_json::from_str(&row.questions).map_err(|e| corrupt("questions", e))?;
    let approval = row.approval();
    Ok(Event {
        slug: Slug::parse(&row.slug).map_err(|e| corrupt("slug", e))?,
        title: row.title,
        organiser: row.organiser,
        language: row
            .language
            .parse::<Lang>()
            .map_err(|e| corrupt("language", e))?,
        overview: row.overview,
        objectives,
        venue: Venue {
            name: row.venue_name,
            address: row.venue_address,
            city: row.venue_city,
        },
        time_zone: row.time_zone.parse().map_err(|e| corrupt("time zone", e))?,
        capacity: u32::try_from(row.capacity)
            .ok()
            .and_then(Capacity::new)
            .ok_or_else(|| corrupt("capacity", row.capacity))?,
        approval,
        registration: RegistrationWindow::new(
            row.registration_opens_at,
            row.registration_closes_at,
        )
        .ok_or_else(|| corrupt("registration window", "closes before it opens"))?,
        categories: categories
            .into_iter()
            .map(|c| Category {
                key: c.key,
                fr: c.label_fr,
                en: c.label_en,
                es: c.label_es,
            })
            .collect(),
        questions,
        published: row.published,
        agenda: Agenda::new(days).map_err(|e| corrupt("agenda", e))?,
    })
}

/// The agenda's days from its item rows, which come ordered by day then position: a new date
/// starts a new day.
fn days_from_rows(
    items: Vec<agenda_item::Model>,
    people: Vec<agenda_person::Model>,
) -> Result<Vec<Day>> {
    let mut people_of: HashMap<i32, Vec<agenda_person::Model>> = HashMap::new();
    for person in people {
        people_of.entry(person.item_id).or_default().push(person);
    }
    let mut days: Vec<Day> = Vec::new();
    let mut current: Option<(NaiveDate, Vec<Item>)> = None;
    for item in items {
        let date = item.day;
        let people = people_of.remove(&item.id).unwrap_or_default();
        let domain_item = item_from_row(item, people)?;
        match &mut current {
            Some((day, list)) if *day == date => list.push(domain_item),
            _ => {
                if let Some((day, list)) = current.take() {
                    days.push(Day::new(day, list).map_err(|e| corrupt("agenda day", e))?);
                }
                current = Some((date, vec![domain_item]));
            }
        }
    }
    if let Some((day, list)) = current {
        days.push(Day::new(day, list).map_err(|e| corrupt("agenda day", e))?);
    }
    Ok(days)
}

/// One agenda item and its people; the people rows come ordered by position, so the speakers
/// keep their order.
fn item_from_row(item: agenda_item::Model, people: Vec<agenda_person::Model>) -> Result<Item> {
    let mut moderator = None;
    let mut speakers = Vec::new();
    for p in people {
        let person = Person {
            name: p.name,
            function: p.function,
            organisation: p.organisation,
            country: p.country,
        };
        if p.role == agenda_person::Role::Moderator {
            moderator = Some(person);
        } else {
            speakers.push(person);
        }
    }
    Ok(Item {
        slot: TimeSlot::new(item.starts_at, item.ends_at).map_err(|e| corrupt("agenda item", e))?,
        kind: item.kind.into(),
        title: item.title,
        description: item.description,
        moderator,
        speakers,
        attendance: item.attendance,
    })
}

impl Database {
    /// The event with this slug and, if it belongs to it, registration `registration_id`: what
    /// every scan at the desk needs, in one query instead of two.
    pub async fn event_with_registration(
        &self,
        slug: &Slug,
        registration_id: i32,
    ) -> Result<Option<(StoredEvent, Option<domain::Registration>)>> {
        use crate::entities::registration;
        use sea_orm::sea_query::{Alias, Expr, ExprTrait, JoinType, Query};
        use sea_orm::{ConnectionTrait, FromQueryResult, IdenStatic, Iterable};
        const PREFIX: &str = "r_";
        let mut select = Query::select();
        select
            .expr_as(Expr::col((event::Entity, event::Column::Id)), "e_id")
            .expr_as(
                Expr::col((event::Entity, event::Column::Revision)),
                "e_revision",
            )
            .from(event::Entity)
            .join(
                JoinType::LeftJoin,
                registration::Entity,
                Expr::col((registration::Entity, registration::Column::Id))
                    .eq(registration_id)
                    .and(
                        Expr::col((registration::Entity, registration::Column::EventId))
                            .equals((event::Entity, event::Column::Id)),
                    ),
            )
            .and_where(Expr::col((event::Entity, event::Column::Slug)).eq(slug.as_str()));
        for column in registration::Column::iter() {
            select.expr_as(
                Expr::col((registration::Entity, column)),
                Alias::new(format!("{PREFIX}{}", column.as_str())),
            );
        }
        let statement = self.conn.get_database_backend().build(&select);
        let Some(row) = self.conn.query_one_raw(statement).await? else {
            return Ok(None);
        };
        let id: i32 = row.try_get("", "e_id")?;
        let revision: i32 = row.try_get("", "e_revision")?;
        let Some(stored) = self.event_at(id, revision).await? else {
            return Ok(None);
        };
        let found: Option<i32> = row.try_get(PREFIX, registration::Column::Id.as_str())?;
        let registration = match found {
            Some(_) => Some(crate::registrations::to_domain(
                registration::Model::from_query_result(&row, PREFIX)?,
            )?),
            None => None,
        };
        Ok(Some((stored, registration)))
    }
}

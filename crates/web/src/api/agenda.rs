//! `GET /api/v1/events/{slug}/agenda`: a published event's agenda.

use crate::AppState;
use crate::error::Error;
use crate::extract::ApiPath;
use axum::Json;
use axum::extract::State;
use chrono::{DateTime, FixedOffset, Utc};
use chrono_tz::Tz;
use domain::{Event, ItemKind, Person, agenda::local_instant};
use serde::Serialize;
use utoipa::ToSchema;

/// A published event's agenda.
#[derive(Debug, Serialize, ToSchema)]
pub struct AgendaResponse {
    slug: String,
    title: String,
    /// The language the event's texts are written in (`fr` or `en`).
    language: String,
    /// The IANA zone the agenda's times are local to.
    #[schema(example = "Europe/Zurich")]
    time_zone: String,
    days: Vec<AgendaDay>,
}

/// One day of the agenda.
#[derive(Debug, Serialize, ToSchema)]
pub struct AgendaDay {
    /// The local date.
    #[schema(example = "2008-07-07")]
    date: String,
    /// When the check-in desk opens that day.
    desk_opens_at: DateTime<FixedOffset>,
    /// When it closes: the end of the day's last item.
    desk_closes_at: DateTime<FixedOffset>,
    items: Vec<AgendaItem>,
}

/// What an agenda item is.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AgendaItemKind {
    Registration,
    Opening,
    Session,
    Break,
    Closing,
    Other,
}

impl From<ItemKind> for AgendaItemKind {
    fn from(kind: ItemKind) -> Self {
        match kind {
            ItemKind::Registration => Self::Registration,
            ItemKind::Opening => Self::Opening,
            ItemKind::Session => Self::Session,
            ItemKind::Break => Self::Break,
            ItemKind::Closing => Self::Closing,
            ItemKind::Other => Self::Other,
        }
    }
}

/// One slot of the programme.
#[derive(Debug, Serialize, ToSchema)]
pub struct AgendaItem {
    /// The item's key: its date and start, `~2`… for a second item starting then. A door scan
    /// names its item by it (`POST …/checkins` with `item`).
    #[schema(example = "2008-07-07T11:00")]
    id: String,
    /// Whether its door is scanned (sessions, the opening and the closing, unless the event
    /// file says otherwise).
    attendance: bool,
    /// Local start time, as printed in the programme.
    #[schema(example = "09:00")]
    start: String,
    #[schema(example = "10:00")]
    end: String,
    starts_at: DateTime<FixedOffset>,
    ends_at: DateTime<FixedOffset>,
    kind: AgendaItemKind,
    title: String,
    description: Option<String>,
    moderator: Option<AgendaPerson>,
    speakers: Vec<AgendaPerson>,
}

/// A moderator or speaker.
#[derive(Debug, Serialize, ToSchema)]
pub struct AgendaPerson {
    name: String,
    function: Option<String>,
    organisation: Option<String>,
    country: Option<String>,
}

impl From<&Person> for AgendaPerson {
    fn from(p: &Person) -> Self {
        Self {
            name: p.name.clone(),
            function: p.function.clone(),
            organisation: p.organisation.clone(),
            country: p.country.clone(),
        }
    }
}

fn local(instant: DateTime<Utc>, tz: Tz) -> DateTime<FixedOffset> {
    instant.with_timezone(&tz).fixed_offset()
}

impl AgendaResponse {
    fn new(event: &Event) -> Self {
        let tz = event.time_zone;
        Self {
            slug: event.slug.to_string(),
            title: event.title.clone(),
            language: event.language.code().to_owned(),
            time_zone: tz.name().to_owned(),
            days: event
                .agenda
                .days()
                .iter()
                .map(|day| {
                    let window = day.desk_window(tz);
                    AgendaDay {
                        date: day.date().to_string(),
                        desk_opens_at: local(window.opens_at, tz),
                        desk_closes_at: local(window.closes_at, tz),
                        items: day
                            .keyed_items()
                            .into_iter()
                            .map(|(key, item)| AgendaItem {
                                id: key.to_string(),
                                attendance: item.takes_attendance(),
                                start: item.slot.start().format("%H:%M").to_string(),
                                end: item.slot.end().format("%H:%M").to_string(),
                                starts_at: local(
                                    local_instant(tz, day.date(), item.slot.start()),
                                    tz,
                                ),
                                ends_at: local(local_instant(tz, day.date(), item.slot.end()), tz),
                                kind: item.kind.into(),
                                title: item.title.clone(),
                                description: item.description.clone(),
                                moderator: item.moderator.as_ref().map(AgendaPerson::from),
                                speakers: item.speakers.iter().map(AgendaPerson::from).collect(),
                            })
                            .collect(),
                    }
                })
                .collect(),
        }
    }
}

/// The agenda of a published event, day by day, in the event's local time.
#[utoipa::path(
    get,
    path = "/api/v1/events/{slug}/agenda",
    tag = "events",
    params(("slug" = String, Path, description = "The event's short name, as in its URL")),
    responses(
        (status = OK, description = "The agenda", body = AgendaResponse),
        (status = NOT_FOUND, description = "No published event has this slug"),
    )
)]
pub async fn agenda(
    State(state): State<AppState>,
    ApiPath(slug): ApiPath<String>,
) -> Result<Json<AgendaResponse>, Error> {
    let stored = crate::lookup::published_event(&state, &slug).await?;
    Ok(Json(AgendaResponse::new(&stored.event)))
}

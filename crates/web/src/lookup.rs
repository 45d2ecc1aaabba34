//! Finding what an address names: an event by its slug, a registration of that event. Anything
//! that does not exist, or that this caller may not see, is the same 404.

use crate::{AppState, Error};
use domain::{Registration, Slug};
use persistence::StoredEvent;

/// The event with this slug, published or not (staff pages and the desk).
pub(crate) async fn any_event(state: &AppState, slug: &str) -> Result<StoredEvent, Error> {
    let slug = Slug::parse(slug).map_err(|_| Error::NotFound)?;
    state
        .db()
        .event_by_slug(&slug)
        .await?
        .ok_or(Error::NotFound)
}

/// The published event with this slug (public pages and API).
pub(crate) async fn published_event(state: &AppState, slug: &str) -> Result<StoredEvent, Error> {
    let stored = any_event(state, slug).await?;
    if !stored.event.published {
        return Err(Error::NotFound);
    }
    Ok(stored)
}

/// The event with this slug and, when `registration_id` is given, that registration if it belongs
/// to the event: one query for what every scan at the desk needs.
pub(crate) async fn event_with_registration(
    state: &AppState,
    slug: &str,
    registration_id: Option<i32>,
) -> Result<(StoredEvent, Option<Registration>), Error> {
    let Some(id) = registration_id else {
        return Ok((any_event(state, slug).await?, None));
    };
    let slug = Slug::parse(slug).map_err(|_| Error::NotFound)?;
    state
        .db()
        .event_with_registration(&slug, id)
        .await?
        .ok_or(Error::NotFound)
}

/// The registration with this id, if it belongs to `stored`.
pub(crate) async fn registration_of(
    state: &AppState,
    stored: &StoredEvent,
    id: i32,
) -> Result<Registration, Error> {
    state
        .db()
        .registration(id)
        .await?
        .filter(|r| r.event_id == stored.id)
        .ok_or(Error::NotFound)
}

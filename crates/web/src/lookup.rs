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

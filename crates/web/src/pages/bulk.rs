//! Bulk actions on the organisers' filtered registrations list: approve, decline, cancel or send
//! again every registration the filter shows (the spam of a public form cleared with one filter
//! and one action). The first POST only asks: a confirmation page says how many registrations
//! the action will touch; the second, confirmed, acts on those of the filter that existed when
//! the organiser was asked (none registered since), [`persistence::BULK_BATCH`] per transaction,
//! each change audited (see `persistence::Database::bulk_action`).

use crate::AppState;
use crate::api::reports::ReportQuery;
use crate::error::Error;
use crate::extract::{CsrfForm, Organiser};
use crate::lang::RequestLang;
use crate::templates::languages;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::post;
use domain::{Lang, Note};
use minijinja::context;
use persistence::{Bulk, StoredEvent};
use serde::Deserialize;

pub(crate) fn router() -> crate::routes::Listed {
    crate::routes::Listed::new().route("/organiser/{slug}/bulk", post(bulk))
}

/// The actions, by the name the form posts.
const ACTIONS: [&str; 4] = ["approve", "decline", "cancel", "resend"];

#[derive(Debug, Deserialize)]
struct BulkForm {
    #[serde(flatten)]
    filter: ReportQuery,
    action: String,
    /// The highest registration id when the list was shown: newer ones are not acted on.
    up_to: i32,
    /// Present on the confirmation page's button: act now.
    confirm: Option<String>,
    /// For `decline`: words for the participants, added to the email.
    message: Option<String>,
}

impl BulkForm {
    /// The query string that shows the same list again.
    fn list_query(&self) -> String {
        let f = &self.filter;
        let pairs = [
            ("q", f.q.clone().unwrap_or_default()),
            ("status", f.status.clone().unwrap_or_default()),
            ("category", f.category.clone().unwrap_or_default()),
            ("country", f.country.clone().unwrap_or_default()),
            (
                "present_on",
                f.present_on.map(|d| d.to_string()).unwrap_or_default(),
            ),
            (
                "absent_on",
                f.absent_on.map(|d| d.to_string()).unwrap_or_default(),
            ),
        ];
        pairs
            .iter()
            .map(|(name, value)| {
                let value = percent_encoding::utf8_percent_encode(
                    value,
                    percent_encoding::NON_ALPHANUMERIC,
                );
                format!("{name}={value}")
            })
            .collect::<Vec<_>>()
            .join("&")
    }
}

async fn bulk(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    Organiser {
        staff,
        event: stored,
    }: Organiser,
    CsrfForm(form): CsrfForm<BulkForm>,
) -> Result<Response, Error> {
    let filter = form.filter.filter(lang)?;
    let Some(action) = ACTIONS.iter().find(|a| **a == form.action).copied() else {
        return Err(Error::BadRequest(i18n::t(lang, "bulk-unknown-action", &[])));
    };
    let ids = state
        .db()
        .matching_ids(stored.id, &filter, form.up_to)
        .await?;
    let note = match action {
        "decline" => Note::parse(form.message.as_deref().unwrap_or("")),
        _ => Ok(None),
    };
    let note = match note {
        Ok(note) => note,
        Err(problem) => {
            let error = crate::registration::problem_message(problem, lang);
            let html = confirmation(&state, &stored, &staff, lang, &form, ids.len(), Some(error))?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(html)).into_response());
        }
    };
    if form.confirm.is_none() {
        let html = confirmation(&state, &stored, &staff, lang, &form, ids.len(), None)?;
        return Ok(Html(html).into_response());
    }
    let bulk = match action {
        "approve" => Bulk::Approve,
        "decline" => Bulk::Decline(note),
        "cancel" => Bulk::Cancel,
        _ => Bulk::Resend,
    };
    let done = state
        .db()
        .bulk_action(
            stored.id,
            staff.member.id,
            &bulk,
            &filter,
            &ids,
            state.clock(),
        )
        .await?;
    Ok(Redirect::to(&format!(
        "/organiser/{}/registrations?{}&done={}&unchanged={}",
        stored.event.slug,
        form.list_query(),
        done.changed,
        done.unchanged
    ))
    .into_response())
}

/// The page that asks before acting: what, on how many, with the filter kept in hidden fields.
fn confirmation(
    state: &AppState,
    stored: &StoredEvent,
    staff: &crate::auth::Staff,
    lang: Lang,
    form: &BulkForm,
    count: usize,
    error: Option<String>,
) -> Result<String, Error> {
    let slug = stored.event.slug.as_str();
    let f = &form.filter;
    Ok(state.templates().render(
        "bulk.html",
        context! {
            lang => lang.code(),
            languages => languages(&format!("/organiser/{slug}/registrations"), lang),
            slug => slug,
            title => stored.event.title.as_str(),
            action => form.action.as_str(),
            count => count,
            up_to => form.up_to,
            message => form.message.clone().unwrap_or_default(),
            error => error,
            back => format!("/organiser/{slug}/registrations?{}", form.list_query()),
            q => f.q.clone().unwrap_or_default(),
            status => f.status.clone().unwrap_or_default(),
            category => f.category.clone().unwrap_or_default(),
            country => f.country.clone().unwrap_or_default(),
            present_on => f.present_on.map(|d| d.to_string()).unwrap_or_default(),
            absent_on => f.absent_on.map(|d| d.to_string()).unwrap_or_default(),
            csrf => staff.csrf_token(),
        },
    )?)
}

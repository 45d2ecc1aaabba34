//! The organisers' dashboard: registrations, arrivals per day with their curves, categories,
//! countries, answers per option and email health, kept live with server-sent events; and the
//! registrations' list and pages, where organisers act on a registration and correct its answers.

use crate::AppState;
use crate::auth::Staff;
use crate::error::Error;
use crate::extract::{CsrfForm, NoFields, Organiser};
use crate::lang::RequestLang;
use crate::templates::{languages, view};
use crate::views::AnswersForm;
use axum::extract::{Path, State};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use domain::Lang;
use i18n::long_date;
use i18n::t;
use minijinja::context;
use persistence::{Action, AuditDetails, Done, Happened, HistoryLine, StoredEvent};
use serde::{Deserialize, Serialize};
use std::convert::Infallible;
use std::time::Duration;

pub(crate) fn router() -> crate::routes::Listed {
    crate::routes::Listed::new()
        .route("/organiser/{slug}", get(dashboard))
        .route("/organiser/{slug}/live", get(live))
        .route("/organiser/{slug}/emails/{id}/retry", post(retry_email))
        .route("/organiser/{slug}/registrations", get(registrations))
        .route("/organiser/{slug}/registrations/{id}", get(participant))
        .route(
            "/organiser/{slug}/registrations/{id}/answers",
            post(edit_answers),
        )
        .route(
            "/organiser/{slug}/registrations/{id}/{action}",
            post(participant_action),
        )
        .route("/organiser/{slug}/publish", post(publish))
        .route("/organiser/{slug}/import", post(import))
}

/// Registrations per page of the list.
const LIST_PAGE: u64 = 50;

#[derive(Debug, Serialize)]
struct ListRow {
    id: i32,
    name: String,
    email: String,
    organisation: String,
    category: String,
    country: String,
    status: String,
    days: Vec<bool>,
}

#[derive(Debug, Deserialize)]
struct ListQuery {
    #[serde(flatten)]
    filter: crate::api::reports::ReportQuery,
    /// The last id of the previous page (keyset pagination: as fast on page 2,000 as on page 1).
    after: Option<i32>,
    /// After a bulk action: how many registrations it changed, and how many it left as they were.
    done: Option<usize>,
    unchanged: Option<usize>,
}

async fn registrations(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    Organiser {
        staff,
        event: stored,
    }: Organiser,
    axum::extract::Query(query): axum::extract::Query<ListQuery>,
) -> Result<Response, Error> {
    let path = format!("/organiser/{}/registrations", stored.event.slug);
    let filter = query.filter.filter(lang)?;
    let page = state
        .db()
        .report_page(stored.id, &filter, query.after.unwrap_or(0), LIST_PAGE + 1)
        .await?;
    let more = page.len() > usize::try_from(LIST_PAGE).unwrap_or(usize::MAX);
    // What a bulk action would act on: the filter's registrations as of now.
    let up_to = state.db().last_registration_id(stored.id).await?;
    let matching = state.db().matching_count(stored.id, &filter, up_to).await?;
    let event = &stored.event;
    let rows: Vec<ListRow> = page
        .iter()
        .take(usize::try_from(LIST_PAGE).unwrap_or(usize::MAX))
        .map(|row| {
            let p = &row.registration.participant;
            ListRow {
                id: row.registration.id,
                name: format!("{} {}", p.given_name, p.family_name),
                email: p.email.as_str().to_owned(),
                organisation: p.organisation.to_string(),
                category: event
                    .category(&p.category)
                    .map(|c| c.label(lang, event.language).to_owned())
                    .unwrap_or_default(),
                country: i18n::country_name(lang, p.country),
                status: i18n::t(
                    lang,
                    &format!("status-{}", row.registration.status.as_str()),
                    &[],
                ),
                days: event
                    .agenda
                    .days()
                    .iter()
                    .map(|d| row.checkins.iter().any(|c| c.day == d.date()))
                    .collect(),
            }
        })
        .collect();
    let next_after = if more {
        rows.last().map(|r| r.id)
    } else {
        None
    };
    let f = &query.filter;
    let html = state.templates().render(
        "registrations.html",
        context! {
            lang => lang.code(),
            languages => languages(&path, lang),
            slug => event.slug.as_str(),
            title => event.title.as_str(),
            rows => view(rows),
            days => event.agenda.days().iter().map(|d| long_date(d.date(), lang)).collect::<Vec<_>>(),
            day_dates => event.agenda.days().iter().map(|d| d.date().to_string()).collect::<Vec<_>>(),
            categories => event.categories.iter().map(|c| (c.key.clone(), c.label(lang, event.language).to_owned())).collect::<Vec<_>>(),
            q => f.q.clone().unwrap_or_default(),
            status => f.status.clone().unwrap_or_default(),
            category => f.category.clone().unwrap_or_default(),
            country => f.country.clone().unwrap_or_default(),
            present_on => f.present_on.map(|d| d.to_string()).unwrap_or_default(),
            absent_on => f.absent_on.map(|d| d.to_string()).unwrap_or_default(),
            next_after => next_after,
            up_to => up_to,
            matching => matching,
            done => query.done,
            unchanged => query.unchanged.unwrap_or_default(),
            csrf => staff.csrf_token(),
        },
    )?;
    Ok(Html(html).into_response())
}

#[derive(Debug, Serialize)]
struct HistoryView {
    at: String,
    by: String,
    what: String,
    details: String,
}

impl HistoryView {
    /// A line of history or of the audit log, in words of the reader's language.
    fn new(line: HistoryLine, tz: chrono_tz::Tz, lang: Lang) -> Self {
        let details = line.details.unwrap_or_default();
        let (what, details) = match &line.what {
            Happened::Email { kind, status } => {
                let kind = catalog_or_code(lang, "history-email", kind.as_str());
                let status = catalog_or_code(lang, "history-email-status", status.as_str());
                let what = t(
                    lang,
                    "history-email",
                    &[("name", kind.into()), ("detail", status.into())],
                );
                // An email's details are its last delivery error, as the mail server wrote it.
                (what, details)
            }
            Happened::Scan {
                outcome,
                desk,
                received_at,
                conflict,
            } => {
                let outcome = catalog_or_code(lang, "history-scan", outcome.as_str());
                // Which desk, when an offline scan arrived, and a double admission.
                let mut said: Vec<String> = Vec::new();
                if let Some(desk) = desk {
                    said.push(t(
                        lang,
                        "history-details-desk",
                        &[("detail", desk.clone().into())],
                    ));
                }
                if let Some(received) = received_at {
                    said.push(t(
                        lang,
                        "history-details-offline",
                        &[("time", i18n::long_datetime(*received, tz, lang).into())],
                    ));
                }
                if *conflict {
                    said.push(t(lang, "history-details-conflict", &[]));
                }
                (
                    t(lang, "history-scan", &[("detail", outcome.into())]),
                    said.join(" · "),
                )
            }
            Happened::Audit {
                action,
                details: typed,
            } => (
                catalog_or_code(lang, "history-audit", action.as_str()),
                typed
                    .as_ref()
                    .map_or(details, |typed| audit_details(typed, lang)),
            ),
        };
        HistoryView {
            at: i18n::long_datetime(line.at, tz, lang),
            by: line.by.unwrap_or_default(),
            what,
            details,
        }
    }
}

/// The catalog's words for the stored `code` (message `{prefix}-{code}`), or the code itself
/// when the catalog has none: a line written by a newer version still shows.
fn catalog_or_code(lang: Lang, prefix: &str, code: &str) -> String {
    i18n::try_t(lang, &format!("{prefix}-{code}"), &[]).unwrap_or_else(|| code.to_owned())
}

/// An audited action's details in words of the reader's language (details older than
/// `AuditDetails` show as they were kept).
fn audit_details(details: &AuditDetails, lang: Lang) -> String {
    match *details {
        AuditDetails::TicketVersion(n) => {
            t(lang, "history-details-version", &[("number", n.into())])
        }
        AuditDetails::Promoted(n) => t(lang, "history-details-promoted", &[("number", n.into())]),
        AuditDetails::Day(day) => long_date(day, lang),
        AuditDetails::Status(status) => t(lang, &format!("status-{}", status.as_str()), &[]),
        AuditDetails::Agenda { days, items } => t(
            lang,
            "history-details-agenda",
            &[("number", days.into()), ("detail", items.into())],
        ),
        AuditDetails::Questions(ref keys) => t(
            lang,
            "history-details-answers",
            &[("detail", keys.join(", ").into())],
        ),
        AuditDetails::Count(n) => t(
            lang,
            "history-details-certificates",
            &[("number", (n as i64).into())],
        ),
    }
}

async fn participant(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    Organiser {
        staff,
        event: stored,
    }: Organiser,
    Path((_, id)): Path<(String, i32)>,
) -> Result<Response, Error> {
    participant_page(&state, lang, &staff, &stored, id, None, None).await
}

/// What an organiser typed in the form of answers and what is wrong with it, by `answers.KEY`.
type TypedAnswers = (
    std::collections::BTreeMap<String, domain::RawAnswer>,
    std::collections::BTreeMap<String, String>,
);

/// The participant's page: with the form of answers filled in with what is stored, or (`typed`)
/// with what the organiser sent and what is wrong with it (422).
async fn participant_page(
    state: &AppState,
    lang: Lang,
    staff: &Staff,
    stored: &StoredEvent,
    id: i32,
    typed: Option<TypedAnswers>,
    refused_decline: Option<RefusedDecline>,
) -> Result<Response, Error> {
    let path = format!("/organiser/{}/registrations/{id}", stored.event.slug);
    let registration = crate::lookup::registration_of(state, stored, id).await?;
    let tz = stored.event.time_zone;
    let mut history = vec![HistoryView {
        at: i18n::long_datetime(registration.registered_at, tz, lang),
        by: String::new(),
        what: t(lang, "history-registered", &[]),
        details: String::new(),
    }];
    history.extend(
        state
            .db()
            .history(id)
            .await?
            .into_iter()
            .map(|line| HistoryView::new(line, tz, lang)),
    );
    let p = crate::api::participant_view(&registration, stored, lang);
    let category = &registration.participant.category;
    let (status, form) = match typed {
        None => (
            axum::http::StatusCode::OK,
            AnswersForm::stored(
                &stored.event,
                category,
                lang,
                &registration.participant.answers,
            ),
        ),
        Some((typed, errors)) => (
            axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            AnswersForm::new(&stored.event, category, lang, &typed, errors),
        ),
    };
    let html = state.templates().render(
        "participant.html",
        context! {
            lang => lang.code(),
            languages => languages(&path, lang),
            slug => stored.event.slug.as_str(),
            title => stored.event.title.as_str(),
            p => view(p),
            email => registration.participant.email.as_str(),
            needs => registration.participant.needs.clone().unwrap_or_default(),
            answers => view(crate::views::answer_views(&stored.event, &registration.participant.answers, lang)),
            history => view(history),
            csrf => staff.csrf_token(),
            form => view(form),
            decline_message => refused_decline.as_ref().map(|r| r.message.clone()).unwrap_or_default(),
            decline_error => refused_decline.as_ref().map(|r| r.error.clone()),
        },
    )?;
    let status = if refused_decline.is_some() {
        axum::http::StatusCode::UNPROCESSABLE_ENTITY
    } else {
        status
    };
    Ok((status, Html(html)).into_response())
}

/// An organiser's correction of a participant's answers: checked against the event's questions
/// asked of the participant's category, stored with a line in the audit log naming the questions
/// changed (nothing, when nothing changed), and back to the participant's page; a wrong answer
/// shows the page again (422) with what was typed and the message by its question, and stores
/// nothing.
async fn edit_answers(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    Organiser {
        staff,
        event: stored,
    }: Organiser,
    Path((_, registration_id)): Path<(String, i32)>,
    CsrfForm(fields): CsrfForm<std::collections::BTreeMap<String, String>>,
) -> Result<Response, Error> {
    let registration = crate::lookup::registration_of(&state, &stored, registration_id).await?;
    let category = &registration.participant.category;
    let typed = crate::pages::posted_answers(&stored.event, &fields);
    // Required questions are not enforced on organisers (`Required::Waived`, as for the desk's
    // walk-ins): they correct what they know, on the participant's word, and must be able to
    // save one answer without inventing the others (a walk-in registered without them), and to
    // untick a required box when the participant takes back what it agreed to (a photo consent):
    // an organiser cannot agree in a participant's place. Every answer given must still be valid.
    let checked = domain::questions::parse_answers_as(
        &stored.event.questions,
        category,
        &typed,
        domain::questions::Required::Waived,
    );
    let edited = match checked {
        Ok(edited) => edited,
        Err(problems) => {
            let errors = problems
                .into_iter()
                .map(|(key, problem)| {
                    (
                        format!("answers.{key}"),
                        crate::registration::problem_message(problem, lang),
                    )
                })
                .collect();
            return participant_page(
                &state,
                lang,
                &staff,
                &stored,
                registration_id,
                Some((typed, errors)),
                None,
            )
            .await;
        }
    };
    let answers =
        registration
            .participant
            .answers
            .corrected(&stored.event.questions, category, edited);
    act(
        &state,
        &staff,
        &stored,
        Action::EditAnswers {
            registration_id,
            answers,
        },
    )
    .await?;
    Ok(Redirect::to(&format!(
        "/organiser/{}/registrations/{registration_id}#answers",
        stored.event.slug
    ))
    .into_response())
}

/// A refusal's message the organiser must correct: as typed, and what is wrong with it.
#[derive(Debug)]
struct RefusedDecline {
    message: String,
    error: String,
}

#[derive(Debug, Deserialize)]
struct ActionForm {
    /// For `decline`: words for the participant, added to the email.
    message: Option<String>,
}

/// An organiser's action on a registration: resend, reissue, cancel, undo-checkin, or the
/// decision on a request (approve, decline).
async fn participant_action(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    Organiser { staff, event }: Organiser,
    Path((_, registration_id, action)): Path<(String, i32, String)>,
    CsrfForm(form): CsrfForm<ActionForm>,
) -> Result<Response, Error> {
    let action = match action.as_str() {
        "resend" => Action::ResendTicket { registration_id },
        "reissue" => Action::ReissueTicket { registration_id },
        "cancel" => Action::CancelRegistration { registration_id },
        "undo-checkin" => Action::UndoCheckin { registration_id },
        "approve" => Action::Decide {
            registration_id,
            decision: persistence::Decision::Approve,
        },
        "decline" => {
            let typed = form.message.unwrap_or_default();
            let note = match domain::Note::parse(&typed) {
                Ok(note) => note,
                Err(problem) => {
                    // The page again, with the message as typed and what is wrong with it.
                    let refused = RefusedDecline {
                        message: typed,
                        error: crate::registration::problem_message(problem, lang),
                    };
                    return participant_page(
                        &state,
                        lang,
                        &staff,
                        &event,
                        registration_id,
                        None,
                        Some(refused),
                    )
                    .await;
                }
            };
            Action::Decide {
                registration_id,
                decision: persistence::Decision::Decline(note),
            }
        }
        _ => return Err(Error::NotFound),
    };
    // A request decided meanwhile by another organiser is no error here: the page shows where
    // it stands now.
    act(&state, &staff, &event, action).await?;
    Ok(Redirect::to(&format!(
        "/organiser/{}/registrations/{registration_id}",
        event.event.slug
    ))
    .into_response())
}

/// Performs `action` and its audit line (see `persistence::Database::organiser_action`); 404
/// when there was nothing to act on.
async fn act(
    state: &AppState,
    staff: &Staff,
    event: &StoredEvent,
    action: Action,
) -> Result<Done, Error> {
    state
        .db()
        .organiser_action(event.id, staff.member.id, action, state.clock().now())
        .await?
        .ok_or(Error::NotFound)
}

#[derive(Debug, Deserialize)]
struct PublishForm {
    published: String,
}

async fn publish(
    State(state): State<AppState>,
    Organiser { staff, event }: Organiser,
    CsrfForm(form): CsrfForm<PublishForm>,
) -> Result<Response, Error> {
    let published = form.published == "true";
    act(&state, &staff, &event, Action::SetPublished(published)).await?;
    Ok(Redirect::to(&format!("/organiser/{}", event.event.slug)).into_response())
}

#[derive(Debug, Deserialize)]
struct ImportForm {
    file: String,
}

/// Replaces the event (agenda and all) with an event file pasted or uploaded as text. The file
/// must keep the event's slug; a broken file changes nothing and its problems are listed.
async fn import(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    Organiser {
        staff,
        event: stored,
    }: Organiser,
    CsrfForm(form): CsrfForm<ImportForm>,
) -> Result<Response, Error> {
    let slug = stored.event.slug.as_str();
    let parsed = domain::parse_event_file(&form.file)
        .map_err(|e| e.to_string())
        .and_then(|event| {
            if event.slug == stored.event.slug {
                Ok(event)
            } else {
                Err(i18n::t(
                    lang,
                    "import-other-slug",
                    &[("detail", event.slug.to_string().into())],
                ))
            }
        });
    // A file that would drop participants' answers (a question removed or re-typed) is refused
    // here; the command line can force it (`event import --force`).
    let parsed = match parsed {
        Ok(event) => {
            let answered = state.db().answer_counts(stored.id).await?;
            let dropped =
                domain::answers_dropped(&stored.event.questions, &event.questions, &answered);
            if dropped.is_empty() {
                Ok(event)
            } else {
                let keys: Vec<&str> = dropped.iter().map(|d| d.key.as_str()).collect();
                Err(i18n::t(
                    lang,
                    "import-drops-answers",
                    &[("detail", keys.join(", ").into())],
                ))
            }
        }
        Err(problems) => Err(problems),
    };
    let event = match parsed {
        Ok(event) => event,
        Err(problems) => {
            let html = state.templates().render(
                "import_failed.html",
                context! {
                    lang => lang.code(),
                    languages => languages(&format!("/organiser/{slug}"), lang),
                    slug => slug,
                    problems => problems,
                },
            )?;
            return Ok((axum::http::StatusCode::UNPROCESSABLE_ENTITY, Html(html)).into_response());
        }
    };
    act(
        &state,
        &staff,
        &stored,
        Action::ReplaceEvent(Box::new(event)),
    )
    .await?;
    Ok(Redirect::to(&format!("/organiser/{slug}")).into_response())
}

#[derive(Debug, Serialize)]
struct DayView {
    number: usize,
    date: String,
    checked_in: usize,
    no_shows: u64,
    chart: String,
}

#[derive(Debug, Serialize)]
struct GroupView {
    label: String,
    registered: u64,
    confirmed: u64,
    waitlisted: u64,
    cancelled: u64,
}

impl GroupView {
    fn new(label: String, counts: &persistence::StatusCounts) -> Self {
        Self {
            label,
            registered: counts.registered(),
            confirmed: counts.confirmed,
            waitlisted: counts.waitlisted,
            cancelled: counts.cancelled,
        }
    }
}

#[derive(Debug, Serialize)]
struct FailedView {
    id: i32,
    /// The email's kind, in words.
    kind: String,
    error: String,
}

/// An agenda item whose door is scanned, and how many came.
#[derive(Debug, Serialize)]
struct ItemView {
    id: String,
    title: String,
    /// "Monday 7 July 2008, 11:00–13:00".
    when: String,
    present: u64,
    /// The scale of the bar: the confirmed registrations (at least 1).
    of: u64,
}

/// A ticket let in twice while a desk was offline, in words.
#[derive(Debug, Serialize)]
struct ConflictRow {
    registration_id: i32,
    name: String,
    day: String,
    /// The scan that stands, and the other(s): time, desk, staff member.
    kept: String,
    other: String,
}

impl ConflictRow {
    fn new(conflict: persistence::OfflineConflict, tz: chrono_tz::Tz, lang: Lang) -> Self {
        let said = |scan: &persistence::ConflictScan| {
            format!("{} · {}", i18n::hh_mm(scan.at, tz), scan.desk_label())
        };
        Self {
            registration_id: conflict.registration_id,
            name: conflict.name,
            day: long_date(conflict.day, lang),
            kept: conflict.kept.as_ref().map(said).unwrap_or_default(),
            other: conflict
                .others
                .iter()
                .map(said)
                .collect::<Vec<_>>()
                .join("; "),
        }
    }
}

#[derive(Debug, Serialize)]
struct Stats {
    registered: u64,
    confirmed: u64,
    waitlisted: u64,
    cancelled: u64,
    /// An event by approval shows its requests too.
    by_approval: bool,
    pending: u64,
    declined: u64,
    seats: u32,
    days: Vec<DayView>,
    categories: Vec<GroupView>,
    countries: Vec<GroupView>,
    emails_pending: u64,
    emails_sent: u64,
    emails_failed: u64,
    failed: Vec<FailedView>,
    /// Counts per option of the choice, multiple choice and checkbox questions.
    questions: Vec<TallyView>,
    /// Tickets let in twice while a desk was offline.
    conflicts: Vec<ConflictRow>,
    /// Attendance at each door of the agenda.
    items: Vec<ItemView>,
}

#[derive(Debug, Serialize)]
struct TallyView {
    key: String,
    label: String,
    options: Vec<OptionCountView>,
}

#[derive(Debug, Serialize)]
struct OptionCountView {
    label: String,
    count: u64,
}

/// The counts per option in words of the reader's language (an option's label falls back to the
/// event's language, as every label): in the event's order of questions and options.
fn tally_views(
    event: &domain::Event,
    tallies: Vec<domain::questions::Tally>,
    lang: Lang,
) -> Vec<TallyView> {
    use domain::questions::Picked;
    let written_in = event.language;
    tallies
        .into_iter()
        .filter_map(|tally| {
            let question = event.questions.iter().find(|q| q.key == tally.question)?;
            let options = tally
                .counts
                .into_iter()
                .map(|(picked, count)| OptionCountView {
                    label: match &picked {
                        Picked::Option(key) => question
                            .option_label(key, lang, written_in)
                            .unwrap_or(key)
                            .to_owned(),
                        Picked::Ticked => t(lang, "answer-yes", &[]),
                        Picked::NotTicked => t(lang, "answer-no", &[]),
                    },
                    count,
                })
                .collect();
            Some(TallyView {
                key: tally.question,
                label: question.label.get(lang, written_in).to_owned(),
                options,
            })
        })
        .collect()
}

/// The counts per option a live stream read last, and what for. Reading them means reading every
/// answer of the event (100,000 registrations' JSON at a large conference), the heaviest of the
/// dashboard's queries, each second for each organiser watching. A stream reads them again when
/// the registrations' counts change (a registration, a cancellation, a decision: what moves the
/// tallies at once) and otherwise every [`TALLIES_EVERY`], which bounds how long an organiser's
/// correction of someone's answer takes to show.
struct TallyCache {
    counts: persistence::StatusCounts,
    read_at: std::time::Instant,
    tallies: Vec<domain::questions::Tally>,
}

/// See [`TallyCache`].
const TALLIES_EVERY: Duration = Duration::from_secs(10);

/// The dashboard's figures. `cache`: a live stream's counts per option from its last round
/// (`None` for a page, which reads them).
async fn stats(
    state: &AppState,
    stored: &StoredEvent,
    lang: Lang,
    cache: &mut Option<TallyCache>,
) -> Result<Stats, Error> {
    let event = &stored.event;
    let figures = state.db().dashboard(stored.id).await?;
    let days = day_views(event, &figures, lang);
    // Every category of the event, even one nobody chose yet, in the event's order.
    let categories = event
        .categories
        .iter()
        .map(|c| {
            GroupView::new(
                c.label(lang, event.language).to_owned(),
                &figures.by_category.get(&c.key).copied().unwrap_or_default(),
            )
        })
        .collect();
    let countries = country_views(&figures.by_country, lang);
    let tallies = match cache {
        Some(kept) if kept.counts == figures.counts && kept.read_at.elapsed() < TALLIES_EVERY => {
            kept.tallies.clone()
        }
        _ => {
            let tallies = state
                .db()
                .option_counts(stored.id, &event.questions)
                .await?;
            *cache = Some(TallyCache {
                counts: figures.counts,
                read_at: std::time::Instant::now(),
                tallies: tallies.clone(),
            });
            tallies
        }
    };
    let failed = figures
        .failed_emails
        .into_iter()
        .map(|f| FailedView {
            id: f.id,
            kind: catalog_or_code(lang, "history-email", f.kind.as_str()),
            error: f.last_error.unwrap_or_default(),
        })
        .collect();
    Ok(Stats {
        registered: figures.counts.registered(),
        confirmed: figures.counts.confirmed,
        waitlisted: figures.counts.waitlisted,
        cancelled: figures.counts.cancelled,
        by_approval: event.approval == domain::Approval::Manual,
        pending: figures.counts.pending,
        declined: figures.counts.declined,
        seats: event.capacity.seats(),
        days,
        categories,
        countries,
        emails_pending: figures.emails.pending,
        emails_sent: figures.emails.sent,
        emails_failed: figures.emails.failed,
        failed,
        questions: tally_views(event, tallies, lang),
        conflicts: state
            .db()
            .offline_conflicts(stored.id)
            .await?
            .into_iter()
            .map(|c| ConflictRow::new(c, event.time_zone, lang))
            .collect(),
        items: {
            let counts = state.db().item_counts(stored.id).await?;
            event
                .agenda
                .attendance_items()
                .into_iter()
                .map(|(day, key, item)| ItemView {
                    present: counts.get(&key).copied().unwrap_or_default(),
                    of: figures.counts.confirmed.max(1),
                    id: key.to_string(),
                    title: item.title.clone(),
                    when: format!(
                        "{}, {}–{}",
                        long_date(day.date(), lang),
                        i18n::time_of_day(item.slot.start()),
                        i18n::time_of_day(item.slot.end())
                    ),
                })
                .collect()
        },
    })
}

/// One line per day of the agenda, even a day nobody has come yet; no-shows are the confirmed
/// registrations not checked in that day.
fn day_views(
    event: &domain::Event,
    figures: &persistence::DashboardFigures,
    lang: Lang,
) -> Vec<DayView> {
    let tz = event.time_zone;
    event
        .agenda
        .days()
        .iter()
        .enumerate()
        .map(|(index, day)| {
            let arrivals = figures
                .arrivals
                .get(&day.date())
                .cloned()
                .unwrap_or_default();
            DayView {
                number: index + 1,
                date: long_date(day.date(), lang),
                checked_in: arrivals.len(),
                no_shows: figures
                    .counts
                    .confirmed
                    .saturating_sub(arrivals.len() as u64),
                chart: crate::charts::arrival_curve(&arrivals, day.desk_window(tz), tz),
            }
        })
        .collect()
}

/// Countries by name in the reader's language, largest first: the organiser looks for where most
/// participants come from. A code no longer known is shown as stored rather than dropped.
fn country_views(
    by_country: &std::collections::BTreeMap<String, persistence::StatusCounts>,
    lang: Lang,
) -> Vec<GroupView> {
    let mut countries: Vec<GroupView> = by_country
        .iter()
        .map(|(code, g)| {
            let name = domain::Country::parse(code)
                .map(|c| i18n::country_name(lang, c))
                .unwrap_or_else(|_| code.clone());
            GroupView::new(name, g)
        })
        .collect();
    countries.sort_by(|a, b| {
        b.registered
            .cmp(&a.registered)
            .then_with(|| a.label.cmp(&b.label))
    });
    countries
}

fn render_stats(
    state: &AppState,
    stored: &StoredEvent,
    staff: &Staff,
    lang: Lang,
    stats: Stats,
) -> Result<String, Error> {
    Ok(state.templates().render(
        "dashboard_stats.html",
        context! {
            lang => lang.code(),
            content_lang => stored.event.language.code(),
            stats => view(stats),
            slug => stored.event.slug.as_str(),
            csrf => staff.csrf_token(),
        },
    )?)
}

async fn dashboard(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    Organiser {
        staff,
        event: stored,
    }: Organiser,
) -> Result<Response, Error> {
    let path = format!("/organiser/{}", stored.event.slug);
    let stats = stats(&state, &stored, lang, &mut None).await?;
    let tz = stored.event.time_zone;
    let audit: Vec<HistoryView> = state
        .db()
        .audit_log(stored.id, 50)
        .await?
        .into_iter()
        .map(|line| HistoryView::new(line, tz, lang))
        .collect();
    let html = state.templates().render(
        "dashboard.html",
        context! {
            lang => lang.code(),
            languages => languages(&path, lang),
            title => stored.event.title.as_str(),
            content_lang => stored.event.language.code(),
            slug => stored.event.slug.as_str(),
            csrf => staff.csrf_token(),
            stats => view(stats),
            published => stored.event.published,
            over => super::certificates::is_over(&state, &stored),
            audit => view(audit),
        },
    )?;
    Ok(Html(html).into_response())
}

/// Server-sent events: the figures' HTML whenever it changes (checked every second against the
/// database, so scans made through any instance show up). The stream ends within a second or two
/// of its session ending (signed out, revoked, idle, the account disabled), of the organiser
/// losing the event, or of the server shutting down: it is checked on each round, and watching
/// does not count as use.
async fn live(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    Organiser {
        staff,
        event: stored,
    }: Organiser,
) -> Result<Response, Error> {
    let stream = futures_util::stream::unfold((String::new(), None), move |(last, mut cache)| {
        let state = state.clone();
        let stored = stored.clone();
        let staff = staff.clone();
        async move {
            loop {
                if !last.is_empty() {
                    tokio::time::sleep(Duration::from_secs(1)).await;
                }
                // Shutdown ends the stream: the browser's EventSource reconnects, to another
                // instance or to this one once it is back.
                if state.is_stopping() || !still_organises(&state, &staff, &stored).await {
                    return None;
                }
                let html = match stats(&state, &stored, lang, &mut cache).await {
                    Ok(stats) => render_stats(&state, &stored, &staff, lang, stats).ok(),
                    Err(_) => None,
                };
                match html {
                    Some(html) if html != last => {
                        let event = Event::default().event("stats").data(html.clone());
                        return Some((Ok::<_, Infallible>(event), (html, cache)));
                    }
                    // Unchanged (or the database briefly away): look again in a second.
                    _ => {
                        if last.is_empty() {
                            tokio::time::sleep(Duration::from_secs(1)).await;
                        }
                    }
                }
            }
        }
    });
    let mut response = Sse::new(stream)
        .keep_alive(KeepAlive::default())
        .into_response();
    // axum says `no-cache`; the figures name failed emails' errors: `no-store`, as every staff
    // page.
    response.headers_mut().insert(
        axum::http::header::CACHE_CONTROL,
        axum::http::HeaderValue::from_static("no-store"),
    );
    Ok(response)
}

/// Whether `staff` may still watch `stored`'s figures: their session counts and they still
/// organise it (with a second factor, if the event requires one). A database briefly away ends
/// the stream too; the browser's `EventSource` connects again, and is let in again or not.
async fn still_organises(state: &AppState, staff: &Staff, stored: &StoredEvent) -> bool {
    let Ok(Some(session)) = state
        .db()
        .session(
            &crate::auth::token_hash(&staff.token),
            state.clock().now(),
            state.idle(),
        )
        .await
    else {
        return false;
    };
    session.id == staff.session.id
        && session.staff.access.organises(stored.event.slug.as_str())
        && (!stored.organisers_need_totp || session.second_factor)
}

async fn retry_email(
    State(state): State<AppState>,
    Organiser { staff, event }: Organiser,
    Path((_, email_id)): Path<(String, i32)>,
    CsrfForm(NoFields {}): CsrfForm<NoFields>,
) -> Result<Response, Error> {
    act(&state, &staff, &event, Action::RetryEmail { email_id }).await?;
    Ok(Redirect::to(&format!("/organiser/{}", event.event.slug)).into_response())
}

//! `GET /api/v1/events/{slug}/form`: what a client needs to build a published event's
//! registration form — the fixed fields, the categories, the languages of emails, and the
//! organisers' questions — with every label in the request's language.

use crate::AppState;
use crate::error::Error;
use crate::extract::PublishedEvent;
use crate::lang::RequestLang;
use axum::Json;
use axum::extract::State;
use domain::{Field, Lang, QuestionKind};
use i18n::t;
use serde::Serialize;
use utoipa::ToSchema;

/// The registration form of an event.
#[derive(Debug, Serialize, ToSchema)]
pub struct FormDescription {
    /// The fields every registration has, in the form's order (`answers` aside).
    fields: Vec<FixedField>,
    /// The values `category` takes.
    categories: Vec<Option_>,
    /// The values `language` takes: the languages of guichet's emails.
    languages: Vec<Option_>,
    /// The organisers' questions, answered under `answers` by their key.
    questions: Vec<QuestionDescription>,
}

/// One of the fields every registration has.
#[derive(Debug, Serialize, ToSchema)]
pub struct FixedField {
    #[schema(example = "given_name")]
    key: &'static str,
    label: String,
    required: bool,
}

/// A value a field or question takes, with its label.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = FormOption)]
pub struct Option_ {
    #[schema(example = "member_state")]
    key: String,
    label: String,
}

/// One of the organisers' questions.
#[derive(Debug, Serialize, ToSchema)]
pub struct QuestionDescription {
    /// Its key under `answers`.
    #[schema(example = "interpretation")]
    key: String,
    /// `text`, `long_text` (a string), `choice` (an option's key), `multi_choice` (a list of
    /// option keys), `checkbox` (a boolean), `date` (`YYYY-MM-DD`), `number`, `country` (ISO
    /// 3166-1 alpha-2).
    #[schema(example = "choice")]
    kind: &'static str,
    label: String,
    help: Option<String>,
    required: bool,
    /// The longest answer, for `text` and `long_text`.
    max_length: Option<u32>,
    /// The options of a `choice` or `multi_choice`.
    options: Vec<Option_>,
    /// The categories it is asked of; empty: everyone. An answer to a question not asked of the
    /// participant's category is dropped.
    categories: Vec<String>,
}

/// The fields required of every registration.
fn required(field: Field) -> bool {
    !matches!(field, Field::Function | Field::Needs)
}

/// The catalog key of a field's label.
fn label_key(field: Field) -> &'static str {
    match field {
        Field::GivenName => "form-given-name",
        Field::FamilyName => "form-family-name",
        Field::Email => "form-email",
        Field::Organisation => "form-organisation",
        Field::Function => "form-function",
        Field::Category => "form-category",
        Field::Country => "form-country",
        Field::Language => "form-language",
        Field::Needs => "form-needs",
        Field::Consent => "form-consent",
    }
}

/// Describe a published event's registration form: fields, choices and questions, labelled in
/// the language of Accept-Language.
#[utoipa::path(
    get,
    path = "/api/v1/events/{slug}/form",
    tag = "registrations",
    params(("slug" = String, Path, description = "The event's short name")),
    responses(
        (status = OK, description = "The form", body = FormDescription),
        (status = NOT_FOUND, description = "No published event has this slug"),
    )
)]
pub async fn form(
    State(_state): State<AppState>,
    RequestLang(lang): RequestLang,
    PublishedEvent(stored): PublishedEvent,
) -> Result<Json<FormDescription>, Error> {
    let event = &stored.event;
    let written_in = event.language;
    let label = |key: &str| {
        // The catalog's labels mark required fields with " *", which is the form's business.
        t(lang, key, &[]).trim_end_matches(" *").to_owned()
    };
    Ok(Json(FormDescription {
        fields: Field::ALL
            .into_iter()
            .map(|field| FixedField {
                key: field.key(),
                label: label(label_key(field)),
                required: required(field),
            })
            .collect(),
        categories: event
            .categories
            .iter()
            .map(|c| Option_ {
                key: c.key.clone(),
                label: c.label(lang, written_in).to_owned(),
            })
            .collect(),
        languages: Lang::ALL
            .iter()
            .map(|l| Option_ {
                key: l.code().to_owned(),
                label: l.native_name().to_owned(),
            })
            .collect(),
        questions: event
            .questions
            .iter()
            .map(|q| QuestionDescription {
                key: q.key.clone(),
                kind: q.kind.name(),
                label: q.label.get(lang, written_in).to_owned(),
                help: q.help.as_ref().map(|h| h.get(lang, written_in).to_owned()),
                required: q.required,
                max_length: match q.kind {
                    QuestionKind::Text { max_length } | QuestionKind::LongText { max_length } => {
                        Some(max_length)
                    }
                    _ => None,
                },
                options: q
                    .kind
                    .options()
                    .iter()
                    .map(|o| Option_ {
                        key: o.key.clone(),
                        label: o.label.get(lang, written_in).to_owned(),
                    })
                    .collect(),
                categories: q.categories.clone(),
            })
            .collect(),
    }))
}

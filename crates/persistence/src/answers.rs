//! Participants' answers after registration: an organiser's correction (an action of
//! `actions.rs`, audited there), and the dashboard's counts per option.
//!
//! Answers are JSON text in `registrations.answers` (migration 15): nothing queries inside it, so
//! both read the column and leave the rest to `domain::questions`.

use crate::entities::registration;
use crate::registrations::lock_registrations;
use crate::{Database, Error, Result};
use chrono::{DateTime, Utc};
use domain::Answers;
use domain::questions::{Question, QuestionKind, Tally, tally_options};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};

fn corrupt(value: &str) -> Error {
    Error::Corrupt(format!("registration answers: {value:?}"))
}

/// Stores `answers` as the registration's, in the action's transaction, and returns the keys of
/// the questions whose answer changed (none: nothing is written). The row is locked first, so that
/// two organisers saving at once each compare with what the other stored.
pub(crate) async fn store_answers_on<C: ConnectionTrait>(
    conn: &C,
    registration_id: i32,
    answers: &Answers,
    now: DateTime<Utc>,
) -> Result<Vec<String>> {
    let row = lock_registrations(
        conn,
        Condition::all().add(registration::Column::Id.eq(registration_id)),
    )
    .await?
    .into_iter()
    .next()
    .ok_or_else(|| Error::NotFound(format!("registration {registration_id}")))?;
    let stored: Answers = serde_json::from_str(&row.answers).map_err(|_| corrupt(&row.answers))?;
    let changed = stored.changed_keys(answers);
    if changed.is_empty() {
        return Ok(changed);
    }
    let text = serde_json::to_string(answers)
        .map_err(|e| Error::Corrupt(format!("answers that do not serialise: {e}")))?;
    registration::Entity::update_many()
        .col_expr(registration::Column::Answers, text.into())
        .col_expr(registration::Column::UpdatedAt, now.into())
        .filter(registration::Column::Id.eq(registration_id))
        .exec(conn)
        .await?;
    Ok(changed)
}

/// Registrations' answers read at once by [`Database::option_counts`]: a page's text and parsed
/// answers at a time, not the event's (100,000 registrations' answers held at once took the
/// server's memory from 90 to 185 MiB in `bench/run.sh`).
const ANSWERS_PAGE: u64 = 2000;

impl Database {
    /// For each choice, multiple choice and checkbox question of `questions` (the event's), how
    /// many of the event's active registrations picked each option (see
    /// [`domain::questions::tally_options`]). The answers and status columns alone, a page at a
    /// time ([`ANSWERS_PAGE`]), and no query when no question is of those kinds.
    pub async fn option_counts(&self, event_id: i32, questions: &[Question]) -> Result<Vec<Tally>> {
        use sea_orm::QueryOrder as _;
        let counted = questions.iter().any(|q| {
            matches!(
                q.kind,
                QuestionKind::Choice { .. }
                    | QuestionKind::MultiChoice { .. }
                    | QuestionKind::Checkbox
            )
        });
        if !counted {
            return Ok(Vec::new());
        }
        let mut total = tally_options(questions, Vec::<Answers>::new());
        let mut after = 0;
        loop {
            let rows: Vec<(i32, String, registration::Status)> = registration::Entity::find()
                .select_only()
                .column(registration::Column::Id)
                .column(registration::Column::Answers)
                .column(registration::Column::Status)
                .filter(registration::Column::EventId.eq(event_id))
                .filter(registration::Column::Id.gt(after))
                .order_by_asc(registration::Column::Id)
                .limit(ANSWERS_PAGE)
                .into_tuple()
                .all(&self.conn)
                .await?;
            let Some(&(last, _, _)) = rows.last() else {
                break;
            };
            after = last;
            let full = rows.len() as u64 == ANSWERS_PAGE;
            let mut active = Vec::with_capacity(rows.len());
            for (_, text, status) in rows {
                // Every status named, so that a new one has to be placed on one side or the
                // other. A request still waiting is counted (the organisers plan for who may
                // come); a declined one is not, like a cancelled one.
                match status {
                    registration::Status::Confirmed
                    | registration::Status::Waitlisted
                    | registration::Status::Pending => {}
                    registration::Status::Cancelled | registration::Status::Declined => continue,
                }
                let answers: Answers = serde_json::from_str(&text).map_err(|_| corrupt(&text))?;
                active.push(answers);
            }
            // The page's counts added to the total: the same questions, options in the same
            // order.
            for (sum, page) in total.iter_mut().zip(tally_options(questions, active)) {
                for ((_, n), (_, m)) in sum.counts.iter_mut().zip(page.counts) {
                    *n += m;
                }
            }
            if !full {
                break;
            }
        }
        Ok(total)
    }
}

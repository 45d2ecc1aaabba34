//! Group commit: one task per instance takes the writes of one kind waiting at that moment,
//! however many, and writes them in one transaction. Under load the database then spends one
//! commit (and one wait for a lock) on a group instead of on each write; when the service is
//! quiet a group is one write and nothing waits for a timer. A write that arrives while a group is
//! being written waits for the next group.

use crate::{Error, Result};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveModelTrait, ConnectionTrait, EntityTrait, IntoActiveModel};
use std::future::Future;
use tokio::sync::{mpsc, oneshot};

type Job<T, R> = (T, oneshot::Sender<Result<R>>);

/// The handle to a group-writing task. It ends when its last handle is dropped.
pub(crate) struct GroupWriter<T, R>(mpsc::UnboundedSender<Job<T, R>>);

impl<T, R> Clone for GroupWriter<T, R> {
    fn clone(&self) -> Self {
        Self(self.0.clone())
    }
}

impl<T, R> std::fmt::Debug for GroupWriter<T, R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("GroupWriter")
    }
}

impl<T: Send + 'static, R: Send + 'static> GroupWriter<T, R> {
    /// Starts the task: `write` gets up to `max` writes at once and answers each, in order, or
    /// fails them all (the transaction did not commit).
    pub(crate) fn start<F, Fut>(max: usize, write: F) -> Self
    where
        F: Fn(Vec<T>) -> Fut + Send + 'static,
        Fut: Future<Output = Result<Vec<Result<R>>>> + Send,
    {
        let (sender, mut queue) = mpsc::unbounded_channel::<Job<T, R>>();
        tokio::spawn(async move {
            let mut group = Vec::with_capacity(max);
            while queue.recv_many(&mut group, max).await > 0 {
                let (items, senders): (Vec<T>, Vec<_>) =
                    std::mem::take(&mut group).into_iter().unzip();
                match write(items).await {
                    Ok(results) => {
                        for (sender, result) in senders.into_iter().zip(results) {
                            let _ = sender.send(result);
                        }
                    }
                    Err(error) => {
                        tracing::warn!(%error, "a group of writes could not be written");
                        for sender in senders {
                            let _ = sender.send(Err(share(&error)));
                        }
                    }
                }
            }
        });
        Self(sender)
    }

    /// Queues `item` for the next group and waits for its answer.
    pub(crate) async fn write(&self, item: T) -> Result<R> {
        let (done, answer) = oneshot::channel();
        self.0
            .send((item, done))
            .map_err(|_| Error::Stopped("group writer"))?;
        answer.await.map_err(|_| Error::Stopped("group writer"))?
    }
}

/// A group's error for each of its writes: a database out of reach stays told apart (503, try
/// again) from a failure (500).
fn share(error: &Error) -> Error {
    match error {
        Error::Db(db) => Error::Db(db.clone()),
        Error::Stopped(what) => Error::Stopped(what),
        Error::NotFound(what) => Error::NotFound(what.clone()),
        other => Error::Corrupt(other.to_string()),
    }
}

/// Inserts `rows` in one statement, skipping each one the unique index on `columns` refuses (here
/// a conflict is an answer, not an error: a second scan, an address already registered), and
/// returns the rows inserted.
pub(crate) async fn insert_new<A, C>(
    conn: &C,
    rows: Vec<A>,
    columns: impl IntoIterator<Item = <A::Entity as EntityTrait>::Column>,
) -> Result<Vec<<A::Entity as EntityTrait>::Model>>
where
    A: ActiveModelTrait,
    <A::Entity as EntityTrait>::Model: IntoActiveModel<A>,
    C: ConnectionTrait,
{
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    Ok(<A::Entity as EntityTrait>::insert_many(rows)
        .on_conflict(OnConflict::columns(columns).do_nothing().to_owned())
        .exec_with_returning(conn)
        .await?)
}

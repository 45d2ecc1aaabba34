//! One row by a unique key, without sea-orm's `.one()`.
//!
//! `.one()` adds `LIMIT ?` with the 1 as a bound parameter. SQLite's planner reads a bound LIMIT
//! as a constant, so it marks the statement to be compiled again whenever that parameter is bound
//! (`sqlite3VdbeSetVarmask`), and sqlx binds it at every run: the cached statement is re-prepared
//! each time. Measured with callgrind on the check-in path (the session lookup), that
//! re-preparing was a fifth of a check-in's instructions. Where the filter is a unique key, the
//! limit adds nothing: read the (at most one) row without it.

use sea_orm::{ConnectionTrait, DbErr, EntityTrait, Select, SelectTwo, Selector, SelectorTrait};

pub(crate) trait Unique {
    type Row;
    /// The row the query's unique key selects, if any (the first, should there be more).
    async fn unique<C: ConnectionTrait>(self, conn: &C) -> Result<Option<Self::Row>, DbErr>;
}

impl<E: EntityTrait> Unique for Select<E> {
    type Row = E::Model;
    async fn unique<C: ConnectionTrait>(self, conn: &C) -> Result<Option<E::Model>, DbErr> {
        Ok(self.all(conn).await?.into_iter().next())
    }
}

impl<E: EntityTrait, F: EntityTrait> Unique for SelectTwo<E, F> {
    type Row = (E::Model, Option<F::Model>);
    async fn unique<C: ConnectionTrait>(self, conn: &C) -> Result<Option<Self::Row>, DbErr> {
        Ok(self.all(conn).await?.into_iter().next())
    }
}

impl<S: SelectorTrait> Unique for Selector<S> {
    type Row = S::Item;
    async fn unique<C: ConnectionTrait>(self, conn: &C) -> Result<Option<S::Item>, DbErr> {
        Ok(self.all(conn).await?.into_iter().next())
    }
}

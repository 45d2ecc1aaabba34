//! What an operator needs of the database beside guichet's own work: the pool's state for
//! `/metrics`, and a consistent copy of a SQLite database taken while guichet serves, checked
//! before it is put back.

use crate::{Backend, Database, Error, Result};
use migrations::{Migrator, MigratorTrait};
use sea_orm::{ConnectionTrait, DatabaseConnection, Statement};
use std::path::Path;

/// This instance's connections to the database.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PoolConnections {
    pub idle: u32,
    pub in_use: u32,
}

/// What a backup holds, once checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupCheck {
    /// The last migration it has (its schema's version).
    pub schema: String,
    pub events: u64,
    pub registrations: u64,
    pub checkins: u64,
}

impl Database {
    /// The connections of this instance's pools (on a SQLite file, the readers' and the one
    /// writer's together).
    pub fn pool_connections(&self) -> PoolConnections {
        let mut total = PoolConnections::default();
        let pools: &[&DatabaseConnection] = if self.separate_writer {
            &[&self.conn, &self.writer]
        } else {
            &[&self.conn]
        };
        for conn in pools {
            let (size, idle) = match self.backend() {
                Backend::Sqlite => {
                    let pool = conn.get_sqlite_connection_pool();
                    (pool.size(), pool.num_idle())
                }
                Backend::Postgres => {
                    let pool = conn.get_postgres_connection_pool();
                    (pool.size(), pool.num_idle())
                }
            };
            let idle = u32::try_from(idle).unwrap_or(u32::MAX);
            total.idle = total.idle.saturating_add(idle);
            total.in_use = total.in_use.saturating_add(size.saturating_sub(idle));
        }
        total
    }

    /// Writes a consistent copy of the SQLite database to `to` (`VACUUM INTO`: one read
    /// transaction, so the copy is the database at one instant, while writers go on). `to` must
    /// not exist. PostgreSQL is copied with its own `pg_dump`.
    pub async fn backup_sqlite(&self, to: &Path) -> Result<()> {
        if self.backend() != Backend::Sqlite {
            return Err(Error::Corrupt(
                "VACUUM INTO copies SQLite only: copy PostgreSQL with pg_dump".into(),
            ));
        }
        let path = to
            .to_str()
            .ok_or_else(|| Error::Corrupt(format!("{} is not a UTF-8 path", to.display())))?;
        self.conn
            .execute_raw(Statement::from_sql_and_values(
                self.conn.get_database_backend(),
                "VACUUM INTO ?",
                [path.into()],
            ))
            .await?;
        Ok(())
    }
}

/// The file of a SQLite database URL (`sqlite://data/guichet.db`), unless it is in memory or not
/// SQLite.
pub fn sqlite_file(url: &str) -> Option<&Path> {
    crate::database::sqlite_path(url).map(Path::new)
}

/// Opens the SQLite file at `path` read-only and checks that it is a whole guichet database this
/// version can use: SQLite's own integrity check passes, and its schema is one of this version's
/// migrations (not a newer guichet's). Says what it holds.
pub async fn check_sqlite_backup(path: &Path) -> Result<BackupCheck> {
    let name = path.display().to_string();
    let not_a_backup =
        |why: String| Error::Corrupt(format!("{name} is not a guichet backup: {why}"));
    let utf8 = path
        .to_str()
        .ok_or_else(|| not_a_backup("not a UTF-8 path".into()))?;
    if !path.is_file() {
        return Err(not_a_backup("no such file".into()));
    }
    let url = format!("sqlite://{utf8}?mode=ro");
    let conn = sea_orm::Database::connect(url)
        .await
        .map_err(|e| not_a_backup(e.to_string()))?;
    let checked = check_open(&conn).await.map_err(|e| match e {
        Error::Db(db) => not_a_backup(db.to_string()),
        other => other,
    });
    let _ = conn.close().await;
    let (integrity, schema, counts) = checked?;
    if integrity != "ok" {
        return Err(not_a_backup(format!(
            "SQLite's integrity check says {integrity}"
        )));
    }
    let known: Vec<String> = Migrator::migrations()
        .iter()
        .map(|m| m.name().to_owned())
        .collect();
    if !known.contains(&schema) {
        return Err(not_a_backup(format!(
            "its schema {schema} is not one this version of guichet knows (a newer guichet's?)"
        )));
    }
    Ok(BackupCheck {
        schema,
        events: counts[0],
        registrations: counts[1],
        checkins: counts[2],
    })
}

async fn check_open(conn: &DatabaseConnection) -> Result<(String, String, [u64; 3])> {
    let backend = conn.get_database_backend();
    let text = |sql: &str| Statement::from_string(backend, sql.to_owned());
    let integrity: String = conn
        .query_one_raw(text("PRAGMA integrity_check"))
        .await?
        .map(|row| row.try_get_by_index::<String>(0))
        .transpose()?
        .unwrap_or_default();
    let schema: String = conn
        .query_one_raw(text(
            "SELECT version FROM seaql_migrations ORDER BY version DESC LIMIT 1",
        ))
        .await?
        .map(|row| row.try_get_by_index::<String>(0))
        .transpose()?
        .unwrap_or_default();
    let mut counts = [0u64; 3];
    for (count, table) in counts
        .iter_mut()
        .zip(["events", "registrations", "checkins"])
    {
        let n: i64 = conn
            .query_one_raw(text(&format!("SELECT COUNT(*) FROM {table}")))
            .await?
            .map(|row| row.try_get_by_index::<i64>(0))
            .transpose()?
            .unwrap_or_default();
        *count = u64::try_from(n).unwrap_or_default();
    }
    Ok((integrity, schema, counts))
}

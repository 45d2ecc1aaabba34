//! `guichet backup FILE` and `guichet restore FILE`: a copy of the database taken while guichet
//! serves, and that copy put back.
//!
//! SQLite is copied by `VACUUM INTO` (one read transaction: the database at one instant, the
//! desk's writes going on meanwhile) and checked before it is called a backup. PostgreSQL is
//! copied by its own `pg_dump`, whose snapshot is consistent too. A copy is written under a
//! temporary name and renamed when whole, so a file named FILE is never half a backup.

use crate::config::Config;
use anyhow::{Context, bail};
use persistence::{BackupCheck, Database};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The name a copy is written under until it is whole.
fn partial(file: &Path) -> PathBuf {
    let mut name = file.as_os_str().to_owned();
    name.push(".partial");
    PathBuf::from(name)
}

fn is_postgres(config: &Config) -> bool {
    let url = config.database_url.expose();
    url.starts_with("postgres://") || url.starts_with("postgresql://")
}

fn describe(check: &BackupCheck) -> String {
    format!(
        "{} event(s), {} registration(s), {} check-in(s); schema {}",
        check.events, check.registrations, check.checkins, check.schema
    )
}

/// `guichet backup FILE`.
pub(crate) async fn backup(config: &Config, file: &Path) -> anyhow::Result<()> {
    if file.exists() {
        bail!(
            "{} exists already: a backup never replaces a file, choose a new name",
            file.display()
        );
    }
    let partial = partial(file);
    // Left by a backup that was interrupted: it was never a backup.
    let _ = std::fs::remove_file(&partial);
    if is_postgres(config) {
        run_pg_tool(
            Command::new("pg_dump")
                .args(["--format=custom", "--no-owner", "--file"])
                .arg(&partial)
                .arg("--dbname")
                .arg(config.database_url.expose()),
        )?;
        std::fs::rename(&partial, file)
            .with_context(|| format!("cannot name the backup {}", file.display()))?;
        let size = std::fs::metadata(file).map(|m| m.len()).unwrap_or_default();
        println!(
            "backup written to {} ({size} bytes, pg_dump's custom format)",
            file.display()
        );
        return Ok(());
    }
    // Not `connect`: a backup changes nothing, not even the schema of a database that an older
    // guichet is serving.
    let db = Database::connect(config.database_url.expose())
        .await
        .context("cannot open the database")?;
    let copied = db.backup_sqlite(&partial).await;
    let _ = db.close().await;
    copied.with_context(|| format!("cannot write {}", partial.display()))?;
    let check = match persistence::check_sqlite_backup(&partial).await {
        Ok(check) => check,
        Err(error) => {
            let _ = std::fs::remove_file(&partial);
            return Err(error).context("the copy failed its check: no backup was written");
        }
    };
    std::fs::rename(&partial, file)
        .with_context(|| format!("cannot name the backup {}", file.display()))?;
    println!("backup written to {}: {}", file.display(), describe(&check));
    Ok(())
}

/// `guichet restore FILE`.
pub(crate) async fn restore(config: &Config, file: &Path) -> anyhow::Result<()> {
    if is_postgres(config) {
        if !file.is_file() {
            bail!("{} does not exist", file.display());
        }
        // --clean --if-exists: the tables guichet has are dropped and made again from the
        // backup; a database that is empty (a new server) is filled.
        run_pg_tool(
            Command::new("pg_restore")
                .args(["--clean", "--if-exists", "--no-owner", "--exit-on-error"])
                .arg("--dbname")
                .arg(config.database_url.expose())
                .arg(file),
        )?;
        crate::connect(config).await?;
        println!("restored {} into the PostgreSQL database", file.display());
        return Ok(());
    }
    let target = persistence::sqlite_file(config.database_url.expose())
        .context("database_url names no SQLite file to restore into")?
        .to_owned();
    // Checked before anything changes: a file that is not a whole guichet database of a schema
    // this version knows leaves the current database as it is.
    let check = persistence::check_sqlite_backup(file)
        .await
        .context("nothing was restored")?;
    if let Some(dir) = target.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    let incoming = partial(&target);
    std::fs::copy(file, &incoming)
        .with_context(|| format!("cannot copy {} to {}", file.display(), incoming.display()))?;
    // Nothing is lost: the database replaced, with its write-ahead log, stays beside it.
    let kept = keep_aside(&target)?;
    std::fs::rename(&incoming, &target)
        .with_context(|| format!("cannot put the backup in place at {}", target.display()))?;
    // A backup from an older guichet gets this version's schema now, not at the next start.
    crate::connect(config).await?;
    println!(
        "restored {} into {}: {}",
        file.display(),
        target.display(),
        describe(&check)
    );
    if let Some(kept) = kept {
        println!("the database it replaced is kept as {}", kept.display());
    }
    Ok(())
}

/// Moves the SQLite database at `target` (and its `-wal` and `-shm` files) aside under a name
/// with the time, and returns that name; `None` when there was none.
fn keep_aside(target: &Path) -> anyhow::Result<Option<PathBuf>> {
    if !target.exists() {
        return Ok(None);
    }
    let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%SZ");
    let with_suffix = |path: &Path, suffix: &str| {
        let mut name = path.as_os_str().to_owned();
        name.push(suffix);
        PathBuf::from(name)
    };
    let kept = with_suffix(target, &format!(".replaced-{stamp}"));
    for suffix in ["-wal", "-shm"] {
        let companion = with_suffix(target, suffix);
        if companion.exists() {
            std::fs::rename(&companion, with_suffix(&kept, suffix))
                .with_context(|| format!("cannot move {} aside", companion.display()))?;
        }
    }
    std::fs::rename(target, &kept)
        .with_context(|| format!("cannot move {} aside", target.display()))?;
    Ok(Some(kept))
}

/// Runs pg_dump or pg_restore, saying what it said when it fails.
fn run_pg_tool(command: &mut Command) -> anyhow::Result<()> {
    let program = command.get_program().to_string_lossy().into_owned();
    let output = command.output().with_context(|| {
        format!("cannot run {program}: install PostgreSQL's client tools (e.g. postgresql-client)")
    })?;
    if !output.status.success() {
        bail!(
            "{program} failed ({}): {}",
            output.status,
            String::from_utf8_lossy(&output.stderr).trim()
        );
    }
    Ok(())
}

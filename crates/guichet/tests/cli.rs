//! The `guichet` binary as an organiser runs it: `event import`, `event export`, `migrate`, on the
//! test database (SQLite, or PostgreSQL when GUICHET_TEST_DATABASE_URL is set).

use guichet_tests::TestDatabase;
use std::path::Path;
use std::process::{Command, Output};

const DEMO: &str = include_str!("../../../demo/idm-2008-migration-de-retour.toml");

fn guichet(database_url: &str, dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_guichet"))
        .args(args)
        .current_dir(dir)
        .env("GUICHET_DATABASE_URL", database_url)
        .env("GUICHET_LOG", "warn")
        .env_remove("GUICHET_CONFIG")
        .output()
        .expect("run guichet")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[tokio::test]
async fn import_then_export_round_trips_the_demo_event() {
    let database = TestDatabase::new().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("demo.toml");
    std::fs::write(&file, DEMO).expect("write");

    let out = guichet(
        &database.url,
        dir.path(),
        &["event", "import", file.to_str().expect("utf-8")],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("event idm-2008-migration-de-retour created"));

    let out = guichet(
        &database.url,
        dir.path(),
        &["event", "export", "idm-2008-migration-de-retour"],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let exported = text(&out.stdout);
    assert!(exported.contains("name = \"Jean-Christophe Dumont\""));

    // The export imports back to the same event, and exports identically.
    let again = dir.path().join("again.toml");
    std::fs::write(&again, &exported).expect("write");
    let out = guichet(
        &database.url,
        dir.path(),
        &["event", "import", again.to_str().expect("utf-8")],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("replaced"));
    let out = guichet(
        &database.url,
        dir.path(),
        &["event", "export", "idm-2008-migration-de-retour"],
    );
    assert_eq!(text(&out.stdout), exported);
    assert_eq!(
        persistence::parse_event_file(&exported).expect("valid"),
        persistence::parse_event_file(DEMO).expect("valid")
    );
}

#[tokio::test]
async fn a_broken_file_is_refused_with_its_name_line_and_reason_and_nothing_is_imported() {
    let database = TestDatabase::new().await;
    let dir = tempfile::tempdir().expect("temp dir");

    // A syntax error: the line and column are named.
    let broken = dir.path().join("broken.toml");
    std::fs::write(
        &broken,
        DEMO.replacen("capacity = 250", "capacity = \"deux cent cinquante\"", 1),
    )
    .expect("write");
    let out = guichet(
        &database.url,
        dir.path(),
        &["event", "import", broken.to_str().expect("utf-8")],
    );
    assert!(!out.status.success());
    let stderr = text(&out.stderr);
    let line = DEMO
        .lines()
        .position(|l| l == "capacity = 250")
        .expect("capacity line")
        + 1;
    assert!(
        stderr.contains("broken.toml is not a valid event file, nothing was imported"),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!("broken.toml: line {line}, column 12")),
        "{stderr}"
    );
    assert!(
        !stderr.contains("panicked") && !stderr.contains("RUST_BACKTRACE"),
        "{stderr}"
    );

    // Rule violations: every field at fault is named.
    let invalid = dir.path().join("invalid.toml");
    let content = DEMO
        .replacen(
            "time_zone = \"Europe/Zurich\"",
            "time_zone = \"Europe/Geneva\"",
            1,
        )
        .replacen("end = \"10:15\"", "end = \"09:45\"", 1);
    std::fs::write(&invalid, content).expect("write");
    let out = guichet(
        &database.url,
        dir.path(),
        &["event", "import", invalid.to_str().expect("utf-8")],
    );
    assert!(!out.status.success());
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("invalid.toml: time_zone: \"Europe/Geneva\" is not a known IANA time zone"),
        "{stderr}"
    );
    assert!(
        stderr.contains("invalid.toml: days[0].items[1].end: the end (09:45:00) is not after the start (10:00:00)"),
        "{stderr}"
    );

    // A missing file.
    let out = guichet(
        &database.url,
        dir.path(),
        &["event", "import", "nowhere.toml"],
    );
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("cannot read nowhere.toml"));

    // Nothing was imported.
    let out = guichet(
        &database.url,
        dir.path(),
        &["event", "export", "idm-2008-migration-de-retour"],
    );
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("there is no event idm-2008-migration-de-retour"));
}

#[tokio::test]
async fn migrate_creates_the_schema() {
    let database = TestDatabase::new().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let out = guichet(&database.url, dir.path(), &["migrate"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("up to date"));
}

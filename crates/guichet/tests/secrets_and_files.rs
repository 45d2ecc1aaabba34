//! `guichet serve` as an operator starts it: it refuses a secret key that is too short or that
//! the repository publishes, naming the setting; and on a fresh data directory the files it
//! creates (the key, the SQLite database, the `.eml` files of the outbox) are readable by their
//! owner only. On the test database (SQLite, or PostgreSQL when GUICHET_TEST_DATABASE_URL is set:
//! then there is no database file to check).

use guichet::config::PLACEHOLDER_SECRET_KEYS;
use guichet_tests::{TestDatabase, participant, serving_url};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

/// `guichet serve` in `dir` on `database`, with these extra variables.
fn serve(database: &TestDatabase, dir: &Path, env: &[(&str, &str)]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_guichet"));
    command
        .args(["serve", "--demo", "--bind", "127.0.0.1:0"])
        .current_dir(dir)
        .env("GUICHET_DATABASE_URL", &database.url)
        .env("GUICHET_DATA_DIR", dir.join("data"))
        .env("GUICHET_LOG", "warn")
        .env_remove("GUICHET_CONFIG")
        .env_remove("GUICHET_SECRET_KEY")
        .env_remove("GUICHET_SMTP_URL");
    for (name, value) in env {
        command.env(name, value);
    }
    command
}

/// Runs `serve` with `secret` as the key; it must refuse to start, and say why on stderr.
fn refused(database: &TestDatabase, secret: &str) -> String {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = serve(database, dir.path(), &[("GUICHET_SECRET_KEY", secret)])
        .stdin(Stdio::null())
        .output()
        .expect("run guichet");
    assert!(!out.status.success(), "serve started with {secret:?}");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        !stdout.contains("guichet is serving"),
        "refused before serving: {stdout}"
    );
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[tokio::test]
async fn serve_refuses_a_short_secret_key_naming_the_setting() {
    let database = TestDatabase::new().await;
    let stderr = refused(&database, "only-twenty-characte");
    assert!(
        stderr.contains("secret_key (GUICHET_SECRET_KEY) has 20 characters: it needs at least 32"),
        "{stderr}"
    );
}

#[tokio::test]
async fn serve_refuses_a_secret_key_published_in_the_repository() {
    let database = TestDatabase::new().await;
    for placeholder in PLACEHOLDER_SECRET_KEYS {
        let stderr = refused(&database, placeholder);
        assert!(
            stderr.contains("secret_key (GUICHET_SECRET_KEY) is an example published with guichet"),
            "{stderr}"
        );
    }
}

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .permissions()
        .mode()
        & 0o777
}

/// The `.eml` files in `dir`.
fn emails(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|entry| entry.path())
                .filter(|path| path.extension().is_some_and(|ext| ext == "eml"))
                .collect()
        })
        .unwrap_or_default()
}

#[cfg(unix)]
#[tokio::test]
async fn a_fresh_data_dir_keeps_its_key_database_and_emails_to_their_owner() {
    let database = TestDatabase::new().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let mut server = serve(&database, dir.path(), &[])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start guichet");
    let mut stdout = std::io::BufReader::new(server.stdout.take().expect("piped"));
    let (url, _stdout) = tokio::task::spawn_blocking(move || (serving_url(&mut stdout), stdout))
        .await
        .expect("read guichet's address");
    // A registration, whose confirmation the worker writes as an .eml file (no SMTP configured).
    let registered = reqwest::Client::new()
        .post(format!(
            "{url}/api/v1/events/idm-2008-migration-de-retour/registrations"
        ))
        .json(&participant("Nadia", "Haddad", "nadia.haddad@example.org"))
        .send()
        .await
        .expect("request");
    assert_eq!(registered.status(), 202);
    let outbox = dir.path().join("data/outbox");
    let mut written = Vec::new();
    for _ in 0..400 {
        written = emails(&outbox);
        if !written.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // Read while guichet runs, so that SQLite's -wal and -shm files are there too.
    let data = dir.path().join("data");
    let mut files = vec![
        (data.join("secret.key"), 0o600),
        (data.clone(), 0o700),
        (outbox.clone(), 0o700),
    ];
    files.extend(written.iter().map(|eml| (eml.clone(), 0o600)));
    if let Some(file) = database.url.strip_prefix("sqlite://") {
        files.push((PathBuf::from(file), 0o600));
        for suffix in ["-wal", "-shm"] {
            let beside = PathBuf::from(format!("{file}{suffix}"));
            if beside.exists() {
                files.push((beside, 0o600));
            }
        }
    }
    let found: Vec<(PathBuf, u32)> = files
        .iter()
        .map(|(path, _)| (path.clone(), mode(path)))
        .collect();
    let _ = server.kill();
    let _ = server.wait();
    assert_eq!(written.len(), 1, "the confirmation, as a file");
    for ((path, expected), (_, found)) in files.iter().zip(&found) {
        assert_eq!(found, expected, "{}: {found:o}", path.display());
    }
}

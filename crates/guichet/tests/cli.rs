//! The `guichet` binary as an organiser runs it: `event import`, `event export`, `migrate`, on the
//! test database (SQLite, or PostgreSQL when GUICHET_TEST_DATABASE_URL is set).

use guichet_tests::TestDatabase;
use std::path::Path;
use std::process::{Command, Output};

const DEMO: &str = include_str!("../../../demo/idm-2008-migration-de-retour.toml");
const DEMO_SLUG: &str = "idm-2008-migration-de-retour";

/// The demo event's file, written in `dir`; its path.
fn demo_file(dir: &Path) -> String {
    let file = dir.join("demo.toml");
    std::fs::write(&file, DEMO).expect("write");
    file.to_str().expect("utf-8").to_owned()
}

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
        domain::parse_event_file(&exported).expect("valid"),
        domain::parse_event_file(DEMO).expect("valid")
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

#[tokio::test]
async fn staff_add_prints_a_generated_password_once_or_reads_one_from_stdin() {
    use std::io::Write;
    let database = TestDatabase::new().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let out = guichet(
        &database.url,
        dir.path(),
        &["event", "import", &demo_file(dir.path())],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = guichet(
        &database.url,
        dir.path(),
        &[
            "staff",
            "add",
            "Desk1@Example.org",
            "--role",
            "desk",
            "--event",
            DEMO_SLUG,
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains(&format!(
            "staff account desk1@example.org (desk at {DEMO_SLUG}) created"
        )),
        "{stdout}"
    );
    let password = stdout
        .lines()
        .find_map(|l| l.strip_prefix("password: "))
        .expect("the generated password")
        .to_owned();
    assert!(password.len() >= 20);
    let db = database.connect().await;
    let stored = db
        .staff_credentials("desk1@example.org")
        .await
        .expect("query")
        .expect("created");
    assert!(stored.password_hash.starts_with("$argon2id$"));
    assert!(domain::verify_password(&password, &stored.password_hash));
    assert!(
        !stored.password_hash.contains(&password),
        "only the hash is stored"
    );

    // From standard input, and an existing account gets its new role and password.
    let mut child = Command::new(env!("CARGO_BIN_EXE_guichet"))
        .args([
            "staff",
            "add",
            "desk1@example.org",
            "--role",
            "organiser",
            "--event",
            DEMO_SLUG,
            "--password-stdin",
        ])
        .current_dir(dir.path())
        .env("GUICHET_DATABASE_URL", &database.url)
        .env("GUICHET_LOG", "warn")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run guichet");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(b"a chosen passphrase\n")
        .expect("write");
    let out = child.wait_with_output().expect("finished");
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains(&format!("(organiser at {DEMO_SLUG}) updated")));
    assert!(
        !text(&out.stdout).contains("password:"),
        "a chosen password is not echoed"
    );
    let stored = db
        .staff_credentials("desk1@example.org")
        .await
        .expect("query")
        .expect("exists");
    assert!(stored.member.access.organises(DEMO_SLUG));
    assert!(!stored.member.access.is_admin());
    assert!(domain::verify_password(
        "a chosen passphrase",
        &stored.password_hash
    ));

    // Bad input, refused before anything is written: an unknown role, an event role without
    // its event, an admin with one, an event that does not exist.
    for (args, says) in [
        (
            &["--role", "chief"][..],
            "expected admin, or organiser or desk with --event SLUG",
        ),
        (&["--role", "desk"][..], "--role desk needs the event"),
        (
            &["--role", "admin", "--event", DEMO_SLUG][..],
            "give no --event with it",
        ),
        (
            &["--role", "desk", "--event", "no-such-event"][..],
            "--event no-such-event: there is no such event",
        ),
    ] {
        let mut command = vec!["staff", "add", "x@example.org"];
        command.extend_from_slice(args);
        let out = guichet(&database.url, dir.path(), &command);
        assert!(!out.status.success(), "{args:?}");
        assert!(
            text(&out.stderr).contains(says),
            "{args:?}: {}",
            text(&out.stderr)
        );
    }
    assert!(
        db.staff_credentials("x@example.org")
            .await
            .expect("query")
            .is_none(),
        "no account was created by a refused command"
    );

    // An admin reaches every event.
    let out = guichet(
        &database.url,
        dir.path(),
        &["staff", "add", "admin@example.org", "--role", "admin"],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("(admin) created"));
    let admin = db
        .staff_credentials("admin@example.org")
        .await
        .expect("query")
        .expect("created");
    assert!(admin.member.access.is_admin());
    assert!(admin.member.access.organises("any-event-at-all"));
}

#[tokio::test]
async fn serve_speaks_https_with_the_given_certificate() {
    // openssl makes the certificate and curl checks it: independent of guichet's TLS stack.
    let have = |tool: &str| Command::new(tool).arg("--version").output().is_ok();
    if !(have("openssl") && have("curl")) {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must install openssl and curl"
        );
        eprintln!("SKIPPED: install openssl and curl to run the HTTPS test");
        return;
    }
    let database = TestDatabase::new().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let cert = dir.path().join("cert.pem");
    let key = dir.path().join("key.pem");
    let made = Command::new("openssl")
        .args([
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-days",
            "1",
        ])
        .args([
            "-subj",
            "/CN=localhost",
            "-addext",
            "subjectAltName=DNS:localhost",
        ])
        .arg("-keyout")
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .output()
        .expect("openssl");
    assert!(made.status.success(), "{}", text(&made.stderr));
    let mut server = Command::new(env!("CARGO_BIN_EXE_guichet"))
        .args(["serve", "--demo", "--bind", "127.0.0.1:0"])
        .arg("--tls-cert")
        .arg(&cert)
        .arg("--tls-key")
        .arg(&key)
        .current_dir(dir.path())
        .env("GUICHET_DATABASE_URL", &database.url)
        .env("GUICHET_LOG", "warn")
        .env("GUICHET_REGISTRATIONS_PER_MINUTE", "1")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("start guichet");
    // Read until guichet says which port it got; the reader stays open while it runs.
    let mut stdout = std::io::BufReader::new(server.stdout.take().expect("piped"));
    let serving = guichet_tests::serving_url(&mut stdout);
    let port = serving.rsplit(':').next().expect("a port").to_owned();
    assert_eq!(
        serving,
        format!("https://127.0.0.1:{port}"),
        "served over TLS"
    );
    let url = format!("https://localhost:{port}/events/idm-2008-migration-de-retour");
    let mut body = String::new();
    for _ in 0..100 {
        let out = Command::new("curl")
            .args(["-sS", "--cacert"])
            .arg(&cert)
            .args(["--resolve", &format!("localhost:{port}:127.0.0.1"), &url])
            .output()
            .expect("curl");
        if out.status.success() {
            body = text(&out.stdout);
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    // Over TLS, browsers are told to keep to HTTPS.
    let headers = Command::new("curl")
        .args(["-sS", "-o", "/dev/null", "-D", "-", "--cacert"])
        .arg(&cert)
        .args(["--resolve", &format!("localhost:{port}:127.0.0.1"), &url])
        .output()
        .expect("curl");
    let headers = text(&headers.stdout).to_ascii_lowercase();
    // Over TLS too the client is the TCP peer (a claimed X-Forwarded-For is not trusted), and
    // the limit per client address holds: one registration a minute here.
    let register = |n: u32| {
        let out = Command::new("curl")
            .args(["-sS", "-o", "/dev/null", "-w", "%{http_code}", "--cacert"])
            .arg(&cert)
            .args(["--resolve", &format!("localhost:{port}:127.0.0.1")])
            .args(["-H", "content-type: application/json"])
            .args(["-H", &format!("x-forwarded-for: 198.51.100.{n}")])
            .args([
                "--data",
                &guichet_tests::participant("Tls", "Client", &format!("tls{n}@example.org"))
                    .to_string(),
            ])
            .arg(format!(
                "https://localhost:{port}/api/v1/events/idm-2008-migration-de-retour/registrations"
            ))
            .output()
            .expect("curl");
        text(&out.stdout)
    };
    let statuses = [register(1), register(2)];
    let _ = server.kill();
    let _ = server.wait();
    assert!(
        body.contains("Renforcement du r"),
        "no page over HTTPS: {body}"
    );
    assert!(
        headers.contains("strict-transport-security: max-age=31536000"),
        "{headers}"
    );
    assert!(
        headers.contains("x-content-type-options: nosniff"),
        "{headers}"
    );
    assert_eq!(statuses, ["202", "429"], "the client's address over TLS");
}

#[tokio::test]
async fn staff_list_disable_enable_and_revoke_sessions_act_at_once_and_are_logged() {
    let database = TestDatabase::new().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let run = |args: &[&str]| {
        let out = guichet(&database.url, dir.path(), args);
        assert!(out.status.success(), "{args:?}: {}", text(&out.stderr));
        text(&out.stdout)
    };
    run(&["event", "import", &demo_file(dir.path())]);
    run(&[
        "staff",
        "add",
        "desk@example.org",
        "--role",
        "desk",
        "--event",
        DEMO_SLUG,
    ]);
    run(&["staff", "add", "boss@example.org", "--role", "admin"]);

    // Two live sessions, opened as sign-in opens them.
    let db = database.connect().await;
    let member = db
        .staff_member("desk@example.org")
        .await
        .expect("query")
        .expect("exists");
    let now = chrono::Utc::now();
    for hash in ["a".repeat(64), "b".repeat(64)] {
        db.create_session(persistence::NewSession {
            staff_id: member.id,
            token_hash: &hash,
            kind: persistence::SessionKind::Device,
            csrf_token: None,
            now,
            expires_at: now + chrono::TimeDelta::days(1),
            client_address: "192.0.2.7",
            user_agent: Some("scanner"),
            second_factor: false,
        })
        .await
        .expect("session");
    }
    let idle = persistence::Idle {
        browser: chrono::TimeDelta::hours(2),
    };
    let live = async || {
        db.sessions_of(member.id, chrono::Utc::now(), idle)
            .await
            .expect("sessions")
            .len()
    };

    let listed = run(&["staff", "list"]);
    let lines: Vec<&str> = listed.lines().collect();
    assert_eq!(
        lines[0], "email\troles\t2fa\tdisabled\tsessions",
        "{listed}"
    );
    assert_eq!(lines[1], "boss@example.org\tadmin\tno\tno\t0", "{listed}");
    assert_eq!(
        lines[2],
        format!("desk@example.org\tdesk@{DEMO_SLUG}\tno\tno\t2"),
        "{listed}"
    );

    assert!(run(&["staff", "revoke-sessions", "desk@example.org"]).contains("2 session(s)"));
    assert_eq!(live().await, 0);

    assert!(run(&["staff", "disable", "desk@example.org"]).contains("disabled"));
    assert!(
        run(&["staff", "list"])
            .contains("desk@example.org\tdesk@idm-2008-migration-de-retour\tno\tyes\t0")
    );
    let stored = db
        .staff_credentials("desk@example.org")
        .await
        .expect("query")
        .expect("exists");
    assert!(stored.disabled);
    assert!(run(&["staff", "disable", "desk@example.org"]).contains("already disabled"));
    assert!(run(&["staff", "enable", "desk@example.org"]).contains("enabled"));
    assert!(run(&["staff", "list"]).contains("desk@idm-2008-migration-de-retour\tno\tno\t0"));

    // `staff totp` prints the URI and the recovery codes once; the list then says 2fa yes.
    let enrolled = run(&["staff", "totp", "desk@example.org"]);
    let uri = enrolled
        .lines()
        .find_map(|l| l.strip_prefix("otpauth URI: "))
        .expect("the URI");
    assert!(
        uri.starts_with("otpauth://totp/guichet:desk%40example.org?secret="),
        "{uri}"
    );
    let codes = enrolled
        .lines()
        .find_map(|l| l.strip_prefix("recovery codes: "))
        .expect("the codes");
    assert_eq!(codes.split(' ').count(), 10);
    assert!(run(&["staff", "list"]).contains("desk@idm-2008-migration-de-retour\tyes\tno\t0"));

    // An unknown account is named, and nothing is written.
    let out = guichet(
        &database.url,
        dir.path(),
        &["staff", "disable", "nobody@example.org"],
    );
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("nobody@example.org"),
        "{}",
        text(&out.stderr)
    );

    // Each change is in the instance's access log, by the command line (no one, no address).
    let log = db.access_log(None, 20).await.expect("log");
    let actions: Vec<&str> = log.iter().map(|line| line.action.as_str()).collect();
    assert_eq!(
        actions,
        [
            "totp_enrolled",
            "enabled",
            "disabled",
            "sessions_revoked",
            "admin_named"
        ],
        "{log:?}"
    );
    assert!(
        log.iter()
            .all(|line| line.by.is_none() && line.address.is_none())
    );
    let granted = db
        .access_log(
            Some(
                db.event_by_slug(&domain::Slug::parse(DEMO_SLUG).expect("slug"))
                    .await
                    .expect("query")
                    .expect("event")
                    .id,
            ),
            20,
        )
        .await
        .expect("log");
    assert_eq!(granted.len(), 1);
    assert_eq!(granted[0].action.as_str(), "granted");
    assert_eq!(granted[0].role, Some(domain::Role::Desk));
}

#[tokio::test]
async fn an_import_that_would_drop_answers_is_refused_unless_forced() {
    let database = TestDatabase::new().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let file = demo_file(dir.path());
    let out = guichet(&database.url, dir.path(), &["event", "import", &file]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    // Someone answers the dietary question.
    let db = database.connect().await;
    let stored = db
        .event_by_slug(&domain::Slug::parse(DEMO_SLUG).expect("slug"))
        .await
        .expect("query")
        .expect("the event");
    let form: domain::RegistrationForm = serde_json::from_value(serde_json::json!({
        "given_name": "Ada", "family_name": "Lovelace", "email": "ada@example.org",
        "organisation": "Analytical Society", "category": "member_state", "country": "GB",
        "language": "en", "consent": true, "answers": { "diet": ["vegan"] },
    }))
    .expect("a form");
    let participant = form.parse(&stored.event).expect("valid");
    db.register(
        stored.id,
        participant,
        std::sync::Arc::new(domain::SystemClock),
    )
    .await
    .expect("registered");

    // A new question, relabelled ones: fine.
    let added = DEMO.replacen(
        "[[questions]]\nkey = \"diet\"",
        "[[questions]]\nkey = \"arrival\"\nkind = \"date\"\nfr = \"Arrivée\"\n\n[[questions]]\nkey = \"diet\"",
        1,
    );
    let added_file = dir.path().join("added.toml");
    std::fs::write(&added_file, &added).expect("write");
    let out = guichet(
        &database.url,
        dir.path(),
        &["event", "import", added_file.to_str().expect("utf-8")],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));

    // The dietary question re-typed: refused, naming it, and nothing changes.
    let retyped = DEMO.replacen(
        "key = \"diet\"\nkind = \"multi_choice\"",
        "key = \"diet\"\nkind = \"long_text\"",
        1,
    );
    let start = retyped.find("key = \"diet\"").expect("the diet question");
    let end = retyped[start..]
        .find("# ── Day one")
        .map(|i| start + i)
        .expect("the first day");
    // A long text has no options: drop them with the kind.
    let retyped = format!(
        "{}key = \"diet\"\nkind = \"long_text\"\nfr = \"Régime alimentaire\"\n\n{}",
        &retyped[..start],
        &retyped[end..]
    );
    let retyped_file = dir.path().join("retyped.toml");
    std::fs::write(&retyped_file, &retyped).expect("write");
    let out = guichet(
        &database.url,
        dir.path(),
        &["event", "import", retyped_file.to_str().expect("utf-8")],
    );
    assert!(!out.status.success(), "refused");
    let said = text(&out.stderr);
    assert!(
        said.contains(
            "question \"diet\" changes from multi_choice to long_text, and 1 registration(s) answered it"
        ),
        "{said}"
    );
    assert!(said.contains("--force"), "{said}");
    let kept = db
        .event_by_slug(&domain::Slug::parse(DEMO_SLUG).expect("slug"))
        .await
        .expect("query")
        .expect("the event");
    assert_eq!(
        kept.event
            .questions
            .iter()
            .find(|q| q.key == "diet")
            .map(|q| q.kind.name()),
        Some("multi_choice"),
        "nothing was imported"
    );
    // Forced: replaced, and said so.
    let out = guichet(
        &database.url,
        dir.path(),
        &[
            "event",
            "import",
            "--force",
            retyped_file.to_str().expect("utf-8"),
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("--force: question \"diet\""));
}

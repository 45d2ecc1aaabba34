//! The `guichet` binary's library: the CLI, configuration and wiring. This is the composition
//! root, kept thin: it parses arguments, loads configuration, connects the database, and hands
//! over to [`App`] (in `app.rs`), which the end-to-end tests build too.
//!
//! It may depend on every other crate, and no crate depends on it but the end-to-end `tests`. It
//! owns no rule of its own: a check that is not about arguments or configuration belongs in
//! `domain`, and one about storage in `persistence`.

pub mod app;
mod backup;
pub mod config;
pub mod outbox;
pub mod process;

pub use app::{App, AppSettings, Running, WorkerConfig, base_url_for, outbox_worker};
pub use process::raise_open_file_limit;
pub use web::{Limits, ServerLimits, TrustedProxies};

use anyhow::Context;
use chrono::{DateTime, Utc};
use clap::{Parser, Subcommand};
use config::Config;
use domain::{Clock, Event, Password, Role, RunningClock, SystemClock, TicketKey};
use mailer::{Sender, Transport, WorkerSettings};
use persistence::{ByWhom, Database, SaveOutcome};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The demo event, compiled in so that `serve --demo` works from any directory.
pub const DEMO_EVENT: &str = include_str!("../../../demo/idm-2008-migration-de-retour.toml");

/// Event registration and check-in.
#[derive(Debug, Parser)]
#[command(name = "guichet", version, about)]
pub struct Cli {
    /// A configuration file (TOML). Default: $GUICHET_CONFIG, else ./guichet.toml if present.
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the web pages and the API (applies pending migrations first).
    Serve {
        /// The address to listen on (default: the configuration's `bind`, 127.0.0.1:8080).
        #[arg(long, value_name = "ADDR")]
        bind: Option<SocketAddr>,
        /// Load the demo event (IDM 2008 workshop, Geneva) unless it is already there. Without
        /// --clock, the clock starts at 08:55 on its first day (Geneva time), five minutes before
        /// the desk opens: registration is open and the desk about to open.
        #[arg(long)]
        demo: bool,
        /// Start the service's clock at this instant (RFC 3339) and let it run on: for
        /// rehearsing the desk before the day, and for tests.
        #[arg(long, value_name = "RFC3339", value_parser = parse_instant)]
        clock: Option<DateTime<Utc>>,
        /// Serve HTTPS with this certificate chain (PEM); needs --tls-key. Browsers give the
        /// camera only to secure pages: this lets phones scan at a venue with no reverse proxy.
        #[arg(long, value_name = "FILE", requires = "tls_key")]
        tls_cert: Option<PathBuf>,
        /// The certificate's private key (PEM).
        #[arg(long, value_name = "FILE", requires = "tls_cert")]
        tls_key: Option<PathBuf>,
    },
    /// Apply pending database migrations.
    Migrate,
    /// Import or export events.
    #[command(subcommand)]
    Event(EventCommand),
    /// Manage staff accounts.
    #[command(subcommand)]
    Staff(StaffCommand),
    /// Write a consistent copy of the database to FILE, while guichet serves: SQLite's
    /// `VACUUM INTO`, or PostgreSQL's `pg_dump` (custom format; pg_dump must be installed).
    Backup {
        /// The copy to write; it must not exist yet.
        file: PathBuf,
    },
    /// Put a backup back in place of the configured database: stop guichet first. A SQLite
    /// backup is checked before anything changes, and the database it replaces is kept beside it;
    /// a PostgreSQL one is loaded with `pg_restore --clean`.
    Restore {
        /// A file `guichet backup` wrote.
        file: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
pub enum StaffCommand {
    /// Create a staff account, or give an existing one a new password; make it an admin, or
    /// give it a role at events (its roles at other events stay).
    Add {
        /// The staff member's email address (their login).
        email: String,
        /// admin (the whole instance), or organiser or desk (at the events of --event).
        #[arg(long, value_parser = parse_role)]
        role: CliRole,
        /// An event (its slug) where the member gets the role; repeat it for several events.
        #[arg(long = "event", value_name = "SLUG")]
        events: Vec<String>,
        /// Read the password from standard input (first line) instead of generating one.
        #[arg(long)]
        password_stdin: bool,
    },
    /// List the staff accounts: roles, whether disabled, and live sessions.
    List,
    /// Disable an account: every session and device token ends at once, and it signs in no
    /// more (with the same answer as a wrong password).
    Disable {
        /// The account's email address.
        email: String,
    },
    /// Enable a disabled account again (its old sessions stay ended).
    Enable {
        /// The account's email address.
        email: String,
    },
    /// End every session and device token of an account (a lost phone); it may sign in again.
    RevokeSessions {
        /// The account's email address.
        email: String,
    },
    /// Enrol an account in two-factor sign-in (for provisioning a phone): prints the
    /// `otpauth://` URI and ten recovery codes, once. Replaces any second factor it had.
    Totp {
        /// The account's email address.
        email: String,
    },
}

/// The role `staff add` gives: the whole instance, or a role at events.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CliRole {
    Admin,
    Event(Role),
}

fn parse_role(s: &str) -> Result<CliRole, String> {
    if s == "admin" {
        return Ok(CliRole::Admin);
    }
    s.parse().map(CliRole::Event).map_err(|_| {
        format!("unknown role {s:?}: expected admin, or organiser or desk with --event SLUG")
    })
}

#[derive(Debug, Subcommand)]
pub enum EventCommand {
    /// Create an event from a file, or replace the event with the same slug.
    Import {
        /// The event file (TOML).
        file: PathBuf,
        /// Replace the questions even when this removes or re-types one that participants
        /// answered (their answers to it are then no longer shown nor reported).
        #[arg(long)]
        force: bool,
    },
    /// Print an event's file on standard output.
    Export {
        /// The event's slug.
        slug: String,
    },
}

fn parse_instant(s: &str) -> Result<DateTime<Utc>, String> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| format!("not an RFC 3339 instant such as 2008-07-07T08:55:00+02:00 ({e})"))
}

/// Runs one command to its end.
pub async fn run(cli: Cli) -> anyhow::Result<()> {
    let config = Config::load(cli.config).context("cannot load the configuration")?;
    init_tracing(&config.log, config.log_format);
    match cli.command {
        Command::Serve {
            bind,
            demo,
            clock,
            tls_cert,
            tls_key,
        } => {
            let tls = match (tls_cert, tls_key) {
                (Some(cert), Some(key)) => Some(web::tls::server_config(&cert, &key)?),
                _ => None,
            };
            serve(&config, bind.unwrap_or(config.bind), demo, clock, tls).await
        }
        Command::Migrate => {
            connect(&config).await?;
            println!("the database schema is up to date");
            Ok(())
        }
        Command::Event(EventCommand::Import { file, force }) => {
            // Parse before connecting: a broken file touches nothing.
            let event = read_event_file(&file)?;
            let db = connect(&config).await?;
            if let Some(existing) = db.event_by_slug(&event.slug).await? {
                let answered = db.answer_counts(existing.id).await?;
                let dropped =
                    domain::answers_dropped(&existing.event.questions, &event.questions, &answered);
                let lines: Vec<String> = dropped.iter().map(ToString::to_string).collect();
                if !dropped.is_empty() && !force {
                    anyhow::bail!(
                        "{} would drop participants' answers, nothing was imported:\n{}\n\
                         (import with --force to replace the questions anyway)",
                        file.display(),
                        lines.join("\n")
                    );
                }
                for line in &lines {
                    println!("--force: {line}; its answers are no longer shown nor reported");
                }
            }
            let outcome = db.save_event(&event, Utc::now()).await?;
            let verb = match outcome {
                SaveOutcome::Created => "created",
                SaveOutcome::Replaced => "replaced",
            };
            println!("event {} {verb} from {}", event.slug, file.display());
            Ok(())
        }
        Command::Staff(StaffCommand::Add {
            email,
            role,
            events,
            password_stdin,
        }) => add_staff(&config, &email, role, &events, password_stdin).await,
        Command::Staff(StaffCommand::List) => list_staff(&config).await,
        Command::Staff(StaffCommand::Disable { email }) => {
            set_disabled(&config, &email, true).await
        }
        Command::Staff(StaffCommand::Enable { email }) => {
            set_disabled(&config, &email, false).await
        }
        Command::Staff(StaffCommand::RevokeSessions { email }) => {
            revoke_sessions(&config, &email).await
        }
        Command::Staff(StaffCommand::Totp { email }) => enrol_totp(&config, &email).await,
        Command::Backup { file } => backup::backup(&config, &file).await,
        Command::Restore { file } => backup::restore(&config, &file).await,
        Command::Event(EventCommand::Export { slug }) => {
            let slug = domain::Slug::parse(&slug)
                .with_context(|| format!("{slug:?} is not a valid slug"))?;
            let db = connect(&config).await?;
            let stored = db
                .event_by_slug(&slug)
                .await?
                .with_context(|| format!("there is no event {slug}"))?;
            print!("{}", domain::render_event_file(&stored.event));
            Ok(())
        }
    }
}

/// `staff add`: the password comes from standard input, or is generated and printed once.
async fn add_staff(
    config: &Config,
    email: &str,
    role: CliRole,
    events: &[String],
    password_stdin: bool,
) -> anyhow::Result<()> {
    let address = domain::Email::parse(email)
        .map_err(|_| anyhow::anyhow!("{email:?} is not an email address"))?;
    match (role, events.is_empty()) {
        (CliRole::Admin, false) => {
            anyhow::bail!("--role admin reaches every event: give no --event with it")
        }
        (CliRole::Event(role), true) => {
            anyhow::bail!("--role {role} needs the event: --event SLUG (repeat it for several)")
        }
        _ => {}
    }
    // Every event named must exist before anything is written.
    let db = connect(config).await?;
    let mut event_ids = Vec::with_capacity(events.len());
    for slug in events {
        let parsed = domain::Slug::parse(slug)
            .with_context(|| format!("--event {slug:?} is not a valid slug"))?;
        let stored = db
            .event_by_slug(&parsed)
            .await?
            .with_context(|| format!("--event {slug}: there is no such event"))?;
        event_ids.push(stored.id);
    }
    let (password, generated) = if password_stdin {
        let mut line = String::new();
        std::io::stdin()
            .read_line(&mut line)
            .context("cannot read the password from standard input")?;
        (line.trim_end_matches(['\r', '\n']).to_owned(), false)
    } else {
        let mut bytes = [0u8; 15];
        getrandom::fill(&mut bytes).map_err(|e| anyhow::anyhow!("no randomness: {e}"))?;
        (
            data_encoding::BASE32_NOPAD.encode(&bytes).to_lowercase(),
            true,
        )
    };
    let shown = generated.then(|| password.clone());
    let password = Password::new(&password)?;
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(|e| anyhow::anyhow!("no randomness: {e}"))?;
    let hash = tokio::task::spawn_blocking(move || password.hash(&salt)).await??;
    let now = Utc::now();
    let by = ByWhom::command_line();
    let (staff_id, saved) = db.add_staff(address.as_str(), &hash, now, &by).await?;
    let what = match role {
        CliRole::Admin => {
            db.set_admin(staff_id, now, &by).await?;
            "admin".to_owned()
        }
        CliRole::Event(role) => {
            for event_id in event_ids {
                db.grant(staff_id, event_id, role, now, &by).await?;
            }
            format!("{role} at {}", events.join(", "))
        }
    };
    let verb = match saved {
        persistence::StaffSaved::Created => "created",
        persistence::StaffSaved::Updated => "updated",
    };
    println!("staff account {} ({what}) {verb}", address.normalized());
    if saved == persistence::StaffSaved::Updated {
        println!("(its new password ended every session it had)");
    }
    if let Some(password) = shown {
        println!("password: {password}");
        println!("(shown once: guichet keeps only its hash)");
    }
    Ok(())
}

/// How long browser sessions last unused, as configured.
fn idle(config: &Config) -> anyhow::Result<persistence::Idle> {
    Ok(persistence::Idle {
        browser: config.limits()?.browser_idle,
    })
}

/// The account with this address, or an error naming it.
async fn account(db: &Database, email: &str) -> anyhow::Result<persistence::StaffMember> {
    db.staff_member(email)
        .await?
        .with_context(|| format!("there is no staff account {email}"))
}

/// `staff list`: one line an account, for a terminal or a script (tab-separated).
async fn list_staff(config: &Config) -> anyhow::Result<()> {
    let idle = idle(config)?;
    let db = connect(config).await?;
    let accounts = db.accounts(Utc::now(), idle).await?;
    println!("email\troles\t2fa\tdisabled\tsessions");
    for account in accounts {
        let roles = if account.access.is_admin() {
            "admin".to_owned()
        } else {
            let grants: Vec<String> = account
                .access
                .grants()
                .map(|(slug, role)| format!("{role}@{slug}"))
                .collect();
            if grants.is_empty() {
                "none".to_owned()
            } else {
                grants.join(",")
            }
        };
        let yes_no = |yes: bool| if yes { "yes" } else { "no" };
        println!(
            "{}\t{roles}\t{}\t{}\t{}",
            account.email,
            yes_no(account.second_factor),
            yes_no(account.disabled),
            account.live_sessions
        );
    }
    Ok(())
}

/// `staff disable` / `staff enable`.
async fn set_disabled(config: &Config, email: &str, disabled: bool) -> anyhow::Result<()> {
    let db = connect(config).await?;
    let member = account(&db, email).await?;
    let changed = db
        .set_disabled(member.id, disabled, Utc::now(), &ByWhom::command_line())
        .await?;
    let state = if disabled { "disabled" } else { "enabled" };
    if changed {
        println!("staff account {} {state}", member.email);
        if disabled {
            println!("(every session and device token it had has ended)");
        }
    } else {
        println!("staff account {} was already {state}", member.email);
    }
    Ok(())
}

/// `staff revoke-sessions`.
async fn revoke_sessions(config: &Config, email: &str) -> anyhow::Result<()> {
    let db = connect(config).await?;
    let member = account(&db, email).await?;
    let ended = db
        .revoke_sessions(member.id, None, Utc::now(), &ByWhom::command_line())
        .await?;
    println!("{ended} session(s) of {} ended", member.email);
    Ok(())
}

/// `staff totp`: a new secret and recovery codes, printed once.
async fn enrol_totp(config: &Config, email: &str) -> anyhow::Result<()> {
    use domain::second_factor::{RECOVERY_CODES, recovery_code, recovery_code_hash};
    let db = connect(config).await?;
    let member = account(&db, email).await?;
    let mut bytes = [0u8; 20];
    getrandom::fill(&mut bytes).map_err(|e| anyhow::anyhow!("no randomness: {e}"))?;
    let secret = domain::TotpSecret::from_random(bytes);
    let mut codes = Vec::with_capacity(RECOVERY_CODES);
    for _ in 0..RECOVERY_CODES {
        let mut bytes = [0u8; 7];
        getrandom::fill(&mut bytes).map_err(|e| anyhow::anyhow!("no randomness: {e}"))?;
        codes.push(recovery_code(bytes));
    }
    let hashes: Vec<String> = codes
        .iter()
        .map(|code| recovery_code_hash(&code.replace('-', "")))
        .collect();
    db.enrol_totp(
        member.id,
        &secret.to_base32(),
        None,
        &hashes,
        None,
        Utc::now(),
        &ByWhom::command_line(),
    )
    .await?;
    println!("two-factor sign-in is on for {}", member.email);
    println!("otpauth URI: {}", secret.uri(&member.email));
    println!("recovery codes: {}", codes.join(" "));
    println!("(shown once: guichet keeps only the secret and the codes' hashes)");
    Ok(())
}

/// Reads and parses an event file; every error names the file, then the line or field.
pub fn read_event_file(path: &Path) -> anyhow::Result<Event> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    domain::parse_event_file(&text).map_err(|e| {
        let lines: Vec<String> = e
            .to_string()
            .lines()
            .map(|l| format!("{}: {l}", path.display()))
            .collect();
        anyhow::anyhow!(
            "{} is not a valid event file, nothing was imported:\n{}",
            path.display(),
            lines.join("\n")
        )
    })
}

/// Connects to the configured database and applies pending migrations.
pub async fn connect(config: &Config) -> anyhow::Result<Database> {
    let db = Database::connect_with_pool(config.database_url.expose(), config.database_pool)
        .await
        .context("cannot connect to the database")?;
    db.migrate()
        .await
        .context("cannot apply the database migrations")?;
    Ok(db)
}

/// Loads the demo event unless an event with its slug is already there (an organiser may have
/// edited it: it is not overwritten).
pub async fn load_demo(db: &Database) -> anyhow::Result<Event> {
    let event =
        domain::parse_event_file(DEMO_EVENT).context("the built-in demo event is invalid")?;
    if db.event_by_slug(&event.slug).await?.is_none() {
        db.save_event(&event, Utc::now()).await?;
        tracing::info!(slug = %event.slug, "demo event loaded");
    }
    Ok(event)
}

/// The key that signs tickets: the configured secret, else the one in `data_dir/secret.key`,
/// created at random on first run.
pub fn ticket_key(config: &Config) -> anyhow::Result<TicketKey> {
    if let Some(secret) = &config.secret_key {
        config::check_secret_key(secret)?;
        return TicketKey::new(secret.expose().as_bytes().to_vec())
            .context("secret_key (GUICHET_SECRET_KEY) must be at least 32 characters");
    }
    let path = config.data_dir.join("secret.key");
    if path.exists() {
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        let bytes = data_encoding::HEXLOWER
            .decode(text.trim().as_bytes())
            .with_context(|| format!("{} is not a hexadecimal key", path.display()))?;
        return TicketKey::new(bytes)
            .with_context(|| format!("the key in {} is too short", path.display()));
    }
    let mut bytes = vec![0u8; 32];
    getrandom::fill(&mut bytes)
        .map_err(|e| anyhow::anyhow!("no randomness for the secret key: {e}"))?;
    create_private_dir(&config.data_dir)
        .with_context(|| format!("cannot create {}", config.data_dir.display()))?;
    write_private(&path, &data_encoding::HEXLOWER.encode(&bytes))
        .with_context(|| format!("cannot write {}", path.display()))?;
    tracing::info!(path = %path.display(), "created a new secret key for tickets");
    Ok(TicketKey::new(bytes)?)
}

/// Creates a directory (and its missing parents) that only its owner can enter; one that exists
/// is left as it is.
fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)
}

/// Writes a file only its owner can read.
fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path)?.write_all(text.as_bytes())
}

/// The From and Reply-To of emails, as configured.
pub fn sender(config: &Config) -> anyhow::Result<Sender> {
    let from = config.email_from.parse().with_context(|| {
        format!(
            "email_from {:?} is not an address such as \"guichet <guichet@example.org>\"",
            config.email_from
        )
    })?;
    let reply_to = config
        .email_reply_to
        .as_deref()
        .map(str::parse)
        .transpose()
        .context("email_reply_to is not a valid address")?;
    Ok(Sender { from, reply_to })
}

/// The transport the configuration asks for: SMTP, else `.eml` files under `data_dir/outbox`.
pub fn transport(config: &Config, settings: &WorkerSettings) -> anyhow::Result<Transport> {
    match &config.smtp_url {
        Some(url) => Transport::smtp(
            url.expose(),
            settings.concurrency,
            std::time::Duration::from_secs(config.smtp_timeout_seconds.max(1)),
        )
        .context("smtp_url (GUICHET_SMTP_URL)"),
        None => {
            let dir = config.data_dir.join("outbox");
            tracing::info!(dir = %dir.display(), "no SMTP server configured: emails are written as .eml files");
            Transport::files(dir.clone())
                .with_context(|| format!("cannot create {}", dir.display()))
        }
    }
}

/// 08:55 in Geneva on the demo's first day.
pub fn demo_rehearsal_start() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2008-07-07T08:55:00+02:00")
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_default()
}

async fn serve(
    config: &Config,
    bind: SocketAddr,
    demo: bool,
    clock: Option<DateTime<Utc>>,
    tls: Option<Arc<web::tls::ServerConfig>>,
) -> anyhow::Result<()> {
    // Settings first: a wrong one (a weak or published key, a bad proxy range) is named before
    // anything starts.
    let ticket_key = ticket_key(config)?;
    let limits = config.limits()?;
    for warning in config.production_warnings(tls.is_some()) {
        tracing::warn!("{warning}");
    }
    process::raise_open_files_for(config.max_connections);
    let db = connect(config).await?;
    let demo_event = if demo {
        Some(load_demo(&db).await?)
    } else {
        None
    };
    // The demo happened in 2008: rehearse it on its first morning unless told otherwise.
    let clock = clock.or_else(|| demo.then(demo_rehearsal_start));
    let clock: Arc<dyn Clock> = match clock {
        Some(start) => {
            println!("rehearsal clock: the service's time starts at {start} (not the real time)");
            tracing::warn!(%start, "the clock is set: guichet is not showing the real time");
            Arc::new(RunningClock::starting_at(start))
        }
        None => Arc::new(SystemClock),
    };
    let worker_settings = WorkerSettings::default();
    let scheme = if tls.is_some() { "https" } else { "http" };
    let app = App::build(AppSettings {
        db,
        ticket_key,
        clock,
        bind,
        base_url: config.base_url.clone(),
        sender: sender(config)?,
        worker: Some(WorkerConfig {
            transport: transport(config, &worker_settings)?,
            settings: worker_settings,
        }),
        tls,
        limits,
        server_limits: web::ServerLimits {
            max_connections: config.max_connections,
            request_timeout: std::time::Duration::from_secs(config.request_timeout_seconds.max(1)),
            ..web::ServerLimits::default()
        },
        metrics_bind: config.metrics_bind,
    })
    .await?;
    let addr = app.local_addr();
    // Tests and scripts that bind port 0 read the real address from this line.
    println!("guichet is serving on {scheme}://{addr}/");
    println!("links in emails point at {}", app.base_url());
    if let Some(metrics) = app.metrics_addr() {
        println!("metrics: http://{metrics}/metrics");
    }
    if let Some(event) = demo_event {
        println!("demo event: {scheme}://{addr}/events/{}", event.slug);
        println!(
            "desk: {scheme}://{addr}/desk/{} (staff: guichet staff add EMAIL --role desk --event {})",
            event.slug, event.slug
        );
    }
    app.run(shutdown_signal()).await
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}

fn init_tracing(filter: &str, format: config::LogFormat) {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_new(filter).unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    // A second call (tests run several commands in one process) keeps the first subscriber.
    let _ = match format {
        config::LogFormat::Human => builder.try_init(),
        // One object a line: the event's fields at the top, the request's (id, method, path,
        // client, route) under "span". What a collector indexes, without parsing text.
        config::LogFormat::Json => builder
            .json()
            .flatten_event(true)
            .with_current_span(true)
            .with_span_list(false)
            .try_init(),
    };
}

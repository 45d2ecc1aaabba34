//! Configuration: defaults, then an optional TOML file, then `GUICHET_*` environment variables.

use anyhow::Context;
use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::net::SocketAddr;
use std::num::NonZeroU32;
use std::path::PathBuf;

/// A value that must not appear in logs: its `Debug` shows only that it is set.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(…)")
    }
}

/// guichet's settings. Every key can be set in the file or as `GUICHET_<KEY>`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Config {
    /// `sqlite://data/guichet.db` (the default) or `postgres://user:password@host/db`. May hold a
    /// password, hence secret.
    pub database_url: Secret,
    /// Connections to the database per instance (default: 8 for SQLite, 10 for PostgreSQL).
    pub database_pool: Option<u32>,
    /// The address `serve` listens on.
    pub bind: SocketAddr,
    /// The public address of the service, used in the links of emails. Unset: the address
    /// `serve` actually listens on (right for one instance reached directly; set it behind a
    /// proxy or a load balancer).
    pub base_url: Option<String>,
    /// What to log, as a tracing filter (`info`, `guichet_web=debug`…).
    pub log: String,
    /// Where guichet keeps its files: the default SQLite database's directory, the secret key
    /// when none is configured, and `outbox/` for emails when no SMTP server is configured.
    pub data_dir: PathBuf,
    /// `smtp://host:25`, `smtp://user:pass@host:587?tls=required` (STARTTLS) or
    /// `smtps://user:pass@host:465`. Unset: emails are written as `.eml` files.
    pub smtp_url: Option<Secret>,
    /// The From of every email.
    pub email_from: String,
    /// The Reply-To of every email, if any (the organisers' address).
    pub email_reply_to: Option<String>,
    /// The secret that signs tickets (at least 32 characters, none of the examples shipped in
    /// the repository: see [`check_secret_key`]). Unset: a random one is created in
    /// `data_dir/secret.key` on first run. Every instance serving one database needs the same.
    pub secret_key: Option<Secret>,
    /// The proxies allowed to name the client in `X-Forwarded-For`: comma-separated addresses
    /// and CIDR ranges (`10.0.0.0/8, 192.0.2.7`). Empty (the default): the client is always
    /// the TCP peer, and the header is ignored.
    pub trusted_proxies: String,
    /// New registrations a client address may send a minute, form and API together, per
    /// instance; 0 turns the limit off (the benchmarks do).
    pub registrations_per_minute: u32,
    /// Password verifications at once per instance (each holds about 19 MiB); beyond it a
    /// sign-in gets 503 at once. Unset: two per core.
    pub password_checks: Option<u32>,
    /// Connections open at once; one beyond is closed as soon as it is accepted. `serve` raises
    /// its open-file limit to the system's maximum to hold them.
    pub max_connections: usize,
    /// Minutes a browser session may go unused before it ends (it ends 12 hours after sign-in
    /// in any case); device tokens do not end for being idle.
    pub session_idle_minutes: u32,
    /// Seconds a request may take before it is answered `503` with `Retry-After` (a database
    /// that hangs, say); the handler still runs to its end.
    pub request_timeout_seconds: u64,
    /// Seconds one message's whole SMTP exchange (connecting included) may take before it is cut
    /// off and retried.
    pub smtp_timeout_seconds: u64,
    /// Where `/metrics` (Prometheus text) is served, e.g. `127.0.0.1:9464`. Unset (the
    /// default): nowhere. Never the public address: it is a listener of its own.
    pub metrics_bind: Option<SocketAddr>,
    /// `human` (the default) or `json`: one JSON object per line, for a log collector.
    pub log_format: LogFormat,
}

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// Readable in a terminal.
    #[default]
    Human,
    /// One JSON object per line.
    Json,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            database_url: Secret("sqlite://data/guichet.db".to_owned()),
            database_pool: None,
            bind: SocketAddr::from(([127, 0, 0, 1], 8080)),
            base_url: None,
            log: "info,sqlx=warn,sea_orm=warn".to_owned(),
            data_dir: PathBuf::from("data"),
            smtp_url: None,
            email_from: "guichet <guichet@localhost>".to_owned(),
            email_reply_to: None,
            secret_key: None,
            trusted_proxies: String::new(),
            registrations_per_minute: 20,
            password_checks: None,
            max_connections: web::DEFAULT_MAX_CONNECTIONS,
            session_idle_minutes: 120,
            request_timeout_seconds: 30,
            smtp_timeout_seconds: 30,
            metrics_bind: None,
            log_format: LogFormat::Human,
        }
    }
}

/// The fewest characters a `secret_key` may have.
pub const SECRET_KEY_MIN_CHARS: usize = 32;

/// Secret keys written in this repository as examples (the compose file shipped one until it made
/// the operator choose): anyone can read them, so tickets signed with one can be forged by anyone.
/// The one list of them; a test checks that every key the repository's examples set is refused.
pub const PLACEHOLDER_SECRET_KEYS: &[&str] = &["change-me-to-32-or-more-random-characters"];

/// Checks a configured `secret_key`: long enough, and not an example from the repository. The
/// error names the setting, for the operator who must change it.
pub fn check_secret_key(secret: &Secret) -> anyhow::Result<()> {
    let key = secret.expose();
    let chars = key.chars().count();
    if chars < SECRET_KEY_MIN_CHARS {
        anyhow::bail!(
            "secret_key (GUICHET_SECRET_KEY) has {chars} characters: it needs at least \
             {SECRET_KEY_MIN_CHARS}, random (for instance the output of `openssl rand -hex 32`)"
        );
    }
    if PLACEHOLDER_SECRET_KEYS.contains(&key.trim()) {
        anyhow::bail!(
            "secret_key (GUICHET_SECRET_KEY) is an example published with guichet, so anyone could \
             forge tickets: set it to 32 or more random characters of your own (for instance the \
             output of `openssl rand -hex 32`)"
        );
    }
    Ok(())
}

/// The configuration file: `--config FILE`, else `GUICHET_CONFIG`, else `guichet.toml` if present.
fn config_file(explicit: Option<PathBuf>) -> Option<PathBuf> {
    explicit
        .or_else(|| std::env::var_os("GUICHET_CONFIG").map(PathBuf::from))
        .or_else(|| {
            let default = PathBuf::from("guichet.toml");
            default.exists().then_some(default)
        })
}

impl Config {
    /// The abuse limits, checked: each setting that cannot be used is named.
    pub fn limits(&self) -> anyhow::Result<web::Limits> {
        let trusted_proxies = self
            .trusted_proxies
            .parse()
            .context("trusted_proxies (GUICHET_TRUSTED_PROXIES)")?;
        let password_checks = match self.password_checks {
            None => web::default_password_checks(),
            Some(n) => NonZeroU32::new(n)
                .context("password_checks (GUICHET_PASSWORD_CHECKS) must be at least 1")?,
        };
        if self.session_idle_minutes == 0 {
            anyhow::bail!("session_idle_minutes (GUICHET_SESSION_IDLE_MINUTES) must be at least 1");
        }
        Ok(web::Limits {
            trusted_proxies,
            registrations_per_minute: self.registrations_per_minute,
            password_checks,
            browser_idle: chrono::TimeDelta::minutes(i64::from(self.session_idle_minutes)),
        })
    }

    /// Settings that work but are unsafe for a real event, each said in one line for the
    /// operator: `serve` logs them as warnings at start. `tls`: guichet serves HTTPS itself.
    pub fn production_warnings(&self, tls: bool) -> Vec<String> {
        let mut warnings = Vec::new();
        if tls
            && self
                .base_url
                .as_deref()
                .is_some_and(|url| url.starts_with("http://"))
        {
            warnings.push(
                "base_url (GUICHET_BASE_URL) starts with http:// while guichet serves HTTPS:                  the links in emails and the session cookies will not be secure"
                    .to_owned(),
            );
        }
        if self.smtp_url.is_none() {
            warnings.push(format!(
                "no smtp_url (GUICHET_SMTP_URL): emails are written to {}, not sent",
                self.data_dir.join("outbox").display()
            ));
        }
        if self.database_url.expose().starts_with("sqlite:") {
            warnings.push(
                "the database is SQLite: run one instance only (several instances need                  PostgreSQL)"
                    .to_owned(),
            );
        }
        warnings
    }

    /// Loads the configuration; a file named explicitly must exist.
    pub fn load(explicit_file: Option<PathBuf>) -> Result<Self, Box<figment::Error>> {
        let mut figment = Figment::from(Serialized::defaults(Config::default()));
        if let Some(file) = config_file(explicit_file) {
            if !file.exists() {
                return Err(Box::new(figment::Error::from(format!(
                    "configuration file {} does not exist",
                    file.display()
                ))));
            }
            figment = figment.merge(Toml::file(file));
        }
        figment
            .merge(Env::prefixed("GUICHET_").ignore(&["config"]))
            .extract()
            .map_err(Box::new)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unsafe_settings_are_named_and_a_production_setup_has_none() {
        let defaults = Config::default().production_warnings(false);
        assert_eq!(defaults.len(), 2, "{defaults:?}");
        assert!(defaults[0].contains("GUICHET_SMTP_URL"), "{defaults:?}");
        assert!(defaults[1].contains("SQLite"), "{defaults:?}");
        let insecure_links = Config {
            base_url: Some("http://guichet.example.org".into()),
            ..Config::default()
        };
        assert!(
            insecure_links.production_warnings(true)[0].contains("GUICHET_BASE_URL"),
            "http:// links while serving HTTPS"
        );
        assert_eq!(insecure_links.production_warnings(false).len(), 2);
        let production = Config {
            database_url: Secret("postgres://guichet@db/guichet".into()),
            smtp_url: Some(Secret("smtp://relay:25".into())),
            base_url: Some("https://guichet.example.org".into()),
            ..Config::default()
        };
        assert_eq!(production.production_warnings(true), Vec::<String>::new());
    }

    #[test]
    fn secrets_do_not_show_in_debug_output() {
        let config = Config {
            database_url: Secret("postgres://guichet:hunter2@db/guichet".into()),
            ..Config::default()
        };
        let shown = format!("{config:?}");
        assert!(!shown.contains("hunter2"), "{shown}");
    }

    #[test]
    #[expect(
        clippy::result_large_err,
        reason = "figment::Jail fixes the closure's error type"
    )]
    fn abuse_limits_come_from_the_environment_and_bad_ones_are_named() {
        figment::Jail::expect_with(|jail| {
            let limits = Config::load(None).map_err(|e| *e)?.limits();
            assert_eq!(
                limits.as_ref().map(|l| l.registrations_per_minute).ok(),
                Some(20),
                "the default"
            );
            jail.set_env("GUICHET_TRUSTED_PROXIES", "10.0.0.0/8, 192.0.2.7");
            jail.set_env("GUICHET_REGISTRATIONS_PER_MINUTE", "0");
            jail.set_env("GUICHET_PASSWORD_CHECKS", "3");
            let limits = Config::load(None)
                .map_err(|e| *e)?
                .limits()
                .map_err(|e| figment::Error::from(e.to_string()))?;
            assert!(
                limits
                    .trusted_proxies
                    .contains("10.1.2.3".parse().expect("ip"))
            );
            assert!(
                limits
                    .trusted_proxies
                    .contains("192.0.2.7".parse().expect("ip"))
            );
            assert_eq!(limits.registrations_per_minute, 0);
            assert_eq!(limits.password_checks.get(), 3);
            assert_eq!(
                limits.browser_idle,
                chrono::TimeDelta::hours(2),
                "the default"
            );
            jail.set_env("GUICHET_SESSION_IDLE_MINUTES", "30");
            let limits = Config::load(None)
                .map_err(|e| *e)?
                .limits()
                .map_err(|e| figment::Error::from(e.to_string()))?;
            assert_eq!(limits.browser_idle, chrono::TimeDelta::minutes(30));
            jail.set_env("GUICHET_SESSION_IDLE_MINUTES", "0");
            let error = Config::load(None)
                .map_err(|e| *e)?
                .limits()
                .expect_err("refused");
            assert!(
                format!("{error:#}").contains("GUICHET_SESSION_IDLE_MINUTES"),
                "{error:#}"
            );
            jail.set_env("GUICHET_SESSION_IDLE_MINUTES", "120");

            jail.set_env("GUICHET_TRUSTED_PROXIES", "10.0.0.0/8, proxy.example");
            let error = Config::load(None)
                .map_err(|e| *e)?
                .limits()
                .expect_err("refused");
            let shown = format!("{error:#}");
            assert!(shown.contains("GUICHET_TRUSTED_PROXIES"), "{shown}");
            assert!(shown.contains("proxy.example"), "{shown}");
            jail.set_env("GUICHET_TRUSTED_PROXIES", "");
            jail.set_env("GUICHET_PASSWORD_CHECKS", "0");
            let error = Config::load(None)
                .map_err(|e| *e)?
                .limits()
                .expect_err("refused");
            assert!(format!("{error:#}").contains("GUICHET_PASSWORD_CHECKS"));
            Ok(())
        });
    }

    #[test]
    #[expect(
        clippy::result_large_err,
        reason = "figment::Jail fixes the closure's error type"
    )]
    fn file_then_environment_override_the_defaults() {
        figment::Jail::expect_with(|jail| {
            jail.create_file(
                "guichet.toml",
                "bind = \"0.0.0.0:9000\"\nbase_url = \"https://file.example\"",
            )?;
            jail.set_env("GUICHET_BASE_URL", "https://env.example");
            let config = Config::load(None).map_err(|e| *e)?;
            assert_eq!(config.bind, "0.0.0.0:9000".parse().expect("address"));
            assert_eq!(config.base_url.as_deref(), Some("https://env.example"));
            assert_eq!(config.database_url.expose(), "sqlite://data/guichet.db");
            Ok(())
        });
    }

    #[test]
    fn short_and_published_secret_keys_are_refused_naming_the_setting() {
        let check =
            |key: &str| check_secret_key(&Secret(key.to_owned())).map_err(|e| e.to_string());
        let short = check("too short").expect_err("refused");
        assert!(
            short.contains("GUICHET_SECRET_KEY") && short.contains("9 characters"),
            "{short}"
        );
        // Characters, not bytes: 31 accented letters are still too few.
        assert!(check(&"é".repeat(31)).is_err());
        for placeholder in PLACEHOLDER_SECRET_KEYS {
            let refused = check(placeholder).expect_err("refused");
            assert!(
                refused.contains("secret_key (GUICHET_SECRET_KEY)"),
                "{refused}"
            );
        }
        assert!(check("k3Jq9vZs2LxR8tWm4NpB6yHc1DfG7aQe").is_ok());
    }

    /// The keys that the repository's examples set (`GUICHET_SECRET_KEY: value` in the compose
    /// file, `GUICHET_SECRET_KEY=value` in the README), when they are literal values rather than
    /// the operator's own (`${…}`, `$(…)`).
    fn example_keys(text: &str) -> Vec<String> {
        text.lines()
            .filter_map(|line| {
                let (_, rest) = line.split_once("GUICHET_SECRET_KEY")?;
                let value = rest.trim_start().strip_prefix([':', '='])?.trim();
                let value = value.trim_matches(|c| c == '"' || c == '\'' || c == '`');
                (!value.is_empty() && !value.starts_with('$')).then(|| value.to_owned())
            })
            .collect()
    }

    #[test]
    fn no_example_in_the_repository_passes_for_a_secret_key() {
        for (file, text) in [
            (
                "docker-compose.yml",
                include_str!("../../../docker-compose.yml"),
            ),
            ("README.md", include_str!("../../../README.md")),
            ("Dockerfile", include_str!("../../../Dockerfile")),
        ] {
            for key in example_keys(text) {
                assert!(
                    check_secret_key(&Secret(key.clone())).is_err(),
                    "{file} sets GUICHET_SECRET_KEY to {key:?}: add it to PLACEHOLDER_SECRET_KEYS"
                );
            }
        }
        // The parser finds such a line.
        assert_eq!(
            example_keys("      GUICHET_SECRET_KEY: change-me-to-32-or-more-random-characters"),
            vec!["change-me-to-32-or-more-random-characters".to_owned()]
        );
        assert!(example_keys("GUICHET_SECRET_KEY: ${GUICHET_SECRET_KEY:?set it}").is_empty());
    }
}

//! Configuration: defaults, then an optional TOML file, then `GUICHET_*` environment variables.

use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::net::SocketAddr;
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
    /// The secret that signs tickets (at least 32 characters). Unset: a random one is created in
    /// `data_dir/secret.key` on first run. Every instance serving one database needs the same.
    pub secret_key: Option<Secret>,
    /// Connections open at once; one beyond is closed as soon as it is accepted. `serve` raises
    /// its open-file limit to the system's maximum to hold them.
    pub max_connections: usize,
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
            max_connections: web::DEFAULT_MAX_CONNECTIONS,
        }
    }
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
}

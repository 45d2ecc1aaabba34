//! Delivering messages: over SMTP (`smtp://`, `smtp://…?tls=required` for STARTTLS, `smtps://`
//! for TLS, credentials in the URL), or — with no SMTP server configured — as `.eml` files in a
//! directory, which is what a fresh checkout does.

use lettre::transport::smtp::{AsyncSmtpTransport, PoolConfig};
use lettre::{AsyncFileTransport, AsyncTransport, Message, Tokio1Executor};
use std::path::PathBuf;
use std::time::Duration;

/// Where messages go.
#[derive(Clone)]
pub enum Transport {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    Files(AsyncFileTransport<Tokio1Executor>),
}

impl std::fmt::Debug for Transport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print the SMTP URL: it may hold a password.
        match self {
            Transport::Smtp(_) => f.write_str("Transport::Smtp"),
            Transport::Files(_) => f.write_str("Transport::Files"),
        }
    }
}

/// A message could not be handed over; the outbox retries it.
#[derive(Debug, thiserror::Error)]
pub enum SendError {
    #[error("SMTP: {0}")]
    Smtp(#[from] lettre::transport::smtp::Error),
    #[error("writing the .eml file: {0}")]
    File(#[from] lettre::transport::file::Error),
}

/// The SMTP URL is not usable.
#[derive(Debug, thiserror::Error)]
#[error("invalid SMTP URL: {0}")]
pub struct BadSmtpUrl(String);

impl Transport {
    /// SMTP at `url` (see the module's comment), with at most `connections` open at once.
    pub fn smtp(url: &str, connections: usize) -> Result<Self, BadSmtpUrl> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|e| BadSmtpUrl(e.to_string()))?
            .timeout(Some(Duration::from_secs(30)))
            // As many connections as the worker sends messages at once (WorkerSettings).
            .pool_config(
                PoolConfig::new().max_size(u32::try_from(connections.max(1)).unwrap_or(u32::MAX)),
            )
            .build();
        Ok(Transport::Smtp(transport))
    }

    /// `.eml` files in `dir`, created if missing.
    pub fn files(dir: PathBuf) -> std::io::Result<Self> {
        std::fs::create_dir_all(&dir)?;
        Ok(Transport::Files(AsyncFileTransport::new(dir)))
    }

    pub async fn send(&self, message: Message) -> Result<(), SendError> {
        match self {
            Transport::Smtp(smtp) => {
                smtp.send(message).await?;
            }
            Transport::Files(files) => {
                files.send(message).await?;
            }
        }
        Ok(())
    }
}

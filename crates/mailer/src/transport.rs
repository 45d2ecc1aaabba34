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
    /// `.eml` files in `dir`.
    Files {
        files: AsyncFileTransport<Tokio1Executor>,
        dir: PathBuf,
    },
}

impl std::fmt::Debug for Transport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print the SMTP URL: it may hold a password.
        match self {
            Transport::Smtp(_) => f.write_str("Transport::Smtp"),
            Transport::Files { .. } => f.write_str("Transport::Files"),
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
    #[error("making the .eml file private: {0}")]
    Permissions(#[from] std::io::Error),
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

    /// `.eml` files in `dir`, created if missing. The directory and the files are readable by
    /// their owner only: each message holds a participant's address and their ticket.
    pub fn files(dir: PathBuf) -> std::io::Result<Self> {
        let mut builder = std::fs::DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
        builder.create(&dir)?;
        // A directory left by an earlier version keeps others out too: lettre writes each file
        // with the umask's permissions, which `send` narrows right after.
        set_mode(&dir, 0o700)?;
        Ok(Transport::Files {
            files: AsyncFileTransport::new(&dir),
            dir,
        })
    }

    pub async fn send(&self, message: Message) -> Result<(), SendError> {
        match self {
            Transport::Smtp(smtp) => {
                smtp.send(message).await?;
            }
            Transport::Files { files, dir } => {
                let id = files.send(message).await?;
                #[cfg(unix)]
                {
                    use std::os::unix::fs::PermissionsExt;
                    let file = dir.join(format!("{id}.eml"));
                    let private = std::fs::Permissions::from_mode(0o600);
                    tokio::fs::set_permissions(file, private).await?;
                }
                #[cfg(not(unix))]
                let _ = (id, dir);
            }
        }
        Ok(())
    }
}

/// Sets a path's permission bits (Unix only: elsewhere files keep what the system gives them).
fn set_mode(path: &std::path::Path, mode: u32) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))?;
    }
    #[cfg(not(unix))]
    let _ = (path, mode);
    Ok(())
}

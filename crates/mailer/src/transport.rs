//! Delivering messages: over SMTP (`smtp://`, `smtp://…?tls=required` for STARTTLS, `smtps://`
//! for TLS, credentials in the URL), or — with no SMTP server configured — as `.eml` files in a
//! directory, which is what a fresh checkout does.
//!
//! Every SMTP exchange is bounded in time here: lettre's own timeout covers the TCP connection
//! only, and a server that accepts a connection and then says nothing would hold a message (and
//! the worker's stop) for ever.

use lettre::transport::smtp::response::Category;
use lettre::transport::smtp::{AsyncSmtpTransport, AsyncSmtpTransportBuilder, PoolConfig};
use lettre::{AsyncFileTransport, AsyncTransport, Message, Tokio1Executor};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Where messages go.
#[derive(Clone)]
pub enum Transport {
    Smtp(Arc<Smtp>),
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
    #[error("SMTP: no answer within {0:?}")]
    Timeout(Duration),
    #[error("writing the .eml file: {0}")]
    File(#[from] lettre::transport::file::Error),
    #[error("making the .eml file private: {0}")]
    Permissions(#[from] std::io::Error),
}

impl SendError {
    /// Whether sending this message again cannot succeed: the server refused it or its
    /// recipient for good, with a `55x` answer (mailbox unavailable, not allowed, too big,
    /// transaction refused). The outbox then marks it failed at once instead of retrying it for
    /// hours, and organisers see why.
    ///
    /// Other `5xx` answers are kept for retries on purpose: `50x` (a command the server does not
    /// take) and `53x` (authentication required or refused) are about the server or guichet's
    /// settings, not the message; lettre does not say at which command they came, and failing
    /// every queued message for a wrong SMTP password would turn a fixable outage into a pile
    /// of failed messages to retry by hand. `4xx`, timeouts, refused connections and file
    /// errors may pass and are retried too.
    pub fn is_permanent(&self) -> bool {
        match self {
            SendError::Smtp(error) => {
                error.is_permanent()
                    && error
                        .status()
                        .is_some_and(|code| code.category == Category::MailSystem)
            }
            SendError::Timeout(_) | SendError::File(_) | SendError::Permissions(_) => false,
        }
    }
}

/// The SMTP URL is not usable.
#[derive(Debug, thiserror::Error)]
#[error("invalid SMTP URL: {0}")]
pub struct BadSmtpUrl(String);

/// An SMTP server's connections, kept open from one message to the next.
pub struct Smtp {
    /// What makes the pool again (it holds the URL, and so perhaps a password: never printed).
    builder: AsyncSmtpTransportBuilder,
    /// The longest one message's exchange may take, connecting included.
    timeout: Duration,
    current: Mutex<AsyncSmtpTransport<Tokio1Executor>>,
}

impl std::fmt::Debug for Smtp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Not the builder: it holds the URL, which may hold a password.
        f.debug_struct("Smtp")
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

impl Smtp {
    async fn send(&self, message: Message) -> Result<(), SendError> {
        let transport = self.pool().clone();
        let mut cut = Cut {
            smtp: self,
            ended: false,
        };
        let sent = tokio::time::timeout(self.timeout, transport.send(message)).await;
        match sent {
            Ok(sent) => {
                cut.ended = true;
                sent?;
                Ok(())
            }
            // `cut` renews the pool as it goes.
            Err(_) => Err(SendError::Timeout(self.timeout)),
        }
    }

    fn pool(&self) -> std::sync::MutexGuard<'_, AsyncSmtpTransport<Tokio1Executor>> {
        self.current
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Starts a new pool of connections; the old one closes its own once the messages still
    /// using it are done.
    fn renew(&self) {
        *self.pool() = self.builder.clone().build();
    }
}

/// An SMTP exchange that has not come to its end. Dropped so — at its timeout, or cut off by a
/// stopping worker — it leaves its connection mid-exchange, which lettre would put back in its
/// pool as it is (lettre marks a connection broken only on an error it saw itself): the next
/// message would then read this one's late answers as its own. So its pool is replaced.
struct Cut<'a> {
    smtp: &'a Smtp,
    ended: bool,
}

impl Drop for Cut<'_> {
    fn drop(&mut self) {
        if !self.ended {
            tracing::debug!("SMTP exchange cut off; starting new connections");
            self.smtp.renew();
        }
    }
}

impl Transport {
    /// SMTP at `url` (see the module's comment), with at most `connections` kept open between
    /// messages. A message whose exchange with the server takes longer than `timeout`
    /// (connecting included: a server gone silent, say) fails, and is retried.
    pub fn smtp(url: &str, connections: usize, timeout: Duration) -> Result<Self, BadSmtpUrl> {
        let builder = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|e| BadSmtpUrl(e.to_string()))?
            .timeout(Some(timeout))
            // As many connections as the worker sends messages at once (WorkerSettings).
            .pool_config(
                PoolConfig::new().max_size(u32::try_from(connections.max(1)).unwrap_or(u32::MAX)),
            );
        Ok(Transport::Smtp(Arc::new(Smtp {
            current: Mutex::new(builder.clone().build()),
            builder,
            timeout,
        })))
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
            Transport::Smtp(smtp) => smtp.send(message).await?,
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

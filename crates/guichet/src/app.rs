//! The running service in one piece: the HTTP server and the outbox worker over one database,
//! clock, ticket key and email composer. `guichet serve` and the end-to-end tests both build it
//! here, so the tests run the wiring that production runs; they only choose other parts (a clock
//! they move, a scratch database, a worker they drive themselves).

use crate::outbox::DbOutbox;
use anyhow::Context;
use domain::{Clock, TicketKey};
use mailer::{Composer, Sender, Transport, Worker, WorkerSettings};
use persistence::Database;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// What the service is made of, chosen before it starts.
#[derive(Debug)]
pub struct AppSettings {
    pub db: Database,
    pub ticket_key: TicketKey,
    pub clock: Arc<dyn Clock>,
    /// Where to listen; port 0 picks a free port (see [`App::local_addr`]).
    pub bind: SocketAddr,
    /// The public address in the links of emails. `None`: the address actually bound, which is
    /// right for one instance reached directly (and for tests on port 0), not behind a proxy.
    pub base_url: Option<String>,
    /// The From and Reply-To of every email.
    pub sender: Sender,
    /// The outbox worker that runs beside the server; `None` runs none (a test then sends the
    /// outbox's messages itself, with [`outbox_worker`]).
    pub worker: Option<WorkerConfig>,
    /// Serve HTTPS with this configuration (see [`web::tls::server_config`]).
    pub tls: Option<Arc<web::tls::ServerConfig>>,
    /// Who may name the client, and how much one client may ask.
    pub limits: web::Limits,
    /// What clients may hold: connections, header and TLS handshake deadlines, camera frames
    /// decoded at once.
    pub server_limits: web::ServerLimits,
    /// Where to serve `/metrics` (a listener of its own, never the public one); `None`: nowhere.
    pub metrics_bind: Option<SocketAddr>,
}

/// Where the outbox worker sends, and how it paces itself.
#[derive(Debug)]
pub struct WorkerConfig {
    pub transport: Transport,
    pub settings: WorkerSettings,
}

/// The service, bound to its address and ready to run.
#[derive(Debug)]
pub struct App {
    addr: SocketAddr,
    base_url: String,
    composer: Arc<Composer>,
    application: web::Application,
    worker: Option<Worker<DbOutbox>>,
    tls: Option<Arc<web::tls::ServerConfig>>,
    metrics: Option<tokio::net::TcpListener>,
}

/// The base URL of a service reached at `addr`. An unspecified address (0.0.0.0, ::) listens on
/// every interface and is no address to browse to: links then name `localhost`.
pub fn base_url_for(addr: SocketAddr, tls: bool) -> String {
    let scheme = if tls { "https" } else { "http" };
    if addr.ip().is_unspecified() {
        format!("{scheme}://localhost:{}", addr.port())
    } else {
        format!("{scheme}://{addr}")
    }
}

impl App {
    /// Binds the address first, so that the links in emails can name the real port.
    pub async fn build(settings: AppSettings) -> anyhow::Result<Self> {
        let listener = tokio::net::TcpListener::bind(settings.bind)
            .await
            .with_context(|| format!("cannot listen on {}", settings.bind))?;
        let addr = listener
            .local_addr()
            .context("cannot read the address listened on")?;
        let metrics = match settings.metrics_bind {
            Some(bind) => Some(
                tokio::net::TcpListener::bind(bind)
                    .await
                    .with_context(|| format!("cannot listen on {bind} (metrics_bind)"))?,
            ),
            None => None,
        };
        let base_url = settings
            .base_url
            .unwrap_or_else(|| base_url_for(addr, settings.tls.is_some()));
        // One composer for the pages and the worker: the links it writes are the ones served.
        let composer = Arc::new(Composer::new(settings.sender, &base_url));
        let worker = settings.worker.map(|worker| {
            outbox_worker(
                settings.db.clone(),
                settings.ticket_key.clone(),
                composer.clone(),
                worker.transport,
                settings.clock.clone(),
                worker.settings,
            )
        });
        let state = web::AppState::new(
            settings.db,
            settings.clock,
            settings.ticket_key,
            composer.clone(),
            settings.limits,
            &settings.server_limits,
        );
        Ok(Self {
            addr,
            base_url,
            composer,
            application: web::Application::on(listener, state, settings.server_limits),
            worker,
            tls: settings.tls,
            metrics,
        })
    }

    /// The address `/metrics` is served on, if any.
    pub fn metrics_addr(&self) -> Option<SocketAddr> {
        self.metrics.as_ref().and_then(|l| l.local_addr().ok())
    }

    /// The address actually bound.
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// The address the links of emails point at.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The composer the pages and the worker share.
    pub fn composer(&self) -> Arc<Composer> {
        self.composer.clone()
    }

    /// Serves until `shutdown` completes and the requests in flight are answered, with the worker
    /// beside it. Both hear of the shutdown at once: the worker starts no new message, finishes
    /// or releases the ones in hand (what is still queued is sent by another instance, or at the
    /// next start), while the server finishes its requests.
    pub async fn run(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> anyhow::Result<()> {
        let (stop, _) = watch::channel(false);
        let worker = self.worker.map(|worker| {
            let mut stopped = stop.subscribe();
            // Also ends when `stop` is dropped: a server that fails stops the worker too.
            tokio::spawn(worker.run(async move {
                let _ = stopped.wait_for(|stop| *stop).await;
            }))
        });
        let metrics = self.metrics.map(|listener| {
            let mut stopped = stop.subscribe();
            let router = self.application.metrics_router();
            tokio::spawn(async move {
                let served = axum::serve(listener, router)
                    .with_graceful_shutdown(async move {
                        let _ = stopped.wait_for(|stop| *stop).await;
                    })
                    .await;
                if let Err(error) = served {
                    tracing::error!(%error, "the metrics listener failed");
                }
            })
        });
        let shutdown = async move {
            shutdown.await;
            let _ = stop.send(true);
        };
        let served = match self.tls {
            Some(tls) => self.application.run_tls(tls, shutdown).await,
            None => self.application.run(shutdown).await,
        };
        for task in [worker, metrics].into_iter().flatten() {
            let _ = task.await;
        }
        served.context("the server stopped")
    }

    /// Runs the server and the worker on tasks of their own (see [`Running`]).
    pub fn spawn(mut self) -> Running {
        let worker = self.worker.take().map(spawn_worker);
        let (server_stop, mut stopped) = watch::channel(false);
        let server = tokio::spawn(self.run(async move {
            let _ = stopped.wait_for(|stop| *stop).await;
        }));
        Running {
            server_stop,
            server: Some(server),
            worker,
        }
    }
}

/// Starts `worker` on a task; it stops between two passes once told to.
fn spawn_worker(worker: Worker<DbOutbox>) -> (watch::Sender<bool>, JoinHandle<()>) {
    let (stop, mut stopped) = watch::channel(false);
    let task = tokio::spawn(worker.run(async move {
        let _ = stopped.wait_for(|stop| *stop).await;
    }));
    (stop, task)
}

/// A service started by [`App::spawn`]. Dropping it tells the server and the worker to stop.
#[derive(Debug)]
pub struct Running {
    server_stop: watch::Sender<bool>,
    server: Option<JoinHandle<anyhow::Result<()>>>,
    worker: Option<(watch::Sender<bool>, JoinHandle<()>)>,
}

impl Running {
    /// Stops the worker and waits until it has finished the message in hand: after this, no
    /// delivery is under way. The server goes on serving.
    pub async fn stop_worker(&mut self) {
        if let Some((stop, task)) = self.worker.take() {
            let _ = stop.send(true);
            let _ = task.await;
        }
    }

    /// Whether a worker runs in the background.
    pub fn has_worker(&self) -> bool {
        self.worker.is_some()
    }

    /// Stops the worker, then the server once the requests in flight are answered.
    pub async fn stop(mut self) -> anyhow::Result<()> {
        self.stop_worker().await;
        let _ = self.server_stop.send(true);
        match self.server.take() {
            Some(server) => server.await.context("the server's task failed")?,
            None => Ok(()),
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Some((stop, _)) = &self.worker {
            let _ = stop.send(true);
        }
        let _ = self.server_stop.send(true);
    }
}

/// The outbox worker over the database: the one [`App`] runs, or one a test drives.
pub fn outbox_worker(
    db: Database,
    key: TicketKey,
    composer: Arc<Composer>,
    transport: Transport,
    clock: Arc<dyn Clock>,
    settings: WorkerSettings,
) -> Worker<DbOutbox> {
    let store = DbOutbox::new(db, key, composer.base_url());
    Worker::new(store, composer, transport, clock, settings)
}

#[cfg(test)]
mod tests {
    use super::base_url_for;

    #[test]
    fn links_name_the_bound_address_and_localhost_for_every_interface() {
        let at = |s: &str| s.parse().expect("an address");
        assert_eq!(
            base_url_for(at("127.0.0.1:41234"), false),
            "http://127.0.0.1:41234"
        );
        assert_eq!(
            base_url_for(at("0.0.0.0:8080"), true),
            "https://localhost:8080"
        );
        assert_eq!(base_url_for(at("[::1]:8443"), true), "https://[::1]:8443");
        assert_eq!(base_url_for(at("[::]:80"), false), "http://localhost:80");
    }
}

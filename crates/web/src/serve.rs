//! Accepting connections, over plain TCP or TLS, with the limits that keep slow and idle clients
//! from holding the server: a cap on open connections, a deadline for a TLS handshake, and one for
//! each request's head (request line and headers), which also closes a kept-alive connection that
//! sends no next request. hyper enforces the last only with a timer given to it (without one it
//! silently skips it), and `axum::serve` gives it none: hence this loop, shared by HTTP and HTTPS.
//!
//! Connections speak HTTP/1.1 only, TLS ones too (ALPN offers `http/1.1`): hyper has no deadline
//! for the headers of an HTTP/2 stream, and guichet's pages and API need no multiplexing.

use axum::Router;
use axum::extract::ConnectInfo;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::{GracefulShutdown, Watcher};
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Semaphore;
use tokio_rustls::TlsAcceptor;
use tower::ServiceExt;

/// What the server lets clients take. `Default` is production's; tests shorten the timeouts.
#[derive(Debug, Clone)]
pub struct ServerLimits {
    /// Connections open at once (setting `max_connections`); a connection beyond is closed as
    /// soon as it is accepted.
    pub max_connections: usize,
    /// The time a client has to send a request's head once the server waits for one: a client
    /// that trickles its headers is dropped, and so is a kept-alive connection idle this long.
    pub header_read_timeout: Duration,
    /// The time a client has to complete its TLS handshake (HTTPS only).
    pub tls_handshake_timeout: Duration,
    /// Camera frames decoded at once (see `frames.rs`).
    pub frame_decoders: usize,
    /// How long a request may take before it is answered `503` with `Retry-After` (a database
    /// that hangs rather than fails, say). The handler still runs to its end.
    pub request_timeout: Duration,
}

/// Open connections at most, by default: far more than the desks and participants of an event
/// keep open, far fewer than would exhaust memory (each costs a few kilobytes when idle).
pub const DEFAULT_MAX_CONNECTIONS: usize = 4096;

impl Default for ServerLimits {
    fn default() -> Self {
        Self {
            max_connections: DEFAULT_MAX_CONNECTIONS,
            // Ten seconds: a phone on a poor network sends its headers well within that, and a
            // client holding a connection open without a request is dropped quickly.
            header_read_timeout: Duration::from_secs(10),
            tls_handshake_timeout: Duration::from_secs(10),
            // Decoding is CPU-bound: two at once keep a small server's cores for the rest.
            frame_decoders: 2,
            request_timeout: Duration::from_secs(30),
        }
    }
}

/// How long the connections still open at shutdown have to finish. A request takes milliseconds,
/// and the dashboards' live streams end by themselves within a second of shutdown
/// ([`crate::AppState::is_stopping`]); a connection held longer (a client that does not read, a
/// request stuck on a database that hangs) is then closed, so that the process exits within the
/// ten seconds a supervisor usually gives (`docker stop`, Kubernetes' default is 30).
const SHUTDOWN_GRACE: Duration = Duration::from_secs(7);

/// How long, at shutdown, the connections accepted last have to send their first request before
/// the idle ones are closed: a client sends its request with the connection (milliseconds).
const FIRST_REQUEST_GRACE: Duration = Duration::from_millis(500);

/// How long to wait after the listener fails to accept (out of file descriptors, say) before
/// trying again, rather than spinning.
const ACCEPT_BACKOFF: Duration = Duration::from_millis(250);

/// How often the log says that connections are being refused at the cap.
const CAP_LOG_INTERVAL: Duration = Duration::from_secs(10);

/// Serves `router` on `listener`, over TLS when `tls` is given, until `shutdown` completes; then
/// stops accepting and lets the open connections finish (for at most [`SHUTDOWN_GRACE`]).
pub(crate) async fn serve(
    listener: TcpListener,
    router: Router,
    tls: Option<TlsAcceptor>,
    limits: ServerLimits,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let slots = Arc::new(Semaphore::new(
        limits.max_connections.clamp(1, Semaphore::MAX_PERMITS),
    ));
    let mut http = http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(limits.header_read_timeout)
        .keep_alive(true);
    let connection = Arc::new(Connection {
        router,
        http,
        tls,
        tls_handshake_timeout: limits.tls_handshake_timeout,
    });
    let graceful = GracefulShutdown::new();
    let mut refused = Refused::default();
    // A slot is taken before anything else, the TLS handshake included; without one the
    // connection is closed at once (dropped), which tells the client more than a silent queue
    // would.
    let mut admit = |stream: TcpStream, peer: SocketAddr| {
        let Ok(slot) = slots.clone().try_acquire_owned() else {
            refused.note(limits.max_connections);
            return;
        };
        let connection = connection.clone();
        let watcher = graceful.watcher();
        tokio::spawn(async move {
            connection.run(stream, peer, watcher).await;
            drop(slot);
        });
    };
    tokio::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(pair) => pair,
                // The client gave up before it was accepted: nothing to wait for.
                Err(error) if is_connection_error(&error) => continue,
                Err(error) => {
                    tracing::warn!(%error, "accepting a connection failed");
                    tokio::time::sleep(ACCEPT_BACKOFF).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        admit(stream, peer);
    }
    // Clients that connected before the signal are waiting in the listener's queue: they are
    // taken in, not reset, and their requests answered.
    while let Some(Ok((stream, peer))) = futures_util::FutureExt::now_or_never(listener.accept()) {
        admit(stream, peer);
    }
    // No more connections: those arriving now are refused by the system, not left waiting.
    drop(listener);
    // A connection taken in just now has not been read yet, and hyper closes a connection with
    // no request under way at once when told to stop: the first request of each is read first.
    tokio::time::sleep(FIRST_REQUEST_GRACE).await;
    if tokio::time::timeout(SHUTDOWN_GRACE, graceful.shutdown())
        .await
        .is_err()
    {
        tracing::warn!(
            "connections still open {}s after shutdown began: closing them",
            SHUTDOWN_GRACE.as_secs()
        );
    }
    Ok(())
}

fn is_connection_error(error: &std::io::Error) -> bool {
    use std::io::ErrorKind;
    matches!(
        error.kind(),
        ErrorKind::ConnectionRefused | ErrorKind::ConnectionAborted | ErrorKind::ConnectionReset
    )
}

/// What each connection is served with.
struct Connection {
    router: Router,
    http: http1::Builder,
    tls: Option<TlsAcceptor>,
    tls_handshake_timeout: Duration,
}

impl Connection {
    async fn run(&self, stream: TcpStream, peer: SocketAddr, watcher: Watcher) {
        let Some(acceptor) = &self.tls else {
            return self.serve_http(stream, peer, watcher).await;
        };
        match tokio::time::timeout(self.tls_handshake_timeout, acceptor.accept(stream)).await {
            Ok(Ok(stream)) => self.serve_http(stream, peer, watcher).await,
            Ok(Err(error)) => tracing::debug!(%error, %peer, "TLS handshake failed"),
            Err(_) => tracing::debug!(%peer, "TLS handshake timed out: connection closed"),
        }
    }

    async fn serve_http<S>(&self, stream: S, peer: SocketAddr, watcher: Watcher)
    where
        S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
    {
        let router = self.router.clone();
        // The peer's address, for the handlers that need it (`ConnectInfo<SocketAddr>`).
        let service = hyper::service::service_fn(
            move |mut request: hyper::Request<hyper::body::Incoming>| {
                request.extensions_mut().insert(ConnectInfo(peer));
                router.clone().oneshot(request.map(axum::body::Body::new))
            },
        );
        let connection = self.http.serve_connection(TokioIo::new(stream), service);
        if let Err(error) = watcher.watch(connection).await {
            // A header-read timeout ends here too.
            tracing::debug!(%error, %peer, "connection ended with an error");
        }
    }
}

/// Counts the connections closed at the cap, to log them at most every [`CAP_LOG_INTERVAL`]
/// rather than once each (a flood would flood the log too).
#[derive(Default)]
struct Refused {
    since_logged: u64,
    logged_at: Option<Instant>,
}

impl Refused {
    fn note(&mut self, cap: usize) {
        self.since_logged += 1;
        if self
            .logged_at
            .is_none_or(|at| at.elapsed() >= CAP_LOG_INTERVAL)
        {
            tracing::warn!(
                refused = self.since_logged,
                max_connections = cap,
                "open connections at their cap (max_connections): new connections are closed"
            );
            self.since_logged = 0;
            self.logged_at = Some(Instant::now());
        }
    }
}

//! A TCP relay between a browser and a test guichet that a test can cut, as a venue's Wi-Fi
//! does: while it is down, every connection it holds is closed and every new one is closed as
//! soon as it is accepted, so the browser's requests fail with a network error (nothing answers
//! at all, not even an HTTP error); once restored, it relays again.
//!
//! Chromium's DevTools network emulation takes a page offline, but a service worker's own
//! fetches may still reach the network: a page "reloaded offline" could then really come from
//! guichet. With the browser going through this relay (it opens the relay's address), cutting
//! the relay proves that what the browser shows came from its cache.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// A running relay to one address, stopped on drop.
#[derive(Debug)]
pub struct NetProxy {
    /// The port it listens on (127.0.0.1).
    pub port: u16,
    up: watch::Sender<bool>,
    refused: Arc<AtomicU64>,
    task: JoinHandle<()>,
}

impl Drop for NetProxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl NetProxy {
    /// A relay on a free port of 127.0.0.1 to `target`, up.
    pub async fn start(target: SocketAddr) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind the relay");
        let port = listener.local_addr().expect("its address").port();
        let (up, _) = watch::channel(true);
        let refused = Arc::new(AtomicU64::new(0));
        let task = tokio::spawn(relay(listener, target, up.clone(), refused.clone()));
        Self {
            port,
            up,
            refused,
            task,
        }
    }

    /// `path` on the relay: the address the browser opens.
    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    /// The network goes: open connections are closed, new ones closed at once.
    pub fn cut(&self) {
        self.up.send_replace(false);
    }

    /// The network comes back.
    pub fn restore(&self) {
        self.up.send_replace(true);
    }

    /// How many connections were closed unanswered because the relay was cut: proof that the
    /// browser did try the network.
    pub fn refused(&self) -> u64 {
        self.refused.load(Ordering::SeqCst)
    }
}

async fn relay(
    listener: TcpListener,
    target: SocketAddr,
    up: watch::Sender<bool>,
    refused: Arc<AtomicU64>,
) {
    loop {
        let Ok((mut inbound, _)) = listener.accept().await else {
            continue;
        };
        let mut state = up.subscribe();
        if !*state.borrow_and_update() {
            refused.fetch_add(1, Ordering::SeqCst);
            drop(inbound);
            continue;
        }
        tokio::spawn(async move {
            let Ok(mut outbound) = TcpStream::connect(target).await else {
                return;
            };
            tokio::select! {
                _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound) => {}
                // Cut: both ends are dropped, so closed, with whatever was in flight.
                _ = state.wait_for(|up| !*up) => {}
            }
        });
    }
}

//! A real SMTP server for the outbox benchmark (bench/run.sh): it speaks SMTP through
//! mailin-embedded, the server the end-to-end tests use, accepts every message, and keeps only a
//! count, which it writes to a file several times a second so that the benchmark can tell when the
//! outbox is drained and that each message arrived once.
//!
//!   smtp-sink PORT COUNT_FILE

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

#[derive(Clone)]
struct Counter {
    messages: Arc<AtomicU64>,
}

impl mailin_embedded::Handler for Counter {
    fn data(&mut self, _buf: &[u8]) -> std::io::Result<()> {
        Ok(())
    }

    fn data_end(&mut self) -> mailin_embedded::Response {
        self.messages.fetch_add(1, Ordering::Relaxed);
        mailin_embedded::response::OK
    }
}

fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let (Some(port), Some(count_file)) = (args.next(), args.next()) else {
        eprintln!("usage: smtp-sink PORT COUNT_FILE");
        std::process::exit(2);
    };
    let port: u16 = port.parse().map_err(std::io::Error::other)?;
    let messages = Arc::new(AtomicU64::new(0));
    let listener = std::net::TcpListener::bind(("127.0.0.1", port))?;
    let mut server = mailin_embedded::Server::new(Counter {
        messages: messages.clone(),
    });
    server
        .with_name("smtp-sink.bench")
        .with_num_threads(128)
        .with_tcp_listener(listener);
    std::thread::spawn(move || {
        if let Err(e) = server.serve() {
            eprintln!("smtp-sink: {e}");
            std::process::exit(1);
        }
    });
    let temporary = format!("{count_file}.tmp");
    loop {
        std::fs::write(&temporary, messages.load(Ordering::Relaxed).to_string())?;
        std::fs::rename(&temporary, &count_file)?;
        std::thread::sleep(Duration::from_millis(50));
    }
}

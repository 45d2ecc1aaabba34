//! An SMTP server that misbehaves on purpose, for the outbox's faults: it refuses some messages
//! (`451` for now, `55x` for good), goes silent on others, or is slow. It is a real server over
//! TCP (mailin_embedded, as [`crate::MailServer`]) and it records every attempt it saw — refused
//! and stalled ones too — with the message's `Message-ID`, so that a test can tell a message
//! sent twice from two messages.
//!
//! Also: a worker of a [`TestApp`] that sends through such a server with a transport of the
//! test's own (a short timeout), and a drain that runs it until the outbox is settled.

use crate::TestApp;
use mailin_embedded::{Action, Handler, Response, response};
use std::collections::{BTreeMap, BTreeSet};
use std::net::IpAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// How the server answers at one moment of an exchange.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    /// Goes on (at the end of the data: the message is taken).
    Accept,
    /// Takes the message, and says so after this long (a slow server). If the client gave up
    /// meanwhile, the server has the message all the same, as a real one would.
    AcceptAfter(Duration),
    /// Refuses with this code: `451` means try again later, `55x` never.
    Refuse(u16),
    /// Says nothing for this long, then `451`: by then the client has given up. The message,
    /// if this was the end of its data, is not taken.
    Stall(Duration),
}

impl Answer {
    fn taken(self) -> bool {
        matches!(self, Answer::Accept | Answer::AcceptAfter(_))
    }
}

/// Where the server is in an exchange when it decides how to answer.
#[derive(Debug, Clone, Copy)]
pub enum Moment<'a> {
    /// The `n`th `EHLO`/`HELO` (from 1): a new connection.
    Hello { n: usize },
    /// `RCPT TO:` this address.
    Rcpt(&'a str),
    /// The end of the data of the `n`th message (from 1) whose data arrived, to these recipients.
    DataEnd { n: usize, to: &'a [String] },
}

/// How the server answers, moment by moment (called on the server's threads).
pub type Rule = dyn Fn(Moment<'_>) -> Answer + Send + Sync;

/// One message the server saw: at the end of its data, or refused at `RCPT`.
#[derive(Debug, Clone)]
pub struct Attempt {
    pub to: Vec<String>,
    /// As mail clients read it (without the angle brackets); `None` before the data.
    pub message_id: Option<String>,
    pub answer: Answer,
}

impl Attempt {
    /// Whether the server took the message.
    pub fn taken(&self) -> bool {
        self.answer.taken()
    }
}

#[derive(Clone)]
struct Faulty {
    rule: Arc<Rule>,
    seen: Arc<Mutex<Vec<Attempt>>>,
    hellos: Arc<AtomicUsize>,
    data_ends: Arc<AtomicUsize>,
    to: Vec<String>,
    data: Vec<u8>,
}

/// What the server says for `answer`, after waiting as it asks.
fn respond(answer: Answer) -> Response {
    match answer {
        Answer::Accept => response::OK,
        Answer::AcceptAfter(delay) => {
            std::thread::sleep(delay);
            response::OK
        }
        Answer::Refuse(code) => Response::custom(code, "refused by the test server".to_owned()),
        Answer::Stall(silence) => {
            std::thread::sleep(silence);
            closing(Response::custom(451, "too late".to_owned()))
        }
    }
}

/// `response`, after which the server closes the connection. mailin stays in its data state
/// after refusing a message's data, taking the client's next commands (`QUIT`) as more data and
/// answering none; a real server is ready for the next command. Closing is what a real server
/// may also do, and it keeps the client from waiting on an answer that never comes.
fn closing(mut response: Response) -> Response {
    response.action = Action::Close;
    response
}

impl Handler for Faulty {
    fn helo(&mut self, _ip: IpAddr, _domain: &str) -> Response {
        let n = self.hellos.fetch_add(1, Ordering::SeqCst) + 1;
        respond((self.rule)(Moment::Hello { n }))
    }

    fn rcpt(&mut self, to: &str) -> Response {
        let answer = (self.rule)(Moment::Rcpt(to));
        if !answer.taken() {
            self.seen.lock().expect("not poisoned").push(Attempt {
                to: vec![to.to_owned()],
                message_id: None,
                answer,
            });
        }
        respond(answer)
    }

    fn data_start(&mut self, _domain: &str, _from: &str, _is8bit: bool, to: &[String]) -> Response {
        self.to = to.to_vec();
        self.data.clear();
        response::OK
    }

    fn data(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.data.extend_from_slice(buf);
        Ok(())
    }

    fn data_end(&mut self) -> Response {
        let n = self.data_ends.fetch_add(1, Ordering::SeqCst) + 1;
        let to = std::mem::take(&mut self.to);
        let data = std::mem::take(&mut self.data);
        let answer = (self.rule)(Moment::DataEnd { n, to: &to });
        let message_id = mail_parser::MessageParser::default()
            .parse(&data)
            .and_then(|message| message.message_id().map(str::to_owned));
        // Recorded before the answer: a message taken slowly is the server's even if the client
        // stops listening.
        self.seen.lock().expect("not poisoned").push(Attempt {
            to,
            message_id,
            answer,
        });
        match respond(answer) {
            refused if refused.is_error => closing(refused),
            taken => taken,
        }
    }
}

/// A real SMTP server on a local port that answers as its rule says.
#[derive(Clone)]
pub struct FaultySmtp {
    pub port: u16,
    seen: Arc<Mutex<Vec<Attempt>>>,
}

impl std::fmt::Debug for FaultySmtp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FaultySmtp")
            .field("port", &self.port)
            .finish_non_exhaustive()
    }
}

/// Connections the server handles at once. A silent or slow answer holds one of its threads, and
/// the transport opens new connections after each timeout, so there are more than the worker's
/// pool of four; each lives as long as the test process.
const THREADS: u32 = 24;

impl FaultySmtp {
    /// Starts a server on a port the system picks.
    pub fn start(rule: impl Fn(Moment<'_>) -> Answer + Send + Sync + 'static) -> Self {
        let listener = std::net::TcpListener::bind(("127.0.0.1", 0)).expect("bind an SMTP port");
        let port = listener.local_addr().expect("the SMTP port").port();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let handler = Faulty {
            rule: Arc::new(rule),
            seen: seen.clone(),
            hellos: Arc::new(AtomicUsize::new(0)),
            data_ends: Arc::new(AtomicUsize::new(0)),
            to: Vec::new(),
            data: Vec::new(),
        };
        let mut server = mailin_embedded::Server::new(handler);
        server
            .with_name("faulty.test")
            .with_num_threads(THREADS)
            .with_tcp_listener(listener);
        std::thread::spawn(move || {
            let _ = server.serve();
        });
        Self { port, seen }
    }

    /// A transport to this server, with as many connections as a test worker sends at once and
    /// this timeout on each message's exchange.
    pub fn transport(&self, timeout: Duration) -> mailer::Transport {
        mailer::Transport::smtp(
            &format!("smtp://127.0.0.1:{}", self.port),
            crate::test_worker_settings().concurrency,
            timeout,
        )
        .expect("SMTP URL")
    }

    /// Every attempt so far, in the order the server saw them.
    pub fn attempts(&self) -> Vec<Attempt> {
        self.seen.lock().expect("not poisoned").clone()
    }

    /// The messages the server took.
    pub fn taken(&self) -> Vec<Attempt> {
        self.attempts().into_iter().filter(Attempt::taken).collect()
    }

    /// For each recipient, the Message-IDs of every message to them the server saw, taken or
    /// not (an attempt refused before its data has none).
    pub fn message_ids_by_recipient(&self) -> BTreeMap<String, BTreeSet<String>> {
        let mut ids: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for attempt in self.attempts() {
            for to in &attempt.to {
                let entry = ids.entry(to.to_ascii_lowercase()).or_default();
                if let Some(id) = &attempt.message_id {
                    entry.insert(id.clone());
                }
            }
        }
        ids
    }
}

impl TestApp {
    /// An outbox worker like the app's, over its database and composer, sending through
    /// `transport` and paced by `settings`: for a test that drives it itself (`run_once`, or
    /// `run` on a task of its own, to be stopped).
    pub fn worker_with(
        &self,
        transport: mailer::Transport,
        settings: mailer::WorkerSettings,
    ) -> mailer::Worker<guichet::outbox::DbOutbox> {
        guichet::outbox_worker(
            self.db.clone(),
            self.key.clone(),
            self.composer.clone(),
            transport,
            self.clock.clone(),
            settings,
        )
    }

    /// Runs `worker` pass after pass, waiting out its retries' delays, until nothing is pending
    /// (or `within` has passed, which fails the test); returns what all the passes did.
    pub async fn drain_until_settled(
        &self,
        worker: &mailer::Worker<guichet::outbox::DbOutbox>,
        within: Duration,
    ) -> mailer::worker::Pass {
        let deadline = std::time::Instant::now() + within;
        let mut total = mailer::worker::Pass::default();
        loop {
            let pass = worker.run_once().await.expect("the outbox is reachable");
            total.sent += pass.sent;
            total.retried += pass.retried;
            total.failed += pass.failed;
            total.released += pass.released;
            let counts = self.db.outbox_counts().await.expect("outbox counts");
            if counts.pending == 0 {
                return total;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "the outbox did not settle within {within:?}: {counts:?} after {total:?}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

//! Slow and idle clients cannot hold the server: a client that trickles its request's headers is
//! dropped at the header deadline, a kept-alive connection with no next request is closed, a TLS
//! connection that never completes its handshake is closed, connections beyond the cap are
//! closed at once, and with a thousand idle connections open the server still answers at once.
//! Each test shortens the deadlines (`guichet::ServerLimits`) so as to wait a second, not ten.

use guichet::ServerLimits;
use guichet_tests::{TestApp, TestDatabase, test_key};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const DEADLINE: Duration = Duration::from_secs(1);

fn short_deadlines() -> ServerLimits {
    ServerLimits {
        header_read_timeout: DEADLINE,
        tls_handshake_timeout: DEADLINE,
        ..ServerLimits::default()
    }
}

/// Reads until the server closes the connection (end of stream, or reset), at most `within`;
/// returns what was read and when the connection was closed, counted from `since`.
async fn read_until_closed(
    stream: &mut (impl AsyncRead + Unpin),
    since: Instant,
    within: Duration,
) -> (Vec<u8>, Duration) {
    let mut received = Vec::new();
    let mut buffer = [0u8; 1024];
    loop {
        let read = tokio::time::timeout_at((since + within).into(), stream.read(&mut buffer))
            .await
            .unwrap_or_else(|_| panic!("the server kept the connection open for {within:?}"));
        match read {
            Ok(0) | Err(_) => return (received, since.elapsed()),
            Ok(n) => received.extend_from_slice(&buffer[..n]),
        }
    }
}

#[tokio::test]
async fn a_client_that_trickles_its_headers_is_dropped_at_the_header_deadline() {
    let app = TestApp::spawn_limited(short_deadlines()).await;
    let (mut reader, mut writer) = TcpStream::connect(app.addr)
        .await
        .expect("connect")
        .into_split();
    let started = Instant::now();
    // One byte every 200 ms: the request line alone would take four seconds, and the client
    // never stops sending until the server has closed the connection.
    let trickle = tokio::spawn(async move {
        for byte in b"GET /readyz HTTP/1.1\r\nHost: guichet.test\r\n\r\n" {
            if writer.write_all(&[*byte]).await.is_err() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    });
    let (received, closed_after) =
        read_until_closed(&mut reader, started, Duration::from_secs(5)).await;
    trickle.abort();
    assert!(closed_after >= DEADLINE, "closed after {closed_after:?}");
    let received = String::from_utf8_lossy(&received);
    assert!(!received.contains("ready"), "never answered: {received}");
}

#[tokio::test]
async fn a_kept_alive_connection_with_no_next_request_is_closed() {
    let app = TestApp::spawn_limited(short_deadlines()).await;
    let mut stream = TcpStream::connect(app.addr).await.expect("connect");
    stream
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: guichet.test\r\n\r\n")
        .await
        .expect("send");
    let mut answer = Vec::new();
    let mut buffer = [0u8; 1024];
    while !answer.ends_with(b"ok\n") {
        let n = stream.read(&mut buffer).await.expect("read");
        assert!(n > 0, "closed before answering");
        answer.extend_from_slice(&buffer[..n]);
    }
    assert!(answer.starts_with(b"HTTP/1.1 200 OK"));
    let answered = Instant::now();
    let (rest, idle) = read_until_closed(&mut stream, answered, Duration::from_secs(5)).await;
    assert!(rest.is_empty());
    assert!(idle >= DEADLINE, "closed after {idle:?} idle");
}

#[tokio::test]
async fn connections_beyond_the_cap_are_closed_at_once_until_one_closes() {
    let app = TestApp::spawn_limited(ServerLimits {
        max_connections: 3,
        header_read_timeout: Duration::from_secs(30),
        ..ServerLimits::default()
    })
    .await;
    let mut idle = Vec::new();
    for _ in 0..3 {
        idle.push(TcpStream::connect(app.addr).await.expect("connect"));
    }
    // Accepted after the three (in order): closed at once, where it would otherwise wait thirty
    // seconds for its request.
    let mut fourth = TcpStream::connect(app.addr).await.expect("connect");
    let started = Instant::now();
    let (received, _) = read_until_closed(&mut fourth, started, Duration::from_secs(5)).await;
    assert!(received.is_empty());
    // One of the three goes away: its slot serves the next client.
    drop(idle.pop());
    let mut served = false;
    for _ in 0..100 {
        let response = app.client.get(app.url("/healthz")).send().await;
        if response.is_ok_and(|r| r.status() == 200) {
            served = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(served, "a freed slot takes a new connection");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_a_thousand_idle_connections_open_readyz_answers_within_a_second() {
    // This process holds both ends of every connection.
    guichet::raise_open_file_limit().expect("raise the open-file limit");
    let app = TestApp::spawn().await;
    let mut idle = Vec::with_capacity(1000);
    for _ in 0..1000 {
        idle.push(TcpStream::connect(app.addr).await.expect("connect"));
    }
    // A new client, on a connection of its own, accepted after the thousand.
    let client = reqwest::Client::new();
    let started = Instant::now();
    let response = client
        .get(app.url("/readyz"))
        .timeout(Duration::from_secs(10))
        .send()
        .await
        .expect("an answer");
    let took = started.elapsed();
    assert_eq!(response.status(), 200);
    assert!(took < Duration::from_secs(1), "answered in {took:?}");
    // The thousand are still open: none was closed to make room.
    for stream in &idle {
        let mut byte = [0u8; 1];
        let state = stream.try_read(&mut byte);
        assert!(
            state
                .as_ref()
                .is_err_and(|e| e.kind() == std::io::ErrorKind::WouldBlock),
            "{state:?}"
        );
    }
}

/// A self-signed certificate for `localhost` and its key, made by openssl; `None` where openssl
/// is missing (CI installs it).
fn self_signed(dir: &Path) -> Option<(PathBuf, PathBuf)> {
    if Command::new("openssl").arg("version").output().is_err() {
        assert!(std::env::var_os("CI").is_none(), "CI must install openssl");
        eprintln!("SKIPPED: install openssl to run the TLS tests");
        return None;
    }
    let (cert, key) = (dir.join("cert.pem"), dir.join("key.pem"));
    let made = Command::new("openssl")
        .args(["req", "-x509", "-newkey", "ec", "-pkeyopt"])
        .args(["ec_paramgen_curve:prime256v1", "-nodes", "-days", "1"])
        .args(["-subj", "/CN=localhost", "-keyout"])
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .output()
        .expect("openssl");
    assert!(made.status.success(), "{made:?}");
    Some((cert, key))
}

/// guichet serving HTTPS with `limits` on a fresh database; it stops when dropped.
async fn https_app(
    database: &TestDatabase,
    cert: &Path,
    key: &Path,
    limits: ServerLimits,
) -> (guichet::Running, SocketAddr) {
    let tls = web::tls::server_config(cert, key).expect("a TLS configuration");
    let app = build(database, Some(tls), limits).await;
    let addr = app.local_addr();
    (app.spawn(), addr)
}

/// guichet as `serve` builds it on `database`, with no outbox worker, on port 0.
async fn build(
    database: &TestDatabase,
    tls: Option<Arc<web::tls::ServerConfig>>,
    server_limits: ServerLimits,
) -> guichet::App {
    guichet::App::build(guichet::AppSettings {
        db: database.connect().await,
        ticket_key: test_key(),
        clock: Arc::new(domain::SystemClock),
        bind: SocketAddr::from(([127, 0, 0, 1], 0)),
        base_url: None,
        sender: mailer::Sender {
            from: "guichet <guichet@guichet.test>".parse().expect("address"),
            reply_to: None,
        },
        worker: None,
        tls,
        limits: guichet::Limits::default(),
        server_limits,
        metrics_bind: None,
    })
    .await
    .expect("build guichet")
}

#[tokio::test]
async fn a_tls_connection_that_never_says_hello_is_closed_at_the_handshake_deadline() {
    let dir = tempfile::tempdir().expect("temp dir");
    let Some((cert, key)) = self_signed(dir.path()) else {
        return;
    };
    let database = TestDatabase::new().await;
    let (_running, addr) = https_app(&database, &cert, &key, short_deadlines()).await;
    // A TCP connection to the HTTPS port that never sends its ClientHello.
    let mut silent = TcpStream::connect(addr).await.expect("connect");
    let started = Instant::now();
    let (received, closed_after) =
        read_until_closed(&mut silent, started, Duration::from_secs(5)).await;
    assert!(received.is_empty());
    assert!(closed_after >= DEADLINE, "closed after {closed_after:?}");
}

#[tokio::test]
async fn over_tls_too_a_client_that_trickles_its_headers_is_dropped() {
    let dir = tempfile::tempdir().expect("temp dir");
    let Some((cert, key)) = self_signed(dir.path()) else {
        return;
    };
    let database = TestDatabase::new().await;
    let (_running, addr) = https_app(&database, &cert, &key, short_deadlines()).await;
    // openssl's client completes the handshake, sends what it reads on its input, and exits
    // when the server closes the connection.
    let mut client = tokio::process::Command::new("openssl")
        .args(["s_client", "-quiet", "-connect", &addr.to_string()])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("openssl s_client");
    let mut input = client.stdin.take().expect("piped");
    let started = Instant::now();
    let trickle = tokio::spawn(async move {
        for byte in b"GET /readyz HTTP/1.1\r\nHost: localhost\r\n\r\n" {
            if input.write_all(&[*byte]).await.is_err() {
                break;
            }
            let _ = input.flush().await;
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        // Keep the input open: an end of input is no reason for the server to close.
        std::future::pending::<()>().await;
    });
    let exited = tokio::time::timeout(Duration::from_secs(6), client.wait_with_output())
        .await
        .expect("the server closed the connection within its deadline")
        .expect("openssl's output");
    trickle.abort();
    let closed_after = started.elapsed();
    assert!(closed_after >= DEADLINE, "closed after {closed_after:?}");
    let received = String::from_utf8_lossy(&exited.stdout);
    assert!(!received.contains("ready"), "never answered: {received}");
}

#[tokio::test]
async fn idle_connections_do_not_hold_up_a_shutdown() {
    let database = TestDatabase::new().await;
    let app = build(&database, None, ServerLimits::default()).await;
    let addr = app.local_addr();
    let running = app.spawn();
    // One connection that never sent a request, one kept alive after its answer.
    let _silent = TcpStream::connect(addr).await.expect("connect");
    let client = reqwest::Client::new();
    let answer = client
        .get(format!("http://{addr}/healthz"))
        .send()
        .await
        .expect("answer");
    assert_eq!(answer.status(), 200);
    let started = Instant::now();
    tokio::time::timeout(Duration::from_secs(5), running.stop())
        .await
        .expect("stopped without waiting for idle clients")
        .expect("stopped cleanly");
    assert!(started.elapsed() < Duration::from_secs(5));
    // And it no longer listens.
    assert!(TcpStream::connect(addr).await.is_err());
}

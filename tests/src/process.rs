//! `guichet` as a process, for the tests that need one (several instances, kill -9, SIGTERM, a
//! database that goes away, backups): start `serve` on a port the system picks and wait until it
//! is ready, or run a command to its end. Each test sets its own environment on the command.

use std::io::{BufReader, Write};
use std::process::{Child, ChildStdout, Command, Output, Stdio};
use std::time::Duration;

/// A `guichet serve` that answered `/readyz`. Its standard output stays open (guichet writes to
/// it); the caller owns the child and kills it however the test ends.
#[derive(Debug)]
pub struct Serving {
    pub child: Child,
    /// `http://127.0.0.1:PORT`, without a trailing slash.
    pub url: String,
    pub stdout: BufReader<ChildStdout>,
}

/// Spawns `command` (a `guichet serve --bind 127.0.0.1:0 …` with its environment set), reads the
/// address it serves on, and waits until `/readyz` answers 200 (at most 10 s). The child is
/// killed if it does not get there.
pub async fn serve(mut command: Command) -> Serving {
    command.stdout(Stdio::piped());
    let mut child = command.spawn().expect("start guichet");
    let mut stdout = BufReader::new(child.stdout.take().expect("piped"));
    let read = tokio::task::spawn_blocking(move || (crate::serving_url(&mut stdout), stdout)).await;
    let (url, stdout) = match read {
        Ok(read) => read,
        Err(error) => {
            let _ = child.kill();
            let _ = child.wait();
            panic!("guichet stopped before serving: {error}");
        }
    };
    let client = reqwest::Client::new();
    for _ in 0..200 {
        let ready = client.get(format!("{url}/readyz")).send().await;
        if ready.is_ok_and(|r| r.status() == 200) {
            return Serving { child, url, stdout };
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("guichet did not start on {url}");
}

/// Runs `command` (its environment set) to its end, with `stdin` written to it; what it printed
/// and how it ended.
pub fn run(mut command: Command, stdin: Option<&str>) -> Output {
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run guichet");
    let written = match (stdin, child.stdin.take()) {
        (Some(text), Some(mut pipe)) => pipe.write_all(text.as_bytes()),
        _ => Ok(()),
    };
    let out = child.wait_with_output().expect("finished");
    written.expect("standard input written to guichet");
    out
}

/// [`run`], which must succeed: a failure shows the command and what it said.
pub fn run_ok(command: Command, stdin: Option<&str>) -> Output {
    let args: Vec<String> = command
        .get_args()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    let out = run(command, stdin);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

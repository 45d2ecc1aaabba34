//! Headless Chromium for the tests of pages, through chromedriver and WebDriver (`fantoccini`):
//! starting the two, keyboard-only input (WebDriver key actions: no element is clicked or sent
//! keys to directly), and axe-core's accessibility checks.
//!
//! Needs Debian's `chromium` and `chromium-driver`, and `npm` for axe-core (CI has all three).
//! Without them a test says so and passes on a developer's machine, and fails under CI (`CI` set).
//!
//! axe-core is not kept in the repository: it comes from the npm registry, installed once (an
//! exact version, [`AXE_VERSION`]) into a cache folder outside the clone
//! (`~/.cache/guichet/npm/axe-core-VERSION`), and reused by every later run.

use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use fantoccini::key::Key;
use fantoccini::{Client, ClientBuilder, Locator};
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The axe-core release the accessibility tests run: a new one is a change to review (its rules
/// change between releases).
pub const AXE_VERSION: &str = "4.10.3";

/// The WCAG 2.1 A and AA rules, by axe-core's tags.
pub const WCAG_21_AA: [&str; 4] = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];

fn missing(what: &str) {
    assert!(
        std::env::var_os("CI").is_none(),
        "{what} is missing: CI must install it"
    );
    eprintln!("SKIPPED: {what} is missing; install it to run the browser tests");
}

/// A running chromedriver, stopped on drop.
#[derive(Debug)]
pub struct Chromedriver {
    child: Child,
    /// The port it listens on (127.0.0.1).
    pub port: u16,
}

impl Drop for Chromedriver {
    /// Stops chromedriver and the Chromium it started (its process group), even when a test
    /// panicked before closing its session.
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .args(["-KILL", "--", &format!("-{}", self.child.id())])
            .stderr(Stdio::null())
            .status();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Chromedriver {
    /// chromedriver on a free port, or `None` (after saying so) when it is not installed.
    pub fn start() -> Option<Self> {
        let binary = ["/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver"]
            .into_iter()
            .find(|p| std::path::Path::new(p).exists());
        let Some(binary) = binary else {
            missing("chromedriver (Debian's chromium and chromium-driver)");
            return None;
        };
        let port = crate::free_port();
        let child = Command::new(binary)
            .arg(format!("--port={port}"))
            // A process group of its own, which its Chromium joins: see `drop`.
            .process_group(0)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver");
        Some(Self { child, port })
    }

    /// A new WebDriver session on headless Chromium, English first. The flags keep it off the
    /// network (the machine's is closed) and out of the sandbox (tests run as root).
    pub async fn session(&self) -> Client {
        self.session_with(&[]).await
    }

    /// [`Chromedriver::session`], Chromium started with `extra` flags too (a fake camera, say).
    pub async fn session_with(&self, extra: &[&str]) -> Client {
        let mut args = vec![
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--lang=en",
            "--window-size=1200,900",
        ];
        args.extend_from_slice(extra);
        let capabilities = serde_json::json!({
            "goog:chromeOptions": { "binary": "/usr/bin/chromium", "args": args }
        });
        let serde_json::Value::Object(capabilities) = capabilities else {
            unreachable!("an object")
        };
        // chromedriver takes a moment to listen.
        for _ in 0..50 {
            if let Ok(client) =
                ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
                    .capabilities(capabilities.clone())
                    .connect(&format!("http://127.0.0.1:{}", self.port))
                    .await
            {
                return client;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("no WebDriver session");
    }
}

/// Waits (at most 10 s) until the first element `css` selects shows `expected`; returns its text.
/// Opens `url` (a staff page), which sends to the sign-in form, and signs in there as `email`
/// with the test password, with the mouse: the browser then goes back to `url`.
pub async fn sign_in_at(
    client: &Client,
    url: &str,
    email: &str,
) -> Result<(), fantoccini::error::CmdError> {
    client.goto(url).await?;
    assert!(client.current_url().await?.path().starts_with("/login"));
    client
        .find(Locator::Css("#email"))
        .await?
        .send_keys(email)
        .await?;
    client
        .find(Locator::Css("#password"))
        .await?
        .send_keys(crate::STAFF_PASSWORD)
        .await?;
    client
        .find(Locator::Css("form.login button"))
        .await?
        .click()
        .await?;
    Ok(())
}

/// Fills the desk's walk-in form with Ana Walker's details (UNHCR, Switzerland, the first
/// category, consent given) and sends it.
pub async fn register_walk_in(client: &Client) -> Result<(), fantoccini::error::CmdError> {
    client
        .execute(
            "document.querySelector('#desk details').open = true;
             const set = (id, v) => { document.getElementById(id).value = v; };
             set('w-given_name', 'Ana'); set('w-family_name', 'Walker');
             set('w-email', 'ana.walker@example.org'); set('w-organisation', 'UNHCR');
             document.getElementById('w-category').selectedIndex = 1; set('w-country', 'CH');
             document.querySelector('#walkin [name=consent]').checked = true;",
            vec![],
        )
        .await?;
    client
        .find(Locator::Css("form#walkin button[type=submit]"))
        .await?
        .click()
        .await
}

pub async fn wait_for_text(client: &Client, css: &str, expected: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if let Ok(element) = client.find(Locator::Css(css)).await
            && let Ok(text) = element.text().await
            && text.contains(expected)
        {
            return text;
        }
        assert!(
            Instant::now() < deadline,
            "{css} never showed {expected:?}: {:?}",
            match client.find(Locator::Css(css)).await {
                Ok(e) => e.text().await.ok(),
                Err(_) => None,
            }
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Waits (at most 10 s) until `script` returns true.
pub async fn wait_until(client: &Client, script: &str, what: &str) {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if client.execute(script, vec![]).await.ok() == Some(serde_json::json!(true)) {
            return;
        }
        assert!(Instant::now() < deadline, "never: {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Presses and releases each key in turn, as a person at the keyboard does, through WebDriver's
/// key actions (they go to whatever has the focus).
pub async fn press(client: &Client, keys: &[char]) -> Result<(), fantoccini::error::CmdError> {
    let mut actions = KeyActions::new("keyboard".to_owned());
    for &key in keys {
        actions = actions
            .then(KeyAction::Down { value: key })
            .then(KeyAction::Up { value: key });
    }
    client.perform_actions(actions).await
}

/// Types `text` into whatever has the focus.
pub async fn type_text(client: &Client, text: &str) -> Result<(), fantoccini::error::CmdError> {
    let keys: Vec<char> = text.chars().collect();
    press(client, &keys).await
}

/// The Tab key's character, and the others the keyboard tests use.
pub fn key(key: Key) -> char {
    key.chars().next().expect("a key is one character")
}

/// Shift-Tab: the focus goes back one stop.
pub async fn shift_tab(client: &Client) -> Result<(), fantoccini::error::CmdError> {
    let shift = key(Key::Shift);
    let tab = key(Key::Tab);
    let actions = KeyActions::new("keyboard".to_owned())
        .then(KeyAction::Down { value: shift })
        .then(KeyAction::Down { value: tab })
        .then(KeyAction::Up { value: tab })
        .then(KeyAction::Up { value: shift });
    client.perform_actions(actions).await
}

/// Whether the focused element matches `css`.
pub async fn focused_is(client: &Client, css: &str) -> bool {
    client
        .execute(
            "return document.activeElement !== null && document.activeElement.matches(arguments[0])",
            vec![serde_json::json!(css)],
        )
        .await
        .ok()
        == Some(serde_json::json!(true))
}

/// What has the focus, for a failure's message: its tag, id, name and text.
pub async fn describe_focus(client: &Client) -> String {
    client
        .execute(
            "const e = document.activeElement; return e ? e.outerHTML.slice(0, 160) : 'nothing'",
            vec![],
        )
        .await
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

/// Presses Tab (or Shift-Tab, `backwards`) until the element `css` selects has the focus, at most
/// `stops` times; panics, naming where the focus went, if it never does. Returns how many
/// presses it took.
pub async fn tab_to(client: &Client, css: &str, stops: usize, backwards: bool) -> usize {
    for presses in 0..=stops {
        if focused_is(client, css).await {
            return presses;
        }
        if presses == stops {
            break;
        }
        if backwards {
            shift_tab(client).await.expect("Shift-Tab");
        } else {
            press(client, &[key(Key::Tab)]).await.expect("Tab");
        }
    }
    panic!(
        "{css} never got the focus in {stops} {}; the focus is on {}",
        if backwards { "Shift-Tabs" } else { "Tabs" },
        describe_focus(client).await
    );
}

/// axe-core's script, ready to be run in pages.
#[derive(Debug, Clone)]
pub struct Axe {
    source: String,
}

impl Axe {
    /// axe-core [`AXE_VERSION`] from the cache folder, installed there from the npm registry the
    /// first time; `None` (after saying so) when npm is not installed.
    pub fn load() -> Option<Self> {
        let home = std::env::var_os("HOME").map_or_else(std::env::temp_dir, PathBuf::from);
        let cache = home.join(".cache/guichet/npm");
        let folder = cache.join(format!("axe-core-{AXE_VERSION}"));
        let script = folder.join("node_modules/axe-core/axe.min.js");
        if !script.exists() {
            if Command::new("npm")
                .arg("--version")
                .stdout(Stdio::null())
                .status()
                .is_err()
            {
                missing("npm (to install axe-core)");
                return None;
            }
            std::fs::create_dir_all(&cache).expect("the npm cache folder");
            // Installed beside, then renamed into place: two tests starting at once never see
            // half an install.
            let scratch = cache.join(format!(".axe-core-{AXE_VERSION}-{}", std::process::id()));
            let _ = std::fs::remove_dir_all(&scratch);
            let output = Command::new("npm")
                .arg("install")
                .arg("--prefix")
                .arg(&scratch)
                .args([
                    "--no-save",
                    "--no-audit",
                    "--no-fund",
                    "--ignore-scripts",
                    "--fetch-retries=1",
                    "--fetch-timeout=30000",
                    "--loglevel=error",
                ])
                .arg(format!("axe-core@{AXE_VERSION}"))
                .stdin(Stdio::null())
                .output()
                .expect("run npm");
            assert!(
                output.status.success(),
                "npm install axe-core@{AXE_VERSION} failed: {}",
                String::from_utf8_lossy(&output.stderr)
            );
            if std::fs::rename(&scratch, &folder).is_err() {
                // Another test put it there first.
                let _ = std::fs::remove_dir_all(&scratch);
            }
        }
        let source = std::fs::read_to_string(&script)
            .unwrap_or_else(|e| panic!("read {}: {e}", script.display()));
        Some(Self { source })
    }

    /// Runs axe-core's WCAG 2.1 A and AA rules on the page the browser shows; returns one line a
    /// violation (its rule, impact, help and the failing elements), none when the page passes.
    ///
    /// The script is handed to WebDriver's execute command as a function's body: it runs in the
    /// page but is not one of the page's scripts, so the page's Content-Security-Policy (no
    /// inline script) does not refuse it.
    pub async fn violations(&self, client: &Client) -> Vec<String> {
        let loaded = client
            .execute(
                &format!(
                    "if (!window.axe) {{ {}\n }} return typeof window.axe.run",
                    self.source
                ),
                vec![],
            )
            .await
            .expect("axe-core loads in the page");
        assert_eq!(loaded, serde_json::json!("function"), "axe-core is there");
        let found = client
            .execute_async(
                r#"
                const done = arguments[arguments.length - 1];
                window.axe
                  .run(document, { runOnly: { type: "tag", values: arguments[0] }, resultTypes: ["violations"] })
                  .then(function (results) {
                    done(results.violations.map(function (v) {
                      return v.id + " (" + v.impact + "): " + v.help + "\n" + v.nodes.map(function (n) {
                        return "    " + n.target.join(" ") + " — " + (n.failureSummary || "").replace(/\s+/g, " ");
                      }).join("\n");
                    }));
                  })
                  .catch(function (error) { done(["axe-core failed: " + error]); });
                "#,
                vec![serde_json::json!(WCAG_21_AA)],
            )
            .await
            .expect("axe-core runs");
        found
            .as_array()
            .expect("a list of violations")
            .iter()
            .map(|v| v.as_str().unwrap_or_default().to_owned())
            .collect()
    }

    /// Panics, listing each violation, unless the page passes.
    pub async fn assert_passes(&self, client: &Client, page: &str) {
        let found = self.violations(client).await;
        assert!(
            found.is_empty(),
            "{page}: {} WCAG 2.1 AA violation(s) found by axe-core {AXE_VERSION}:\n{}",
            found.len(),
            found.join("\n")
        );
    }
}

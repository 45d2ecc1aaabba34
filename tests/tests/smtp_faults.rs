//! The outbox against an SMTP server that misbehaves (issue 13): refusing some messages for now
//! (`451`), going silent past the transport's timeout, refusing one for good (`55x`), and a
//! worker stopped with a backlog. Each message ends up delivered once to the mail client — one
//! Message-ID per message, whatever was re-sent — or failed at once when retrying cannot help.

use guichet_tests::faulty_smtp::{Answer, FaultySmtp, Moment};
use guichet_tests::{DEMO_SLUG, Options, Outbox, TestApp, instant, participant};
use std::collections::BTreeSet;
use std::time::{Duration, Instant};

/// guichet with no background worker (each test drives its own, through a [`FaultySmtp`]), and
/// no limit on registrations per minute: the crowd all comes from the test's one address.
async fn app() -> TestApp {
    TestApp::spawn_with(Options {
        now: instant("2008-06-15T10:00:00+02:00"),
        // Unused: the tests' workers send to their own servers.
        smtp_port: guichet_tests::MailServer::start().port,
        worker: false,
        limits: guichet::Limits {
            registrations_per_minute: 0,
            ..guichet::Limits::default()
        },
    })
    .await
}

fn address(i: usize) -> String {
    format!("p{i}@example.org")
}

/// Registers `n` people through the API, `p0@example.org`…; each registration queues one email.
async fn register(app: &TestApp, n: usize) {
    for i in 0..n {
        let response = app
            .register_json(
                DEMO_SLUG,
                &participant("Nadia", &format!("Benali {i}"), &address(i)),
            )
            .await;
        assert_eq!(response.status(), 202, "registration {i}");
    }
    assert_eq!(
        app.db.outbox_counts().await.expect("counts").pending,
        n as u64
    );
}

/// The attempts the outbox counted, all messages together.
async fn attempts_counted(app: &TestApp) -> u64 {
    app.count("SELECT COALESCE(SUM(attempts), 0) AS n FROM outbox")
        .await
}

/// Each of the `n` participants got exactly one message, and every attempt at it that the
/// server saw (taken or not) carried that one's Message-ID; no two participants share one.
fn assert_one_message_each(smtp: &FaultySmtp, n: usize) {
    let taken = smtp.taken();
    let mut taken_to: Vec<String> = taken.iter().flat_map(|a| a.to.clone()).collect();
    taken_to.sort();
    let mut expected: Vec<String> = (0..n).map(address).collect();
    expected.sort();
    assert_eq!(taken_to, expected, "one message taken for each participant");
    let ids = smtp.message_ids_by_recipient();
    let mut all = BTreeSet::new();
    for to in &expected {
        let of_this_one = &ids[to];
        assert_eq!(
            of_this_one.len(),
            1,
            "every attempt to {to} under the Message-ID of the first: {of_this_one:?}"
        );
        all.extend(of_this_one.iter().cloned());
    }
    assert_eq!(all.len(), n, "a Message-ID of its own for each message");
}

#[tokio::test]
async fn a_server_refusing_every_third_message_for_now_gets_each_once_under_its_first_message_id() {
    let started = Instant::now();
    let app = app().await;
    register(&app, 30).await;
    // Every third message whose data arrives is refused with 451, retries included.
    let smtp = FaultySmtp::start(|moment| match moment {
        Moment::DataEnd { n, .. } if n % 3 == 0 => Answer::Refuse(451),
        _ => Answer::Accept,
    });
    let worker = app.worker_with(
        smtp.transport(Duration::from_secs(5)),
        guichet_tests::test_worker_settings(),
    );
    let pass = app
        .drain_until_settled(&worker, Duration::from_secs(20))
        .await;

    let attempts = smtp.attempts();
    let refused = attempts.iter().filter(|a| !a.taken()).count();
    assert!(refused >= 10, "a third of 30 at least: {refused}");
    assert!(attempts.iter().all(|a| a.message_id.is_some()));
    assert_eq!((pass.sent, pass.retried, pass.failed), (30, refused, 0));
    assert_one_message_each(&smtp, 30);
    // Every attempt the outbox counted reached the server, and none other.
    assert_eq!(attempts_counted(&app).await, attempts.len() as u64);
    app.assert_outbox(Outbox::SETTLED).await;
    assert!(started.elapsed() < Duration::from_secs(30));
}

#[tokio::test]
async fn a_server_going_silent_past_the_timeout_gets_each_message_once_under_its_first_message_id()
{
    let started = Instant::now();
    let app = app().await;
    register(&app, 30).await;
    // Silent for twice the transport's timeout: on every fourth message's end of data, and on
    // every fifth new connection's EHLO (before any message).
    let silence = Duration::from_secs(2);
    let smtp = FaultySmtp::start(move |moment| match moment {
        Moment::DataEnd { n, .. } if n % 4 == 0 => Answer::Stall(silence),
        Moment::Hello { n } if n % 5 == 2 => Answer::Stall(silence),
        _ => Answer::Accept,
    });
    let worker = app.worker_with(
        smtp.transport(Duration::from_secs(1)),
        guichet_tests::test_worker_settings(),
    );
    let pass = app
        .drain_until_settled(&worker, Duration::from_secs(25))
        .await;

    let attempts = smtp.attempts();
    let stalled_at_data = attempts.iter().filter(|a| !a.taken()).count();
    assert!(
        stalled_at_data >= 7,
        "a fourth of 30 at least: {stalled_at_data}"
    );
    assert_eq!((pass.sent, pass.failed), (30, 0));
    // Retried: those silent at the end of their data, and those whose connection was.
    assert!(
        pass.retried >= stalled_at_data,
        "{pass:?}, {stalled_at_data}"
    );
    assert_eq!(
        attempts_counted(&app).await,
        (pass.sent + pass.retried) as u64
    );
    assert_one_message_each(&smtp, 30);
    app.assert_outbox(Outbox::SETTLED).await;
    assert!(started.elapsed() < Duration::from_secs(30));
}

#[tokio::test]
async fn a_message_refused_for_good_fails_after_one_attempt_and_the_others_are_delivered() {
    let app = app().await;
    register(&app, 6).await;
    // p1 is refused at RCPT ("mailbox unavailable"), p4's message at the end of its data
    // ("exceeded storage allocation"): both permanent.
    let smtp = FaultySmtp::start(|moment| match moment {
        Moment::Rcpt(to) if to.eq_ignore_ascii_case(&address(1)) => Answer::Refuse(550),
        Moment::DataEnd { to, .. } if to.iter().any(|t| t.eq_ignore_ascii_case(&address(4))) => {
            Answer::Refuse(552)
        }
        _ => Answer::Accept,
    });
    let settings = guichet_tests::test_worker_settings();
    let worker = app.worker_with(smtp.transport(Duration::from_secs(5)), settings);
    let pass = worker.run_once().await.expect("the outbox is reachable");
    assert_eq!((pass.sent, pass.retried, pass.failed), (4, 0, 2));

    let failed = app.db.failed_emails().await.expect("failed emails");
    assert_eq!(failed.len(), 2, "{failed:?}");
    for email in &failed {
        assert_eq!(email.attempts, 1, "{email:?}");
    }
    let errors: Vec<String> = failed
        .iter()
        .map(|f| f.last_error.clone().unwrap_or_default())
        .collect();
    assert!(errors.iter().any(|e| e.contains("550")), "{errors:?}");
    assert!(errors.iter().any(|e| e.contains("552")), "{errors:?}");
    let counts = app.db.outbox_counts().await.expect("counts");
    assert_eq!((counts.pending, counts.sent, counts.failed), (0, 4, 2));
    let tried = |i: usize| {
        smtp.attempts()
            .iter()
            .filter(|a| a.to.iter().any(|t| t.eq_ignore_ascii_case(&address(i))))
            .count()
    };
    assert_eq!((tried(1), tried(4)), (1, 1));

    // Not retried: a later pass, long after the retries' delays, finds nothing to send.
    tokio::time::sleep(settings_max_backoff()).await;
    let again = worker.run_once().await.expect("the outbox is reachable");
    assert_eq!(again.handled(), 0, "{again:?}");
    assert_eq!((tried(1), tried(4)), (1, 1));
    for email in app.db.failed_emails().await.expect("failed emails") {
        assert_eq!(email.attempts, 1, "{email:?}");
    }
    assert_eq!(smtp.taken().len(), 4);
    app.assert_outbox(Outbox {
        pending: 0,
        failed: 2,
    })
    .await;
}

/// Longer than any retry delay of the test settings.
fn settings_max_backoff() -> Duration {
    guichet_tests::test_worker_settings().max_backoff + Duration::from_millis(100)
}

/// Messages still claimed by a worker.
async fn claimed(app: &TestApp) -> u64 {
    app.count("SELECT COUNT(*) AS n FROM outbox WHERE status = 'sending'")
        .await
}

/// Starts `worker` in the background, waits until the server took `before` messages, then tells
/// it to stop; returns how long it took to return after that.
async fn stop_mid_drain(
    worker: mailer::Worker<guichet::outbox::DbOutbox>,
    smtp: &FaultySmtp,
    before: usize,
) -> Duration {
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(worker.run(async move {
        let _ = stopped.await;
    }));
    let deadline = Instant::now() + Duration::from_secs(15);
    while smtp.taken().len() < before {
        assert!(Instant::now() < deadline, "the worker never got going");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let asked = Instant::now();
    stop.send(()).expect("the worker is running");
    tokio::time::timeout(Duration::from_secs(10), task)
        .await
        .expect("the worker returns after its stop")
        .expect("the worker's task ends well");
    asked.elapsed()
}

#[tokio::test]
async fn a_stopped_worker_finishes_the_messages_in_hand_and_releases_the_rest_at_once() {
    let app = app().await;
    register(&app, 40).await;
    // Slow: a quarter of a second for each message, four at once.
    let smtp = FaultySmtp::start(|moment| match moment {
        Moment::DataEnd { .. } => Answer::AcceptAfter(Duration::from_millis(250)),
        _ => Answer::Accept,
    });
    let settings = mailer::WorkerSettings {
        // All 40 claimed in one go: most are in the worker's hands, unsent, at the stop.
        batch: 40,
        ..guichet_tests::test_worker_settings()
    };
    let worker = app
        .worker_with(smtp.transport(Duration::from_secs(5)), settings.clone())
        .with_shutdown_grace(Duration::from_secs(3));
    let took = stop_mid_drain(worker, &smtp, 8).await;
    // The messages in hand took a quarter of a second; the grace was not needed.
    assert!(took < Duration::from_secs(2), "{took:?}");

    let sent_before = smtp.taken().len();
    assert!(
        (8..40).contains(&sent_before),
        "stopped mid-drain: {sent_before}"
    );
    let counts = app.db.outbox_counts().await.expect("counts");
    assert_eq!(
        counts.sent, sent_before as u64,
        "each one taken was recorded"
    );
    assert_eq!(claimed(&app).await, 0, "no claim left behind");

    // The lease (10 s) has not passed: a second worker gets the rest only because they were
    // released.
    let second = app.worker_with(smtp.transport(Duration::from_secs(5)), settings);
    let pass = second.run_once().await.expect("the outbox is reachable");
    assert_eq!(pass.sent, 40 - sent_before, "{pass:?}");
    assert_one_message_each(&smtp, 40);
    assert_eq!(smtp.attempts().len(), 40, "none sent twice");
    // A released message's claim did not count as an attempt.
    assert_eq!(attempts_counted(&app).await, 40);
    app.assert_outbox(Outbox::SETTLED).await;
}

#[tokio::test]
async fn a_stopped_worker_cuts_off_slow_sends_after_its_grace_and_another_sends_them_under_the_same_message_id()
 {
    let app = app().await;
    register(&app, 40).await;
    // The first four messages (the worker's first sends) so slow that they outlast the grace;
    // the server keeps what it got. The others go quickly.
    let smtp = FaultySmtp::start(|moment| match moment {
        Moment::DataEnd { n, .. } if n <= 4 => Answer::AcceptAfter(Duration::from_millis(1500)),
        _ => Answer::Accept,
    });
    let settings = mailer::WorkerSettings {
        batch: 40,
        ..guichet_tests::test_worker_settings()
    };
    let concurrency = settings.concurrency;
    let grace = Duration::from_millis(300);
    let worker = app
        .worker_with(smtp.transport(Duration::from_secs(5)), settings.clone())
        .with_shutdown_grace(grace);
    let took = stop_mid_drain(worker, &smtp, 4).await;
    assert!(took < grace + Duration::from_secs(2), "{took:?}");
    assert_eq!(claimed(&app).await, 0, "no claim left behind");
    let recorded = app.db.outbox_counts().await.expect("counts").sent;

    let second = app.worker_with(smtp.transport(Duration::from_secs(5)), settings);
    let pass = second.run_once().await.expect("the outbox is reachable");
    assert_eq!(pass.sent as u64, 40 - recorded, "{pass:?}");
    app.assert_outbox(Outbox::SETTLED).await;

    // The server may have taken a message whose send was cut off: then it has it twice, under
    // one Message-ID. At most the sends in hand at the stop.
    let taken = smtp.taken();
    let twice = taken.len() - 40;
    assert!(
        (1..=concurrency).contains(&twice),
        "{twice} sent twice: the sends cut off, at most those in hand"
    );
    let ids = smtp.message_ids_by_recipient();
    let mut all = BTreeSet::new();
    for i in 0..40 {
        let of_this_one = &ids[&address(i)];
        assert_eq!(of_this_one.len(), 1, "{}: {of_this_one:?}", address(i));
        all.extend(of_this_one.iter().cloned());
    }
    assert_eq!(all.len(), 40);
    let mut recipients: Vec<String> = taken.iter().flat_map(|a| a.to.clone()).collect();
    recipients.sort();
    recipients.dedup();
    assert_eq!(recipients.len(), 40, "every participant got theirs");
}

#[tokio::test]
async fn a_server_answering_after_the_timeout_has_each_message_under_one_message_id_and_loses_none()
{
    let started = Instant::now();
    let app = app().await;
    register(&app, 30).await;
    // Every fourth message is taken, but said so only after the transport gave up on it: the
    // worker sends it again, and the connection the late answer comes on must not serve the
    // next message (which would read that answer as its own).
    let smtp = FaultySmtp::start(|moment| match moment {
        Moment::DataEnd { n, .. } if n % 4 == 0 => Answer::AcceptAfter(Duration::from_millis(1500)),
        _ => Answer::Accept,
    });
    let worker = app.worker_with(
        smtp.transport(Duration::from_secs(1)),
        guichet_tests::test_worker_settings(),
    );
    let pass = app
        .drain_until_settled(&worker, Duration::from_secs(25))
        .await;

    let attempts = smtp.attempts();
    let late = attempts
        .iter()
        .filter(|a| a.answer == Answer::AcceptAfter(Duration::from_millis(1500)))
        .count();
    assert!(late >= 7, "a fourth of 30 at least: {late}");
    assert_eq!((pass.sent, pass.retried, pass.failed), (30, late, 0));
    // Each late one reached the participant twice, under one Message-ID: a mail client shows it
    // once.
    assert_eq!(smtp.taken().len(), 30 + late);
    let ids = smtp.message_ids_by_recipient();
    let mut all = BTreeSet::new();
    for i in 0..30 {
        let of_this_one = &ids[&address(i)];
        assert_eq!(of_this_one.len(), 1, "{}: {of_this_one:?}", address(i));
        all.extend(of_this_one.iter().cloned());
    }
    assert_eq!(all.len(), 30);
    assert_eq!(attempts_counted(&app).await, attempts.len() as u64);
    app.assert_outbox(Outbox::SETTLED).await;
    assert!(started.elapsed() < Duration::from_secs(30));
}

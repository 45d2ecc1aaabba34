//! Camera frames sent to `POST /api/v1/decode-qr` (the desk's camera in a browser without
//! BarcodeDetector), within a budget: a frame over the pixel budget is refused from its header,
//! at once and with no memory spike; a body over 2 MiB is refused; a large legal frame is scaled
//! down and read; frames beyond the few decoded at once are answered `503` at once.

use domain::Role;
use guichet::ServerLimits;
use guichet_tests::{Outbox, TestApp, png_declaring};
use serde_json::Value;
use std::time::{Duration, Instant};

/// A desk's bearer token on `app`.
async fn desk(app: &TestApp) -> String {
    app.add_staff("desk@example.org", Role::Desk).await;
    app.login("desk@example.org").await
}

async fn post_frame(app: &TestApp, desk: &str, frame: Vec<u8>) -> reqwest::Response {
    app.client
        .post(app.url("/api/v1/decode-qr"))
        .bearer_auth(desk)
        .header("content-type", "image/png")
        .header("accept-language", "fr")
        .body(frame)
        .send()
        .await
        .expect("request")
}

/// A ticket's QR code drawn `side` pixels wide, as a PNG: a camera close to the code.
async fn large_frame(app: &TestApp, side: u32) -> (String, Vec<u8>) {
    let event = app.demo_event().await;
    let (_, ticket) = app
        .ticket(&event, "Farah", "Mansour", "farah.mansour@example.org")
        .await;
    let qr = image::load_from_memory(&mailer::qr::png(&ticket).expect("a QR code"))
        .expect("a PNG")
        .to_luma8();
    let large = image::imageops::resize(&qr, side, side, image::imageops::FilterType::Nearest);
    let mut png = Vec::new();
    large
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .expect("encode");
    (ticket, png)
}

/// The most memory this process has held so far (Linux), in kilobytes.
fn peak_memory_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

#[tokio::test]
async fn a_frame_declaring_20000_by_20000_pixels_is_refused_at_once_without_decoding() {
    let app = TestApp::spawn().await;
    let desk = desk(&app).await;
    let frame = png_declaring(20_000, 20_000);
    assert!(frame.len() < 200, "a tiny file: {} bytes", frame.len());
    let peak_before = peak_memory_kib();
    let started = Instant::now();
    let response = post_frame(&app, &desk, frame).await;
    let took = started.elapsed();
    assert_eq!(response.status(), 413);
    assert!(took < Duration::from_secs(1), "answered in {took:?}");
    let answer: Value = response.json().await.expect("JSON");
    assert_eq!(
        answer["errors"]["body"],
        "Cette image est trop grande : 4096 pixels de côté et 16 mégapixels au plus."
    );
    // Decoded, it would take 400 million pixels: gigabytes.
    if let (Some(before), Some(after)) = (peak_before, peak_memory_kib()) {
        assert!(
            after.saturating_sub(before) < 200 * 1024,
            "peak memory grew by {} KiB",
            after - before
        );
    }
    // So is one over the budget by its pixel count alone (each side is legal).
    let response = post_frame(&app, &desk, png_declaring(4096, 4096)).await;
    assert_eq!(response.status(), 413);
    app.assert_outbox(Outbox::SETTLED).await;
}

#[tokio::test]
async fn a_body_over_two_mebibytes_or_not_an_image_is_refused() {
    let app = TestApp::spawn().await;
    let desk = desk(&app).await;
    let response = post_frame(&app, &desk, vec![0; 2 * 1024 * 1024 + 1]).await;
    assert_eq!(response.status(), 413);
    let answer: Value = response.json().await.expect("JSON");
    assert_eq!(
        answer["errors"]["body"],
        "Le corps de la requête est trop volumineux."
    );
    let response = post_frame(&app, &desk, b"GIF89a not a camera frame".to_vec()).await;
    assert_eq!(response.status(), 422);
    let answer: Value = response.json().await.expect("JSON");
    assert_eq!(
        answer["errors"]["body"],
        "Cette image n'est ni un PNG ni un JPEG."
    );
    app.assert_outbox(Outbox::SETTLED).await;
}

#[tokio::test]
async fn a_large_legal_frame_is_scaled_down_and_read() {
    let app = TestApp::spawn().await;
    let desk = desk(&app).await;
    // 2400 pixels a side: over the 1600 the search works on, within the budget.
    let (ticket, frame) = large_frame(&app, 2400).await;
    let response = post_frame(&app, &desk, frame).await;
    assert_eq!(response.status(), 200);
    let answer: Value = response.json().await.expect("JSON");
    assert_eq!(answer["text"], ticket.as_str());
    // Only the ticket's email, queued: no worker ran.
    app.assert_outbox(Outbox::pending(1)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn frames_beyond_those_being_decoded_are_answered_503_at_once() {
    let app = std::sync::Arc::new(
        TestApp::spawn_limited(ServerLimits {
            frame_decoders: 1,
            ..ServerLimits::default()
        })
        .await,
    );
    let desk = desk(&app).await;
    let (ticket, frame) = large_frame(&app, 2400).await;
    // Eight desks' frames at the same moment, for one decoder.
    let mut sent = Vec::new();
    for _ in 0..8 {
        let (app, desk, frame) = (app.clone(), desk.clone(), frame.clone());
        sent.push(tokio::spawn(async move {
            let response = post_frame(&app, &desk, frame).await;
            let retry_after = response.headers().get("retry-after").cloned();
            (
                response.status().as_u16(),
                retry_after,
                response.json::<Value>().await,
            )
        }));
    }
    let (mut read, mut busy) = (0, 0);
    for answer in sent {
        let (status, retry_after, body) = answer.await.expect("task");
        let body = body.expect("JSON");
        match status {
            200 => {
                assert_eq!(body["text"], ticket.as_str());
                read += 1;
            }
            503 => {
                assert_eq!(retry_after.as_ref().map(|v| v.as_bytes()), Some(&b"1"[..]));
                assert_eq!(
                    body["message"],
                    "Trop d'images de caméra à la fois : l'image suivante sera lue."
                );
                busy += 1;
            }
            other => panic!("unexpected {other}: {body}"),
        }
    }
    assert!(read >= 1, "the decoder read one");
    assert!(busy >= 1, "the others did not wait for it");
    // The decoder is free again afterwards.
    let response = post_frame(&app, &desk, frame).await;
    assert_eq!(response.status(), 200);
    app.assert_outbox(Outbox::pending(1)).await;
}

//! The pages' scripts and stylesheets (`templates/static/`), compiled into the binary and served
//! at `/static/{name}`: venue networks block CDNs, a release build runs from anywhere, and the
//! Content-Security-Policy (`script-src 'self'`, `style-src 'self'`) lets the pages use nothing
//! else — no inline script or style.
//!
//! The installable desk's files too (issue 15), under `/desk/` beside the desk pages
//! (`/desk/{slug}`; axum's static segments win over the parameter, and no slug has a dot):
//!
//! - `/desk/sw.js`, the service worker: served from `/desk/` so that its default scope covers
//!   every event's desk page and nothing else;
//! - `/desk/manifest.webmanifest?slug=…`, the web app manifest of one event's desk. Public, and
//!   it reads nothing from the database: the slug is only checked to be one, so the answer says
//!   nothing of which events exist (a stranger learns no more than the address they typed);
//! - `/desk/icon-192.png`, `/desk/icon-512.png`: guichet's own icon, drawn here.

use crate::error::Error;
use crate::lang::RequestLang;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use domain::{Lang, Slug};
use image::{ImageFormat, Rgba, RgbaImage};
use serde::Deserialize;
use std::sync::OnceLock;

/// One file under `/static/`.
struct Asset {
    name: &'static str,
    content_type: &'static str,
    body: &'static str,
}

const JS: &str = "text/javascript; charset=utf-8";
const CSS: &str = "text/css; charset=utf-8";

macro_rules! asset {
    ($name:literal, $content_type:expr) => {
        Asset {
            name: $name,
            content_type: $content_type,
            body: include_str!(concat!("../../../templates/static/", $name)),
        }
    };
}

const ASSETS: &[Asset] = &[
    asset!("desk.js", JS),
    asset!("dashboard.js", JS),
    asset!("site.css", CSS),
    asset!("dashboard.css", CSS),
    asset!("desk.css", CSS),
    asset!("event.css", CSS),
    asset!("index.css", CSS),
    asset!("login.css", CSS),
    asset!("participant.css", CSS),
    asset!("registrations.css", CSS),
    asset!("ticket.css", CSS),
];

pub(crate) fn router() -> crate::routes::Listed {
    crate::routes::Listed::new()
        .route("/static/{name}", get(serve))
        .route("/desk/sw.js", get(service_worker))
        .route("/desk/manifest.webmanifest", get(manifest))
        .route("/desk/icon-192.png", get(|| icon(192)))
        .route("/desk/icon-512.png", get(|| icon(512)))
}

/// The desk's service worker (`templates/static/desk-sw.js`).
const SERVICE_WORKER: &str = include_str!("../../../templates/static/desk-sw.js");

/// Revalidated each time, as the static files are: browsers check a worker for updates anyway,
/// and a new guichet's worker must be seen at its next load.
async fn service_worker() -> Response {
    (
        [
            (header::CONTENT_TYPE, JS),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        SERVICE_WORKER,
    )
        .into_response()
}

#[derive(Debug, Deserialize)]
struct ManifestQuery {
    slug: String,
}

/// The manifest of an event's desk, in the request's language.
async fn manifest(
    RequestLang(lang): RequestLang,
    query: Result<Query<ManifestQuery>, QueryRejection>,
) -> Result<Response, Error> {
    let Ok(Query(query)) = query else {
        return Err(Error::NotFound);
    };
    let slug = Slug::parse(&query.slug).map_err(|_| Error::NotFound)?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/manifest+json"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        desk_manifest(&slug, lang).to_string(),
    )
        .into_response())
}

/// The desk of event `slug` as an app: it opens on that desk, in a window of its own, and the
/// service worker's scope (`/desk/`) is its scope.
fn desk_manifest(slug: &Slug, lang: Lang) -> serde_json::Value {
    let desk = format!("/desk/{}", slug.as_str());
    serde_json::json!({
        "id": desk,
        "name": i18n::t(lang, "desk-manifest-name", &[]),
        "short_name": i18n::t(lang, "desk-title", &[]),
        "description": i18n::t(lang, "desk-manifest-description", &[]),
        "lang": lang.code(),
        "start_url": desk,
        "scope": "/desk/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#0b5cad",
        "icons": [
            { "src": "/desk/icon-192.png", "sizes": "192x192", "type": "image/png", "purpose": "any" },
            { "src": "/desk/icon-512.png", "sizes": "512x512", "type": "image/png", "purpose": "any" },
            { "src": "/desk/icon-512.png", "sizes": "512x512", "type": "image/png", "purpose": "maskable" },
        ],
    })
}

async fn icon(size: u32) -> Result<Response, Error> {
    static SMALL: OnceLock<Vec<u8>> = OnceLock::new();
    static LARGE: OnceLock<Vec<u8>> = OnceLock::new();
    let cell = if size == 192 { &SMALL } else { &LARGE };
    let png: &'static [u8] = match cell.get() {
        Some(png) => png,
        None => {
            let drawn = icon_png(size).map_err(|e| Error::Internal(Box::new(e)))?;
            cell.get_or_init(|| drawn)
        }
    };
    Ok((
        [
            (header::CONTENT_TYPE, "image/png"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        png,
    )
        .into_response())
}

/// guichet's desk icon, `size` pixels square: a white ticket with a tick on the accent's blue,
/// the whole square filled (a "maskable" icon: the ticket stays inside the middle 60% that every
/// launcher's mask keeps). Drawn from distances to each shape, one pixel of soft edge.
fn icon_png(size: u32) -> Result<Vec<u8>, image::ImageError> {
    const BLUE: [f32; 3] = [11.0, 92.0, 173.0];
    const WHITE: [f32; 3] = [255.0, 255.0, 255.0];
    let scale = size as f32;
    let image = RgbaImage::from_fn(size, size, |x, y| {
        // The pixel's centre, in units of the icon's side.
        let p = ((x as f32 + 0.5) / scale, (y as f32 + 0.5) / scale);
        let ticket = rounded_box(p, (0.5, 0.5), (0.31, 0.2), 0.05)
            .max(-circle(p, (0.19, 0.5), 0.06))
            .max(-circle(p, (0.81, 0.5), 0.06));
        let tick =
            segment(p, (0.37, 0.5), (0.46, 0.59)).min(segment(p, (0.46, 0.59), (0.64, 0.41)))
                - 0.035;
        let mut colour = BLUE;
        colour = blend(colour, WHITE, coverage(ticket, scale));
        colour = blend(colour, BLUE, coverage(tick, scale));
        // Rounding to the nearest of 0..=255, the channel's range.
        let channel = |c: f32| c.round().clamp(0.0, 255.0) as u8;
        Rgba([
            channel(colour[0]),
            channel(colour[1]),
            channel(colour[2]),
            255,
        ])
    });
    let mut png = std::io::Cursor::new(Vec::new());
    image.write_to(&mut png, ImageFormat::Png)?;
    Ok(png.into_inner())
}

/// How much of a pixel a shape covers, from its signed distance (negative inside).
fn coverage(distance: f32, scale: f32) -> f32 {
    (0.5 - distance * scale).clamp(0.0, 1.0)
}

fn blend(under: [f32; 3], over: [f32; 3], alpha: f32) -> [f32; 3] {
    [0, 1, 2].map(|i| under[i] + (over[i] - under[i]) * alpha)
}

fn circle(p: (f32, f32), centre: (f32, f32), radius: f32) -> f32 {
    (p.0 - centre.0).hypot(p.1 - centre.1) - radius
}

fn rounded_box(p: (f32, f32), centre: (f32, f32), half: (f32, f32), radius: f32) -> f32 {
    let qx = (p.0 - centre.0).abs() - (half.0 - radius);
    let qy = (p.1 - centre.1).abs() - (half.1 - radius);
    qx.max(0.0).hypot(qy.max(0.0)) + qx.max(qy).min(0.0) - radius
}

fn segment(p: (f32, f32), a: (f32, f32), b: (f32, f32)) -> f32 {
    let (px, py) = (p.0 - a.0, p.1 - a.1);
    let (bx, by) = (b.0 - a.0, b.1 - a.1);
    let t = ((px * bx + py * by) / (bx * bx + by * by)).clamp(0.0, 1.0);
    (px - bx * t).hypot(py - by * t)
}

async fn serve(Path(name): Path<String>) -> Result<Response, Error> {
    let asset = ASSETS
        .iter()
        .find(|a| a.name == name)
        .ok_or(Error::NotFound)?;
    Ok((
        [
            (header::CONTENT_TYPE, asset.content_type),
            // Revalidated each time: a new version of guichet is seen at once. Public files: the
            // one kind of answer that does not get `no-store`.
            (header::CACHE_CONTROL, "no-cache"),
        ],
        asset.body,
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::{ASSETS, SERVICE_WORKER, desk_manifest, icon_png};
    use domain::{Lang, Slug};

    #[test]
    fn the_desk_manifest_opens_the_events_desk_within_the_workers_scope() {
        let slug = Slug::parse("idm-2008-migration-de-retour").expect("a slug");
        let manifest = desk_manifest(&slug, Lang::Fr);
        assert_eq!(manifest["start_url"], "/desk/idm-2008-migration-de-retour");
        assert_eq!(manifest["id"], manifest["start_url"]);
        assert_eq!(manifest["scope"], "/desk/");
        assert_eq!(manifest["display"], "standalone");
        assert_eq!(manifest["lang"], "fr");
        assert!(!manifest["name"].as_str().unwrap_or_default().is_empty());
        let icons = manifest["icons"].as_array().expect("icons");
        assert!(icons.iter().any(|i| i["sizes"] == "512x512"));
        assert!(icons.iter().any(|i| i["sizes"] == "192x192"));
    }

    #[test]
    fn the_icons_are_pngs_of_their_size_blue_around_a_white_ticket() {
        for size in [192, 512] {
            let png = icon_png(size).expect("drawn");
            let image = image::load_from_memory(&png).expect("a PNG").to_rgba8();
            assert_eq!(image.dimensions(), (size, size));
            assert_eq!(image.get_pixel(2, 2).0, [11, 92, 173, 255], "the corner");
            // On the ticket, left of the tick.
            let on_ticket = image.get_pixel(size * 30 / 100, size / 2).0;
            assert_eq!(on_ticket, [255, 255, 255, 255]);
            // The tick's corner.
            let tick = image.get_pixel(size * 46 / 100, size * 58 / 100).0;
            assert_eq!(tick, [11, 92, 173, 255]);
        }
    }

    #[test]
    fn the_service_worker_never_touches_the_api() {
        assert!(SERVICE_WORKER.contains("startsWith(\"/api/\")"));
    }

    #[test]
    fn every_stylesheet_and_script_a_page_names_is_served() {
        let pages = std::fs::read_dir(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../templates/pages"
        ))
        .expect("the page templates");
        for page in pages {
            let path = page.expect("an entry").path();
            let html = std::fs::read_to_string(&path).expect("a template");
            for linked in html.split("/static/").skip(1) {
                let name = linked.split('"').next().unwrap_or_default();
                assert!(
                    ASSETS.iter().any(|a| a.name == name),
                    "{} links /static/{name}, which is not served",
                    path.display()
                );
            }
        }
    }
}

//! The pages' scripts and stylesheets (`templates/static/`), compiled into the binary and served
//! at `/static/{name}`: venue networks block CDNs, a release build runs from anywhere, and the
//! Content-Security-Policy (`script-src 'self'`, `style-src 'self'`) lets the pages use nothing
//! else — no inline script or style.

use crate::error::Error;
use axum::extract::Path;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;

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
    crate::routes::Listed::new().route("/static/{name}", get(serve))
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
    use super::ASSETS;

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

//! The security headers every answer carries, set in one place for every route (a new route
//! cannot forget them): what a page may load, that it may not be framed, that nothing is
//! content-sniffed, that no address (ticket tokens are in addresses) leaks in a `Referer`, and
//! that nothing with personal data is kept in a cache.

use axum::Router;
use axum::http::{HeaderValue, header};
use tower::ServiceBuilder;
use tower_http::set_header::SetResponseHeaderLayer;

/// The Content-Security-Policy, on every answer (a browser applies it to pages; on anything else
/// a browser might render — a JSON error, a file — it costs nothing and holds it to the same
/// rule). What the pages need, and nothing more:
///
/// - scripts and stylesheets: guichet's own files under `/static/` (`'self'`), no inline script
///   or style, no nonce needed;
/// - images: the ticket's QR code (`/t/{token}/qr.png`, `'self'`); the dashboard's arrival
///   curves are SVG elements inside the page (presentation attributes, no `style`), not images;
/// - connections: the desk's `fetch` calls to the JSON API and the dashboard's `EventSource`,
///   all to this site (`'self'`);
/// - the desk's camera: `getUserMedia` puts its stream in the `<video>` through `srcObject`,
///   which loads no address (no `blob:` or `mediastream:` source needed); frames go to
///   `/api/v1/decode-qr` by `fetch`; `BarcodeDetector` needs no worker or WebAssembly;
/// - forms post to this site only; no `<base>`, no plugins; no site may frame a page
///   (`frame-ancestors 'none'`: clickjacking the desk or the dashboard's buttons).
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; \
    style-src 'self'; img-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; \
    form-action 'self'; frame-ancestors 'none'";

/// `Strict-Transport-Security` when guichet serves HTTPS itself: a year, for this host only (the
/// venue's laptop may share a domain with sites that are not on HTTPS).
pub const STRICT_TRANSPORT_SECURITY: &str = "max-age=31536000";

/// Every answer's security headers, around `router`.
///
/// `Cache-Control: no-store` goes on every answer that does not set its own: ticket pages and
/// their QR code and calendar file, staff pages, the API's answers, reports, error pages. Only
/// the public static files (`/static/…`) say otherwise. The rule is "no-store unless stated",
/// not a list of private routes that a new route could be missing from.
pub fn layer<S>(router: Router<S>) -> Router<S>
where
    S: Clone + Send + Sync + 'static,
{
    // One layer, composed: each `Router::layer` boxes the routes once more, and every request
    // then clones each box (measured with callgrind: the layers of issue 11 added 6% to a
    // check-in's instructions, most of it in those clones).
    router.layer(
        ServiceBuilder::new()
            .layer(SetResponseHeaderLayer::if_not_present(
                header::CACHE_CONTROL,
                HeaderValue::from_static("no-store"),
            ))
            .layer(SetResponseHeaderLayer::overriding(
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static(CONTENT_SECURITY_POLICY),
            ))
            // `frame-ancestors` for browsers that predate it.
            .layer(SetResponseHeaderLayer::overriding(
                header::X_FRAME_OPTIONS,
                HeaderValue::from_static("DENY"),
            ))
            .layer(SetResponseHeaderLayer::overriding(
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            ))
            .layer(SetResponseHeaderLayer::overriding(
                header::REFERRER_POLICY,
                HeaderValue::from_static("no-referrer"),
            )),
    )
}

/// `Strict-Transport-Security` on every answer of a router served over TLS.
pub fn hsts<S>(router: Router<S>) -> Router<S>
where
    S: Clone + Send + Sync + 'static,
{
    router.layer(SetResponseHeaderLayer::overriding(
        header::STRICT_TRANSPORT_SECURITY,
        HeaderValue::from_static(STRICT_TRANSPORT_SECURITY),
    ))
}

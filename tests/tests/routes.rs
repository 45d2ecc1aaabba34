//! Every route of an event refuses another event's team (issue 12), walked from the router's own
//! list of routes (`web::routes::paths`), so that a route added later is tested too.

use domain::Role;
use guichet_tests::TestApp;
use reqwest::Method;
use serde_json::json;

/// The routes that name an event for its staff: every path with `{slug}` but the public event
/// pages (`/events/{slug}…`, open to anyone while the event is published).
fn staff_event_paths() -> Vec<String> {
    web::routes::paths()
        .into_iter()
        .filter(|path| path.contains("{slug}") && !path.starts_with("/events/"))
        .collect()
}

/// `path` with its parameters filled in for event `slug`.
fn concrete(path: &str, slug: &str, registration: i32) -> String {
    path.replace("{slug}", slug)
        .replace("{registration_id}", &registration.to_string())
        .replace("{id}", &registration.to_string())
        .replace("{action}", "cancel")
        .replace("{member}", "1")
        .replace("{session}", "1")
}

/// The routes of an event open to anyone: its agenda and registration, for published events.
const PUBLIC: [(&str, &str); 3] = [
    ("GET", "/api/v1/events/{slug}/agenda"),
    ("GET", "/api/v1/events/{slug}/form"),
    ("POST", "/api/v1/events/{slug}/registrations"),
];

const METHODS: [Method; 4] = [Method::GET, Method::POST, Method::PUT, Method::DELETE];

#[tokio::test]
async fn another_events_team_is_refused_on_every_route_of_an_event() {
    let app = TestApp::spawn().await;
    // Event B, unpublished, with a participant; its organiser shows the routes answer at all.
    let mut unpublished = domain::Event::clone(&app.demo_event().await.event);
    unpublished.slug = domain::Slug::parse("autre-atelier").expect("slug");
    unpublished.published = false;
    app.db
        .save_event(&unpublished, app.now())
        .await
        .expect("saved");
    let other = app.event("autre-atelier").await;
    let (elsewhere, _) = app.ticket(&other, "Jim", "Ilunga", "jim@example.org").await;
    app.add_staff("desk@example.org", Role::Desk).await;
    app.add_staff("org@example.org", Role::Organiser).await;
    app.add_staff_at("org-b@example.org", Role::Organiser, &["autre-atelier"])
        .await;
    app.add_admin("admin@example.org").await;
    let desk = app.login("desk@example.org").await;
    let organiser = app.login("org@example.org").await;
    let organiser_b = app.login("org-b@example.org").await;
    let admin = app.login("admin@example.org").await;
    let send = async |token: Option<&str>, method: &Method, path: &str| {
        let mut request = app
            .client
            .request(method.clone(), app.url(path))
            .json(&json!({}));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        request.send().await.expect("request").status().as_u16()
    };

    let paths = staff_event_paths();
    assert!(paths.len() >= 15, "the router lists its routes: {paths:?}");
    let mut probed = 0;
    for template in &paths {
        let path = concrete(template, "autre-atelier", elsewhere.id);
        for method in &METHODS {
            // The route's own organiser tells which methods it has (not 405) and that the
            // route answers them (not a refusal).
            let own = send(Some(&organiser_b), method, &path).await;
            if own == 405 {
                continue;
            }
            probed += 1;
            // A route a stranger is not sent away from is public: it must be one of these,
            // and it shows nothing of an unpublished event to anyone.
            let stranger = send(None, method, &path).await;
            if stranger != 401 && stranger != 303 {
                assert!(
                    PUBLIC.contains(&(method.as_str(), template.as_str())),
                    "a stranger may use {method} {template} ({stranger}): a public route?"
                );
                assert_eq!(stranger, 404, "a stranger: {method} {path}");
                assert_eq!(
                    send(Some(&desk), method, &path).await,
                    404,
                    "{method} {path}"
                );
                continue;
            }
            assert_ne!(own, 403, "B's organiser: {method} {path}");
            assert_ne!(own, 401, "B's organiser: {method} {path}");
            assert_eq!(
                send(Some(&desk), method, &path).await,
                403,
                "A's desk: {method} {path}"
            );
            assert_eq!(
                send(Some(&organiser), method, &path).await,
                403,
                "A's organiser: {method} {path}"
            );
            assert_ne!(
                send(Some(&admin), method, &path).await,
                403,
                "an admin: {method} {path}"
            );
        }
    }
    assert!(probed >= paths.len(), "every route has a method: {probed}");
}

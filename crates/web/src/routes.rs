//! Routers that remember their paths, so that tests can walk every route the application serves
//! (a new route cannot be forgotten by a test of who may use it): [`paths`] lists the pages'
//! routes as they were added, and the API's from its OpenAPI document, which is built from the
//! very handlers it routes.

use crate::AppState;
use axum::Router;
use axum::routing::MethodRouter;

/// A router with the list of its paths.
pub(crate) struct Listed {
    router: Router<AppState>,
    paths: Vec<&'static str>,
}

impl Listed {
    pub(crate) fn new() -> Self {
        Self {
            router: Router::new(),
            paths: Vec::new(),
        }
    }

    /// [`Router::route`], remembered.
    pub(crate) fn route(mut self, path: &'static str, handler: MethodRouter<AppState>) -> Self {
        self.paths.push(path);
        self.router = self.router.route(path, handler);
        self
    }

    /// [`Router::merge`], with the other's paths.
    pub(crate) fn merge(mut self, other: Listed) -> Self {
        self.paths.extend(other.paths);
        self.router = self.router.merge(other.router);
        self
    }

    pub(crate) fn into_router(self) -> Router<AppState> {
        self.router
    }
}

/// Every path the application routes (with its `{parameters}`), pages and API alike.
pub fn paths() -> Vec<String> {
    let mut paths: Vec<String> = crate::pages_and_files()
        .paths
        .into_iter()
        .map(str::to_owned)
        .collect();
    paths.extend(crate::api::document().paths.paths.keys().cloned());
    paths
}

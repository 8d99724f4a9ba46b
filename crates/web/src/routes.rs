//! The router is built through a [`RouteTable`], which remembers every path it is given, so
//! that the list of routes (for the authorization matrix test) is the router itself and
//! cannot drift from it.

use axum::routing::MethodRouter;
use axum::Router;

use crate::state::AppState;

#[derive(Default)]
pub struct RouteTable {
    router: Router<AppState>,
    paths: Vec<String>,
}

impl RouteTable {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn route(mut self, path: &str, method_router: MethodRouter<AppState>) -> Self {
        self.paths.push(path.to_owned());
        self.router = self.router.route(path, method_router);
        self
    }

    pub fn nest(mut self, prefix: &str, other: RouteTable) -> Self {
        self.paths.extend(other.paths.into_iter().map(|p| format!("{prefix}{p}")));
        self.router = self.router.nest(prefix, other.router);
        self
    }

    pub fn merge(mut self, other: RouteTable) -> Self {
        self.paths.extend(other.paths);
        self.router = self.router.merge(other.router);
        self
    }

    /// Applies fallbacks and layers to the routes so far (they add no paths).
    pub fn map_router(mut self, f: impl FnOnce(Router<AppState>) -> Router<AppState>) -> Self {
        self.router = f(self.router);
        self
    }

    pub fn paths(&self) -> &[String] {
        &self.paths
    }

    pub fn into_router(self) -> Router<AppState> {
        self.router
    }
}

//! The kinds of content the web layer serves through the content kernel, one module each.
//! Registering a kind (one line in [`routes`]) gives it its pages, API and feed; a test
//! checks that every member-written kind of the domain's registry is registered here.

mod news;

use crate::content::{api_routes, feed_routes, page_routes, Presented};
use crate::routes::RouteTable;

/// The routes of every member-written kind, by where they are mounted.
#[derive(Default)]
pub struct KindRoutes {
    pub pages: RouteTable,
    pub feeds: RouteTable,
    /// Under `/api/v1`.
    pub api: RouteTable,
    /// The ids of the kinds registered.
    pub served: Vec<&'static str>,
}

impl KindRoutes {
    fn with<K: Presented>(mut self) -> Self {
        self.pages = self.pages.merge(page_routes::<K>());
        self.feeds = self.feeds.merge(feed_routes::<K>());
        self.api = self.api.merge(api_routes::<K>());
        self.served.push(K::KIND.id);
        self
    }
}

pub fn routes() -> KindRoutes {
    KindRoutes::default().with::<lshub_domain::news::News>()
}

#[cfg(test)]
mod tests {
    use lshub_domain::content::KINDS;

    #[test]
    fn every_member_written_kind_is_served() {
        let served = super::routes().served;
        for kind in KINDS.iter().filter(|k| k.is_member_written()) {
            assert!(served.contains(&kind.id), "{} is registered in the domain but has no pages", kind.id);
        }
    }
}

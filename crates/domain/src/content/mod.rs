//! The content kernel: one registry of the kinds of content the hub holds, and one
//! lifecycle for the kinds members write. Storage, search, pages, the API, feeds, figures
//! and the authorization matrix read the registry, so a kind is declared once.

mod item;
mod kind;
mod lifecycle;
mod registry;

pub use item::{changed_fields, Item, Owner, Reference, Revision, SearchDocument, Searchable, Written};
pub use kind::{Authoring, Kind, Storage, ITEMS_TABLE};
pub use lifecycle::{has_expired, is_listed, reminder_due, LifecycleError, State, Transition, EXPIRY_REMINDER_DAYS};
// Every kind the registry declares is exported as it is declared: no second list to keep.
pub use registry::*;

/// Kinds for the domain's own tests: one that needs review before publication, one that
/// does not.
#[cfg(test)]
pub(crate) mod test_kinds {
    use super::{Authoring, Kind, Storage};

    pub static REVIEWED: Kind = Kind {
        id: "reviewed",
        path: "reviewed",
        storage: Storage::Items,
        authoring: Authoring::Members { review: true, lifetime_days: None },
        facets: &[],
    };

    pub static DIRECT: Kind = Kind {
        id: "direct",
        path: "direct",
        storage: Storage::Items,
        authoring: Authoring::Members { review: false, lifetime_days: None },
        facets: &[],
    };
}

//! The registry: every kind of content the hub holds. Adding a kind is one entry in
//! [`KINDS`] plus the kind's own modules; ARCHITECTURE.md lists the steps.

use super::kind::{Authoring, Kind, Storage};

pub static ORGANISATION: Kind = Kind {
    id: "organisation",
    path: "organisations",
    storage: Storage::Table { table: "organisations", key: "slug" },
    authoring: Authoring::Profile,
    facets: &["kind", "city", "country"],
};

pub static CALL: Kind = Kind {
    id: "call",
    path: "calls",
    storage: Storage::Table { table: "call_topics", key: "topic_id" },
    authoring: Authoring::Imported,
    facets: &["programme", "status"],
};

/// Calls of national and regional funders, entered by partners; a published one is listed
/// among the calls.
pub static FUNDER_CALL: Kind = Kind {
    id: "funder-call",
    path: "funder-calls",
    storage: Storage::Items,
    authoring: Authoring::Partners,
    facets: &["organisation", "funder"],
};

pub static NEWS: Kind = Kind {
    id: "news",
    path: "news",
    storage: Storage::Items,
    authoring: Authoring::Members { review: false, lifetime_days: None },
    facets: &["organisation", "language"],
};

pub static DATASET: Kind = Kind {
    id: "dataset",
    path: "datasets",
    storage: Storage::Items,
    authoring: Authoring::Members { review: false, lifetime_days: None },
    facets: &["organisation", "access-rights", "theme", "coding-system", "duo"],
};

/// Needs and offers; they last six months unless renewed.
pub static OPPORTUNITY: Kind = Kind {
    id: "opportunity",
    path: "opportunities",
    storage: Storage::Items,
    authoring: Authoring::Members { review: false, lifetime_days: Some(182) },
    facets: &["organisation", "type", "stage", "partner"],
};

/// Events of the region, written by their organisers.
pub static EVENT: Kind = Kind {
    id: "event",
    path: "events",
    storage: Storage::Items,
    authoring: Authoring::Members { review: false, lifetime_days: None },
    facets: &["organisation", "type", "language"],
};

/// Vacancies of the region's organisations; each is listed until its deadline or until it
/// is filled.
pub static VACANCY: Kind = Kind {
    id: "vacancy",
    path: "vacancies",
    storage: Storage::Items,
    authoring: Authoring::Members { review: false, lifetime_days: None },
    facets: &["organisation", "employment", "profile", "workplace", "programme", "status", "eu-funded"],
};

/// Talent programmes: PhD tracks, fellowships, traineeships, courses, summer schools.
pub static PROGRAMME: Kind = Kind {
    id: "programme",
    path: "programmes",
    storage: Storage::Items,
    authoring: Authoring::Members { review: false, lifetime_days: None },
    facets: &["organisation", "type", "host"],
};

/// Shared facilities and instruments that other organisations can book.
pub static FACILITY: Kind = Kind {
    id: "facility",
    path: "facilities",
    storage: Storage::Items,
    authoring: Authoring::Members { review: false, lifetime_days: None },
    facets: &["organisation", "type", "user-type", "training"],
};

/// Lab and office space that operators offer to new initiatives.
pub static SPACE: Kind = Kind {
    id: "space",
    path: "spaces",
    storage: Storage::Items,
    authoring: Authoring::Members { review: false, lifetime_days: None },
    facets: &["organisation", "type", "city", "biosafety"],
};

/// The register of initiatives: programmes, projects, consortia, public–private
/// partnerships and living labs, with their partners.
pub static INITIATIVE: Kind = Kind {
    id: "initiative",
    path: "initiatives",
    storage: Storage::Items,
    authoring: Authoring::Members { review: false, lifetime_days: None },
    facets: &["organisation", "type", "status", "partner"],
};

/// Every kind, in the order pages and figures list them.
pub static KINDS: &[&Kind] = &[
    &ORGANISATION,
    &CALL,
    &FUNDER_CALL,
    &NEWS,
    &DATASET,
    &OPPORTUNITY,
    &EVENT,
    &VACANCY,
    &PROGRAMME,
    &FACILITY,
    &SPACE,
    &INITIATIVE,
];

pub fn kind_by_id(id: &str) -> Option<&'static Kind> {
    KINDS.iter().copied().find(|k| k.id == id)
}

pub fn kind_by_path(path: &str) -> Option<&'static Kind> {
    KINDS.iter().copied().find(|k| k.path == path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_and_paths_are_unique() {
        for (i, a) in KINDS.iter().enumerate() {
            for b in &KINDS[i + 1..] {
                assert_ne!(a.id, b.id);
                assert_ne!(a.path, b.path);
            }
            assert_eq!(kind_by_id(a.id), Some(*a));
            assert_eq!(kind_by_path(a.path), Some(*a));
        }
    }

    #[test]
    fn ids_and_paths_are_url_safe() {
        for kind in KINDS {
            for text in [kind.id, kind.path] {
                assert!(!text.is_empty() && text.bytes().all(|b| b.is_ascii_lowercase() || b == b'-'), "{text}");
            }
        }
    }
}

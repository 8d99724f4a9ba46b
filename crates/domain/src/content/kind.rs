/// One kind of content, as the registry declares it. Everything a layer needs to serve a
/// kind without code of its own is here; what differs in substance (fields, validation,
/// templates) lives in the kind's own modules.
#[derive(Debug, PartialEq, Eq, Hash)]
pub struct Kind {
    /// The id in the API (`type=news`), search documents, stored rows and audit entries.
    pub id: &'static str,
    /// The path segment of its pages and API routes: `/news`, `/api/v1/news`.
    pub path: &'static str,
    /// Where its rows live, and the column its pages are addressed by.
    pub storage: Storage,
    /// Who writes it, and the rules of its lifecycle.
    pub authoring: Authoring,
    /// The facets a list of the kind can be filtered by, as search documents name them.
    pub facets: &'static [&'static str],
}

/// Where a kind's rows live.
#[derive(Debug, PartialEq, Eq, Hash)]
pub enum Storage {
    /// A table of its own, with the column that addresses an item.
    Table { table: &'static str, key: &'static str },
    /// The kernel's shared tables of member-written items (`content_items`), by slug.
    Items,
}

/// The table whose rows hold member-written items of every kind.
pub const ITEMS_TABLE: &str = "content_items";

impl Storage {
    pub fn table(&self) -> &'static str {
        match self {
            Storage::Table { table, .. } => table,
            Storage::Items => ITEMS_TABLE,
        }
    }
}

/// Who writes a kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Authoring {
    /// Imported from open data; members change nothing (funding calls).
    Imported,
    /// Imported, and then kept by the members of the organisation it describes, who edit
    /// but neither create, publish nor delete it (organisation profiles).
    Profile,
    /// Written by the members of the owning organisation through the kernel's lifecycle.
    Members {
        /// Published only after a partner or an admin approved it.
        review: bool,
        /// How long a new item lasts unless its owner chooses, and how far one click renews
        /// it; `None` for items that do not expire unless their owner says so.
        lifetime_days: Option<u32>,
    },
    /// Written through the kernel's lifecycle by the staff of partner organisations for the
    /// region (calls of other funders): owned by the partner's organisation, written by its
    /// members who hold the partner role, moderated by any partner.
    Partners,
}

impl Kind {
    /// Whether its items are written through the kernel's lifecycle (by members or partners).
    pub fn is_written(&self) -> bool {
        matches!(self.authoring, Authoring::Members { .. } | Authoring::Partners)
    }

    /// Whether publishing needs a moderator's approval.
    pub fn needs_review(&self) -> bool {
        matches!(self.authoring, Authoring::Members { review: true, .. })
    }

    /// The days a new item lasts by default, and a renewal adds.
    pub fn lifetime_days(&self) -> Option<u32> {
        match self.authoring {
            Authoring::Members { lifetime_days, .. } => lifetime_days,
            _ => None,
        }
    }

    pub fn table(&self) -> &'static str {
        self.storage.table()
    }
}

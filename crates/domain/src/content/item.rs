//! A member-written item: what the kernel keeps about every item (owner, state, expiry,
//! revisions), around the record that is the kind's own.

use chrono::{DateTime, NaiveDate, Utc};
use serde::de::DeserializeOwned;

use super::kind::Kind;
use super::lifecycle::{self, State};
use crate::language::Language;
use crate::record::Versioned;
use crate::validation::ValidationError;

/// The organisation that owns an item; its members edit it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Owner {
    pub id: String,
    pub slug: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Item<T> {
    pub id: String,
    pub kind: &'static Kind,
    /// Its address in the kind's pages: `/news/{slug}`.
    pub slug: String,
    pub owner: Owner,
    pub state: State,
    /// Counts every saved change, from 1; an edit names the revision it was made to, so
    /// that no one's change is silently undone.
    pub revision: i64,
    pub expires_on: Option<NaiveDate>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// When it was first published.
    pub published_at: Option<DateTime<Utc>>,
    pub record: T,
}

impl<T> Item<T> {
    pub fn is_listed(&self, today: NaiveDate) -> bool {
        lifecycle::is_listed(self.state, self.expires_on, today)
    }

    pub fn has_expired(&self, today: NaiveDate) -> bool {
        lifecycle::has_expired(self.expires_on, today)
    }
}

/// One saved version of an item, for its history.
#[derive(Debug, Clone, PartialEq)]
pub struct Revision<T> {
    pub revision: i64,
    pub state: State,
    /// What happened: `created`, `edited`, or a transition's id.
    pub change: String,
    pub changed_by: String,
    pub changed_at: DateTime<Utc>,
    pub record: T,
}

/// Something in the directory a record points at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reference {
    /// An organisation, by address name (slug), named in `field`.
    Organisation { field: &'static str, slug: String },
    /// A call, by topic id, named in `field`.
    Call { field: &'static str, topic_id: String },
    /// A term of a vocabulary the hub has imported (`scheme` is e.g. `DUO`), named in `field`.
    Term { field: &'static str, scheme: &'static str, code: String },
    /// A published item of a member-written kind, by slug, named in `field` (the programme
    /// a vacancy belongs to).
    Item { field: &'static str, kind: &'static Kind, slug: String },
}

/// What the search index knows of one item of any kind.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchDocument {
    pub entity: &'static Kind,
    /// The identifier people and other systems use: a ROR URL, a topic id, else a slug.
    pub id: String,
    /// The key of its page in the hub (a slug or a topic id).
    pub key: String,
    /// Weighted most.
    pub title: String,
    /// Other names: aliases, acronyms, names in other languages, keywords; weighted next.
    pub aliases: Vec<String>,
    /// Names in registers, e.g. the legal names of the EU project participants linked to an
    /// organisation ("STICHTING AMSTERDAM UMC"): found by their words like other names, but
    /// left out of the sentence vector, which they pulled away from what the thing is.
    pub legal_names: Vec<String>,
    /// Longer text: descriptions, bodies.
    pub body: String,
    /// Facet values, e.g. `("kind", "healthcare")`, `("city", "Amsterdam")`.
    pub facets: Vec<(&'static str, String)>,
}

impl SearchDocument {
    /// The document of a written item named in English, Dutch or both: its first name as
    /// the title, the other and the owner's name as aliases, the record's facets and its
    /// owner's, addressed by its slug.
    pub fn of_item<T: Written>(item: &Item<T>, title: &crate::language::Bilingual, body: String) -> Self {
        let mut aliases: Vec<String> = title.both().skip(1).map(str::to_owned).collect();
        aliases.push(item.owner.name.clone());
        let mut facets = item.record.facets();
        facets.push(("organisation", item.owner.slug.clone()));
        SearchDocument {
            entity: T::KIND,
            id: item.slug.clone(),
            key: item.slug.clone(),
            title: title.both().next().unwrap_or_default().to_owned(),
            aliases,
            legal_names: Vec::new(),
            body,
            facets,
        }
    }
}

/// Something the search index finds: a record of an imported kind. (An item of a
/// member-written kind gives its document through [`Written::search_document`].)
pub trait Searchable {
    fn search_document(&self) -> SearchDocument;
}

/// The record of a member-written kind: its fields, rules and search document. The kernel
/// does the rest (storage, lifecycle, history, pages, API, feeds).
pub trait Written: Versioned + Clone + PartialEq + Send + Sync + 'static {
    const KIND: &'static Kind;
    /// Whether items of the kind may be members-only ([`Written::owner_hidden`]); such a
    /// kind records the facet `visibility` (`public` or `members`), which keeps members-only
    /// items out of the lists by organisation that visitors see.
    const OWNER_MAY_BE_HIDDEN: bool = false;
    /// The form of the record as a member submits it (a form or a JSON body).
    type Draft: DeserializeOwned + Default + Send;

    /// Checks a submitted draft; every refused field is named, in the order of the form.
    fn validate(draft: Self::Draft) -> Result<Self, Vec<ValidationError>>;

    /// The draft that edits this record.
    fn to_draft(&self) -> Self::Draft;

    fn title(&self) -> &str;

    fn language(&self) -> Option<Language>;

    /// Facet values lists filter by, beyond the owner (which every item has).
    fn facets(&self) -> Vec<(&'static str, String)>;

    /// The field that sets the record's own end ([`Written::ends_on`]), for kinds whose
    /// records have one: their form and API then take no expiry date of the kernel's.
    const ENDS_BY: Option<&'static str> = None;

    /// The last day the item is listed, for kinds whose records say when they end (a
    /// vacancy's deadline, or the day before it was filled); the kernel stores it as the
    /// item's expiry.
    fn ends_on(&self) -> Option<NaiveDate> {
        None
    }

    /// Rules on dates that hold on the day a draft is written: a date the writer enters
    /// (new, or changed from the `previous` record) must not have passed on `today`. Read from
    /// the draft, so that they are reported with the rest of the form's refusals; a date that
    /// does not parse is left to [`Written::validate`].
    fn check_dates(_draft: &Self::Draft, _previous: Option<&Self>, _today: NaiveDate) -> Vec<ValidationError> {
        Vec::new()
    }

    /// The organisations and calls the record points at, which must exist when it is saved.
    fn references(&self) -> Vec<Reference> {
        Vec::new()
    }

    /// Takes over from the record an edit replaces what the draft does not carry (such as
    /// where an imported record came from).
    fn carry_over(&mut self, _previous: &Self) {}

    /// Whether only signed-in members may see which organisation owns it ("members only");
    /// visitors then see the item without its owner.
    fn owner_hidden(&self) -> bool {
        false
    }

    /// The call a published item is listed as among the calls, with `slug` as its topic id
    /// (and as its source id, the kind's id being the source), for kinds whose items are
    /// calls; such an item is found in search as that call.
    fn as_call(&self, _slug: &str) -> Option<crate::call::CallContent> {
        None
    }

    /// Its fields as text, in order, for history: what changed between two revisions.
    fn fields(&self) -> Vec<(&'static str, String)>;

    fn search_document(item: &Item<Self>) -> SearchDocument;
}

/// The fields that differ between two records: `(field, before, after)`.
pub fn changed_fields<T: Written>(before: Option<&T>, after: &T) -> Vec<(&'static str, String, String)> {
    let before = before.map(Written::fields).unwrap_or_default();
    after
        .fields()
        .into_iter()
        .filter_map(|(name, value)| {
            let old = before.iter().find(|(n, _)| *n == name).map(|(_, v)| v.clone()).unwrap_or_default();
            (old != value).then_some((name, old, value))
        })
        .collect()
}

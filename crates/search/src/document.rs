use lshub_domain::{CallTopic, Organisation};
use serde::Serialize;
use utoipa::ToSchema;

/// The kinds of entity the index holds. The ids appear in the API (`type=organisation`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum EntityType {
    Organisation,
    Call,
}

impl EntityType {
    pub const ALL: [EntityType; 2] = [EntityType::Organisation, EntityType::Call];

    pub fn id(self) -> &'static str {
        match self {
            EntityType::Organisation => "organisation",
            EntityType::Call => "call",
        }
    }

    pub fn from_id(id: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.id() == id)
    }
}

/// What the index knows of one entity.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchDocument {
    pub entity: EntityType,
    /// The identifier people and other systems use: a ROR URL, a topic id, else a slug.
    pub id: String,
    /// The key of the entity's page in the hub (a slug or a topic id).
    pub key: String,
    pub title: String,
    /// Other names: aliases, acronyms, names in other languages, keywords.
    pub aliases: Vec<String>,
    /// Longer text: descriptions.
    pub body: String,
    /// Facet values, e.g. `("kind", "healthcare")`, `("city", "Amsterdam")`.
    pub facets: Vec<(&'static str, String)>,
}

/// An entity that can be found through the index.
pub trait Searchable {
    fn search_document(&self) -> SearchDocument;
}

impl Searchable for Organisation {
    fn search_document(&self) -> SearchDocument {
        let profile = &self.profile;
        let address = profile.primary_address();
        let mut aliases = profile.aliases.clone();
        aliases.extend(profile.names.en.iter().chain(profile.names.nl.iter()).cloned());
        let body = [profile.descriptions.en.as_deref(), profile.descriptions.nl.as_deref()]
            .into_iter()
            .flatten()
            .chain(profile.sectors.iter().map(String::as_str))
            .collect::<Vec<_>>()
            .join("\n");
        let mut facets = vec![("kind", profile.kind.id().to_owned())];
        if let Some(city) = address.and_then(|a| a.city.clone()) {
            facets.push(("city", city));
        }
        if let Some(country) = address.and_then(|a| a.country_code.clone()) {
            facets.push(("country", country));
        }
        SearchDocument {
            entity: EntityType::Organisation,
            id: profile.identifiers.ror.as_ref().map_or_else(|| self.slug.clone(), |r| r.as_url().to_owned()),
            key: self.slug.clone(),
            title: profile.name.clone(),
            aliases,
            body,
            facets,
        }
    }
}

impl Searchable for CallTopic {
    fn search_document(&self) -> SearchDocument {
        let content = &self.content;
        let mut aliases = content.keywords.clone();
        aliases.extend(content.call_title.iter().cloned());
        SearchDocument {
            entity: EntityType::Call,
            id: content.topic_id.clone(),
            key: content.topic_id.clone(),
            title: content.title.clone(),
            aliases,
            body: content.description.clone(),
            facets: vec![("programme", content.programme.clone()), ("status", content.status.id().to_owned())],
        }
    }
}

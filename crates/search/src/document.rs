pub use lshub_domain::content::SearchDocument;
use lshub_domain::content::{self, Kind};
use lshub_domain::{CallTopic, Organisation};
use serde::Serialize;
use utoipa::ToSchema;

/// A kind of content, as the index and the API name it (`type=organisation`): the kinds of
/// the domain's registry, so that a new kind is searchable and filterable once registered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct EntityType(pub &'static Kind);

impl EntityType {
    pub const ORGANISATION: EntityType = EntityType(&content::ORGANISATION);
    pub const CALL: EntityType = EntityType(&content::CALL);

    pub fn all() -> impl Iterator<Item = EntityType> {
        content::KINDS.iter().map(|kind| EntityType(kind))
    }

    pub fn id(self) -> &'static str {
        self.0.id
    }

    pub fn from_id(id: &str) -> Option<Self> {
        content::kind_by_id(id).map(EntityType)
    }

    pub fn kind(self) -> &'static Kind {
        self.0
    }
}

impl Serialize for EntityType {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.id())
    }
}

impl utoipa::PartialSchema for EntityType {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .description(Some("The kinds of entity the index holds. The ids appear in the API (`type=organisation`)."))
            .enum_values(Some(content::KINDS.iter().map(|kind| kind.id)))
            .into()
    }
}

impl ToSchema for EntityType {}

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
            entity: &content::ORGANISATION,
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
            entity: &content::CALL,
            id: content.topic_id.clone(),
            key: content.topic_id.clone(),
            title: content.title.clone(),
            aliases,
            body: content.description.clone(),
            facets: vec![("programme", content.programme.clone()), ("status", content.status.id().to_owned())],
        }
    }
}

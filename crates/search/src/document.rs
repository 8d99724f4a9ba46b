use lshub_domain::content::{self, Kind};
pub use lshub_domain::content::{SearchDocument, Searchable};
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

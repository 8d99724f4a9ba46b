//! The OpenAPI description of a member-written kind's API, built from the kind's wire types:
//! a kind that is registered is documented, with no annotations of its own.

use utoipa::openapi::path::{HttpMethod, Operation, OperationBuilder, ParameterBuilder, ParameterIn};
use utoipa::openapi::request_body::RequestBodyBuilder;
use utoipa::openapi::schema::{AllOfBuilder, ArrayBuilder, ObjectBuilder, Type};
use utoipa::openapi::security::SecurityRequirement;
use utoipa::openapi::{Content, OpenApi, Ref, RefOr, Required, ResponseBuilder, Schema};
use utoipa::{PartialSchema, ToSchema};

use super::api::ItemMeta;
use super::Presented;
use crate::error::Problem;

fn problem(description: &str) -> utoipa::openapi::Response {
    ResponseBuilder::new()
        .description(description)
        .content("application/problem+json", Content::new(Some(Ref::from_schema_name(Problem::name()))))
        .build()
}

fn json(description: &str, schema: impl Into<RefOr<Schema>>) -> utoipa::openapi::Response {
    ResponseBuilder::new().description(description).content("application/json", Content::new(Some(schema))).build()
}

fn string_param(name: &str, place: ParameterIn, description: &str) -> utoipa::openapi::path::Parameter {
    let required = if place == ParameterIn::Path { Required::True } else { Required::False };
    ParameterBuilder::new()
        .name(name)
        .parameter_in(place)
        .required(required)
        .description(Some(description))
        .schema(Some(ObjectBuilder::new().schema_type(Type::String)))
        .build()
}

fn integer_param(name: &str, description: &str) -> utoipa::openapi::path::Parameter {
    ParameterBuilder::new()
        .name(name)
        .parameter_in(ParameterIn::Query)
        .required(Required::False)
        .description(Some(description))
        .schema(Some(ObjectBuilder::new().schema_type(Type::Integer).minimum(Some(0))))
        .build()
}

/// The JSON body of a write: the kernel's fields beside the kind's own.
fn body(kernel: ObjectBuilder, input: &str) -> utoipa::openapi::request_body::RequestBody {
    let schema = AllOfBuilder::new().item(kernel).item(Ref::from_schema_name(input));
    RequestBodyBuilder::new()
        .required(Some(Required::True))
        .content("application/json", Content::new(Some(schema)))
        .build()
}

fn expires_on() -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .format(Some(utoipa::openapi::SchemaFormat::KnownFormat(utoipa::openapi::KnownFormat::Date)))
        .description(Some("After this day the item leaves lists, search and feeds."))
}

/// Adds the paths and schemas of kind `K` to `openapi`.
pub fn describe<K: Presented>(openapi: &mut OpenApi) {
    let kind = K::KIND;
    let wire = K::Wire::name().into_owned();
    let input = K::Input::name().into_owned();
    let item_name = format!("{}Item", wire.trim_end_matches("Wire"));
    let components = openapi.components.get_or_insert_with(Default::default);
    let mut schemas = Vec::new();
    K::Wire::schemas(&mut schemas);
    K::Input::schemas(&mut schemas);
    components.schemas.extend(schemas);
    components.schemas.insert(wire.clone(), K::Wire::schema());
    components.schemas.insert(input.clone(), K::Input::schema());
    components.schemas.insert(ItemMeta::name().into_owned(), ItemMeta::schema());
    components.schemas.insert(
        item_name.clone(),
        AllOfBuilder::new()
            .item(Ref::from_schema_name(ItemMeta::name()))
            .item(Ref::from_schema_name(wire.as_str()))
            .into(),
    );
    let item = || Ref::from_schema_name(item_name.as_str());
    let list = ObjectBuilder::new()
        .property("items", ArrayBuilder::new().items(item()))
        .property("total", ObjectBuilder::new().schema_type(Type::Integer))
        .property("limit", ObjectBuilder::new().schema_type(Type::Integer))
        .property("offset", ObjectBuilder::new().schema_type(Type::Integer))
        .required("items")
        .required("total")
        .required("limit")
        .required("offset");
    let tag = kind.path;
    let slug = || string_param("slug", ParameterIn::Path, "The item's address name");
    let write = |operation: OperationBuilder| -> Operation {
        operation
            .tag(tag)
            .security(SecurityRequirement::new("bearer", Vec::<String>::new()))
            .response("400", problem("Malformed JSON or an invalid field"))
            .response("401", problem("No token, or an unknown or revoked one"))
            .response("403", problem("Not allowed for this caller, or the token lacks the write scope"))
            .response("404", problem("No such item or organisation"))
            .build()
    };
    let base = format!("/api/v1/{}", kind.path);
    let one = format!("{base}/{{slug}}");
    let paths = &mut openapi.paths;
    paths.add_path_operation(
        &base,
        vec![HttpMethod::Get],
        OperationBuilder::new()
            .tag(tag)
            .summary(Some(format!("Published {} items, newest first", kind.id)))
            .parameter(string_param(
                "organisation",
                ParameterIn::Query,
                "Only the items of this organisation (its address name)",
            ))
            .parameters(Some(K::FILTERS.iter().map(|f| string_param(f.facet, ParameterIn::Query, f.description))))
            .parameter(integer_param("limit", "Items per page, 1 to 100 (default 20)"))
            .parameter(integer_param("offset", "How many items to skip"))
            .response("200", json("One page of items", list))
            .response("400", problem("A parameter is invalid"))
            .response("404", problem("No such organisation"))
            .build(),
    );
    paths.add_path_operation(
        &base,
        vec![HttpMethod::Post],
        write(
            OperationBuilder::new()
                .summary(Some(format!("Writes a {} item as a draft of an organisation the caller belongs to", kind.id)))
                .request_body(Some(body(
                    ObjectBuilder::new()
                        .property("organisation", ObjectBuilder::new().schema_type(Type::String))
                        .property("expiresOn", expires_on())
                        .required("organisation"),
                    &input,
                )))
                .response("201", json("The new draft", item())),
        ),
    );
    paths.add_path_operation(
        &one,
        vec![HttpMethod::Get],
        OperationBuilder::new()
            .tag(tag)
            .summary(Some("One item; drafts only for their organisation and the moderators"))
            .parameter(slug())
            .response("200", json("The item", item()))
            .response("404", problem("No such item, or not for this caller"))
            .build(),
    );
    paths.add_path_operation(
        &one,
        vec![HttpMethod::Put],
        write(
            OperationBuilder::new()
                .summary(Some("Replaces an item's fields, as of the revision the change was made to"))
                .parameter(slug())
                .request_body(Some(body(
                    ObjectBuilder::new()
                        .property("revision", ObjectBuilder::new().schema_type(Type::Integer))
                        .property("expiresOn", expires_on())
                        .required("revision"),
                    &input,
                )))
                .response("200", json("The saved item", item()))
                .response("409", problem("Someone saved a newer revision; nothing was written")),
        ),
    );
    paths.add_path_operation(
        &one,
        vec![HttpMethod::Delete],
        write(
            OperationBuilder::new()
                .summary(Some("Removes an item and its history"))
                .parameter(slug())
                .response("204", ResponseBuilder::new().description("Deleted").build()),
        ),
    );
    let transitions = lshub_domain::content::Transition::ALL.iter().map(|t| t.id()).chain(["renew"]);
    paths.add_path_operation(
        format!("{one}/state"),
        vec![HttpMethod::Post],
        write(
            OperationBuilder::new()
                .summary(Some(
                    "Submits, publishes, sends back, archives or restores an item, or renews one of a kind \
                     whose items expire",
                ))
                .parameter(slug())
                .request_body(Some(
                    RequestBodyBuilder::new()
                        .required(Some(Required::True))
                        .content(
                            "application/json",
                            Content::new(Some(
                                ObjectBuilder::new()
                                    .property(
                                        "transition",
                                        ObjectBuilder::new().schema_type(Type::String).enum_values(Some(transitions)),
                                    )
                                    .required("transition"),
                            )),
                        )
                        .build(),
                ))
                .response("200", json("The item in its new state", item()))
                .response("409", problem("The item's state does not allow this")),
        ),
    );
    openapi.tags.get_or_insert_with(Vec::new).push(utoipa::openapi::tag::Tag::new(tag));
    K::describe_own(openapi);
}

/// Adds `POST /api/v1/{path}/{slug}/{action}` of kind `K`: an action of the kind's own on one
/// item, without a body, answered with the item.
pub(crate) fn describe_item_action<K: Presented>(openapi: &mut OpenApi, action: &str, summary: &str) {
    let item_name = format!("{}Item", K::Wire::name().trim_end_matches("Wire"));
    let operation = OperationBuilder::new()
        .tag(K::KIND.path)
        .operation_id(Some(format!("{}_{}", K::KIND.id, action.replace('-', "_"))))
        .summary(Some(summary))
        .security(SecurityRequirement::new("bearer", Vec::<String>::new()))
        .parameter(string_param("slug", ParameterIn::Path, "The item's address name"))
        .response("200", json("The item", Ref::from_schema_name(item_name.as_str())))
        .response("400", problem("The item's state or fields do not allow this"))
        .response("401", problem("No token, or an unknown or revoked one"))
        .response("403", problem("Not allowed for this caller, or the token lacks the write scope"))
        .response("404", problem("No such item"))
        .response("409", problem("The item's state does not allow this"))
        .build();
    openapi.paths.add_path_operation(
        format!("/api/v1/{}/{{slug}}/{action}", K::KIND.path),
        vec![HttpMethod::Post],
        operation,
    );
}

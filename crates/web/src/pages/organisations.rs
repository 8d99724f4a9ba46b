//! The directory of organisations and each organisation's page.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use lshub_domain::{Organisation, OrganisationKind, OrganisationSort};
use serde_json::json;

use super::widgets::{url_with, Pager, SelectOption};
use super::{format, render, PageContext};
use crate::error::AppError;
use crate::i18n::Translator;
use crate::params::{OrganisationParams, Params};
use crate::state::AppState;

pub struct OrganisationRow {
    pub url: String,
    pub name: String,
    pub kind: String,
    pub place: String,
}

impl OrganisationRow {
    fn new(t: &Translator, organisation: &Organisation) -> Self {
        Self {
            url: format!("/organisations/{}", organisation.slug),
            name: organisation.profile.display_name(t.lang).to_owned(),
            kind: kind_label(t, organisation.profile.kind),
            place: organisation.profile.primary_address().and_then(|a| a.place()).unwrap_or_default(),
        }
    }
}

fn kind_label(t: &Translator, kind: OrganisationKind) -> String {
    t.t(&format!("kind-{}", kind.id()))
}

#[derive(Template)]
#[template(path = "organisations.html")]
struct DirectoryPage {
    ctx: PageContext,
    q: String,
    kinds: Vec<SelectOption>,
    cities: Vec<SelectOption>,
    countries: Vec<SelectOption>,
    sorts: Vec<SelectOption>,
    count: String,
    rows: Vec<OrganisationRow>,
    pager: Pager,
}

pub async fn list(
    State(state): State<AppState>,
    ctx: PageContext,
    Params(params): Params<OrganisationParams>,
) -> Result<Response, AppError> {
    let filter = params.to_filter()?;
    let page = state.db.list_organisations(&filter).await?;
    let figures = state.derived.figures();
    let t = &ctx.t;
    let kind = filter.kind.map(OrganisationKind::id);
    let mut city_options: Vec<SelectOption> = figures
        .cities
        .iter()
        .map(|(city, _)| SelectOption::new(city.clone(), city.clone(), filter.city.as_deref()))
        .collect();
    city_options.sort_by(|a, b| a.label.cmp(&b.label));
    // A city typed into the address stays selectable even when it is not among the largest.
    if let Some(city) = filter.city.as_deref().filter(|_| !city_options.iter().any(|o| o.selected)) {
        city_options.insert(0, SelectOption::new(city, city, Some(city)));
    }
    let sort_labels = [
        (OrganisationSort::Name, "sort-name"),
        (OrganisationSort::NameDesc, "sort-name-desc"),
        (OrganisationSort::City, "sort-city"),
        (OrganisationSort::RecentlyUpdated, "sort-updated"),
    ];
    let view = DirectoryPage {
        q: filter.text.clone().unwrap_or_default(),
        kinds: OrganisationKind::ALL.iter().map(|k| SelectOption::new(k.id(), kind_label(t, *k), kind)).collect(),
        cities: city_options,
        countries: figures
            .stats
            .organisations_by_country
            .iter()
            .map(|c| SelectOption::new(c.key.clone(), c.key.clone(), filter.country.as_deref()))
            .collect(),
        sorts: sort_labels
            .iter()
            .map(|(sort, label)| SelectOption::new(sort.id(), t.t(label), Some(filter.sort.id())))
            .collect(),
        count: t.count("organisations-count", page.total),
        rows: page.items.iter().map(|o| OrganisationRow::new(t, o)).collect(),
        pager: Pager::new(t, page.total, filter.page, |offset| {
            let mut params = params.clone();
            params.offset = Some(offset.to_string());
            url_with("/organisations", &params)
        }),
        ctx,
    };
    render(&view)
}

pub struct Field {
    pub label: String,
    pub value: String,
    pub link: Option<String>,
}

#[derive(Template)]
#[template(path = "organisation.html")]
struct OrganisationPage {
    ctx: PageContext,
    name: String,
    kind: String,
    aliases: String,
    sectors: String,
    description: Option<String>,
    identifiers: Vec<Field>,
    places: Vec<Field>,
    provenance: Vec<Field>,
    json_ld: String,
}

pub async fn show(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(slug): Path<String>,
) -> Result<Response, AppError> {
    let organisation = state.db.organisation_by_slug(&slug).await?.ok_or(AppError::not_found("organisation"))?;
    let t = &ctx.t;
    let profile = &organisation.profile;
    let ids = &profile.identifiers;
    let field = |label: &str, value: String, link: Option<String>| Field { label: t.t(label), value, link };
    let mut identifiers = Vec::new();
    if let Some(ror) = &ids.ror {
        identifiers.push(field("organisation-ror", ror.short().to_owned(), Some(ror.as_url().to_owned())));
    }
    if let Some(kvk) = &ids.kvk {
        identifiers.push(field("organisation-kvk", kvk.clone(), None));
    }
    if let Some(lei) = &ids.lei {
        identifiers.push(field("organisation-lei", lei.clone(), None));
    }
    if let Some(website) = &ids.website {
        identifiers.push(field("organisation-website", website.clone(), Some(website.clone())));
    }
    if let Some(email) = &ids.email {
        identifiers.push(field("organisation-email", email.clone(), Some(format!("mailto:{email}"))));
    }
    let mut places = Vec::new();
    for address in &profile.addresses {
        let street: Vec<&str> =
            [address.street.as_deref(), address.postcode.as_deref()].into_iter().flatten().collect();
        let mut place = street.join(", ");
        if let Some(town) = address.place() {
            if !place.is_empty() {
                place.push_str(", ");
            }
            place.push_str(&town);
        }
        if !place.is_empty() {
            places.push(field("organisation-location", place, None));
        }
        if let (Some(lat), Some(lng)) = (address.latitude, address.longitude) {
            let map = format!("https://www.openstreetmap.org/?mlat={lat}&mlon={lng}#map=14/{lat}/{lng}");
            places.push(field("organisation-coordinates", format!("{lat:.5}, {lng:.5}"), Some(map)));
        }
    }
    let provenance = &organisation.provenance;
    let provenance = vec![
        field("organisation-source", provenance.source.to_uppercase(), None),
        field("organisation-source-record", provenance.source_id.clone(), None),
        field("organisation-first-imported", format::date(t.lang, provenance.first_imported.date_naive()), None),
        field("organisation-last-updated", format::date(t.lang, provenance.last_updated.date_naive()), None),
    ];
    let view = OrganisationPage {
        name: profile.display_name(t.lang).to_owned(),
        kind: kind_label(t, profile.kind),
        aliases: profile.aliases.join(" · "),
        sectors: profile.sectors.join(", "),
        description: profile.descriptions.get(t.lang).map(str::to_owned),
        identifiers,
        places,
        provenance,
        json_ld: json_ld(&state.site.public_url, &organisation),
        ctx,
    };
    render(&view)
}

/// schema.org Organization, escaped so that no value can end the `<script>` element.
fn json_ld(public_url: &str, organisation: &Organisation) -> String {
    let profile = &organisation.profile;
    let ids = &profile.identifiers;
    let same_as: Vec<&str> =
        [ids.ror.as_ref().map(|r| r.as_url()), ids.website.as_deref()].into_iter().flatten().collect();
    let mut document = json!({
        "@context": "https://schema.org",
        "@type": "Organization",
        "name": profile.name,
        "url": format!("{public_url}/organisations/{}", organisation.slug),
        "sameAs": same_as,
    });
    if !profile.aliases.is_empty() {
        document["alternateName"] = json!(profile.aliases);
    }
    if let Some(email) = &ids.email {
        document["email"] = json!(email);
    }
    if let Some(address) = profile.primary_address() {
        document["address"] = json!({
            "@type": "PostalAddress",
            "streetAddress": address.street,
            "postalCode": address.postcode,
            "addressLocality": address.city,
            "addressCountry": address.country_code,
        });
        if let (Some(lat), Some(lng)) = (address.latitude, address.longitude) {
            document["geo"] = json!({ "@type": "GeoCoordinates", "latitude": lat, "longitude": lng });
        }
    }
    escape_for_script(&document.to_string())
}

/// JSON that is safe inside `<script>`: `<`, `>` and `&` become JSON unicode escapes.
fn escape_for_script(json: &str) -> String {
    json.replace('<', "\\u003c").replace('>', "\\u003e").replace('&', "\\u0026")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_ld_cannot_close_the_script() {
        let escaped = escape_for_script(r#"{"name":"</script><script>alert(1)</script> & co"}"#);
        assert!(!escaped.contains("</script"));
        let value: serde_json::Value = serde_json::from_str(&escaped).expect("still JSON");
        assert_eq!(value["name"], "</script><script>alert(1)</script> & co");
    }
}

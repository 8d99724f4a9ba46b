//! The directory of organisations and each organisation's page.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use lshub_domain::authorization::{Action, Resource};
use lshub_domain::content::DATASET;
use lshub_domain::dataset::Dataset;
use lshub_domain::initiative::Initiative;
use lshub_domain::{Address, Language, Organisation, OrganisationKind, OrganisationSort, Pagination};
use lshub_storage::content::ItemFilter;
use serde_json::{json, Map, Value};

use crate::access::pages::{holder_access, HolderAccess};
use crate::auth::Auth;
use crate::error::AppError;
use crate::i18n::Translator;
use crate::pages::facts::{message_or, paragraphs, provenance_fields, web_link, Field, Text};
use crate::pages::widgets::{url_with, Pager, SelectOption};
use crate::pages::{format, matching, render, PageContext};
use crate::params::{OrganisationParams, Params};
use crate::state::AppState;

/// Countries the directory always offers, whatever the data holds.
const COUNTRIES: [&str; 2] = ["NL", "BE"];

pub struct OrganisationRow {
    pub url: String,
    pub name: String,
    pub kind: String,
    pub city: String,
    pub country: String,
}

impl OrganisationRow {
    fn new(t: &Translator, organisation: &Organisation) -> Self {
        let address = organisation.profile.primary_address();
        Self {
            url: format!("/organisations/{}", organisation.slug),
            name: organisation.profile.display_name(t.lang).to_owned(),
            kind: kind_label(t, organisation.profile.kind),
            city: address.and_then(|a| a.city.clone()).unwrap_or_default(),
            country: address.and_then(|a| country_of(t, a)).unwrap_or_default(),
        }
    }
}

fn kind_label(t: &Translator, kind: OrganisationKind) -> String {
    t.t(&format!("kind-{}", kind.id()))
}

/// A country's name in the visitor's language; for a country without a translation, the
/// name the source gives, else its code.
fn country_label(t: &Translator, code: &str, source_name: Option<&str>) -> String {
    message_or(t, &format!("country-{}", code.to_ascii_lowercase()), source_name.unwrap_or(code))
}

fn country_of(t: &Translator, address: &Address) -> Option<String> {
    match (&address.country_code, &address.country_name) {
        (Some(code), name) => Some(country_label(t, code, name.as_deref())),
        (None, name) => name.clone(),
    }
}

/// "Amsterdam, Nederland": city and country as the visitor reads them.
fn place(t: &Translator, address: &Address) -> Option<String> {
    let parts: Vec<String> = [address.city.clone(), country_of(t, address)].into_iter().flatten().collect();
    (!parts.is_empty()).then(|| parts.join(", "))
}

#[derive(Template)]
#[template(path = "organisations.html")]
struct DirectoryPage {
    ctx: PageContext,
    q: String,
    /// Whether any filter narrows the list, for the advice when nothing matches.
    filtered: bool,
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
    let mut cities: Vec<SelectOption> = figures
        .cities
        .iter()
        .map(|(city, _)| SelectOption::new(city.clone(), city.clone(), filter.city.as_deref()))
        .collect();
    cities.sort_by(|a, b| a.label.cmp(&b.label));
    // A city typed into the address stays selectable even when it is not among the largest.
    if let Some(city) = filter.city.as_deref().filter(|_| !cities.iter().any(|o| o.selected)) {
        cities.insert(0, SelectOption::new(city, city, Some(city)));
    }
    let mut country_codes: Vec<&str> = COUNTRIES.to_vec();
    for figure in &figures.stats.organisations_by_country {
        if !country_codes.iter().any(|c| c.eq_ignore_ascii_case(&figure.key)) {
            country_codes.push(&figure.key);
        }
    }
    let sort_labels = [
        (OrganisationSort::Name, "sort-name"),
        (OrganisationSort::NameDesc, "sort-name-desc"),
        (OrganisationSort::City, "sort-city"),
        (OrganisationSort::RecentlyUpdated, "sort-updated"),
    ];
    let view = DirectoryPage {
        q: filter.text.clone().unwrap_or_default(),
        filtered: filter.text.is_some() || filter.kind.is_some() || filter.city.is_some() || filter.country.is_some(),
        kinds: OrganisationKind::ALL.iter().map(|k| SelectOption::new(k.id(), kind_label(t, *k), kind)).collect(),
        cities,
        countries: country_codes
            .into_iter()
            .map(|code| SelectOption::new(code, country_label(t, code, None), filter.country.as_deref()))
            .collect(),
        sorts: sort_labels
            .iter()
            .map(|(sort, label)| SelectOption::new(sort.id(), t.t(label), Some(filter.sort.id())))
            .collect(),
        count: t.count("organisations-count", page.total),
        rows: page.items.iter().map(|o| OrganisationRow::new(t, o)).collect(),
        pager: Pager::new(t, page.total, filter.page, |offset| {
            let mut params = params.clone();
            params.offset = (offset > 0).then(|| offset.to_string());
            url_with("/organisations", &params)
        }),
        ctx,
    };
    render(&view)
}

#[derive(Template)]
#[template(path = "organisation.html")]
struct OrganisationPage {
    ctx: PageContext,
    name: String,
    kind: String,
    kind_url: String,
    /// Official names in other languages and other names, each once.
    other_names: Vec<String>,
    sectors: Vec<String>,
    description: Vec<Text>,
    identifiers: Vec<Field>,
    places: Vec<Field>,
    provenance: Vec<Field>,
    json_ld: String,
    /// Calls that fit and similar organisations.
    matches: Vec<matching::MatchSection>,
    /// Where members go to claim (or, once members, edit) the profile.
    maintain_url: String,
    /// Where a member asks to be introduced to it.
    introduction_url: String,
    /// Its upcoming events.
    agenda_url: String,
    /// Where a signed-in person follows it, for its news in their weekly digest.
    follow_url: String,
    /// The datasets it holds (the first few) and how many there are in all.
    datasets: Vec<HeldDataset>,
    datasets_total: i64,
    datasets_url: String,
    /// The initiatives it runs or takes part in: title, address and status.
    initiatives: Vec<(String, String, String)>,
    /// Its catalogue items and response times to access requests.
    access: Option<HolderAccess>,
    /// Its EU projects and most frequent partners.
    track_record: Option<crate::projects::pages::TrackRecord>,
}

/// A dataset the organisation holds, as its page lists it.
struct HeldDataset {
    title: String,
    url: String,
    access: String,
}

/// The organisation page lists this many of its datasets and links to the rest.
const HELD_DATASETS_SHOWN: u32 = 10;

pub async fn show(
    State(state): State<AppState>,
    ctx: PageContext,
    auth: Auth,
    Path(slug): Path<String>,
) -> Result<Response, AppError> {
    let organisation = state.db.organisation_by_slug(&slug).await?.ok_or(AppError::not_found("organisation"))?;
    let mut view = OrganisationPage::new(ctx, &state.site.public_url, &organisation);
    let wanted =
        [("match-calls", lshub_search::EntityType::CALL), ("match-similar", lshub_search::EntityType::ORGANISATION)];
    // With its legal names and what its EU projects are about.
    let document = lshub_search::organisation_document(&state.db, &organisation).await?;
    view.matches = matching::sections(&state, &view.ctx.t, document, &wanted).await?;
    let (edited, verified) = state.db.organisation_maintenance(&organisation.id).await?;
    for (label, time) in [("organisation-last-verified", verified), ("organisation-last-edited", edited)] {
        if let Some(date) = time.and_then(|t| chrono::DateTime::parse_from_rfc3339(&t).ok()) {
            let value = format::date(view.ctx.t.lang, date.date_naive());
            view.provenance.push(Field { label: view.ctx.t.t(label), value, link: None });
        }
    }
    view.maintain_url = format!("/organisations/{}/claim", organisation.slug);
    view.introduction_url = format!("/introductions/new?organisation={}", organisation.slug);
    view.agenda_url = format!("/agenda?organisation={}", organisation.slug);
    view.follow_url = format!("/organisations/{}/follow", organisation.slug);
    let held = ItemFilter {
        owner_id: Some(organisation.id.clone()),
        listed_on: Some(state.today()),
        pagination: Pagination { limit: HELD_DATASETS_SHOWN, offset: 0 },
        ..ItemFilter::default()
    };
    let held = state.db.list_items::<Dataset>(&held).await?;
    let t = &view.ctx.t;
    view.datasets = held
        .items
        .iter()
        .map(|item| HeldDataset {
            title: item.record.title.get(t.lang).to_owned(),
            url: format!("/{}/{}", item.kind.path, item.slug),
            access: t.t(&format!("dataset-access-{}", item.record.access_rights.id())),
        })
        .collect();
    view.datasets_total = held.total;
    view.datasets_url = format!("/{}?organisation={}", DATASET.path, organisation.slug);
    view.initiatives = initiatives(&state, &view.ctx.t, &organisation).await?;
    let member = auth.require(Action::ManageCatalogue, Resource::Organisation { id: &organisation.id }).is_ok();
    view.access = holder_access(&state, &view.ctx.t, &organisation, member).await?;
    view.track_record = crate::projects::pages::track_record(&state, &view.ctx.t, &organisation).await?;
    render(&view)
}

/// The organisation page lists at most this many of its initiatives.
const INITIATIVES_SHOWN: u32 = 50;

/// The listed initiatives the organisation runs or is a partner of, newest first.
async fn initiatives(
    state: &AppState,
    t: &crate::i18n::Translator,
    organisation: &Organisation,
) -> Result<Vec<(String, String, String)>, AppError> {
    let filter = ItemFilter {
        listed_on: Some(state.today()),
        pagination: Pagination { limit: INITIATIVES_SHOWN, offset: 0 },
        ..ItemFilter::default()
    };
    let owned = ItemFilter { owner_id: Some(organisation.id.clone()), ..filter.clone() };
    let partnered = ItemFilter { facets: vec![("partner".to_owned(), organisation.slug.clone())], ..filter };
    let mut out: Vec<(String, String, String)> = Vec::new();
    for filter in [owned, partnered] {
        for item in state.db.list_items::<Initiative>(&filter).await?.items {
            let url = format!("/{}/{}", item.kind.path, item.slug);
            if !out.iter().any(|(_, known, _)| *known == url) {
                let status = t.t(&format!("initiative-status-{}", item.record.status.id()));
                out.push((item.record.title.get(t.lang).to_owned(), url, status));
            }
        }
    }
    Ok(out)
}

impl OrganisationPage {
    fn new(ctx: PageContext, public_url: &str, organisation: &Organisation) -> Self {
        let t = &ctx.t;
        let profile = &organisation.profile;
        let ids = &profile.identifiers;
        let name = profile.display_name(t.lang).to_owned();
        let mut other_names: Vec<String> = Vec::new();
        for other in [profile.names.nl.as_ref(), profile.names.en.as_ref(), Some(&profile.name)]
            .into_iter()
            .flatten()
            .chain(&profile.aliases)
        {
            if *other != name && !other_names.contains(other) {
                other_names.push(other.clone());
            }
        }
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
            identifiers.push(field("organisation-website", website.clone(), web_link(website)));
        }
        if let Some(email) = &ids.email {
            identifiers.push(field("organisation-email", email.clone(), Some(format!("mailto:{email}"))));
        }
        let mut places = Vec::new();
        for address in &profile.addresses {
            let street: Vec<&str> =
                [address.street.as_deref(), address.postcode.as_deref()].into_iter().flatten().collect();
            let mut written = street.join(", ");
            if let Some(town) = place(t, address) {
                if !written.is_empty() {
                    written.push_str(", ");
                }
                written.push_str(&town);
            }
            if !written.is_empty() {
                places.push(field("organisation-address", written, None));
            }
            if let (Some(lat), Some(lng)) = (address.latitude, address.longitude) {
                places.push(field("organisation-coordinates", format!("{lat:.5}, {lng:.5}"), Some(map_url(lat, lng))));
            }
        }
        // The description in the visitor's language, else the other one, marked as such.
        let (own, other) = match t.lang {
            Language::En => (&profile.descriptions.en, Language::Nl),
            Language::Nl => (&profile.descriptions.nl, Language::En),
        };
        let (description, lang) = match own {
            Some(text) => (Some(text.as_str()), None),
            None => (profile.descriptions.get(t.lang), Some(other.code())),
        };
        let description = description
            .map(|text| paragraphs(text).into_iter().map(|text| Text { text, lang }).collect())
            .unwrap_or_default();
        Self {
            name,
            kind: kind_label(t, profile.kind),
            kind_url: format!("/organisations?kind={}", profile.kind.id()),
            other_names,
            sectors: profile.sectors.clone(),
            description,
            identifiers,
            places,
            provenance: provenance_fields(t, &organisation.provenance),
            json_ld: json_ld(public_url, organisation),
            matches: Vec::new(),
            maintain_url: String::new(),
            introduction_url: String::new(),
            agenda_url: String::new(),
            follow_url: String::new(),
            datasets: Vec::new(),
            datasets_total: 0,
            initiatives: Vec::new(),
            datasets_url: String::new(),
            access: None,
            track_record: None,
            ctx,
        }
    }
}

/// OpenStreetMap centred on a point, with a marker.
fn map_url(lat: f64, lng: f64) -> String {
    format!("https://www.openstreetmap.org/?mlat={lat}&mlon={lng}#map=14/{lat}/{lng}")
}

/// schema.org Organization, escaped so that no value can end the `<script>` element.
fn json_ld(public_url: &str, organisation: &Organisation) -> String {
    let profile = &organisation.profile;
    let ids = &profile.identifiers;
    let mut document = Map::new();
    document.insert("@context".into(), json!("https://schema.org"));
    document.insert("@type".into(), json!("Organization"));
    document.insert("name".into(), json!(profile.name));
    let alternate: Vec<&String> = [profile.names.en.as_ref(), profile.names.nl.as_ref()]
        .into_iter()
        .flatten()
        .chain(&profile.aliases)
        .filter(|n| **n != profile.name)
        .collect();
    if !alternate.is_empty() {
        document.insert("alternateName".into(), json!(alternate));
    }
    document.insert(
        "url".into(),
        json!(format!("{}/organisations/{}", public_url.trim_end_matches('/'), organisation.slug)),
    );
    let same_as: Vec<&str> =
        [ids.ror.as_ref().map(|r| r.as_url()), ids.website.as_deref()].into_iter().flatten().collect();
    if !same_as.is_empty() {
        document.insert("sameAs".into(), json!(same_as));
    }
    if let Some(email) = &ids.email {
        document.insert("email".into(), json!(email));
    }
    if let Some(address) = profile.primary_address() {
        let mut postal = Map::new();
        postal.insert("@type".into(), json!("PostalAddress"));
        for (key, value) in [
            ("streetAddress", &address.street),
            ("postalCode", &address.postcode),
            ("addressLocality", &address.city),
            ("addressCountry", &address.country_code),
        ] {
            if let Some(value) = value {
                postal.insert(key.into(), json!(value));
            }
        }
        if postal.len() > 1 {
            document.insert("address".into(), Value::Object(postal));
        }
        if let (Some(lat), Some(lng)) = (address.latitude, address.longitude) {
            document.insert("geo".into(), json!({ "@type": "GeoCoordinates", "latitude": lat, "longitude": lng }));
        }
    }
    escape_for_script(&Value::Object(document).to_string())
}

/// JSON that is safe inside `<script>`: `<`, `>` and `&` become JSON unicode escapes.
pub(crate) fn escape_for_script(json: &str) -> String {
    json.replace('<', "\\u003c").replace('>', "\\u003e").replace('&', "\\u0026")
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::i18n::I18n;

    fn context(lang: Language) -> PageContext {
        let i18n = Arc::new(I18n::load().expect("translations load"));
        PageContext {
            t: Translator::new(i18n, lang),
            current_url: "/organisations/example".into(),
            region: "Amsterdam".into(),
            signed_in: false,
            admin: false,
        }
    }

    fn organisation() -> Organisation {
        serde_json::from_value(json!({
            "id": "0192",
            "slug": "example-umc",
            "name": "Example UMC </script><script>alert(1)</script>",
            "aliases": ["EUMC & Co"],
            "names": { "nl": "Voorbeeld UMC" },
            "descriptions": { "en": "A hospital.\n\nIt <b>researches</b>." },
            "kind": "healthcare",
            "sectors": ["oncology"],
            "identifiers": {
                "ror": "https://ror.org/04dkp9463",
                "kvk": "12345678",
                "website": "https://example.org/?a=1&b=2",
                "email": "info@example.org"
            },
            "addresses": [{
                "street": "Meibergdreef 9",
                "city": "Amsterdam",
                "countryCode": "NL",
                "countryName": "Netherlands",
                "latitude": 52.29,
                "longitude": 4.96
            }],
            "provenance": {
                "source": "ror",
                "sourceId": "https://ror.org/04dkp9463",
                "firstImported": "2026-01-02T10:00:00Z",
                "lastUpdated": "2026-03-04T10:00:00Z"
            }
        }))
        .expect("a valid organisation")
    }

    #[test]
    fn json_ld_cannot_close_the_script() {
        let escaped = escape_for_script(r#"{"name":"</script><script>alert(1)</script> & co"}"#);
        assert!(!escaped.contains("</script"));
        assert!(!escaped.contains(['<', '>', '&']));
        let value: serde_json::Value = serde_json::from_str(&escaped).expect("still JSON");
        assert_eq!(value["name"], "</script><script>alert(1)</script> & co");
    }

    #[test]
    fn json_ld_describes_the_organisation() {
        let value: Value = serde_json::from_str(&json_ld("https://hub.example/", &organisation())).expect("valid JSON");
        assert_eq!(value["@type"], "Organization");
        assert_eq!(value["url"], "https://hub.example/organisations/example-umc");
        assert_eq!(value["alternateName"], json!(["Voorbeeld UMC", "EUMC & Co"]));
        assert_eq!(value["sameAs"], json!(["https://ror.org/04dkp9463", "https://example.org/?a=1&b=2"]));
        assert_eq!(value["address"]["addressLocality"], "Amsterdam");
        assert_eq!(value["address"]["addressCountry"], "NL");
        assert!(value["address"].get("postalCode").is_none(), "absent fields are left out, not null");
        assert_eq!(value["geo"]["latitude"], 52.29);
    }

    #[test]
    fn the_page_shows_every_field_escaped_in_the_visitors_language() {
        let html = OrganisationPage::new(context(Language::Nl), "https://hub.example", &organisation())
            .render()
            .expect("the page renders");
        assert!(html.contains("<h1>Voorbeeld UMC</h1>"), "the Dutch name for a Dutch visitor");
        assert_eq!(html.matches("</script>").count(), 1, "data never closes the JSON-LD script");
        assert!(html.contains("&#60;b&#62;researches") || html.contains("&lt;b&gt;researches"), "{html}");
        assert!(html.contains(r#"<p lang="en">A hospital.</p>"#), "an English description is marked");
        assert!(html.contains("Amsterdam, Nederland"));
        assert!(html.contains("https://www.openstreetmap.org/?mlat=52.29&#38;mlon=4.96#map=14/52.29/4.96"));
        assert!(html.contains(r#"href="https://ror.org/04dkp9463""#));
        assert!(html.contains(r#"href="mailto:info@example.org""#));
        assert!(html.contains("rel=\"nofollow noopener\""));
        assert!(html.contains("Research Organization Registry"));
        assert!(html.contains("4 maart 2026"));
    }
}

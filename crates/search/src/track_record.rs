//! The region's EU track record in search and matching: participants of CORDIS projects
//! linked to the directory's organisations, and what those projects add to an
//! organisation's search document (its legal names as other names, what its projects are
//! about in its text).

use std::collections::{HashMap, HashSet};

use lshub_domain::project::{normalise_vat, same_city, LegalEntity, LinkMethod, Project};
use lshub_domain::Organisation;
use lshub_storage::projects::{AutomaticLink, LinkSummary};
use lshub_storage::{Database, StorageError};

use crate::{Resolver, SearchDocument, Searchable, CONFIDENCE_THRESHOLD};

/// How much of its projects' text an organisation's document takes: enough for what its
/// work is about, without one university's hundred projects drowning its name.
const PROJECT_TEXT_CHARS: usize = 20_000;

/// The search documents of every organisation, with the legal names of the entities
/// linked to it as other names. The organisation's own record is not changed. Its projects
/// stay out of the index: with them (even titles alone) its sentence vector drifts from
/// what the organisation is, and `lshub eval` fell from 0.857 to 0.795 (fused nDCG@10);
/// they count where the organisation is the source of matches ([`organisation_document`]).
pub async fn organisation_documents(db: &Database) -> Result<Vec<SearchDocument>, StorageError> {
    let organisations = db.all_organisations().await?;
    let names = db.linked_legal_names().await?;
    Ok(organisations
        .iter()
        .map(|organisation| {
            let mut document = organisation.search_document();
            add_names(&mut document, names.get(&organisation.id).map(Vec::as_slice).unwrap_or_default());
            document
        })
        .collect())
}

/// One organisation as the source of its matches ("calls that fit"): its legal names, and
/// what its projects are about (titles, keywords, topics, objectives).
pub async fn organisation_document(db: &Database, organisation: &Organisation) -> Result<SearchDocument, StorageError> {
    let (names, projects) = db.organisation_track_record(&organisation.id).await?;
    let mut document = organisation.search_document();
    add_names(&mut document, &names);
    add_projects(&mut document, &projects);
    Ok(document)
}

fn add_names(document: &mut SearchDocument, names: &[String]) {
    let mut known: HashSet<String> =
        std::iter::once(&document.title).chain(&document.aliases).map(|n| n.to_lowercase()).collect();
    for name in names {
        if known.insert(name.to_lowercase()) {
            document.aliases.push(name.clone());
        }
    }
}

/// Titles, keywords and topics of every project first (what matters most, and what the
/// sentence encoder reads before it stops), then objectives, within [`PROJECT_TEXT_CHARS`].
fn add_projects(document: &mut SearchDocument, projects: &[Project]) {
    if projects.is_empty() {
        return;
    }
    let mut seen = HashSet::new();
    let mut lines: Vec<&str> = Vec::new();
    for project in projects {
        let content = &project.content;
        let topics = content.topics.iter().filter_map(|t| t.title.as_deref());
        for line in
            std::iter::once(content.title.as_str()).chain(content.keywords.iter().map(String::as_str)).chain(topics)
        {
            if seen.insert(line.to_lowercase()) {
                lines.push(line);
            }
        }
    }
    lines.extend(projects.iter().map(|p| p.content.objective.as_str()));
    let mut text = String::new();
    for line in lines {
        if text.len() + line.len() + 1 > PROJECT_TEXT_CHARS {
            break;
        }
        text.push('\n');
        text.push_str(line);
    }
    document.body.push_str(&text);
}

/// What linking found: the changes, and how many of the legal entities from the
/// directory's countries are linked, by method.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LinkReport {
    pub changes: LinkSummary,
    /// Legal entities from a country the directory has organisations in.
    pub in_region: usize,
    /// Of those, linked (by VAT, by name and city, by hand).
    pub by_vat: usize,
    pub by_name: usize,
    pub by_hand: usize,
}

impl LinkReport {
    pub fn linked(&self) -> usize {
        self.by_vat + self.by_name + self.by_hand
    }
}

/// Links the participants of the stored projects again (keeping links made by hand) and
/// saves the links: derived data, like sentence vectors.
pub async fn relink_participants(db: &Database) -> Result<LinkReport, crate::SearchError> {
    let organisations = db.all_organisations().await?;
    // The organisations' own names only: with the legal names of earlier links as other
    // names, each run would link more on the strength of the last, and never settle.
    let documents: Vec<SearchDocument> = organisations.iter().map(Searchable::search_document).collect();
    let resolver = Resolver::new(documents.iter());
    let entities = db.all_legal_entities().await?;
    let links = link_participants(&resolver, &organisations, &entities);
    let changes = db.replace_automatic_links(&links).await?;
    let countries = directory_countries(&organisations);
    let mut report = LinkReport { changes, ..LinkReport::default() };
    for entity in db.all_legal_entities().await? {
        if !entity.country.as_deref().is_some_and(|c| countries.contains(c)) {
            continue;
        }
        report.in_region += 1;
        match entity.method {
            Some(LinkMethod::Vat) => report.by_vat += 1,
            Some(LinkMethod::NameAndCity) => report.by_name += 1,
            Some(LinkMethod::Manual) => report.by_hand += 1,
            None => {}
        }
    }
    Ok(report)
}

fn directory_countries(organisations: &[Organisation]) -> HashSet<&str> {
    organisations.iter().filter_map(|o| o.profile.primary_address().and_then(|a| a.country_code.as_deref())).collect()
}

/// Links every legal entity that is not linked by hand: by VAT number first (an
/// organisation's own, or one of an entity linked by hand), then by name and city where
/// the resolver is confident and the country and city agree.
pub fn link_participants(
    resolver: &Resolver,
    organisations: &[Organisation],
    entities: &[LegalEntity],
) -> Vec<AutomaticLink> {
    let by_slug: HashMap<&str, &Organisation> = organisations.iter().map(|o| (o.slug.as_str(), o)).collect();
    let mut vat_owner: HashMap<String, &Organisation> = organisations
        .iter()
        .filter_map(|o| o.profile.identifiers.vat.as_deref().and_then(normalise_vat).map(|vat| (vat, o)))
        .collect();
    for entity in entities.iter().filter(|e| e.method == Some(LinkMethod::Manual)) {
        let owner = entity.organisation.as_deref().and_then(|slug| by_slug.get(slug));
        if let (Some(vat), Some(owner)) = (entity.vat.as_deref().and_then(normalise_vat), owner) {
            vat_owner.entry(vat).or_insert(owner);
        }
    }
    let countries = directory_countries(organisations);
    let mut links = Vec::new();
    for entity in entities.iter().filter(|e| e.method != Some(LinkMethod::Manual)) {
        if let Some(owner) = entity.vat.as_deref().and_then(normalise_vat).and_then(|vat| vat_owner.get(&vat)) {
            links.push(AutomaticLink {
                pic: entity.pic.clone(),
                organisation_id: owner.id.clone(),
                method: LinkMethod::Vat,
                confidence_permille: None,
            });
            continue;
        }
        if !entity.country.as_deref().is_some_and(|c| countries.contains(c)) {
            continue;
        }
        if let Some((organisation, confidence)) = by_name_and_city(resolver, &by_slug, entity) {
            links.push(AutomaticLink {
                pic: entity.pic.clone(),
                organisation_id: organisation.id.clone(),
                method: LinkMethod::NameAndCity,
                confidence_permille: Some((confidence * 1000.0).round() as i64),
            });
        }
    }
    links
}

fn by_name_and_city<'a>(
    resolver: &Resolver,
    by_slug: &HashMap<&str, &'a Organisation>,
    entity: &LegalEntity,
) -> Option<(&'a Organisation, f32)> {
    let city = entity.city.as_deref()?;
    let text = format!("{}, {city}", readable(&entity.legal_name));
    let best = resolver.resolve(&text, 1).best.filter(|b| b.confidence >= CONFIDENCE_THRESHOLD)?;
    let organisation = *by_slug.get(best.key.as_str())?;
    let address = organisation.profile.primary_address()?;
    let agrees = address.country_code.as_deref() == entity.country.as_deref()
        && address.city.as_deref().is_some_and(|c| same_city(city, c));
    agrees.then_some((organisation, best.confidence))
}

/// CORDIS writes most legal names in capitals; the resolver reads short all-capital words
/// as acronyms. Longer words of an all-capital name are written as words ("UNIVERSITEIT
/// LEIDEN" → "Universiteit Leiden"); short ones ("VU", "UMC") stay acronyms.
fn readable(name: &str) -> String {
    if name.chars().any(char::is_lowercase) {
        return name.to_owned();
    }
    name.split(' ')
        .map(|word| {
            if word.chars().count() <= 4 {
                return word.to_owned();
            }
            let mut chars = word.chars();
            chars.next().map(|first| first.to_string() + &chars.as_str().to_lowercase()).unwrap_or_default()
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use lshub_domain::{Address, Identifiers, OrganisationKind, OrganisationProfile, Provenance};

    use super::*;

    fn organisation(slug: &str, name: &str, city: &str, vat: Option<&str>) -> Organisation {
        Organisation {
            id: format!("id-{slug}"),
            slug: slug.into(),
            profile: OrganisationProfile {
                name: name.into(),
                aliases: vec![],
                names: Default::default(),
                descriptions: Default::default(),
                kind: OrganisationKind::Education,
                sectors: vec![],
                identifiers: Identifiers { vat: vat.map(str::to_owned), ..Default::default() },
                addresses: vec![Address {
                    city: Some(city.into()),
                    country_code: Some("NL".into()),
                    ..Default::default()
                }],
            },
            provenance: Provenance {
                source: "test".into(),
                source_id: slug.into(),
                first_imported: Default::default(),
                last_updated: Default::default(),
            },
        }
    }

    fn entity(pic: &str, name: &str, city: &str, vat: Option<&str>) -> LegalEntity {
        LegalEntity {
            pic: pic.into(),
            legal_name: name.into(),
            vat: vat.map(str::to_owned),
            city: Some(city.into()),
            country: Some("NL".into()),
            projects: 1,
            organisation: None,
            method: None,
        }
    }

    #[test]
    fn links_by_vat_then_by_name_and_city() {
        let organisations = [
            organisation("leiden-university", "Leiden University", "Leiden", None),
            organisation("sanquin", "Sanquin", "Amsterdam", Some("NL 0029.12.345 B01")),
        ];
        let documents: Vec<SearchDocument> = organisations.iter().map(Searchable::search_document).collect();
        let resolver = Resolver::new(documents.iter());
        let mut manual = entity("4", "STICHTING ANDERS", "Utrecht", Some("NL777777777B01"));
        manual.organisation = Some("leiden-university".into());
        manual.method = Some(LinkMethod::Manual);
        let entities = [
            entity("1", "UNIVERSITEIT LEIDEN", "Leiden", None),
            entity("2", "STICHTING SANQUIN BLOEDVOORZIENING", "Amsterdam", Some("NL002912345B01")),
            entity("3", "UNIVERSITEIT LEIDEN", "Rotterdam", None),
            manual,
            entity("5", "ANDERE NAAM", "Delft", Some("NL777777777B01")),
        ];
        let links = link_participants(&resolver, &organisations, &entities);
        let found: Vec<(&str, &str, LinkMethod)> =
            links.iter().map(|l| (l.pic.as_str(), l.organisation_id.as_str(), l.method)).collect();
        assert_eq!(
            found,
            vec![
                ("1", "id-leiden-university", LinkMethod::NameAndCity),
                ("2", "id-sanquin", LinkMethod::Vat),
                ("5", "id-leiden-university", LinkMethod::Vat),
            ]
        );
    }

    #[test]
    fn capital_names_read_as_words() {
        assert_eq!(readable("UNIVERSITEIT LEIDEN"), "Universiteit Leiden");
        assert_eq!(readable("STICHTING VUMC"), "Stichting VUMC");
        assert_eq!(readable("Erasmus MC"), "Erasmus MC");
    }
}

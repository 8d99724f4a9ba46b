//! The region's EU track record in search and matching: participants of CORDIS projects
//! linked to the directory's organisations, and what those projects add to an
//! organisation's search document (its legal names as other names, what its projects are
//! about in its text).

use std::collections::{HashMap, HashSet};

use lshub_domain::project::{normalise_vat, same_city, LegalEntity, LinkMethod, Project};
use lshub_domain::text::fold;
use lshub_domain::Organisation;
use lshub_storage::projects::{AutomaticLink, LinkSummary};
use lshub_storage::{Database, StorageError};

use crate::{Resolver, SearchDocument, Searchable};

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
    let mut known: HashSet<String> = std::iter::once(&document.title)
        .chain(&document.aliases)
        .chain(&document.legal_names)
        .map(|n| n.to_lowercase())
        .collect();
    for name in names {
        if known.insert(name.to_lowercase()) {
            document.legal_names.push(name.clone());
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
    let exact = exact_names(organisations);
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
        if let Some((organisation, confidence)) = by_name_and_city(resolver, &by_slug, &exact, entity) {
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

/// Legal forms that legal names carry and directory names rarely do.
const LEGAL_FORMS: &[&str] =
    &["bv", "b.v.", "nv", "n.v.", "vzw", "ivzw", "asbl", "aisbl", "bvba", "sprl", "scrl", "snc", "sa", "cvba", "ov"];

/// A legal name as compared with the directory's names: without what is in brackets (an
/// acronym there, "(KNCV)", may be another organisation's), without legal forms, and with
/// capitals read as words.
fn linking_name(legal_name: &str) -> String {
    let mut depth = 0usize;
    let unbracketed: String = legal_name
        .chars()
        .filter(|c| match c {
            '(' => {
                depth += 1;
                false
            }
            ')' => {
                depth = depth.saturating_sub(1);
                false
            }
            _ => depth == 0,
        })
        .collect();
    let mut words: Vec<&str> = unbracketed
        .split_whitespace()
        .filter(|word| !LEGAL_FORMS.contains(&word.trim_matches(',').to_lowercase().as_str()))
        .collect();
    // A Dutch foundation's legal name starts with "Stichting", which few call it by.
    if words.len() > 1 && words[0].eq_ignore_ascii_case("stichting") {
        words.remove(0);
    }
    readable(words.join(" ").trim_matches([',', ' ', '-']))
}

/// The directory's organisations by each of their names, compared as legal names are
/// ([`linking_name`], folded): "Barco (Belgium)" and "Barco (Netherlands)" are both "barco".
fn exact_names(organisations: &[Organisation]) -> HashMap<String, Vec<&Organisation>> {
    let mut names: HashMap<String, Vec<&Organisation>> = HashMap::new();
    for organisation in organisations {
        let profile = &organisation.profile;
        let own: HashSet<String> = std::iter::once(&profile.name)
            .chain(&profile.aliases)
            .chain(profile.names.en.iter())
            .chain(profile.names.nl.iter())
            .map(|name| fold(&linking_name(name)))
            .filter(|name| !name.is_empty())
            .collect();
        for name in own {
            names.entry(name).or_default().push(organisation);
        }
    }
    names
}

/// The resolver's confidence needed to link by name: above its own threshold, which is met
/// by a tie between two organisations of the same words; checked by hand on the real data.
const LINK_CONFIDENCE: f32 = 0.65;

/// The organisation a legal entity is, by name where the city agrees: the one organisation
/// of exactly that name in that city, else the resolver's confident answer for the name with
/// its city, which the name alone must also rank first (so that the city, which may be part
/// of another organisation's name, "Centre hospitalier Etterbeek-Ixelles", never decides).
fn by_name_and_city<'a>(
    resolver: &Resolver,
    by_slug: &HashMap<&str, &'a Organisation>,
    exact: &HashMap<String, Vec<&'a Organisation>>,
    entity: &LegalEntity,
) -> Option<(&'a Organisation, f32)> {
    let city = entity.city.as_deref()?;
    let name = linking_name(&entity.legal_name);
    let agrees = |organisation: &Organisation| {
        organisation.profile.primary_address().is_some_and(|address| {
            address.country_code.as_deref() == entity.country.as_deref()
                && address.city.as_deref().is_some_and(|c| same_city(city, c))
        })
    };
    if let Some(named) = exact.get(&fold(&name)) {
        let mut here = named.iter().filter(|organisation| agrees(organisation));
        return match (here.next(), here.next()) {
            (Some(organisation), None) => Some((*organisation, 1.0)),
            _ => None,
        };
    }
    let best = resolver.resolve(&format!("{name}, {city}"), 1).best.filter(|b| b.confidence >= LINK_CONFIDENCE)?;
    let by_name_alone = resolver.resolve(&name, 1).candidates.into_iter().next()?;
    if by_name_alone.key != best.key {
        return None;
    }
    let organisation = *by_slug.get(best.key.as_str())?;
    agrees(organisation).then_some((organisation, best.confidence))
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
    fn names_link_only_where_they_tell_organisations_apart() {
        let mut chemists = organisation("kncv", "Koninklijke Nederlandse Chemische Vereniging", "The Hague", None);
        chemists.profile.aliases = vec!["KNCV".into()];
        let organisations = [
            organisation("vub", "Vrije Universiteit Brussel", "Brussels", None),
            organisation("ulb", "Université Libre de Bruxelles", "Brussels", None),
            organisation("barco-be", "Barco (Belgium)", "Kortrijk", None),
            organisation("barco-nl", "Barco (Netherlands)", "Helmond", None),
            organisation("etterbeek-ixelles", "Centre hospitalier Etterbeek-Ixelles", "Brussels", None),
            chemists,
        ];
        let documents: Vec<SearchDocument> = organisations.iter().map(Searchable::search_document).collect();
        let resolver = Resolver::new(documents.iter());
        let entities = [
            // The same words as the ULB's name; its own name tells them apart.
            entity("1", "VRIJE UNIVERSITEIT BRUSSEL", "BRUSSEL", None),
            entity("2", "BARCO NV", "KORTRIJK", None),
            // Its city is a word of a hospital's name, and nothing else is.
            entity("3", "CROSSMEDIA BELGIQUE", "Etterbeek", None),
            // The acronym in brackets is another organisation's.
            entity(
                "4",
                "KONINKLIJKE NEDERLANDSE CENTRALE VERENIGING TOT BESTRIJDING DER TUBERCULOSE (KNCV)",
                "Den Haag",
                None,
            ),
        ];
        let links = link_participants(&resolver, &organisations, &entities);
        let found: Vec<(&str, &str)> = links.iter().map(|l| (l.pic.as_str(), l.organisation_id.as_str())).collect();
        assert_eq!(found, vec![("1", "id-vub"), ("2", "id-barco-be")]);
    }

    #[test]
    fn legal_names_lose_brackets_and_legal_forms() {
        assert_eq!(linking_name("STICHTING SANQUIN BLOEDVOORZIENING"), "Sanquin Bloedvoorziening");
        assert_eq!(linking_name("Academisch Medisch Centrum (AMC)"), "Academisch Medisch Centrum");
        assert_eq!(linking_name("BARCO NV"), "Barco");
        assert_eq!(linking_name("Barco (Belgium)"), "Barco");
        assert_eq!(linking_name("EUROCITIES ASBL"), "Eurocities");
    }

    #[test]
    fn capital_names_read_as_words() {
        assert_eq!(readable("UNIVERSITEIT LEIDEN"), "Universiteit Leiden");
        assert_eq!(readable("STICHTING VUMC"), "Stichting VUMC");
        assert_eq!(readable("Erasmus MC"), "Erasmus MC");
    }
}

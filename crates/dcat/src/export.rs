//! Datasets as DCAT-AP 3 / HealthDCAT-AP graphs. Each dataset's IRI is its page on the hub,
//! which answers RDF clients with the same graph; the parts of a dataset that DCAT models as
//! resources of their own (contact point, period, distributions, ...) get fragment IRIs of
//! that page, so that exporting the same dataset twice gives the same graph.

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use lshub_domain::content::Item;
use lshub_domain::dataset::{terms, Dataset};
use oxrdf::vocab::{rdf, xsd};
use oxrdf::{Graph, Literal, NamedNode, NamedNodeRef, NamedOrBlankNodeRef, TermRef, TripleRef};

use crate::import::kept_statements;
use crate::vocabulary::{dcat, dcatap, dct, dpv, dqv, eli, eu, foaf, health, locn, oa, skos, vcard};
use crate::DcatError;

/// What the catalogue says of itself.
pub struct CatalogueInfo<'a> {
    /// The hub's public address, without a trailing slash.
    pub base_url: &'a str,
    /// The region the hub serves, as in "LSH Hub Amsterdam".
    pub region: &'a str,
    /// Where the cluster office that runs the hub is reached; the catalogue's contact point
    /// and its publisher's mailbox, which Health-RI's profile requires.
    pub contact_email: Option<&'a str>,
}

/// The English labels of the EU data themes, as the EU vocabulary gives them.
const THEME_LABELS: [(&str, &str); 13] = [
    ("AGRI", "Agriculture, fisheries, forestry and food"),
    ("ECON", "Economy and finance"),
    ("EDUC", "Education, culture and sport"),
    ("ENER", "Energy"),
    ("ENVI", "Environment"),
    ("GOVE", "Government and public sector"),
    ("HEAL", "Health"),
    ("INTR", "International issues"),
    ("JUST", "Justice, legal system and public safety"),
    ("REGI", "Regions and cities"),
    ("SOCI", "Population and society"),
    ("TECH", "Science and technology"),
    ("TRAN", "Transport"),
];

/// The dataset's IRI: its page on the hub, or for a dataset read from another catalogue,
/// its IRI there.
pub fn dataset_iri(base_url: &str, item: &Item<Dataset>) -> String {
    match &item.record.source {
        Some(source) => source.iri.clone(),
        None => format!("{base_url}/{}/{}", item.kind.path, item.slug),
    }
}

/// The catalogue of `datasets`, each with its own description.
pub fn catalogue_graph(info: &CatalogueInfo, datasets: &[Item<Dataset>]) -> Result<Graph, DcatError> {
    let mut g = Builder::default();
    let catalogue = NamedNode::new_unchecked(format!("{}/catalogue", info.base_url));
    let home = g.iri("base_url", &format!("{}/", info.base_url))?;
    let name = format!("LSH Hub {}", info.region);
    g.add(&catalogue, rdf::TYPE, dcat::CATALOG);
    g.add(&catalogue, dct::TITLE, &g.text(&format!("{name}: datasets"), "en"));
    g.add(&catalogue, dct::TITLE, &g.text(&format!("{name}: datasets"), "nl"));
    let about_en = format!("Datasets the organisations of the {name} cluster hold, and how to ask for access.");
    let about_nl = format!("Datasets van de organisaties van het cluster {name}, en hoe u toegang aanvraagt.");
    g.add(&catalogue, dct::DESCRIPTION, &g.text(&about_en, "en"));
    g.add(&catalogue, dct::DESCRIPTION, &g.text(&about_nl, "nl"));
    let publisher = g.part(&catalogue, "publisher");
    g.add(&catalogue, dct::PUBLISHER, &publisher);
    g.agent(&publisher, &name, &home, info.contact_email)?;
    g.add(&catalogue, foaf::HOMEPAGE, &home);
    if let Some(address) = info.contact_email {
        let contact = g.part(&catalogue, "contact-point");
        g.add(&catalogue, dcat::CONTACT_POINT, &contact);
        g.contact(&contact, &name, address)?;
    }
    let themes = NamedNode::new_unchecked(eu::DATA_THEME);
    g.add(&catalogue, dcat::THEME_TAXONOMY, &themes);
    g.theme_scheme();
    for item in datasets {
        let iri = NamedNode::new_unchecked(dataset_iri(info.base_url, item));
        g.add(&catalogue, dcat::DATASET_PROPERTY, &iri);
        g.dataset(info.base_url, &iri, item)?;
    }
    Ok(g.graph)
}

/// One dataset's description, as its page gives it to RDF clients.
pub fn dataset_graph(base_url: &str, item: &Item<Dataset>) -> Result<Graph, DcatError> {
    let mut g = Builder::default();
    g.theme_scheme();
    let iri = NamedNode::new_unchecked(dataset_iri(base_url, item));
    g.dataset(base_url, &iri, item)?;
    Ok(g.graph)
}

#[derive(Default)]
struct Builder {
    graph: Graph,
}

impl Builder {
    fn add<'a>(&mut self, subject: &'a NamedNode, predicate: NamedNodeRef<'a>, object: impl Into<TermRef<'a>>) {
        self.graph.insert(TripleRef::new(NamedOrBlankNodeRef::from(subject), predicate, object));
    }

    fn iri(&self, field: &'static str, value: &str) -> Result<NamedNode, DcatError> {
        NamedNode::new(value).map_err(|_| DcatError::NotAnIri { field, value: value.to_owned() })
    }

    fn text(&self, value: &str, language: &str) -> Literal {
        Literal::new_language_tagged_literal_unchecked(value, language)
    }

    /// A day as the bounds of a period are given (Health-RI asks for a time with its zone):
    /// the start or the end of that day in UTC.
    fn day_bound(&self, date: NaiveDate, end: bool) -> Literal {
        let time = if end { "23:59:59Z" } else { "00:00:00Z" };
        Literal::new_typed_literal(format!("{date}T{time}"), xsd::DATE_TIME)
    }

    fn time(&self, time: DateTime<Utc>) -> Literal {
        Literal::new_typed_literal(time.to_rfc3339_opts(SecondsFormat::Secs, true), xsd::DATE_TIME)
    }

    fn count(&self, n: u64) -> Literal {
        Literal::new_typed_literal(n.to_string(), xsd::NON_NEGATIVE_INTEGER)
    }

    /// The EU data-theme scheme, with every theme as a labelled concept.
    fn theme_scheme(&mut self) {
        let scheme = NamedNode::new_unchecked(eu::DATA_THEME);
        self.add(&scheme, rdf::TYPE, skos::CONCEPT_SCHEME);
        self.add(&scheme, dct::TITLE, &self.text("Data theme", "en"));
        for (code, label) in THEME_LABELS {
            let theme = NamedNode::new_unchecked(format!("{}/{code}", eu::DATA_THEME));
            self.add(&theme, rdf::TYPE, skos::CONCEPT);
            self.add(&theme, skos::PREF_LABEL, &self.text(label, "en"));
            self.add(&theme, skos::NOTATION, &Literal::new_simple_literal(code));
            self.add(&theme, skos::IN_SCHEME, &scheme);
        }
    }

    /// A kept term (a code, a system's name, a DPV name or an address) as its IRI.
    fn term(
        &mut self,
        subject: &NamedNode,
        predicate: NamedNodeRef,
        field: &'static str,
        value: &str,
    ) -> Result<(), DcatError> {
        let iri = self.iri(field, &terms::iri(value))?;
        self.add(subject, predicate, &iri);
        Ok(())
    }

    /// An agent as catalogues describe one: a name, a mailbox, a homepage and an identifier.
    fn agent(
        &mut self,
        agent: &NamedNode,
        name: &str,
        homepage: &NamedNode,
        mailbox: Option<&str>,
    ) -> Result<(), DcatError> {
        self.add(agent, rdf::TYPE, foaf::AGENT);
        self.add(agent, foaf::NAME, &Literal::new_simple_literal(name));
        self.add(agent, dct::IDENTIFIER, &Literal::new_simple_literal(homepage.as_str()));
        self.add(agent, foaf::HOMEPAGE, homepage);
        self.add(homepage, rdf::TYPE, foaf::DOCUMENT);
        if let Some(address) = mailbox {
            let mailbox = self.iri("contact_point", &format!("mailto:{address}"))?;
            self.add(agent, foaf::MBOX, &mailbox);
        }
        Ok(())
    }

    /// A contact point: a `vcard:Kind` with a name and an e-mail address.
    fn contact(&mut self, contact: &NamedNode, name: &str, address: &str) -> Result<(), DcatError> {
        self.add(contact, rdf::TYPE, vcard::KIND);
        self.add(contact, vcard::FN, &Literal::new_simple_literal(name));
        let mailbox = self.iri("contact_point", &format!("mailto:{address}"))?;
        self.add(contact, vcard::HAS_EMAIL, &mailbox);
        Ok(())
    }

    fn part(&self, dataset: &NamedNode, fragment: &str) -> NamedNode {
        NamedNode::new_unchecked(format!("{}#{fragment}", dataset.as_str()))
    }

    fn dataset(&mut self, base_url: &str, iri: &NamedNode, item: &Item<Dataset>) -> Result<(), DcatError> {
        let d = &item.record;
        self.add(iri, rdf::TYPE, dcat::DATASET);
        let identifier = d.source.as_ref().and_then(|s| s.identifier.as_deref()).unwrap_or(iri.as_str());
        self.add(iri, dct::IDENTIFIER, &Literal::new_simple_literal(identifier));
        if let Some(source) = &d.source {
            for triple in kept_statements(source)? {
                self.graph.insert(&triple);
            }
        }
        for (text, language) in [(&d.title.en, "en"), (&d.title.nl, "nl")] {
            if let Some(text) = text {
                self.add(iri, dct::TITLE, &self.text(text, language));
            }
        }
        for (text, language) in [(&d.description.en, "en"), (&d.description.nl, "nl")] {
            if let Some(text) = text {
                self.add(iri, dct::DESCRIPTION, &self.text(text, language));
            }
        }
        for (keywords, language) in [(&d.keywords_en, "en"), (&d.keywords_nl, "nl")] {
            for keyword in keywords {
                self.add(iri, dcat::KEYWORD, &self.text(keyword, language));
            }
        }
        if let Some(published) = item.published_at {
            self.add(iri, dct::ISSUED, &self.time(published));
        }
        self.add(iri, dct::MODIFIED, &self.time(item.updated_at));

        // The holder as this dataset's publisher, reached at the dataset's contact address:
        // one agent per dataset, as an organisation's datasets may name different addresses.
        let owner_page = self.iri("owner", &format!("{base_url}/organisations/{}", item.owner.slug))?;
        let publisher = self.part(iri, "publisher");
        self.add(iri, dct::PUBLISHER, &publisher);
        self.add(iri, dct::CREATOR, &publisher);
        self.agent(&publisher, &item.owner.name, &owner_page, Some(&d.contact_point))?;

        let contact = self.part(iri, "contact-point");
        self.add(iri, dcat::CONTACT_POINT, &contact);
        self.contact(&contact, &item.owner.name, &d.contact_point)?;

        for theme in &d.themes {
            let theme = NamedNode::new_unchecked(format!("{}/{theme}", eu::DATA_THEME));
            self.add(iri, dcat::THEME, &theme);
        }
        let rights = NamedNode::new_unchecked(format!("{}/{}", eu::ACCESS_RIGHT, d.access_rights.id()));
        self.add(iri, dct::ACCESS_RIGHTS, &rights);
        self.add(&rights, rdf::TYPE, dct::RIGHTS_STATEMENT);
        let ehds = NamedNode::new_unchecked(eu::EHDS);
        self.add(iri, dcatap::APPLICABLE_LEGISLATION, &ehds);
        self.add(&ehds, rdf::TYPE, eli::LEGAL_RESOURCE);

        for (field, values, predicate) in [
            ("legal_basis", &d.legal_basis, dpv::HAS_LEGAL_BASIS),
            ("purpose", &d.purpose, dpv::HAS_PURPOSE),
            ("personal_data", &d.personal_data, dpv::HAS_PERSONAL_DATA),
            ("health_categories", &d.health_categories, health::HEALTH_CATEGORY),
            ("health_themes", &d.health_themes, health::HEALTH_THEME),
            ("coding_systems", &d.coding_systems, health::HAS_CODING_SYSTEM),
            ("code_values", &d.code_values, health::HAS_CODE_VALUES),
        ] {
            for value in values {
                self.term(iri, predicate, field, value)?;
            }
        }
        if let Some(population) = &d.population_coverage {
            self.add(iri, health::POPULATION_COVERAGE, &Literal::new_simple_literal(population));
        }
        for (value, predicate) in [
            (d.min_typical_age.map(u64::from), health::MIN_TYPICAL_AGE),
            (d.max_typical_age.map(u64::from), health::MAX_TYPICAL_AGE),
            (d.number_of_records, health::NUMBER_OF_RECORDS),
            (d.number_of_unique_individuals, health::NUMBER_OF_UNIQUE_INDIVIDUALS),
        ] {
            if let Some(n) = value {
                self.add(iri, predicate, &self.count(n));
            }
        }

        if d.temporal_start.is_some() || d.temporal_end.is_some() {
            let period = self.part(iri, "temporal-coverage");
            self.add(iri, dct::TEMPORAL, &period);
            self.add(&period, rdf::TYPE, dct::PERIOD_OF_TIME);
            if let Some(start) = d.temporal_start {
                self.add(&period, dcat::START_DATE, &self.day_bound(start, false));
            }
            if let Some(end) = d.temporal_end {
                self.add(&period, dcat::END_DATE, &self.day_bound(end, true));
            }
        }
        if let Some(area) = &d.spatial {
            let location = self.part(iri, "spatial-coverage");
            self.add(iri, dct::SPATIAL, &location);
            self.add(&location, rdf::TYPE, dct::LOCATION);
            self.add(&location, locn::GEOGRAPHIC_NAME, &Literal::new_simple_literal(area));
        }
        if let Some(until) = d.retention_until {
            let retention = self.part(iri, "retention-period");
            self.add(iri, health::RETENTION_PERIOD, &retention);
            self.add(&retention, rdf::TYPE, dct::PERIOD_OF_TIME);
            self.add(&retention, dcat::END_DATE, &self.day_bound(until, true));
        }
        if let (Some(body), Some(address), Some(website)) =
            (&d.access_body, &d.access_body_email, &d.access_body_website)
        {
            let agent = self.part(iri, "access-body");
            self.add(iri, health::HDAB, &agent);
            let website = self.iri("access_body_website", website)?;
            self.agent(&agent, body, &website, Some(address))?;
        }

        for (n, distribution) in d.distributions.iter().enumerate() {
            let node = self.part(iri, &format!("distribution-{}", n + 1));
            self.add(iri, dcat::DISTRIBUTION_PROPERTY, &node);
            self.add(&node, rdf::TYPE, dcat::DISTRIBUTION);
            if !distribution.title.is_empty() {
                self.add(&node, dct::TITLE, &Literal::new_simple_literal(&distribution.title));
            }
            if let Some(size) = distribution.byte_size {
                self.add(&node, dcat::BYTE_SIZE, &self.count(size));
            }
            // What may be done with this copy is what the dataset's access rights say.
            self.add(&node, dct::RIGHTS, &rights);
            let access = self.iri("distributions", &distribution.access_url)?;
            self.add(&node, dcat::ACCESS_URL, &access);
            let format = NamedNode::new_unchecked(format!("{}/{}", eu::FILE_TYPE, file_type(&distribution.format)));
            self.add(&node, dct::FORMAT, &format);
            self.add(&format, rdf::TYPE, dct::MEDIA_TYPE_OR_EXTENT);
            if let Some(licence) = &distribution.licence {
                let licence = self.iri("distributions", licence)?;
                self.add(&node, dct::LICENSE, &licence);
                self.add(&licence, rdf::TYPE, dct::LICENSE_DOCUMENT);
            }
        }
        for (n, annotation) in d.quality_annotations.iter().enumerate() {
            let node = self.part(iri, &format!("quality-annotation-{}", n + 1));
            self.add(iri, dqv::HAS_QUALITY_ANNOTATION, &node);
            self.add(&node, rdf::TYPE, dqv::QUALITY_ANNOTATION);
            self.add(&node, oa::BODY_VALUE, &Literal::new_simple_literal(annotation));
        }
        for code in &d.duo {
            let term = self.iri("duo", &terms::iri(code))?;
            self.add(iri, dct::RIGHTS, &term);
            self.add(&term, rdf::TYPE, dct::RIGHTS_STATEMENT);
            self.add(&term, skos::NOTATION, &Literal::new_simple_literal(code));
        }
        Ok(())
    }
}

/// A format as the code of the EU file-type vocabulary: `csv` is `CSV`, `FHIR json` is
/// `FHIR_JSON`.
fn file_type(format: &str) -> String {
    format.trim().chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_uppercase() } else { '_' }).collect()
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;
    use lshub_domain::content::{Owner, State, Written, DATASET};
    use lshub_domain::dataset::DatasetDraft;
    use oxrdf::graph::CanonicalizationAlgorithm;

    use super::*;
    use crate::{write, RdfSyntax};

    fn item() -> Item<Dataset> {
        let draft = DatasetDraft {
            title_en: "Lung cancer imaging cohort".into(),
            title_nl: "Cohort beeldvorming longkanker".into(),
            description_en: "CT scans of 1,200 patients.".into(),
            keywords_nl: "longkanker, beeldvorming".into(),
            contact_point: "data@example.org".into(),
            themes: "HEAL".into(),
            access_rights: "NON_PUBLIC".into(),
            legal_basis: "dpv:Consent".into(),
            coding_systems: "ICD-10, https://example.org/own-codes".into(),
            code_values: "ICD10WHO:C34".into(),
            min_typical_age: "18".into(),
            temporal_start: "2015-01-01".into(),
            spatial: "Amsterdam".into(),
            retention_until: "2040-12-31".into(),
            access_body: "Health data access body".into(),
            access_body_email: "access@example.org".into(),
            access_body_website: "https://example.org/access".into(),
            distributions:
                "Records | FHIR json | https://example.org/fhir | https://creativecommons.org/licenses/by/4.0/ | 5000"
                    .into(),
            quality_annotations: "Checked twice".into(),
            duo: "DUO:0000042".into(),
            ..DatasetDraft::default()
        };
        let at = Utc.with_ymd_and_hms(2026, 12, 1, 9, 30, 0).unwrap();
        Item {
            id: "1".into(),
            kind: &DATASET,
            slug: "lung-cancer".into(),
            owner: Owner {
                id: "https://ror.org/05grdyy37".into(),
                slug: "amsterdam-umc".into(),
                name: "Amsterdam UMC".into(),
            },
            state: State::Published,
            revision: 1,
            expires_on: None,
            created_at: at,
            updated_at: at,
            published_at: Some(at),
            record: Dataset::validate(draft).unwrap(),
        }
    }

    #[test]
    fn every_syntax_reads_back_as_the_same_graph() {
        let mut graph = dataset_graph("https://hub.example", &item()).unwrap();
        graph.canonicalize(CanonicalizationAlgorithm::Unstable);
        for syntax in RdfSyntax::ALL {
            let mut read = crate::parse(&write(&graph, syntax).unwrap(), syntax, "https://hub.example/").unwrap();
            read.canonicalize(CanonicalizationAlgorithm::Unstable);
            assert_eq!(read, graph, "{syntax:?}");
        }
    }

    #[test]
    fn values_become_the_vocabularies_terms() {
        let turtle = String::from_utf8(
            write(&dataset_graph("https://hub.example", &item()).unwrap(), RdfSyntax::Turtle).unwrap(),
        )
        .unwrap();
        for expected in [
            "<https://hub.example/datasets/lung-cancer>",
            "dpv:Consent",
            "<http://publications.europa.eu/resource/authority/access-right/NON_PUBLIC>",
            "<http://publications.europa.eu/resource/authority/file-type/FHIR_JSON>",
            "<http://purl.obolibrary.org/obo/DUO_0000042>",
            "<https://hub.example/organisations/amsterdam-umc>",
            "<https://hub.example/datasets/lung-cancer#publisher>",
            "\"18\"^^xsd:nonNegativeInteger",
            "\"2015-01-01T00:00:00Z\"^^xsd:dateTime",
            "\"2040-12-31T23:59:59Z\"^^xsd:dateTime",
            "\"longkanker\"@nl",
            "<http://hl7.org/fhir/sid/icd-10>",
            "<https://example.org/own-codes>",
            "<https://icd.who.int/browse10/2019/en#/C34>",
            "<mailto:data@example.org>",
            "<mailto:access@example.org>",
            "\"5000\"^^xsd:nonNegativeInteger",
        ] {
            assert!(turtle.contains(expected), "{expected} in {turtle}");
        }
    }
}

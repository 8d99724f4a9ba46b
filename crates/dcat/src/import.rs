//! Reading a DCAT-AP catalogue (Turtle, JSON-LD or RDF/XML, parsed by oxrdfio) into the
//! hub's datasets. Every `dcat:Dataset` with an IRI becomes a draft that the domain's rules
//! then check, as a member's would be. What the hub has no field for is kept: the
//! statements about the dataset and its parts that were not read travel with the record as
//! N-Triples and are given back when the hub exports it, the parts renamed to the fragment
//! IRIs the export gives them.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, NaiveDate, Utc};
use lshub_domain::dataset::{terms, DatasetDraft, Distribution, Source};
use oxrdf::vocab::rdf;
use oxrdf::{
    BlankNode, Graph, NamedNode, NamedNodeRef, NamedOrBlankNode, NamedOrBlankNodeRef, Term, TermRef, Triple, TripleRef,
};
use oxrdfio::{RdfFormat, RdfParser, RdfSerializer};

use crate::syntax::RdfSyntax;
use crate::vocabulary::{dcat, dcatap, dct, dpv, dqv, eu, foaf, health, locn, oa, vcard};
use crate::DcatError;

/// A dataset as a catalogue describes it, ready for the domain's rules.
#[derive(Debug, Clone)]
pub struct ReadDataset {
    /// The dataset's IRI: what makes a repeated import update rather than add.
    pub iri: String,
    /// The publisher's identifiers and homepage, by which the hub finds the holder.
    pub publisher: Vec<String>,
    pub issued: Option<DateTime<Utc>>,
    pub modified: Option<DateTime<Utc>>,
    pub draft: DatasetDraft,
    /// Its IRI, identifier and the statements the hub has no field for.
    pub source: Source,
}

/// Parses `bytes` in `syntax`; relative IRIs resolve against `base_iri`.
pub fn parse(bytes: &[u8], syntax: RdfSyntax, base_iri: &str) -> Result<Graph, DcatError> {
    let invalid = |reason: String| DcatError::Invalid { syntax: syntax.media_type(), reason };
    let parser = RdfParser::from_format(syntax.format())
        .with_base_iri(base_iri)
        .map_err(|e| invalid(format!("the base IRI {base_iri:?}: {e}")))?;
    let mut graph = Graph::new();
    for quad in parser.for_slice(bytes) {
        let quad = quad.map_err(|e| invalid(e.to_string()))?;
        graph.insert(TripleRef::new(&quad.subject, &quad.predicate, &quad.object));
    }
    Ok(graph)
}

/// Every dataset of the graph, in the order of their IRIs.
pub fn datasets(graph: &Graph) -> Result<Vec<ReadDataset>, DcatError> {
    let mut nodes: Vec<NamedOrBlankNodeRef> = graph.subjects_for_predicate_object(rdf::TYPE, dcat::DATASET).collect();
    nodes.sort_by_key(|node| node.to_string());
    nodes
        .into_iter()
        .map(|node| match node {
            NamedOrBlankNodeRef::NamedNode(iri) => Reader::new(graph, iri).read(),
            NamedOrBlankNodeRef::BlankNode(_) => Err(DcatError::NoIri),
        })
        .collect()
}

/// Reads one dataset, noting each statement it uses.
struct Reader<'a> {
    graph: &'a Graph,
    dataset: NamedNodeRef<'a>,
    used: HashSet<TripleRef<'a>>,
    /// The dataset's parts and the fragment each gets in the hub's export.
    parts: HashMap<NamedOrBlankNodeRef<'a>, String>,
}

impl<'a> Reader<'a> {
    fn new(graph: &'a Graph, dataset: NamedNodeRef<'a>) -> Self {
        Self { graph, dataset, used: HashSet::new(), parts: HashMap::new() }
    }

    /// The objects of `subject`'s `predicate` that `pick` takes; those are marked as read.
    /// A graph's values have no order, so they are taken in the order of their text: the
    /// same catalogue then always gives the same record.
    fn take<T>(
        &mut self,
        subject: NamedOrBlankNodeRef<'a>,
        predicate: NamedNodeRef<'a>,
        mut pick: impl FnMut(TermRef<'a>) -> Option<T>,
    ) -> Vec<T> {
        let mut objects: Vec<TermRef<'a>> = self.graph.objects_for_subject_predicate(subject, predicate).collect();
        objects.sort_by_cached_key(ToString::to_string);
        let mut taken = Vec::new();
        for object in objects {
            if let Some(value) = pick(object) {
                self.used.insert(TripleRef::new(subject, predicate, object));
                taken.push(value);
            }
        }
        taken
    }

    fn texts(&mut self, subject: NamedOrBlankNodeRef<'a>, predicate: NamedNodeRef<'a>) -> Vec<String> {
        self.take(subject, predicate, |o| literal(o).map(|(text, _)| text.to_owned()))
    }

    fn text(&mut self, subject: NamedOrBlankNodeRef<'a>, predicate: NamedNodeRef<'a>) -> String {
        self.texts(subject, predicate).into_iter().next().unwrap_or_default()
    }

    /// Texts in English (or without a language) and in Dutch; other languages stay unread.
    fn bilingual(
        &mut self,
        subject: NamedOrBlankNodeRef<'a>,
        predicate: NamedNodeRef<'a>,
    ) -> (Vec<String>, Vec<String>) {
        let mut nl = Vec::new();
        let en = self.take(subject, predicate, |o| match literal(o)? {
            (text, None | Some("en")) => Some(Some(text.to_owned())),
            (text, Some("nl")) => {
                nl.push(text.to_owned());
                Some(None)
            }
            _ => None,
        });
        (en.into_iter().flatten().collect(), nl)
    }

    fn iris(&mut self, subject: NamedOrBlankNodeRef<'a>, predicate: NamedNodeRef<'a>) -> Vec<String> {
        self.take(subject, predicate, |o| match o {
            TermRef::NamedNode(iri) => Some(iri.as_str().to_owned()),
            _ => None,
        })
    }

    /// Terms given as IRIs, in the short form the hub keeps them in.
    fn terms(&mut self, subject: NamedOrBlankNodeRef<'a>, predicate: NamedNodeRef<'a>) -> String {
        self.iris(subject, predicate).iter().map(|iri| terms::compact(iri)).collect::<Vec<_>>().join(", ")
    }

    /// IRIs under `namespace`, as the codes that follow it.
    fn codes(&mut self, subject: NamedOrBlankNodeRef<'a>, predicate: NamedNodeRef<'a>, namespace: &str) -> Vec<String> {
        let prefix = format!("{namespace}/");
        self.take(subject, predicate, |o| match o {
            TermRef::NamedNode(iri) => iri.as_str().strip_prefix(&prefix).map(str::to_owned),
            _ => None,
        })
    }

    /// The parts `predicate` links to, each marked with its fragment (`{fragment}` or
    /// `{fragment}-{n}` in the order of the parts' names); a part's type is read with it.
    fn parts(
        &mut self,
        subject: NamedOrBlankNodeRef<'a>,
        predicate: NamedNodeRef<'a>,
        fragment: &str,
        numbered: bool,
    ) -> Vec<NamedOrBlankNodeRef<'a>> {
        let mut parts = self.take(subject, predicate, |o| match o {
            TermRef::NamedNode(iri) => Some(NamedOrBlankNodeRef::NamedNode(iri)),
            TermRef::BlankNode(node) => Some(NamedOrBlankNodeRef::BlankNode(node)),
            _ => None,
        });
        parts.sort_by_key(|part| natural_order(&part.to_string()));
        if !numbered {
            // One is read; any further ones stay as statements of their own.
            for extra in parts.split_off(parts.len().min(1)) {
                self.used.remove(&TripleRef::new(subject, predicate, term(extra)));
            }
        }
        for (n, part) in parts.iter().enumerate() {
            let name = if numbered { format!("{fragment}-{}", n + 1) } else { fragment.to_owned() };
            self.parts.insert(*part, name);
            self.take(*part, rdf::TYPE, |_| Some(()));
        }
        parts
    }

    fn number(&mut self, subject: NamedOrBlankNodeRef<'a>, predicate: NamedNodeRef<'a>) -> String {
        self.take(subject, predicate, |o| literal(o).and_then(|(text, _)| text.parse::<u64>().ok()))
            .first()
            .map(u64::to_string)
            .unwrap_or_default()
    }

    /// A day from an `xsd:date` or the date part of an `xsd:dateTime`.
    fn day(&mut self, subject: NamedOrBlankNodeRef<'a>, predicate: NamedNodeRef<'a>) -> String {
        self.take(subject, predicate, |o| {
            let (text, _) = literal(o)?;
            NaiveDate::parse_from_str(text.get(..10)?, "%Y-%m-%d").ok()
        })
        .first()
        .map(NaiveDate::to_string)
        .unwrap_or_default()
    }

    fn time(&mut self, subject: NamedOrBlankNodeRef<'a>, predicate: NamedNodeRef<'a>) -> Option<DateTime<Utc>> {
        self.take(subject, predicate, |o| {
            let (text, _) = literal(o)?;
            DateTime::parse_from_rfc3339(text).ok().map(|t| t.with_timezone(&Utc))
        })
        .into_iter()
        .next()
    }

    /// A mailbox as `mailto:` IRI or as text, without the scheme.
    fn mailbox(&mut self, subject: NamedOrBlankNodeRef<'a>, predicate: NamedNodeRef<'a>) -> String {
        self.take(subject, predicate, |o| match o {
            TermRef::NamedNode(iri) => iri.as_str().strip_prefix("mailto:").map(str::to_owned),
            TermRef::Literal(text) => Some(text.value().trim_start_matches("mailto:").to_owned()),
            _ => None,
        })
        .into_iter()
        .next()
        .unwrap_or_default()
    }

    fn read(mut self) -> Result<ReadDataset, DcatError> {
        let d = NamedOrBlankNodeRef::NamedNode(self.dataset);
        let iri = self.dataset.as_str().to_owned();
        self.take(d, rdf::TYPE, |o| (o == TermRef::NamedNode(dcat::DATASET)).then_some(()));
        let identifier = self.text(d, dct::IDENTIFIER);
        let (title_en, title_nl) = self.bilingual(d, dct::TITLE);
        let (description_en, description_nl) = self.bilingual(d, dct::DESCRIPTION);
        let (keywords_en, keywords_nl) = self.bilingual(d, dcat::KEYWORD);
        let issued = self.time(d, dct::ISSUED);
        let modified = self.time(d, dct::MODIFIED);

        let mut publisher = Vec::new();
        if let Some(agent) = self.parts(d, dct::PUBLISHER, "publisher", false).first().copied() {
            publisher.extend(self.texts(agent, dct::IDENTIFIER));
            publisher.extend(self.iris(agent, foaf::HOMEPAGE));
            self.texts(agent, foaf::NAME);
            self.iris(agent, foaf::MBOX);
            self.take(d, dct::CREATOR, |o| (o == term(agent)).then_some(()));
        }
        let mut contact_point = String::new();
        if let Some(contact) = self.parts(d, dcat::CONTACT_POINT, "contact-point", false).first().copied() {
            contact_point = self.mailbox(contact, vcard::HAS_EMAIL);
            self.texts(contact, vcard::FN);
        }

        let themes = self.codes(d, dcat::THEME, eu::DATA_THEME);
        let access_rights = self.codes(d, dct::ACCESS_RIGHTS, eu::ACCESS_RIGHT).into_iter().next().unwrap_or_default();
        self.take(d, dcatap::APPLICABLE_LEGISLATION, |o| {
            matches!(o, TermRef::NamedNode(iri) if iri.as_str() == eu::EHDS).then_some(())
        });
        let legal_basis = self.terms(d, dpv::HAS_LEGAL_BASIS);
        let purpose = self.terms(d, dpv::HAS_PURPOSE);
        let personal_data = self.terms(d, dpv::HAS_PERSONAL_DATA);
        let health_categories = self.terms(d, health::HEALTH_CATEGORY);
        let health_themes = self.terms(d, health::HEALTH_THEME);
        let coding_systems = self.terms(d, health::HAS_CODING_SYSTEM);
        let code_values = self.terms(d, health::HAS_CODE_VALUES);
        let population_coverage = self.text(d, health::POPULATION_COVERAGE);
        let min_typical_age = self.number(d, health::MIN_TYPICAL_AGE);
        let max_typical_age = self.number(d, health::MAX_TYPICAL_AGE);
        let number_of_records = self.number(d, health::NUMBER_OF_RECORDS);
        let number_of_unique_individuals = self.number(d, health::NUMBER_OF_UNIQUE_INDIVIDUALS);

        let (mut temporal_start, mut temporal_end, mut spatial, mut retention_until) = Default::default();
        if let Some(period) = self.parts(d, dct::TEMPORAL, "temporal-coverage", false).first().copied() {
            temporal_start = self.day(period, dcat::START_DATE);
            temporal_end = self.day(period, dcat::END_DATE);
        }
        if let Some(location) = self.parts(d, dct::SPATIAL, "spatial-coverage", false).first().copied() {
            spatial = self.text(location, locn::GEOGRAPHIC_NAME);
        }
        if let Some(retention) = self.parts(d, health::RETENTION_PERIOD, "retention-period", false).first().copied() {
            retention_until = self.day(retention, dcat::END_DATE);
        }
        let (mut access_body, mut access_body_email, mut access_body_website) = Default::default();
        if let Some(agent) = self.parts(d, health::HDAB, "access-body", false).first().copied() {
            access_body = self.text(agent, foaf::NAME);
            access_body_email = self.mailbox(agent, foaf::MBOX);
            access_body_website = self.iris(agent, foaf::HOMEPAGE).into_iter().next().unwrap_or_default();
            self.take(agent, dct::IDENTIFIER, |o| {
                (literal(o).map(|(t, _)| t) == Some(access_body_website.as_str())).then_some(())
            });
        }

        let rights = format!("{}/{access_rights}", eu::ACCESS_RIGHT);
        let mut distributions = Vec::new();
        for node in self.parts(d, dcat::DISTRIBUTION_PROPERTY, "distribution", true) {
            let distribution = Distribution {
                title: self.text(node, dct::TITLE),
                format: self.codes(node, dct::FORMAT, eu::FILE_TYPE).into_iter().next().unwrap_or_default(),
                access_url: self.iris(node, dcat::ACCESS_URL).into_iter().next().unwrap_or_default(),
                licence: self.iris(node, dct::LICENSE).into_iter().next(),
                byte_size: self.number(node, dcat::BYTE_SIZE).parse().ok(),
            };
            self.take(node, dct::RIGHTS, |o| {
                matches!(o, TermRef::NamedNode(iri) if iri.as_str() == rights).then_some(())
            });
            distributions.push(distribution.to_line());
        }
        let mut quality_annotations = Vec::new();
        for node in self.parts(d, dqv::HAS_QUALITY_ANNOTATION, "quality-annotation", true) {
            quality_annotations.push(self.text(node, oa::BODY_VALUE));
        }
        let duo_namespace = terms::iri("DUO:");
        let duo = self
            .take(d, dct::RIGHTS, |o| match o {
                TermRef::NamedNode(iri) if iri.as_str().starts_with(&duo_namespace) => {
                    Some(terms::compact(iri.as_str()))
                }
                _ => None,
            })
            .join(", ");

        let draft = DatasetDraft {
            title_en: title_en.join(" "),
            title_nl: title_nl.join(" "),
            description_en: description_en.join("\n\n"),
            description_nl: description_nl.join("\n\n"),
            keywords_en: keywords_en.join(", "),
            keywords_nl: keywords_nl.join(", "),
            contact_point,
            themes: themes.join(", "),
            access_rights,
            legal_basis,
            purpose,
            personal_data,
            health_categories,
            health_themes,
            coding_systems,
            code_values,
            population_coverage,
            min_typical_age,
            max_typical_age,
            number_of_records,
            number_of_unique_individuals,
            temporal_start,
            temporal_end,
            spatial,
            retention_until,
            access_body,
            access_body_email,
            access_body_website,
            distributions: distributions.join("\n"),
            quality_annotations: quality_annotations.join("\n"),
            duo,
        };
        let statements = self.unread()?;
        let source = Source {
            iri: iri.clone(),
            identifier: Some(identifier).filter(|id| !id.is_empty() && *id != iri),
            statements,
        };
        Ok(ReadDataset { iri, publisher, issued, modified, draft, source })
    }

    /// The statements about the dataset, its parts and the blank nodes they lead to that
    /// were not read, as N-Triples with the parts renamed to their fragment IRIs.
    fn unread(&self) -> Result<String, DcatError> {
        let rename = |node: NamedOrBlankNodeRef<'a>| -> NamedOrBlankNode {
            match self.parts.get(&node) {
                Some(fragment) => NamedNode::new_unchecked(format!("{}#{fragment}", self.dataset.as_str())).into(),
                None => node.into_owned(),
            }
        };
        let mut pending: Vec<NamedOrBlankNodeRef<'a>> = vec![NamedOrBlankNodeRef::NamedNode(self.dataset)];
        pending.extend(self.parts.keys().copied());
        let mut seen: HashSet<NamedOrBlankNodeRef<'a>> = pending.iter().copied().collect();
        let mut kept = Vec::new();
        while let Some(subject) = pending.pop() {
            for triple in self.graph.triples_for_subject(subject) {
                if self.used.contains(&triple) {
                    continue;
                }
                let object: Term = match triple.object {
                    TermRef::BlankNode(node) => {
                        let node = NamedOrBlankNodeRef::BlankNode(node);
                        if seen.insert(node) {
                            pending.push(node);
                        }
                        rename(node).into()
                    }
                    TermRef::NamedNode(iri) if self.parts.contains_key(&NamedOrBlankNodeRef::NamedNode(iri)) => {
                        rename(NamedOrBlankNodeRef::NamedNode(iri)).into()
                    }
                    other => other.into_owned(),
                };
                kept.push(Triple::new(rename(subject), triple.predicate.into_owned(), object));
            }
        }
        if kept.is_empty() {
            return Ok(String::new());
        }
        kept.sort_by_key(ToString::to_string);
        let failed = |source| DcatError::Write { syntax: "application/n-triples", source };
        let mut writer = RdfSerializer::from_format(RdfFormat::NTriples).for_writer(Vec::new());
        for triple in &kept {
            writer.serialize_triple(triple).map_err(failed)?;
        }
        let bytes = writer.finish().map_err(failed)?;
        Ok(String::from_utf8_lossy(&bytes).into_owned())
    }
}

fn literal(term: TermRef<'_>) -> Option<(&str, Option<&str>)> {
    match term {
        TermRef::Literal(literal) => Some((literal.value(), literal.language())),
        _ => None,
    }
}

fn term(node: NamedOrBlankNodeRef<'_>) -> TermRef<'_> {
    match node {
        NamedOrBlankNodeRef::NamedNode(iri) => TermRef::NamedNode(iri),
        NamedOrBlankNodeRef::BlankNode(node) => TermRef::BlankNode(node),
    }
}

/// Sorts `<…#distribution-2>` before `<…#distribution-10>`.
fn natural_order(name: &str) -> (String, u64) {
    let name = name.trim_end_matches('>');
    let stem = name.trim_end_matches(|c: char| c.is_ascii_digit());
    (stem.to_owned(), name[stem.len()..].parse().unwrap_or(0))
}

/// The kept statements of `source`, each blank node new, so that two datasets' statements
/// never share one.
pub(crate) fn kept_statements(source: &Source) -> Result<Vec<Triple>, DcatError> {
    if source.statements.is_empty() {
        return Ok(Vec::new());
    }
    let mut blank: HashMap<BlankNode, BlankNode> = HashMap::new();
    let mut fresh = |node: &BlankNode| blank.entry(node.clone()).or_default().clone();
    let mut triples = Vec::new();
    for triple in RdfParser::from_format(RdfFormat::NTriples).for_slice(source.statements.as_bytes()) {
        let triple =
            triple.map_err(|e| DcatError::Invalid { syntax: "application/n-triples", reason: e.to_string() })?;
        let subject = match triple.subject {
            NamedOrBlankNode::BlankNode(node) => NamedOrBlankNode::BlankNode(fresh(&node)),
            named => named,
        };
        let object = match triple.object {
            Term::BlankNode(node) => Term::BlankNode(fresh(&node)),
            other => other,
        };
        triples.push(Triple::new(subject, triple.predicate, object));
    }
    Ok(triples)
}

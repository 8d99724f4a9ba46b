//! The IRIs of the vocabularies DCAT-AP and HealthDCAT-AP use, and the prefixes the
//! serialisations declare for them.

use oxrdf::NamedNodeRef;

const fn iri(iri: &'static str) -> NamedNodeRef<'static> {
    NamedNodeRef::new_unchecked(iri)
}

/// Prefix and namespace, in the order the Turtle output declares them.
pub const PREFIXES: [(&str, &str); 14] = [
    ("dcat", "http://www.w3.org/ns/dcat#"),
    ("dcatap", "http://data.europa.eu/r5r/"),
    ("dct", "http://purl.org/dc/terms/"),
    ("dpv", "https://w3id.org/dpv#"),
    ("dqv", "http://www.w3.org/ns/dqv#"),
    ("foaf", "http://xmlns.com/foaf/0.1/"),
    ("healthdcatap", "http://healthdataportal.eu/ns/health#"),
    ("locn", "http://www.w3.org/ns/locn#"),
    ("oa", "http://www.w3.org/ns/oa#"),
    ("rdfs", "http://www.w3.org/2000/01/rdf-schema#"),
    ("skos", "http://www.w3.org/2004/02/skos/core#"),
    ("vcard", "http://www.w3.org/2006/vcard/ns#"),
    ("xsd", "http://www.w3.org/2001/XMLSchema#"),
    ("eli", "http://data.europa.eu/eli/ontology#"),
];

pub mod dcat {
    use super::*;
    pub const CATALOG: NamedNodeRef<'_> = iri("http://www.w3.org/ns/dcat#Catalog");
    pub const DATASET: NamedNodeRef<'_> = iri("http://www.w3.org/ns/dcat#Dataset");
    pub const DISTRIBUTION: NamedNodeRef<'_> = iri("http://www.w3.org/ns/dcat#Distribution");
    pub const DATASET_PROPERTY: NamedNodeRef<'_> = iri("http://www.w3.org/ns/dcat#dataset");
    pub const DISTRIBUTION_PROPERTY: NamedNodeRef<'_> = iri("http://www.w3.org/ns/dcat#distribution");
    pub const ACCESS_URL: NamedNodeRef<'_> = iri("http://www.w3.org/ns/dcat#accessURL");
    pub const BYTE_SIZE: NamedNodeRef<'_> = iri("http://www.w3.org/ns/dcat#byteSize");
    pub const CONTACT_POINT: NamedNodeRef<'_> = iri("http://www.w3.org/ns/dcat#contactPoint");
    pub const KEYWORD: NamedNodeRef<'_> = iri("http://www.w3.org/ns/dcat#keyword");
    pub const THEME: NamedNodeRef<'_> = iri("http://www.w3.org/ns/dcat#theme");
    pub const THEME_TAXONOMY: NamedNodeRef<'_> = iri("http://www.w3.org/ns/dcat#themeTaxonomy");
    pub const START_DATE: NamedNodeRef<'_> = iri("http://www.w3.org/ns/dcat#startDate");
    pub const END_DATE: NamedNodeRef<'_> = iri("http://www.w3.org/ns/dcat#endDate");
}

pub mod dcatap {
    use super::*;
    pub const APPLICABLE_LEGISLATION: NamedNodeRef<'_> = iri("http://data.europa.eu/r5r/applicableLegislation");
}

pub mod dct {
    use super::*;
    pub const ACCESS_RIGHTS: NamedNodeRef<'_> = iri("http://purl.org/dc/terms/accessRights");
    pub const CREATOR: NamedNodeRef<'_> = iri("http://purl.org/dc/terms/creator");
    pub const DESCRIPTION: NamedNodeRef<'_> = iri("http://purl.org/dc/terms/description");
    pub const FORMAT: NamedNodeRef<'_> = iri("http://purl.org/dc/terms/format");
    pub const IDENTIFIER: NamedNodeRef<'_> = iri("http://purl.org/dc/terms/identifier");
    pub const ISSUED: NamedNodeRef<'_> = iri("http://purl.org/dc/terms/issued");
    pub const LICENSE: NamedNodeRef<'_> = iri("http://purl.org/dc/terms/license");
    pub const LICENSE_DOCUMENT: NamedNodeRef<'_> = iri("http://purl.org/dc/terms/LicenseDocument");
    pub const LOCATION: NamedNodeRef<'_> = iri("http://purl.org/dc/terms/Location");
    pub const MEDIA_TYPE_OR_EXTENT: NamedNodeRef<'_> = iri("http://purl.org/dc/terms/MediaTypeOrExtent");
    pub const MODIFIED: NamedNodeRef<'_> = iri("http://purl.org/dc/terms/modified");
    pub const PERIOD_OF_TIME: NamedNodeRef<'_> = iri("http://purl.org/dc/terms/PeriodOfTime");
    pub const PUBLISHER: NamedNodeRef<'_> = iri("http://purl.org/dc/terms/publisher");
    pub const RIGHTS: NamedNodeRef<'_> = iri("http://purl.org/dc/terms/rights");
    pub const RIGHTS_STATEMENT: NamedNodeRef<'_> = iri("http://purl.org/dc/terms/RightsStatement");
    pub const SPATIAL: NamedNodeRef<'_> = iri("http://purl.org/dc/terms/spatial");
    pub const TEMPORAL: NamedNodeRef<'_> = iri("http://purl.org/dc/terms/temporal");
    pub const TITLE: NamedNodeRef<'_> = iri("http://purl.org/dc/terms/title");
}

pub mod dpv {
    use super::*;
    pub const HAS_LEGAL_BASIS: NamedNodeRef<'_> = iri("https://w3id.org/dpv#hasLegalBasis");
    pub const HAS_PURPOSE: NamedNodeRef<'_> = iri("https://w3id.org/dpv#hasPurpose");
    pub const HAS_PERSONAL_DATA: NamedNodeRef<'_> = iri("https://w3id.org/dpv#hasPersonalData");
}

pub mod dqv {
    use super::*;
    pub const HAS_QUALITY_ANNOTATION: NamedNodeRef<'_> = iri("http://www.w3.org/ns/dqv#hasQualityAnnotation");
    pub const QUALITY_ANNOTATION: NamedNodeRef<'_> = iri("http://www.w3.org/ns/dqv#QualityAnnotation");
}

pub mod eli {
    use super::*;
    pub const LEGAL_RESOURCE: NamedNodeRef<'_> = iri("http://data.europa.eu/eli/ontology#LegalResource");
}

pub mod foaf {
    use super::*;
    pub const AGENT: NamedNodeRef<'_> = iri("http://xmlns.com/foaf/0.1/Agent");
    pub const DOCUMENT: NamedNodeRef<'_> = iri("http://xmlns.com/foaf/0.1/Document");
    pub const HOMEPAGE: NamedNodeRef<'_> = iri("http://xmlns.com/foaf/0.1/homepage");
    pub const MBOX: NamedNodeRef<'_> = iri("http://xmlns.com/foaf/0.1/mbox");
    pub const NAME: NamedNodeRef<'_> = iri("http://xmlns.com/foaf/0.1/name");
}

pub mod health {
    use super::*;
    pub const HAS_CODE_VALUES: NamedNodeRef<'_> = iri("http://healthdataportal.eu/ns/health#hasCodeValues");
    pub const HAS_CODING_SYSTEM: NamedNodeRef<'_> = iri("http://healthdataportal.eu/ns/health#hasCodingSystem");
    pub const HDAB: NamedNodeRef<'_> = iri("http://healthdataportal.eu/ns/health#hdab");
    pub const HEALTH_CATEGORY: NamedNodeRef<'_> = iri("http://healthdataportal.eu/ns/health#healthCategory");
    pub const HEALTH_THEME: NamedNodeRef<'_> = iri("http://healthdataportal.eu/ns/health#healthTheme");
    pub const MAX_TYPICAL_AGE: NamedNodeRef<'_> = iri("http://healthdataportal.eu/ns/health#maxTypicalAge");
    pub const MIN_TYPICAL_AGE: NamedNodeRef<'_> = iri("http://healthdataportal.eu/ns/health#minTypicalAge");
    pub const NUMBER_OF_RECORDS: NamedNodeRef<'_> = iri("http://healthdataportal.eu/ns/health#numberOfRecords");
    pub const NUMBER_OF_UNIQUE_INDIVIDUALS: NamedNodeRef<'_> =
        iri("http://healthdataportal.eu/ns/health#numberOfUniqueIndividuals");
    pub const POPULATION_COVERAGE: NamedNodeRef<'_> = iri("http://healthdataportal.eu/ns/health#populationCoverage");
    pub const RETENTION_PERIOD: NamedNodeRef<'_> = iri("http://healthdataportal.eu/ns/health#retentionPeriod");
}

pub mod locn {
    use super::*;
    pub const GEOGRAPHIC_NAME: NamedNodeRef<'_> = iri("http://www.w3.org/ns/locn#geographicName");
}

pub mod oa {
    use super::*;
    pub const BODY_VALUE: NamedNodeRef<'_> = iri("http://www.w3.org/ns/oa#bodyValue");
}

pub mod skos {
    use super::*;
    pub const CONCEPT: NamedNodeRef<'_> = iri("http://www.w3.org/2004/02/skos/core#Concept");
    pub const CONCEPT_SCHEME: NamedNodeRef<'_> = iri("http://www.w3.org/2004/02/skos/core#ConceptScheme");
    pub const IN_SCHEME: NamedNodeRef<'_> = iri("http://www.w3.org/2004/02/skos/core#inScheme");
    pub const NOTATION: NamedNodeRef<'_> = iri("http://www.w3.org/2004/02/skos/core#notation");
    pub const PREF_LABEL: NamedNodeRef<'_> = iri("http://www.w3.org/2004/02/skos/core#prefLabel");
}

pub mod vcard {
    use super::*;
    pub const KIND: NamedNodeRef<'_> = iri("http://www.w3.org/2006/vcard/ns#Kind");
    pub const FN: NamedNodeRef<'_> = iri("http://www.w3.org/2006/vcard/ns#fn");
    pub const HAS_EMAIL: NamedNodeRef<'_> = iri("http://www.w3.org/2006/vcard/ns#hasEmail");
}

/// The EU vocabularies (publications office authority tables) the export points into.
pub mod eu {
    pub const DATA_THEME: &str = "http://publications.europa.eu/resource/authority/data-theme";
    pub const FILE_TYPE: &str = "http://publications.europa.eu/resource/authority/file-type";
    pub const ACCESS_RIGHT: &str = "http://publications.europa.eu/resource/authority/access-right";
    /// The European Health Data Space regulation, (EU) 2025/327, which HealthDCAT-AP
    /// datasets name as their applicable legislation.
    pub const EHDS: &str = "http://data.europa.eu/eli/reg/2025/327/oj";
}

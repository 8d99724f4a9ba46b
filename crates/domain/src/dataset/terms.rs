//! Terms of controlled vocabularies as datasets name them: a code with a known prefix
//! (`MONDO:0005061`, `ICD10WHO:C34`), a coding system by its usual name (`ICD-10`), a DPV
//! term by its name (`Consent`), or any term by its web address. Catalogues exchange terms as
//! IRIs, so every accepted value has one; free text is refused with the forms that work.

use crate::validation::{Reason, ValidationError};

/// The prefixes a code may carry and the namespaces they stand for, as the MONDO mapping
/// sets and the OBO Foundry write them.
pub const PREFIXES: [(&str, &str); 9] = [
    ("DUO", "http://purl.obolibrary.org/obo/DUO_"),
    ("HP", "http://purl.obolibrary.org/obo/HP_"),
    ("ICD10CM", "http://purl.bioontology.org/ontology/ICD10CM/"),
    ("ICD10WHO", "https://icd.who.int/browse10/2019/en#/"),
    ("LOINC", "https://loinc.org/"),
    ("MONDO", "http://purl.obolibrary.org/obo/MONDO_"),
    ("Orphanet", "http://www.orpha.net/ORDO/Orphanet_"),
    ("SNOMEDCT", "http://snomed.info/id/"),
    ("wd", "http://www.wikidata.org/entity/"),
];

/// Coding systems by the names people use for them, and their system IRIs (those of HL7
/// FHIR where it has one, else the ontology's own).
pub const CODING_SYSTEMS: [(&str, &str); 8] = [
    ("ATC", "http://www.whocc.no/atc"),
    ("HPO", "http://purl.obolibrary.org/obo/hp.owl"),
    ("ICD-10", "http://hl7.org/fhir/sid/icd-10"),
    ("ICD-10-CM", "http://hl7.org/fhir/sid/icd-10-cm"),
    ("LOINC", "http://loinc.org"),
    ("MONDO", "http://purl.obolibrary.org/obo/mondo.owl"),
    ("Orphanet", "http://www.orpha.net"),
    ("SNOMED CT", "http://snomed.info/sct"),
];

/// The scheme under which the hub keeps the terms of the GA4GH Data Use Ontology.
pub const DUO: &str = "DUO";

/// Whether `code` has the form of a DUO code: `DUO:` and seven digits.
pub fn is_duo_code(code: &str) -> bool {
    code.strip_prefix("DUO:").is_some_and(|n| n.len() == 7 && n.bytes().all(|b| b.is_ascii_digit()))
}

/// A term of a controlled vocabulary as its published table gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Term {
    /// Its code, e.g. `DUO:0000042`.
    pub code: String,
    pub label: String,
    /// Its short name, e.g. `GRU`.
    pub shorthand: Option<String>,
    pub description: Option<String>,
}

/// The Data Privacy Vocabulary, whose terms name legal bases, purposes and personal data.
pub const DPV: &str = "https://w3id.org/dpv#";

/// The kinds of term a field takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TermKind {
    /// A code with a known prefix, or an IRI.
    Code,
    /// A coding system's name, or an IRI.
    CodingSystem,
    /// A DPV term's name (with or without `dpv:`), or an IRI.
    Dpv,
}

impl TermKind {
    /// Why `value` is refused: the message names the forms the field takes.
    fn refusal(self, field: &'static str, value: &str) -> ValidationError {
        let value = value.to_owned();
        let reason = match self {
            TermKind::Code => {
                Reason::NotCode { value, prefixes: PREFIXES.map(|(prefix, _)| format!("{prefix}:")).join(", ") }
            }
            TermKind::CodingSystem => {
                Reason::NotCodingSystem { value, names: CODING_SYSTEMS.map(|(name, _)| name).join(", ") }
            }
            TermKind::Dpv => Reason::NotDpvTerm { value },
        };
        ValidationError::new(field, reason)
    }

    /// The value in the form the hub keeps: a known prefix or name as written in the
    /// tables above, whatever its case; a DPV name with `dpv:`; an IRI as given.
    pub fn normalise(self, field: &'static str, value: &str) -> Result<String, ValidationError> {
        let refused = || self.refusal(field, value);
        if is_web_address(value) {
            return Ok(value.to_owned());
        }
        match self {
            TermKind::Code => {
                let (prefix, local) = value.split_once(':').ok_or_else(refused)?;
                let (known, _) =
                    PREFIXES.iter().find(|(p, _)| p.eq_ignore_ascii_case(prefix.trim())).ok_or_else(refused)?;
                let local = local.trim();
                if local.is_empty() || !local.chars().all(|c| c.is_ascii_alphanumeric() || "._-".contains(c)) {
                    return Err(refused());
                }
                Ok(format!("{known}:{local}"))
            }
            TermKind::CodingSystem => CODING_SYSTEMS
                .iter()
                .find(|(name, _)| name.eq_ignore_ascii_case(value))
                .map(|(name, _)| (*name).to_owned())
                .ok_or_else(refused),
            TermKind::Dpv => {
                let name = value.strip_prefix("dpv:").unwrap_or(value);
                let well_formed = name.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
                    && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
                if well_formed {
                    Ok(format!("dpv:{name}"))
                } else {
                    Err(refused())
                }
            }
        }
    }
}

fn is_web_address(value: &str) -> bool {
    url::Url::parse(value).is_ok_and(|url| matches!(url.scheme(), "http" | "https") && url.host().is_some())
}

/// The IRI a kept term stands for.
pub fn iri(term: &str) -> String {
    if let Some((_, iri)) = CODING_SYSTEMS.iter().find(|(name, _)| *name == term) {
        return (*iri).to_owned();
    }
    if let Some(name) = term.strip_prefix("dpv:") {
        return format!("{DPV}{name}");
    }
    if let Some((prefix, local)) = term.split_once(':') {
        if let Some((_, namespace)) = PREFIXES.iter().find(|(p, _)| *p == prefix) {
            return format!("{namespace}{local}");
        }
    }
    term.to_owned()
}

/// The term the hub keeps for an IRI read from a catalogue: the short form where it knows
/// the namespace or the system, else the IRI itself. `iri(compact(x)) == x`.
pub fn compact(iri: &str) -> String {
    if let Some((name, _)) = CODING_SYSTEMS.iter().find(|(_, system)| *system == iri) {
        return (*name).to_owned();
    }
    if let Some(name) = iri.strip_prefix(DPV) {
        if TermKind::Dpv.normalise("", name).is_ok() {
            return format!("dpv:{name}");
        }
    }
    for (prefix, namespace) in PREFIXES {
        if let Some(local) = iri.strip_prefix(namespace) {
            let short = format!("{prefix}:{local}");
            if TermKind::Code.normalise("", &short).is_ok() {
                return short;
            }
        }
    }
    iri.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_names_and_addresses_are_kept_in_one_form() {
        assert_eq!(TermKind::Code.normalise("f", "mondo:0005061").unwrap(), "MONDO:0005061");
        assert_eq!(TermKind::Code.normalise("f", "ORPHANET:558").unwrap(), "Orphanet:558");
        assert_eq!(TermKind::Code.normalise("f", "ICD10WHO:C34").unwrap(), "ICD10WHO:C34");
        assert_eq!(TermKind::CodingSystem.normalise("f", "snomed ct").unwrap(), "SNOMED CT");
        assert_eq!(TermKind::Dpv.normalise("f", "Consent").unwrap(), "dpv:Consent");
        assert_eq!(TermKind::Dpv.normalise("f", "dpv:ScientificResearch").unwrap(), "dpv:ScientificResearch");
        let address = "https://www.wikidata.org/wiki/Q47912";
        for kind in [TermKind::Code, TermKind::CodingSystem, TermKind::Dpv] {
            assert_eq!(kind.normalise("f", address).unwrap(), address);
        }
    }

    #[test]
    fn free_text_is_refused_with_what_would_do() {
        for (kind, value) in [
            (TermKind::Code, "C34"),
            (TermKind::Code, "lung cancer"),
            (TermKind::Code, "XYZ:1"),
            (TermKind::Code, "MONDO:"),
            (TermKind::CodingSystem, "our own codes"),
            (TermKind::Dpv, "research on people"),
            (TermKind::Code, "javascript:alert(1)"),
        ] {
            let error = kind.normalise("code_values", value).unwrap_err();
            assert!(error.to_string().contains(&format!("'{value}'")), "{error}");
            assert!(error.to_string().contains("web address"), "{error}");
        }
    }

    #[test]
    fn every_kept_term_has_an_iri_and_compacts_back() {
        for term in ["MONDO:0005061", "ICD10WHO:C34", "Orphanet:558", "ICD-10", "SNOMED CT", "dpv:Consent"] {
            let iri = iri(term);
            assert!(iri.starts_with("http"), "{term}: {iri}");
            assert_eq!(compact(&iri), term);
        }
        assert_eq!(iri("MONDO:0005061"), "http://purl.obolibrary.org/obo/MONDO_0005061");
        assert_eq!(compact("https://example.org/terms/7"), "https://example.org/terms/7");
    }
}

//! SSSOM mapping sets (tab-separated, with a `#` metadata block), such as MONDO's exact
//! matches to ICD-10 and Orphanet: every code on either side, with its label, becomes a term
//! of the vocabulary its prefix names (`MONDO:0007947` of MONDO, `Orphanet:558` of Orphanet),
//! so that dataset pages can say what a code means.

use lshub_domain::dataset::terms::Term;

use crate::report::{Parsed, Rejection};

/// Reads the terms of a mapping set, each code once; the scheme is the code's prefix. A side
/// without a label gives no term; a row whose codes are missing or not prefixed is rejected.
pub fn parse_sssom(text: &str) -> Parsed<Term> {
    let mut parsed = Parsed::default();
    let mut rows = text.lines().enumerate().filter(|(_, line)| !line.starts_with('#') && !line.trim().is_empty());
    let Some((_, header)) = rows.next() else { return parsed };
    let columns: Vec<&str> = header.split('\t').collect();
    let column = |name: &str| columns.iter().position(|c| *c == name);
    let wanted = ["subject_id", "subject_label", "object_id", "object_label"].map(column);
    let [Some(subject), Some(subject_label), Some(object), Some(object_label)] = wanted else {
        parsed.rejected.push(Rejection {
            position: "the header".into(),
            reason: "a mapping set needs the columns subject_id, subject_label, object_id and object_label".into(),
        });
        return parsed;
    };
    let mut seen = std::collections::HashSet::new();
    for (number, line) in rows {
        let cells: Vec<&str> = line.split('\t').map(str::trim).collect();
        let cell = |i: usize| cells.get(i).copied().filter(|c| !c.is_empty());
        for (code, label) in [(subject, subject_label), (object, object_label)] {
            let well_formed = |code: &str| code.split_once(':').is_some_and(|(p, l)| !p.is_empty() && !l.is_empty());
            match (cell(code), cell(label)) {
                // Labels are optional in SSSOM: a code without one has nothing to show.
                (Some(code), None) if well_formed(code) => {}
                (Some(code), Some(label)) if well_formed(code) => {
                    if seen.insert(code.to_owned()) {
                        parsed.records.push(Term {
                            code: code.to_owned(),
                            label: label.to_owned(),
                            shorthand: None,
                            description: None,
                        });
                    }
                }
                (code, _) => parsed.rejected.push(Rejection {
                    position: format!("line {}", number + 1),
                    reason: format!("'{}' is not a prefixed code", code.unwrap_or_default()),
                }),
            }
        }
    }
    parsed
}

/// The scheme of a code: its prefix, `MONDO` of `MONDO:0007947`.
pub fn scheme_of(code: &str) -> &str {
    code.split_once(':').map_or(code, |(prefix, _)| prefix)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_sides_become_terms_once_each() {
        let text = "# curie_map:\n#   MONDO: http://purl.obolibrary.org/obo/MONDO_\n\
            subject_id\tsubject_label\tpredicate_id\tobject_id\tobject_label\tmapping_justification\n\
            MONDO:0007947\tMarfan syndrome\tskos:exactMatch\tOrphanet:558\tMarfan syndrome\tsemapv:ManualMappingCuration\n\
            MONDO:0007947\tMarfan syndrome\tskos:exactMatch\tOrphanet:284963\tMarfan syndrome type 1\tsemapv:ManualMappingCuration\n\
            MONDO:0000001\t\tskos:exactMatch\tOrphanet:377788\tdisease\tsemapv:ManualMappingCuration\n\
            nonsense\tx\tskos:exactMatch\tOrphanet:1\ty\tsemapv:ManualMappingCuration\n";
        let parsed = parse_sssom(text);
        let codes: Vec<_> = parsed.records.iter().map(|t| t.code.as_str()).collect();
        assert_eq!(codes, ["MONDO:0007947", "Orphanet:558", "Orphanet:284963", "Orphanet:377788", "Orphanet:1"]);
        assert_eq!(parsed.rejected.len(), 1, "the row whose code is not prefixed");
        assert_eq!(parsed.rejected[0].position, "line 7");
        assert_eq!(scheme_of("Orphanet:558"), "Orphanet");
    }

    #[test]
    fn a_file_without_the_columns_is_refused() {
        let parsed = parse_sssom("a\tb\n1\t2\n");
        assert!(parsed.records.is_empty());
        assert!(parsed.rejected[0].reason.contains("subject_id"));
    }
}

//! The GA4GH Data Use Ontology's term table (`duo.csv` as JSON lines, as in
//! `duo_terms.jsonl.gz`): the codes datasets restrict their use with, and what each means.

use lshub_domain::dataset::terms::{is_duo_code, Term};

use crate::records::{parse_records, FieldError, Fields};
use crate::report::Parsed;

/// Reads DUO terms; a record without a well-formed code (`DUO:` and seven digits) or a
/// label is rejected.
pub fn parse_duo(text: &str) -> Parsed<Term> {
    parse_records(text, "id", term_from_record, |term| &term.code)
}

fn term_from_record(record: &Fields) -> Result<Term, FieldError> {
    let code = record.required_line("id")?;
    if !is_duo_code(&code) {
        return Err(FieldError::new("id", format!("'{code}' is not a DUO code (DUO: and seven digits)")));
    }
    Ok(Term {
        code,
        label: record.required_line("label")?,
        shorthand: record.line("shorthand")?,
        description: record.text("description")?,
    })
}

#[cfg(test)]
mod tests {
    use super::parse_duo;

    #[test]
    fn terms_are_read_and_malformed_codes_rejected() {
        let text = r#"{"id": "DUO:0000042", "shorthand": "GRU", "label": "general research use", "description": "Use is allowed."}
{"id": "DUO:0000001", "shorthand": "", "label": "data use permission", "description": ""}
{"id": "DUO:42", "label": "short"}
{"id": "DUO:0000007", "shorthand": "DS"}"#;
        let parsed = parse_duo(text);
        let codes: Vec<_> = parsed.records.iter().map(|t| t.code.as_str()).collect();
        assert_eq!(codes, ["DUO:0000042", "DUO:0000001"]);
        assert_eq!(parsed.records[0].shorthand.as_deref(), Some("GRU"));
        assert_eq!(parsed.records[1].shorthand, None, "an empty shorthand is none");
        assert_eq!(parsed.rejected.len(), 2);
        assert!(parsed.rejected[0].reason.contains("'DUO:42' is not a DUO code"), "{}", parsed.rejected[0]);
        assert!(parsed.rejected[1].reason.starts_with("label"), "{}", parsed.rejected[1]);
    }
}

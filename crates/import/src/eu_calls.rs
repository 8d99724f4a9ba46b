//! EU Funding & Tenders portal call topics (SEDIA search API records, as collected in
//! `eu_calls_open.jsonl.gz`) → call topics.
//!
//! The portal's texts are often double-decoded UTF-8 and carry HTML leftovers; both are
//! repaired here so that storage and the web only ever see clean plain text.

use std::collections::HashSet;

use chrono::NaiveDate;
use lshub_domain::text::html_to_text;
use lshub_domain::{CallContent, CallStatus, NewCallTopic, SourceRef};

use crate::records::{parse_records, FieldError, Fields};
use crate::Parsed;

/// The `source` of every call topic from the EU portal.
pub const SOURCE: &str = lshub_domain::call::EU_FUNDING_TENDERS;

/// Section headings that the portal glues onto the surrounding text.
const SECTION_HEADINGS: [&str; 4] = ["Expected Outcome:", "Expected Impact:", "Objective:", "Scope:"];

/// Parses EU call topic records (concatenated without separators, JSON lines, or an array).
pub fn parse_eu_calls(text: &str) -> Parsed<NewCallTopic> {
    parse_records(text, "topicId", call_from_record, |call| &call.content.topic_id)
}

fn call_from_record(record: &Fields) -> Result<NewCallTopic, FieldError> {
    let topic_id = record.required_line("topicId")?;
    let status_text = record.required_line("callStatus")?;
    let status = CallStatus::from_id(&status_text)
        .ok_or_else(|| FieldError::new("callStatus", format!("'{status_text}' is not open, forthcoming or closed")))?;
    let deadlines = match record.line("deadline")? {
        Some(text) => vec![NaiveDate::parse_from_str(&text, "%Y-%m-%d")
            .map_err(|_| FieldError::new("deadline", format!("'{text}' is not a date (YYYY-MM-DD)")))?],
        None => Vec::new(),
    };
    let call_id = record.line("callIdentifier")?;
    let content = CallContent {
        topic_id: topic_id.clone(),
        title: record.required_line("title")?,
        programme: record.required_line("programme")?,
        cluster: record.line("cluster")?,
        call_id: call_id.clone(),
        call_title: record.line("callTitle")?,
        action_type: record.line("actionType")?,
        type_of_action: record.line("typesOfAction")?,
        source_status: status,
        opening_date: None,
        deadlines,
        deadline_model: record.line("deadlineModel")?,
        budget_min: record.integer("budgetMin")?,
        budget_max: record.integer("budgetMax")?,
        expected_grants: record.integer("expectedGrants")?,
        keywords: keywords(record.line("keywords")?.as_deref().unwrap_or(""))
            .into_iter()
            // The portal lists the topic's and the call's own ids among the keywords.
            .filter(|k| !k.eq_ignore_ascii_case(&topic_id) && Some(k) != call_id.as_ref())
            .collect(),
        description: separate_section_headings(&plain_text(record, "description")?.unwrap_or_default()),
        conditions: plain_text(record, "topicConditions")?,
        support_info: plain_text(record, "supportInfo")?,
        portal_url: record.line("portalUrl")?,
    };
    let call = NewCallTopic { content, source: SourceRef { source: SOURCE.into(), source_id: topic_id } };
    call.validate()?;
    Ok(call)
}

/// A portal HTML fragment as plain text; blank is `None`. The mojibake is repaired (by
/// [`Fields::text`]) before the entities are decoded, so that the two do not mix.
fn plain_text(record: &Fields, field: &str) -> Result<Option<String>, FieldError> {
    Ok(record.text(field)?.map(|html| space_glued_sentences(&html_to_text(&html))).filter(|t| !t.is_empty()))
}

/// Puts back the space the portal lost between sentences ("decision making.Patients
/// benefit", "outcomes:Healthcare"): after `.`, `:`, `;`, `!` or `?` that follows a
/// lower-case letter and comes before a capitalised word. Abbreviations ("e.g.") and
/// addresses ("ec.europa.eu") do not match.
fn space_glued_sentences(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len() + 32);
    for (i, c) in chars.iter().enumerate() {
        out.push(*c);
        let glued = matches!(c, '.' | ':' | ';' | '!' | '?')
            && i > 0
            && chars[i - 1].is_lowercase()
            && chars.get(i + 1).is_some_and(|n| n.is_uppercase())
            && chars.get(i + 2).is_some_and(|n| n.is_lowercase());
        if glued {
            out.push(' ');
        }
    }
    out
}

/// The comma-separated keywords, trimmed, without blanks and repeats (ignoring case).
fn keywords(text: &str) -> Vec<String> {
    let mut seen = HashSet::new();
    text.split(',')
        .map(str::trim)
        .filter(|k| !k.is_empty() && seen.insert(k.to_lowercase()))
        .map(str::to_owned)
        .collect()
}

/// Puts each glued section heading ("…research.Scope:Size of…") at the start of its own
/// paragraph with a space after the colon ("…research.\n\nScope: Size of…"). A heading
/// counts as glued when it touches the text before or after it, or follows the end of a
/// sentence; inside a sentence ("the specific Objective: to …") it is left alone.
fn separate_section_headings(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 64);
    let mut rest = text;
    while let Some((at, heading)) = next_heading(rest) {
        out.push_str(&rest[..at]);
        rest = &rest[at + heading.len()..];
        let touches_next = rest.starts_with(|c: char| !c.is_whitespace());
        let kept = out.trim_end_matches([' ', '\t']).len();
        let touches_previous = kept == out.len();
        let glued = match out[..kept].chars().next_back() {
            None | Some('\n') => false,
            Some(c) => touches_previous || touches_next || matches!(c, '.' | '!' | '?' | ';' | ':' | ')'),
        };
        if glued {
            out.truncate(kept);
            out.push_str("\n\n");
        }
        out.push_str(heading);
        if touches_next {
            out.push(' ');
        }
    }
    out.push_str(rest);
    out
}

fn next_heading(text: &str) -> Option<(usize, &'static str)> {
    SECTION_HEADINGS.iter().filter_map(|h| text.find(h).map(|at| (at, *h))).min_by_key(|(at, _)| *at)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A record in the portal's shape, with mojibake (`â€“`, `â€™`, `Â `) and HTML.
    const RECORD: &str = r#"{"reference":"48939636TOPICSen","topicId":"HORIZON-HLTH-2027-02-IND-02-two-stage",
        "title":"Lung cancer screening \u00e2\u0080\u0093 next steps","programme":"Horizon Europe","programmeId":"43108390",
        "cluster":"CL1","callIdentifier":"HORIZON-HLTH-2027-02","actionType":"Grant","deadline":"2027-04-13",
        "stage":"two-stage","callStatus":"forthcoming","budgetMin":4000000,"budgetMax":6000000,"expectedGrants":null,
        "keywords":"Cancer, screening,  , cancer, AI","portalUrl":"https://ec.europa.eu/info/funding-tenders/opportunities/portal/screen/opportunities/topic-details/horizon-hlth-2027-02-ind-02-two-stage",
        "description":"Expected Outcome:Projects should contribute to <b>all</b> of the following:<ul><li>Europe\u00e2\u0080\u0099s citizens benefit</li></ul>Scope:Budget of EUR\u00c2\u00a0150 &amp; more.",
        "objectives":"","submissionProcedure":{"abbreviation":"two-stage"},"callTitle":"Tackling diseases","deadlineModel":"two-stage",
        "crossCuttingPriorities":"","typesOfAction":"HORIZON Research and Innovation Actions",
        "topicConditions":"\">General conditions<br/>1. Admissibility","supportInfo":"","qnaUrl":"","updatesUrl":"","documentsUrl":""}"#;

    fn with(field: &str, value: &str) -> String {
        let mut object: serde_json::Map<String, serde_json::Value> = serde_json::from_str(RECORD).expect("record");
        object.insert(field.into(), serde_json::from_str(value).expect("value"));
        serde_json::to_string(&object).expect("json")
    }

    fn rejection(text: &str) -> String {
        let parsed = parse_eu_calls(text);
        assert_eq!(parsed.records, vec![]);
        parsed.rejected.into_iter().map(|r| r.reason).collect::<Vec<_>>().join(" | ")
    }

    #[test]
    fn maps_a_portal_record_and_repairs_its_text() {
        let parsed = parse_eu_calls(RECORD);
        assert_eq!(parsed.rejected, vec![]);
        let call = &parsed.records[0];
        assert_eq!(call.source.source, "eu-ft");
        assert_eq!(call.source.source_id, "HORIZON-HLTH-2027-02-IND-02-two-stage");
        let c = &call.content;
        assert_eq!(c.topic_id, "HORIZON-HLTH-2027-02-IND-02-two-stage");
        assert_eq!(c.title, "Lung cancer screening – next steps");
        assert_eq!(c.cluster.as_deref(), Some("CL1"));
        assert_eq!(c.call_id.as_deref(), Some("HORIZON-HLTH-2027-02"));
        assert_eq!(c.call_title.as_deref(), Some("Tackling diseases"));
        assert_eq!(c.type_of_action.as_deref(), Some("HORIZON Research and Innovation Actions"));
        assert_eq!(c.source_status, CallStatus::Forthcoming);
        assert_eq!(c.deadlines, vec![NaiveDate::from_ymd_opt(2027, 4, 13).expect("date")]);
        assert_eq!(c.deadline_model.as_deref(), Some("two-stage"));
        assert_eq!((c.budget_min, c.budget_max, c.expected_grants), (Some(4_000_000), Some(6_000_000), None));
        assert_eq!(c.keywords, vec!["Cancer", "screening", "AI"]);
        assert_eq!(
            c.description,
            "Expected Outcome: Projects should contribute to all of the following:\n\n• Europe’s citizens benefit\n\n\
             Scope: Budget of EUR\u{a0}150 & more."
        );
        assert_eq!(c.conditions.as_deref(), Some("General conditions\n1. Admissibility"));
        assert_eq!(c.support_info, None);
    }

    #[test]
    fn empty_optional_fields_become_none() {
        let text = with("cluster", "\"\"").replace("\"deadline\":\"2027-04-13\"", "\"deadline\":\"\"");
        let parsed = parse_eu_calls(&text);
        assert_eq!(parsed.rejected, vec![]);
        assert_eq!(parsed.records[0].content.cluster, None);
        assert_eq!(parsed.records[0].content.deadlines, vec![]);
    }

    #[test]
    fn glued_sentences_get_their_space_back() {
        assert_eq!(
            space_glued_sentences("decision making.Patients benefit:Healthcare, e.g.Xy"),
            "decision making. Patients benefit: Healthcare, e.g. Xy"
        );
        for unchanged in ["see ec.europa.eu today", "U.S.A. and CO2.", "Annex B.", "v2.Beta"] {
            assert_eq!(space_glued_sentences(unchanged), unchanged);
        }
    }

    #[test]
    fn europeaid_topic_ids_keep_their_slashes() {
        let parsed = parse_eu_calls(&with("topicId", "\"EuropeAid/186246/DD/ACT/NG\""));
        assert_eq!(parsed.rejected, vec![]);
        assert_eq!(parsed.records[0].content.topic_id, "EuropeAid/186246/DD/ACT/NG");
        assert_eq!(parsed.records[0].source.source_id, "EuropeAid/186246/DD/ACT/NG");
    }

    #[test]
    fn rejections_name_the_field() {
        let mut object: serde_json::Map<String, serde_json::Value> = serde_json::from_str(RECORD).expect("record");
        object.remove("topicId");
        assert_eq!(rejection(&serde_json::to_string(&object).expect("json")), "topicId: missing");
        assert_eq!(
            rejection(&with("callStatus", "\"pending\"")),
            "callStatus: 'pending' is not open, forthcoming or closed"
        );
        assert_eq!(rejection(&with("deadline", "\"13/04/2027\"")), "deadline: '13/04/2027' is not a date (YYYY-MM-DD)");
        assert_eq!(rejection(&with("budgetMin", "9000000")), "budgetMin: 9000000 is more than budgetMax 6000000");
        assert_eq!(rejection(&with("budgetMax", "\"lots\"")), "budgetMax: expected a whole number, found text");
        assert_eq!(rejection(&with("title", "\"  \"")), "title: missing");
    }

    #[test]
    fn invalid_json_in_the_middle_costs_one_record() {
        let second = with("topicId", "\"HORIZON-CL4-2027-01\"");
        let broken = with("topicId", "\"HORIZON-CL6-2027-01\"").replacen("\"title\"", "\"title\" oops", 1);
        let text = format!("{RECORD}{broken}{second}");
        let parsed = parse_eu_calls(&text);
        assert_eq!(parsed.records.len(), 2);
        assert_eq!(parsed.records[1].content.topic_id, "HORIZON-CL4-2027-01");
        assert_eq!(parsed.rejected.len(), 1);
        assert!(parsed.rejected[0].position.starts_with("record 2 (line "), "{}", parsed.rejected[0]);
        assert!(parsed.rejected[0].reason.contains("expected `:`"), "{}", parsed.rejected[0]);
    }

    #[test]
    fn glued_section_headings_get_their_own_paragraph() {
        assert_eq!(
            separate_section_headings("Objective:The ERC grants.Scope:Size of grants"),
            "Objective: The ERC grants.\n\nScope: Size of grants"
        );
        assert_eq!(
            separate_section_headings("Expected Outcome:A result.Expected Impact:Better care"),
            "Expected Outcome: A result.\n\nExpected Impact: Better care"
        );
        assert_eq!(separate_section_headings("of the sector. Scope: the topic"), "of the sector.\n\nScope: the topic");
        assert_eq!(separate_section_headings("in researchScope:Size"), "in research\n\nScope: Size");
        assert_eq!(separate_section_headings("the specific Objective: to help"), "the specific Objective: to help");
        assert_eq!(separate_section_headings("rate 95% Objective:Energy"), "rate 95%\n\nObjective: Energy");
        assert_eq!(separate_section_headings("Done.\n\nScope: already fine"), "Done.\n\nScope: already fine");
        assert_eq!(separate_section_headings(""), "");
    }
}

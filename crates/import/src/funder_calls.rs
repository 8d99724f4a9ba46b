//! Calls of any funder (NWO, ZonMw, KWF, Health~Holland, regional funds ...) in a simple
//! documented format, CSV with a header row or JSON (an array, JSON lines or concatenated
//! objects), with the same field names either way:
//!
//! | field | | |
//! | --- | --- | --- |
//! | `topicId` | required | the funder's id of the call (letters, digits, `-_./`) |
//! | `title` | required | |
//! | `funder` | required | shown and filtered as the call's programme |
//! | `openingDate` | | `YYYY-MM-DD`: the call is forthcoming before it |
//! | `deadlines` | | `YYYY-MM-DD` dates, earliest first: a JSON list, or `;` between them |
//! | `status` | | `open`, `forthcoming` or `closed` as the funder says; default `open` |
//! | `budgetMin`, `budgetMax` | | per grant, in whole euro (`1500000` or `1500000.00`) |
//! | `expectedGrants` | | |
//! | `typeOfAction` | | e.g. `Open Competition` |
//! | `keywords` | | a JSON list, or `;` between them |
//! | `description` | | plain text |
//! | `url` | | the call's page at the funder |
//!
//! They become call topics like the EU's, so they are listed, filtered, searched, matched
//! and alerted alike; their status follows their dates.

use chrono::NaiveDate;
use lshub_domain::call::{parse_whole_euros, NotWholeEuros};
use lshub_domain::{CallContent, CallStatus, NewCallTopic, SourceRef};
use serde_json::{Map, Value};

use crate::records::{parse_records, FieldError, Fields};
use crate::report::Rejection;
use crate::Parsed;

/// The `source` of calls from funders' files.
pub const SOURCE: &str = "funder-file";

/// Parses a funder's calls, CSV or JSON, told apart by the first character.
pub fn parse_funder_calls(text: &str) -> Parsed<NewCallTopic> {
    let text = text.trim_start_matches('\u{feff}');
    if text.trim_start().starts_with(['[', '{']) {
        parse_records(text, "topicId", call_from_fields, |call| &call.content.topic_id)
    } else {
        parse_csv(text)
    }
}

fn parse_csv(text: &str) -> Parsed<NewCallTopic> {
    let mut parsed = Parsed::default();
    let mut reader = csv::ReaderBuilder::new().flexible(false).from_reader(text.as_bytes());
    let headers = match reader.headers() {
        Ok(headers) => headers.clone(),
        Err(e) => {
            parsed.rejected.push(Rejection { position: "line 1".into(), reason: format!("the header row: {e}") });
            return parsed;
        }
    };
    let mut seen = std::collections::HashMap::new();
    for (ordinal, row) in reader.records().enumerate() {
        let line = row.as_ref().ok().and_then(|r| r.position()).map_or(ordinal + 2, |p| p.line() as usize);
        let position = format!("record {} (line {line})", ordinal + 1);
        let outcome = row.map_err(|e| e.to_string()).and_then(|row| {
            let object: Map<String, Value> = headers
                .iter()
                .zip(row.iter())
                .filter(|(_, cell)| !cell.trim().is_empty())
                .map(|(name, cell)| (name.trim().to_owned(), Value::String(cell.to_owned())))
                .collect();
            call_from_fields(&Fields::new(&object)).map_err(|e| e.to_string())
        });
        match outcome {
            Ok(call) => match seen.get(&call.content.topic_id) {
                Some(first) => parsed.rejected.push(Rejection {
                    position,
                    reason: format!(
                        "topicId: '{}' was already read in {first}; the first is kept",
                        call.content.topic_id
                    ),
                }),
                None => {
                    seen.insert(call.content.topic_id.clone(), position);
                    parsed.records.push(call);
                }
            },
            Err(reason) => parsed.rejected.push(Rejection { position, reason }),
        }
    }
    parsed
}

fn call_from_fields(record: &Fields) -> Result<NewCallTopic, FieldError> {
    let topic_id = record.required_line("topicId")?;
    let source_status = match record.line("status")? {
        None => CallStatus::Open,
        Some(text) => CallStatus::from_id(&text)
            .ok_or_else(|| record.error("status", format!("'{text}' is not open, forthcoming or closed")))?,
    };
    let deadlines =
        list(record, "deadlines")?.iter().map(|text| date(record, "deadlines", text)).collect::<Result<Vec<_>, _>>()?;
    let content = CallContent {
        topic_id: topic_id.clone(),
        title: record.required_line("title")?,
        programme: record.required_line("funder")?,
        cluster: None,
        call_id: None,
        call_title: None,
        action_type: Some("Grant".into()),
        type_of_action: record.line("typeOfAction")?,
        source_status,
        opening_date: record.line("openingDate")?.map(|text| date(record, "openingDate", &text)).transpose()?,
        deadlines,
        deadline_model: None,
        budget_min: euros(record, "budgetMin")?,
        budget_max: euros(record, "budgetMax")?,
        expected_grants: euros(record, "expectedGrants")?,
        keywords: list(record, "keywords")?,
        description: record.text("description")?.unwrap_or_default(),
        conditions: None,
        support_info: None,
        portal_url: record.line("url")?,
    };
    let call = NewCallTopic { content, source: SourceRef { source: SOURCE.into(), source_id: topic_id } };
    call.validate()?;
    Ok(call)
}

fn date(record: &Fields, field: &str, text: &str) -> Result<NaiveDate, FieldError> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map_err(|_| record.error(field, format!("'{text}' is not a date (YYYY-MM-DD)")))
}

/// A JSON list of texts, or one text with `;` between the items.
fn list(record: &Fields, field: &str) -> Result<Vec<String>, FieldError> {
    match record.line(field) {
        Ok(text) => Ok(text
            .unwrap_or_default()
            .split(';')
            .map(str::trim)
            .filter(|item| !item.is_empty())
            .map(str::to_owned)
            .collect()),
        Err(_) => record.text_list(field),
    }
}

/// A whole number of euro, given as a number or as text (`1500000`, `1500000.00`); cents
/// other than zero are refused rather than rounded away.
fn euros(record: &Fields, field: &str) -> Result<Option<i64>, FieldError> {
    let Ok(text) = record.line(field) else { return record.integer(field) };
    let Some(text) = text else { return Ok(None) };
    match parse_whole_euros(&text) {
        Ok(amount) => Ok(Some(amount)),
        Err(NotWholeEuros::HasCents) => Err(record.error(field, format!("'{text}' has cents; give whole euro"))),
        Err(NotWholeEuros::NotAnAmount) => {
            Err(record.error(field, format!("'{text}' is not an amount in euro (e.g. 1500000 or 1500000.00)")))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CSV: &str = "topicId,title,funder,openingDate,deadlines,budgetMax,keywords,url\n\
        ZONMW-2027-01,Preventie van hart- en vaatziekten,ZonMw,2027-01-10,2027-03-01;2027-09-01,750000.00,preventie;cardiovasculair,https://www.zonmw.nl/\n\
        KWF-2027-02,Early detection of cancer,KWF,,2027-05-15,1200000,,\n\
        NWO-BAD,Broken dates,NWO,,15-03-2027,,,\n\
        NWO-CENTS,Cents,NWO,,,100.50,,\n\
        ZONMW-2027-01,Again,ZonMw,,,,,\n";

    #[test]
    fn csv_rows_become_calls_and_bad_rows_say_where_and_why() {
        let parsed = parse_funder_calls(CSV);
        let ids: Vec<&str> = parsed.records.iter().map(|c| c.content.topic_id.as_str()).collect();
        assert_eq!(ids, ["ZONMW-2027-01", "KWF-2027-02"]);
        let first = &parsed.records[0].content;
        assert_eq!(first.programme, "ZonMw");
        assert_eq!(first.deadlines.len(), 2);
        assert_eq!(first.opening_date, NaiveDate::from_ymd_opt(2027, 1, 10));
        assert_eq!(first.budget_max, Some(750_000));
        assert_eq!(first.keywords, ["preventie", "cardiovasculair"]);
        assert_eq!(first.source_status, CallStatus::Open);
        let reasons: Vec<String> = parsed.rejected.iter().map(ToString::to_string).collect();
        assert_eq!(reasons.len(), 3, "{reasons:?}");
        assert!(reasons[0].starts_with("record 3 (line 4): deadlines: '15-03-2027' is not a date"), "{reasons:?}");
        assert!(reasons[1].contains("budgetMax: '100.50' has cents"), "{reasons:?}");
        assert!(reasons[2].contains("already read in record 1"), "{reasons:?}");
    }

    #[test]
    fn json_gives_the_same_calls() {
        let json = r#"[{"topicId":"ZONMW-2027-01","title":"Preventie van hart- en vaatziekten","funder":"ZonMw",
            "openingDate":"2027-01-10","deadlines":["2027-03-01","2027-09-01"],"budgetMax":750000,
            "keywords":["preventie","cardiovasculair"],"url":"https://www.zonmw.nl/"},
            {"topicId":"KWF-2027-02","title":"Early detection of cancer","funder":"KWF","deadlines":"2027-05-15",
            "budgetMax":"1200000","status":"forthcoming"}]"#;
        let from_json = parse_funder_calls(json);
        let from_csv = parse_funder_calls(CSV);
        assert!(from_json.rejected.is_empty(), "{:?}", from_json.rejected);
        assert_eq!(from_json.records[0], from_csv.records[0]);
        assert_eq!(from_json.records[1].content.source_status, CallStatus::Forthcoming);
        assert_eq!(from_json.records[1].content.budget_max, Some(1_200_000));
    }
}

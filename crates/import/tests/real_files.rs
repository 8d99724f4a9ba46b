//! The importers against the real data files in `shared/data` (see its SOURCES.md), and
//! against files that are damaged or in the wrong format.

// A test stops at the first expectation that fails: unwrapping is how it says so.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Read;
use std::path::{Path, PathBuf};

use lshub_domain::{CallStatus, OrganisationKind};
use lshub_import::{read_eu_calls_file, read_ror_file, ImportError};

fn data_file(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data").join(name)
}

/// Text that double-decoded UTF-8 leaves behind.
fn has_mojibake(text: &str) -> bool {
    text.contains("â€") || text.contains('Ã') || text.contains('Â')
}

#[test]
fn the_ror_file_imports_completely() {
    let parsed = read_ror_file(&data_file("ror_nl_be.jsonl.gz")).expect("the ROR file reads");
    assert_eq!(parsed.rejected, vec![]);
    assert_eq!(parsed.records.len(), 2525);

    let sanquin = parsed
        .records
        .iter()
        .find(|o| o.source.source_id == "https://ror.org/01fm2fv39")
        .expect("Sanquin is in the file");
    assert_eq!(sanquin.profile.name, "Sanquin");
    // This 2022 ROR record types Sanquin as "Nonprofit".
    assert_eq!(sanquin.profile.kind, OrganisationKind::Nonprofit);
    assert_eq!(sanquin.profile.aliases, vec!["Sanquin Blood Supply Foundation"]);
    assert_eq!(
        sanquin.profile.primary_address().and_then(lshub_domain::Address::place),
        Some("Amsterdam, Netherlands".into())
    );

    let countries = |code: &str| {
        parsed.records.iter().filter(|o| o.profile.addresses[0].country_code.as_deref() == Some(code)).count()
    };
    assert_eq!((countries("NL"), countries("BE")), (1612, 913));
    let in_amsterdam =
        parsed.records.iter().filter(|o| o.profile.addresses[0].city.as_deref() == Some("Amsterdam")).count();
    assert_eq!(in_amsterdam, 193);
    for org in &parsed.records {
        let texts = std::iter::once(&org.profile.name).chain(&org.profile.aliases);
        assert!(texts.clone().all(|t| !has_mojibake(t)), "mojibake left in {:?}", org.profile.name);
    }
}

#[test]
fn the_eu_calls_file_imports_completely_and_repaired() {
    let parsed = read_eu_calls_file(&data_file("eu_calls_open.jsonl.gz")).expect("the EU file reads");
    assert_eq!(parsed.rejected, vec![]);
    assert_eq!(parsed.records.len(), 629);

    let count = |status| parsed.records.iter().filter(|c| c.content.source_status == status).count();
    assert_eq!((count(CallStatus::Open), count(CallStatus::Forthcoming), count(CallStatus::Closed)), (363, 262, 4));

    for call in &parsed.records {
        let c = &call.content;
        let texts = [
            Some(&c.title),
            Some(&c.description),
            c.call_title.as_ref(),
            c.conditions.as_ref(),
            c.support_info.as_ref(),
        ];
        for text in texts.into_iter().flatten().chain(&c.keywords) {
            assert!(!has_mojibake(text), "mojibake left in {}: {text}", c.topic_id);
        }
        assert!(!c.description.contains("<li>") && !c.description.contains("<br"), "HTML left in {}", c.topic_id);
    }

    let png = parsed
        .records
        .iter()
        .find(|c| c.content.title.starts_with("Papua New Guinea (PNG)"))
        .expect("the PNG call is in the file");
    assert_eq!(
        png.content.title,
        "Papua New Guinea (PNG) – Civic Participation and Women’s Political and Decision-making Participation"
    );
    assert!(png.content.topic_id.starts_with("EuropeAid/"), "{}", png.content.topic_id);
    assert!(png.source.source_id.starts_with("EuropeAid/"), "{}", png.source.source_id);

    let erc = parsed.records.iter().find(|c| c.content.topic_id == "ERC-2026-POC").expect("ERC PoC");
    assert!(erc.content.description.starts_with("Objective: The ERC Proof of Concept"), "{}", erc.content.description);
    assert!(erc.content.description.contains("research.\n\nScope: Size of"), "{}", erc.content.description);
    assert!(erc.content.keywords.is_empty(), "the topic id is no keyword: {:?}", erc.content.keywords);
    let conditions = erc.content.conditions.as_deref().expect("conditions");
    assert!(conditions.starts_with("General conditions"), "{conditions}");
    assert!(conditions.contains("“Admissibility, Eligibility, and Resubmission Restrictions”"), "{conditions}");
}

#[test]
fn invalid_json_in_the_middle_of_the_eu_stream_costs_one_record() {
    let compressed = std::fs::read(data_file("eu_calls_open.jsonl.gz")).expect("read the real file");
    let mut text = String::new();
    flate2::read::MultiGzDecoder::new(&compressed[..]).read_to_string(&mut text).expect("decompress");
    let (at, _) = text.match_indices("{\"reference\"").nth(299).expect("a 300th record");
    text.insert_str(at + 1, "@@");
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("calls.json");
    std::fs::write(&path, &text).expect("write");

    let parsed = read_eu_calls_file(&path).expect("the other records read");
    assert_eq!(parsed.records.len(), 628);
    assert_eq!(parsed.rejected.len(), 1);
    let rejection = &parsed.rejected[0];
    assert_eq!(rejection.position, format!("record 300 (line 1, byte {})", at - '\u{feff}'.len_utf8()));
    assert!(rejection.reason.contains("key must be a string"), "{rejection}");
}

#[test]
fn a_truncated_gzip_file_is_refused_as_a_whole() {
    let bytes = std::fs::read(data_file("ror_nl_be.jsonl.gz")).expect("read the real file");
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("ror_half.jsonl.gz");
    std::fs::write(&path, &bytes[..bytes.len() / 2]).expect("write half");

    let error = read_ror_file(&path).expect_err("a truncated file must not import");
    assert!(matches!(error, ImportError::Damaged { .. }), "{error:?}");
    assert!(
        error.to_string().ends_with("is damaged: the gzip data ends unexpectedly; nothing was imported"),
        "{error}"
    );
}

#[test]
fn empty_and_foreign_files_have_no_valid_records() {
    let dir = tempfile::tempdir().expect("temp dir");
    let write = |name: &str, content: &str| {
        let path = dir.path().join(name);
        std::fs::write(&path, content).expect("write");
        path
    };

    let empty = read_ror_file(&write("empty.jsonl", "\u{feff}\n")).expect_err("empty");
    assert!(matches!(&empty, ImportError::NoValidRecords { rejected, .. } if rejected.is_empty()), "{empty:?}");
    assert!(empty.to_string().contains("the file is empty"), "{empty}");

    let csv = write("organisations.csv", "id,name,city\nhttps://ror.org/01fm2fv39,Sanquin,Amsterdam\n");
    let error = read_ror_file(&csv).expect_err("a CSV is not ROR JSON");
    let ImportError::NoValidRecords { rejected, .. } = &error else { panic!("{error:?}") };
    assert_eq!(rejected.len(), 1);
    assert!(rejected[0].reason.starts_with("invalid JSON at line 1"), "{}", rejected[0]);

    // Valid JSON of the wrong kind: the EU calls file given to the ROR importer.
    let error = read_ror_file(&data_file("eu_calls_open.jsonl.gz")).expect_err("calls are not organisations");
    let ImportError::NoValidRecords { rejected, .. } = &error else { panic!("{error:?}") };
    assert_eq!(rejected.len(), 629);
    assert!(rejected.iter().all(|r| r.reason == "id: missing"), "{}", rejected[0]);
    assert!(error.to_string().contains("none of its 629 records is a valid ROR organisation"), "{error}");

    let error = read_eu_calls_file(&data_file("ror_nl_be.jsonl.gz")).expect_err("organisations are not calls");
    let ImportError::NoValidRecords { rejected, .. } = &error else { panic!("{error:?}") };
    assert_eq!(rejected[0].to_string(), "record 1 (line 1): topicId: missing");
}

#[test]
fn a_record_without_an_id_is_rejected_and_the_others_import() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("ror.jsonl");
    let text = concat!(
        r#"{"id": "https://ror.org/03xqtf034", "name": "Netherlands Cancer Institute", "types": ["Facility"]}"#,
        "\n",
        r#"{"name": "Nameless Institute", "types": ["Facility"]}"#,
        "\n",
        r#"{"id": "https://ror.org/01fm2fv39", "name": "Sanquin", "types": ["Nonprofit"]}"#,
        "\n",
    );
    std::fs::write(&path, text).expect("write");
    let parsed = read_ror_file(&path).expect("two valid records");
    assert_eq!(parsed.records.len(), 2);
    assert_eq!(parsed.rejected.len(), 1);
    assert_eq!(parsed.rejected[0].to_string(), "record 2 (line 2): id: missing");
}

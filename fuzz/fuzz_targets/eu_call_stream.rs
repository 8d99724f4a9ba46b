//! Any text given to the EU call importer: every record is either mapped or rejected with a
//! position, and nothing panics.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let parsed = lshub_import::parse_eu_calls(text);
    for record in &parsed.records {
        assert!(!record.content.topic_id.is_empty(), "a mapped call has a topic id");
    }
});

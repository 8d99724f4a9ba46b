//! Any text given to the ROR importer: every record is either mapped or rejected with a
//! position, and nothing panics.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let parsed = lshub_import::parse_ror(text);
    for record in &parsed.records {
        assert!(!record.source.source_id.is_empty(), "a mapped record has a ROR id");
        assert!(!record.profile.name.trim().is_empty(), "a mapped record has a name");
    }
});

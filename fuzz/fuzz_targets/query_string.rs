//! Any query string given to the directory, the call list and search: it decodes into the
//! hub's filters or into a validation error, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use lshub_web::params::{CallParams, OrganisationParams, SearchParams};

fuzz_target!(|data: &[u8]| {
    let Ok(query) = std::str::from_utf8(data) else { return };
    if let Ok(params) = serde_urlencoded::from_str::<OrganisationParams>(query) {
        if let Ok(filter) = params.to_filter() {
            assert!((1..=100).contains(&filter.page.limit), "the page size is bounded");
        }
    }
    if let Ok(params) = serde_urlencoded::from_str::<CallParams>(query) {
        if let Ok(filter) = params.to_filter() {
            assert!((1..=100).contains(&filter.page.limit), "the page size is bounded");
        }
    }
    if let Ok(params) = serde_urlencoded::from_str::<SearchParams>(query) {
        let _ = params.to_request();
    }
});

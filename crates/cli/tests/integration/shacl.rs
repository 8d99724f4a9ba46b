//! SHACL validation of the hub's linked data by pySHACL, which `scripts/test` installs into
//! `.cache/pyshacl` (`LSHUB_PYSHACL_PATH` points elsewhere). Without it the check is
//! skipped, except in CI, where that is a failure.

use std::path::PathBuf;
use std::process::Command;

use crate::support::shared_data;

/// The DCAT-AP 3.0.1 shapes, the split edition with its range shapes (see SOURCES.md).
pub const DCAT_AP: [&str; 2] = ["dcat_ap_3.0.1_html_shapes.ttl.gz", "dcat_ap_3.0.1_html_range.ttl.gz"];
/// The Health-RI core metadata schema v2, the Dutch national health data catalogue's profile.
pub const HEALTH_RI: [&str; 1] = ["health_ri_core_v2_shacl.ttl.gz"];

pub struct Report {
    pub node_shapes: u64,
    pub property_shapes: u64,
    pub violations: u64,
    pub results: serde_json::Value,
}

fn pyshacl_path() -> Option<PathBuf> {
    let path = std::env::var_os("LSHUB_PYSHACL_PATH")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../.cache/pyshacl")));
    if path.join("pyshacl").is_dir() {
        return Some(path);
    }
    assert!(std::env::var_os("CI").is_none(), "CI must provide pySHACL (scripts/test installs it)");
    eprintln!("skipping SHACL validation: pySHACL is not installed (run scripts/test)");
    None
}

/// Validates `data` (in the syntax of `extension`: ttl, jsonld or rdf) against `shapes` from
/// the shared data; `None` where pySHACL is missing outside CI.
pub fn validate(data: &[u8], extension: &str, shapes: &[&str]) -> Option<Report> {
    let pythonpath = pyshacl_path()?;
    let dir = tempfile::tempdir().expect("a temporary folder");
    let file = dir.path().join(format!("data.{extension}"));
    std::fs::write(&file, data).expect("the data written");
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../../scripts/shacl_validate.py");
    let output = Command::new("python3")
        .env("PYTHONPATH", &pythonpath)
        .arg(script)
        .arg(&file)
        .args(shapes.iter().map(|s| shared_data(s)))
        .output()
        .expect("python3 runs");
    assert!(output.status.success(), "pySHACL failed: {}", String::from_utf8_lossy(&output.stderr));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).expect("the report as JSON");
    let count = |name: &str| report[name].as_u64().expect("a count");
    Some(Report {
        node_shapes: count("node_shapes"),
        property_shapes: count("property_shapes"),
        violations: count("violations"),
        results: report["results"].clone(),
    })
}

//! The layers of ARCHITECTURE.md, checked: which crate may depend on which, and the JSON API
//! never reaching into the HTML pages (both call the service layer instead).

// A test stops at the first expectation that fails: unwrapping is how it says so.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

fn crates_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The names under `[dependencies]` of a crate's manifest.
fn dependencies(krate: &str) -> Vec<String> {
    let manifest = std::fs::read_to_string(crates_dir().join(krate).join("Cargo.toml")).expect("a crate manifest");
    manifest
        .lines()
        .skip_while(|line| line.trim() != "[dependencies]")
        .skip(1)
        .take_while(|line| !line.starts_with('['))
        .filter_map(|line| line.split(['=', '.', ' ']).next())
        .filter(|name| !name.is_empty() && !name.starts_with('#'))
        .map(str::to_owned)
        .collect()
}

#[test]
fn each_layer_depends_only_on_the_layers_below_it() {
    let never = |krate: &str, forbidden: &[&str]| {
        let found: Vec<_> = dependencies(krate).into_iter().filter(|d| forbidden.contains(&d.as_str())).collect();
        assert!(found.is_empty(), "{krate} must not depend on {found:?}");
    };
    assert!(dependencies("web").contains(&"axum".to_owned()), "manifests are read");
    let web_and_up = ["lshub-web", "lshub-cli", "lshub", "axum", "askama", "hyper", "tower"];
    never("domain", &["lshub-storage", "lshub-search", "lshub-service", "sqlx", "sea-query", "tokio", "tantivy"]);
    never("domain", &web_and_up);
    // The API's schema is described by its wire types (`api::wire`), not by the domain's.
    never("domain", &["utoipa"]);
    never("storage", &["lshub-search", "lshub-service", "lshub-import"]);
    never("storage", &web_and_up);
    never("search", &["lshub-service", "lshub-import"]);
    never("search", &web_and_up);
    // Linked data is a format: it knows the domain's datasets, never where they are stored.
    never("dcat", &["lshub-storage", "lshub-search", "lshub-service", "lshub-import", "sqlx", "tokio"]);
    never("dcat", &web_and_up);
    never("import", &["lshub-service", "lshub-search"]);
    never("import", &web_and_up);
    never("service", &["lshub-search", "lshub-import"]);
    never("service", &web_and_up);
}

/// The source files under `dir`, its subdirectories' (such as `api/wire`) included.
fn sources(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).expect("a source directory") {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            files.extend(sources(&path));
        } else {
            files.push(path);
        }
    }
    files
}

#[test]
fn the_api_never_imports_the_pages() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    // The hub's own API, the kernel's API of member-written kinds, and each kind's API.
    let mut files = sources(&src.join("api"));
    files.push(src.join("content/api.rs"));
    files.extend(sources(&src.join("kinds")).into_iter().filter(|path| path.ends_with("api.rs")));
    for path in &files {
        let source = std::fs::read_to_string(path).expect("a source file");
        assert!(!source.contains("pages::"), "{} reaches into the page modules", path.display());
    }
    assert!(files.len() > 6, "the API's modules were found");
}

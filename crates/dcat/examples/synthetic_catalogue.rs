//! Writes a catalogue of N datasets in Turtle for the import benchmark
//! (`scripts/bench-dcat-import`): real titles and objectives of Horizon Europe health projects
//! (CORDIS), repeated with a running number until there are N, with real MONDO codes.
//!
//!     cargo run --release -p lshub-dcat --example synthetic_catalogue -- 10000 ../shared/data OUT.ttl

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader};

use chrono::{TimeZone, Utc};
use flate2::read::GzDecoder;
use lshub_dcat::{catalogue_graph, write, CatalogueInfo, RdfSyntax};
use lshub_domain::content::{Item, Owner, State, Written, DATASET};
use lshub_domain::dataset::{Dataset, DatasetDraft};

fn lines(path: &str) -> Vec<String> {
    let file = std::fs::File::open(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    BufReader::new(GzDecoder::new(file)).lines().map(|l| l.expect("a line")).collect()
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let [_, count, data, out] = &args[..] else { panic!("usage: synthetic_catalogue COUNT SHARED_DATA_DIR OUT.ttl") };
    let count: usize = count.parse().expect("COUNT is a number");
    let projects: Vec<(String, String)> = lines(&format!("{data}/cordis_he_projects_nl_be_health.jsonl.gz"))
        .iter()
        .map(|line| {
            let project: serde_json::Value = serde_json::from_str(line).expect("a CORDIS project");
            let text = |key: &str| project[key].as_str().unwrap_or_default().trim().to_owned();
            (text("title"), text("objective"))
        })
        .filter(|(title, objective)| !title.is_empty() && !objective.is_empty())
        .collect();
    let codes: Vec<String> = lines(&format!("{data}/mondo_exactmatch_icd10who.sssom.tsv.gz"))
        .iter()
        .filter(|line| line.starts_with("MONDO:"))
        .filter_map(|line| line.split('\t').next().map(str::to_owned))
        .collect();
    let owner = Owner { id: "holder".into(), slug: "bench-holder".into(), name: "Bench Holder".into() };
    let at = Utc.with_ymd_and_hms(2026, 12, 1, 9, 0, 0).single().expect("a time");
    let items: Vec<Item<Dataset>> = (0..count)
        .map(|n| {
            let (title, objective) = &projects[n % projects.len()];
            let draft = DatasetDraft {
                title_en: format!("{title} ({n})"),
                description_en: objective.clone(),
                keywords_en: "health, research data".into(),
                contact_point: "data@holder.example".into(),
                themes: "HEAL".into(),
                access_rights: "RESTRICTED".into(),
                code_values: codes[n % codes.len()].clone(),
                number_of_records: (1000 + n).to_string(),
                distributions: format!(
                    "Records | CSV | https://holder.example/data/{n} | https://creativecommons.org/licenses/by/4.0/ | {}",
                    4096 * (n + 1)
                ),
                duo: "DUO:0000042".into(),
                ..DatasetDraft::default()
            };
            Item {
                id: n.to_string(),
                kind: &DATASET,
                slug: format!("dataset-{n}"),
                owner: owner.clone(),
                state: State::Published,
                revision: 1,
                expires_on: None,
                created_at: at,
                updated_at: at,
                published_at: Some(at),
                record: Dataset::validate(draft).unwrap_or_else(|e| panic!("dataset {n}: {e:?}")),
            }
        })
        .collect();
    let info = CatalogueInfo {
        base_url: "http://bench.example",
        region: "Bench",
        contact_email: Some("office@bench.example"),
    };
    let graph = catalogue_graph(&info, &items).expect("the catalogue");
    std::fs::write(out, write(&graph, RdfSyntax::Turtle).expect("Turtle")).expect("the file written");
    eprintln!("{count} datasets, {} triples, in {out}", graph.len());
}

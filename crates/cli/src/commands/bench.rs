//! `lshub bench`: search and matchmaking speed and quality at the real data size and at
//! 100,000 and 1,000,000 organisations (the real ones plus synthetic ones), against SQLite
//! FTS5 and PostgreSQL full-text search on the same documents and queries.
//!
//! With a model, the hub's index is timed as the hub searches: lexical search, the query's
//! vector and the scan of every document's vector, fused. The real documents' vectors come
//! from the model (kept in the benchmark's store between runs); the synthetic organisations
//! get SYNTHETIC vectors ([`SyntheticVectors`]), since encoding a million texts would take
//! hours.
//!
//! Everything happens in the benchmark's own places: a SQLite file for the real data
//! (temporary unless `--store` names one), a temporary one for FTS5, and a PostgreSQL
//! database it creates and drops. The hub's database is never touched, and synthetic
//! organisations never leave the benchmark.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use clap::Args;
use lshub_domain::CallStatus;
use lshub_search::eval::{self, EvalQuery};
use lshub_search::{
    embed_missing, stored_vectors, synthetic_organisations, EntityType, MatchSource, Ranking, SearchDocument,
    SearchIndex, SearchRequest, Searchable, SentenceEncoder, SyntheticVectors, VectorEntry,
};
use lshub_storage::{Database, NoProgress};
use sqlx::{Connection, Row as _};

#[derive(Args)]
pub struct BenchArgs {
    /// Sizes to measure: `real` (the real data) and numbers of organisations (the real
    /// ones plus synthetic ones), comma-separated.
    #[arg(long, value_delimiter = ',', default_value = "real,100000,1000000", value_parser = parse_size)]
    sizes: Vec<usize>,
    /// Judged queries in the evaluation set's format (JSON lines like
    /// crates/search/eval/queries.jsonl); by default that set, as built into the binary.
    #[arg(long)]
    queries: Option<PathBuf>,
    /// The folder with ror_nl_be.jsonl.gz and eu_calls_open.jsonl.gz.
    #[arg(long, env = "LSHUB_SHARED_DATA", default_value = "../shared/data")]
    data: PathBuf,
    /// A PostgreSQL server for the baseline (the benchmark creates and drops its own
    /// database there), or `none` to leave PostgreSQL out.
    #[arg(long, default_value = "postgres://postgres@127.0.0.1:5432/postgres")]
    postgres: String,
    /// Times each query is run per measurement.
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u16).range(1..=1000))]
    rounds: u16,
    /// A sentence-transformers model directory: search then ranks by meaning too, as the
    /// hub's does, and is timed with its query embedding and vector scan.
    #[arg(long, env = "LSHUB_MODEL_DIR")]
    model: Option<PathBuf>,
    /// A SQLite file to import the real data into and keep their sentence vectors in, so
    /// that later runs encode only what changed (encoding them takes minutes); by default a
    /// temporary one. Never the hub's own database.
    #[arg(long)]
    store: Option<PathBuf>,
}

/// Seed of the synthetic organisations: every size gets the same first ones.
const SYNTHETIC_SEED: u64 = 2026;

/// Synthetic organisations whose whole texts are encoded to say how close their synthetic
/// vectors come to the model's.
const FIDELITY_SAMPLE: usize = 256;

/// Neighbours the hub's search asks the vector scan for (its fusion candidates).
const SCAN_DEPTH: usize = 100;

/// A sentence vector by (entity, key), as the index takes them.
type Vectors = HashMap<(String, String), Vec<f32>>;

/// "real" is 0: the real organisations only.
fn parse_size(text: &str) -> Result<usize, String> {
    if text.eq_ignore_ascii_case("real") {
        return Ok(0);
    }
    text.replace('_', "").parse::<usize>().map_err(|_| format!("'{text}' is neither `real` nor a number"))
}

fn read_queries(path: Option<&Path>) -> anyhow::Result<Vec<EvalQuery>> {
    let text = match path {
        Some(path) => std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?,
        None => eval::QUERIES.to_owned(),
    };
    let queries = eval::parse_queries(&text)?;
    if queries.is_empty() {
        bail!("the evaluation set holds no queries");
    }
    Ok(queries)
}

fn entity_of(query: &EvalQuery) -> EntityType {
    // The set's parser has checked the type.
    EntityType::from_id(&query.entity).unwrap_or(EntityType::ORGANISATION)
}

/// One row of the results table.
#[derive(Default)]
struct Measured {
    size: String,
    engine: String,
    build: Option<Duration>,
    memory_mb: Option<f64>,
    search: Option<Latency>,
    throughput: Option<f64>,
    matching: Option<Latency>,
    quality: Option<Quality>,
}

/// Mean nDCG@10 over all queries and per language.
#[derive(Clone, Copy)]
struct Quality {
    all: f64,
    english: f64,
    dutch: f64,
}

impl Quality {
    fn of(scores: &[(String, f64)]) -> Option<Self> {
        let mean = |language: Option<&str>| {
            let chosen: Vec<f64> =
                scores.iter().filter(|(l, _)| language.is_none_or(|want| l == want)).map(|(_, s)| *s).collect();
            if chosen.is_empty() {
                f64::NAN
            } else {
                // A fold from +0.0: a float sum starts from -0.0, which would print as "-0.000".
                chosen.iter().fold(0.0, |sum, score| sum + score) / chosen.len() as f64
            }
        };
        (!scores.is_empty()).then(|| Self { all: mean(None), english: mean(Some("en")), dutch: mean(Some("nl")) })
    }
}

#[derive(Clone, Copy)]
struct Latency {
    p50: Duration,
    p99: Duration,
}

impl Latency {
    fn of(mut samples: Vec<Duration>) -> Option<Self> {
        if samples.is_empty() {
            return None;
        }
        samples.sort();
        let at = |q: f64| samples[((samples.len() - 1) as f64 * q).round() as usize];
        Some(Self { p50: at(0.5), p99: at(0.99) })
    }
}

/// Resident and peak memory of this process, in MB (Linux).
fn memory_mb() -> (Option<f64>, Option<f64>) {
    let Ok(status) = std::fs::read_to_string("/proc/self/status") else { return (None, None) };
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|kb| kb.parse::<f64>().ok())
            .map(|kb| kb / 1024.0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

fn ms(duration: Duration) -> String {
    format!("{:.2}", duration.as_secs_f64() * 1000.0)
}

pub async fn run(args: BenchArgs) -> anyhow::Result<()> {
    let queries = read_queries(args.queries.as_deref())?;
    let rounds = usize::from(args.rounds);
    let encoder = match &args.model {
        Some(dir) => Some(Arc::new(
            SentenceEncoder::load(dir).with_context(|| format!("loading the model in {}", dir.display()))?,
        )),
        None => None,
    };
    let workdir = tempfile::tempdir().context("creating a temporary folder")?;
    let store = args.store.clone().unwrap_or_else(|| workdir.path().join("real.db"));
    eprintln!("reading the real data from {} into {} ...", args.data.display(), store.display());
    let real = real_documents(&args.data, &store, encoder.as_deref()).await?;
    println!(
        "queries: {} from {}; real data: {} organisations, {} calls ({} with a sentence vector); {} rounds; {} CPU cores",
        queries.len(),
        args.queries.as_deref().map_or_else(|| "crates/search/eval/queries.jsonl".into(), |p| p.display().to_string()),
        real.organisations.len(),
        real.calls.len(),
        real.vectors.len(),
        rounds,
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
    let mut synthetic_vectors = encoder.as_deref().map(SyntheticVectors::new);
    if let Some(synthetic) = &mut synthetic_vectors {
        eprintln!("checking the synthetic vectors against the model ...");
        let (same, next) = synthetic.fidelity(FIDELITY_SAMPLE, SYNTHETIC_SEED)?;
        println!(
            "SYNTHETIC vectors of synthetic organisations: mean cosine {same:.3} to the model's vector of the same \
             organisation's text, {next:.3} to another's ({FIDELITY_SAMPLE} encoded in full)"
        );
    }
    let postgres = (!args.postgres.eq_ignore_ascii_case("none")).then_some(args.postgres.as_str());

    let mut rows = Vec::new();
    let mut recalls = Vec::new();
    for &size in &args.sizes {
        let synthetic = size.saturating_sub(real.organisations.len());
        let label = if size == 0 { format!("real ({})", real.organisations.len()) } else { size.to_string() };
        eprintln!("size {label}: generating {synthetic} synthetic organisations ...");
        let mut vectors = real.vectors.clone();
        let synthetic_documents: Vec<SearchDocument> = match &mut synthetic_vectors {
            Some(generator) => {
                let mut documents = Vec::with_capacity(synthetic);
                for (document, vector) in generator.organisations(synthetic, SYNTHETIC_SEED)? {
                    vectors.insert((document.entity.id.to_owned(), document.key.clone()), vector);
                    documents.push(document);
                }
                documents
            }
            None => synthetic_organisations(synthetic, SYNTHETIC_SEED).collect(),
        };
        let documents: Vec<SearchDocument> =
            real.organisations.iter().cloned().chain(synthetic_documents).chain(real.calls.iter().cloned()).collect();
        let sources: Vec<SearchDocument> = real.calls.iter().take(20).cloned().collect();
        eprintln!("size {label}: the hub's index ...");
        let (measured, recall) =
            bench_index(&label, &documents, vectors, &queries, &sources, rounds, encoder.as_ref())?;
        rows.extend(measured);
        recalls.extend(recall.map(|r| (label.clone(), r)));
        eprintln!("size {label}: SQLite FTS5 ...");
        rows.push(bench_fts5(&label, &documents, &queries, rounds, workdir.path()).await?);
        if let Some(url) = postgres {
            eprintln!("size {label}: PostgreSQL full-text search ...");
            rows.push(bench_postgres(&label, &documents, &queries, rounds, url).await?);
        }
    }
    print_table(&rows, &recalls, encoder.is_some());
    Ok(())
}

/// The real data as search documents, with the model's vectors of them when there is one.
struct RealData {
    organisations: Vec<SearchDocument>,
    calls: Vec<SearchDocument>,
    vectors: Vectors,
}

/// Imports the real organisations and calls into the SQLite file `store` the way the hub
/// imports them, and encodes the vectors it does not hold yet.
async fn real_documents(data: &Path, store: &Path, encoder: Option<&SentenceEncoder>) -> anyhow::Result<RealData> {
    let url = format!("sqlite://{}", store.display());
    let db = Database::connect(&url).await.with_context(|| format!("opening the benchmark's store {url}"))?;
    db.migrate().await?;
    lshub_import::import_ror(&db, &data.join("ror_nl_be.jsonl.gz"), &NoProgress).await.context("importing ROR")?;
    lshub_import::import_eu_calls(&db, &data.join("eu_calls_open.jsonl.gz"), &NoProgress)
        .await
        .context("importing the calls")?;
    let organisations: Vec<SearchDocument> =
        db.all_organisations().await?.iter().map(Searchable::search_document).collect();
    let calls: Vec<SearchDocument> =
        db.all_calls(lshub_domain::CallSort::Deadline).await?.iter().map(Searchable::search_document).collect();
    let vectors = match encoder {
        Some(encoder) => {
            let documents: Vec<SearchDocument> = organisations.iter().chain(&calls).cloned().collect();
            let report = embed_missing(&db, encoder, &documents, &NoProgress).await?;
            eprintln!("real data: {} vectors encoded now, {} from the store", report.encoded, report.reused);
            stored_vectors(&db, encoder.model_id(), &documents).await?
        }
        None => Vectors::new(),
    };
    db.close().await;
    Ok(RealData { organisations, calls, vectors })
}

/// How many of the exact scan's nearest neighbours the hub's vector scan finds, on average
/// over the queries.
#[derive(Clone, Copy)]
struct Recall {
    at_10: f64,
    at_100: f64,
}

fn bench_index(
    label: &str,
    documents: &[SearchDocument],
    vectors: Vectors,
    queries: &[EvalQuery],
    sources: &[SearchDocument],
    rounds: usize,
    encoder: Option<&Arc<SentenceEncoder>>,
) -> anyhow::Result<(Vec<Measured>, Option<Recall>)> {
    let (before, _) = memory_mb();
    let start = Instant::now();
    let index = SearchIndex::with_encoder(encoder.cloned())?;
    index.install(documents.to_vec(), vectors)?;
    let build = start.elapsed();
    let (after, _) = memory_mb();
    let request = |q: &EvalQuery| SearchRequest::new(q.query.clone(), Some(entity_of(q)), 10);
    // Only calls' statuses depend on the day; any day measures the same work.
    let today = lshub_service::clock::Clock::default().today();

    let mut scores = Vec::new();
    for query in queries {
        let ids: Vec<String> = index.search(&request(query))?.into_iter().map(|h| h.id).collect();
        scores.push((query.language.clone(), eval::score(query, &ids).ndcg));
    }
    // The hub's search: with a model, the query's vector and the vector scan are part of it.
    let (search, throughput) = time_with_two_workers(queries, rounds, |query| {
        index.search(&request(query))?;
        Ok(())
    })?;
    let mut matching = Vec::new();
    for _ in 0..rounds {
        for query in queries {
            let start = Instant::now();
            index.find_matches(&MatchSource::Text(query.query.clone()), EntityType::ORGANISATION, 10, today, None)?;
            matching.push(start.elapsed());
        }
        for source in sources {
            let start = Instant::now();
            index.find_matches(&MatchSource::Entity(source.clone()), EntityType::ORGANISATION, 10, today, None)?;
            matching.push(start.elapsed());
        }
    }
    let mut rows = vec![Measured {
        size: label.to_owned(),
        engine: if encoder.is_some() { "hub search (fused)".into() } else { "hub search (words)".into() },
        build: Some(build),
        memory_mb: before.zip(after).map(|(b, a)| a - b),
        search: Latency::of(search),
        throughput: Some(throughput),
        matching: Latency::of(matching),
        quality: Quality::of(&scores),
    }];
    let (Some(encoder), Some(vector_index)) = (encoder, index.vectors()) else { return Ok((rows, None)) };

    // With a filter, which both rankings apply: organisations in the Netherlands, open calls.
    let filtered_request = |q: &EvalQuery| {
        // The judged queries ask for organisations or calls only.
        if entity_of(q) == EntityType::ORGANISATION {
            SearchRequest { facets: vec![("country".to_owned(), "NL".to_owned())], ..request(q) }
        } else {
            SearchRequest { call_status: Some((CallStatus::Open, today)), ..request(q) }
        }
    };
    let (filtered, filtered_throughput) = time_with_two_workers(queries, rounds, |query| {
        index.search(&filtered_request(query))?;
        Ok(())
    })?;

    // Its parts, each alone.
    let lexical_request = |q: &EvalQuery| SearchRequest { ranking: Ranking::Lexical, ..request(q) };
    let (lexical, lexical_throughput) = time_with_two_workers(queries, rounds, |query| {
        index.search(&lexical_request(query))?;
        Ok(())
    })?;
    let mut embedding = Vec::new();
    let mut query_vectors = Vec::new();
    for round in 0..rounds {
        for query in queries {
            let start = Instant::now();
            let vector = encoder.encode(&[query.query.as_str()])?.into_iter().next().unwrap_or_default();
            embedding.push(start.elapsed());
            if round == 0 {
                query_vectors.push((entity_of(query), vector));
            }
        }
    }
    let mut scan = Vec::new();
    let mut exact_scan = Vec::new();
    let (mut at_10, mut at_100) = (0.0, 0.0);
    for round in 0..rounds {
        for (entity, vector) in &query_vectors {
            let keep = |e: &VectorEntry| e.entity == *entity;
            let start = Instant::now();
            let found = vector_index.nearest(vector, SCAN_DEPTH, keep);
            scan.push(start.elapsed());
            let start = Instant::now();
            let exact = vector_index.nearest_exact(vector, SCAN_DEPTH, keep);
            exact_scan.push(start.elapsed());
            if round == 0 {
                let found: HashSet<usize> = found.iter().map(|(row, _)| *row).collect();
                let share = |n: usize| {
                    let exact = &exact[..n.min(exact.len())];
                    exact.iter().filter(|(row, _)| found.contains(row)).count() as f64 / exact.len().max(1) as f64
                };
                at_10 += share(10);
                at_100 += share(SCAN_DEPTH);
            }
        }
    }
    let count = query_vectors.len().max(1) as f64;
    let part = |engine: &str, samples: Vec<Duration>, throughput: Option<f64>| Measured {
        size: label.to_owned(),
        engine: engine.to_owned(),
        search: Latency::of(samples),
        throughput,
        ..Measured::default()
    };
    rows.push(part("  with a filter", filtered, Some(filtered_throughput)));
    rows.push(part("  query embedding", embedding, None));
    rows.push(part("  lexical search", lexical, Some(lexical_throughput)));
    rows.push(part("  vector scan", scan, None));
    rows.push(part("  exact vector scan", exact_scan, None));
    Ok((rows, Some(Recall { at_10: at_10 / count, at_100: at_100 / count })))
}

/// Latencies of `search` over every query `rounds` times, and its throughput (searches per
/// second) with two threads searching at once.
fn time_with_two_workers(
    queries: &[EvalQuery],
    rounds: usize,
    search: impl Fn(&EvalQuery) -> anyhow::Result<()> + Sync,
) -> anyhow::Result<(Vec<Duration>, f64)> {
    let mut samples = Vec::new();
    for _ in 0..rounds {
        for query in queries {
            let start = Instant::now();
            search(query)?;
            samples.push(start.elapsed());
        }
    }
    let workers = 2;
    let start = Instant::now();
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                scope.spawn(|| -> anyhow::Result<()> {
                    for _ in 0..rounds {
                        for query in queries {
                            search(query)?;
                        }
                    }
                    Ok(())
                })
            })
            .collect();
        handles.into_iter().try_for_each(|h| h.join().map_err(|_| anyhow::anyhow!("a worker panicked"))?)
    })?;
    let throughput = (workers * rounds * queries.len()) as f64 / start.elapsed().as_secs_f64();
    Ok((samples, throughput))
}

/// The query's words, each quoted, all required: what a plain FTS5 keyword search does.
fn fts5_query(text: &str) -> Option<String> {
    let words: Vec<String> =
        text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(|w| format!("\"{w}\"")).collect();
    (!words.is_empty()).then(|| words.join(" "))
}

async fn bench_fts5(
    label: &str,
    documents: &[SearchDocument],
    queries: &[EvalQuery],
    rounds: usize,
    workdir: &Path,
) -> anyhow::Result<Measured> {
    let path = workdir.join(format!("fts5-{}.db", documents.len()));
    let options = sqlx::sqlite::SqliteConnectOptions::new().filename(&path).create_if_missing(true);
    let pool = sqlx::sqlite::SqlitePoolOptions::new().max_connections(2).connect_with(options).await?;
    let start = Instant::now();
    sqlx::query(
        "CREATE VIRTUAL TABLE docs USING fts5(id UNINDEXED, entity UNINDEXED, title, aliases, body, \
         tokenize = 'porter unicode61 remove_diacritics 2')",
    )
    .execute(&pool)
    .await?;
    let mut transaction = pool.begin().await?;
    for document in documents {
        sqlx::query("INSERT INTO docs (id, entity, title, aliases, body) VALUES (?, ?, ?, ?, ?)")
            .bind(&document.id)
            .bind(document.entity.id)
            .bind(&document.title)
            .bind(document.aliases.join("\n"))
            .bind(&document.body)
            .execute(&mut *transaction)
            .await?;
    }
    transaction.commit().await?;
    let build = start.elapsed();
    let search = |query: &EvalQuery| {
        let pool = pool.clone();
        let text = fts5_query(&query.query);
        let entity = entity_of(query).id();
        async move {
            let Some(text) = text else { return Ok::<_, sqlx::Error>(Vec::new()) };
            let rows = sqlx::query(
                "SELECT id FROM docs WHERE docs MATCH ? AND entity = ? \
                 ORDER BY bm25(docs, 0.0, 0.0, 3.0, 2.0, 1.0) LIMIT 10",
            )
            .bind(text)
            .bind(entity)
            .fetch_all(&pool)
            .await?;
            Ok(rows.iter().map(|r| r.get::<String, _>(0)).collect::<Vec<String>>())
        }
    };
    let row = measure_sql(label, "SQLite FTS5", build, queries, rounds, &search).await?;
    pool.close().await;
    std::fs::remove_file(&path).ok();
    Ok(row)
}

async fn bench_postgres(
    label: &str,
    documents: &[SearchDocument],
    queries: &[EvalQuery],
    rounds: usize,
    admin_url: &str,
) -> anyhow::Result<Measured> {
    let name = format!("lshub_bench_{}_{}", std::process::id(), documents.len());
    let mut admin = sqlx::PgConnection::connect(admin_url).await.context("connecting to PostgreSQL")?;
    sqlx::query(&format!("CREATE DATABASE {name}")).execute(&mut admin).await?;
    let base = admin_url.rsplit_once('/').map_or(admin_url, |(base, _)| base);
    let result = postgres_on(label, documents, queries, rounds, &format!("{base}/{name}")).await;
    // The benchmark's database goes, whatever happened.
    sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).execute(&mut admin).await?;
    admin.close().await?;
    result
}

async fn postgres_on(
    label: &str,
    documents: &[SearchDocument],
    queries: &[EvalQuery],
    rounds: usize,
    url: &str,
) -> anyhow::Result<Measured> {
    let pool = sqlx::postgres::PgPoolOptions::new().max_connections(2).connect(url).await?;
    let start = Instant::now();
    sqlx::query(
        "CREATE TABLE docs (id text NOT NULL, entity text NOT NULL, title text NOT NULL, aliases text NOT NULL, \
         body text NOT NULL, tsv tsvector GENERATED ALWAYS AS ( \
           setweight(to_tsvector('english', title), 'A') || setweight(to_tsvector('english', aliases), 'B') || \
           setweight(to_tsvector('english', body), 'C')) STORED)",
    )
    .execute(&pool)
    .await?;
    for chunk in documents.chunks(5_000) {
        let column = |f: fn(&SearchDocument) -> String| chunk.iter().map(f).collect::<Vec<String>>();
        sqlx::query(
            "INSERT INTO docs (id, entity, title, aliases, body) \
             SELECT * FROM UNNEST($1::text[], $2::text[], $3::text[], $4::text[], $5::text[])",
        )
        .bind(column(|d| d.id.clone()))
        .bind(column(|d| d.entity.id.to_owned()))
        .bind(column(|d| d.title.clone()))
        .bind(column(|d| d.aliases.join("\n")))
        .bind(column(|d| d.body.clone()))
        .execute(&pool)
        .await?;
    }
    sqlx::query("CREATE INDEX docs_tsv ON docs USING gin (tsv)").execute(&pool).await?;
    sqlx::query("ANALYZE docs").execute(&pool).await?;
    let build = start.elapsed();
    let search = |query: &EvalQuery| {
        let pool = pool.clone();
        let text = query.query.clone();
        let entity = entity_of(query).id();
        async move {
            let rows = sqlx::query(
                "SELECT id FROM docs, websearch_to_tsquery('english', $1) AS q \
                 WHERE tsv @@ q AND entity = $2 ORDER BY ts_rank_cd(tsv, q) DESC LIMIT 10",
            )
            .bind(text)
            .bind(entity)
            .fetch_all(&pool)
            .await?;
            Ok::<_, sqlx::Error>(rows.iter().map(|r| r.get::<String, _>(0)).collect::<Vec<String>>())
        }
    };
    let row = measure_sql(label, "PostgreSQL FTS", build, queries, rounds, &search).await;
    pool.close().await;
    row
}

/// Quality, latency and throughput (two concurrent clients) of an SQL full-text search.
async fn measure_sql<F, Fut>(
    label: &str,
    engine: &str,
    build: Duration,
    queries: &[EvalQuery],
    rounds: usize,
    search: &F,
) -> anyhow::Result<Measured>
where
    F: Fn(&EvalQuery) -> Fut,
    Fut: std::future::Future<Output = Result<Vec<String>, sqlx::Error>>,
{
    let mut scores = Vec::new();
    for query in queries {
        scores.push((query.language.clone(), eval::score(query, &search(query).await?).ndcg));
    }
    let mut samples = Vec::new();
    for _ in 0..rounds {
        for query in queries {
            let start = Instant::now();
            search(query).await?;
            samples.push(start.elapsed());
        }
    }
    let start = Instant::now();
    let worker = || async {
        for _ in 0..rounds {
            for query in queries {
                search(query).await?;
            }
        }
        Ok::<_, sqlx::Error>(())
    };
    let (first, second) = tokio::join!(worker(), worker());
    first?;
    second?;
    let throughput = (2 * rounds * queries.len()) as f64 / start.elapsed().as_secs_f64();
    Ok(Measured {
        size: label.to_owned(),
        engine: engine.to_owned(),
        build: Some(build),
        search: Latency::of(samples),
        throughput: Some(throughput),
        quality: Quality::of(&scores),
        ..Measured::default()
    })
}

fn print_table(rows: &[Measured], recalls: &[(String, Recall)], with_model: bool) {
    let dash = || "-".to_owned();
    println!();
    println!(
        "{:<14} {:<20} {:>9} {:>8} {:>10} {:>10} {:>9} {:>10} {:>10} {:>8} {:>6} {:>6}",
        "organisations",
        "engine",
        "build s",
        "+RSS MB",
        "search p50",
        "search p99",
        "search/s",
        "match p50",
        "match p99",
        "nDCG@10",
        "en",
        "nl"
    );
    for row in rows {
        println!(
            "{:<14} {:<20} {:>9} {:>8} {:>10} {:>10} {:>9} {:>10} {:>10} {:>8} {:>6} {:>6}",
            row.size,
            row.engine,
            row.build.map_or_else(dash, |d| format!("{:.1}", d.as_secs_f64())),
            row.memory_mb.map_or_else(dash, |m| format!("{m:.0}")),
            row.search.map_or_else(dash, |l| ms(l.p50)),
            row.search.map_or_else(dash, |l| ms(l.p99)),
            row.throughput.map_or_else(dash, |t| format!("{t:.0}")),
            row.matching.map_or_else(dash, |l| ms(l.p50)),
            row.matching.map_or_else(dash, |l| ms(l.p99)),
            row.quality.map_or_else(dash, |q| format!("{:.3}", q.all)),
            row.quality.map_or_else(dash, |q| format!("{:.3}", q.english)),
            row.quality.map_or_else(dash, |q| format!("{:.3}", q.dutch)),
        );
    }
    let (_, peak) = memory_mb();
    println!();
    println!("latencies in ms; search/s with two concurrent clients; +RSS MB: resident memory the index added");
    if let Some(peak) = peak {
        println!("peak resident memory of the benchmark process: {peak:.0} MB");
    }
    if with_model {
        println!(
            "hub search (fused): lexical search, the query's embedding (on another thread, at once) and the vector \
             scan, fused; `with a filter` is the same search limited to organisations in NL and open calls; the rows \
             below it time each part alone (the vector scan with a precomputed query vector)"
        );
        for (size, recall) in recalls {
            println!(
                "vector scan at {size}: recall@10 {:.3}, recall@{SCAN_DEPTH} {:.3} of the exact scan's neighbours",
                recall.at_10, recall.at_100
            );
        }
    } else {
        println!("no model configured (LSHUB_MODEL_DIR): lexical search only, no query embedding");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fts5_queries_are_quoted_words() {
        assert_eq!(fts5_query("lung \"cancer\" (NEAR) *").as_deref(), Some("\"lung\" \"cancer\" \"NEAR\""));
        assert_eq!(fts5_query(" :*( "), None);
        assert_eq!(parse_size("real"), Ok(0));
        assert_eq!(parse_size("1_000_000"), Ok(1_000_000));
        assert!(parse_size("many").is_err());
    }
}

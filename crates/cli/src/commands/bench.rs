//! `lshub bench`: search and matchmaking speed and quality at the real data size and at
//! 100,000 and 1,000,000 organisations (the real ones plus synthetic ones), against SQLite
//! FTS5 and PostgreSQL full-text search on the same documents and queries.
//!
//! Everything happens in the benchmark's own places: a temporary SQLite file for the real
//! data and for FTS5, and a PostgreSQL database it creates and drops. The hub's database is
//! never touched, and synthetic organisations never leave the benchmark.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use clap::Args;
use lshub_search::eval::{self, EvalQuery};
use lshub_search::{
    synthetic_organisations, EntityType, MatchSource, SearchDocument, SearchIndex, SearchRequest, Searchable,
    SentenceEncoder,
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
    /// A sentence-transformers model directory: query embedding is then timed with every search.
    #[arg(long, env = "LSHUB_MODEL_DIR")]
    model: Option<PathBuf>,
}

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
    EntityType::from_id(&query.entity).unwrap_or(EntityType::Organisation)
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
        Some(dir) => {
            Some(SentenceEncoder::load(dir).with_context(|| format!("loading the model in {}", dir.display()))?)
        }
        None => None,
    };
    let workdir = tempfile::tempdir().context("creating a temporary folder")?;
    eprintln!("reading the real data from {} ...", args.data.display());
    let (organisations, calls) = real_documents(&args.data, workdir.path()).await?;
    println!(
        "queries: {} from {}; real data: {} organisations, {} calls; {} rounds; {} CPU cores",
        queries.len(),
        args.queries.as_deref().map_or_else(|| "crates/search/eval/queries.jsonl".into(), |p| p.display().to_string()),
        organisations.len(),
        calls.len(),
        rounds,
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
    let embedding = match &encoder {
        Some(encoder) => {
            let mut samples = Vec::new();
            for _ in 0..rounds {
                for query in &queries {
                    let start = Instant::now();
                    encoder.encode(&[query.query.as_str()])?;
                    samples.push(start.elapsed());
                }
            }
            Latency::of(samples)
        }
        None => None,
    };
    let postgres = (!args.postgres.eq_ignore_ascii_case("none")).then_some(args.postgres.as_str());

    let mut rows = Vec::new();
    for &size in &args.sizes {
        let synthetic = size.saturating_sub(organisations.len());
        let label = if size == 0 { format!("real ({})", organisations.len()) } else { size.to_string() };
        eprintln!("size {label}: generating {synthetic} synthetic organisations ...");
        let documents: Vec<SearchDocument> = organisations
            .iter()
            .cloned()
            .chain(synthetic_organisations(synthetic, 2026))
            .chain(calls.iter().cloned())
            .collect();
        let sources: Vec<SearchDocument> = calls.iter().take(20).cloned().collect();
        eprintln!("size {label}: the hub's index ...");
        rows.extend(bench_index(&label, &documents, &queries, &sources, rounds, encoder.as_ref())?);
        eprintln!("size {label}: SQLite FTS5 ...");
        rows.push(bench_fts5(&label, &documents, &queries, rounds, workdir.path()).await?);
        if let Some(url) = postgres {
            eprintln!("size {label}: PostgreSQL full-text search ...");
            rows.push(bench_postgres(&label, &documents, &queries, rounds, url).await?);
        }
    }
    print_table(&rows, embedding);
    Ok(())
}

/// The real organisations and calls as search documents, imported into a temporary SQLite
/// database the way the hub imports them.
async fn real_documents(data: &Path, workdir: &Path) -> anyhow::Result<(Vec<SearchDocument>, Vec<SearchDocument>)> {
    let url = format!("sqlite://{}", workdir.join("real.db").display());
    let db = Database::connect(&url).await.context("creating the temporary database")?;
    db.migrate().await?;
    lshub_import::import_ror(&db, &data.join("ror_nl_be.jsonl.gz"), &NoProgress).await.context("importing ROR")?;
    lshub_import::import_eu_calls(&db, &data.join("eu_calls_open.jsonl.gz"), &NoProgress)
        .await
        .context("importing the calls")?;
    let organisations = db.all_organisations().await?.iter().map(Searchable::search_document).collect();
    let calls = db.all_calls(lshub_domain::CallSort::Deadline).await?.iter().map(Searchable::search_document).collect();
    db.close().await;
    Ok((organisations, calls))
}

fn bench_index(
    label: &str,
    documents: &[SearchDocument],
    queries: &[EvalQuery],
    sources: &[SearchDocument],
    rounds: usize,
    encoder: Option<&SentenceEncoder>,
) -> anyhow::Result<Vec<Measured>> {
    let (before, _) = memory_mb();
    let start = Instant::now();
    let index = SearchIndex::in_memory()?;
    index.rebuild(documents.to_vec())?;
    let build = start.elapsed();
    let (after, _) = memory_mb();
    let request = |q: &EvalQuery| SearchRequest::new(q.query.clone(), Some(entity_of(q)), 10);

    let mut scores = Vec::new();
    for query in queries {
        let ids: Vec<String> = index.search(&request(query))?.into_iter().map(|h| h.id).collect();
        scores.push((query.language.clone(), eval::score(query, &ids).ndcg));
    }
    // One search, with the query's vector computed first when there is a model: that is
    // part of the work a search with a model does.
    let one = |query: &EvalQuery, embed: bool| -> anyhow::Result<()> {
        if let Some(encoder) = encoder.filter(|_| embed) {
            encoder.encode(&[query.query.as_str()])?;
        }
        index.search(&request(query))?;
        Ok(())
    };
    let mut timings = Vec::new();
    for embed in [false, true].into_iter().filter(|embed| !embed || encoder.is_some()) {
        let mut search = Vec::new();
        for _ in 0..rounds {
            for query in queries {
                let start = Instant::now();
                one(query, embed)?;
                search.push(start.elapsed());
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
                                one(query, embed)?;
                            }
                        }
                        Ok(())
                    })
                })
                .collect();
            handles.into_iter().try_for_each(|h| h.join().map_err(|_| anyhow::anyhow!("a worker panicked"))?)
        })?;
        let throughput = (workers * rounds * queries.len()) as f64 / start.elapsed().as_secs_f64();
        timings.push((embed, Latency::of(search), throughput));
    }
    let mut matching = Vec::new();
    for _ in 0..rounds {
        for query in queries {
            let start = Instant::now();
            index.find_matches(&MatchSource::Text(query.query.clone()), EntityType::Organisation, 10, None)?;
            matching.push(start.elapsed());
        }
        for source in sources {
            let start = Instant::now();
            index.find_matches(&MatchSource::Entity(source.clone()), EntityType::Organisation, 10, None)?;
            matching.push(start.elapsed());
        }
    }
    let mut rows = Vec::new();
    for (embed, search, throughput) in timings {
        let first = !embed;
        rows.push(Measured {
            size: label.to_owned(),
            engine: if embed { "  + query vector".into() } else { "hub index (tantivy)".into() },
            build: Some(build).filter(|_| first),
            memory_mb: before.zip(after).map(|(b, a)| a - b).filter(|_| first),
            search,
            throughput: Some(throughput),
            matching: Latency::of(matching.clone()).filter(|_| first),
            quality: Quality::of(&scores).filter(|_| first),
        });
    }
    Ok(rows)
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
            .bind(document.entity.id())
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
        .bind(column(|d| d.entity.id().to_owned()))
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

fn print_table(rows: &[Measured], embedding: Option<Latency>) {
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
    match embedding {
        Some(latency) => println!(
            "\"+ query vector\": the hub's search timed with embedding the query first (embedding alone: p50 {} ms, p99 {} ms)",
            ms(latency.p50),
            ms(latency.p99)
        ),
        None => println!("no model configured (LSHUB_MODEL_DIR): lexical search only, no query embedding"),
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

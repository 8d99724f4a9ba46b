//! `lshub bench-bookings`: the bookings per second the hub sustains through its HTTP API when
//! many clients ask for the same times at once, beside the baseline of as many requests that
//! each ask for a time of their own, and the double bookings, which must be none. The hub
//! runs in this process on a loopback port, with a database of its own per backend: a
//! temporary SQLite file, and a PostgreSQL database the benchmark creates and drops. The
//! hub's database is never touched.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, ensure, Context};
use chrono::{DateTime, Days, Utc};
use clap::Args;
use lshub_domain::account::{Email, Role, TokenScope};
use lshub_storage::accounts::NewUser;
use lshub_storage::audit::AuditEvent;
use lshub_storage::{Database, NoProgress};
use lshub_web::{AppState, SiteConfig};
use serde_json::{json, Value};
use sqlx::Connection;
use tokio::sync::Semaphore;

#[derive(Args)]
pub struct BenchBookingsArgs {
    /// Booking requests in each run.
    #[arg(long, default_value_t = 600, value_parser = clap::value_parser!(u32).range(1..=20_000))]
    requests: u32,
    /// Requests in flight at once, from as many members with tokens of their own.
    #[arg(long, default_value_t = 32, value_parser = clap::value_parser!(u32).range(1..=512))]
    clients: u32,
    /// With contention, how many requests ask for each time.
    #[arg(long, default_value_t = 8, value_parser = clap::value_parser!(u32).range(2..=512))]
    per_time: u32,
    /// The folder with ror_nl_be.jsonl.gz (the directory the bookers' organisations come from).
    #[arg(long, env = "LSHUB_SHARED_DATA", default_value = "../shared/data")]
    data: PathBuf,
    /// A PostgreSQL server (the benchmark creates and drops its own database there), or
    /// `none` to leave PostgreSQL out.
    #[arg(long, default_value = "postgres://postgres@127.0.0.1:5432/postgres")]
    postgres: String,
}

/// Half-hour times from 08:00 to 20:00.
const TIMES_PER_DAY: u32 = 24;
/// The first day booked, so that no request is too soon.
const FIRST_DAY: u64 = 2;

/// What one run saw.
struct Run {
    booked: usize,
    taken: usize,
    other: BTreeMap<u16, usize>,
    elapsed: Duration,
    latencies: Vec<Duration>,
}

impl Run {
    fn percentile(&self, share: f64) -> Duration {
        let mut sorted = self.latencies.clone();
        sorted.sort();
        let at = ((sorted.len() as f64 - 1.0) * share).round() as usize;
        sorted.get(at).copied().unwrap_or_default()
    }
}

pub async fn run(args: BenchBookingsArgs) -> anyhow::Result<()> {
    let folder = tempfile::tempdir().context("a temporary folder")?;
    let sqlite = format!("sqlite://{}?mode=rwc", folder.path().join("bookings.db").display());
    println!(
        "bookings through the HTTP API: {} requests per run, {} in flight, {} asking for each time with contention",
        args.requests, args.clients, args.per_time
    );
    println!(
        "{:<11} {:<28} {:>8} {:>7} {:>6} {:>7} {:>10} {:>9} {:>9}",
        "backend", "run", "requests", "booked", "taken", "double", "booked/s", "p50", "p95"
    );
    bench_backend("SQLite", &sqlite, &args).await?;
    if args.postgres != "none" {
        let name = format!("lshub_bench_bookings_{}", std::process::id());
        let mut admin = sqlx::AnyConnection::connect(&args.postgres)
            .await
            .with_context(|| format!("connecting to {}", crate::redact(&args.postgres)))?;
        sqlx::raw_sql(&format!("CREATE DATABASE {name}")).execute(&mut admin).await?;
        let url = format!("{}/{name}", args.postgres.rsplit_once('/').map_or(args.postgres.as_str(), |(base, _)| base));
        let result = bench_backend("PostgreSQL", &url, &args).await;
        sqlx::raw_sql(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).execute(&mut admin).await?;
        result?;
    }
    Ok(())
}

async fn bench_backend(backend: &str, url: &str, args: &BenchBookingsArgs) -> anyhow::Result<()> {
    sqlx::any::install_default_drivers();
    let db = Database::connect(url).await.context("the benchmark's database")?;
    db.migrate().await?;
    let ror = args.data.join("ror_nl_be.jsonl.gz");
    lshub_import::import_ror(&db, &ror, &NoProgress).await.with_context(|| format!("importing {}", ror.display()))?;
    let organisations = db.all_organisations().await?;
    let [owner, booker, ..] = organisations.as_slice() else { bail!("the directory needs two organisations") };
    let audit = || AuditEvent::by(None, "bench", "bench", String::new(), "bench");
    let mut tokens = Vec::new();
    for n in 0..=args.clients {
        let email = Email::parse(&format!("booker{n}@bookings-bench.example")).context("an address")?;
        let new = NewUser {
            email: &email,
            display_name: "Bench Booker",
            password_hash: None,
            role: Role::Member,
            email_verified: true,
            oidc: None,
        };
        let user = db.create_user(new, audit(), None).await?;
        let organisation = if n == 0 { owner } else { booker };
        db.claim_organisation(&user.id, &organisation.id, "", true, audit()).await?;
        tokens.push(db.create_api_token(&user.id, "bench", &[TokenScope::Read, TokenScope::Write], audit()).await?);
    }
    let staff = tokens.remove(0);

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    let state = AppState::open(db.clone(), SiteConfig { public_url: base.clone(), ..SiteConfig::default() })
        .await
        .context("the hub's state")?;
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(lshub_web::serve(listener, state, async move {
        let _ = stopped.await;
    }));
    let client = reqwest::Client::builder().pool_max_idle_per_host(args.clients as usize).build()?;
    let facility = json!({ "organisation": owner.slug, "type": "sequencer", "titleEn": "Benchmark sequencer",
        "descriptionEn": "A sequencer many want at once.", "contact": "Genomics desk",
        "rates": {"internal": "10", "academic": "80", "industry": "120"} });
    let created = send(&client, reqwest::Method::POST, &format!("{base}/api/v1/facilities"), &staff, &facility).await?;
    let slug = created["slug"].as_str().context("the facility's address name")?.to_owned();
    let publish = json!({"transition": "publish"});
    send(&client, reqwest::Method::POST, &format!("{base}/api/v1/facilities/{slug}/state"), &staff, &publish).await?;

    let today = state_today();
    let baseline_times: Vec<u32> = (0..args.requests).collect();
    let contended_start = args.requests.div_ceil(TIMES_PER_DAY) * TIMES_PER_DAY;
    let contended_times: Vec<u32> = (0..args.requests).map(|n| contended_start + n / args.per_time).collect();
    let bookings = format!("{base}/api/v1/facilities/{slug}/bookings");
    for (name, times) in [("baseline, a time each", baseline_times), ("contention, same times", contended_times)] {
        let requests: Vec<(String, String)> = times
            .iter()
            .enumerate()
            .map(|(n, time)| (tokens[n % tokens.len()].clone(), starts(today, *time, booker.slug.as_str())))
            .collect();
        let run = fire(&client, &bookings, requests, args.clients as usize).await?;
        let distinct = times.iter().collect::<std::collections::BTreeSet<_>>().len();
        let (from, to) = (day_start(today, 0), day_start(today, u64::from(contended_start / TIMES_PER_DAY) + 40));
        let listed = send(
            &client,
            reqwest::Method::GET,
            &format!("{bookings}?from={}&to={}", stamp(from), stamp(to)),
            &staff,
            &Value::Null,
        )
        .await?;
        let double = double_bookings(&listed);
        println!(
            "{:<11} {:<28} {:>8} {:>7} {:>6} {:>7} {:>10.0} {:>9.1?} {:>9.1?}",
            backend,
            name,
            times.len(),
            run.booked,
            run.taken,
            double,
            run.booked as f64 / run.elapsed.as_secs_f64(),
            run.percentile(0.5),
            run.percentile(0.95)
        );
        println!(
            "{:<11} {:<28} {:.0} requests/s; {} distinct times asked, {} won{}",
            "",
            "",
            times.len() as f64 / run.elapsed.as_secs_f64(),
            distinct,
            run.booked,
            if run.other.is_empty() { String::new() } else { format!("; other answers {:?}", run.other) }
        );
        ensure!(double == 0, "{backend}: {double} double bookings");
        ensure!(run.other.is_empty(), "{backend}: answers other than booked or taken: {:?}", run.other);
    }
    let _ = stop.send(());
    server.await.context("the hub stopped")??;
    db.close().await;
    Ok(())
}

/// RFC 3339 in UTC with `Z`, which needs no escaping in a query.
fn stamp(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

fn state_today() -> chrono::NaiveDate {
    lshub_service::clock::Clock::default().today()
}

fn day_start(today: chrono::NaiveDate, days: u64) -> DateTime<Utc> {
    let day = today.checked_add_days(Days::new(days)).unwrap_or(today);
    day.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc()
}

/// The request body for the `time`-th half hour from the first day booked.
fn starts(today: chrono::NaiveDate, time: u32, organisation: &str) -> String {
    let day = today.checked_add_days(Days::new(FIRST_DAY + u64::from(time / TIMES_PER_DAY))).unwrap_or(today);
    let minutes = 8 * 60 + (time % TIMES_PER_DAY) * 30;
    json!({"starts": format!("{day} {:02}:{:02}", minutes / 60, minutes % 60), "minutes": 30, "organisation": organisation})
        .to_string()
}

/// Sends every request, `in_flight` at a time, and counts the answers.
async fn fire(
    client: &reqwest::Client,
    url: &str,
    requests: Vec<(String, String)>,
    in_flight: usize,
) -> anyhow::Result<Run> {
    let gate = Arc::new(Semaphore::new(in_flight));
    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for (token, body) in requests {
        let (client, url, gate) = (client.clone(), url.to_owned(), gate.clone());
        tasks.spawn(async move {
            let _turn = gate.acquire_owned().await?;
            let sent = Instant::now();
            let response = client
                .post(url)
                .bearer_auth(token)
                .header("content-type", "application/json")
                .body(body)
                .send()
                .await?;
            let status = response.status().as_u16();
            response.bytes().await?;
            anyhow::Ok((status, sent.elapsed()))
        });
    }
    let mut run = Run { booked: 0, taken: 0, other: BTreeMap::new(), elapsed: Duration::ZERO, latencies: Vec::new() };
    while let Some(joined) = tasks.join_next().await {
        let (status, latency) = joined??;
        run.latencies.push(latency);
        match status {
            201 => run.booked += 1,
            409 => run.taken += 1,
            other => *run.other.entry(other).or_default() += 1,
        }
    }
    run.elapsed = started.elapsed();
    Ok(run)
}

async fn send(
    client: &reqwest::Client,
    method: reqwest::Method,
    url: &str,
    token: &str,
    body: &Value,
) -> anyhow::Result<Value> {
    let mut request = client.request(method, url).bearer_auth(token);
    if !body.is_null() {
        request = request.json(body);
    }
    let response = request.send().await.with_context(|| format!("calling {url}"))?;
    let status = response.status();
    let answer: Value = response.json().await.unwrap_or_default();
    ensure!(status.is_success(), "{url} answered {status}: {answer}");
    Ok(answer)
}

/// Pairs of bookings that hold time and overlap, read from the staff's list.
fn double_bookings(listed: &Value) -> usize {
    let spans: Vec<(DateTime<Utc>, DateTime<Utc>)> = listed
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default()
        .iter()
        .filter(|b| matches!(b["state"].as_str(), Some("confirmed" | "requested")))
        .filter_map(|b| Some((b["startsAt"].as_str()?.parse().ok()?, b["endsAt"].as_str()?.parse().ok()?)))
        .collect();
    spans
        .iter()
        .enumerate()
        .flat_map(|(i, a)| spans[i + 1..].iter().map(move |b| (a, b)))
        .filter(|(a, b)| a.0 < b.1 && b.0 < a.1)
        .count()
}

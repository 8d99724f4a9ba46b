//! `lshub bench-digest`: how long the weekly digest takes for 10,000 people, from finding
//! whose digest is due to the last mail queued, with the matcher ranking for each reader's
//! organisation. Beside it, the baseline of the same number of mails recorded and queued
//! with a fixed text: the work no digest can avoid. Everything happens in a temporary
//! SQLite database with the real organisations and calls; the hub's own is never touched.

use std::path::PathBuf;
use std::time::Instant;

use anyhow::Context;
use clap::Args;
use lshub_domain::account::{Email, Role};
use lshub_storage::accounts::{Mail, NewUser};
use lshub_storage::audit::AuditEvent;
use lshub_storage::digest::QueuedDigest;
use lshub_storage::{Database, NoProgress};
use lshub_web::{AppState, SiteConfig};

#[derive(Args)]
pub struct BenchDigestArgs {
    /// People who opted in.
    #[arg(long, default_value_t = 10_000, value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    users: u32,
    /// Of them, one in this many is a member of an organisation (the others read unranked).
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u32).range(1..=1000))]
    member_every: u32,
    /// Organisations the members belong to (the first of the directory).
    #[arg(long, default_value_t = 200)]
    organisations: usize,
    /// The folder with ror_nl_be.jsonl.gz and eu_calls_open.jsonl.gz.
    #[arg(long, env = "LSHUB_SHARED_DATA", default_value = "../shared/data")]
    data: PathBuf,
}

/// The peak resident memory of this process, from Linux's /proc (none elsewhere).
fn peak_memory_mib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024)
}

pub async fn run(args: BenchDigestArgs) -> anyhow::Result<()> {
    let dir = tempfile::tempdir().context("a temporary folder")?;
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("digest.db").display());
    let db = Database::connect(&url).await.context("the benchmark's database")?;
    db.migrate().await?;
    let ror = args.data.join("ror_nl_be.jsonl.gz");
    lshub_import::import_ror(&db, &ror, &NoProgress).await.with_context(|| format!("importing {}", ror.display()))?;
    let calls = args.data.join("eu_calls_open.jsonl.gz");
    let imported = lshub_import::import_eu_calls(&db, &calls, &NoProgress)
        .await
        .with_context(|| format!("importing {}", calls.display()))?;
    let organisations: Vec<String> =
        db.all_organisations().await?.into_iter().take(args.organisations.max(1)).map(|o| o.id).collect();
    let audit = || AuditEvent::by(None, "bench", "bench", String::new(), "bench");
    let started = Instant::now();
    let now = chrono::Utc::now();
    let mut users = Vec::new();
    for n in 0..args.users {
        let email = Email::parse(&format!("reader{n}@digest-bench.example")).context("an address")?;
        let new = NewUser {
            email: &email,
            display_name: "Digest Reader",
            password_hash: None,
            role: Role::Member,
            email_verified: true,
            oidc: None,
        };
        let user = db.create_user(new, audit(), None).await?;
        if n % args.member_every == 0 {
            let organisation = &organisations[(n as usize / args.member_every as usize) % organisations.len()];
            db.claim_organisation(&user.id, organisation, "", true, audit()).await?;
        }
        db.set_digest(&user.id, true, now, audit()).await?;
        users.push(user.id);
    }
    println!(
        "weekly digest: {} readers ({} members of {} organisations), {} new calls; set up in {:.1?}",
        args.users,
        args.users.div_ceil(args.member_every),
        organisations.len().min(args.users.div_ceil(args.member_every) as usize),
        imported.inserted,
        started.elapsed()
    );

    let site = SiteConfig { region: "Amsterdam".into(), ..SiteConfig::default() };
    let state = AppState::open(db.clone(), site).await.context("the hub's state")?;
    let started = Instant::now();
    let queued = lshub_web::send_digests(&state).await.map_err(|e| anyhow::anyhow!("{e}"))?;
    let digest = started.elapsed();
    println!(
        "{:<44} {:>10.2?}   {queued} mails queued, {:.2} ms per reader",
        "the hub (ranked per organisation)",
        digest,
        digest.as_secs_f64() * 1000.0 / f64::from(args.users)
    );

    // The same number of mails, recorded and queued with a fixed text for another week.
    let started = Instant::now();
    for (n, user) in users.iter().enumerate() {
        let (secret, url) = (format!("baseline-{n}"), format!("https://hub.example/digest/unsubscribe/{n}"));
        let mail = Mail { recipient: "reader@digest-bench.example", subject: "Your week", body: "Nothing new." };
        let queued = QueuedDigest { user_id: user, week: "baseline", mail: Some((mail, &secret, &url)), at: now };
        db.queue_digest(queued).await?;
    }
    let baseline = started.elapsed();
    println!(
        "{:<44} {:>10.2?}   {} mails queued, {:.2} ms per reader",
        "fixed text, recorded and queued (baseline)",
        baseline,
        users.len(),
        baseline.as_secs_f64() * 1000.0 / f64::from(args.users)
    );
    if let Some(peak) = peak_memory_mib() {
        println!("peak memory of the benchmark: {peak} MiB");
    }
    db.close().await;
    Ok(())
}

//! SIGKILL in the middle of concurrent profile edits, on both databases. A real `lshub serve`
//! process takes edits from many maintainers at once through the API and is killed while
//! edits are in flight, a few rounds over. After each kill the database passes its integrity
//! check, holds every edit the hub acknowledged, and shows no half-saved edit (a profile
//! changed without its history and audit rows, or rows without the change); the hub then
//! starts again on it without repair and serves the latest text.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use lshub_domain::account::{Email, Role, TokenScope};
use lshub_storage::accounts::NewUser;
use lshub_storage::audit::AuditEvent;
use lshub_storage::Database;
use sqlx::Row;

use crate::support::{shared_data, ServerProcess};

crate::support::per_backend_fresh!(killed_during_concurrent_edits_keeps_every_acknowledged_edit);

/// Maintainers editing at once, each their own organisation, one request at a time.
const WRITERS: usize = 12;
const ROUNDS: usize = 3;

/// A member who maintains one organisation and edits it through the API with a token.
pub struct Maintainer {
    pub email: String,
    pub slug: String,
    pub token: String,
}

impl Maintainer {
    pub fn profile_url(&self, server: &ServerProcess) -> String {
        server.url(&format!("/api/v1/organisations/{}/profile", self.slug))
    }
}

/// Imports the real organisations with `lshub import` and makes `count` verified members,
/// each the maintainer of an organisation of their own with a read-and-write API token. The
/// accounts are made through the storage calls the sign-up, claim and token pages use;
/// their own tests go through those pages.
pub async fn maintainers(database_url: &str, count: usize) -> Vec<Maintainer> {
    let imported = crate::support::lshub_command()
        .args(["--database", database_url, "import", "ror"])
        .arg(shared_data("ror_nl_be.jsonl.gz"))
        .output()
        .expect("run lshub import");
    assert!(imported.status.success(), "import: {}", String::from_utf8_lossy(&imported.stderr));
    let db = Database::connect(database_url).await.expect("connect");
    let organisations = db.all_organisations().await.expect("organisations");
    let mut maintainers = Vec::new();
    // Spread over the directory, so the organisations are unrelated.
    for (n, organisation) in organisations.iter().step_by(organisations.len() / count).take(count).enumerate() {
        let email = Email::parse(&format!("maintainer{n}@crash.example")).expect("e-mail address");
        let event = |action| AuditEvent {
            actor_id: None,
            actor_label: "test set-up",
            action,
            subject: email.as_str(),
            detail: String::new(),
            client: "test",
        };
        let new = NewUser {
            email: &email,
            display_name: "Maintainer",
            password_hash: None,
            role: Role::Member,
            email_verified: true,
            oidc: None,
        };
        let user = db.create_user(new, event("account.registered"), None).await.expect("create a member");
        db.claim_organisation(&user.id, &organisation.id, "", true, event("claim.approved-automatically"))
            .await
            .expect("claim");
        let token = db
            .create_api_token(&user.id, "crash test", &[TokenScope::Read, TokenScope::Write], event("token.created"))
            .await
            .expect("token");
        maintainers.push(Maintainer { email: email.as_str().to_owned(), slug: organisation.slug.clone(), token });
    }
    assert_eq!(maintainers.len(), count);
    db.close().await;
    maintainers
}

/// The English and Dutch description of edit `n` of `round`.
fn edit_text(round: usize, n: usize) -> String {
    format!("Crash round {round}, edit {n}: saved whole or not at all.")
}

/// (round, edit) of a text `edit_text` wrote.
fn edit_number(text: &str) -> Option<(usize, usize)> {
    let (round, rest) = text.strip_prefix("Crash round ")?.split_once(", edit ")?;
    let (n, _) = rest.split_once(':')?;
    Some((round.parse().ok()?, n.parse().ok()?))
}

/// Seeded choices: the seed is printed, and `LSHUB_CRASH_SEED=N` repeats a run.
struct Choices(u64);

impl Choices {
    fn from_env(backend: &str) -> Self {
        let seed = std::env::var("LSHUB_CRASH_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or_else(|| {
            SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_nanos() as u64).unwrap_or_default()
        });
        eprintln!("{backend} crash seed {seed} (LSHUB_CRASH_SEED={seed} repeats the kill points)");
        Self(seed)
    }

    /// A number in `range` (splitmix64).
    fn pick(&mut self, range: std::ops::Range<usize>) -> usize {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^= z >> 31;
        range.start + (z % (range.end - range.start) as u64) as usize
    }
}

/// What one maintainer sent in one round: edits 1..=acknowledged got a 2xx answer; edit
/// `sent`, when it is one more, was in flight when the server died.
#[derive(Debug, Clone, Copy)]
struct Outcome {
    acknowledged: usize,
    sent: usize,
}

async fn killed_during_concurrent_edits_keeps_every_acknowledged_edit(database_url: String) {
    let started = Instant::now();
    let backend = if database_url.starts_with("sqlite:") { "SQLite" } else { "PostgreSQL" };
    let data_dir = tempfile::tempdir().expect("data folder");
    let maintainers = maintainers(&database_url, WRITERS).await;
    let originals = maintained_records(&database_url).await;
    let mut choices = Choices::from_env(backend);
    // Per maintainer, the outcome of every round so far.
    let mut outcomes: Vec<Vec<Outcome>> = vec![Vec::new(); WRITERS];
    let mut latest = BTreeMap::new();
    for round in 1..=ROUNDS {
        // Each round's start is the restart after the previous round's kill, without repair.
        let mut server = ServerProcess::start(&database_url, data_dir.path(), &[]);
        serves_latest_text(&server, &maintainers, &latest).await;
        let kill_after = choices.pick(40..160);
        let round_outcomes = edit_until_killed(&mut server, &maintainers, round, kill_after).await;
        for (all, outcome) in outcomes.iter_mut().zip(&round_outcomes) {
            all.push(*outcome);
        }
        let checked = check_database(&database_url, &maintainers, &originals, &outcomes).await;
        let in_flight = round_outcomes.iter().filter(|o| o.sent > o.acknowledged).count();
        eprintln!(
            "{backend} crash round {round}: SIGKILL after {} acknowledged edits, {in_flight} in flight; in all rounds so \
             far {} acknowledged edits checked, every one saved, and {} in-flight edits saved as well",
            round_outcomes.iter().map(|o| o.acknowledged).sum::<usize>(),
            checked.acknowledged,
            checked.saved_unacknowledged,
        );
        latest = checked.latest;
    }
    let mut server = ServerProcess::start(&database_url, data_dir.path(), &[]);
    serves_latest_text(&server, &maintainers, &latest).await;
    server.terminate();
    assert!(server.wait_for_exit(Duration::from_secs(30)).await.success(), "{:?}", server.log_lines());
    eprintln!("{backend} crash test: {ROUNDS} kills survived in {:.1} s", started.elapsed().as_secs_f64());
}

/// Every maintainer edits their organisation, one request after the other, until the
/// server is SIGKILLed after `kill_after` acknowledged edits in all.
async fn edit_until_killed(
    server: &mut ServerProcess,
    maintainers: &[Maintainer],
    round: usize,
    kill_after: usize,
) -> Vec<Outcome> {
    let acknowledged = Arc::new(AtomicUsize::new(0));
    let enough = Arc::new(tokio::sync::Notify::new());
    let client = crate::support::client();
    let writers: Vec<_> = maintainers
        .iter()
        .map(|maintainer| {
            let (client, url, token) = (client.clone(), maintainer.profile_url(server), maintainer.token.clone());
            let (acknowledged, enough) = (Arc::clone(&acknowledged), Arc::clone(&enough));
            tokio::spawn(async move {
                let mut outcome = Outcome { acknowledged: 0, sent: 0 };
                loop {
                    outcome.sent += 1;
                    let text = edit_text(round, outcome.sent);
                    let body = serde_json::json!({ "descriptionEn": text, "descriptionNl": text });
                    match client.put(&url).bearer_auth(&token).json(&body).send().await {
                        Ok(response) if response.status().is_success() => {
                            outcome.acknowledged = outcome.sent;
                            if acknowledged.fetch_add(1, Ordering::SeqCst) + 1 == kill_after {
                                enough.notify_one();
                            }
                        }
                        Ok(response) => panic!("edit {} of {url} was answered {}", outcome.sent, response.status()),
                        // The server is gone.
                        Err(_) => return outcome,
                    }
                }
            })
        })
        .collect();
    // Bounded, so that writers that all failed early show as a failure and not a hang.
    tokio::time::timeout(Duration::from_secs(300), enough.notified())
        .await
        .unwrap_or_else(|_| panic!("no {kill_after} acknowledged edits: {:?}", server.log_lines()));
    server.kill();
    let mut outcomes = Vec::new();
    for writer in writers {
        outcomes.push(writer.await.expect("writer"));
    }
    outcomes
}

/// The stored profile records of the organisations that have maintainers, by slug.
async fn maintained_records(database_url: &str) -> BTreeMap<String, String> {
    let mut conn = connect(database_url).await;
    let rows = sqlx::query(
        "SELECT o.slug, o.record FROM organisations o \
         WHERE EXISTS (SELECT 1 FROM organisation_members m WHERE m.organisation_id = o.id)",
    )
    .fetch_all(&mut conn)
    .await
    .expect("read profiles");
    rows.iter().map(|row| (row.get("slug"), row.get("record"))).collect()
}

/// A plain connection, independent of the storage code under test.
async fn connect(database_url: &str) -> sqlx::AnyConnection {
    sqlx::any::install_default_drivers();
    <sqlx::AnyConnection as sqlx::Connection>::connect(database_url).await.expect("connect")
}

struct Checked {
    /// Acknowledged edits found, in all rounds so far.
    acknowledged: usize,
    /// Edits in flight at the kills that were saved all the same.
    saved_unacknowledged: usize,
    /// Each maintained organisation's English description now.
    latest: BTreeMap<String, String>,
}

/// A row of the profile history: which edit it saved, and the record before and after.
struct SavedEdit {
    /// (round, edit) of the text it saved.
    number: (usize, usize),
    before: String,
    after: String,
}

/// The English description in a stored profile record.
fn description(record: &str) -> Option<String> {
    let record: serde_json::Value = serde_json::from_str(record).expect("a stored profile is JSON");
    record["descriptions"]["en"].as_str().map(str::to_owned)
}

/// The checks after a kill, on the database alone (the server is dead).
async fn check_database(
    database_url: &str,
    maintainers: &[Maintainer],
    originals: &BTreeMap<String, String>,
    outcomes: &[Vec<Outcome>],
) -> Checked {
    let db = Database::connect(database_url).await.expect("reopen after the kill");
    if let Some(verdict) = db.integrity_check().await.expect("integrity check") {
        assert_eq!(verdict, "ok", "SQLite's integrity check");
    }
    db.close().await;
    let current = maintained_records(database_url).await;
    let mut conn = connect(database_url).await;
    let mut history: BTreeMap<String, Vec<SavedEdit>> = BTreeMap::new();
    for row in sqlx::query(
        "SELECT o.slug, e.before_record, e.after_record FROM organisation_edits e \
         JOIN organisations o ON o.id = e.organisation_id",
    )
    .fetch_all(&mut conn)
    .await
    .expect("read profile history")
    {
        let slug: String = row.get("slug");
        let after: String = row.get("after_record");
        let text = description(&after).unwrap_or_default();
        let number = edit_number(&text).unwrap_or_else(|| panic!("{slug}: an edit nobody sent: {text}"));
        history.entry(slug).or_default().push(SavedEdit { number, before: row.get("before_record"), after });
    }
    let audited: BTreeMap<(String, String), i64> = sqlx::query(
        "SELECT subject, actor_label, COUNT(*) AS n FROM audit_log WHERE action = 'organisation.edited' \
         GROUP BY subject, actor_label",
    )
    .fetch_all(&mut conn)
    .await
    .expect("read the audit log")
    .iter()
    .map(|row| ((row.get("subject"), row.get("actor_label")), row.get("n")))
    .collect();
    assert_eq!(
        audited.values().sum::<i64>() as usize,
        history.values().map(Vec::len).sum::<usize>(),
        "one audit entry per saved edit, and none for an edit that was not saved"
    );

    let mut checked = Checked { acknowledged: 0, saved_unacknowledged: 0, latest: BTreeMap::new() };
    for (maintainer, rounds) in maintainers.iter().zip(outcomes) {
        let slug = &maintainer.slug;
        // Saved edits in the order they were made, which is the order they were sent.
        let mut saved: Vec<&SavedEdit> = history.get(slug).map(|edits| edits.iter().collect()).unwrap_or_default();
        saved.sort_by_key(|edit| edit.number);
        for (round, outcome) in rounds.iter().enumerate().map(|(i, o)| (i + 1, o)) {
            let numbers: Vec<usize> =
                saved.iter().filter(|edit| edit.number.0 == round).map(|edit| edit.number.1).collect();
            let acknowledged: Vec<usize> = (1..=outcome.acknowledged).collect();
            let with_in_flight: Vec<usize> = (1..=outcome.acknowledged + 1).collect();
            assert!(
                numbers == acknowledged || (outcome.sent > outcome.acknowledged && numbers == with_in_flight),
                "{slug}, round {round}: saved edits {numbers:?}, acknowledged 1..={}, sent {}",
                outcome.acknowledged,
                outcome.sent
            );
            checked.acknowledged += outcome.acknowledged;
            checked.saved_unacknowledged += numbers.len() - outcome.acknowledged;
        }
        // The history is one unbroken chain from the imported record to the current one:
        // no change was saved without its history row, nor a row without its change.
        let mut expected_before = &originals[slug];
        for edit in &saved {
            assert_eq!(&edit.before, expected_before, "{slug}: the history breaks before edit {:?}", edit.number);
            expected_before = &edit.after;
        }
        assert_eq!(&current[slug], expected_before, "{slug}: the profile is its last saved edit");
        let audit_entries = audited.get(&(slug.clone(), maintainer.email.clone())).copied().unwrap_or_default();
        assert_eq!(audit_entries as usize, saved.len(), "{slug}: one audit entry per saved edit");
        if let Some(text) = description(&current[slug]) {
            checked.latest.insert(slug.clone(), text);
        }
    }
    checked
}

/// The restarted server answers, and each organisation page shows its latest text.
async fn serves_latest_text(server: &ServerProcess, maintainers: &[Maintainer], latest: &BTreeMap<String, String>) {
    let client = crate::support::client();
    for maintainer in maintainers {
        let response = client
            .get(server.url(&format!("/organisations/{}", maintainer.slug)))
            .header("accept-language", "en")
            .send()
            .await
            .expect("organisation page");
        assert_eq!(response.status(), 200, "{}", maintainer.slug);
        let page = response.text().await.expect("page");
        if let Some(text) = latest.get(&maintainer.slug) {
            assert!(page.contains(text.as_str()), "{} shows its latest text {text}", maintainer.slug);
        }
    }
}

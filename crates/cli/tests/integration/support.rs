//! A `TestApp` per database backend: a fresh database with the real data imported, and the
//! real server on a random loopback port, shared by every test of that backend.

use std::path::PathBuf;
use std::sync::{mpsc, Arc, Mutex, Once, OnceLock};
use std::time::{SystemTime, UNIX_EPOCH};

use lshub_import::ImportReport;
use lshub_search::SentenceEncoder;
use lshub_storage::{Database, NoProgress, StoredVector};
use lshub_web::{AccountsConfig, AppState, OidcSettings, SiteConfig};
use sqlx::Connection;

/// Feeds and API items carry absolute links; a fixed base keeps snapshots stable.
pub const PUBLIC_URL: &str = "http://hub.test";
/// The cluster office's address the test hubs give as the catalogue's contact point.
pub const CONTACT_EMAIL: &str = "office@hub.test";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

pub struct TestApp {
    pub base_url: String,
    pub database_url: String,
    /// The server's data folder; its mail is written to `mail/` in it.
    pub data_dir: PathBuf,
    /// Whether search ranks by meaning too (the model is set up).
    pub semantic: bool,
    /// The OpenID Connect provider the server trusts.
    pub provider: crate::oidc_provider::Provider,
    /// The first and the second import of each real file.
    pub ror_imports: [ImportReport; 2],
    pub call_imports: [ImportReport; 2],
}

pub fn shared_data(file: &str) -> PathBuf {
    let dir = std::env::var_os("LSHUB_SHARED_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data")));
    dir.join(file)
}

impl TestApp {
    pub fn get(backend: Backend) -> Option<&'static TestApp> {
        static SQLITE: OnceLock<Option<TestApp>> = OnceLock::new();
        static POSTGRES: OnceLock<Option<TestApp>> = OnceLock::new();
        let cell = match backend {
            Backend::Sqlite => &SQLITE,
            Backend::Postgres => &POSTGRES,
        };
        cell.get_or_init(|| {
            let database_url = fresh_database(backend)?;
            Some(boot(database_url))
        })
        .as_ref()
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }

    pub async fn get_json(&self, path: &str) -> (u16, serde_json::Value) {
        let response = client().get(self.url(path)).send().await.expect("request");
        let status = response.status().as_u16();
        (status, response.json().await.expect("JSON body"))
    }

    /// Whether a search (`/api/v1/search?{query}`) finds the item with `id` within 30 s: the
    /// hub rebuilds its index every 10 s after a change.
    pub async fn search_finds(&self, query: &str, id: &str) -> bool {
        for _ in 0..60 {
            let (_, hits) = self.get_json(&format!("/api/v1/search?{query}")).await;
            if hits["items"].as_array().is_some_and(|items| items.iter().any(|h| h["id"] == id)) {
                return true;
            }
            tokio::time::sleep(std::time::Duration::from_millis(500)).await;
        }
        false
    }

    /// Whether a search stops finding the item with `id` within 30 s.
    pub async fn search_forgets(&self, query: &str, id: &str) -> bool {
        for _ in 0..60 {
            let (_, hits) = self.get_json(&format!("/api/v1/search?{query}")).await;
            if !hits["items"].as_array().is_some_and(|items| items.iter().any(|h| h["id"] == id)) {
                return true;
            }
            tokio::time::sleep(std::time::Duration::from_millis(500)).await;
        }
        false
    }

    pub async fn get_text(&self, path: &str, accept_language: &str) -> (u16, String) {
        let response =
            client().get(self.url(path)).header("accept-language", accept_language).send().await.expect("request");
        (response.status().as_u16(), response.text().await.expect("text body"))
    }
}

/// The sentence-embedding model the set-up installs (`LSHUB_MODEL_DIR`); CI must have it.
pub fn model() -> Option<Arc<SentenceEncoder>> {
    static MODEL: OnceLock<Option<Arc<SentenceEncoder>>> = OnceLock::new();
    MODEL
        .get_or_init(|| match std::env::var_os("LSHUB_MODEL_DIR") {
            Some(dir) => {
                Some(Arc::new(SentenceEncoder::load(&PathBuf::from(dir)).expect("the model in LSHUB_MODEL_DIR")))
            }
            None if std::env::var_os("CI").is_some() => {
                panic!("CI must provide LSHUB_MODEL_DIR (scripts/test sets it)")
            }
            None => {
                eprintln!("LSHUB_MODEL_DIR is not set: the search tests run without ranking by meaning");
                None
            }
        })
        .clone()
}

/// Stores the real data's vectors in `db`. They are encoded once per test run, by the first
/// backend to get here, and written to the other through the same storage API: encoding
/// does not depend on the backend, storing does.
async fn store_vectors(db: &Database, encoder: &SentenceEncoder) {
    static ENCODED: tokio::sync::Mutex<Option<Vec<StoredVector>>> = tokio::sync::Mutex::const_new(None);
    let mut encoded = ENCODED.lock().await;
    if let Some(vectors) = encoded.as_ref() {
        db.save_vectors(encoder.model_id(), vectors).await.expect("save vectors");
    }
    let documents = lshub_web::documents(db, lshub_service::clock::Clock::default().today()).await.expect("documents");
    let report = lshub_search::embed_missing(db, encoder, &documents, &NoProgress).await.expect("encode");
    assert_eq!(report.encoded + report.reused, documents.len());
    if encoded.is_none() {
        *encoded = Some(db.load_vectors(encoder.model_id()).await.expect("load vectors"));
    } else {
        assert_eq!(report.encoded, 0, "the copied vectors fit the other backend's documents");
    }
}

pub fn client() -> reqwest::Client {
    reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("HTTP client")
}

/// Runs the server on a thread of its own, so that it outlives every test's runtime.
fn boot(database_url: String) -> TestApp {
    let (ready, started) = mpsc::channel();
    let url = database_url.clone();
    let data_dir = std::env::temp_dir().join(format!("{}_data", unique_name()));
    remove_at_exit(Leftover::Folder(data_dir.clone()));
    let server_data_dir = data_dir.clone();
    std::thread::spawn(move || {
        let runtime =
            tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("runtime");
        runtime.block_on(async move {
            let db = Database::connect(&url).await.expect("connect");
            db.migrate().await.expect("migrate");
            let ror = shared_data("ror_nl_be.jsonl.gz");
            let calls = shared_data("eu_calls_open.jsonl.gz");
            let ror_imports = [
                lshub_import::import_ror(&db, &ror, &NoProgress).await.expect("import ROR"),
                lshub_import::import_ror(&db, &ror, &NoProgress).await.expect("re-import ROR"),
            ];
            let call_imports = [
                lshub_import::import_eu_calls(&db, &calls, &NoProgress).await.expect("import calls"),
                lshub_import::import_eu_calls(&db, &calls, &NoProgress).await.expect("re-import calls"),
            ];
            lshub_import::import_duo(&db, &shared_data("duo_terms.jsonl.gz"), &NoProgress).await.expect("import DUO");
            let mapping = shared_data("mondo_exactmatch_icd10who.sssom.tsv.gz");
            lshub_import::import_sssom(&db, &mapping, &NoProgress).await.expect("import the MONDO mapping");
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
            let address = listener.local_addr().expect("address");
            let site = SiteConfig {
                region: "Amsterdam".into(),
                public_url: PUBLIC_URL.into(),
                contact_email: Some(CONTACT_EMAIL.into()),
                // The tests serve calendar feeds on loopback.
                feeds_from_private_hosts: true,
                uploads: lshub_storage::uploads::Uploads::new(lshub_web::uploads_dir(&server_data_dir)),
                ..SiteConfig::default()
            };
            let encoder = model();
            if let Some(encoder) = &encoder {
                store_vectors(&db, encoder).await;
            }
            let semantic = encoder.is_some();
            let provider = crate::oidc_provider::Provider::start().await;
            let oidc = OidcSettings {
                issuer: provider.issuer(),
                client_id: crate::oidc_provider::CLIENT_ID.into(),
                client_secret: crate::oidc_provider::CLIENT_SECRET.into(),
            };
            let state = AppState::open_with_model(db, site, encoder)
                .await
                .expect("state")
                .with_accounts(AccountsConfig { oidc: Some(oidc), ..AccountsConfig::with_data_dir(&server_data_dir) });
            ready
                .send((format!("http://{address}"), semantic, ror_imports, call_imports, provider))
                .expect("report ready");
            lshub_web::serve(listener, state, std::future::pending()).await.expect("serve");
        });
    });
    let (base_url, semantic, ror_imports, call_imports, provider) =
        started.recv().expect("the test server failed to start");
    TestApp { base_url, database_url, data_dir, semantic, provider, ror_imports, call_imports }
}

fn unique_name() -> String {
    let nanos = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or_default();
    format!("lshub_test_{}_{nanos}", std::process::id())
}

/// A new, empty database for `backend`: a temporary SQLite file, or a new PostgreSQL
/// database. Without a reachable PostgreSQL the PostgreSQL tests are skipped, except in CI
/// (`CI` set), where that is a failure.
pub fn fresh_database(backend: Backend) -> Option<String> {
    match backend {
        Backend::Sqlite => {
            let dir = std::env::temp_dir().join(unique_name());
            remove_at_exit(Leftover::Folder(dir.clone()));
            Some(format!("sqlite://{}", dir.join("hub.db").display()))
        }
        Backend::Postgres => {
            let admin_url = postgres_admin_url();
            let name = unique_name();
            let created = on_own_runtime({
                let admin_url = admin_url.clone();
                let name = name.clone();
                || async move {
                    let mut conn = sqlx::PgConnection::connect(&admin_url).await?;
                    drop_databases_of_ended_runs(&mut conn).await?;
                    sqlx::raw_sql(&format!("CREATE DATABASE {name}")).execute(&mut conn).await?;
                    conn.close().await
                }
            });
            match created {
                Ok(()) => {
                    remove_at_exit(Leftover::Database(name.clone()));
                    let base = admin_url.rsplit_once('/').map_or(admin_url.as_str(), |(base, _)| base);
                    Some(format!("{base}/{name}"))
                }
                Err(e) if std::env::var_os("CI").is_some() => {
                    panic!("PostgreSQL at {admin_url} is required in CI and is not usable: {e}")
                }
                Err(e) => {
                    eprintln!("skipping PostgreSQL tests: {admin_url} is not usable ({e})");
                    None
                }
            }
        }
    }
}

/// A new database for `backend` with every migration applied: on SQLite a new file, on
/// PostgreSQL a copy of a template migrated once per test process (`CREATE DATABASE ...
/// TEMPLATE`), which is much faster than migrating each one.
pub async fn migrated_database(backend: Backend) -> Option<String> {
    match backend {
        Backend::Sqlite => {
            let url = fresh_database(Backend::Sqlite)?;
            if let Some(dir) = url.strip_prefix("sqlite://").and_then(|path| std::path::Path::new(path).parent()) {
                std::fs::create_dir_all(dir).expect("a folder for the database");
            }
            migrate(&url).await;
            Some(url)
        }
        Backend::Postgres => {
            static TEMPLATE: OnceLock<Option<String>> = OnceLock::new();
            let template = TEMPLATE
                .get_or_init(|| {
                    let url = fresh_database(Backend::Postgres)?;
                    on_own_runtime({
                        let url = url.clone();
                        || async move { migrate(&url).await }
                    });
                    url.rsplit_once('/').map(|(_, name)| name.to_owned())
                })
                .clone()?;
            let name = unique_name();
            let admin_url = postgres_admin_url();
            on_own_runtime({
                let (admin_url, name) = (admin_url.clone(), name.clone());
                || async move {
                    let mut conn = sqlx::PgConnection::connect(&admin_url).await?;
                    sqlx::raw_sql(&format!("CREATE DATABASE {name} TEMPLATE {template}")).execute(&mut conn).await?;
                    conn.close().await
                }
            })
            .expect("a copy of the migrated template");
            remove_at_exit(Leftover::Database(name.clone()));
            let base = admin_url.rsplit_once('/').map_or(admin_url.as_str(), |(base, _)| base);
            Some(format!("{base}/{name}"))
        }
    }
}

async fn migrate(url: &str) {
    let db = lshub_storage::Database::connect(url).await.expect("connect");
    db.migrate().await.expect("migrate");
    db.close().await;
}

fn postgres_admin_url() -> String {
    std::env::var("LSHUB_TEST_POSTGRES_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

/// Runs `work` on a runtime of its own, on a thread of its own: callers may be inside a
/// test's runtime, or in the exit handler, where there is none.
fn on_own_runtime<T, F>(work: impl FnOnce() -> F + Send + 'static) -> T
where
    T: Send + 'static,
    F: std::future::Future<Output = T>,
{
    std::thread::spawn(move || {
        tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime").block_on(work())
    })
    .join()
    .expect("database administration thread")
}

/// What a test run creates outside its own memory.
enum Leftover {
    Database(String),
    Folder(PathBuf),
}

/// What this process created. The shared servers keep theirs until the process ends, so all
/// are removed then, by a C exit handler (libtest has no hook of its own; `exit` runs these
/// handlers whether the tests passed or failed).
static LEFTOVERS: Mutex<Vec<Leftover>> = Mutex::new(Vec::new());

fn remove_at_exit(leftover: Leftover) {
    static REGISTERED: Once = Once::new();
    LEFTOVERS.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).push(leftover);
    REGISTERED.call_once(|| {
        // SAFETY: registers a plain function without arguments; it touches only Rust state.
        unsafe { libc::atexit(remove_leftovers) };
    });
}

extern "C" fn remove_leftovers() {
    let leftovers = std::mem::take(&mut *LEFTOVERS.lock().unwrap_or_else(|poisoned| poisoned.into_inner()));
    let mut databases = Vec::new();
    for leftover in leftovers {
        match leftover {
            Leftover::Database(name) => databases.push(name),
            // Missing folders are fine: not every test writes its database or data folder.
            Leftover::Folder(path) => _ = std::fs::remove_dir_all(path),
        }
    }
    if databases.is_empty() {
        return;
    }
    let admin_url = postgres_admin_url();
    let dropped = on_own_runtime(|| async move {
        let mut conn = sqlx::PgConnection::connect(&admin_url).await?;
        for name in databases {
            // FORCE ends the shared servers' connections, which are still open at exit.
            sqlx::raw_sql(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).execute(&mut conn).await?;
        }
        conn.close().await
    });
    if let Err(e) = dropped {
        eprintln!("dropping the test databases failed: {e}");
    }
}

/// Drops the databases of test runs that ended without their exit handler (killed, or a
/// crash): their names carry the process id, and that process is gone. Only on a server on
/// this machine, where the process ids are this machine's.
async fn drop_databases_of_ended_runs(conn: &mut sqlx::PgConnection) -> Result<(), sqlx::Error> {
    let admin_url = postgres_admin_url();
    if !["@127.0.0.1", "@localhost", "@[::1]"].iter().any(|host| admin_url.contains(host)) {
        return Ok(());
    }
    let names: Vec<String> =
        sqlx::query_scalar("SELECT datname FROM pg_database WHERE datname LIKE 'lshub\\_test\\_%'")
            .fetch_all(&mut *conn)
            .await?;
    for name in names {
        let pid = name.strip_prefix("lshub_test_").and_then(|rest| rest.split('_').next());
        let ended = pid.is_some_and(|pid| !std::path::Path::new("/proc").join(pid).exists());
        if ended {
            sqlx::raw_sql(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).execute(&mut *conn).await?;
        }
    }
    Ok(())
}

/// Declares each check once per backend, as `sqlite::NAME` and `postgres::NAME`.
macro_rules! per_backend {
    ($($check:ident),+ $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test]
                async fn $check() {
                    let app = crate::support::TestApp::get(crate::support::Backend::Sqlite).expect("SQLite");
                    super::$check(app).await;
                }
            )+
        }
        mod postgres {
            $(
                #[tokio::test]
                async fn $check() {
                    let Some(app) = crate::support::TestApp::get(crate::support::Backend::Postgres) else { return };
                    super::$check(app).await;
                }
            )+
        }
    };
}
pub(crate) use per_backend;

/// Declares each check once per backend, each run on a fresh, empty database.
macro_rules! per_backend_fresh {
    ($($check:ident),+ $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test]
                async fn $check() {
                    let url = crate::support::fresh_database(crate::support::Backend::Sqlite).expect("SQLite");
                    super::$check(url).await;
                }
            )+
        }
        mod postgres {
            $(
                #[tokio::test]
                async fn $check() {
                    let Some(url) = crate::support::fresh_database(crate::support::Backend::Postgres) else { return };
                    super::$check(url).await;
                }
            )+
        }
    };
}
pub(crate) use per_backend_fresh;

/// The `lshub` binary as the import and operations tests run it: quiet, and without the
/// sentence-embedding model, since encoding every record would make each run minutes long
/// (the vectors have tests of their own).
pub fn lshub_command() -> std::process::Command {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_lshub"));
    command.env("LSHUB_LOG", "warn").env_remove("LSHUB_MODEL_DIR");
    command
}

/// A `lshub serve` process on a free loopback port, for the tests that stop it with signals.
/// Its standard error is collected line by line; dropping it kills the process.
pub struct ServerProcess {
    child: std::process::Child,
    pub base_url: String,
    log: Arc<std::sync::Mutex<Vec<String>>>,
    reader: Option<std::thread::JoinHandle<()>>,
}

impl ServerProcess {
    /// Starts `lshub serve` on `database_url` with `data_dir` and the extra environment
    /// `env`, and waits until it listens.
    pub fn start(database_url: &str, data_dir: &std::path::Path, env: &[(&str, &str)]) -> Self {
        use std::io::BufRead;
        let mut child = lshub_command()
            .args(["--database", database_url, "--data-dir"])
            .arg(data_dir)
            .args(["serve", "--addr", "127.0.0.1:0"])
            .envs(env.iter().copied())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("start lshub serve");
        let stderr = child.stderr.take().expect("piped standard error");
        let log = Arc::new(std::sync::Mutex::new(Vec::new()));
        let (address, listening) = mpsc::channel();
        let lines = Arc::clone(&log);
        // Reading on to the end also keeps the pipe from filling and blocking the server.
        let reader = std::thread::spawn(move || {
            for line in std::io::BufReader::new(stderr).lines().map_while(Result::ok) {
                // Both the text banner and the JSON log line name the address.
                if line.contains("LSH Hub is running") {
                    if let Some(start) = line.find("http://") {
                        let url: String =
                            line[start..].chars().take_while(|c| !c.is_whitespace() && *c != '"').collect();
                        let _ = address.send(url);
                    }
                }
                lines.lock().expect("log lines").push(line);
            }
        });
        let Ok(base_url) = listening.recv_timeout(std::time::Duration::from_secs(60)) else {
            let _ = child.kill();
            let _ = child.wait();
            panic!("lshub serve did not start: {:?}", log.lock().expect("log lines"));
        };
        Self { child, base_url, log, reader: Some(reader) }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }

    /// SIGKILL: the process ends at once, whatever it was doing.
    pub fn kill(&mut self) {
        self.child.kill().expect("SIGKILL lshub serve");
        self.child.wait().expect("reap lshub serve");
    }

    /// SIGTERM: asks the process to finish the requests in flight and stop.
    pub fn terminate(&self) {
        let status = std::process::Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .expect("run kill");
        assert!(status.success(), "kill -TERM failed");
    }

    /// The exit status, if the process has ended.
    pub fn exited(&mut self) -> Option<std::process::ExitStatus> {
        self.child.try_wait().expect("check on lshub serve")
    }

    /// Waits up to `limit` for the process to end, and for its last log lines.
    pub async fn wait_for_exit(&mut self, limit: std::time::Duration) -> std::process::ExitStatus {
        let started = std::time::Instant::now();
        loop {
            if let Some(status) = self.exited() {
                if let Some(reader) = self.reader.take() {
                    reader.join().expect("standard error reader");
                }
                return status;
            }
            assert!(started.elapsed() < limit, "lshub serve still runs after {limit:?}: {:?}", self.log_lines());
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
    }

    /// What the process wrote to standard error so far.
    pub fn log_lines(&self) -> Vec<String> {
        self.log.lock().expect("log lines").clone()
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// How many of the real calls have `status` today in the hub's default time zone, by the
/// domain's rule: what the shared server must show, whatever day the tests run.
pub fn real_calls_with(status: lshub_domain::CallStatus) -> i64 {
    let today = lshub_service::clock::Clock::default().today();
    let parsed = lshub_import::read_eu_calls_file(&shared_data("eu_calls_open.jsonl.gz")).expect("the real calls");
    parsed.records.iter().filter(|c| c.content.status_on(today) == status).count() as i64
}

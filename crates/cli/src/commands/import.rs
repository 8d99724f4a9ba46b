use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Args, ValueEnum};
use indicatif::{ProgressBar, ProgressStyle};
use lshub_import::{ImportError, ImportReport};
use lshub_storage::Progress;

#[derive(Args)]
#[command(after_help = "Exit status: 0 when every record was imported, 3 when some records were rejected \
(the others are saved; not for dcat, which imports all datasets or none), 1 when nothing was imported \
(unreadable file, no valid record, a refused dataset, database error).")]
pub struct ImportArgs {
    /// What the file holds.
    kind: ImportKind,
    /// The file, or its web address: ROR records as JSON lines or a ROR data dump (JSON
    /// array, schema v1 or v2); EU Funding & Tenders call topics as a stream of JSON objects; other funders' calls as CSV or JSON; DUO terms as JSON lines; an SSSOM mapping set (TSV); CORDIS projects as JSON lines;
    /// a DCAT-AP catalogue in Turtle, JSON-LD or RDF/XML (a FAIR Data Point's address will
    /// do). Plain or gzip.
    path: String,
    /// For dcat: the organisation (its address name) that holds the datasets whose
    /// publisher matches no organisation in the directory. For ical: the organisation whose
    /// calendar it is (required).
    #[arg(long)]
    organisation: Option<String>,
    /// For ical: the language of the calendar's titles and descriptions (en or nl).
    #[arg(long, default_value = "en")]
    language: String,
    /// For ical: the type its events are listed as (lecture, meeting, conference,
    /// matchmaking-day).
    #[arg(long, default_value = "meeting")]
    event_type: String,
}

#[derive(Clone, Copy, ValueEnum)]
enum ImportKind {
    /// Research organisations from the Research Organization Registry.
    Ror,
    /// Call topics from the EU Funding & Tenders portal.
    EuCalls,
    /// Calls of other funders (NWO, ZonMw, KWF, regional funds ...), CSV or JSON with the
    /// fields README.md lists.
    FunderCalls,
    /// Datasets from a DCAT-AP (HealthDCAT-AP) catalogue.
    Dcat,
    /// The terms of the GA4GH Data Use Ontology (its term table as JSON lines).
    Duo,
    /// Codes and labels of an SSSOM mapping set, e.g. MONDO's matches to ICD-10 or Orphanet.
    Sssom,
    /// EU research projects and their participants from CORDIS (JSON lines of its XML
    /// edition); participants are then linked to the directory's organisations.
    Cordis,
    /// An organisation's calendar (iCalendar, .ics): its events from a month ago to a year
    /// ahead, each occurrence of a recurring one an event; all or none.
    Ical,
}

/// Exit status when some records were rejected and the rest saved.
const PARTIAL: u8 = 3;

pub async fn run(
    database_url: &str,
    args: ImportArgs,
    model: &crate::ModelSetting,
    today: chrono::NaiveDate,
) -> anyhow::Result<ExitCode> {
    // A download lives in a folder that is removed when the import ends.
    let (path, _download) = match args.path.strip_prefix("https://").or(args.path.strip_prefix("http://")) {
        Some(_) => {
            let (folder, path) = download(&args.path).await?;
            (path, Some(folder))
        }
        None => (PathBuf::from(&args.path), None),
    };
    let db = crate::open_database(database_url).await?;
    // Calendars are not embedded; the others load the model before anything is written.
    let encoder = if matches!(args.kind, ImportKind::Ical) { None } else { model.load()? };
    let progress = TerminalProgress::new("saving");
    let result = match args.kind {
        ImportKind::Ror => lshub_import::import_ror(&db, &path, &progress).await,
        ImportKind::EuCalls => lshub_import::import_eu_calls(&db, &path, &progress).await,
        ImportKind::FunderCalls => lshub_import::import_funder_calls(&db, &path, &progress).await,
        ImportKind::Dcat => lshub_import::import_dcat(&db, &path, args.organisation.as_deref(), &progress).await,
        ImportKind::Duo => lshub_import::import_duo(&db, &path, &progress).await,
        ImportKind::Sssom => lshub_import::import_sssom(&db, &path, &progress).await,
        ImportKind::Cordis => lshub_import::import_cordis(&db, &path, &progress).await,
        ImportKind::Ical => {
            let imported = import_calendar(&db, &path, &args).await;
            db.close().await;
            return imported;
        }
    };
    if let (Ok(_), ImportKind::Cordis) = (&result, args.kind) {
        let links = lshub_search::relink_participants(&db).await.context("linking participants")?;
        print_links(&links);
    }
    if let (Ok(_), Some(encoder)) = (&result, &encoder) {
        // The records are saved whatever happens here: vectors are derived data that
        // `lshub reindex` completes.
        super::reindex::embed(&db, encoder, today).await.context("computing sentence vectors")?;
    }
    db.close().await;
    match result {
        Ok(report) => {
            print_rejections(&report.rejected);
            println!(
                "{}: {} inserted, {} updated, {} unchanged, {} rejected",
                args.path,
                report.inserted,
                report.updated,
                report.unchanged,
                report.rejected.len()
            );
            Ok(exit_code(&report))
        }
        Err(ImportError::NoValidRecords { rejected, .. }) if !rejected.is_empty() => {
            print_rejections(&rejected);
            anyhow::bail!("{}: no valid record ({} rejected); nothing was imported", args.path, rejected.len())
        }
        Err(ImportError::Refused { rejected, .. }) => {
            print_rejections(&rejected);
            anyhow::bail!("{}: {} refused; nothing was imported", args.path, rejected.len())
        }
        Err(e) => Err(anyhow::Error::new(e).context(format!("importing {}", args.path))),
    }
}

/// Imports an organisation's calendar file; the search index follows on its own.
async fn import_calendar(
    db: &lshub_storage::Database,
    path: &std::path::Path,
    args: &ImportArgs,
) -> anyhow::Result<ExitCode> {
    let slug = args.organisation.as_deref().context("--organisation names whose calendar it is")?;
    let organisation =
        db.organisation_by_slug(slug).await?.ok_or_else(|| ImportError::NoSuchOrganisation(slug.to_owned()))?;
    let language = lshub_domain::Language::from_tag(&args.language)
        .filter(|l| l.code() == args.language)
        .with_context(|| format!("--language {:?}: en or nl", args.language))?;
    let event_type = lshub_domain::event::EventType::from_id(&args.event_type).with_context(|| {
        format!("--event-type {:?}: lecture, meeting, conference or matchmaking-day", args.event_type)
    })?;
    let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let clock = lshub_service::clock::Clock::default();
    let now = clock.now();
    let settings = lshub_import::ical::FeedSettings {
        feed: args.path.clone(),
        language,
        event_type,
        time_zone: clock.time_zone().to_owned(),
        from: now - chrono::Duration::days(30),
        until: now + chrono::Duration::days(366),
    };
    let progress = TerminalProgress::new("saving");
    let report = lshub_import::ical::import_ical(db, &organisation, &text, &settings, &progress).await?;
    println!(
        "{}: {} inserted, {} updated, {} unchanged, {} already listed, {} left out",
        args.path,
        report.counts.added,
        report.counts.updated,
        report.counts.unchanged,
        report.duplicates,
        report.skipped
    );
    Ok(ExitCode::SUCCESS)
}

/// Fetches `url` into a new folder, under a name whose extension says what syntax the server
/// sent (catalogues such as FAIR Data Points answer in the syntax asked for).
async fn download(url: &str) -> anyhow::Result<(tempfile::TempDir, PathBuf)> {
    let response = reqwest::Client::new()
        .get(url)
        .header("accept", "text/turtle, application/ld+json;q=0.9, application/rdf+xml;q=0.8, */*;q=0.1")
        .send()
        .await
        .and_then(reqwest::Response::error_for_status)
        .with_context(|| format!("downloading {url}"))?;
    let syntax = response
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .and_then(lshub_dcat::RdfSyntax::from_media_type);
    let name = match syntax {
        Some(syntax) => format!("download.{}", syntax.extension()),
        None => url.rsplit('/').next().filter(|n| !n.is_empty()).unwrap_or("download").to_owned(),
    };
    let bytes = response.bytes().await.with_context(|| format!("downloading {url}"))?;
    let folder = tempfile::tempdir().context("making a folder for the download")?;
    let path = folder.path().join(name);
    std::fs::write(&path, &bytes).with_context(|| format!("saving the download of {url}"))?;
    Ok((folder, path))
}

fn exit_code(report: &ImportReport) -> ExitCode {
    if report.rejected.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(PARTIAL)
    }
}

fn print_links(links: &lshub_search::LinkReport) {
    let share = |n: usize| if links.in_region == 0 { 0.0 } else { 100.0 * n as f64 / links.in_region as f64 };
    println!(
        "participants: {} of {} legal entities from the directory's countries linked ({:.1}%): {} by VAT number, \
         {} by name and city, {} by hand; links {} added, {} changed, {} removed",
        links.linked(),
        links.in_region,
        share(links.linked()),
        links.by_vat,
        links.by_name,
        links.by_hand,
        links.changes.added,
        links.changes.changed,
        links.changes.removed
    );
}

fn print_rejections(rejected: &[lshub_import::Rejection]) {
    for rejection in rejected {
        eprintln!("rejected {rejection}");
    }
}

/// A progress bar on a terminal; silent when output goes to a file or a pipe.
pub(crate) struct TerminalProgress(ProgressBar);

impl TerminalProgress {
    pub(crate) fn new(message: &'static str) -> Self {
        let bar = if std::io::stderr().is_terminal() { ProgressBar::new(0) } else { ProgressBar::hidden() };
        if let Ok(style) = ProgressStyle::with_template("{msg} [{bar:40}] {pos}/{len} ({eta})") {
            bar.set_style(style.progress_chars("=> "));
        }
        bar.set_message(message);
        Self(bar)
    }
}

impl Progress for TerminalProgress {
    fn start(&self, total: u64) {
        self.0.set_length(total);
        self.0.set_position(0);
    }

    fn advance(&self, n: u64) {
        self.0.inc(n);
    }

    fn finish(&self) {
        self.0.finish_and_clear();
    }
}

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
(the others are saved), 1 when nothing was imported (unreadable file, no valid record, database error).")]
pub struct ImportArgs {
    /// What the file holds.
    kind: ImportKind,
    /// The file: ROR records as JSON lines or a ROR data dump (JSON array, schema v1 or v2);
    /// EU Funding & Tenders call topics as a stream of JSON objects. Plain or gzip.
    path: PathBuf,
}

#[derive(Clone, Copy, ValueEnum)]
enum ImportKind {
    /// Research organisations from the Research Organization Registry.
    Ror,
    /// Call topics from the EU Funding & Tenders portal.
    EuCalls,
}

/// Exit status when some records were rejected and the rest saved.
const PARTIAL: u8 = 3;

pub async fn run(database_url: &str, args: ImportArgs, model: &crate::ModelSetting) -> anyhow::Result<ExitCode> {
    let db = crate::open_database(database_url).await?;
    let encoder = model.load()?;
    let progress = TerminalProgress::new("saving");
    let result = match args.kind {
        ImportKind::Ror => lshub_import::import_ror(&db, &args.path, &progress).await,
        ImportKind::EuCalls => lshub_import::import_eu_calls(&db, &args.path, &progress).await,
    };
    if let (Ok(_), Some(encoder)) = (&result, &encoder) {
        // The records are saved whatever happens here: vectors are derived data that
        // `lshub reindex` completes.
        super::reindex::embed(&db, encoder).await.context("computing sentence vectors")?;
    }
    db.close().await;
    match result {
        Ok(report) => {
            print_rejections(&report.rejected);
            println!(
                "{}: {} inserted, {} updated, {} unchanged, {} rejected",
                args.path.display(),
                report.inserted,
                report.updated,
                report.unchanged,
                report.rejected.len()
            );
            Ok(exit_code(&report))
        }
        Err(ImportError::NoValidRecords { rejected, .. }) if !rejected.is_empty() => {
            print_rejections(&rejected);
            anyhow::bail!(
                "{}: no valid record ({} rejected); nothing was imported",
                args.path.display(),
                rejected.len()
            )
        }
        Err(e) => Err(anyhow::Error::new(e).context(format!("importing {}", args.path.display()))),
    }
}

fn exit_code(report: &ImportReport) -> ExitCode {
    if report.rejected.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(PARTIAL)
    }
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

//! `lshub backup PATH` and `lshub restore PATH`: a consistent copy of the whole database and
//! the uploaded files while the hub serves, and bringing it back, on SQLite and PostgreSQL
//! alike.

use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Read};
use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::Args;
use flate2::read::MultiGzDecoder;
use flate2::write::GzEncoder;
use lshub_storage::uploads::Uploads;
use lshub_storage::{BackupSummary, Database};

#[derive(Args)]
#[command(after_help = "The backup is gzip-compressed JSON lines holding every table and the uploaded \
files (photos) of the data directory; it is written to a temporary file beside PATH and renamed when complete, so PATH is never half written. It can \
be restored into SQLite or PostgreSQL.")]
pub struct BackupArgs {
    /// Where to write the backup (replaced when it exists).
    path: PathBuf,
}

#[derive(Args)]
#[command(after_help = "The restore is one transaction: the schema is rebuilt at the backup's version, \
the rows are loaded and newer migrations applied, or nothing changes. The uploaded files are added to \
the data directory. Stop the hub first.")]
pub struct RestoreArgs {
    /// A backup written by `lshub backup`.
    path: PathBuf,
    /// Replace the content of a database that is not empty.
    #[arg(long)]
    force: bool,
}

const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];

pub async fn backup(database_url: &str, data_dir: &Path, args: BackupArgs) -> anyhow::Result<()> {
    let db = connect(database_url).await?;
    let uploads = Uploads::new(lshub_web::uploads_dir(data_dir));
    let file_name = args.path.file_name().context("the backup path names no file")?;
    let partial = args.path.with_file_name(format!(".{}.partial", file_name.to_string_lossy()));
    let result = write_backup(&db, &uploads, &partial).await;
    db.close().await;
    let summary = match result {
        Ok(summary) => summary,
        Err(e) => {
            // Best effort: the partial file is useless, and the error below says what failed.
            let _ = std::fs::remove_file(&partial);
            return Err(e.context(format!("backing up to {}", args.path.display())));
        }
    };
    std::fs::rename(&partial, &args.path)
        .with_context(|| format!("moving the backup into place at {}", args.path.display()))?;
    println!("{}: {}", args.path.display(), describe(&summary));
    Ok(())
}

async fn write_backup(db: &Database, uploads: &Uploads, path: &Path) -> anyhow::Result<BackupSummary> {
    let file = File::create(path).with_context(|| format!("creating {}", path.display()))?;
    let mut out = GzEncoder::new(BufWriter::new(file), flate2::Compression::default());
    let summary = db.backup(&mut out, uploads).await?;
    let file = out
        .finish()
        .and_then(|buffered| buffered.into_inner().map_err(|e| e.into_error()))
        .with_context(|| format!("writing {}", path.display()))?;
    // The backup counts only once it is on disk.
    file.sync_all().with_context(|| format!("writing {}", path.display()))?;
    Ok(summary)
}

pub async fn restore(database_url: &str, data_dir: &Path, args: RestoreArgs) -> anyhow::Result<()> {
    let mut input = open_backup(&args.path)?;
    let db = connect(database_url).await?;
    let uploads = Uploads::new(lshub_web::uploads_dir(data_dir));
    let result = db.restore(&mut input, args.force, &uploads).await;
    db.close().await;
    let summary = result.with_context(|| format!("restoring {}", args.path.display()))?;
    println!("{}: restored {}", args.path.display(), describe(&summary));
    Ok(())
}

/// Opens a backup, gzip-compressed (recognised by its first bytes) or plain.
fn open_backup(path: &Path) -> anyhow::Result<Box<dyn BufRead + Send>> {
    let mut file = File::open(path).with_context(|| format!("opening {}", path.display()))?;
    let mut magic = [0u8; 2];
    let read = file.read(&mut magic).with_context(|| format!("reading {}", path.display()))?;
    let start = std::io::Cursor::new(magic[..read].to_vec()).chain(file);
    Ok(if magic[..read] == GZIP_MAGIC {
        Box::new(BufReader::new(MultiGzDecoder::new(start)))
    } else {
        Box::new(BufReader::new(start))
    })
}

/// Backup and restore work on the schema as it is, so they connect without migrating.
async fn connect(database_url: &str) -> anyhow::Result<Database> {
    Database::connect(database_url)
        .await
        .with_context(|| format!("opening the database {}", crate::redact(database_url)))
}

fn describe(summary: &BackupSummary) -> String {
    let tables: Vec<String> = summary.tables.iter().map(|(table, rows)| format!("{table} {rows}")).collect();
    format!(
        "{} rows in {} tables ({}), {} uploaded files, schema version {}",
        summary.rows(),
        summary.tables.len(),
        tables.join(", "),
        summary.uploads,
        summary.schema_version
    )
}

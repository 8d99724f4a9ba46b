use std::io::{self, BufWriter, Write};

use anyhow::Context;
use clap::{Args, ValueEnum};

#[derive(Args)]
pub struct ExportArgs {
    /// What to export: any kind of content, by its path (member-written kinds: every item,
    /// whatever its state).
    #[arg(value_parser = clap::builder::PossibleValuesParser::new(export_targets()))]
    what: String,
    /// Output format.
    #[arg(long, default_value = "json")]
    format: ExportFormat,
}

fn export_targets() -> Vec<&'static str> {
    lshub_web::exports().iter().map(|(kind, _)| kind.path).collect()
}

#[derive(Clone, Copy, ValueEnum)]
enum ExportFormat {
    /// One JSON array.
    Json,
    /// Comma-separated values with a header row; lists are joined with "; ".
    Csv,
}

pub async fn run(database_url: &str, args: ExportArgs) -> anyhow::Result<()> {
    let db = crate::open_database(database_url).await?;
    let (_, source) = lshub_web::exports()
        .into_iter()
        .find(|(kind, _)| kind.path == args.what)
        .with_context(|| format!("nothing to export called {}", args.what))?;
    let export = source(&db).await?;
    let mut out = BufWriter::new(io::stdout().lock());
    match args.format {
        ExportFormat::Json => serde_json::to_writer_pretty(&mut out, &export.json)?,
        ExportFormat::Csv => write_csv(&mut out, &export)?,
    }
    writeln!(out)?;
    out.flush().context("writing the export")?;
    db.close().await;
    Ok(())
}

fn write_csv(out: impl Write, export: &lshub_web::Export) -> anyhow::Result<()> {
    let mut csv = csv::Writer::from_writer(out);
    csv.write_record(&export.header)?;
    for row in &export.rows {
        csv.write_record(row)?;
    }
    csv.flush()?;
    Ok(())
}

use std::io::{self, Write};

use clap::{Args, ValueEnum};
use lshub_search::{EntityType, SearchRequest};

#[derive(Args)]
pub struct SearchArgs {
    /// Plain words, in Dutch or English.
    query: String,
    /// Only this kind of result: any kind of the registry.
    #[arg(long = "type", value_parser = clap::builder::PossibleValuesParser::new(EntityType::all().map(EntityType::id)))]
    entity: Option<String>,
    /// How many results, 1 to 100.
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u16).range(1..=100))]
    limit: u16,
    /// Output format.
    #[arg(long, default_value = "text")]
    format: OutputFormat,
}

#[derive(Clone, Copy, ValueEnum)]
enum OutputFormat {
    /// One result a line: score, type, id, title.
    Text,
    /// One JSON array of {id, type, title, score, why}.
    Json,
}

pub async fn run(
    database_url: &str,
    args: SearchArgs,
    model: &crate::ModelSetting,
    today: chrono::NaiveDate,
) -> anyhow::Result<()> {
    let db = crate::open_database(database_url).await?;
    let index = super::reindex::open_index(&db, model, today).await?;
    db.close().await;
    // The parser admits only the registry's ids.
    let entity = args.entity.as_deref().and_then(EntityType::from_id);
    let hits = index.search(&SearchRequest::new(args.query, entity, args.limit.into()))?;
    let mut out = io::stdout().lock();
    match args.format {
        OutputFormat::Json => {
            serde_json::to_writer_pretty(&mut out, &hits)?;
            writeln!(out)?;
        }
        OutputFormat::Text => {
            for hit in &hits {
                writeln!(out, "{:7.2}  {:<12}  {}  {}", hit.score, hit.entity.id(), hit.id, hit.title)?;
            }
        }
    }
    Ok(())
}

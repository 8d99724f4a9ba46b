use std::io::{self, BufWriter, Write};

use anyhow::Context;
use clap::{Args, ValueEnum};
use lshub_domain::{CallSort, CallTopic, Organisation};

#[derive(Args)]
pub struct ExportArgs {
    /// What to export: organisations, calls, or a member-written kind (all its items,
    /// whatever their state).
    #[arg(value_parser = clap::builder::PossibleValuesParser::new(export_targets()))]
    what: String,
    /// Output format.
    #[arg(long, default_value = "json")]
    format: ExportFormat,
}

/// The imported kinds have exports of their own; every member-written kind is exported
/// from the registry.
fn export_targets() -> Vec<&'static str> {
    let mut targets = vec!["organisations", "calls"];
    targets.extend(lshub_web::written_exports().iter().map(|(kind, _)| kind.path));
    targets
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
    let mut out = BufWriter::new(io::stdout().lock());
    match args.what.as_str() {
        "organisations" => {
            let organisations = db.all_organisations().await?;
            match args.format {
                ExportFormat::Json => serde_json::to_writer_pretty(&mut out, &organisations)?,
                ExportFormat::Csv => organisations_csv(&mut out, &organisations)?,
            }
        }
        "calls" => {
            let calls = db.all_calls(CallSort::Deadline).await?;
            match args.format {
                ExportFormat::Json => serde_json::to_writer_pretty(&mut out, &calls)?,
                ExportFormat::Csv => calls_csv(&mut out, &calls)?,
            }
        }
        path => {
            let (_, source) = lshub_web::written_exports()
                .into_iter()
                .find(|(kind, _)| kind.path == path)
                .with_context(|| format!("nothing to export called {path}"))?;
            let export = source(&db).await?;
            match args.format {
                ExportFormat::Json => serde_json::to_writer_pretty(&mut out, &export.json)?,
                ExportFormat::Csv => items_csv(&mut out, &export)?,
            }
        }
    }
    writeln!(out)?;
    out.flush().context("writing the export")?;
    db.close().await;
    Ok(())
}

fn items_csv(out: impl Write, export: &lshub_web::Export) -> anyhow::Result<()> {
    let mut csv = csv::Writer::from_writer(out);
    csv.write_record(&export.header)?;
    for row in &export.rows {
        csv.write_record(row)?;
    }
    csv.flush()?;
    Ok(())
}

fn join(values: &[String]) -> String {
    values.join("; ")
}

fn organisations_csv(out: impl Write, organisations: &[Organisation]) -> anyhow::Result<()> {
    let mut csv = csv::Writer::from_writer(out);
    csv.write_record([
        "slug",
        "name",
        "kind",
        "ror",
        "kvk",
        "lei",
        "website",
        "email",
        "city",
        "country",
        "latitude",
        "longitude",
        "aliases",
        "sectors",
        "source",
        "source_id",
        "first_imported",
        "last_updated",
    ])?;
    for organisation in organisations {
        let profile = &organisation.profile;
        let ids = &profile.identifiers;
        let address = profile.primary_address();
        let number = |v: Option<f64>| v.map(|v| v.to_string()).unwrap_or_default();
        csv.write_record([
            organisation.slug.clone(),
            profile.name.clone(),
            profile.kind.id().to_owned(),
            ids.ror.as_ref().map(|r| r.as_url().to_owned()).unwrap_or_default(),
            ids.kvk.clone().unwrap_or_default(),
            ids.lei.clone().unwrap_or_default(),
            ids.website.clone().unwrap_or_default(),
            ids.email.clone().unwrap_or_default(),
            address.and_then(|a| a.city.clone()).unwrap_or_default(),
            address.and_then(|a| a.country_code.clone()).unwrap_or_default(),
            number(address.and_then(|a| a.latitude)),
            number(address.and_then(|a| a.longitude)),
            join(&profile.aliases),
            join(&profile.sectors),
            organisation.provenance.source.clone(),
            organisation.provenance.source_id.clone(),
            organisation.provenance.first_imported.to_rfc3339(),
            organisation.provenance.last_updated.to_rfc3339(),
        ])?;
    }
    csv.flush()?;
    Ok(())
}

fn calls_csv(out: impl Write, calls: &[CallTopic]) -> anyhow::Result<()> {
    let mut csv = csv::Writer::from_writer(out);
    csv.write_record([
        "topic_id",
        "title",
        "programme",
        "status",
        "deadlines",
        "deadline_model",
        "budget_min",
        "budget_max",
        "expected_grants",
        "call_id",
        "type_of_action",
        "keywords",
        "portal_url",
        "last_updated",
    ])?;
    for call in calls {
        let c = &call.content;
        let number = |v: Option<i64>| v.map(|v| v.to_string()).unwrap_or_default();
        let deadlines: Vec<String> = c.deadlines.iter().map(|d| d.to_string()).collect();
        csv.write_record([
            c.topic_id.clone(),
            c.title.clone(),
            c.programme.clone(),
            c.status.id().to_owned(),
            join(&deadlines),
            c.deadline_model.clone().unwrap_or_default(),
            number(c.budget_min),
            number(c.budget_max),
            number(c.expected_grants),
            c.call_id.clone().unwrap_or_default(),
            c.type_of_action.clone().unwrap_or_default(),
            join(&c.keywords),
            c.portal_url.clone().unwrap_or_default(),
            call.provenance.last_updated.to_rfc3339(),
        ])?;
    }
    csv.flush()?;
    Ok(())
}

use std::io::{self, Write};

use anyhow::Context;
use clap::{Args, ValueEnum};
use lshub_search::{parse_judged, Resolver, CONFIDENCE_THRESHOLD};

#[derive(Args)]
pub struct ResolveArgs {
    /// A name or affiliation as written, e.g. "Dept. of Cardiology, UMC Utrecht, the Netherlands".
    #[arg(required_unless_present = "judged")]
    text: Option<String>,
    /// How many candidates to show, 1 to 20.
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u8).range(1..=20))]
    limit: u8,
    /// Output format.
    #[arg(long, default_value = "text")]
    format: OutputFormat,
    /// Instead of one text, measure precision and recall on a judged set
    /// (EXPECTED<TAB>TEXT lines, e.g. crates/search/eval/affiliations.tsv).
    #[arg(long, value_name = "PATH", conflicts_with = "text")]
    judged: Option<std::path::PathBuf>,
}

#[derive(Clone, Copy, ValueEnum)]
enum OutputFormat {
    /// The match (or "no match") and the candidates, one a line.
    Text,
    /// One JSON object {match, candidates}.
    Json,
}

pub async fn run(database_url: &str, args: ResolveArgs) -> anyhow::Result<()> {
    let db = crate::open_database(database_url).await?;
    let resolver = Resolver::from_database(&db).await.context("reading the organisations")?;
    db.close().await;
    let mut out = io::stdout().lock();
    if let Some(path) = &args.judged {
        let content = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        let judged = parse_judged(&content).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
        let evaluation = resolver.evaluate(&judged);
        match args.format {
            OutputFormat::Json => {
                serde_json::to_writer_pretty(&mut out, &evaluation)?;
                writeln!(out)?;
            }
            OutputFormat::Text => {
                writeln!(
                    out,
                    "threshold {CONFIDENCE_THRESHOLD}: {} judged, {} meant an organisation, {} answered, {} correct",
                    evaluation.judged, evaluation.meant, evaluation.answered, evaluation.correct
                )?;
                writeln!(out, "precision {:.3}  recall {:.3}", evaluation.precision, evaluation.recall)?;
                for (text, expected, answer) in &evaluation.mistakes {
                    let show = |id: &Option<String>| id.clone().unwrap_or_else(|| "none".into());
                    writeln!(out, "  {text:?}: expected {}, answered {}", show(expected), show(answer))?;
                }
                writeln!(out, "at other thresholds:")?;
                for threshold in [0.4, 0.5, 0.7, 0.8] {
                    let other = resolver.evaluate_at(&judged, threshold);
                    writeln!(out, "  {threshold}: precision {:.3}  recall {:.3}", other.precision, other.recall)?;
                }
            }
        }
        return Ok(());
    }
    let text = args.text.unwrap_or_default();
    let outcome = resolver.resolve(&text, args.limit.into());
    match args.format {
        OutputFormat::Json => {
            serde_json::to_writer_pretty(&mut out, &outcome)?;
            writeln!(out)?;
        }
        OutputFormat::Text => {
            match &outcome.best {
                Some(best) => writeln!(out, "match: {} {} (confidence {:.2})", best.id, best.name, best.confidence)?,
                None => writeln!(out, "no match (nothing reaches confidence {CONFIDENCE_THRESHOLD})")?,
            }
            for candidate in &outcome.candidates {
                writeln!(
                    out,
                    "{:5.2}  {}  {}  (as \"{}\")",
                    candidate.confidence, candidate.id, candidate.name, candidate.matched_name
                )?;
            }
        }
    }
    Ok(())
}

//! Matches shown on call and organisation pages: organisations that could apply for a
//! call and datasets relevant to it, calls that fit an organisation, similar organisations.

use lshub_search::{EntityType, MatchHit, MatchSource, SearchDocument};

use crate::api::entity_path;
use crate::error::AppError;
use crate::i18n::Translator;
use crate::state::AppState;

/// How many matches a page shows per section.
const SHOWN: usize = 8;

pub struct MatchRow {
    pub url: String,
    pub title: String,
    pub why: String,
}

/// One list of matches on a page, with its heading.
pub struct MatchSection {
    /// The heading's element id.
    pub id: &'static str,
    pub heading: String,
    pub lead: String,
    pub rows: Vec<MatchRow>,
}

/// The sections for an entity's page: `(element id, message prefix, target type)` each.
pub async fn sections(
    state: &AppState,
    t: &Translator,
    source: SearchDocument,
    wanted: &[(&'static str, EntityType)],
) -> Result<Vec<MatchSection>, AppError> {
    let source = MatchSource::Entity(source);
    let mut sections = Vec::new();
    for (id, target) in wanted {
        let hits = crate::api::matching::find(state, &source, *target, SHOWN).await?;
        sections.push(MatchSection {
            id,
            heading: t.t(&format!("{id}-heading")),
            lead: t.t(&format!("{id}-lead")),
            rows: hits.iter().map(|hit| row(t, hit)).collect(),
        });
    }
    Ok(sections)
}

pub(crate) fn row(t: &Translator, hit: &MatchHit) -> MatchRow {
    let mut why: Vec<String> = Vec::new();
    let words: Vec<&str> = hit.why.terms.iter().flat_map(|r| r.terms.iter().map(String::as_str)).collect();
    let mut shared: Vec<&str> = Vec::new();
    for word in words {
        if !shared.contains(&word) {
            shared.push(word);
        }
    }
    if !shared.is_empty() {
        why.push(format!("{}: {}", t.t("match-shared-words"), shared.join(", ")));
    }
    if let Some(similarity) = hit.why.similarity {
        why.push(format!("{}: {:.0}%", t.t("match-similarity"), similarity * 100.0));
    }
    for fit in &hit.why.fits {
        why.push(match fit.facet.as_str() {
            "kind" if hit.entity == EntityType::ORGANISATION => t.t(&format!("kind-{}", fit.value)),
            "status" => t.t(&format!("status-{}", fit.value)),
            facet => t.t(&format!("match-same-{facet}")),
        });
    }
    MatchRow { url: entity_path(hit.entity, &hit.key), title: hit.title.clone(), why: why.join(" · ") }
}

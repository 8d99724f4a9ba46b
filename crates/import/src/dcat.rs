//! DCAT-AP catalogues (Turtle, JSON-LD or RDF/XML, plain or gzip): every dataset with an IRI,
//! owned by the organisation of the directory its publisher names, checked by the rules a
//! member's dataset meets. The import is all or nothing: one refused dataset and none is
//! saved. Importing the same catalogue again updates what changed, found by each IRI.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use lshub_dcat::{RdfSyntax, ReadDataset};
use lshub_domain::content::Written;
use lshub_domain::dataset::{terms, Dataset, SOURCE_FACET};
use lshub_domain::Organisation;
use lshub_domain::{Reason, ValidationError};
use lshub_storage::audit::AuditEvent;
use lshub_storage::content::{Author, ImportedItem};
use lshub_storage::{Database, Progress};

use crate::{source, ImportError, ImportReport, Rejection};

/// Who the history of an imported dataset names as its author.
const IMPORT_AUTHOR: &str = "catalogue import";

/// Imports the datasets of the catalogue at `path`. A dataset whose publisher matches no
/// organisation (by its page on a hub, `…/organisations/{slug}`, or its ROR id) belongs to
/// `default_owner` (an organisation's address name) where one is given.
pub async fn import_dcat(
    db: &Database,
    path: &Path,
    default_owner: Option<&str>,
    progress: &dyn Progress,
) -> Result<ImportReport, ImportError> {
    let datasets = read_dcat_file(path)?;
    let owners = Owners::new(db.all_organisations().await?);
    let duo: HashSet<String> = db.terms(terms::DUO).await?.into_iter().map(|term| term.code).collect();
    let default_owner = match default_owner {
        Some(slug) => Some(owners.by_slug(slug).ok_or_else(|| ImportError::NoSuchOrganisation(slug.to_owned()))?),
        None => None,
    };
    let mut items = Vec::with_capacity(datasets.len());
    let mut rejected = Vec::new();
    for read in datasets {
        let reject = |reason: String| Rejection { position: format!("dataset <{}>", read.iri), reason };
        let Some(owner_id) = owners.of(&read.publisher).or(default_owner) else {
            rejected.push(reject(format!(
                "no organisation in the directory matches its publisher ({}); name one with --organisation",
                if read.publisher.is_empty() { "none given".to_owned() } else { read.publisher.join(", ") }
            )));
            continue;
        };
        match Dataset::validate(read.draft) {
            Ok(record) if record.duo.iter().any(|code| !duo.contains(code)) => {
                for code in record.duo.iter().filter(|code| !duo.contains(*code)) {
                    let unknown =
                        ValidationError::new("duo", Reason::NoSuchTerm { scheme: terms::DUO, code: code.clone() });
                    rejected.push(reject(unknown.to_string()));
                }
            }
            Ok(mut record) => {
                record.source = Some(read.source);
                items.push(ImportedItem {
                    owner_id: owner_id.to_owned(),
                    key: (SOURCE_FACET, read.iri),
                    record,
                    published_at: read.issued,
                    updated_at: read.modified,
                });
            }
            Err(errors) => rejected.extend(errors.iter().map(|e| reject(e.to_string()))),
        }
    }
    if !rejected.is_empty() {
        return Err(ImportError::Refused { path: path.to_owned(), rejected });
    }
    let detail = format!("{} datasets from {}", items.len(), path.display());
    let audit = AuditEvent {
        actor_id: None,
        actor_label: "cli",
        action: "import.dcat",
        subject: "datasets",
        detail,
        client: "cli",
    };
    let author = Author { user_id: None, label: IMPORT_AUTHOR };
    let counts = db.import_items::<Dataset>(&items, author, audit, progress).await?;
    Ok(ImportReport {
        inserted: counts.added as u64,
        updated: counts.updated as u64,
        unchanged: counts.unchanged as u64,
        rejected: Vec::new(),
    })
}

/// Reads the catalogue at `path` in the syntax its name or its first characters show.
pub fn read_dcat_file(path: &Path) -> Result<Vec<ReadDataset>, ImportError> {
    let text = source::read_text(path)?;
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let syntax = RdfSyntax::guess(&name, &text);
    let base =
        std::path::absolute(path).map(|p| format!("file://{}", p.display())).unwrap_or_else(|_| "file:///".into());
    let damaged = |reason: String| ImportError::Damaged { path: path.to_owned(), reason };
    let graph = lshub_dcat::parse(text.as_bytes(), syntax, &base).map_err(|e| damaged(e.to_string()))?;
    let datasets = lshub_dcat::datasets(&graph).map_err(|e| damaged(e.to_string()))?;
    if datasets.is_empty() {
        return Err(ImportError::NoValidRecords {
            path: path.to_owned(),
            reason: format!("it is {} without a dcat:Dataset", syntax.media_type()),
            rejected: Vec::new(),
        });
    }
    Ok(datasets)
}

/// The directory's organisations by what a publisher may be named with.
struct Owners {
    by_slug: HashMap<String, String>,
    by_ror: HashMap<String, String>,
}

impl Owners {
    fn new(organisations: Vec<Organisation>) -> Self {
        let mut owners = Owners { by_slug: HashMap::new(), by_ror: HashMap::new() };
        for organisation in organisations {
            if let Some(ror) = &organisation.profile.identifiers.ror {
                owners.by_ror.insert(ror.as_url().to_owned(), organisation.id.clone());
            }
            owners.by_slug.insert(organisation.slug, organisation.id);
        }
        owners
    }

    fn by_slug(&self, slug: &str) -> Option<&str> {
        self.by_slug.get(slug).map(String::as_str)
    }

    /// The first of a publisher's identifiers that names an organisation.
    fn of(&self, publisher: &[String]) -> Option<&str> {
        publisher.iter().find_map(|id| {
            let page = id.rsplit_once("/organisations/").and_then(|(_, slug)| self.by_slug(slug.trim_end_matches('/')));
            page.or_else(|| self.by_ror.get(id.as_str()).map(String::as_str))
        })
    }
}

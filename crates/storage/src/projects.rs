//! EU research projects (CORDIS), their participants, and the links of participating legal
//! entities (PICs) to organisations of the directory: the co-participation network.

use std::collections::{HashMap, HashSet};

use lshub_domain::project::{Euros, LegalEntity, LinkMethod, NewProject, Project, ProjectContent};
use lshub_domain::record::Versioned;
use lshub_domain::text::fold;
use lshub_domain::{Page, Pagination};
use sea_query::{Cond, DynIden, Expr, ExprTrait, Iden, IntoIden, LikeExpr, NullOrdering, Order, Query};
use sqlx::any::AnyRow;
use sqlx::Row;

use crate::accounts::{binds, exec, now, transaction};
use crate::audit::AuditEvent;
use crate::error::{QueryContext, StorageError};
use crate::leads::OrganisationRef;
use crate::organisations::provenance_from_row;
use crate::record::record_from_row;
use crate::sql::{like_contains, Statement};
use crate::upsert::{upsert_records, RecordRow, RecordTable, StoredRecord};
use crate::{Database, Progress, UpsertSummary};

/// The tables public pages read, part of the content version: a new project or link
/// changes them. (Participants change only with their project.)
pub(crate) const TABLES: [&str; 2] = ["projects", "participant_links"];

#[derive(Iden, Clone, Copy)]
enum Projects {
    Table,
    GrantId,
    Acronym,
    Title,
    SortTitle,
    Status,
    StartDate,
    EndDate,
    EcMaxContribution,
    SearchText,
    Record,
    RecordVersion,
    Source,
    SourceId,
    FirstImported,
    LastUpdated,
}

#[derive(Iden, Clone, Copy)]
enum ProjectParticipants {
    Table,
    GrantId,
    Position,
    Pic,
    Role,
    LegalName,
    Vat,
    City,
    Country,
    EcContribution,
}

const COLUMNS: [Projects; 7] = [
    Projects::GrantId,
    Projects::Record,
    Projects::RecordVersion,
    Projects::Source,
    Projects::SourceId,
    Projects::FirstImported,
    Projects::LastUpdated,
];

/// Participant rows per INSERT: 9 parameters each, well within both backends' limits.
const PARTICIPANTS_PER_INSERT: usize = 100;

/// A project an organisation took part in, with its part.
#[derive(Debug, Clone, PartialEq)]
pub struct OrganisationProject {
    pub grant_id: String,
    pub acronym: String,
    pub title: String,
    pub start_date: Option<String>,
    pub end_date: Option<String>,
    pub role: String,
    pub ec_contribution: Option<Euros>,
}

/// Someone an organisation worked with: a directory organisation, or a legal entity that
/// is linked to none.
#[derive(Debug, Clone, PartialEq)]
pub struct Partner {
    /// The partner's organisation in the directory (slug and name), if linked.
    pub organisation: Option<(String, String)>,
    pub legal_name: String,
    pub country: Option<String>,
    /// Projects in common.
    pub projects: i64,
}

/// A directory organisation that worked on a topic, with the projects that show it.
#[derive(Debug, Clone, PartialEq)]
pub struct TopicExperience {
    pub slug: String,
    pub name: String,
    /// (grant id, acronym), newest first.
    pub projects: Vec<(String, String)>,
}

/// Which legal entities an admin list shows.
/// A partner of a directory organisation (`via`) in one project.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CoParticipation {
    pub via: OrganisationRef,
    /// The directory organisation the partner's PIC is linked to, if any.
    pub partner: Option<OrganisationRef>,
    pub pic: String,
    pub legal_name: String,
    /// CORDIS's country code.
    pub country: Option<String>,
    pub grant_id: String,
    pub acronym: String,
    pub title: String,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct LegalEntityFilter {
    pub linked: Option<bool>,
    pub country: Option<String>,
    pub text: Option<String>,
    pub page: Pagination,
}

/// A link the importer found, to be kept unless an admin decided otherwise.
#[derive(Debug, Clone, PartialEq)]
pub struct AutomaticLink {
    pub pic: String,
    pub organisation_id: String,
    pub method: LinkMethod,
    /// The resolver's confidence, in thousandths; none for VAT links.
    pub confidence_permille: Option<i64>,
}

/// What replacing the automatic links did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LinkSummary {
    pub added: u64,
    pub changed: u64,
    pub removed: u64,
    pub unchanged: u64,
}

impl Database {
    /// Inserts new projects and updates changed ones, with their participants, in one
    /// transaction; unchanged projects are not touched.
    pub async fn upsert_projects(
        &self,
        records: &[NewProject],
        progress: &dyn Progress,
    ) -> Result<UpsertSummary, StorageError> {
        let mut tx = self.begin_write().await?;
        let existing = Query::select().columns([Projects::GrantId, Projects::Record]).from(Projects::Table).to_owned();
        let (sql, args) = Statement::from(existing).build(self.backend())?;
        let mut stored: HashMap<String, String> = HashMap::new();
        for row in sqlx::query_with(&sql, args).fetch_all(&mut *tx).await.context("reading stored projects")? {
            stored.insert(row.try_get("grant_id").context("reading stored projects")?, {
                row.try_get("record").context("reading stored projects")?
            });
        }
        let mut changed = Vec::new();
        for record in records {
            if stored.get(&record.content.id) != Some(&record_json(&record.content)?) {
                changed.push(&record.content);
            }
        }
        let table = RecordTable { table: Projects::Table.into_iden(), id: Projects::GrantId.into_iden() };
        let identity =
            |record: &NewProject| vec![(Projects::GrantId.into_iden(), Expr::val(record.content.id.as_str()))];
        let summary = upsert_records(self.backend(), &mut tx, table, records, identity, progress).await?;
        for chunk in changed.chunks(PARTICIPANTS_PER_INSERT) {
            let ids: Vec<&str> = chunk.iter().map(|c| c.id.as_str()).collect();
            let delete = Query::delete()
                .from_table(ProjectParticipants::Table)
                .and_where(Expr::col(ProjectParticipants::GrantId).is_in(ids))
                .to_owned();
            let (sql, args) = Statement::Delete(delete).build(self.backend())?;
            sqlx::query_with(&sql, args).execute(&mut *tx).await.context("replacing participants")?;
        }
        // Built in one go, so that no sea-query value (not `Send`) is held across an await.
        let inserts = participant_inserts(self.backend(), &changed)?;
        for (sql, args) in inserts {
            sqlx::query_with(&sql, args).execute(&mut *tx).await.context("saving participants")?;
        }
        tx.commit().await.context("committing projects")?;
        Ok(summary)
    }

    pub async fn project_by_id(&self, grant_id: &str) -> Result<Option<Project>, StorageError> {
        if grant_id.contains('\0') {
            return Ok(None);
        }
        let query = Query::select()
            .columns(COLUMNS)
            .from(Projects::Table)
            .and_where(Expr::col(Projects::GrantId).eq(grant_id))
            .to_owned();
        self.fetch_optional(query, "reading a project").await?.as_ref().map(project_from_row).transpose()
    }

    /// Projects whose title, acronym, keywords, topics or participants hold every word of
    /// `text`, newest first.
    pub async fn list_projects(&self, text: Option<&str>, page: Pagination) -> Result<Page<Project>, StorageError> {
        let columns = COLUMNS.map(IntoIden::into_iden);
        self.fetch_page(
            Projects::Table.into_iden(),
            &columns,
            text_condition(text),
            |query| {
                query
                    .order_by_with_nulls(Projects::StartDate, Order::Desc, NullOrdering::Last)
                    .order_by(Projects::GrantId, Order::Asc);
            },
            page,
            project_from_row,
        )
        .await
    }

    /// The projects an organisation took part in (through any PIC linked to it), newest first.
    pub async fn organisation_projects(&self, organisation_id: &str) -> Result<Vec<OrganisationProject>, StorageError> {
        let rows = self
            .query_rows(
                "SELECT p.grant_id, p.acronym, p.title, p.start_date, p.end_date, pp.role, pp.ec_contribution \
                 FROM project_participants pp JOIN participant_links l ON l.pic = pp.pic \
                 JOIN projects p ON p.grant_id = pp.grant_id WHERE l.organisation_id = ? \
                 ORDER BY p.start_date DESC, p.grant_id, pp.position",
                binds![organisation_id.to_owned()],
                "reading an organisation's projects",
            )
            .await?;
        let mut seen = HashSet::new();
        let mut projects = Vec::new();
        for row in &rows {
            let read = |c: &str| row.try_get::<Option<String>, _>(c).context("reading an organisation's projects");
            let grant_id = read("grant_id")?.unwrap_or_default();
            if !seen.insert(grant_id.clone()) {
                continue;
            }
            projects.push(OrganisationProject {
                grant_id,
                acronym: read("acronym")?.unwrap_or_default(),
                title: read("title")?.unwrap_or_default(),
                start_date: read("start_date")?,
                end_date: read("end_date")?,
                role: read("role")?.unwrap_or_default(),
                ec_contribution: read("ec_contribution")?.and_then(|a| a.parse().ok()),
            });
        }
        Ok(projects)
    }

    /// Who an organisation worked with, most projects in common first; only partners from
    /// `country` (a CORDIS country code) when given.
    pub async fn organisation_partners(
        &self,
        organisation_id: &str,
        country: Option<&str>,
        limit: u32,
    ) -> Result<Vec<Partner>, StorageError> {
        let country = country.map(str::trim).filter(|c| !c.is_empty()).map(str::to_ascii_uppercase);
        let text = format!(
            "SELECT COALESCE(l2.organisation_id, p2.pic) AS partner, MAX(o.slug) AS slug, MAX(o.name) AS name, \
             MAX(p2.legal_name) AS legal_name, MAX(p2.country) AS country, COUNT(DISTINCT p2.grant_id) AS n \
             FROM project_participants p1 JOIN participant_links l1 ON l1.pic = p1.pic \
             JOIN project_participants p2 ON p2.grant_id = p1.grant_id \
             LEFT JOIN participant_links l2 ON l2.pic = p2.pic \
             LEFT JOIN organisations o ON o.id = l2.organisation_id \
             WHERE l1.organisation_id = ? AND p2.pic <> p1.pic \
             AND (l2.organisation_id IS NULL OR l2.organisation_id <> ?) {} \
             GROUP BY COALESCE(l2.organisation_id, p2.pic) ORDER BY n DESC, legal_name LIMIT {limit}",
            if country.is_some() { "AND p2.country = ?" } else { "" }
        );
        let mut values = binds![organisation_id.to_owned(), organisation_id.to_owned()];
        values.extend(country.map(Some));
        let rows = self.query_rows(&text, values, "reading an organisation's partners").await?;
        rows.iter()
            .map(|row| {
                let read = |c: &str| row.try_get::<Option<String>, _>(c);
                Ok(Partner {
                    organisation: read("slug")?.zip(read("name")?),
                    legal_name: read("legal_name")?.unwrap_or_default(),
                    country: read("country")?,
                    projects: row.try_get("n")?,
                })
            })
            .collect::<Result<_, sqlx::Error>>()
            .context("reading an organisation's partners")
    }

    /// The directory's organisations that worked on a topic (every word of `topic` in a
    /// project's title, keywords, topics or objective) in a project with a partner from
    /// `country`; either may be left out.
    pub async fn topic_experience(
        &self,
        topic: Option<&str>,
        country: Option<&str>,
        limit: u32,
    ) -> Result<Vec<TopicExperience>, StorageError> {
        let mut text = String::from(
            "SELECT o.slug, o.name, p.grant_id, p.acronym FROM projects p \
             JOIN project_participants p1 ON p1.grant_id = p.grant_id \
             JOIN participant_links l1 ON l1.pic = p1.pic JOIN organisations o ON o.id = l1.organisation_id WHERE 1 = 1",
        );
        let mut values: Vec<Option<String>> = Vec::new();
        for word in topic.map(fold).unwrap_or_default().split_whitespace() {
            text.push_str(" AND p.search_text LIKE ? ESCAPE '\\'");
            values.push(Some(like_contains(word)));
        }
        if let Some(country) = country.map(str::trim).filter(|c| !c.is_empty()) {
            text.push_str(
                " AND EXISTS (SELECT 1 FROM project_participants p2 WHERE p2.grant_id = p.grant_id \
                 AND p2.pic <> p1.pic AND p2.country = ?)",
            );
            values.push(Some(country.to_ascii_uppercase()));
        }
        text.push_str(" ORDER BY o.sort_name, o.id, p.start_date DESC, p.grant_id");
        let rows = self.query_rows(&text, values, "reading who worked on a topic").await?;
        let mut found: Vec<TopicExperience> = Vec::new();
        for row in &rows {
            let read = |c: &str| row.try_get::<String, _>(c).context("reading who worked on a topic");
            let (slug, project) = (read("slug")?, (read("grant_id")?, read("acronym")?));
            match found.last_mut() {
                Some(last) if last.slug == slug => {
                    if !last.projects.contains(&project) {
                        last.projects.push(project);
                    }
                }
                _ => found.push(TopicExperience { slug, name: read("name")?, projects: vec![project] }),
            }
        }
        found.sort_by(|a, b| b.projects.len().cmp(&a.projects.len()).then_with(|| a.name.cmp(&b.name)));
        found.truncate(limit as usize);
        Ok(found)
    }

    /// Everyone who took part in a project with any of `organisation_ids` (directory
    /// organisations, through their linked PICs), once per partner and project, most recent
    /// project first: what the consortium builder suggests partners from.
    pub async fn co_participations(&self, organisation_ids: &[String]) -> Result<Vec<CoParticipation>, StorageError> {
        const WHAT: &str = "reading co-participations";
        if organisation_ids.is_empty() {
            return Ok(Vec::new());
        }
        let marks = vec!["?"; organisation_ids.len()].join(", ");
        let mut values: Vec<Option<String>> = organisation_ids.iter().cloned().map(Some).collect();
        values.extend(organisation_ids.iter().cloned().map(Some));
        let rows = self
            .query_rows(
                &format!(
                    "SELECT DISTINCT v.id AS via_id, v.slug AS via_slug, v.name AS via_name, o.id AS partner_id, \
                     o.slug AS partner_slug, o.name AS partner_name, p2.pic, p2.legal_name, p2.country, p.grant_id, \
                     p.acronym, p.title, p.start_date FROM project_participants p1 \
                     JOIN participant_links l1 ON l1.pic = p1.pic JOIN organisations v ON v.id = l1.organisation_id \
                     JOIN projects p ON p.grant_id = p1.grant_id \
                     JOIN project_participants p2 ON p2.grant_id = p1.grant_id AND p2.pic <> p1.pic \
                     LEFT JOIN participant_links l2 ON l2.pic = p2.pic LEFT JOIN organisations o ON o.id = l2.organisation_id \
                     WHERE l1.organisation_id IN ({marks}) AND (l2.organisation_id IS NULL OR l2.organisation_id NOT IN ({marks})) \
                     ORDER BY p.start_date DESC, p.grant_id, p2.legal_name"
                ),
                values,
                WHAT,
            )
            .await?;
        rows.iter()
            .map(|row| {
                let text = |c: &str| row.try_get::<String, _>(c);
                let optional = |c: &str| row.try_get::<Option<String>, _>(c);
                let partner = match optional("partner_id")? {
                    Some(id) => Some(OrganisationRef { id, slug: text("partner_slug")?, name: text("partner_name")? }),
                    None => None,
                };
                Ok(CoParticipation {
                    via: OrganisationRef { id: text("via_id")?, slug: text("via_slug")?, name: text("via_name")? },
                    partner,
                    pic: text("pic")?,
                    legal_name: text("legal_name")?,
                    country: optional("country")?,
                    grant_id: text("grant_id")?,
                    acronym: text("acronym")?,
                    title: text("title")?,
                })
            })
            .collect::<Result<_, sqlx::Error>>()
            .context(WHAT)
    }

    /// Legal entities (PICs) of the participants, most projects first, with their links.
    pub async fn legal_entities(&self, filter: &LegalEntityFilter) -> Result<Page<LegalEntity>, StorageError> {
        let (condition, values) = entity_condition(filter);
        let count = format!("SELECT COUNT(DISTINCT pp.pic) AS n {FROM_ENTITIES} {condition}");
        let total: i64 = match self.query_rows(&count, values.clone(), "counting legal entities").await?.first() {
            Some(row) => row.try_get("n").context("counting legal entities")?,
            None => 0,
        };
        let list = format!(
            "{SELECT_ENTITIES} {FROM_ENTITIES} {condition} GROUP BY pp.pic ORDER BY projects DESC, legal_name, pp.pic \
             LIMIT {} OFFSET {}",
            filter.page.limit, filter.page.offset
        );
        let rows = self.query_rows(&list, values, "listing legal entities").await?;
        let items = rows.iter().map(entity_from_row).collect::<Result<_, _>>()?;
        Ok(Page { items, total })
    }

    /// The countries of the participants, by code.
    pub async fn participant_countries(&self) -> Result<Vec<String>, StorageError> {
        self.query_rows(
            "SELECT DISTINCT country FROM project_participants WHERE country IS NOT NULL ORDER BY country",
            Vec::new(),
            "listing the participants' countries",
        )
        .await?
        .iter()
        .map(|row| row.try_get::<String, _>("country"))
        .collect::<Result<_, _>>()
        .context("listing the participants' countries")
    }

    /// Every legal entity, for linking.
    pub async fn all_legal_entities(&self) -> Result<Vec<LegalEntity>, StorageError> {
        let list = format!("{SELECT_ENTITIES} {FROM_ENTITIES} GROUP BY pp.pic ORDER BY pp.pic");
        self.query_rows(&list, Vec::new(), "listing legal entities").await?.iter().map(entity_from_row).collect()
    }

    /// Replaces the automatic links with `links`, leaving manual ones (and links that did
    /// not change) as they are.
    pub async fn replace_automatic_links(&self, links: &[AutomaticLink]) -> Result<LinkSummary, StorageError> {
        transaction!(self, |backend, tx| {
            let statement = crate::accounts::sql(backend, "SELECT pic, organisation_id, method FROM participant_links");
            let mut current: HashMap<String, (String, String)> = HashMap::new();
            for row in sqlx::query(&statement).fetch_all(&mut **tx).await.context("reading links")? {
                let read = |c: &str| row.try_get::<String, _>(c).context("reading links");
                current.insert(read("pic")?, (read("organisation_id")?, read("method")?));
            }
            let mut summary = LinkSummary::default();
            let mut wanted = HashSet::new();
            for link in links {
                wanted.insert(link.pic.as_str());
                let new = (link.organisation_id.clone(), link.method.id().to_owned());
                match current.get(&link.pic) {
                    Some((_, method)) if method == LinkMethod::Manual.id() => continue,
                    Some(old) if *old == new => summary.unchanged += 1,
                    Some(_) => {
                        summary.changed += 1;
                        exec(
                            backend,
                            tx,
                            "UPDATE participant_links SET organisation_id = ?, method = ?, \
                             confidence_permille = CAST(? AS BIGINT), last_updated = ? WHERE pic = ?",
                            binds![
                                new.0,
                                new.1,
                                link.confidence_permille.map(|c| c.to_string()),
                                now(),
                                link.pic.clone()
                            ],
                            "changing a link",
                        )
                        .await?;
                    }
                    None => {
                        summary.added += 1;
                        exec(
                            backend,
                            tx,
                            "INSERT INTO participant_links (pic, organisation_id, method, confidence_permille, \
                             last_updated) VALUES (?, ?, ?, CAST(? AS BIGINT), ?)",
                            binds![
                                link.pic.clone(),
                                new.0,
                                new.1,
                                link.confidence_permille.map(|c| c.to_string()),
                                now()
                            ],
                            "adding a link",
                        )
                        .await?;
                    }
                }
            }
            for (pic, (_, method)) in &current {
                if method != LinkMethod::Manual.id() && !wanted.contains(pic.as_str()) {
                    summary.removed += 1;
                    exec(
                        backend,
                        tx,
                        "DELETE FROM participant_links WHERE pic = ?",
                        binds![pic.clone()],
                        "removing a link",
                    )
                    .await?;
                }
            }
            Ok(summary)
        })
        .await
    }

    /// Links a legal entity to an organisation by hand (replacing any link it had), or
    /// unlinks it when `organisation_id` is `None`; with its audit entry. False when no
    /// participant has the PIC.
    pub async fn link_legal_entity(
        &self,
        pic: &str,
        organisation_id: Option<&str>,
        audit: AuditEvent<'_>,
    ) -> Result<bool, StorageError> {
        if pic.contains('\0') {
            return Ok(false);
        }
        let known = self
            .query_rows(
                "SELECT pic FROM project_participants WHERE pic = ? LIMIT 1",
                binds![pic.to_owned()],
                "reading a PIC",
            )
            .await?;
        if known.is_empty() {
            return Ok(false);
        }
        transaction!(self, |backend, tx| {
            exec(backend, tx, "DELETE FROM participant_links WHERE pic = ?", binds![pic.to_owned()], "unlinking")
                .await?;
            if let Some(organisation_id) = organisation_id {
                exec(
                    backend,
                    tx,
                    "INSERT INTO participant_links (pic, organisation_id, method, last_updated) VALUES (?, ?, ?, ?)",
                    binds![pic.to_owned(), organisation_id.to_owned(), LinkMethod::Manual.id().to_owned(), now()],
                    "linking by hand",
                )
                .await?;
            }
            crate::audit::insert(backend, tx, &audit).await?;
            Ok(true)
        })
        .await
    }

    /// The legal names of the entities linked to each organisation (by organisation id):
    /// names the organisation is also known by.
    pub async fn linked_legal_names(&self) -> Result<HashMap<String, Vec<String>>, StorageError> {
        let rows = self
            .query_rows(
                "SELECT DISTINCT l.organisation_id, pp.legal_name FROM participant_links l \
                 JOIN project_participants pp ON pp.pic = l.pic ORDER BY l.organisation_id, pp.legal_name",
                Vec::new(),
                "reading linked names",
            )
            .await?;
        let mut names: HashMap<String, Vec<String>> = HashMap::new();
        for row in &rows {
            let read = |c: &str| row.try_get::<String, _>(c).context("reading linked names");
            names.entry(read("organisation_id")?).or_default().push(read("legal_name")?);
        }
        Ok(names)
    }

    /// The legal names linked to one organisation and its projects, by grant number.
    pub async fn organisation_track_record(
        &self,
        organisation_id: &str,
    ) -> Result<(Vec<String>, Vec<Project>), StorageError> {
        let names = self
            .query_rows(
                "SELECT DISTINCT pp.legal_name FROM participant_links l JOIN project_participants pp ON pp.pic = l.pic \
                 WHERE l.organisation_id = ? ORDER BY pp.legal_name",
                binds![organisation_id.to_owned()],
                "reading linked names",
            )
            .await?
            .iter()
            .map(|row| row.try_get::<String, _>("legal_name"))
            .collect::<Result<_, _>>()
            .context("reading linked names")?;
        let projects = self
            .query_rows(
                "SELECT grant_id, record, record_version, source, source_id, first_imported, last_updated \
                 FROM projects WHERE grant_id IN (SELECT pp.grant_id FROM project_participants pp \
                 JOIN participant_links l ON l.pic = pp.pic WHERE l.organisation_id = ?) ORDER BY grant_id",
                binds![organisation_id.to_owned()],
                "reading an organisation's projects",
            )
            .await?
            .iter()
            .map(project_from_row)
            .collect::<Result<_, _>>()?;
        Ok((names, projects))
    }

    /// The slug and name of the organisation each PIC is linked to.
    pub async fn linked_organisations(&self, pics: &[&str]) -> Result<HashMap<String, (String, String)>, StorageError> {
        if pics.is_empty() {
            return Ok(HashMap::new());
        }
        let marks = vec!["?"; pics.len()].join(", ");
        let text = format!(
            "SELECT l.pic, o.slug, o.name FROM participant_links l JOIN organisations o ON o.id = l.organisation_id \
             WHERE l.pic IN ({marks})"
        );
        let values = pics.iter().map(|p| Some((*p).to_owned())).collect();
        let rows = self.query_rows(&text, values, "reading linked organisations").await?;
        let mut linked = HashMap::new();
        for row in &rows {
            let read = |c: &str| row.try_get::<String, _>(c).context("reading linked organisations");
            linked.insert(read("pic")?, (read("slug")?, read("name")?));
        }
        Ok(linked)
    }
}

const SELECT_ENTITIES: &str = "SELECT pp.pic, MAX(pp.legal_name) AS legal_name, MAX(pp.vat) AS vat, \
     MAX(pp.city) AS city, MAX(pp.country) AS country, COUNT(DISTINCT pp.grant_id) AS projects, \
     MAX(o.slug) AS slug, MAX(l.method) AS method";
const FROM_ENTITIES: &str = "FROM project_participants pp LEFT JOIN participant_links l ON l.pic = pp.pic \
     LEFT JOIN organisations o ON o.id = l.organisation_id";

fn entity_condition(filter: &LegalEntityFilter) -> (String, Vec<Option<String>>) {
    let mut parts = Vec::new();
    let mut values = Vec::new();
    match filter.linked {
        Some(true) => parts.push("l.pic IS NOT NULL".to_owned()),
        Some(false) => parts.push("l.pic IS NULL".to_owned()),
        None => {}
    }
    if let Some(country) = filter.country.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
        parts.push("pp.country = ?".to_owned());
        values.push(Some(country.to_ascii_uppercase()));
    }
    for word in filter.text.as_deref().unwrap_or_default().split_whitespace() {
        parts.push("(UPPER(pp.legal_name) LIKE ? ESCAPE '\\' OR pp.pic = ?)".to_owned());
        values.push(Some(like_contains(&word.to_uppercase())));
        values.push(Some(word.to_owned()));
    }
    let condition = if parts.is_empty() { String::new() } else { format!("WHERE {}", parts.join(" AND ")) };
    (condition, values)
}

fn entity_from_row(row: &AnyRow) -> Result<LegalEntity, StorageError> {
    let read = |c: &str| row.try_get::<Option<String>, _>(c).context("reading a legal entity");
    let projects: i64 = row.try_get("projects").context("reading a legal entity")?;
    Ok(LegalEntity {
        pic: read("pic")?.unwrap_or_default(),
        legal_name: read("legal_name")?.unwrap_or_default(),
        vat: read("vat")?,
        city: read("city")?,
        country: read("country")?,
        projects: u32::try_from(projects).unwrap_or(u32::MAX),
        organisation: read("slug")?,
        method: read("method")?.as_deref().and_then(LinkMethod::from_id),
    })
}

fn text_condition(text: Option<&str>) -> Cond {
    let mut condition = Cond::all();
    for word in text.map(fold).unwrap_or_default().split_whitespace() {
        condition =
            condition.add(Expr::col(Projects::SearchText).like(LikeExpr::new(like_contains(word)).escape('\\')));
    }
    condition
}

fn record_json(content: &ProjectContent) -> Result<String, StorageError> {
    serde_json::to_string(content).map_err(|e| StorageError::Bind(format!("project record: {e}")))
}

/// The INSERTs of the participants of `projects`, [`PARTICIPANTS_PER_INSERT`] rows each.
fn participant_inserts(
    backend: crate::Backend,
    projects: &[&ProjectContent],
) -> Result<Vec<(String, sqlx::any::AnyArguments<'static>)>, StorageError> {
    let rows: Vec<Vec<Expr>> = projects.iter().flat_map(|content| participant_rows(content)).collect();
    rows.chunks(PARTICIPANTS_PER_INSERT)
        .map(|chunk| {
            let mut insert = Query::insert();
            insert.into_table(ProjectParticipants::Table).columns([
                ProjectParticipants::GrantId,
                ProjectParticipants::Position,
                ProjectParticipants::Pic,
                ProjectParticipants::Role,
                ProjectParticipants::LegalName,
                ProjectParticipants::Vat,
                ProjectParticipants::City,
                ProjectParticipants::Country,
                ProjectParticipants::EcContribution,
            ]);
            for row in chunk {
                insert.values(row.clone()).map_err(|e| StorageError::Bind(e.to_string()))?;
            }
            Statement::from(&mut insert).build(backend)
        })
        .collect()
}

fn participant_rows(content: &ProjectContent) -> Vec<Vec<Expr>> {
    content
        .participants
        .iter()
        .enumerate()
        .map(|(position, p)| {
            vec![
                Expr::val(content.id.as_str()),
                Expr::val(position as i64),
                Expr::val(p.pic.as_str()),
                Expr::val(p.role.id()),
                Expr::val(p.legal_name.as_str()),
                Expr::val(p.vat.clone()),
                Expr::val(p.city.clone()),
                Expr::val(p.country.clone()),
                Expr::val(p.ec_contribution.map(|a| a.to_string())),
            ]
        })
        .collect()
}

fn projection(content: &ProjectContent) -> Vec<(DynIden, Expr)> {
    let date = |d: Option<chrono::NaiveDate>| d.map(|d| d.format("%Y-%m-%d").to_string());
    let mut search_text = fold(&content.title);
    let extras = [&content.acronym, &content.id]
        .into_iter()
        .chain(&content.keywords)
        .chain(content.topics.iter().flat_map(|t| std::iter::once(&t.code).chain(&t.title)));
    for extra in extras {
        search_text.push('\n');
        search_text.push_str(&fold(extra));
    }
    search_text.push('\n');
    search_text.push_str(&fold(&content.objective));
    vec![
        (Projects::Acronym, Expr::val(content.acronym.as_str())),
        (Projects::Title, Expr::val(content.title.as_str())),
        (Projects::SortTitle, Expr::val(fold(&content.title))),
        (Projects::Status, Expr::val(content.status.as_str())),
        (Projects::StartDate, Expr::val(date(content.start_date))),
        (Projects::EndDate, Expr::val(date(content.end_date))),
        (Projects::EcMaxContribution, Expr::val(content.ec_max_contribution.map(|a| a.to_string()))),
        (Projects::SearchText, Expr::val(search_text)),
    ]
    .into_iter()
    .map(|(column, value)| (column.into_iden(), value))
    .collect()
}

fn project_from_row(row: &AnyRow) -> Result<Project, StorageError> {
    let id: String = row.try_get("grant_id").context("reading a project")?;
    let content = record_from_row::<ProjectContent>(row, &id)?;
    Ok(Project { provenance: provenance_from_row(row, &id)?, content })
}

impl StoredRecord for NewProject {
    fn row(&self) -> Result<RecordRow<'_>, StorageError> {
        Ok(RecordRow {
            source: &self.source,
            projection: projection(&self.content),
            json: record_json(&self.content)?,
            version: ProjectContent::RECORD_VERSION,
        })
    }
}

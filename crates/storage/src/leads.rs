//! Joint acquisition: leads with their company, stage and details, the partner
//! organisations each is shared with, its timeline, and the secret links that give the
//! company its soft-landing package (stored as the SHA-256 of the secret). Every change is
//! written with its timeline events and its audit entry in one transaction, or not at all.

use chrono::{DateTime, NaiveDate, Utc};
use lshub_domain::acquisition::{LeadDetails, LeadEvent, Stage, TimelineEntry};
use lshub_domain::{NewOrganisation, Organisation};
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};
use uuid::Uuid;

use crate::accounts::{binds, exec, now, parse_time, transaction};
use crate::audit::{self, AuditEvent};
use crate::error::{QueryContext, StorageError};
use crate::{Backend, Database};

/// An organisation as a lead names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrganisationRef {
    pub id: String,
    pub slug: String,
    pub name: String,
}

/// A user as a lead names them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    pub id: String,
    pub name: String,
    pub email: String,
}

/// A lead as stored now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredLead {
    pub id: String,
    pub company: OrganisationRef,
    pub stage: Stage,
    pub details: LeadDetails,
    pub contact: Option<Person>,
    pub landed_year: Option<i32>,
    /// The partner organisations it is shared with; an organisation that is no longer a
    /// partner is left out, and with it its staff's access.
    pub shared_with: Vec<OrganisationRef>,
    pub created_at: DateTime<Utc>,
    pub last_updated: DateTime<Utc>,
    /// The number of the timeline's last event.
    pub last_seq: i64,
}

impl StoredLead {
    pub fn shared_ids(&self) -> Vec<String> {
        self.shared_with.iter().map(|o| o.id.clone()).collect()
    }
}

/// The company of a new lead: one in the directory, or one to add to it.
#[derive(Debug, Clone)]
pub enum Company<'a> {
    Existing(&'a str),
    New(&'a NewOrganisation),
}

/// A lead's state after a change, with the events that made it so.
pub struct LeadChange<'a> {
    pub stage: Stage,
    pub details: &'a LeadDetails,
    pub contact_id: Option<&'a str>,
    pub landed_year: Option<i32>,
    pub shared_with: &'a [String],
    pub events: &'a [LeadEvent],
    pub actor_id: &'a str,
    pub link: Option<LinkChange<'a>>,
    pub audit: AuditEvent<'a>,
}

/// A secret link made or revoked along with a change.
pub enum LinkChange<'a> {
    Make { id: &'a str, secret_digest: &'a str, expires_on: NaiveDate },
    Revoke { id: &'a str },
}

/// A secret link to a lead's soft-landing package.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredLink {
    pub id: String,
    pub lead_id: String,
    pub created_at: DateTime<Utc>,
    pub expires_on: NaiveDate,
    pub revoked_at: Option<DateTime<Utc>>,
}

/// Whether a change was written, or someone else changed the lead first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LeadSaved {
    Done,
    Stale,
}

/// A landed lead as the public counts see it: nothing that names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LandedRow {
    pub stage: Stage,
    pub year: Option<i32>,
    pub sector: String,
    pub jobs: Option<u32>,
}

const LEAD_SELECT: &str = "SELECT l.id, l.stage, l.sector, l.jobs, l.summary, l.landed_year, l.created_at, \
     l.last_updated, o.id AS company_id, o.slug AS company_slug, o.name AS company_name, \
     u.id AS contact_id, u.display_name AS contact_name, u.email AS contact_email, \
     (SELECT MAX(e.seq) FROM lead_events e WHERE e.lead_id = l.id) AS last_seq \
     FROM leads l JOIN organisations o ON o.id = l.company_id LEFT JOIN users u ON u.id = l.contact_id";

fn corrupt(id: &str, reason: impl Into<String>) -> StorageError {
    StorageError::CorruptRecord { id: id.to_owned(), reason: reason.into() }
}

fn lead_from_row(row: &AnyRow, shared_with: Vec<OrganisationRef>) -> Result<StoredLead, StorageError> {
    let get = |c: &str| row.try_get::<String, _>(c).context("reading a lead");
    let id = get("id")?;
    let stage = get("stage")?;
    let jobs: Option<i64> = row.try_get("jobs").context("reading a lead")?;
    let landed_year: Option<i64> = row.try_get("landed_year").context("reading a lead")?;
    let contact_id: Option<String> = row.try_get("contact_id").context("reading a lead")?;
    let contact = match contact_id {
        Some(contact_id) => Some(Person { id: contact_id, name: get("contact_name")?, email: get("contact_email")? }),
        None => None,
    };
    Ok(StoredLead {
        company: OrganisationRef { id: get("company_id")?, slug: get("company_slug")?, name: get("company_name")? },
        stage: Stage::from_id(&stage).ok_or_else(|| corrupt(&id, format!("stage {stage}")))?,
        details: LeadDetails {
            sector: get("sector")?,
            jobs: jobs.map(u32::try_from).transpose().map_err(|e| corrupt(&id, e.to_string()))?,
            summary: get("summary")?,
        },
        contact,
        landed_year: landed_year.map(i32::try_from).transpose().map_err(|e| corrupt(&id, e.to_string()))?,
        shared_with,
        created_at: parse_time(&get("created_at")?, &id)?,
        last_updated: parse_time(&get("last_updated")?, &id)?,
        last_seq: row.try_get::<Option<i64>, _>("last_seq").context("reading a lead")?.unwrap_or(0),
        id,
    })
}

fn link_from_row(row: &AnyRow) -> Result<StoredLink, StorageError> {
    let get = |c: &str| row.try_get::<String, _>(c).context("reading a link");
    let id = get("id")?;
    let expires_on = get("expires_on")?;
    let revoked_at: Option<String> = row.try_get("revoked_at").context("reading a link")?;
    Ok(StoredLink {
        lead_id: get("lead_id")?,
        created_at: parse_time(&get("created_at")?, &id)?,
        expires_on: expires_on.parse().map_err(|e: chrono::ParseError| corrupt(&id, e.to_string()))?,
        revoked_at: revoked_at.map(|t| parse_time(&t, &id)).transpose()?,
        id,
    })
}

fn to_json(event: &LeadEvent) -> Result<String, StorageError> {
    serde_json::to_string(event).map_err(|e| StorageError::Bind(format!("a lead event: {e}")))
}

async fn insert_events(
    backend: Backend,
    tx: &mut Transaction<'static, Any>,
    lead_id: &str,
    after_seq: i64,
    actor_id: &str,
    events: &[LeadEvent],
) -> Result<(), StorageError> {
    let at = now();
    for (n, event) in (after_seq + 1..).zip(events) {
        exec(
            backend,
            tx,
            "INSERT INTO lead_events (lead_id, seq, actor_id, at, payload) VALUES (?, CAST(? AS BIGINT), ?, ?, ?)",
            binds![lead_id.to_owned(), n.to_string(), actor_id.to_owned(), at.clone(), to_json(event)?],
            "appending to a lead's timeline",
        )
        .await?;
    }
    Ok(())
}

async fn replace_shares(
    backend: Backend,
    tx: &mut Transaction<'static, Any>,
    lead_id: &str,
    shared_with: &[String],
) -> Result<(), StorageError> {
    exec(backend, tx, "DELETE FROM lead_shares WHERE lead_id = ?", binds![lead_id.to_owned()], "sharing a lead")
        .await?;
    for organisation in shared_with {
        exec(
            backend,
            tx,
            "INSERT INTO lead_shares (lead_id, organisation_id) VALUES (?, ?)",
            binds![lead_id.to_owned(), organisation.clone()],
            "sharing a lead",
        )
        .await?;
    }
    Ok(())
}

fn optional_number(value: Option<impl ToString>) -> Option<String> {
    value.map(|v| v.to_string())
}

impl Database {
    /// Saves a new lead for `company` (added to the directory first when new), shared with
    /// `change.shared_with`, with its first events; returns its id.
    pub async fn create_lead(&self, company: Company<'_>, change: LeadChange<'_>) -> Result<String, StorageError> {
        let id = Uuid::now_v7().to_string();
        transaction!(self, |backend, tx| {
            let company_id = match company {
                Company::Existing(id) => id.to_owned(),
                Company::New(record) => {
                    let slugs: Vec<String> = sqlx::query_scalar("SELECT slug FROM organisations")
                        .fetch_all(&mut **tx)
                        .await
                        .context("reading organisation slugs")?;
                    let mut taken = slugs.into_iter().collect();
                    let slug =
                        crate::organisations::unique_slug(&record.profile.name, &record.source.source_id, &mut taken);
                    let organisation_id = Uuid::now_v7().to_string();
                    let (sql, args) = crate::organisations::insert_statement(backend, &organisation_id, &slug, record)?;
                    sqlx::query_with(&sql, args).execute(&mut **tx).await.context("adding the company")?;
                    organisation_id
                }
            };
            let at = now();
            exec(
                backend,
                tx,
                "INSERT INTO leads (id, company_id, stage, sector, jobs, summary, contact_id, landed_year, created_at, \
                 last_updated) VALUES (?, ?, ?, ?, CAST(? AS BIGINT), ?, ?, CAST(? AS BIGINT), ?, ?)",
                binds![
                    id.clone(),
                    company_id.clone(),
                    change.stage.id().to_owned(),
                    change.details.sector.clone(),
                    optional_number(change.details.jobs),
                    change.details.summary.clone(),
                    change.contact_id.map(str::to_owned),
                    optional_number(change.landed_year),
                    at.clone(),
                    at,
                ],
                "saving a lead",
            )
            .await?;
            replace_shares(backend, tx, &id, change.shared_with).await?;
            let mut events = vec![LeadEvent::Created { company_id, stage: change.stage }];
            events.extend_from_slice(change.events);
            insert_events(backend, tx, &id, 0, change.actor_id, &events).await?;
            audit::insert(backend, tx, &change.audit).await
        })
        .await?;
        Ok(id)
    }

    /// Writes a lead's state after a change made to the lead as it was at event `after_seq`;
    /// [`LeadSaved::Stale`] and nothing written when its timeline moved on since.
    pub async fn save_lead(
        &self,
        lead_id: &str,
        after_seq: i64,
        change: LeadChange<'_>,
    ) -> Result<LeadSaved, StorageError> {
        transaction!(self, |backend, tx| {
            let last: Option<i64> = sqlx::query_scalar(&crate::accounts::sql(
                backend,
                "SELECT MAX(seq) FROM lead_events WHERE lead_id = ?",
            ))
            .bind(lead_id.to_owned())
            .fetch_one(&mut **tx)
            .await
            .context("reading a lead's timeline")?;
            if last.unwrap_or(0) != after_seq {
                return Ok(LeadSaved::Stale);
            }
            exec(
                backend,
                tx,
                "UPDATE leads SET stage = ?, sector = ?, jobs = CAST(? AS BIGINT), summary = ?, contact_id = ?, \
                 landed_year = CAST(? AS BIGINT), last_updated = ? WHERE id = ?",
                binds![
                    change.stage.id().to_owned(),
                    change.details.sector.clone(),
                    optional_number(change.details.jobs),
                    change.details.summary.clone(),
                    change.contact_id.map(str::to_owned),
                    optional_number(change.landed_year),
                    now(),
                    lead_id.to_owned(),
                ],
                "saving a lead",
            )
            .await?;
            replace_shares(backend, tx, lead_id, change.shared_with).await?;
            insert_events(backend, tx, lead_id, after_seq, change.actor_id, change.events).await?;
            match change.link {
                Some(LinkChange::Make { id, secret_digest, expires_on }) => {
                    exec(
                        backend,
                        tx,
                        "INSERT INTO lead_links (id, lead_id, secret_digest, created_at, expires_on) \
                         VALUES (?, ?, ?, ?, ?)",
                        binds![
                            id.to_owned(),
                            lead_id.to_owned(),
                            secret_digest.to_owned(),
                            now(),
                            expires_on.to_string()
                        ],
                        "making a link",
                    )
                    .await?;
                }
                Some(LinkChange::Revoke { id }) => {
                    exec(
                        backend,
                        tx,
                        "UPDATE lead_links SET revoked_at = ? WHERE id = ? AND lead_id = ? AND revoked_at IS NULL",
                        binds![now(), id.to_owned(), lead_id.to_owned()],
                        "revoking a link",
                    )
                    .await?;
                }
                None => {}
            }
            audit::insert(backend, tx, &change.audit).await?;
            Ok(LeadSaved::Done)
        })
        .await
    }

    async fn shares_of(&self, lead_ids: &[String]) -> Result<Vec<(String, OrganisationRef)>, StorageError> {
        if lead_ids.is_empty() {
            return Ok(Vec::new());
        }
        let marks = vec!["?"; lead_ids.len()].join(", ");
        let rows = self
            .query_rows(
                &format!(
                    "SELECT s.lead_id, o.id, o.slug, o.name FROM lead_shares s \
                     JOIN partner_organisations p ON p.organisation_id = s.organisation_id \
                     JOIN organisations o ON o.id = s.organisation_id WHERE s.lead_id IN ({marks}) ORDER BY o.sort_name"
                ),
                lead_ids.iter().cloned().map(Some).collect(),
                "reading a lead's partners",
            )
            .await?;
        rows.iter()
            .map(|row| {
                Ok((
                    row.try_get("lead_id")?,
                    OrganisationRef { id: row.try_get("id")?, slug: row.try_get("slug")?, name: row.try_get("name")? },
                ))
            })
            .collect::<Result<_, sqlx::Error>>()
            .context("reading a lead's partners")
    }

    async fn leads_from_rows(&self, rows: Vec<AnyRow>) -> Result<Vec<StoredLead>, StorageError> {
        let ids: Vec<String> =
            rows.iter().map(|r| r.try_get::<String, _>("id")).collect::<Result<_, _>>().context("reading leads")?;
        let shares = self.shares_of(&ids).await?;
        rows.iter()
            .zip(&ids)
            .map(|(row, id)| {
                let shared = shares.iter().filter(|(lead, _)| lead == id).map(|(_, o)| o.clone()).collect();
                lead_from_row(row, shared)
            })
            .collect()
    }

    pub async fn lead(&self, id: &str) -> Result<Option<StoredLead>, StorageError> {
        let rows =
            self.query_rows(&format!("{LEAD_SELECT} WHERE l.id = ?"), binds![id.to_owned()], "reading a lead").await?;
        Ok(self.leads_from_rows(rows).await?.into_iter().next())
    }

    /// The leads shared with any of `organisation_ids` or with `user_id` as their point of
    /// contact, most recently changed first: the candidates the policy then decides on.
    pub async fn leads_for(&self, organisation_ids: &[String], user_id: &str) -> Result<Vec<StoredLead>, StorageError> {
        let marks = vec!["?"; organisation_ids.len().max(1)].join(", ");
        let mut values: Vec<Option<String>> = organisation_ids.iter().cloned().map(Some).collect();
        if values.is_empty() {
            values.push(None);
        }
        values.push(Some(user_id.to_owned()));
        let rows = self
            .query_rows(
                &format!(
                    "{LEAD_SELECT} WHERE EXISTS (SELECT 1 FROM lead_shares s WHERE s.lead_id = l.id AND \
                     s.organisation_id IN ({marks})) OR l.contact_id = ? ORDER BY l.last_updated DESC, l.id"
                ),
                values,
                "listing leads",
            )
            .await?;
        self.leads_from_rows(rows).await
    }

    /// A lead's timeline, oldest first, with the names of those who acted (`None` for a
    /// deleted account).
    pub async fn lead_timeline(&self, id: &str) -> Result<Vec<(TimelineEntry, Option<String>)>, StorageError> {
        let rows = self
            .query_rows(
                "SELECT e.seq, e.actor_id, e.at, e.payload, u.display_name FROM lead_events e \
                 LEFT JOIN users u ON u.id = e.actor_id WHERE e.lead_id = ? ORDER BY e.seq",
                binds![id.to_owned()],
                "reading a lead's timeline",
            )
            .await?;
        rows.iter()
            .map(|row| {
                let payload: String = row.try_get("payload").context("reading a lead's timeline")?;
                let at: String = row.try_get("at").context("reading a lead's timeline")?;
                let entry = TimelineEntry {
                    seq: row.try_get("seq").context("reading a lead's timeline")?,
                    actor_id: row.try_get("actor_id").context("reading a lead's timeline")?,
                    at: parse_time(&at, id)?,
                    event: serde_json::from_str(&payload).map_err(|e| corrupt(id, e.to_string()))?,
                };
                Ok((entry, row.try_get("display_name").context("reading a lead's timeline")?))
            })
            .collect()
    }

    pub async fn lead_links(&self, lead_id: &str) -> Result<Vec<StoredLink>, StorageError> {
        let rows = self
            .query_rows(
                "SELECT id, lead_id, created_at, expires_on, revoked_at FROM lead_links WHERE lead_id = ? \
                 ORDER BY created_at DESC",
                binds![lead_id.to_owned()],
                "listing links",
            )
            .await?;
        rows.iter().map(link_from_row).collect()
    }

    /// The link whose secret has the digest `secret_digest`, whatever its state.
    pub async fn lead_link(&self, secret_digest: &str) -> Result<Option<StoredLink>, StorageError> {
        let row = self
            .query_rows(
                "SELECT id, lead_id, created_at, expires_on, revoked_at FROM lead_links WHERE secret_digest = ?",
                binds![secret_digest.to_owned()],
                "reading a link",
            )
            .await?;
        row.first().map(link_from_row).transpose()
    }

    /// The stage, year, sector and jobs of every landed lead, for the public counts.
    pub async fn landed_leads(&self) -> Result<Vec<LandedRow>, StorageError> {
        let rows = self
            .query_rows(
                "SELECT stage, landed_year, sector, jobs FROM leads WHERE stage = ?",
                binds![Stage::Landed.id().to_owned()],
                "counting landed companies",
            )
            .await?;
        rows.iter()
            .map(|row| {
                let stage: String = row.try_get("stage").context("counting landed companies")?;
                let year: Option<i64> = row.try_get("landed_year").context("counting landed companies")?;
                let jobs: Option<i64> = row.try_get("jobs").context("counting landed companies")?;
                Ok(LandedRow {
                    stage: Stage::from_id(&stage).ok_or_else(|| corrupt("lead", format!("stage {stage}")))?,
                    year: year.and_then(|y| i32::try_from(y).ok()),
                    sector: row.try_get("sector").context("counting landed companies")?,
                    jobs: jobs.and_then(|j| u32::try_from(j).ok()),
                })
            })
            .collect()
    }

    /// Users with a partner's or admin's role who maintain any of `organisation_ids`: who
    /// may be a lead's point of contact.
    pub async fn partner_staff(&self, organisation_ids: &[String]) -> Result<Vec<Person>, StorageError> {
        if organisation_ids.is_empty() {
            return Ok(Vec::new());
        }
        let marks = vec!["?"; organisation_ids.len()].join(", ");
        let rows = self
            .query_rows(
                &format!(
                    "SELECT DISTINCT u.id, u.display_name, u.email FROM organisation_members m \
                     JOIN users u ON u.id = m.user_id WHERE m.organisation_id IN ({marks}) \
                     AND u.role IN ('partner', 'admin') AND u.disabled_at IS NULL ORDER BY u.display_name, u.id"
                ),
                organisation_ids.iter().cloned().map(Some).collect(),
                "listing partner staff",
            )
            .await?;
        rows.iter()
            .map(|row| {
                Ok(Person { id: row.try_get("id")?, name: row.try_get("display_name")?, email: row.try_get("email")? })
            })
            .collect::<Result<_, sqlx::Error>>()
            .context("listing partner staff")
    }

    /// The organisation whose KvK number (`kvk`) or LEI (`lei`) is `value`.
    pub async fn organisation_with_identifier(
        &self,
        field: &'static str,
        value: &str,
    ) -> Result<Option<Organisation>, StorageError> {
        // Identifiers live in the record; the pattern narrows, the parsed record decides.
        let pattern = format!("%\"{field}\":\"{value}\"%");
        let rows = self
            .query_rows("SELECT slug FROM organisations WHERE record LIKE ?", binds![pattern], "finding an identifier")
            .await?;
        for row in rows {
            let slug: String = row.try_get("slug").context("finding an identifier")?;
            if let Some(organisation) = self.organisation_by_slug(&slug).await? {
                let ids = &organisation.profile.identifiers;
                let found = match field {
                    "kvk" => ids.kvk.as_deref(),
                    _ => ids.lei.as_deref(),
                };
                if found == Some(value) {
                    return Ok(Some(organisation));
                }
            }
        }
        Ok(None)
    }
}

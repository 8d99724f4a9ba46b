//! The consortium builder: workspaces, their partners (organisations of the directory,
//! invited until they answer, and partners outside it listed by name and country), and the
//! eligibility rules partners set per type of action. Every change is written with its
//! mails and its audit entry in one transaction, or not at all.

use chrono::{DateTime, Utc};
use lshub_domain::consortium::eligibility::EligibilityRules;
use lshub_domain::consortium::{PartnerRole, PartnerState};
use lshub_domain::record::Versioned;
use sqlx::any::AnyRow;
use sqlx::Row;
use uuid::Uuid;

use crate::accounts::{binds, exec, now, parse_time, queue_mail, transaction, Mail};
use crate::audit::{self, AuditEvent};
use crate::error::{QueryContext, StorageError};
use crate::leads::OrganisationRef;
use crate::record::record_from_row;
use crate::Database;

/// A consortium workspace as stored now, with its partners.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredConsortium {
    pub id: String,
    pub call_topic_id: String,
    pub acronym: String,
    /// The organisation that opened the workspace and manages it.
    pub manager: OrganisationRef,
    pub created_at: DateTime<Utc>,
    pub last_updated: DateTime<Utc>,
    /// The manager first, then the others in the order they were added.
    pub partners: Vec<StoredPartner>,
}

impl StoredConsortium {
    /// The ids of the directory organisations in `state`.
    pub fn organisations_in(&self, state: PartnerState) -> Vec<String> {
        self.partners
            .iter()
            .filter(|p| p.state == state)
            .filter_map(|p| p.organisation.as_ref().map(|o| o.id.clone()))
            .collect()
    }

    pub fn partner(&self, key: &str) -> Option<&StoredPartner> {
        self.partners.iter().find(|p| p.key == key)
    }
}

/// Who a partner is: an organisation of the directory, or one outside it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PartnerIdentity {
    Organisation(String),
    External { name: String, country: String },
}

/// A partner of a workspace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredPartner {
    /// The organisation's id, or `external:` and an id of its own.
    pub key: String,
    /// Set for an organisation of the directory.
    pub organisation: Option<OrganisationRef>,
    /// Set for a partner outside the directory.
    pub external: Option<(String, String)>,
    pub role: PartnerRole,
    pub statement: String,
    pub state: PartnerState,
    pub invited_at: DateTime<Utc>,
    pub answered_at: Option<DateTime<Utc>>,
}

impl StoredPartner {
    pub fn name(&self) -> &str {
        match (&self.organisation, &self.external) {
            (Some(o), _) => &o.name,
            (None, Some((name, _))) => name,
            (None, None) => "",
        }
    }
}

/// A change to a workspace's partners.
pub enum PartnerChange<'a> {
    /// Invite an organisation (invited), or list one outside the directory (accepted).
    Add {
        identity: &'a PartnerIdentity,
        role: PartnerRole,
        statement: &'a str,
    },
    Update {
        key: &'a str,
        role: PartnerRole,
        statement: &'a str,
    },
    Answer {
        key: &'a str,
        accepted: bool,
    },
    Remove {
        key: &'a str,
    },
}

/// An invitation that no member of the invited organisation can answer, because it has none:
/// the admins' queue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueuedInvitation {
    pub consortium_id: String,
    pub acronym: String,
    pub call_topic_id: String,
    pub manager: String,
    pub organisation: OrganisationRef,
    pub invited_at: DateTime<Utc>,
}

/// Rules a partner set for a type of action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredRules {
    pub action_type: String,
    pub rules: EligibilityRules,
    pub updated_at: DateTime<Utc>,
}

const PARTNER_SELECT: &str = "SELECT p.consortium_id, p.partner_key, p.organisation_id, o.slug, o.name, \
     p.external_name, p.external_country, p.role, p.statement, p.state, p.invited_at, p.answered_at \
     FROM consortium_partners p LEFT JOIN organisations o ON o.id = p.organisation_id";

const CONSORTIUM_SELECT: &str = "SELECT c.id, c.call_topic_id, c.acronym, c.created_at, c.last_updated, \
     o.id AS manager_id, o.slug AS manager_slug, o.name AS manager_name \
     FROM consortia c JOIN organisations o ON o.id = c.manager_id";

fn corrupt(id: &str, reason: impl Into<String>) -> StorageError {
    StorageError::CorruptRecord { id: id.to_owned(), reason: reason.into() }
}

fn partner_from_row(row: &AnyRow) -> Result<(String, StoredPartner), StorageError> {
    const WHAT: &str = "reading a consortium's partner";
    let text = |c: &str| row.try_get::<String, _>(c).context(WHAT);
    let optional = |c: &str| row.try_get::<Option<String>, _>(c).context(WHAT);
    let key = text("partner_key")?;
    let organisation = match optional("organisation_id")? {
        Some(id) => Some(OrganisationRef { id, slug: text("slug")?, name: text("name")? }),
        None => None,
    };
    let role = text("role")?;
    let state = text("state")?;
    let partner = StoredPartner {
        organisation,
        external: optional("external_name")?.zip(optional("external_country")?),
        role: PartnerRole::from_id(&role).ok_or_else(|| corrupt(&key, format!("role {role}")))?,
        statement: text("statement")?,
        state: PartnerState::from_id(&state).ok_or_else(|| corrupt(&key, format!("state {state}")))?,
        invited_at: parse_time(&text("invited_at")?, &key)?,
        answered_at: optional("answered_at")?.map(|t| parse_time(&t, &key)).transpose()?,
        key,
    };
    Ok((text("consortium_id")?, partner))
}

impl Database {
    /// Opens a workspace for a call, managed by `manager_id`, which is its first partner
    /// (accepted, with `role`); returns its id.
    pub async fn create_consortium(
        &self,
        call_topic_id: &str,
        acronym: &str,
        manager_id: &str,
        role: PartnerRole,
        actor_id: &str,
        audit: AuditEvent<'_>,
    ) -> Result<String, StorageError> {
        let id = Uuid::now_v7().to_string();
        transaction!(self, |backend, tx| {
            let at = now();
            exec(
                backend,
                tx,
                "INSERT INTO consortia (id, call_topic_id, acronym, manager_id, created_by, created_at, last_updated) \
                 VALUES (?, ?, ?, ?, ?, ?, ?)",
                binds![
                    id.clone(),
                    call_topic_id.to_owned(),
                    acronym.to_owned(),
                    manager_id.to_owned(),
                    actor_id.to_owned(),
                    at.clone(),
                    at.clone()
                ],
                "opening a consortium",
            )
            .await?;
            exec(
                backend,
                tx,
                "INSERT INTO consortium_partners (consortium_id, partner_key, organisation_id, role, statement, state, \
                 invited_by, invited_at, answered_by, answered_at) VALUES (?, ?, ?, ?, '', ?, ?, ?, ?, ?)",
                binds![
                    id.clone(),
                    manager_id.to_owned(),
                    manager_id.to_owned(),
                    role.id().to_owned(),
                    PartnerState::Accepted.id().to_owned(),
                    actor_id.to_owned(),
                    at.clone(),
                    actor_id.to_owned(),
                    at
                ],
                "opening a consortium",
            )
            .await?;
            audit::insert(backend, tx, &audit).await
        })
        .await?;
        Ok(id)
    }

    /// Changes a workspace's partners, with the mails the change sends; returns the
    /// partner's key. `false` in place of it when the partner it names is not there (any
    /// more), and nothing written.
    pub async fn change_consortium_partner(
        &self,
        consortium_id: &str,
        change: PartnerChange<'_>,
        actor_id: &str,
        mails: &[Mail<'_>],
        audit: AuditEvent<'_>,
    ) -> Result<Option<String>, StorageError> {
        transaction!(self, |backend, tx| {
            let at = now();
            let (key, written) = match change {
                PartnerChange::Add { identity, role, statement } => {
                    let (key, organisation, external, state) = match identity {
                        PartnerIdentity::Organisation(id) => (id.clone(), Some(id.clone()), None, PartnerState::Invited),
                        PartnerIdentity::External { name, country } => (
                            format!("external:{}", Uuid::now_v7()),
                            None,
                            Some((name.clone(), country.clone())),
                            PartnerState::Accepted,
                        ),
                    };
                    let answered = (state == PartnerState::Accepted).then(|| at.clone());
                    let (name, country) = external.unzip();
                    let written = exec(
                        backend,
                        tx,
                        "INSERT INTO consortium_partners (consortium_id, partner_key, organisation_id, external_name, \
                         external_country, role, statement, state, invited_by, invited_at, answered_by, answered_at) \
                         SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM consortium_partners \
                         WHERE consortium_id = ? AND partner_key = ?)",
                        binds![
                            consortium_id.to_owned(),
                            key.clone(),
                            organisation,
                            name,
                            country,
                            role.id().to_owned(),
                            statement.to_owned(),
                            state.id().to_owned(),
                            actor_id.to_owned(),
                            at.clone(),
                            answered.as_ref().map(|_| actor_id.to_owned()),
                            answered,
                            consortium_id.to_owned(),
                            key.clone()
                        ],
                        "adding a partner",
                    )
                    .await?;
                    (key, written)
                }
                PartnerChange::Update { key, role, statement } => {
                    let written = exec(
                        backend,
                        tx,
                        "UPDATE consortium_partners SET role = ?, statement = ? WHERE consortium_id = ? AND partner_key = ?",
                        binds![role.id().to_owned(), statement.to_owned(), consortium_id.to_owned(), key.to_owned()],
                        "changing a partner",
                    )
                    .await?;
                    (key.to_owned(), written)
                }
                PartnerChange::Answer { key, accepted } => {
                    let state = if accepted { PartnerState::Accepted } else { PartnerState::Declined };
                    let written = exec(
                        backend,
                        tx,
                        "UPDATE consortium_partners SET state = ?, answered_by = ?, answered_at = ? \
                         WHERE consortium_id = ? AND partner_key = ? AND state = ?",
                        binds![
                            state.id().to_owned(),
                            actor_id.to_owned(),
                            at.clone(),
                            consortium_id.to_owned(),
                            key.to_owned(),
                            PartnerState::Invited.id().to_owned()
                        ],
                        "answering an invitation",
                    )
                    .await?;
                    (key.to_owned(), written)
                }
                PartnerChange::Remove { key } => {
                    let written = exec(
                        backend,
                        tx,
                        "DELETE FROM consortium_partners WHERE consortium_id = ? AND partner_key = ?",
                        binds![consortium_id.to_owned(), key.to_owned()],
                        "removing a partner",
                    )
                    .await?;
                    (key.to_owned(), written)
                }
            };
            if written == 0 {
                return Ok(None);
            }
            exec(
                backend,
                tx,
                "UPDATE consortia SET last_updated = ? WHERE id = ?",
                binds![at, consortium_id.to_owned()],
                "changing a consortium",
            )
            .await?;
            for mail in mails {
                queue_mail(backend, tx, *mail).await?;
            }
            audit::insert(backend, tx, &audit).await?;
            Ok(Some(key))
        })
        .await
    }

    async fn consortia_from_rows(&self, rows: Vec<AnyRow>) -> Result<Vec<StoredConsortium>, StorageError> {
        const WHAT: &str = "reading a consortium";
        let ids: Vec<String> =
            rows.iter().map(|r| r.try_get::<String, _>("id")).collect::<Result<_, _>>().context(WHAT)?;
        let mut partners: Vec<(String, StoredPartner)> = Vec::new();
        if !ids.is_empty() {
            let marks = vec!["?"; ids.len()].join(", ");
            let rows = self
                .query_rows(
                    &format!(
                        "{PARTNER_SELECT} WHERE p.consortium_id IN ({marks}) ORDER BY p.invited_at, p.partner_key"
                    ),
                    ids.iter().cloned().map(Some).collect(),
                    "reading consortia's partners",
                )
                .await?;
            partners = rows.iter().map(partner_from_row).collect::<Result<_, _>>()?;
        }
        rows.iter()
            .zip(ids)
            .map(|(row, id)| {
                let text = |c: &str| row.try_get::<String, _>(c).context(WHAT);
                let manager = OrganisationRef {
                    id: text("manager_id")?,
                    slug: text("manager_slug")?,
                    name: text("manager_name")?,
                };
                let mut own: Vec<StoredPartner> =
                    partners.iter().filter(|(c, _)| *c == id).map(|(_, p)| p.clone()).collect();
                own.sort_by_key(|p| p.key != manager.id);
                Ok(StoredConsortium {
                    call_topic_id: text("call_topic_id")?,
                    acronym: text("acronym")?,
                    created_at: parse_time(&text("created_at")?, &id)?,
                    last_updated: parse_time(&text("last_updated")?, &id)?,
                    manager,
                    partners: own,
                    id,
                })
            })
            .collect()
    }

    pub async fn consortium(&self, id: &str) -> Result<Option<StoredConsortium>, StorageError> {
        let rows = self
            .query_rows(&format!("{CONSORTIUM_SELECT} WHERE c.id = ?"), binds![id.to_owned()], "reading a consortium")
            .await?;
        Ok(self.consortia_from_rows(rows).await?.into_iter().next())
    }

    /// The workspaces in which any of `organisation_ids` is a partner, invited or accepted,
    /// most recently changed first: the candidates the policy then decides on.
    pub async fn consortia_of(&self, organisation_ids: &[String]) -> Result<Vec<StoredConsortium>, StorageError> {
        if organisation_ids.is_empty() {
            return Ok(Vec::new());
        }
        let marks = vec!["?"; organisation_ids.len()].join(", ");
        let mut values: Vec<Option<String>> = organisation_ids.iter().cloned().map(Some).collect();
        values.push(Some(PartnerState::Declined.id().to_owned()));
        let rows = self
            .query_rows(
                &format!(
                    "{CONSORTIUM_SELECT} WHERE EXISTS (SELECT 1 FROM consortium_partners p WHERE p.consortium_id = c.id \
                     AND p.organisation_id IN ({marks}) AND p.state <> ?) ORDER BY c.last_updated DESC, c.id"
                ),
                values,
                "listing consortia",
            )
            .await?;
        self.consortia_from_rows(rows).await
    }

    /// Invitations still open to organisations that have no members on the hub, oldest first.
    pub async fn invitations_without_members(&self) -> Result<Vec<QueuedInvitation>, StorageError> {
        const WHAT: &str = "reading the invitations' queue";
        let rows = self
            .query_rows(
                "SELECT c.id, c.acronym, c.call_topic_id, m.name AS manager, o.id AS organisation_id, o.slug, o.name, \
                 p.invited_at FROM consortium_partners p JOIN consortia c ON c.id = p.consortium_id \
                 JOIN organisations o ON o.id = p.organisation_id JOIN organisations m ON m.id = c.manager_id \
                 WHERE p.state = ? AND NOT EXISTS (SELECT 1 FROM organisation_members om JOIN users u ON u.id = om.user_id \
                 WHERE om.organisation_id = p.organisation_id AND u.disabled_at IS NULL) ORDER BY p.invited_at, c.id",
                binds![PartnerState::Invited.id().to_owned()],
                WHAT,
            )
            .await?;
        rows.iter()
            .map(|row| {
                let text = |c: &str| row.try_get::<String, _>(c).context(WHAT);
                let id = text("id")?;
                Ok(QueuedInvitation {
                    acronym: text("acronym")?,
                    call_topic_id: text("call_topic_id")?,
                    manager: text("manager")?,
                    organisation: OrganisationRef {
                        id: text("organisation_id")?,
                        slug: text("slug")?,
                        name: text("name")?,
                    },
                    invited_at: parse_time(&text("invited_at")?, &id)?,
                    consortium_id: id,
                })
            })
            .collect()
    }

    /// The eligibility rules partners set, by type of action.
    pub async fn eligibility_rules(&self) -> Result<Vec<StoredRules>, StorageError> {
        let rows = self
            .query_rows(
                "SELECT action_type, record, record_version, updated_at FROM eligibility_rules ORDER BY action_type",
                vec![],
                "reading eligibility rules",
            )
            .await?;
        rows.iter()
            .map(|row| {
                let action_type: String = row.try_get("action_type").context("reading eligibility rules")?;
                let updated_at: String = row.try_get("updated_at").context("reading eligibility rules")?;
                Ok(StoredRules {
                    rules: record_from_row(row, &action_type)?,
                    updated_at: parse_time(&updated_at, &action_type)?,
                    action_type,
                })
            })
            .collect()
    }

    /// Sets the rules of a type of action, or removes them (`None`: the built-in rules apply
    /// again).
    pub async fn set_eligibility_rules(
        &self,
        action_type: &str,
        rules: Option<&EligibilityRules>,
        actor_id: &str,
        audit: AuditEvent<'_>,
    ) -> Result<(), StorageError> {
        let record = rules
            .map(serde_json::to_string)
            .transpose()
            .map_err(|e| StorageError::Bind(format!("eligibility rules: {e}")))?;
        transaction!(self, |backend, tx| {
            exec(
                backend,
                tx,
                "DELETE FROM eligibility_rules WHERE action_type = ?",
                binds![action_type.to_owned()],
                "setting eligibility rules",
            )
            .await?;
            if let Some(record) = record {
                exec(
                    backend,
                    tx,
                    "INSERT INTO eligibility_rules (action_type, record, record_version, updated_by, updated_at) \
                     VALUES (?, ?, CAST(? AS BIGINT), ?, ?)",
                    binds![
                        action_type.to_owned(),
                        record,
                        EligibilityRules::RECORD_VERSION.to_string(),
                        actor_id.to_owned(),
                        now()
                    ],
                    "setting eligibility rules",
                )
                .await?;
            }
            audit::insert(backend, tx, &audit).await
        })
        .await
    }
}

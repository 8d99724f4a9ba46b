//! Introductions: their two sides and answers, the follow-ups asked after acceptance and
//! their outcomes, and the public totals. Every change is written with its mails and audit
//! entry in one transaction; the jobs that tell of expiry and ask for outcomes record what
//! they did in the same transaction as the mail, so no mail is sent twice.

use chrono::{DateTime, NaiveDate, Utc};
use lshub_domain::introduction::{Answer, Outcome, Side};
use sqlx::any::AnyRow;
use sqlx::Row;

use crate::accounts::{binds, exec, now, parse_time, queue_mail, transaction, Mail};
use crate::audit::{self, AuditEvent};
use crate::error::{QueryContext, StorageError};
use crate::leads::{OrganisationRef, Person};
use crate::Database;

/// One side of an introduction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredSide {
    pub side: Side,
    pub organisation: OrganisationRef,
    pub answer: Answer,
    /// Who answered for it (for the asking side, who asked).
    pub answered_by: Option<Person>,
    pub answered_at: Option<DateTime<Utc>>,
}

/// An introduction as stored now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredIntroduction {
    pub id: String,
    pub requested_by: Option<Person>,
    pub broker: Option<Person>,
    /// The need or offer it is about: its slug.
    pub subject: Option<String>,
    pub message: String,
    pub created_on: NaiveDate,
    pub accepted_on: Option<NaiveDate>,
    pub expiry_told: bool,
    pub from: StoredSide,
    pub to: StoredSide,
    /// `(side, days after acceptance, outcome)` of the follow-ups asked.
    pub outcomes: Vec<(Side, u32, Option<Outcome>)>,
}

impl StoredIntroduction {
    pub fn side(&self, side: Side) -> &StoredSide {
        match side {
            Side::From => &self.from,
            Side::To => &self.to,
        }
    }
}

/// A new introduction.
pub struct NewIntroduction<'a> {
    /// Chosen by the caller, so that the mails can link to it.
    pub id: &'a str,
    pub requested_by: &'a str,
    pub broker: bool,
    pub subject_item_id: Option<&'a str>,
    pub message: &'a str,
    pub created_on: NaiveDate,
    pub from: &'a str,
    pub to: &'a str,
    pub mails: &'a [Mail<'a>],
    pub audit: AuditEvent<'a>,
}

/// One side's answer, made on `today` by the user `by`.
#[derive(Debug, Clone, Copy)]
pub struct AnswerWrite<'a> {
    pub id: &'a str,
    pub side: Side,
    pub accepted: bool,
    pub by: &'a str,
    pub today: NaiveDate,
}

/// Accepted introductions and the outcomes reported, counted; nothing that names anyone.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IntroductionTotals {
    pub accepted: i64,
    /// Introductions for which either side reported each outcome.
    pub outcomes: Vec<(Outcome, i64)>,
}

const SELECT: &str = "SELECT i.id, i.message, i.created_on, i.accepted_on, i.expiry_told_at, \
     r.id AS requester_id, r.display_name AS requester_name, r.email AS requester_email, \
     b.id AS broker_id, b.display_name AS broker_name, b.email AS broker_email, ci.slug AS subject \
     FROM introductions i LEFT JOIN users r ON r.id = i.requested_by LEFT JOIN users b ON b.id = i.broker_id \
     LEFT JOIN content_items ci ON ci.id = i.subject_item_id";

fn corrupt(id: &str, reason: impl Into<String>) -> StorageError {
    StorageError::CorruptRecord { id: id.to_owned(), reason: reason.into() }
}

fn date(text: &str, id: &str) -> Result<NaiveDate, StorageError> {
    text.parse().map_err(|e: chrono::ParseError| corrupt(id, e.to_string()))
}

fn person(row: &AnyRow, prefix: &str) -> Result<Option<Person>, StorageError> {
    let get = |c: &str| row.try_get::<Option<String>, _>(format!("{prefix}_{c}").as_str()).context("reading a person");
    Ok(match (get("id")?, get("name")?, get("email")?) {
        (Some(id), Some(name), Some(email)) => Some(Person { id, name, email }),
        _ => None,
    })
}

impl Database {
    /// Saves a new introduction with its mails. The asking side of a direct introduction
    /// has accepted by asking; both sides of a brokered one are to answer.
    pub async fn create_introduction(&self, new: NewIntroduction<'_>) -> Result<(), StorageError> {
        let id = new.id.to_owned();
        transaction!(self, |backend, tx| {
            let at = now();
            exec(
                backend,
                tx,
                "INSERT INTO introductions (id, requested_by, broker_id, subject_item_id, message, created_on, created_at) \
                 VALUES (?, ?, ?, ?, ?, ?, ?)",
                binds![
                    id.clone(),
                    new.requested_by.to_owned(),
                    new.broker.then(|| new.requested_by.to_owned()),
                    new.subject_item_id.map(str::to_owned),
                    new.message.to_owned(),
                    new.created_on.to_string(),
                    at.clone()
                ],
                "saving an introduction",
            )
            .await?;
            for (side, organisation) in [(Side::From, new.from), (Side::To, new.to)] {
                let asked = side == Side::From && !new.broker;
                let answer = if asked { Answer::Accepted } else { Answer::Pending };
                exec(
                    backend,
                    tx,
                    "INSERT INTO introduction_sides (introduction_id, side, organisation_id, answer, answered_by, \
                     answered_at) VALUES (?, ?, ?, ?, ?, ?)",
                    binds![
                        id.clone(),
                        side.id().to_owned(),
                        organisation.to_owned(),
                        answer.id().to_owned(),
                        asked.then(|| new.requested_by.to_owned()),
                        asked.then(|| at.clone())
                    ],
                    "saving an introduction",
                )
                .await?;
            }
            for mail in new.mails {
                queue_mail(backend, tx, *mail).await?;
            }
            audit::insert(backend, tx, &new.audit).await
        })
        .await
    }

    async fn introductions_from_rows(&self, rows: Vec<AnyRow>) -> Result<Vec<StoredIntroduction>, StorageError> {
        const WHAT: &str = "reading an introduction";
        let mut out = Vec::new();
        for row in &rows {
            let id: String = row.try_get("id").context(WHAT)?;
            let sides = self
                .query_rows(
                    "SELECT s.side, s.answer, s.answered_at, o.id AS organisation_id, o.slug, o.name, \
                     u.id AS answerer_id, u.display_name AS answerer_name, u.email AS answerer_email \
                     FROM introduction_sides s JOIN organisations o ON o.id = s.organisation_id \
                     LEFT JOIN users u ON u.id = s.answered_by WHERE s.introduction_id = ? ORDER BY s.side",
                    binds![id.clone()],
                    WHAT,
                )
                .await?;
            let mut read = Vec::new();
            for side in &sides {
                let text = |c: &str| side.try_get::<String, _>(c).context(WHAT);
                let side_id = text("side")?;
                let answer = text("answer")?;
                let answered_at: Option<String> = side.try_get("answered_at").context(WHAT)?;
                read.push(StoredSide {
                    side: Side::from_id(&side_id).ok_or_else(|| corrupt(&id, format!("side {side_id}")))?,
                    organisation: OrganisationRef {
                        id: text("organisation_id")?,
                        slug: text("slug")?,
                        name: text("name")?,
                    },
                    answer: Answer::from_id(&answer).ok_or_else(|| corrupt(&id, format!("answer {answer}")))?,
                    answered_by: person(side, "answerer")?,
                    answered_at: answered_at.map(|t| parse_time(&t, &id)).transpose()?,
                });
            }
            let take = |side: Side| {
                read.iter().find(|s| s.side == side).cloned().ok_or_else(|| corrupt(&id, "a side is missing"))
            };
            let (from, to) = (take(Side::From)?, take(Side::To)?);
            let outcome_rows = self
                .query_rows(
                    "SELECT side, after_days, outcome FROM introduction_outcomes WHERE introduction_id = ? \
                     ORDER BY after_days, side",
                    binds![id.clone()],
                    WHAT,
                )
                .await?;
            let mut outcomes = Vec::new();
            for o in &outcome_rows {
                let side: String = o.try_get("side").context(WHAT)?;
                let days: i64 = o.try_get("after_days").context(WHAT)?;
                let outcome: Option<String> = o.try_get("outcome").context(WHAT)?;
                outcomes.push((
                    Side::from_id(&side).ok_or_else(|| corrupt(&id, format!("side {side}")))?,
                    u32::try_from(days).map_err(|e| corrupt(&id, e.to_string()))?,
                    outcome.and_then(|o| Outcome::from_id(&o)),
                ));
            }
            let text = |c: &str| row.try_get::<String, _>(c).context(WHAT);
            let optional = |c: &str| row.try_get::<Option<String>, _>(c).context(WHAT);
            out.push(StoredIntroduction {
                requested_by: person(row, "requester")?,
                broker: person(row, "broker")?,
                subject: optional("subject")?,
                message: text("message")?,
                created_on: date(&text("created_on")?, &id)?,
                accepted_on: optional("accepted_on")?.map(|d| date(&d, &id)).transpose()?,
                expiry_told: optional("expiry_told_at")?.is_some(),
                from,
                to,
                outcomes,
                id,
            });
        }
        Ok(out)
    }

    pub async fn introduction(&self, id: &str) -> Result<Option<StoredIntroduction>, StorageError> {
        let rows = self
            .query_rows(&format!("{SELECT} WHERE i.id = ?"), binds![id.to_owned()], "reading an introduction")
            .await?;
        Ok(self.introductions_from_rows(rows).await?.into_iter().next())
    }

    /// The introductions of any of `organisation_ids`, or brokered by `user_id`, newest first.
    pub async fn introductions_of(
        &self,
        organisation_ids: &[String],
        user_id: &str,
    ) -> Result<Vec<StoredIntroduction>, StorageError> {
        let marks = vec!["?"; organisation_ids.len().max(1)].join(", ");
        let mut values: Vec<Option<String>> = organisation_ids.iter().cloned().map(Some).collect();
        if values.is_empty() {
            values.push(None);
        }
        values.push(Some(user_id.to_owned()));
        let rows = self
            .query_rows(
                &format!(
                    "{SELECT} WHERE EXISTS (SELECT 1 FROM introduction_sides s WHERE s.introduction_id = i.id \
                     AND s.organisation_id IN ({marks})) OR i.broker_id = ? ORDER BY i.created_at DESC, i.id"
                ),
                values,
                "listing introductions",
            )
            .await?;
        self.introductions_from_rows(rows).await
    }

    /// Records a side's answer if it has not answered yet, and the day the introduction was
    /// accepted when this answer completes it; `false` and nothing written when the side had
    /// answered already.
    pub async fn answer_introduction(
        &self,
        answer: &AnswerWrite<'_>,
        mails: &[Mail<'_>],
        audit: AuditEvent<'_>,
    ) -> Result<bool, StorageError> {
        let AnswerWrite { id, side, accepted, by, today } = *answer;
        transaction!(self, |backend, tx| {
            let answer = if accepted { Answer::Accepted } else { Answer::Declined };
            let written = exec(
                backend,
                tx,
                "UPDATE introduction_sides SET answer = ?, answered_by = ?, answered_at = ? \
                 WHERE introduction_id = ? AND side = ? AND answer = ?",
                binds![
                    answer.id().to_owned(),
                    by.to_owned(),
                    now(),
                    id.to_owned(),
                    side.id().to_owned(),
                    Answer::Pending.id().to_owned()
                ],
                "answering an introduction",
            )
            .await?;
            if written == 0 {
                return Ok(false);
            }
            exec(
                backend,
                tx,
                "UPDATE introductions SET accepted_on = ? WHERE id = ? AND accepted_on IS NULL AND NOT EXISTS \
                 (SELECT 1 FROM introduction_sides s WHERE s.introduction_id = ? AND s.answer <> ?)",
                binds![today.to_string(), id.to_owned(), id.to_owned(), Answer::Accepted.id().to_owned()],
                "answering an introduction",
            )
            .await?;
            for mail in mails {
                queue_mail(backend, tx, *mail).await?;
            }
            audit::insert(backend, tx, &audit).await?;
            Ok(true)
        })
        .await
    }

    /// Introductions still waiting for an answer whose last day to answer is before `cutoff`
    /// and whose asker has not been told yet.
    pub async fn expired_introductions(&self, cutoff: NaiveDate) -> Result<Vec<StoredIntroduction>, StorageError> {
        let rows = self
            .query_rows(
                &format!(
                    "{SELECT} WHERE i.created_on < ? AND i.expiry_told_at IS NULL AND i.accepted_on IS NULL \
                     AND EXISTS (SELECT 1 FROM introduction_sides s WHERE s.introduction_id = i.id AND s.answer = ?) \
                     AND NOT EXISTS (SELECT 1 FROM introduction_sides s WHERE s.introduction_id = i.id AND s.answer = ?)"
                ),
                binds![cutoff.to_string(), Answer::Pending.id().to_owned(), Answer::Declined.id().to_owned()],
                "finding expired introductions",
            )
            .await?;
        self.introductions_from_rows(rows).await
    }

    /// Records that the asker was told an introduction expired, with the mails that tell;
    /// `false` and nothing sent when another node told first.
    pub async fn tell_expired(&self, id: &str, mails: &[Mail<'_>]) -> Result<bool, StorageError> {
        transaction!(self, |backend, tx| {
            let written = exec(
                backend,
                tx,
                "UPDATE introductions SET expiry_told_at = ? WHERE id = ? AND expiry_told_at IS NULL",
                binds![now(), id.to_owned()],
                "telling of an expired introduction",
            )
            .await?;
            if written == 1 {
                for mail in mails {
                    queue_mail(backend, tx, *mail).await?;
                }
            }
            Ok(written == 1)
        })
        .await
    }

    /// Accepted introductions, for the follow-ups.
    pub async fn accepted_introductions(&self) -> Result<Vec<StoredIntroduction>, StorageError> {
        let rows = self
            .query_rows(&format!("{SELECT} WHERE i.accepted_on IS NOT NULL"), vec![], "listing accepted introductions")
            .await?;
        self.introductions_from_rows(rows).await
    }

    /// Records that a side was asked, `after_days` after acceptance, what came of it, with the
    /// mails that ask; `false` and nothing sent when it was asked already.
    pub async fn ask_outcome(
        &self,
        id: &str,
        side: Side,
        after_days: u32,
        mails: &[Mail<'_>],
    ) -> Result<bool, StorageError> {
        transaction!(self, |backend, tx| {
            let written = exec(
                backend,
                tx,
                "INSERT INTO introduction_outcomes (introduction_id, side, after_days, asked_at) \
                 SELECT ?, ?, CAST(? AS BIGINT), ? WHERE NOT EXISTS (SELECT 1 FROM introduction_outcomes \
                 WHERE introduction_id = ? AND side = ? AND after_days = CAST(? AS BIGINT))",
                binds![
                    id.to_owned(),
                    side.id().to_owned(),
                    after_days.to_string(),
                    now(),
                    id.to_owned(),
                    side.id().to_owned(),
                    after_days.to_string()
                ],
                "asking what came of an introduction",
            )
            .await?;
            if written == 1 {
                for mail in mails {
                    queue_mail(backend, tx, *mail).await?;
                }
            }
            Ok(written == 1)
        })
        .await
    }

    /// Records a side's outcome for a follow-up it was asked; `false` when it was not asked.
    pub async fn report_outcome(
        &self,
        id: &str,
        side: Side,
        after_days: u32,
        outcome: Outcome,
        audit: AuditEvent<'_>,
    ) -> Result<bool, StorageError> {
        transaction!(self, |backend, tx| {
            let written = exec(
                backend,
                tx,
                "UPDATE introduction_outcomes SET outcome = ?, answered_at = ? WHERE introduction_id = ? AND side = ? \
                 AND after_days = CAST(? AS BIGINT)",
                binds![outcome.id().to_owned(), now(), id.to_owned(), side.id().to_owned(), after_days.to_string()],
                "recording what came of an introduction",
            )
            .await?;
            if written == 1 {
                audit::insert(backend, tx, &audit).await?;
            }
            Ok(written == 1)
        })
        .await
    }

    /// The public totals.
    pub async fn introduction_totals(&self) -> Result<IntroductionTotals, StorageError> {
        const WHAT: &str = "counting introductions";
        let accepted: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM introductions WHERE accepted_on IS NOT NULL")
            .fetch_one(self.pool())
            .await
            .context(WHAT)?;
        let rows = self
            .query_rows(
                "SELECT outcome, COUNT(DISTINCT introduction_id) AS n FROM introduction_outcomes \
                 WHERE outcome IS NOT NULL GROUP BY outcome",
                vec![],
                WHAT,
            )
            .await?;
        let mut outcomes = Vec::new();
        for outcome in Outcome::ALL {
            let n = rows
                .iter()
                .find(|r| r.try_get::<String, _>("outcome").is_ok_and(|o| o == outcome.id()))
                .map(|r| r.try_get::<i64, _>("n"))
                .transpose()
                .context(WHAT)?
                .unwrap_or(0);
            outcomes.push((outcome, n));
        }
        Ok(IntroductionTotals { accepted, outcomes })
    }
}

//! Funding call topics.

use chrono::NaiveDate;
use lshub_domain::record::Versioned;
use lshub_domain::text::fold;
use lshub_domain::{CallContent, CallFilter, CallSort, CallStatus, CallTopic, NewCallTopic, Page};
use sea_query::{
    Cond, DynIden, Expr, ExprTrait, Iden, IntoIden, LikeExpr, NullOrdering, Order, Query, SelectStatement,
};
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};

use crate::error::{QueryContext, StorageError};
use crate::organisations::provenance_from_row;
use crate::record::record_from_row;
use crate::sql::like_contains;
use crate::upsert::{upsert_records, RecordRow, RecordTable, StoredRecord};
use crate::{Backend, Database, Progress, UpsertSummary};

#[derive(Iden, Clone, Copy)]
pub(crate) enum CallTopics {
    Table,
    TopicId,
    Title,
    SortTitle,
    Programme,
    /// What the source said; the status shown follows from the dates ([`status_condition`]).
    #[iden = "status"]
    SourceStatus,
    OpeningDate,
    FirstDeadline,
    LastDeadline,
    BudgetMin,
    BudgetMax,
    SearchText,
    Record,
    RecordVersion,
    Source,
    SourceId,
    FirstImported,
    LastUpdated,
}

const COLUMNS: [CallTopics; 7] = [
    CallTopics::TopicId,
    CallTopics::Record,
    CallTopics::RecordVersion,
    CallTopics::Source,
    CallTopics::SourceId,
    CallTopics::FirstImported,
    CallTopics::LastUpdated,
];

impl Database {
    pub async fn call_by_topic_id(&self, topic_id: &str) -> Result<Option<CallTopic>, StorageError> {
        // No key holds NUL (PostgreSQL text cannot), and PostgreSQL refuses it as a parameter.
        if topic_id.contains('\0') {
            return Ok(None);
        }
        let query = Query::select()
            .columns(COLUMNS)
            .from(CallTopics::Table)
            .and_where(Expr::col(CallTopics::TopicId).eq(topic_id))
            .to_owned();
        self.fetch_optional(query, "reading a call").await?.as_ref().map(call_from_row).transpose()
    }

    pub async fn list_calls(&self, filter: &CallFilter) -> Result<Page<CallTopic>, StorageError> {
        let columns = COLUMNS.map(IntoIden::into_iden);
        self.fetch_page(
            CallTopics::Table.into_iden(),
            &columns,
            call_condition(filter),
            |query| order_calls(query, filter.sort),
            filter.page,
            call_from_row,
        )
        .await
    }

    /// Every call, soonest deadline first: for exports and feeds.
    pub async fn all_calls(&self, sort: CallSort) -> Result<Vec<CallTopic>, StorageError> {
        let listing = {
            let mut query = Query::select();
            query.columns(COLUMNS).from(CallTopics::Table);
            order_calls(&mut query, sort);
            self.fetch_all(query, "exporting calls")
        };
        let rows = listing.await?;
        rows.iter().map(call_from_row).collect()
    }

    /// How many calls have each status on `today`, in [`CallStatus::ALL`]'s order.
    pub async fn calls_by_status(&self, today: NaiveDate) -> Result<Vec<(CallStatus, i64)>, StorageError> {
        let mut counts = Vec::new();
        for status in CallStatus::ALL {
            let query = Query::select()
                .expr_as(Expr::cust("COUNT(*)"), "n")
                .from(CallTopics::Table)
                .cond_where(status_condition(status, today))
                .to_owned();
            let rows = self.fetch_all(query, "counting calls by status").await?;
            let count =
                rows.first().map(|row| row.try_get::<i64, _>("n")).transpose().context("counting calls by status")?;
            counts.push((status, count.unwrap_or(0)));
        }
        Ok(counts)
    }

    /// The programmes that have calls, with how many, for the programme filter.
    pub async fn call_programmes(&self) -> Result<Vec<(String, i64)>, StorageError> {
        let query = Query::select()
            .column(CallTopics::Programme)
            .expr_as(Expr::col(CallTopics::TopicId).count(), "n")
            .from(CallTopics::Table)
            .group_by_col(CallTopics::Programme)
            .order_by(CallTopics::Programme, Order::Asc)
            .to_owned();
        let rows = self.fetch_all(query, "listing programmes").await?;
        rows.iter()
            .map(|row| Ok((row.try_get("programme")?, row.try_get("n")?)))
            .collect::<Result<_, sqlx::Error>>()
            .context("listing programmes")
    }

    /// Inserts new calls and updates changed ones, keyed by their source id, in one transaction
    /// with their entries in the call changelog.
    pub async fn upsert_calls(
        &self,
        records: &[NewCallTopic],
        progress: &dyn Progress,
    ) -> Result<UpsertSummary, StorageError> {
        let mut tx = self.begin_write().await?;
        let summary = write_calls(self.backend(), &mut tx, records, None, progress).await?;
        tx.commit().await.context("committing calls")?;
        Ok(summary)
    }
}

/// Writes calls inside `tx` with their entries in the changelog; `only` names the one call
/// the batch holds, so that the others are not read to compare.
pub(crate) async fn write_calls(
    backend: Backend,
    tx: &mut Transaction<'static, Any>,
    records: &[NewCallTopic],
    only: Option<&str>,
    progress: &dyn Progress,
) -> Result<UpsertSummary, StorageError> {
    let before = crate::call_changes::stored_calls(backend, tx, only).await?;
    let table = RecordTable { table: CallTopics::Table.into_iden(), id: CallTopics::TopicId.into_iden() };
    let new_identity =
        |record: &NewCallTopic| vec![(CallTopics::TopicId.into_iden(), Expr::val(record.content.topic_id.as_str()))];
    let summary = upsert_records(backend, tx, table, records, new_identity, progress).await?;
    crate::call_changes::record_changes(backend, tx, before, records).await?;
    Ok(summary)
}

fn projection(call: &CallContent) -> Vec<(DynIden, Expr)> {
    let date = |d: Option<&chrono::NaiveDate>| d.map(|d| d.format("%Y-%m-%d").to_string());
    let mut search_text = fold(&call.title);
    for extra in [&call.topic_id, &call.programme].into_iter().chain(&call.keywords) {
        search_text.push('\n');
        search_text.push_str(&fold(extra));
    }
    vec![
        (CallTopics::Title, Expr::val(call.title.as_str())),
        (CallTopics::SortTitle, Expr::val(fold(&call.title))),
        (CallTopics::Programme, Expr::val(call.programme.as_str())),
        (CallTopics::SourceStatus, Expr::val(call.source_status.id())),
        (CallTopics::OpeningDate, Expr::val(date(call.opening_date.as_ref()))),
        (CallTopics::FirstDeadline, Expr::val(date(call.deadlines.first()))),
        (CallTopics::LastDeadline, Expr::val(date(call.deadlines.last()))),
        (CallTopics::BudgetMin, Expr::val(call.budget_min)),
        (CallTopics::BudgetMax, Expr::val(call.budget_max)),
        (CallTopics::SearchText, Expr::val(search_text)),
    ]
    .into_iter()
    .map(|(column, value)| (column.into_iden(), value))
    .collect()
}

fn call_condition(filter: &CallFilter) -> Cond {
    let mut condition = Cond::all();
    if let Some(text) = &filter.text {
        for word in fold(text).split_whitespace() {
            condition =
                condition.add(Expr::col(CallTopics::SearchText).like(LikeExpr::new(like_contains(word)).escape('\\')));
        }
    }
    if let Some(programme) = filter.programme.as_deref().filter(|p| !p.is_empty()) {
        condition = condition.add(Expr::col(CallTopics::Programme).eq(programme));
    }
    if let Some(status) = filter.status {
        condition = condition.add(status_condition(status, filter.today));
    }
    let date = |d: chrono::NaiveDate| d.format("%Y-%m-%d").to_string();
    if let Some(from) = filter.deadline_from {
        condition = condition.add(Expr::col(CallTopics::LastDeadline).gte(date(from)));
    }
    if let Some(to) = filter.deadline_to {
        condition = condition.add(Expr::col(CallTopics::FirstDeadline).lte(date(to)));
    }
    if let Some(at_least) = filter.budget_at_least {
        condition = condition.add(Expr::col(CallTopics::BudgetMax).gte(at_least));
    }
    if let Some(at_most) = filter.budget_at_most {
        condition = condition.add(Expr::col(CallTopics::BudgetMin).lte(at_most));
    }
    condition
}

/// The rows whose calls have `status` on `today`: [`lshub_domain::CallStatus::on`] in SQL
/// (dates are stored as `YYYY-MM-DD`, so text order is date order).
pub(crate) fn status_condition(status: CallStatus, today: NaiveDate) -> Cond {
    let today = today.format("%Y-%m-%d").to_string();
    // Each part is true or false, never NULL, so that `not()` of it is too.
    let closed = Cond::any().add(Expr::col(CallTopics::SourceStatus).eq(CallStatus::Closed.id())).add(
        Cond::all()
            .add(Expr::col(CallTopics::LastDeadline).is_not_null())
            .add(Expr::col(CallTopics::LastDeadline).lt(today.clone())),
    );
    let not_yet_open = Cond::any()
        .add(
            Cond::all()
                .add(Expr::col(CallTopics::OpeningDate).is_not_null())
                .add(Expr::col(CallTopics::OpeningDate).gt(today)),
        )
        .add(
            Cond::all()
                .add(Expr::col(CallTopics::OpeningDate).is_null())
                .add(Expr::col(CallTopics::SourceStatus).eq(CallStatus::Forthcoming.id())),
        );
    match status {
        CallStatus::Closed => closed,
        CallStatus::Forthcoming => Cond::all().add(closed.not()).add(not_yet_open),
        CallStatus::Open => Cond::all().add(closed.not()).add(not_yet_open.not()),
    }
}

fn order_calls(query: &mut SelectStatement, sort: CallSort) {
    match sort {
        CallSort::Deadline => query.order_by_with_nulls(CallTopics::FirstDeadline, Order::Asc, NullOrdering::Last),
        CallSort::DeadlineDesc => query.order_by_with_nulls(CallTopics::FirstDeadline, Order::Desc, NullOrdering::Last),
        CallSort::Title => query.order_by(CallTopics::SortTitle, Order::Asc),
        CallSort::BudgetDesc => query.order_by_with_nulls(CallTopics::BudgetMax, Order::Desc, NullOrdering::Last),
        CallSort::RecentlyUpdated => query.order_by(CallTopics::LastUpdated, Order::Desc),
    };
    query.order_by(CallTopics::TopicId, Order::Asc);
}

fn call_from_row(row: &AnyRow) -> Result<CallTopic, StorageError> {
    let id: String = row.try_get("topic_id").context("reading a call")?;
    let content = record_from_row::<CallContent>(row, &id)?;
    Ok(CallTopic { provenance: provenance_from_row(row, &id)?, content })
}

impl StoredRecord for NewCallTopic {
    fn row(&self) -> Result<RecordRow<'_>, StorageError> {
        let json = serde_json::to_string(&self.content).map_err(|e| StorageError::Bind(format!("call record: {e}")))?;
        Ok(RecordRow {
            source: &self.source,
            projection: projection(&self.content),
            json,
            version: CallContent::RECORD_VERSION,
        })
    }
}

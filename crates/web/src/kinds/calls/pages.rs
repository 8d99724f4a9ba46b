//! Funding calls: the list with its filters, and each call's page.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::NaiveDate;
use lshub_domain::alerts::SearchCriteria;
use lshub_domain::{topic_id_path_segment, CallFilter, CallSort, CallStatus, CallTopic, Page};
use serde_json::json;

use crate::auth::Auth;
use crate::error::AppError;
use crate::i18n::Translator;
use crate::pages::facts::{paragraphs, provenance_fields, web_link, Field};
use crate::pages::widgets::{url_with, Pager, SelectOption};
use crate::pages::{format, matching, render, PageContext};
use crate::params::{CallParams, Params};
use crate::state::AppState;

/// A call in a list.
pub struct CallRow {
    pub url: String,
    pub title: String,
    pub topic_id: String,
    pub programme: String,
    pub status: String,
    pub status_id: &'static str,
    /// The next deadline from today, else the last one.
    pub deadline: String,
    /// The deadline as YYYY-MM-DD, for `<time datetime>`.
    pub deadline_iso: String,
    pub budget: String,
}

impl CallRow {
    pub fn new(t: &Translator, call: &CallTopic, today: NaiveDate) -> Self {
        let content = &call.content;
        let deadline = content.next_deadline(today);
        Self {
            url: format!("/calls/{}", topic_id_path_segment(&content.topic_id)),
            title: content.title.clone(),
            topic_id: content.topic_id.clone(),
            programme: content.programme.clone(),
            status: status_label(t, content.status_on(today)),
            status_id: content.status_on(today).id(),
            deadline: deadline.map(|d| format::date(t.lang, d)).unwrap_or_default(),
            deadline_iso: deadline.map(|d| d.to_string()).unwrap_or_default(),
            budget: format::budget_range(t.lang, content.budget_min, content.budget_max).unwrap_or_default(),
        }
    }
}

fn status_label(t: &Translator, status: CallStatus) -> String {
    t.t(&format!("status-{}", status.id()))
}

/// A value of the filter form that cannot be applied, shown above the form and linked to
/// its field rather than on an error page that loses what the visitor entered.
pub struct FormProblem {
    /// The field's `id` and query name.
    pub field: &'static str,
    pub label: String,
    /// What to enter instead.
    pub hint: String,
}

/// The form's fields: query name, label and the hint given when its value cannot be applied.
const FORM_FIELDS: [(&str, &str, &str); 8] = [
    ("q", "filter-text-calls", "filter-hint-text"),
    ("programme", "filter-programme", "filter-hint-choice"),
    ("status", "filter-status", "filter-hint-choice"),
    ("deadlineFrom", "filter-deadline-from", "filter-hint-deadline-from"),
    ("deadlineTo", "filter-deadline-to", "filter-hint-date"),
    ("budgetMin", "filter-budget-min", "filter-hint-budget-min"),
    ("budgetMax", "filter-budget-max", "filter-hint-amount"),
    ("sort", "filter-sort", "filter-hint-choice"),
];

#[derive(Template)]
#[template(path = "calls.html")]
struct CallsPage {
    ctx: PageContext,
    params: CallParams,
    problem: Option<FormProblem>,
    /// Whether any filter narrows the list, for the advice when nothing matches.
    filtered: bool,
    programmes: Vec<SelectOption>,
    statuses: Vec<SelectOption>,
    sorts: Vec<SelectOption>,
    count: String,
    rows: Vec<CallRow>,
    pager: Pager,
    /// The CSRF token of the "save this search" form, for a signed-in user.
    save_csrf: Option<String>,
    /// The search as the form saves it.
    saved_query: Vec<(&'static str, String)>,
}

impl CallsPage {
    /// Whether the form field `field` holds the value that cannot be applied.
    fn invalid(&self, field: &str) -> bool {
        self.problem.as_ref().is_some_and(|p| p.field == field)
    }
}

pub async fn list(
    State(state): State<AppState>,
    ctx: PageContext,
    auth: Auth,
    Params(params): Params<CallParams>,
) -> Result<Response, AppError> {
    let t = &ctx.t;
    let today = state.today();
    let (filter, problem) = match params.to_filter(today) {
        Ok(filter) => (filter, None),
        Err(e) => match FORM_FIELDS.iter().find(|(field, _, _)| *field == e.field) {
            Some(&(field, label, hint)) => {
                (CallFilter::on(today), Some(FormProblem { field, label: t.t(label), hint: t.t(hint) }))
            }
            // Paging values are not in the form: the error page explains them.
            None => return Err(e.into()),
        },
    };
    let page = match problem {
        None => state.db.list_calls(&filter).await?,
        Some(_) => Page { items: Vec::new(), total: 0 },
    };
    let figures = state.derived.figures();
    let sort_labels = [
        (CallSort::Deadline, "sort-deadline"),
        (CallSort::DeadlineDesc, "sort-deadline-desc"),
        (CallSort::Title, "sort-title"),
        (CallSort::BudgetDesc, "sort-budget"),
        (CallSort::RecentlyUpdated, "sort-updated"),
    ];
    let view = CallsPage {
        filtered: filter.text.is_some()
            || filter.programme.is_some()
            || filter.status.is_some()
            || filter.deadline_from.is_some()
            || filter.deadline_to.is_some()
            || filter.budget_at_least.is_some()
            || filter.budget_at_most.is_some(),
        programmes: figures
            .programmes
            .iter()
            .map(|(programme, n)| {
                let label = format!("{programme} ({})", format::number(t.lang, *n));
                SelectOption::new(programme.clone(), label, filter.programme.as_deref())
            })
            .collect(),
        statuses: CallStatus::ALL
            .iter()
            .map(|s| SelectOption::new(s.id(), status_label(t, *s), filter.status.map(CallStatus::id)))
            .collect(),
        sorts: sort_labels
            .iter()
            .map(|(sort, label)| SelectOption::new(sort.id(), t.t(label), Some(filter.sort.id())))
            .collect(),
        count: t.count("calls-count", page.total),
        rows: page.items.iter().map(|c| CallRow::new(t, c, today)).collect(),
        save_csrf: auth.session.is_some().then(|| auth.csrf.clone()),
        saved_query: SearchCriteria::of(&filter).query_pairs(),
        pager: Pager::new(t, page.total, filter.page, |offset| {
            let mut params = params.clone();
            params.offset = (offset > 0).then(|| offset.to_string());
            url_with("/calls", &params)
        }),
        params,
        problem,
        ctx,
    };
    let mut response = render(&view)?;
    if view.problem.is_some() {
        *response.status_mut() = StatusCode::BAD_REQUEST;
    }
    Ok(response)
}

/// One deadline of a call, written out and as YYYY-MM-DD.
struct Deadline {
    written: String,
    iso: String,
    /// Whether this is the next deadline (or the last, when all have passed).
    next: bool,
}

#[derive(Template)]
#[template(path = "call.html")]
struct CallPage {
    ctx: PageContext,
    call: CallRow,
    facts: Vec<Field>,
    deadlines: Vec<Deadline>,
    deadline_model: Option<String>,
    keywords: Vec<String>,
    description: Vec<String>,
    conditions: Vec<String>,
    support: Vec<String>,
    portal_url: Option<String>,
    /// "Open this call on the EU Funding & Tenders portal", or on another funder's site.
    portal_label: String,
    provenance: Vec<Field>,
    /// "Changed on …": when an import last found the call changed or closed.
    changed_on: Option<String>,
    /// Organisations that could apply.
    matches: Vec<matching::MatchSection>,
    /// schema.org MonetaryGrant, safe inside `<script>`.
    json_ld: String,
}

pub async fn show(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(topic_id): Path<String>,
) -> Result<Response, AppError> {
    let call = state.db.call_by_topic_id(&topic_id).await?.ok_or(AppError::not_found("call"))?;
    let mut view = CallPage::new(ctx, &call, state.today());
    view.json_ld = json_ld(&state.site.public_url, &call, state.today());
    let changed = state.db.last_call_change(&call.content.topic_id).await?;
    view.changed_on = changed.map(|at| {
        view.ctx.t.t1("call-changed-on", "date", format::date(view.ctx.t.lang, state.site.clock.date_at(at)))
    });
    let wanted = [
        ("match-applicants", lshub_search::EntityType::ORGANISATION),
        ("match-datasets", lshub_search::EntityType(&lshub_domain::content::DATASET)),
    ];
    view.matches =
        matching::sections(&state, &view.ctx.t, lshub_search::Searchable::search_document(&call), &wanted).await?;
    render(&view)
}

/// The call as a schema.org MonetaryGrant: what it funds, who funds it, how much per
/// grant in euro, and its status and dates, which schema.org's Grant has no words for, as
/// properties of the grant's identifier.
fn json_ld(public_url: &str, call: &CallTopic, today: NaiveDate) -> String {
    let content = &call.content;
    let base = public_url.trim_end_matches('/');
    let mut document = serde_json::Map::new();
    document.insert("@context".into(), json!("https://schema.org"));
    document.insert("@type".into(), json!("MonetaryGrant"));
    document.insert("name".into(), json!(content.title));
    document.insert("url".into(), json!(format!("{base}/calls/{}", topic_id_path_segment(&content.topic_id))));
    document.insert(
        "identifier".into(),
        json!({ "@type": "PropertyValue", "propertyID": "topicId", "value": content.topic_id }),
    );
    if !content.description.is_empty() {
        document.insert("description".into(), json!(crate::feeds::excerpt(&content.description, 1000)));
    }
    if !content.keywords.is_empty() {
        document.insert("keywords".into(), json!(content.keywords.join(", ")));
    }
    document.insert("funder".into(), json!({ "@type": "Organization", "name": content.programme }));
    if content.budget_min.is_some() || content.budget_max.is_some() {
        let mut amount = serde_json::Map::new();
        amount.insert("@type".into(), json!("MonetaryAmount"));
        amount.insert("currency".into(), json!("EUR"));
        if let Some(min) = content.budget_min {
            amount.insert("minValue".into(), json!(min));
        }
        if let Some(max) = content.budget_max {
            amount.insert("maxValue".into(), json!(max));
        }
        document.insert("amount".into(), serde_json::Value::Object(amount));
    }
    let mut dates = vec![json!({ "@type": "PropertyValue", "name": "status", "value": content.status_on(today).id() })];
    if let Some(opening) = content.opening_date {
        dates.push(json!({ "@type": "PropertyValue", "name": "openingDate", "value": opening.to_string() }));
    }
    for deadline in &content.deadlines {
        dates.push(json!({ "@type": "PropertyValue", "name": "deadline", "value": deadline.to_string() }));
    }
    document.insert("additionalProperty".into(), json!(dates));
    if let Some(portal) = &content.portal_url {
        document.insert("sameAs".into(), json!(portal));
    }
    crate::kinds::organisations::escape_for_script(&serde_json::Value::Object(document).to_string())
}

impl CallPage {
    fn new(ctx: PageContext, call: &CallTopic, today: NaiveDate) -> Self {
        let t = &ctx.t;
        let content = &call.content;
        let field = |label: &str, value: String| Field { label: t.t(label), value, link: None };
        let mut facts =
            vec![field("call-topic-id", content.topic_id.clone()), field("call-programme", content.programme.clone())];
        if let Some(cluster) = &content.cluster {
            facts.push(field("call-cluster", cluster.clone()));
        }
        let call_name = match (&content.call_title, &content.call_id) {
            (Some(title), Some(id)) if title != id => Some(format!("{title} ({id})")),
            (title, id) => title.clone().or_else(|| id.clone()),
        };
        if let Some(name) = call_name {
            facts.push(field("call-call", name));
        }
        let action = match (&content.type_of_action, &content.action_type) {
            (Some(kind), Some(short)) if !kind.contains(short.as_str()) => Some(format!("{kind} ({short})")),
            (kind, short) => kind.clone().or_else(|| short.clone()),
        };
        if let Some(action) = action {
            facts.push(field("call-type-of-action", action));
        }
        facts.push(field(
            "call-budget",
            format::budget_range(t.lang, content.budget_min, content.budget_max)
                .unwrap_or_else(|| t.t("call-budget-unknown")),
        ));
        if let Some(grants) = content.expected_grants {
            facts.push(field("call-expected-grants", format::number(t.lang, grants)));
        }
        Self {
            matches: Vec::new(),
            json_ld: String::new(),
            changed_on: None,
            call: CallRow::new(t, call, today),
            facts,
            deadlines: content
                .deadlines
                .iter()
                .map(|d| Deadline {
                    written: format::date(t.lang, *d),
                    iso: d.to_string(),
                    next: content.next_deadline(today) == Some(*d),
                })
                .collect(),
            deadline_model: content.deadline_model.clone(),
            keywords: content.keywords.clone(),
            description: paragraphs(&content.description),
            conditions: paragraphs(content.conditions.as_deref().unwrap_or_default()),
            support: paragraphs(content.support_info.as_deref().unwrap_or_default()),
            portal_url: content.portal_url.as_deref().and_then(web_link),
            portal_label: t.t(match call.provenance.source.as_str() {
                lshub_domain::call::EU_FUNDING_TENDERS => "call-portal",
                _ => "call-portal-funder",
            }),
            provenance: provenance_fields(t, &call.provenance),
            ctx,
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use lshub_domain::Language;
    use serde_json::json;

    use super::*;
    use crate::i18n::I18n;

    fn call() -> CallTopic {
        serde_json::from_value(json!({
            "topicId": "HORIZON-HLTH-2027-01-02",
            "title": "AI for <em>cancer</em> care",
            "programme": "Horizon Europe",
            "cluster": "Health",
            "callId": "HORIZON-HLTH-2027-01",
            "callTitle": "HORIZON-HLTH-2027-01",
            "actionType": "RIA",
            "typeOfAction": "HORIZON Research and Innovation Actions",
            "status": "open",
            "deadlines": ["2027-01-10", "2027-09-01"],
            "deadlineModel": "two-stage",
            "budgetMin": 1500000,
            "budgetMax": 6000000,
            "expectedGrants": 4,
            "keywords": ["oncology"],
            "description": "First paragraph\nstill the first.\n  \nSecond <script>alert(1)</script>.",
            "conditions": "Eligible: everyone.",
            "supportInfo": null,
            "portalUrl": "https://ec.europa.eu/topic",
            "provenance": {
                "source": "eu-ft",
                "sourceId": "HORIZON-HLTH-2027-01-02",
                "firstImported": "2026-01-02T10:00:00Z",
                "lastUpdated": "2026-03-04T10:00:00Z"
            }
        }))
        .expect("a valid call")
    }

    #[test]
    fn paragraphs_split_at_blank_lines() {
        assert_eq!(paragraphs("a\nb\n\n \n c \n\n"), vec!["a\nb", " c"]);
        assert!(paragraphs("  \n\n").is_empty());
    }

    #[test]
    fn rows_show_the_next_deadline() {
        let i18n = Arc::new(I18n::load().expect("translations load"));
        let t = Translator::new(i18n, Language::Nl);
        let day = |d: &str| d.parse::<NaiveDate>().expect("date");
        let row = CallRow::new(&t, &call(), day("2027-02-01"));
        assert_eq!(row.deadline, "1 september 2027");
        assert_eq!(row.deadline_iso, "2027-09-01");
        assert_eq!(row.budget, "€ 1.500.000 – € 6.000.000");
        assert_eq!(row.status, "Open");
        assert_eq!(CallRow::new(&t, &call(), day("2028-01-01")).deadline_iso, "2027-09-01");
    }

    #[test]
    fn the_page_shows_the_call_with_its_text_escaped() {
        let i18n = Arc::new(I18n::load().expect("translations load"));
        let ctx = PageContext {
            t: Translator::new(i18n, Language::En),
            current_url: "/calls/HORIZON-HLTH-2027-01-02".into(),
            region: "Amsterdam".into(),
            signed_in: false,
            admin: false,
        };
        let html = CallPage::new(ctx, &call(), "2026-12-01".parse().expect("date")).render().expect("renders");
        assert!(!html.contains("<em>cancer") && !html.contains("<script>alert"), "data is escaped");
        assert!(html.contains("<p>First paragraph\nstill the first.</p>"));
        assert!(html.contains("€1,500,000 – €6,000,000"));
        assert!(html.contains("<dd>HORIZON-HLTH-2027-01</dd>"), "an id used as title is shown once");
        assert!(html.contains(r#"href="https://ec.europa.eu/topic""#));
        assert!(html.contains("<details"), "conditions fold away");
        assert!(html.contains("EU Funding &#38; Tenders") || html.contains("EU Funding &amp; Tenders"));
        assert!(html.contains("4 March 2026"));
    }
}

//! Query-string parameters of the directory and call lists. Pages and the API accept the
//! same names, so a page's URL and the matching API URL differ only in their path.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use chrono::NaiveDate;
use lshub_domain::{
    CallFilter, CallSort, CallStatus, OrganisationFilter, OrganisationKind, OrganisationSort, Pagination, Reason,
    ValidationError,
};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use utoipa::IntoParams;

use crate::error::AppError;

/// Query parameters, decoded without axum's own rejection so that bad input gets the
/// hub's one error shape.
pub struct Params<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for Params<T> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let query = parts.uri.query().unwrap_or_default();
        serde_urlencoded::from_str(query)
            .map(Params)
            .map_err(|e| AppError::BadRequest(ValidationError::new("query", Reason::Other(e.to_string()))))
    }
}

/// Filters of the organisation directory. Empty values mean "no filter".
#[derive(Debug, Default, Clone, Deserialize, Serialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OrganisationParams {
    /// Words that must all occur in the name or an alias (case and accents ignored).
    #[param(max_length = 200, pattern = r"^[^\u0000-\u001f\u007f-\u009f]*$")]
    pub q: Option<String>,
    /// One of `company`, `healthcare`, `education`, `research-institute`, `government`,
    /// `nonprofit`, `archive`, `other`.
    #[param(pattern = "^(company|healthcare|education|research-institute|government|nonprofit|archive|other)?$")]
    pub kind: Option<String>,
    /// City, case ignored.
    #[param(max_length = 200, pattern = r"^[^\u0000-\u001f\u007f-\u009f]*$")]
    pub city: Option<String>,
    /// ISO 3166-1 alpha-2 country code, e.g. `NL`.
    #[param(pattern = "^([A-Za-z]{2})?$")]
    pub country: Option<String>,
    /// `name` (default), `-name`, `city` or `-updated`.
    #[param(pattern = "^(name|-name|city|-updated)?$")]
    pub sort: Option<String>,
    /// Page size, 1 to 100 (default 20).
    #[param(value_type = Option<i64>, minimum = 1, maximum = 100)]
    pub limit: Option<String>,
    /// Items to skip, 0 to 10,000,000 (default 0).
    #[param(value_type = Option<i64>, minimum = 0, maximum = 10_000_000)]
    pub offset: Option<String>,
}

/// Filters of the call list. Empty values mean "no filter".
#[derive(Debug, Default, Clone, Deserialize, Serialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(rename_all = "camelCase")]
pub struct CallParams {
    /// Words that must all occur in the title, topic id, programme or keywords.
    #[param(max_length = 200, pattern = r"^[^\u0000-\u001f\u007f-\u009f]*$")]
    pub q: Option<String>,
    /// Programme name, exactly as listed, e.g. `Horizon Europe`.
    #[param(max_length = 200, pattern = r"^[^\u0000-\u001f\u007f-\u009f]*$")]
    pub programme: Option<String>,
    /// `open`, `forthcoming` or `closed`.
    #[param(pattern = "^(open|forthcoming|closed)?$")]
    pub status: Option<String>,
    /// Calls with a deadline on or after this day (YYYY-MM-DD); not after `deadlineTo`.
    #[param(value_type = Option<String>, format = Date)]
    pub deadline_from: Option<String>,
    /// Calls with a deadline on or before this day (YYYY-MM-DD).
    #[param(value_type = Option<String>, format = Date)]
    pub deadline_to: Option<String>,
    /// Calls that give at least this much per grant (EUR); not more than `budgetMax`.
    #[param(value_type = Option<i64>, minimum = 0)]
    pub budget_min: Option<String>,
    /// Calls whose smallest grant is at most this much (EUR).
    #[param(value_type = Option<i64>, minimum = 0)]
    pub budget_max: Option<String>,
    /// `deadline` (default), `-deadline`, `title`, `-budget` or `-updated`.
    #[param(pattern = "^(deadline|-deadline|title|-budget|-updated)?$")]
    pub sort: Option<String>,
    /// Page size, 1 to 100 (default 20).
    #[param(value_type = Option<i64>, minimum = 1, maximum = 100)]
    pub limit: Option<String>,
    /// Items to skip, 0 to 10,000,000 (default 0).
    #[param(value_type = Option<i64>, minimum = 0, maximum = 10_000_000)]
    pub offset: Option<String>,
}

/// Treats an empty or blank form field as absent.
fn present(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

/// One of a fixed set of values, read by `parse`; `ids` are the values it knows.
fn choice<T>(
    field: &'static str,
    value: &Option<String>,
    parse: fn(&str) -> Option<T>,
    ids: &[&str],
) -> Result<Option<T>, ValidationError> {
    present(value)
        .map(|v| {
            parse(v).ok_or_else(|| {
                ValidationError::new(field, Reason::NotOneOf { value: v.to_owned(), allowed: ids.join(", ") })
            })
        })
        .transpose()
}

fn integer(field: &'static str, value: &Option<String>) -> Result<Option<i64>, ValidationError> {
    present(value)
        .map(|v| {
            v.parse::<i64>().map_err(|_| ValidationError::new(field, Reason::NotWholeNumber { value: v.to_string() }))
        })
        .transpose()
}

fn date(field: &'static str, value: &Option<String>) -> Result<Option<NaiveDate>, ValidationError> {
    present(value)
        .map(|v| {
            NaiveDate::parse_from_str(v, "%Y-%m-%d")
                .map_err(|_| ValidationError::new(field, Reason::NotDate { value: v.to_string() }))
        })
        .transpose()
}

pub(crate) fn pagination(limit: &Option<String>, offset: &Option<String>) -> Result<Pagination, ValidationError> {
    Pagination::new(integer("limit", limit)?, integer("offset", offset)?)
}

impl OrganisationParams {
    pub fn to_filter(&self) -> Result<OrganisationFilter, ValidationError> {
        let kind =
            choice("kind", &self.kind, OrganisationKind::from_id, &OrganisationKind::ALL.map(OrganisationKind::id))?;
        let filter = OrganisationFilter {
            text: present(&self.q).map(str::to_owned),
            kind,
            city: present(&self.city).map(str::to_owned),
            country: present(&self.country).map(str::to_ascii_uppercase),
            sort: present(&self.sort).map(OrganisationSort::from_id).transpose()?.unwrap_or_default(),
            page: pagination(&self.limit, &self.offset)?,
        };
        filter.validate()?;
        Ok(filter)
    }
}

impl CallParams {
    /// The filter, with statuses judged on `today` (the region's date).
    pub fn to_filter(&self, today: NaiveDate) -> Result<CallFilter, ValidationError> {
        let status = choice("status", &self.status, CallStatus::from_id, &CallStatus::ALL.map(CallStatus::id))?;
        let filter = CallFilter {
            today,
            text: present(&self.q).map(str::to_owned),
            programme: present(&self.programme).map(str::to_owned),
            status,
            deadline_from: date("deadlineFrom", &self.deadline_from)?,
            deadline_to: date("deadlineTo", &self.deadline_to)?,
            budget_at_least: integer("budgetMin", &self.budget_min)?,
            budget_at_most: integer("budgetMax", &self.budget_max)?,
            sort: present(&self.sort).map(CallSort::from_id).transpose()?.unwrap_or_default(),
            page: pagination(&self.limit, &self.offset)?,
        };
        filter.validate()?;
        Ok(filter)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_values_name_their_field() {
        let params = CallParams { deadline_from: Some("tomorrow".into()), ..Default::default() };
        assert_eq!(params.to_filter(NaiveDate::MIN).map_err(|e| e.field), Err("deadlineFrom"));
        let params = OrganisationParams { limit: Some("ten".into()), ..Default::default() };
        assert_eq!(params.to_filter().map_err(|e| e.field), Err("limit"));
        let params = OrganisationParams { kind: Some("bank".into()), ..Default::default() };
        assert_eq!(params.to_filter().map_err(|e| e.field), Err("kind"));
    }

    /// The OpenAPI document lists the values each choice takes, as the domain knows them.
    #[test]
    fn documented_choices_are_the_domains() {
        use utoipa::IntoParams;
        let pattern = |params: Vec<utoipa::openapi::path::Parameter>, name: &str| {
            let json = serde_json::to_value(params).expect("parameters as JSON");
            let param = json.as_array().and_then(|a| a.iter().find(|p| p["name"] == name)).cloned();
            param.and_then(|p| p["schema"]["pattern"].as_str().map(str::to_owned)).unwrap_or_default()
        };
        let choices = |ids: Vec<&str>| format!("^({})?$", ids.join("|"));
        let organisations = || OrganisationParams::into_params(|| None);
        let calls = || CallParams::into_params(|| None);
        assert_eq!(pattern(organisations(), "kind"), choices(OrganisationKind::ALL.iter().map(|k| k.id()).collect()));
        assert_eq!(pattern(organisations(), "sort"), choices(OrganisationSort::ALL.iter().map(|s| s.id()).collect()));
        assert_eq!(pattern(calls(), "status"), choices(CallStatus::ALL.iter().map(|s| s.id()).collect()));
        assert_eq!(pattern(calls(), "sort"), choices(CallSort::ALL.iter().map(|s| s.id()).collect()));
    }

    #[test]
    fn blank_form_fields_are_no_filter() {
        let params = OrganisationParams { kind: Some("".into()), city: Some("  ".into()), ..Default::default() };
        assert_eq!(params.to_filter(), Ok(OrganisationFilter::default()));
    }
}

/// A search over every entity type.
#[derive(Debug, Default, Clone, Deserialize, Serialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchParams {
    /// Plain words, in Dutch or English; no query syntax.
    #[param(required = true, max_length = 2000, pattern = r"\S")]
    pub q: Option<String>,
    /// A kind of content; empty for all. (The OpenAPI document names every registered
    /// kind here: `api::search::SearchTypes`.)
    #[serde(rename = "type")]
    #[param(rename = "type")]
    pub entity: Option<String>,
    /// Results, 1 to 100 (default 20).
    #[param(value_type = Option<i64>, minimum = 1, maximum = 100)]
    pub limit: Option<String>,
    /// Only calls with this status today, in the region's time zone; implies `type=call`.
    #[param(pattern = "^(open|forthcoming|closed)$")]
    pub status: Option<String>,
}

/// Longer queries are refused rather than silently cut.
const MAX_QUERY_CHARS: usize = 2000;

impl SearchParams {
    /// The search, or `None` when no words were given (an empty search form); a status is
    /// judged on `today`, the region's date.
    pub fn to_request(&self, today: NaiveDate) -> Result<Option<lshub_search::SearchRequest>, ValidationError> {
        let status = choice("status", &self.status, CallStatus::from_id, &CallStatus::ALL.map(CallStatus::id))?;
        let entity = present(&self.entity)
            .map(|t| {
                lshub_search::EntityType::from_id(t).ok_or_else(|| {
                    ValidationError::new(
                        "type",
                        Reason::NotOneOf {
                            value: t.to_string(),
                            allowed: lshub_search::EntityType::all().map(|t| t.id()).collect::<Vec<_>>().join(", "),
                        },
                    )
                })
            })
            .transpose()?;
        // Only calls have a status.
        if let (Some(_), Some(other)) = (status, entity.filter(|e| *e != lshub_search::EntityType::CALL)) {
            let allowed = lshub_search::EntityType::CALL.id().to_owned();
            return Err(ValidationError::new("type", Reason::NotOneOf { value: other.id().to_owned(), allowed }));
        }
        let entity = if status.is_some() { Some(lshub_search::EntityType::CALL) } else { entity };
        let limit = pagination(&self.limit, &None)?.limit as usize;
        let Some(text) = present(&self.q) else { return Ok(None) };
        if text.chars().count() > MAX_QUERY_CHARS {
            return Err(ValidationError::new("q", Reason::TooLong { max: MAX_QUERY_CHARS }));
        }
        let request = lshub_search::SearchRequest::new(text, entity, limit);
        Ok(Some(lshub_search::SearchRequest { call_status: status.map(|s| (s, today)), ..request }))
    }
}

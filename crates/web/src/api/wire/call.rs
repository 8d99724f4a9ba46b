use chrono::NaiveDate;
use lshub_domain::{CallContent, CallStatus, CallTopic};
use serde::Serialize;
use utoipa::ToSchema;

use super::ProvenanceWire;

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
#[schema(as = CallStatus)]
pub enum CallStatusWire {
    Open,
    Forthcoming,
    Closed,
}

impl From<CallStatus> for CallStatusWire {
    fn from(status: CallStatus) -> Self {
        match status {
            CallStatus::Open => Self::Open,
            CallStatus::Forthcoming => Self::Forthcoming,
            CallStatus::Closed => Self::Closed,
        }
    }
}

/// The content of a funding call topic, as an importer or a form supplies it.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = CallContent)]
pub struct CallContentWire {
    /// The funder's stable topic identifier, e.g. `HORIZON-HLTH-2027-02-IND-02-two-stage`.
    pub topic_id: String,
    pub title: String,
    pub programme: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cluster: Option<String>,
    pub call_id: Option<String>,
    pub call_title: Option<String>,
    /// Broad type, e.g. `Grant`.
    pub action_type: Option<String>,
    /// The programme's own type of action, e.g. `HORIZON Research and Innovation Actions`.
    pub type_of_action: Option<String>,
    /// The status on the day asked, in the region's time zone: from the opening date, the
    /// deadlines and what the source said.
    pub status: CallStatusWire,
    /// The status the source gave when the call was last imported (provenance).
    pub source_status: CallStatusWire,
    /// The day submissions open, where the source says.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub opening_date: Option<NaiveDate>,
    /// Submission deadlines, earliest first.
    pub deadlines: Vec<NaiveDate>,
    pub deadline_model: Option<String>,
    /// Budget per grant in EUR.
    pub budget_min: Option<i64>,
    pub budget_max: Option<i64>,
    pub expected_grants: Option<i64>,
    pub keywords: Vec<String>,
    /// Plain text (never HTML).
    pub description: String,
    /// Plain text (never HTML).
    pub conditions: Option<String>,
    /// Plain text (never HTML).
    pub support_info: Option<String>,
    pub portal_url: Option<String>,
}

impl CallContentWire {
    /// The call as it stands on `today`, the region's date.
    pub fn on(content: &CallContent, today: NaiveDate) -> Self {
        Self {
            topic_id: content.topic_id.clone(),
            title: content.title.clone(),
            programme: content.programme.clone(),
            cluster: content.cluster.clone(),
            call_id: content.call_id.clone(),
            call_title: content.call_title.clone(),
            action_type: content.action_type.clone(),
            type_of_action: content.type_of_action.clone(),
            status: content.status_on(today).into(),
            source_status: content.source_status.into(),
            opening_date: content.opening_date,
            deadlines: content.deadlines.clone(),
            deadline_model: content.deadline_model.clone(),
            budget_min: content.budget_min,
            budget_max: content.budget_max,
            expected_grants: content.expected_grants,
            keywords: content.keywords.clone(),
            description: content.description.clone(),
            conditions: content.conditions.clone(),
            support_info: content.support_info.clone(),
            portal_url: content.portal_url.clone(),
        }
    }
}

/// A funding call topic in the hub.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = CallTopic)]
pub struct CallTopicWire {
    #[serde(flatten)]
    pub content: CallContentWire,
    pub provenance: ProvenanceWire,
}

impl CallTopicWire {
    pub fn on(call: &CallTopic, today: NaiveDate) -> Self {
        Self { content: CallContentWire::on(&call.content, today), provenance: (&call.provenance).into() }
    }
}

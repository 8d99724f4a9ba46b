//! Shared facilities in the web layer: their form (what it is, who may use it at what rate,
//! training, and the booking rules), their page (the facts, the rules in words, the busy
//! times of the next two weeks and the way to book) and their API shape. Booking itself
//! lives in `crate::facilities`; the content kernel does the rest.

use askama::Template;
use chrono::Duration;
use lshub_domain::content::{Item, Written};
use lshub_domain::facility::{Facility, FacilityDraft, FacilityType, QuotaPeriod, QuotaScope, UserType};
use lshub_domain::Language;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::content::{ItemAction, ListFilter, Presented};
use crate::error::AppError;
use crate::i18n::Translator;
use crate::pages::facts::Field;
use crate::pages::forms::{choices, FormField};
use crate::state::AppState;

const SUMMARY_CHARS: usize = 280;
/// The facility's page shows the busy times of this many days ahead.
const BUSY_DAYS_SHOWN: i64 = 14;

/// Booking rules as the API shows and takes them.
#[derive(Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", default)]
pub struct BookingRulesWire {
    pub min_minutes: u32,
    pub max_minutes: u32,
    /// Bookings start on this grid from midnight and last whole slots.
    pub slot_minutes: u32,
    pub min_notice_hours: u32,
    pub max_notice_days: u32,
    /// Kept free after each booking.
    pub buffer_minutes: u32,
    pub approval_required: bool,
    /// Hours per person or organisation per week or month; none for no quota.
    pub quota_hours: Option<u32>,
    /// week or month.
    pub quota_period: Option<String>,
    /// user or organisation.
    pub quota_per: Option<String>,
    /// Closed days, each `YYYY-MM-DD` or `YYYY-MM-DD..YYYY-MM-DD`.
    pub blackouts: Vec<String>,
    /// The most occurrences one recurring request may have.
    pub max_occurrences: u32,
}

/// A facility as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct FacilityWire {
    /// sequencer, mri, microscope, cryo-em, mass-spectrometry, flow-cytometry, compute or other.
    #[serde(rename = "type")]
    pub facility_type: &'static str,
    pub title_en: Option<String>,
    pub title_nl: Option<String>,
    pub description_en: Option<String>,
    pub description_nl: Option<String>,
    pub location: String,
    pub contact: String,
    /// Euro cents per hour by user type (internal, academic, industry); a type left out may not book.
    pub rates_cents: std::collections::BTreeMap<&'static str, u32>,
    pub training_required: bool,
    pub rules: BookingRulesWire,
}

/// A facility as the API takes it; numbers left out take their defaults.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", default)]
pub struct FacilityInput {
    #[serde(rename = "type")]
    pub facility_type: String,
    pub title_en: String,
    pub title_nl: String,
    pub description_en: String,
    pub description_nl: String,
    pub location: String,
    pub contact: String,
    /// Euro per hour (`45` or `45.50`) by user type; a type left out may not book.
    pub rates: std::collections::BTreeMap<String, String>,
    pub training_required: bool,
    pub rules: Option<BookingRulesWire>,
}

impl From<FacilityInput> for FacilityDraft {
    fn from(i: FacilityInput) -> Self {
        let rate = |user: UserType| i.rates.get(user.id()).cloned().unwrap_or_default();
        let number = |value: Option<u32>| value.filter(|n| *n > 0).map(|n| n.to_string()).unwrap_or_default();
        let rules = i.rules.unwrap_or_default();
        FacilityDraft {
            facility_type: i.facility_type,
            title_en: i.title_en,
            title_nl: i.title_nl,
            description_en: i.description_en,
            description_nl: i.description_nl,
            location: i.location,
            contact: i.contact,
            rate_internal: rate(UserType::Internal),
            rate_academic: rate(UserType::Academic),
            rate_industry: rate(UserType::Industry),
            training_required: i.training_required,
            min_minutes: number(Some(rules.min_minutes)),
            max_minutes: number(Some(rules.max_minutes)),
            slot_minutes: number(Some(rules.slot_minutes)),
            min_notice_hours: rules.min_notice_hours.to_string(),
            max_notice_days: number(Some(rules.max_notice_days)),
            buffer_minutes: rules.buffer_minutes.to_string(),
            approval_required: rules.approval_required,
            quota_hours: number(rules.quota_hours),
            quota_period: rules.quota_period.unwrap_or_default(),
            quota_per: rules.quota_per.unwrap_or_default(),
            blackouts: rules.blackouts.join("\n"),
            max_occurrences: number(Some(rules.max_occurrences)),
        }
    }
}

#[derive(Template)]
#[template(path = "facilities/body.html")]
struct Body<'a> {
    t: &'a Translator,
    slug: &'a str,
    facts: Vec<Field>,
    rules: Vec<String>,
    description_en: Option<String>,
    description_nl: Option<String>,
    /// The busy times ahead, as local text.
    busy: Vec<String>,
}

/// Euro cents as "€95.50" or "€ 95,50".
pub(crate) fn rate_text(lang: Language, cents: u32) -> String {
    let euros = crate::pages::format::euros(lang, i64::from(cents / 100));
    match (cents % 100, lang) {
        (0, _) => euros,
        (rest, Language::En) => format!("{euros}.{rest:02}"),
        (rest, Language::Nl) => format!("{euros},{rest:02}"),
    }
}

/// The booking rules in a few sentences.
fn rules_text(t: &Translator, record: &Facility) -> Vec<String> {
    let r = &record.rules;
    let mut lines = vec![
        t.with(
            "facility-rule-length",
            &[
                ("min", r.min_minutes.to_string()),
                ("max", r.max_minutes.to_string()),
                ("slot", r.slot_minutes.to_string()),
            ],
        ),
        t.with(
            "facility-rule-notice",
            &[("min", r.min_notice_hours.to_string()), ("max", r.max_notice_days.to_string())],
        ),
    ];
    if r.buffer_minutes > 0 {
        lines.push(t.t1("facility-rule-buffer", "minutes", r.buffer_minutes.to_string()));
    }
    lines.push(t.t(if r.approval_required { "facility-rule-approval" } else { "facility-rule-instant" }));
    if let Some(quota) = r.quota {
        let period = match quota.period {
            QuotaPeriod::Week => "week",
            QuotaPeriod::Month => "month",
        };
        let per = match quota.per {
            QuotaScope::User => "user",
            QuotaScope::Organisation => "organisation",
        };
        lines.push(t.t1(&format!("facility-rule-quota-{per}-{period}"), "hours", quota.hours.to_string()));
    }
    if r.max_occurrences > 1 {
        lines.push(t.t1("facility-rule-repeats", "max", r.max_occurrences.to_string()));
    }
    for blackout in &r.blackouts {
        let (from, to) =
            (crate::pages::format::date(t.lang, blackout.from), crate::pages::format::date(t.lang, blackout.to));
        lines.push(if blackout.from == blackout.to {
            t.t1("facility-rule-closed-day", "day", from)
        } else {
            t.with("facility-rule-closed", &[("from", from), ("to", to)])
        });
    }
    lines
}

impl Presented for Facility {
    const FILTERS: &'static [ListFilter] = &[
        ListFilter {
            facet: "type",
            description: "Only facilities of this type (sequencer, mri, microscope, cryo-em, mass-spectrometry, \
                          flow-cytometry, compute, other)",
        },
        ListFilter {
            facet: "user-type",
            description: "Only facilities open to this user type (internal, academic, industry)",
        },
        ListFilter { facet: "training", description: "required or none: whether training comes before booking" },
    ];
    type Wire = FacilityWire;
    type Input = FacilityInput;

    fn filter_choices(t: &Translator, facet: &str) -> Vec<(String, String)> {
        let labelled = |prefix: &str, ids: &[&str]| {
            ids.iter().map(|id| ((*id).to_owned(), t.t(&format!("{prefix}-{id}")))).collect()
        };
        match facet {
            "type" => labelled("facility-type", &FacilityType::ALL.iter().map(|x| x.id()).collect::<Vec<_>>()),
            "user-type" => labelled("facility-user", &UserType::ALL.iter().map(|x| x.id()).collect::<Vec<_>>()),
            "training" => labelled("facility-training", &["required", "none"]),
            _ => Vec::new(),
        }
    }

    fn form_fields(t: &Translator, d: &FacilityDraft) -> Vec<FormField> {
        let field = |name: &'static str, kind: &'static str, value: &str| {
            FormField::new(name, t.t(&format!("kind-facility-field-{name}")), kind).value(value.to_owned())
        };
        let hint = |name: &str| t.t(&format!("kind-facility-field-{name}-hint"));
        let flag = |on: bool| if on { "true" } else { "" };
        let types: Vec<&str> = FacilityType::ALL.iter().map(|x| x.id()).collect();
        let periods: Vec<&str> = QuotaPeriod::ALL.iter().map(|x| x.id()).collect();
        let scopes: Vec<&str> = QuotaScope::ALL.iter().map(|x| x.id()).collect();
        vec![
            field("type", "select", "").choices(choices(t, "facility-type", &types, &d.facility_type, None)),
            field("title_en", "text", &d.title_en).hint(hint("title")),
            field("title_nl", "text", &d.title_nl),
            field("description_en", "textarea", &d.description_en),
            field("description_nl", "textarea", &d.description_nl),
            field("location", "text", &d.location),
            field("contact", "text", &d.contact).required().hint(hint("contact")),
            field("rate_internal", "text", &d.rate_internal).hint(hint("rate")),
            field("rate_academic", "text", &d.rate_academic),
            field("rate_industry", "text", &d.rate_industry),
            field("training_required", "checkbox", flag(d.training_required)),
            field("slot_minutes", "number", &d.slot_minutes).hint(hint("slot_minutes")),
            field("min_minutes", "number", &d.min_minutes),
            field("max_minutes", "number", &d.max_minutes),
            field("min_notice_hours", "number", &d.min_notice_hours),
            field("max_notice_days", "number", &d.max_notice_days),
            field("buffer_minutes", "number", &d.buffer_minutes).hint(hint("buffer_minutes")),
            field("approval_required", "checkbox", flag(d.approval_required)),
            field("quota_hours", "number", &d.quota_hours).hint(hint("quota_hours")),
            field("quota_period", "select", "").choices(choices(
                t,
                "facility-quota-period",
                &periods,
                &d.quota_period,
                Some(t.t("facility-quota-none")),
            )),
            field("quota_per", "select", "").choices(choices(
                t,
                "facility-quota-per",
                &scopes,
                &d.quota_per,
                Some(t.t("facility-quota-none")),
            )),
            field("blackouts", "textarea", &d.blackouts).hint(hint("blackouts")),
            field("max_occurrences", "number", &d.max_occurrences).hint(hint("max_occurrences")),
        ]
    }

    async fn page_html(state: &AppState, item: &Item<Self>, t: &Translator) -> Result<String, AppError> {
        let f = &item.record;
        let fact =
            |name: &str, value: String| Field { label: t.t(&format!("kind-facility-field-{name}")), value, link: None };
        let mut facts = vec![fact("type", t.t(&format!("facility-type-{}", f.facility_type.id())))];
        if !f.location.is_empty() {
            facts.push(fact("location", f.location.clone()));
        }
        facts.push(fact("contact", f.contact.clone()));
        for user in f.rates.open_to() {
            let cents = f.rates.for_user(user).unwrap_or_default();
            facts.push(Field {
                label: t.t(&format!("facility-rate-{}", user.id())),
                value: t.t1("facility-per-hour", "amount", rate_text(t.lang, cents)),
                link: None,
            });
        }
        facts.push(fact(
            "training_required",
            t.t(if f.training_required { "facility-training-required" } else { "facility-training-none" }),
        ));
        let now = crate::events::now(state);
        let busy = lshub_service::facilities::busy(&state.db, &item.slug, now, now + Duration::days(BUSY_DAYS_SHOWN))
            .await
            .map(|(_, spans)| spans)
            .unwrap_or_default();
        let zone = state.site.clock.time_zone();
        let local = |at| crate::kinds::events::local(t.lang, lshub_domain::event::local_time_in(at, zone));
        let busy = busy
            .iter()
            .map(|span| {
                format!(
                    "{} – {}",
                    local(span.starts_at),
                    lshub_domain::event::local_time_in(span.ends_at, zone).format("%H:%M")
                )
            })
            .collect();
        let body = Body {
            t,
            slug: &item.slug,
            facts,
            rules: rules_text(t, f),
            description_en: f.description.en.clone(),
            description_nl: f.description.nl.clone(),
            busy,
        };
        Ok(body.render()?)
    }

    fn actions(_item: &Item<Self>, t: &Translator) -> Vec<ItemAction> {
        vec![ItemAction { path: "bookings", label: t.t("facility-bookings-title"), post: false }]
    }

    fn summary(&self) -> String {
        crate::feeds::excerpt(self.description.get(Language::En), SUMMARY_CHARS)
    }

    fn html(&self) -> String {
        self.description.both().map(crate::markdown::render).collect()
    }

    fn wire(&self) -> FacilityWire {
        let r = &self.rules;
        FacilityWire {
            facility_type: self.facility_type.id(),
            title_en: self.title.en.clone(),
            title_nl: self.title.nl.clone(),
            description_en: self.description.en.clone(),
            description_nl: self.description.nl.clone(),
            location: self.location.clone(),
            contact: self.contact.clone(),
            rates_cents: self.rates.open_to().filter_map(|u| Some((u.id(), self.rates.for_user(u)?))).collect(),
            training_required: self.training_required,
            rules: BookingRulesWire {
                min_minutes: r.min_minutes,
                max_minutes: r.max_minutes,
                slot_minutes: r.slot_minutes,
                min_notice_hours: r.min_notice_hours,
                max_notice_days: r.max_notice_days,
                buffer_minutes: r.buffer_minutes,
                approval_required: r.approval_required,
                quota_hours: r.quota.map(|q| q.hours),
                quota_period: r.quota.map(|q| q.period.id().to_owned()),
                quota_per: r.quota.map(|q| q.per.id().to_owned()),
                blackouts: self.to_draft().blackouts.lines().map(str::to_owned).collect(),
                max_occurrences: r.max_occurrences,
            },
        }
    }
}

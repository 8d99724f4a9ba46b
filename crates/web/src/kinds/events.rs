//! Events in the web layer: their form, their page (when, in the event's own time zone,
//! where, with a map link, who organises it, and how it takes registrations) and their API
//! shape. The kernel does the rest.

use askama::Template;
use lshub_domain::content::Item;
use lshub_domain::event::{Event, EventDraft, EventType, DEFAULT_TIME_ZONE};
use lshub_domain::Language;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::content::{ListFilter, Presented};
use crate::error::AppError;
use crate::i18n::Translator;
use crate::pages::facts::Field;
use crate::pages::format;
use crate::pages::forms::{Choice, FormField};
use crate::state::AppState;

/// Lists show this much of a description.
const SUMMARY_CHARS: usize = 280;

/// An event as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct EventWire {
    /// lecture, meeting, conference or matchmaking-day.
    #[serde(rename = "type")]
    pub event_type: &'static str,
    pub title_en: Option<String>,
    pub title_nl: Option<String>,
    pub description_en: Option<String>,
    pub description_nl: Option<String>,
    /// The venue and its address.
    pub place: String,
    /// RFC 3339, in UTC.
    pub starts_at: chrono::DateTime<chrono::Utc>,
    pub ends_at: chrono::DateTime<chrono::Utc>,
    /// The IANA time zone the event is held in, e.g. Europe/Amsterdam.
    pub time_zone: String,
    /// Address names of the organising organisations.
    pub organisers: Vec<String>,
    /// `en` or `nl`: the language it is held in.
    pub language: &'static str,
    /// Seats; null for as many as come.
    pub capacity: Option<u32>,
    pub requires_approval: bool,
    pub registration_closes_at: Option<chrono::DateTime<chrono::Utc>>,
    pub cancellable_until: Option<chrono::DateTime<chrono::Utc>>,
    /// A matchmaking day's grid of one-to-one meetings.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub meetings: Option<MeetingGridWire>,
}

/// The slots and tables of a matchmaking day's one-to-one meetings.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MeetingGridWire {
    pub first_slot_at: chrono::DateTime<chrono::Utc>,
    pub slot_minutes: u32,
    pub slots: u32,
    pub tables: u32,
}

/// An event as the API takes it. Times are local to `timeZone`, as `2027-03-26 09:30`.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", default)]
pub struct EventInput {
    #[serde(rename = "type")]
    pub event_type: String,
    pub title_en: String,
    pub title_nl: String,
    pub description_en: String,
    pub description_nl: String,
    pub place: String,
    /// Local to `timeZone`: `YYYY-MM-DD HH:MM`.
    pub starts: String,
    pub ends: String,
    /// An IANA time zone; Europe/Amsterdam when empty.
    pub time_zone: String,
    pub organisers: Vec<String>,
    /// `en` or `nl`.
    pub language: String,
    /// Seats; none for as many as come.
    pub capacity: Option<u32>,
    pub requires_approval: bool,
    /// Local to `timeZone`; the start when empty.
    pub registration_closes: String,
    /// Local to `timeZone`; the start when empty.
    pub cancellable_until: String,
    /// A matchmaking day's meeting length in minutes (5 to 240); 20 when none.
    pub meeting_minutes: Option<u32>,
    /// A matchmaking day's number of tables (1 to 500); 10 when none.
    pub meeting_tables: Option<u32>,
}

impl From<EventInput> for EventDraft {
    fn from(i: EventInput) -> Self {
        EventDraft {
            event_type: i.event_type,
            title_en: i.title_en,
            title_nl: i.title_nl,
            description_en: i.description_en,
            description_nl: i.description_nl,
            place: i.place,
            starts: i.starts,
            ends: i.ends,
            time_zone: i.time_zone,
            organisers: i.organisers.join(", "),
            language: i.language,
            capacity: i.capacity.map(|c| c.to_string()).unwrap_or_default(),
            requires_approval: i.requires_approval,
            registration_closes: i.registration_closes,
            cancellable_until: i.cancellable_until,
            meeting_minutes: i.meeting_minutes.map(|m| m.to_string()).unwrap_or_default(),
            meeting_tables: i.meeting_tables.map(|t| t.to_string()).unwrap_or_default(),
        }
    }
}

#[derive(Template)]
#[template(path = "events/body.html")]
struct Body<'a> {
    t: &'a Translator,
    slug: &'a str,
    facts: Vec<Field>,
    /// A matchmaking day, with one-to-one meetings.
    meetings: bool,
    description_en: Option<String>,
    description_nl: Option<String>,
}

/// "26 March 2027, 09:30" in the event's own time zone.
pub(crate) fn local(lang: Language, at: chrono::NaiveDateTime) -> String {
    format!("{}, {}", format::date(lang, at.date()), at.format("%H:%M"))
}

/// "26 March 2027, 09:30 – 17:00 (Europe/Amsterdam)", the end's date only when it differs.
pub(crate) fn when(lang: Language, event: &Event) -> String {
    let (start, end) = (event.local_start(), event.local_end());
    if event.all_day {
        // The end is the midnight after the last day.
        let last = end.date().pred_opt().filter(|last| *last > start.date());
        return match last {
            Some(last) => format!("{} – {}", format::date(lang, start.date()), format::date(lang, last)),
            None => format::date(lang, start.date()),
        };
    }
    let end = if end.date() == start.date() { end.format("%H:%M").to_string() } else { local(lang, end) };
    format!("{} – {end} ({})", local(lang, start), event.time_zone)
}

impl Presented for Event {
    const FILTERS: &'static [ListFilter] = &[
        ListFilter {
            facet: "type",
            description: "Only events of this type (lecture, meeting, conference, matchmaking-day)",
        },
        ListFilter { facet: "language", description: "Only events held in this language (en, nl)" },
    ];
    type Wire = EventWire;
    type Input = EventInput;

    fn filter_choices(t: &Translator, facet: &str) -> Vec<(String, String)> {
        match facet {
            "type" => {
                EventType::ALL.iter().map(|x| (x.id().to_owned(), t.t(&format!("event-type-{}", x.id())))).collect()
            }
            _ => Language::ALL.iter().map(|l| (l.code().to_owned(), t.t(&format!("language-{}", l.code())))).collect(),
        }
    }

    fn form_fields(t: &Translator, d: &EventDraft) -> Vec<FormField> {
        let field = |name: &'static str, kind: &'static str, value: &str| {
            FormField::new(name, t.t(&format!("kind-event-field-{name}")), kind).value(value.to_owned())
        };
        let hint = |name: &str| t.t(&format!("kind-event-field-{name}-hint"));
        let types = EventType::ALL.iter().map(|x| Choice {
            value: x.id().to_owned(),
            label: t.t(&format!("event-type-{}", x.id())),
            selected: x.id() == d.event_type,
        });
        let languages = Language::ALL.iter().map(|l| Choice {
            value: l.code().to_owned(),
            label: t.t(&format!("language-{}", l.code())),
            selected: l.code() == d.language,
        });
        let time_zone = if d.time_zone.is_empty() { DEFAULT_TIME_ZONE } else { &d.time_zone };
        vec![
            field("event_type", "select", "").choices(types.collect()),
            field("title_en", "text", &d.title_en).hint(hint("title")),
            field("title_nl", "text", &d.title_nl),
            field("description_en", "textarea", &d.description_en),
            field("description_nl", "textarea", &d.description_nl),
            field("place", "text", &d.place).hint(hint("place")).required(),
            // Text, one way of writing times on every browser, with or without a picker.
            field("starts", "text", &d.starts).hint(hint("time")).required(),
            field("ends", "text", &d.ends).hint(hint("time")).required(),
            field("time_zone", "text", time_zone).hint(hint("time_zone")),
            field("organisers", "text", &d.organisers).hint(hint("organisers")),
            field("language", "select", "").choices(languages.collect()),
            field("capacity", "text", &d.capacity).hint(hint("capacity")),
            field("requires_approval", "checkbox", if d.requires_approval { "true" } else { "" }),
            field("registration_closes", "text", &d.registration_closes).hint(hint("deadline")),
            field("cancellable_until", "text", &d.cancellable_until).hint(hint("deadline")),
            field("meeting_minutes", "text", &d.meeting_minutes).hint(hint("meeting_minutes")),
            field("meeting_tables", "text", &d.meeting_tables).hint(hint("meeting_tables")),
        ]
    }

    async fn page_html(state: &AppState, item: &Item<Self>, t: &Translator) -> Result<String, AppError> {
        let event = &item.record;
        let lang = t.lang;
        let fact =
            |name: &str, value: String| Field { label: t.t(&format!("kind-event-field-{name}")), value, link: None };
        let mut facts = vec![
            fact("event_type", t.t(&format!("event-type-{}", event.event_type.id()))),
            Field { label: t.t("kind-event-when"), value: when(lang, event), link: None },
            Field { link: Some(event.map_link()), ..fact("place", event.place.clone()) },
            fact("language", t.t(&format!("language-{}", event.language.code()))),
        ];
        for slug in &event.organisers {
            // Saving checked that each exists; one deleted since is shown by its address name.
            let name = state.db.organisation_by_slug(slug).await?.map_or_else(|| slug.clone(), |o| o.profile.name);
            facts.push(Field { link: Some(format!("/organisations/{slug}")), ..fact("organisers", name) });
        }
        let rules = &event.registration;
        let seats = rules.capacity.map_or_else(|| t.t("kind-event-capacity-open"), |n| format::number(lang, n.into()));
        facts.push(fact("capacity", seats));
        if rules.requires_approval {
            facts.push(fact("requires_approval", t.t("kind-event-approval-yes")));
        }
        let local_at = |at| local(lang, lshub_domain::event::local_time_in(at, &event.time_zone));
        facts.extend(rules.closes_at.map(|at| fact("registration_closes", local_at(at))));
        facts.extend(rules.cancellable_until.map(|at| fact("cancellable_until", local_at(at))));
        let grid = event.meeting_grid();
        if let Some(grid) = &grid {
            let mut args = fluent_bundle::FluentArgs::new();
            args.set("minutes", grid.slot_minutes);
            args.set("slots", grid.slots);
            args.set("tables", grid.tables);
            let value = state.i18n.format(lang, "meetings-grid", Some(&args));
            facts.push(Field { label: t.t("meetings-title"), value, link: None });
        }
        let body = Body {
            t,
            slug: &item.slug,
            facts,
            meetings: grid.is_some(),
            description_en: event.description.en.clone(),
            description_nl: event.description.nl.clone(),
        };
        Ok(body.render()?)
    }

    fn summary(&self) -> String {
        let description = self.description.get(Language::En);
        crate::feeds::excerpt(
            &format!("{} – {}. {description}", self.starts_at.format("%Y-%m-%d %H:%M UTC"), self.place),
            SUMMARY_CHARS,
        )
    }

    fn html(&self) -> String {
        // Plain text, made safe HTML by the same renderer as Markdown.
        self.description.both().map(crate::markdown::render).collect()
    }

    fn wire(&self) -> EventWire {
        let rules = &self.registration;
        EventWire {
            event_type: self.event_type.id(),
            title_en: self.title.en.clone(),
            title_nl: self.title.nl.clone(),
            description_en: self.description.en.clone(),
            description_nl: self.description.nl.clone(),
            place: self.place.clone(),
            starts_at: self.starts_at,
            ends_at: self.ends_at,
            time_zone: self.time_zone.clone(),
            organisers: self.organisers.clone(),
            language: self.language.code(),
            capacity: rules.capacity,
            requires_approval: rules.requires_approval,
            registration_closes_at: rules.closes_at,
            cancellable_until: rules.cancellable_until,
            meetings: self.meeting_grid().map(|g| MeetingGridWire {
                first_slot_at: g.first_slot,
                slot_minutes: g.slot_minutes,
                slots: g.slots,
                tables: g.tables,
            }),
        }
    }
}

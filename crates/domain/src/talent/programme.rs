//! A talent programme: a PhD track, fellowship, traineeship, course, summer school or
//! AI-for-health training, run by host organisations, with its eligibility, intake dates
//! and where to apply. Its page lists the open vacancies that name it.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::choice::{entries, ids, one_of};
use crate::content::{Item, Kind, Reference, SearchDocument, Written, PROGRAMME};
use crate::language::{Bilingual, Language};
use crate::record::Versioned;
use crate::text::slugify;
use crate::validation::{
    optional_date, optional_language_text, optional_text, optional_web_url, text, Checks, Reason, ValidationError,
};

pub const TITLE_MAX_CHARS: usize = 200;
pub const DESCRIPTION_MAX_CHARS: usize = 20_000;
pub const ELIGIBILITY_MAX_CHARS: usize = 4_000;
pub const MAX_HOSTS: usize = 20;
pub const MAX_INTAKES: usize = 12;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ProgrammeType {
    #[default]
    PhdTrack,
    Fellowship,
    Traineeship,
    Course,
    SummerSchool,
    AiForHealth,
}
ids!(ProgrammeType {
    PhdTrack => "phd-track",
    Fellowship => "fellowship",
    Traineeship => "traineeship",
    Course => "course",
    SummerSchool => "summer-school",
    AiForHealth => "ai-for-health",
});

/// A programme as stored (record version 1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Programme {
    #[serde(rename = "type")]
    pub programme_type: ProgrammeType,
    pub title: Bilingual,
    pub description: Bilingual,
    /// Address names of the host organisations besides the owner.
    #[serde(default)]
    pub hosts: Vec<String>,
    pub eligibility: Bilingual,
    /// The days new participants start, earliest first.
    #[serde(default)]
    pub intakes: Vec<NaiveDate>,
    pub apply_url: String,
}

impl Versioned for Programme {
    const RECORD_VERSION: u32 = 1;
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ProgrammeDraft {
    #[serde(rename = "type")]
    pub programme_type: String,
    pub title_en: String,
    pub title_nl: String,
    pub description_en: String,
    pub description_nl: String,
    /// Address names, separated by commas.
    pub hosts: String,
    pub eligibility_en: String,
    pub eligibility_nl: String,
    /// Dates (`YYYY-MM-DD`), separated by commas.
    pub intakes: String,
    pub apply_url: String,
}

impl Written for Programme {
    const KIND: &'static Kind = &PROGRAMME;
    type Draft = ProgrammeDraft;

    fn validate(d: ProgrammeDraft) -> Result<Self, Vec<ValidationError>> {
        let mut c = Checks::default();
        let programme_type = c.take(one_of("type", &d.programme_type, ProgrammeType::ALL, ProgrammeType::id));
        let bilingual = |c: &mut Checks, en: (&'static str, &str), nl: (&'static str, &str), max, line| Bilingual {
            en: c.take(optional_language_text(en.0, en.1, max, line)),
            nl: c.take(optional_language_text(nl.0, nl.1, max, line)),
        };
        let title = bilingual(&mut c, ("title_en", &d.title_en), ("title_nl", &d.title_nl), TITLE_MAX_CHARS, true);
        if text(&d.title_en).is_none() && text(&d.title_nl).is_none() {
            c.refuse("title_en", Reason::GiveOneOf { choices: "title_en, title_nl" });
        }
        let description = bilingual(
            &mut c,
            ("description_en", &d.description_en),
            ("description_nl", &d.description_nl),
            DESCRIPTION_MAX_CHARS,
            false,
        );
        if text(&d.description_en).is_none() && text(&d.description_nl).is_none() {
            c.refuse("description_en", Reason::GiveOneOf { choices: "description_en, description_nl" });
        }
        let hosts = entries(&d.hosts);
        if hosts.len() > MAX_HOSTS {
            c.refuse("hosts", Reason::TooManyEntries { max: MAX_HOSTS });
        }
        if let Some(slug) = hosts.iter().find(|slug| slugify(slug) != **slug) {
            c.refuse("hosts", Reason::NotAddressName { value: slug.clone() });
        }
        let eligibility = bilingual(
            &mut c,
            ("eligibility_en", &d.eligibility_en),
            ("eligibility_nl", &d.eligibility_nl),
            ELIGIBILITY_MAX_CHARS,
            false,
        );
        if text(&d.eligibility_en).is_none() && text(&d.eligibility_nl).is_none() {
            c.refuse("eligibility_en", Reason::GiveOneOf { choices: "eligibility_en, eligibility_nl" });
        }
        let listed = entries(&d.intakes);
        if listed.len() > MAX_INTAKES {
            c.refuse("intakes", Reason::TooManyEntries { max: MAX_INTAKES });
        }
        let mut intakes: Vec<NaiveDate> =
            listed.iter().filter_map(|date| c.keep(optional_date("intakes", date)).flatten()).collect();
        intakes.sort();
        intakes.dedup();
        let apply_url = text(&d.apply_url).unwrap_or_default();
        if apply_url.is_empty() {
            c.refuse("apply_url", Reason::Empty);
        } else {
            c.keep(optional_text("apply_url", Some(&apply_url), 2_000));
            c.keep(optional_web_url("apply_url", Some(&apply_url)));
        }
        c.finish(Programme { programme_type, title, description, hosts, eligibility, intakes, apply_url })
    }

    fn to_draft(&self) -> ProgrammeDraft {
        let text = |value: &Option<String>| value.clone().unwrap_or_default();
        ProgrammeDraft {
            programme_type: self.programme_type.id().to_owned(),
            title_en: text(&self.title.en),
            title_nl: text(&self.title.nl),
            description_en: text(&self.description.en),
            description_nl: text(&self.description.nl),
            hosts: self.hosts.join(", "),
            eligibility_en: text(&self.eligibility.en),
            eligibility_nl: text(&self.eligibility.nl),
            intakes: self.intakes.iter().map(NaiveDate::to_string).collect::<Vec<_>>().join(", "),
            apply_url: self.apply_url.clone(),
        }
    }

    fn title(&self) -> &str {
        self.title.get(Language::En)
    }

    fn language(&self) -> Option<Language> {
        None
    }

    fn facets(&self) -> Vec<(&'static str, String)> {
        let mut facets = vec![("type", self.programme_type.id().to_owned())];
        facets.extend(self.hosts.iter().map(|slug| ("host", slug.clone())));
        facets
    }

    fn references(&self) -> Vec<Reference> {
        self.hosts.iter().map(|slug| Reference::Organisation { field: "hosts", slug: slug.clone() }).collect()
    }

    fn check_dates(draft: &ProgrammeDraft, previous: Option<&Self>, today: NaiveDate) -> Vec<ValidationError> {
        // Intakes that have passed may stay; a new one must be to come.
        let before = previous.map(|p| p.intakes.as_slice()).unwrap_or_default();
        entries(&draft.intakes)
            .iter()
            .filter_map(|text| optional_date("intakes", text).ok().flatten())
            .find(|date| *date < today && !before.contains(date))
            .map(|date| ValidationError::new("intakes", Reason::InThePast { value: date.to_string() }))
            .into_iter()
            .collect()
    }

    fn fields(&self) -> Vec<(&'static str, String)> {
        let d = self.to_draft();
        vec![
            ("type", d.programme_type),
            ("title_en", d.title_en),
            ("title_nl", d.title_nl),
            ("description_en", d.description_en),
            ("description_nl", d.description_nl),
            ("hosts", d.hosts),
            ("eligibility_en", d.eligibility_en),
            ("eligibility_nl", d.eligibility_nl),
            ("intakes", d.intakes),
            ("apply_url", d.apply_url),
        ]
    }

    fn search_document(item: &Item<Self>) -> SearchDocument {
        let record = &item.record;
        let body = record.description.both().chain(record.eligibility.both()).collect::<Vec<_>>().join("\n");
        SearchDocument::of_item(item, &record.title, body)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft() -> ProgrammeDraft {
        ProgrammeDraft {
            programme_type: "ai-for-health".into(),
            title_en: "AI for Health fellowship".into(),
            description_en: "Two years of applied machine learning in a hospital.".into(),
            hosts: "amsterdam-umc, vrije-universiteit-amsterdam".into(),
            eligibility_nl: "Een masterdiploma in informatica of geneeskunde.".into(),
            intakes: "2027-09-01, 2027-02-01".into(),
            apply_url: "https://example.nl/apply".into(),
            ..ProgrammeDraft::default()
        }
    }

    #[test]
    fn a_draft_becomes_a_record_and_back() {
        let record = Programme::validate(draft()).expect("valid");
        assert_eq!(record.intakes[0].to_string(), "2027-02-01", "intakes in order");
        assert_eq!(record.references().len(), 2);
        assert_eq!(Programme::validate(record.to_draft()), Ok(record));
    }

    #[test]
    fn every_refused_field_is_named() {
        let bad = ProgrammeDraft {
            programme_type: "party".into(),
            hosts: "Amsterdam UMC".into(),
            eligibility_nl: String::new(),
            intakes: "September".into(),
            apply_url: "javascript:alert(1)".into(),
            ..draft()
        };
        let fields: Vec<_> = Programme::validate(bad).unwrap_err().iter().map(|e| e.field).collect();
        assert_eq!(fields, ["type", "hosts", "eligibility_en", "intakes", "apply_url"]);
    }

    #[test]
    fn new_intakes_must_be_to_come() {
        let record = Programme::validate(draft()).unwrap();
        let today = NaiveDate::from_ymd_opt(2027, 3, 1).unwrap();
        assert_eq!(Programme::check_dates(&draft(), None, today)[0].field, "intakes");
        assert!(Programme::check_dates(&draft(), Some(&record), today).is_empty());
    }
}

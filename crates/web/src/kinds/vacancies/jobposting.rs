//! A vacancy as schema.org's JobPosting, with the properties Google's job search requires
//! (`datePosted`, `description`, `hiringOrganization`, `jobLocation` or `jobLocationType`
//! with `applicantLocationRequirements`, `title`) and those it recommends (`validThrough`,
//! `employmentType`, `baseSalary`, `identifier`, `directApply`). Pages carry it as JSON-LD
//! while the vacancy is open; `/feeds/vacancies.json` gives every open one to partners' sites.

use lshub_domain::content::Item;
use lshub_domain::talent::{Vacancy, Workplace};
use lshub_domain::{Language, Organisation};
use serde_json::{json, Map, Value};

/// The JobPosting of `item`; `organisation` is its owner as the directory has it, and
/// `valid_through` the end of its last listed day in the region (from the clock).
pub fn job_posting(
    public_url: &str,
    item: &Item<Vacancy>,
    organisation: Option<&Organisation>,
    valid_through: &str,
) -> Value {
    let vacancy = &item.record;
    let base = public_url.trim_end_matches('/');
    let url = format!("{base}/vacancies/{}", item.slug);
    let mut posting = Map::new();
    posting.insert("@context".into(), json!("https://schema.org"));
    posting.insert("@type".into(), json!("JobPosting"));
    posting.insert("url".into(), json!(url));
    posting.insert("title".into(), json!(vacancy.title.get(Language::En)));
    // Google asks for the description as HTML; the hub's renderer makes the text safe HTML.
    let description: String = vacancy.description.both().map(crate::markdown::render).collect();
    posting.insert("description".into(), json!(description));
    posting.insert("datePosted".into(), json!(item.published_at.unwrap_or(item.created_at).date_naive().to_string()));
    posting.insert("validThrough".into(), json!(valid_through));
    posting
        .insert("identifier".into(), json!({ "@type": "PropertyValue", "name": item.owner.name, "value": item.slug }));
    posting.insert("hiringOrganization".into(), hiring_organisation(base, item, organisation));
    posting.insert("employmentType".into(), json!([vacancy.employment_type.schema_org()]));
    if vacancy.workplace != Workplace::Remote {
        let places: Vec<Value> = vacancy
            .places
            .iter()
            .map(|place| {
                json!({
                    "@type": "Place",
                    "address": {
                        "@type": "PostalAddress",
                        "addressLocality": place.locality,
                        "addressCountry": place.country,
                    }
                })
            })
            .collect();
        posting.insert("jobLocation".into(), Value::Array(places));
    }
    if vacancy.workplace != Workplace::OnSite {
        posting.insert("jobLocationType".into(), json!("TELECOMMUTE"));
        // Hybrid work without countries named is open to those who live where the work is.
        let countries: Vec<&str> = if vacancy.applicant_countries.is_empty() {
            let mut own: Vec<&str> = vacancy.places.iter().map(|p| p.country.as_str()).collect();
            own.dedup();
            own
        } else {
            vacancy.applicant_countries.iter().map(String::as_str).collect()
        };
        let countries: Vec<Value> = countries.into_iter().map(|c| json!({ "@type": "Country", "name": c })).collect();
        posting.insert("applicantLocationRequirements".into(), Value::Array(countries));
    }
    if let Some(salary) = vacancy.salary {
        posting.insert(
            "baseSalary".into(),
            json!({
                "@type": "MonetaryAmount",
                "currency": "EUR",
                "value": {
                    "@type": "QuantitativeValue",
                    "minValue": salary.min,
                    "maxValue": salary.max,
                    "unitText": salary.unit.schema_org(),
                }
            }),
        );
    }
    // Applying happens at the employer's address, not on the hub's page.
    posting.insert("directApply".into(), json!(false));
    posting.insert("totalJobOpenings".into(), json!(vacancy.positions));
    if let Some(hours) = vacancy.hours_per_week {
        posting.insert("workHours".into(), json!(format!("{hours} hours per week")));
    }
    if let Some(education) = vacancy.education {
        posting.insert(
            "educationRequirements".into(),
            json!({ "@type": "EducationalOccupationalCredential", "credentialCategory": education.credential_category() }),
        );
    }
    if let Some(months) = vacancy.experience_months {
        posting.insert(
            "experienceRequirements".into(),
            json!({ "@type": "OccupationalExperienceRequirements", "monthsOfExperience": months }),
        );
    }
    if let Some(start) = vacancy.starts_on {
        posting.insert("jobStartDate".into(), json!(start.to_string()));
    }
    if let Some(field) = &vacancy.research_field {
        posting.insert("occupationalCategory".into(), json!(field));
    }
    if !vacancy.languages.is_empty() {
        let languages: Vec<String> = vacancy.languages.iter().map(|l| format!("{} {}", l.language, l.level)).collect();
        posting.insert("skills".into(), json!(languages.join(", ")));
    }
    Value::Object(posting)
}

fn hiring_organisation(base: &str, item: &Item<Vacancy>, organisation: Option<&Organisation>) -> Value {
    let mut hiring = Map::new();
    hiring.insert("@type".into(), json!("Organization"));
    hiring.insert("name".into(), json!(item.owner.name));
    hiring.insert("url".into(), json!(format!("{base}/organisations/{}", item.owner.slug)));
    if let Some(ids) = organisation.map(|o| &o.profile.identifiers) {
        let same_as: Vec<&str> =
            [ids.ror.as_ref().map(|r| r.as_url()), ids.website.as_deref()].into_iter().flatten().collect();
        if !same_as.is_empty() {
            hiring.insert("sameAs".into(), json!(same_as));
        }
    }
    Value::Object(hiring)
}

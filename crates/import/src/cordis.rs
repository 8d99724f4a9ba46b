//! CORDIS Horizon Europe projects (the XML edition converted to JSON lines, as in
//! `cordis_he_projects_nl_be_health.jsonl.gz`) → projects with their participants.
//!
//! Every value of the source is text, numbers included; amounts are read as exact decimals
//! in euro, and an amount that is not a number, an unknown role or a malformed part
//! rejects its project with the field's path.

use std::collections::HashSet;

use chrono::NaiveDate;
use lshub_domain::project::{Coded, Euros, NewProject, Participant, ParticipantRole, ProjectContent};
use lshub_domain::SourceRef;

use crate::records::{parse_records, FieldError, Fields};
use crate::Parsed;

/// The `source` of every project from CORDIS.
pub const SOURCE: &str = "cordis";

/// Parses CORDIS project records (JSON lines).
pub fn parse_cordis(text: &str) -> Parsed<NewProject> {
    parse_records(text, "id", project_from_record, |project| &project.content.id)
}

fn project_from_record(record: &Fields) -> Result<NewProject, FieldError> {
    let id = record.required_line("id")?;
    let relations = record.object("relations")?;
    let associations = relations.as_ref().map(|r| r.object("associations")).transpose()?.flatten();
    let (mut topics, mut programmes, mut master_call, mut participants) = (Vec::new(), Vec::new(), None, Vec::new());
    if let Some(associations) = &associations {
        for programme in associations.objects("programme")? {
            let coded = Coded { code: programme.required_line("code")?, title: programme.line("title")? };
            match programme.line("@type")?.as_deref() {
                Some("relatedTopic") => topics.push(coded),
                Some("relatedLegalBasis") => programmes.push(coded),
                _ => {}
            }
        }
        for call in associations.objects("call")? {
            if call.line("@type")?.as_deref() == Some("relatedMasterCall") {
                master_call = call.line("identifier")?;
            }
        }
        for organisation in associations.objects("organization")? {
            participants.push(participant(&organisation)?);
        }
    }
    let funding_scheme = match &relations {
        Some(relations) => category(relations, "projectFundingSchemeCategory")?,
        None => None,
    };
    let content = ProjectContent {
        acronym: record.required_line("acronym")?,
        title: record.required_line("title")?,
        objective: record.text("objective")?.unwrap_or_default(),
        keywords: keywords(record.line("keywords")?.as_deref().unwrap_or("")),
        status: record.required_line("status")?,
        start_date: date(record, "startDate")?,
        end_date: date(record, "endDate")?,
        total_cost: amount(record, "totalCost")?,
        ec_max_contribution: amount(record, "ecMaxContribution")?,
        topics,
        programmes,
        master_call,
        funding_scheme,
        doi: record.object("identifiers")?.map(|ids| ids.line("grantDoi")).transpose()?.flatten(),
        participants,
        id: id.clone(),
    };
    let project = NewProject { content, source: SourceRef { source: SOURCE.into(), source_id: id } };
    project.validate()?;
    Ok(project)
}

fn participant(organisation: &Fields) -> Result<Participant, FieldError> {
    let role_text = organisation.required_line("@type")?;
    let role = ParticipantRole::from_id(&role_text).ok_or_else(|| {
        organisation
            .error("@type", format!("'{role_text}' is not coordinator, participant, associatedPartner or thirdParty"))
    })?;
    let address = organisation.object("address")?;
    let address_line = |field: &str| address.as_ref().map(|a| a.line(field)).transpose().map(Option::flatten);
    let (latitude, longitude) = match address_line("geolocation")? {
        Some(text) => {
            let point = text
                .split_once(',')
                .and_then(|(lat, lon)| Some((lat.trim().parse::<f64>().ok()?, lon.trim().parse::<f64>().ok()?)))
                .filter(|(lat, lon)| (-90.0..=90.0).contains(lat) && (-180.0..=180.0).contains(lon));
            let wrong = || organisation.error("address.geolocation", format!("'{text}' is not 'latitude,longitude'"));
            let (lat, lon) = point.ok_or_else(wrong)?;
            (Some(lat), Some(lon))
        }
        None => (None, None),
    };
    let relations = organisation.object("relations")?;
    Ok(Participant {
        role,
        pic: organisation.required_line("id")?,
        vat: organisation.line("vatNumber")?,
        legal_name: organisation.required_line("legalName")?,
        short_name: organisation.line("shortName")?,
        department: organisation.line("departmentName")?,
        city: address_line("city")?,
        country: address_line("country")?.map(|c| c.to_ascii_uppercase()),
        latitude,
        longitude,
        activity_type: match &relations {
            Some(relations) => category(relations, "organizationActivityType")?,
            None => None,
        },
        sme: flag(organisation, "@sme")?,
        ec_contribution: amount(organisation, "@ecContribution")?,
        terminated: flag(organisation, "@terminated")?.unwrap_or(false),
    })
}

/// The code (without its leading `/`) of the first category of `classification`.
fn category(relations: &Fields, classification: &str) -> Result<Option<String>, FieldError> {
    let Some(categories) = relations.object("categories")? else { return Ok(None) };
    for category in categories.objects("category")? {
        if category.line("@classification")?.as_deref() == Some(classification) {
            return Ok(category.line("code")?.map(|c| c.trim_start_matches('/').to_owned()));
        }
    }
    Ok(None)
}

fn amount(record: &Fields, field: &str) -> Result<Option<Euros>, FieldError> {
    record
        .line(field)?
        .map(|text| text.parse().map_err(|e: lshub_domain::project::NotAnAmount| record.error(field, e.to_string())))
        .transpose()
}

fn date(record: &Fields, field: &str) -> Result<Option<NaiveDate>, FieldError> {
    record
        .line(field)?
        .map(|text| {
            NaiveDate::parse_from_str(&text, "%Y-%m-%d")
                .map_err(|_| record.error(field, format!("'{text}' is not a date (YYYY-MM-DD)")))
        })
        .transpose()
}

fn flag(record: &Fields, field: &str) -> Result<Option<bool>, FieldError> {
    match record.line(field)?.as_deref() {
        None => Ok(None),
        Some("true") => Ok(Some(true)),
        Some("false") => Ok(Some(false)),
        Some(other) => Err(record.error(field, format!("'{other}' is not true or false"))),
    }
}

/// The comma-separated keywords, trimmed, without blanks and repeats (ignoring case).
fn keywords(text: &str) -> Vec<String> {
    let mut seen = HashSet::new();
    text.split(',')
        .map(str::trim)
        .filter(|k| !k.is_empty() && seen.insert(k.to_lowercase()))
        .map(str::to_owned)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A project in the file's shape, cut down to the fields the importer reads.
    const RECORD: &str = r#"{"id":"101039354","acronym":"SynTra","title":"Controlling Gene Expression",
        "objective":"The overarching goal","totalCost":"1851328.5","ecMaxContribution":"1851328","startDate":"2022-06-01",
        "endDate":"2027-05-31","status":"SIGNED","keywords":"Peptides, Synthesis, peptides",
        "identifiers":{"grantDoi":"10.3030/101039354"},
        "relations":{"associations":{
          "call":[{"@type":"relatedMasterCall","identifier":"ERC-2021-STG"}],
          "organization":[{"@ecContribution":"1851328","@sme":"false","@terminated":"false","@type":"coordinator",
            "id":"999974553","vatNumber":"NL001935549B01","legalName":"UNIVERSITEIT LEIDEN","shortName":"ULEI",
            "address":{"city":"Leiden","country":"NL","geolocation":"52.1566349,4.4867397"},
            "relations":{"categories":{"category":[{"@classification":"organizationActivityType","code":"/HES"}]}}},
            {"@type":"associatedPartner","id":"999","legalName":"PARTNER AG","address":{"country":"CH"}}],
          "programme":[{"@type":"relatedTopic","code":"ERC-2021-STG","title":"ERC STARTING GRANTS"},
            {"@type":"relatedLegalBasis","code":"HORIZON.1.1","title":"European Research Council (ERC)"}]},
          "categories":{"category":[{"@classification":"projectFundingSchemeCategory","code":"/ERC-STG"}]}}}"#;

    fn with_participant_field(field: &str, value: &str) -> String {
        RECORD.replacen("\"@type\":\"coordinator\"", &format!("\"@type\":\"coordinator\",\"{field}\":{value}"), 1)
    }

    fn rejection(text: &str) -> String {
        let parsed = parse_cordis(text);
        assert_eq!(parsed.records, vec![]);
        parsed.rejected.into_iter().map(|r| r.to_string()).collect::<Vec<_>>().join(" | ")
    }

    #[test]
    fn maps_a_cordis_project() {
        let parsed = parse_cordis(RECORD);
        assert_eq!(parsed.rejected, vec![]);
        let p = &parsed.records[0].content;
        assert_eq!((p.id.as_str(), p.acronym.as_str()), ("101039354", "SynTra"));
        assert_eq!(p.total_cost.map(Euros::cents), Some(185_132_850));
        assert_eq!(p.keywords, vec!["Peptides", "Synthesis"]);
        assert_eq!(p.master_call.as_deref(), Some("ERC-2021-STG"));
        assert_eq!(p.funding_scheme.as_deref(), Some("ERC-STG"));
        assert_eq!(p.topics, vec![Coded { code: "ERC-2021-STG".into(), title: Some("ERC STARTING GRANTS".into()) }]);
        assert_eq!(p.programmes[0].code, "HORIZON.1.1");
        assert_eq!(p.doi.as_deref(), Some("10.3030/101039354"));
        let leiden = &p.participants[0];
        assert_eq!(leiden.role, ParticipantRole::Coordinator);
        assert_eq!((leiden.pic.as_str(), leiden.vat.as_deref()), ("999974553", Some("NL001935549B01")));
        assert_eq!(leiden.activity_type.as_deref(), Some("HES"));
        assert_eq!((leiden.latitude, leiden.sme), (Some(52.1566349), Some(false)));
        assert_eq!(p.participants[1].role, ParticipantRole::AssociatedPartner);
        assert_eq!(p.participants[1].ec_contribution, None);
    }

    #[test]
    fn bad_records_are_rejected_with_their_line_and_reason() {
        let role = rejection(&RECORD.replace("\"coordinator\"", "\"sponsor\""));
        assert!(
            role.ends_with(
                "relations.associations.organization[0].@type: 'sponsor' is not coordinator, participant, \
                 associatedPartner or thirdParty"
            ),
            "{role}"
        );
        assert!(role.starts_with("record 1 (line 1)"), "{role}");
        let amount = rejection(&with_participant_field("@ecContribution", "\"12,5\""));
        assert!(amount.contains("organization[0].@ecContribution: '12,5' is not an amount in euro"), "{amount}");
        assert!(rejection(&RECORD.replace("\"1851328.5\"", "\"lots\"")).contains("totalCost: 'lots' is not an amount"));
        assert!(rejection(&RECORD.replace("\"SynTra\"", "\"\"")).ends_with("acronym: missing"));
        assert!(rejection("{\"id\": 12").contains("record 1 (line 1)"));
    }

    #[test]
    fn a_bad_line_costs_only_its_project() {
        let second = RECORD.replace("101039354", "101039355").replace('\n', " ");
        let text = format!("{}\n{{\"id\":\"1\",\"acronym\":\"X\"\n{second}\n", RECORD.replace('\n', " "));
        let parsed = parse_cordis(&text);
        assert_eq!(parsed.records.len(), 2);
        assert_eq!(parsed.rejected.len(), 1);
        assert!(parsed.rejected[0].position.contains("line 2"), "{}", parsed.rejected[0]);
    }
}

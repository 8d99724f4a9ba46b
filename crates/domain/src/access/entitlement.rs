//! Entitlements: the right of one person to use one catalogue item's data, given when an
//! application is approved to each person on the applicant's side who accepted its licences.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use super::application::{Application, State};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Entitlement {
    pub application_id: String,
    pub user_id: String,
    pub catalogue_item: String,
    pub holder_id: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub revoked_reason: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Standing {
    Active,
    Expired,
    Revoked,
}

impl Standing {
    pub fn id(self) -> &'static str {
        match self {
            Standing::Active => "active",
            Standing::Expired => "expired",
            Standing::Revoked => "revoked",
        }
    }
}

impl Entitlement {
    pub fn standing(&self, now: DateTime<Utc>) -> Standing {
        if self.revoked_at.is_some() {
            Standing::Revoked
        } else if self.ends_at <= now {
            Standing::Expired
        } else {
            Standing::Active
        }
    }
}

/// A catalogue item of the application: its holder and how long its entitlements last.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Granted<'a> {
    pub catalogue_item: &'a str,
    pub holder: &'a str,
    pub days: u32,
}

/// The entitlements an approved application is owed and does not have yet: one per person
/// who accepted every licence, per item whose holder makes its data available.
pub fn owed(
    application: &Application,
    items: &[Granted<'_>],
    licences: &[String],
    existing: &[Entitlement],
    now: DateTime<Utc>,
) -> Vec<Entitlement> {
    if application.state != State::Approved {
        return Vec::new();
    }
    let available = application.holders_available();
    let mut owed = Vec::new();
    for user in application.applicants().filter(|u| application.has_accepted(u, licences)) {
        for item in items.iter().filter(|i| available.iter().any(|h| h.as_str() == i.holder)) {
            let held = existing.iter().any(|e| {
                e.user_id == *user && e.catalogue_item == item.catalogue_item && e.standing(now) == Standing::Active
            });
            if !held {
                owed.push(Entitlement {
                    application_id: application.id.clone(),
                    user_id: user.clone(),
                    catalogue_item: item.catalogue_item.to_owned(),
                    holder_id: item.holder.to_owned(),
                    starts_at: now,
                    ends_at: now + Duration::days(i64::from(item.days)),
                    revoked_at: None,
                    revoked_reason: None,
                });
            }
        }
    }
    owed
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;
    use crate::access::application::{Event, HolderProgress, Recorded};

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 5, 1, 12, 0, 0).single().unwrap_or_default()
    }

    fn approved(accepting: &[&str]) -> Application {
        let event = |seq, actor: &str, event| Recorded { seq, actor: actor.into(), at: now(), event };
        let mut log = vec![
            event(
                1,
                "applicant",
                Event::Created {
                    catalogue_items: vec!["i1".into(), "i2".into()],
                    holders: vec!["h1".into(), "h2".into()],
                },
            ),
            event(2, "co", Event::MemberJoined { email: "co@example.org".into() }),
        ];
        for who in accepting {
            log.push(event(log.len() as i64 + 1, who, Event::LicencesAccepted { licences: vec!["dua".into()] }));
        }
        log.push(event(log.len() as i64 + 1, "applicant", Event::Submitted));
        log.push(event(
            log.len() as i64 + 1,
            "h2",
            Event::HolderProgressed {
                holder: "h2".into(),
                progress: HolderProgress::NotAvailable,
                comment: String::new(),
            },
        ));
        log.push(event(log.len() as i64 + 1, "h1", Event::Approved { comment: String::new() }));
        Application::replay("a", log).unwrap_or_else(|| panic!("created"))
    }

    #[test]
    fn only_those_who_accepted_get_entitlements_and_only_where_data_is_available() {
        let items = [
            Granted { catalogue_item: "i1", holder: "h1", days: 30 },
            Granted { catalogue_item: "i2", holder: "h2", days: 30 },
        ];
        let licences = ["dua".to_owned()];
        let first = owed(&approved(&["applicant"]), &items, &licences, &[], now());
        assert_eq!(first.len(), 1);
        assert_eq!((first[0].user_id.as_str(), first[0].catalogue_item.as_str()), ("applicant", "i1"));
        assert_eq!(first[0].standing(now() + Duration::days(31)), Standing::Expired);
        let later = owed(&approved(&["applicant", "co"]), &items, &licences, &first, now());
        assert_eq!(later.iter().map(|e| e.user_id.as_str()).collect::<Vec<_>>(), vec!["co"]);
    }
}

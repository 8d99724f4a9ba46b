//! Storage of LSH Hub.
//!
//! One code path serves SQLite (the embedded default) and PostgreSQL: queries are built with
//! sea-query for the backend chosen at run time by the database URL, executed through sqlx's
//! `Any` driver, and the migrations are portable SQL applied in the same way on both.

pub mod access;
pub mod accounts;
mod addresses;
pub mod audit;
mod backup;
mod call_changes;
mod calls;
pub mod changes;
pub mod consortia;
pub mod content;
pub mod credentials;
mod database;
pub mod digest;
mod embeddings;
mod error;
pub mod events;
pub mod facilities;
pub mod inquiries;
pub mod introduction_suggestions;
pub mod introductions;
pub mod leads;
pub mod meetings;
pub mod memberships;
mod migrations;
mod organisations;
pub mod photos;
mod privacy;
mod progress;
pub mod projects;
mod rate_limits;
mod record;
pub mod saved_searches;
mod sql;
mod stats;
pub mod talent;
pub mod uploads;
mod upsert;
mod vocabulary;

pub use backup::BackupSummary;
pub use database::{Backend, Database};
pub use embeddings::StoredVector;
pub use error::StorageError;
pub use memberships::ProfileSave;
pub use migrations::AppliedMigration;
pub use privacy::DELETED_USER_LABEL;
pub use progress::{NoProgress, Progress};

/// What one batch write did, record by record.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct UpsertSummary {
    pub inserted: u64,
    pub updated: u64,
    pub unchanged: u64,
}

#[cfg(test)]
mod tests {
    use lshub_domain::{
        CallContent, CallFilter, CallStatus, Identifiers, NewCallTopic, NewOrganisation, OrganisationFilter,
        OrganisationKind, OrganisationProfile, Pagination, SourceRef,
    };

    use super::*;

    fn organisation(source_id: &str, name: &str) -> NewOrganisation {
        NewOrganisation {
            profile: OrganisationProfile {
                name: name.into(),
                aliases: vec!["Alias 50%".into()],
                names: Default::default(),
                descriptions: Default::default(),
                kind: OrganisationKind::Healthcare,
                sectors: vec![],
                identifiers: Identifiers::default(),
                addresses: vec![],
            },
            source: SourceRef { source: "test".into(), source_id: source_id.into() },
        }
    }

    #[tokio::test]
    async fn reimports_update_and_never_duplicate() {
        let db = Database::connect("sqlite::memory:").await.expect("connect");
        assert_eq!(db.migrate().await.expect("migrate").len(), crate::migrations::known_versions().count());
        assert!(db.migrate().await.expect("migrate again").is_empty());

        let first = vec![
            organisation("a", "Zürich Clinic"),
            organisation("b", "Zurich Clinic"),
            organisation("a", "Zürich Clinic"),
        ];
        let summary = db.upsert_organisations(&first, &NoProgress).await.expect("import");
        assert_eq!(summary, UpsertSummary { inserted: 2, updated: 0, unchanged: 1 });

        let second = vec![organisation("a", "Zürich Clinic"), organisation("b", "Zurich Hospital")];
        let summary = db.upsert_organisations(&second, &NoProgress).await.expect("re-import");
        assert_eq!(summary, UpsertSummary { inserted: 0, updated: 1, unchanged: 1 });

        let all = db.all_organisations().await.expect("list");
        assert_eq!(all.len(), 2);
        assert_eq!(all[0].slug, "zurich-clinic");
        assert_eq!(all[1].slug, "zurich-clinic-b", "the slug is kept when the name changes");
        assert!(all[1].provenance.last_updated > all[0].provenance.last_updated);

        let filter = OrganisationFilter { text: Some("ZURICH".into()), ..Default::default() };
        assert_eq!(db.list_organisations(&filter).await.expect("filter").total, 2);
        let filter = OrganisationFilter { text: Some("50%".into()), ..Default::default() };
        assert_eq!(db.list_organisations(&filter).await.expect("filter").total, 2);
        let filter = OrganisationFilter { text: Some("5_%".into()), ..Default::default() };
        assert_eq!(db.list_organisations(&filter).await.expect("filter").total, 0, "LIKE wildcards are literal");
    }

    #[tokio::test]
    async fn records_carry_their_version_and_a_newer_one_is_refused() {
        let db = Database::connect("sqlite::memory:").await.expect("connect");
        db.migrate().await.expect("migrate");
        db.upsert_organisations(&[organisation("a", "Clinic")], &NoProgress).await.expect("import");
        let version: i64 =
            sqlx::query_scalar("SELECT record_version FROM organisations").fetch_one(db.pool()).await.expect("version");
        assert_eq!(version, 1);
        assert!(db.organisation_by_slug("clinic").await.expect("read").is_some());
        sqlx::query("UPDATE organisations SET record_version = 2").execute(db.pool()).await.expect("update");
        let refused = db.organisation_by_slug("clinic").await.expect_err("a newer shape");
        assert!(refused.to_string().contains("newer than this hub's"), "{refused}");
    }

    #[tokio::test]
    async fn reimports_keep_what_members_maintain() {
        use lshub_domain::account::{Email, Role};
        let db = Database::connect("sqlite::memory:").await.expect("connect");
        db.migrate().await.expect("migrate");
        db.upsert_organisations(&[organisation("a", "Clinic")], &NoProgress).await.expect("import");
        let stored = db.organisation_by_slug("clinic").await.expect("read").expect("stored");
        let audit = audit::AuditEvent::for_test;
        let email = Email::parse("m@clinic.example").expect("email");
        let new = accounts::NewUser {
            email: &email,
            display_name: "M",
            password_hash: None,
            role: Role::Member,
            email_verified: true,
            oidc: None,
        };
        let user = db.create_user(new, audit(), None).await.expect("user");
        let mut edited = stored.profile.clone();
        edited.descriptions.nl = Some("Door leden bijgehouden.".into());
        edited.sectors = vec!["care".into()];
        let save = db.edit_organisation(&stored.id, &stored.profile, &edited, &user.id, audit()).await.expect("edit");
        assert_eq!(save, ProfileSave::Saved);
        let again = db.edit_organisation(&stored.id, &stored.profile, &edited, &user.id, audit()).await.expect("edit");
        assert_eq!(again, ProfileSave::Stale, "an edit of a profile that changed since is not written");
        let same = db.edit_organisation(&stored.id, &edited, &edited, &user.id, audit()).await.expect("edit");
        assert_eq!(same, ProfileSave::Unchanged);
        let mut renamed = organisation("a", "Clinic Renamed");
        renamed.profile.descriptions.nl = Some("From the registry.".into());
        db.upsert_organisations(&[renamed], &NoProgress).await.expect("re-import");
        let after = db.organisation_by_slug("clinic").await.expect("read").expect("stored");
        assert_eq!(after.profile.name, "Clinic Renamed", "the registry's fields follow the import");
        assert_eq!(after.profile.descriptions.nl.as_deref(), Some("Door leden bijgehouden."), "members' fields stay");
        assert_eq!(after.profile.sectors, ["care"]);
        assert_eq!(db.organisation_edits(&stored.id).await.expect("history").len(), 1);
    }

    fn call(
        id: &str,
        opening: Option<&str>,
        deadlines: &[&str],
        source_status: CallStatus,
        budget: i64,
    ) -> NewCallTopic {
        NewCallTopic {
            content: CallContent {
                topic_id: id.into(),
                title: format!("Topic {id}"),
                programme: "Horizon Europe".into(),
                cluster: None,
                call_id: None,
                call_title: None,
                action_type: None,
                type_of_action: None,
                source_status,
                opening_date: opening.map(|d| d.parse().expect("date")),
                deadlines: deadlines.iter().map(|d| d.parse().expect("date")).collect(),
                deadline_model: None,
                budget_min: Some(budget),
                budget_max: Some(budget),
                expected_grants: None,
                keywords: vec![],
                description: String::new(),
                conditions: None,
                support_info: None,
                portal_url: None,
            },
            source: SourceRef { source: "test".into(), source_id: id.into() },
        }
    }

    fn ids(page: lshub_domain::Page<lshub_domain::CallTopic>) -> Vec<String> {
        page.items.into_iter().map(|c| c.content.topic_id).collect()
    }

    #[tokio::test]
    async fn calls_filter_on_deadline_and_budget() {
        let db = Database::connect("sqlite::memory:").await.expect("connect");
        db.migrate().await.expect("migrate");
        let open = CallStatus::Open;
        let calls = [
            call("B", None, &["2027-01-01"], open, 5),
            call("A", None, &["2026-06-01"], open, 50),
            call("C", None, &["2026-09-01"], open, 500),
        ];
        db.upsert_calls(&calls, &NoProgress).await.expect("import");
        let today = "2026-01-01".parse().expect("date");
        let all = db.list_calls(&CallFilter::on(today)).await.expect("list");
        assert_eq!(ids(all), ["A", "C", "B"]);
        let filter = CallFilter {
            deadline_from: "2026-07-01".parse().ok(),
            budget_at_least: Some(100),
            ..CallFilter::on(today)
        };
        assert_eq!(ids(db.list_calls(&filter).await.expect("filter")), ["C"]);
    }

    /// The status filter in SQL agrees with the rule in the domain, for every shape of
    /// dates, on every day around them.
    #[tokio::test]
    async fn the_status_filter_agrees_with_the_rule() {
        let db = Database::connect("sqlite::memory:").await.expect("connect");
        db.migrate().await.expect("migrate");
        let mut calls = Vec::new();
        for (i, source_status) in CallStatus::ALL.into_iter().enumerate() {
            for (j, opening) in [None, Some("2026-03-01")].into_iter().enumerate() {
                for (k, deadlines) in [&[][..], &["2026-03-10"], &["2026-03-05", "2026-03-12"]].into_iter().enumerate()
                {
                    calls.push(call(&format!("T{i}{j}{k}"), opening, deadlines, source_status, 1));
                }
            }
        }
        db.upsert_calls(&calls, &NoProgress).await.expect("import");
        let first: chrono::NaiveDate = "2026-02-27".parse().expect("date");
        for today in first.iter_days().take(16) {
            let counts = db.calls_by_status(today).await.expect("counts");
            for status in CallStatus::ALL {
                let filter = CallFilter {
                    status: Some(status),
                    page: Pagination { limit: 100, offset: 0 },
                    ..CallFilter::on(today)
                };
                let mut listed = ids(db.list_calls(&filter).await.expect("list"));
                listed.sort();
                let expected: Vec<String> = calls
                    .iter()
                    .filter(|c| c.content.status_on(today) == status)
                    .map(|c| c.content.topic_id.clone())
                    .collect();
                assert_eq!(listed, expected, "{status} on {today}");
                assert!(counts.contains(&(status, expected.len() as i64)), "{status} counted on {today}");
            }
        }
    }
}

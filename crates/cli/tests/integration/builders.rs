//! Data builders for tests that need a few records of their own rather than the real data:
//! a migrated database per test (on PostgreSQL a clone of one migrated template, on SQLite a
//! new file), and an organisation, a member, an admin and an item in a given state.

use std::sync::atomic::{AtomicUsize, Ordering};

use chrono::{NaiveDate, Utc};
use lshub_domain::account::{Email, Role, User};
use lshub_domain::authorization::{Actor, Credential};
use lshub_domain::content::{Item, State, Transition, Written};
use lshub_domain::news::{News, NewsDraft};
use lshub_domain::{Identifiers, NewOrganisation, Organisation, OrganisationKind, OrganisationProfile, SourceRef};
use lshub_service::content::{self as service, Lifetime};
use lshub_service::Caller;
use lshub_storage::accounts::NewUser;
use lshub_storage::audit::AuditEvent;
use lshub_storage::{Database, NoProgress};

use crate::support::{migrated_database, shared_data, Backend};

/// A hub's database with nothing in it but what a test builds.
pub struct Hub {
    pub db: Database,
    pub url: String,
    pub backend: Backend,
}

/// Declares each check once per backend, each on a migrated database of its own.
macro_rules! per_backend_hub {
    ($($check:ident),+ $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test]
                async fn $check() {
                    let hub = crate::builders::Hub::new(crate::support::Backend::Sqlite).await.expect("SQLite");
                    super::$check(hub).await;
                }
            )+
        }
        mod postgres {
            $(
                #[tokio::test]
                async fn $check() {
                    let Some(hub) = crate::builders::Hub::new(crate::support::Backend::Postgres).await else { return };
                    super::$check(hub).await;
                }
            )+
        }
    };
}
pub(crate) use per_backend_hub;

/// Numbers records so that every name a builder makes is its own.
static SERIAL: AtomicUsize = AtomicUsize::new(0);

fn serial() -> usize {
    SERIAL.fetch_add(1, Ordering::Relaxed)
}

fn by_test() -> AuditEvent<'static> {
    AuditEvent::by(None, "test", "test", String::new(), "test")
}

impl Hub {
    /// A migrated, empty database on `backend`; `None` where PostgreSQL is not reachable
    /// outside CI.
    pub async fn new(backend: Backend) -> Option<Self> {
        let url = migrated_database(backend).await?;
        let db = Database::connect(&url).await.expect("connect");
        // Datasets name DUO terms, which the hub checks against the ontology it has imported.
        lshub_import::import_duo(&db, &shared_data("duo_terms.jsonl.gz"), &NoProgress).await.expect("DUO terms");
        Some(Self { db, url, backend })
    }

    /// An organisation in the directory, as an import would put it there.
    pub async fn organisation(&self, name: &str) -> Organisation {
        let record = NewOrganisation {
            profile: OrganisationProfile {
                name: name.into(),
                aliases: vec![],
                names: Default::default(),
                descriptions: Default::default(),
                kind: OrganisationKind::Company,
                sectors: vec![],
                identifiers: Identifiers::default(),
                addresses: vec![],
            },
            source: SourceRef { source: "builder".into(), source_id: format!("org-{}", serial()) },
        };
        self.db.upsert_organisations(std::slice::from_ref(&record), &NoProgress).await.expect("organisation");
        let all = self.db.all_organisations().await.expect("organisations");
        all.into_iter().find(|o| o.provenance.source_id == record.source.source_id).expect("the organisation")
    }

    async fn user(&self, role: Role) -> User {
        let email = Email::parse(&format!("user{}@builder.example", serial())).expect("address");
        let new = NewUser {
            email: &email,
            display_name: "Built User",
            password_hash: None,
            role,
            email_verified: true,
            oidc: None,
        };
        self.db.create_user(new, by_test(), None).await.expect("user")
    }

    /// A member who maintains `organisation` (their claim approved).
    pub async fn member_of(&self, organisation: &Organisation) -> Caller {
        let user = self.user(Role::Member).await;
        self.db.claim_organisation(&user.id, &organisation.id, "", true, by_test()).await.expect("claim");
        self.caller(user).await
    }

    /// A signed-in member of no organisation.
    pub async fn stranger(&self) -> Caller {
        let user = self.user(Role::Member).await;
        self.caller(user).await
    }

    /// Staff of `organisation`, made an MoU partner: a partner's account that maintains it.
    pub async fn partner_of(&self, organisation: &Organisation) -> Caller {
        self.db.set_partner(&organisation.id, true, by_test()).await.expect("partner organisation");
        let user = self.user(Role::Partner).await;
        self.db.claim_organisation(&user.id, &organisation.id, "", true, by_test()).await.expect("claim");
        self.caller(user).await
    }

    pub async fn admin(&self) -> Caller {
        let user = self.user(Role::Admin).await;
        self.caller(user).await
    }

    pub fn visitor(&self) -> Caller {
        Caller { actor: Actor::visitor(), user: None, client: "127.0.0.1".into() }
    }

    async fn caller(&self, user: User) -> Caller {
        let principal =
            lshub_service::sign_in::principal(&self.db, &user, Credential::Session).await.expect("principal");
        Caller { actor: Actor::user(principal), user: Some(user), client: "127.0.0.1".into() }
    }

    /// A news item of `owner`, written by `author`, brought into `state`.
    pub async fn news(&self, author: &Caller, owner: &Organisation, state: State) -> Item<News> {
        let draft = NewsDraft {
            title: format!("Built news {}", serial()),
            body: "Written by a builder.".into(),
            language: "en".into(),
            ..NewsDraft::default()
        };
        self.item::<News>(author, owner, draft, state, None).await
    }

    /// An item of any member-written kind, brought into `state` by the transitions that lead
    /// there.
    pub async fn item<T: Written>(
        &self,
        author: &Caller,
        owner: &Organisation,
        draft: T::Draft,
        state: State,
        expires_on: Option<NaiveDate>,
    ) -> Item<T> {
        let today = Utc::now().date_naive();
        let item = service::create::<T>(&self.db, author, &owner.slug, draft, Lifetime { expires_on }, today)
            .await
            .expect("created");
        let path: &[Transition] = match state {
            State::Draft => &[],
            State::InReview => &[Transition::Submit],
            State::Published if T::KIND.needs_review() => &[Transition::Submit, Transition::Publish],
            State::Published => &[Transition::Publish],
            State::Archived => &[Transition::Archive],
        };
        let moderator = self.admin().await;
        let mut item = item;
        for transition in path {
            // Where a kind needs review, publishing is a moderator's step.
            let by = if *transition == Transition::Publish && T::KIND.needs_review() { &moderator } else { author };
            item = service::transition::<T>(&self.db, by, &item.slug, *transition).await.expect("transition");
        }
        assert_eq!(item.state, state);
        item
    }
}

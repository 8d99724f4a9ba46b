//! The region's EU track record from CORDIS: each project's page and API, the projects and
//! partners on organisation pages, the co-participation network, and the admin's linking
//! of participants to organisations.

pub mod api;
pub(crate) mod pages;

use lshub_domain::project::{Euros, LinkMethod, ParticipantRole};
use lshub_domain::Language;

use crate::i18n::Translator;
use crate::pages::format;

/// An amount as the visitor reads it, in whole euros.
fn euros(lang: Language, amount: Euros) -> String {
    format::euros(lang, amount.rounded())
}

fn role_label(t: &Translator, role: ParticipantRole) -> String {
    t.t(&format!("project-role-{}", role.id()))
}

fn role_label_of(t: &Translator, role: &str) -> String {
    ParticipantRole::from_id(role).map_or_else(|| role.to_owned(), |r| role_label(t, r))
}

fn method_label(t: &Translator, method: LinkMethod) -> String {
    t.t(&format!("participant-link-{}", method.id()))
}

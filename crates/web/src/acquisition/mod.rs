//! Joint acquisition on the web: the partners' pipeline of leads (`pages.rs`, `api.rs`,
//! over `lshub_service::acquisition`), the soft-landing package a lead's company gets as a
//! page and a PDF (`package.rs`, `pdf.rs`) through a secret link, and the public counts of
//! companies landed.

pub mod api;
pub mod package;
pub mod pages;
mod pdf;

use crate::state::AppState;

/// The address of the package behind a secret link. The secret goes in the query, which the
/// access log leaves out, as it does for sign-in and reset codes.
pub(crate) fn package_url(secret: &str) -> String {
    format!("/soft-landing?key={secret}")
}

/// The directory organisation (slug) that the resolver takes a new company's name to mean,
/// if it is sure enough: a lead then names that organisation instead of adding a twin.
pub(crate) fn name_match(state: &AppState, name: &str) -> Option<String> {
    state.derived.resolver().resolve(name, 1).best.map(|resolution| resolution.key)
}

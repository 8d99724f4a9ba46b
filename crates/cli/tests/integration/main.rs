//! One integration-test binary: the real server with the real data, once per database
//! backend (SQLite always; PostgreSQL when reachable, and always in CI).

// A test stops at the first expectation that fails: unwrapping is how it says so.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod access_matrix;
mod access_pages;
mod access_requests;
mod access_routes;
mod account_credentials;
mod account_states;
mod accounts;
mod alerts;
mod api;
mod authorization_matrix;
mod backup;
mod browser;
mod builders;
mod call_status;
mod chromium;
mod concurrency;
mod conformance;
mod consortia;
mod content_kernel;
mod cordis;
mod crash_profile_edits;
mod datasets;
mod dcat_import;
mod digest;
mod event_feeds;
mod events;
mod facilities;
mod feeds;
mod funder_calls;
mod hardening;
mod hostile_input;
mod import_cli;
mod introduction_suggestions;
mod introductions;
mod leads;
mod matching;
mod meetings;
mod news;
mod oidc;
mod oidc_provider;
mod operations;
mod opportunities;
mod pages;
mod propagation;
mod public_cache;
mod registrations;
mod resolve;
mod search;
mod shacl;
mod snapshots;
mod support;
mod talent;

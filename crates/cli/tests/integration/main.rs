//! One integration-test binary: the real server with the real data, once per database
//! backend (SQLite always; PostgreSQL when reachable, and always in CI).

mod accounts;
mod api;
mod authorization_matrix;
mod browser;
mod feeds;
mod hostile_input;
mod import_cli;
mod oidc;
mod oidc_provider;
mod pages;
mod search;
mod snapshots;
mod support;

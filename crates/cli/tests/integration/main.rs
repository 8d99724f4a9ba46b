//! One integration-test binary: the real server with the real data, once per database
//! backend (SQLite always; PostgreSQL when reachable, and always in CI).

mod api;
mod browser;
mod feeds;
mod import_cli;
mod pages;
mod search;
mod snapshots;
mod support;

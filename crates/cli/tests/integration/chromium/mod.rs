//! Browser tests: the real server on each backend, seen through Debian's Chromium driven by
//! chromedriver. Every flow runs twice, with JavaScript on and off. Every page reached is
//! checked for console errors and requests to other hosts. With JavaScript on (axe-core
//! needs it), each page type is audited once per backend with axe-core for WCAG 2.0/2.1 A
//! and AA and photographed at a laptop and a phone size into
//! `target/browser-screenshots/<backend>/`.
//!
//! One chromedriver and one browser per JavaScript mode serve the whole run. Without
//! Chromium, chromedriver or axe-core (`scripts/test` installs them) the suite is skipped,
//! except under `CI`, where that fails.

mod access;
mod alerts;
mod chrome;
mod consortia;
mod digest;
mod events;
mod exchange;
mod facilities;
mod funder_calls;
mod inquiries;
mod keyboard;
mod leads;
mod map;
mod meetings;
mod member;
mod projects;
mod spaces;
mod talent;
mod visitor;

use std::future::Future;
use std::path::Path;
use std::pin::Pin;
use std::time::Instant;

use chrome::{Driver, Session, Tools};

use crate::support::{Backend, TestApp};

type FlowFuture<'a> = Pin<Box<dyn Future<Output = anyhow::Result<()>> + Send + 'a>>;
type Flow = for<'a> fn(&'a mut Session) -> FlowFuture<'a>;

/// Every flow, by name. Adding one is writing its function and naming it here; each starts
/// with no cookies on the laptop-sized window.
const FLOWS: &[(&str, Flow)] = &[
    ("visitor switches to Dutch and back", |s| Box::pin(visitor::home_and_language(s))),
    ("visitor filters the directory by kind and city", |s| Box::pin(visitor::directory_by_kind_and_city(s))),
    ("visitor browses calls by deadline", |s| Box::pin(visitor::calls_by_deadline(s))),
    ("visitor searches in Dutch", |s| Box::pin(visitor::search_in_dutch(s))),
    ("visitor follows the calls feed link", |s| Box::pin(visitor::calls_feed(s))),
    ("visitor enters a deadline range backwards", |s| Box::pin(visitor::calls_filter_problem(s))),
    ("visitor meets the error pages", |s| Box::pin(visitor::error_pages(s))),
    ("member claims an organisation, admin approves, member edits its Dutch description", |s| {
        Box::pin(member::claim_approve_edit(s))
    }),
    ("holder offers a dataset; researcher applies with a co-applicant, is returned, resubmits, is approved", |s| {
        Box::pin(access::apply_return_approve(s))
    }),
    ("member saves a calls search, sees it listed and deletes it", |s| Box::pin(alerts::save_list_delete(s))),
    ("partner enters a lead, notes, moves it on and sends the company its package", |s| {
        Box::pin(leads::enter_a_lead_and_share_its_package(s))
    }),
    ("visitor goes from an organisation to its EU project and its partners, and asks the network", |s| {
        Box::pin(projects::organisation_project_network(s))
    }),
    ("member opens a consortium from a call, invites, adds a suggested partner abroad; the invitee accepts", |s| {
        Box::pin(consortia::open_invite_accept(s))
    }),
    ("member posts a members-only offer; another asks for an introduction; the owner accepts", |s| {
        Box::pin(exchange::offer_and_introduction(s))
    }),
    ("partner enters another funder's call, is told a wrong amount, publishes it; a visitor finds it", |s| {
        Box::pin(funder_calls::enter_publish_and_find(s))
    }),
    ("member registers for an event needing approval; the organiser approves; the member subscribes", |s| {
        Box::pin(events::register_approve_and_subscribe(s))
    }),
    ("participant publishes a profile and asks for a meeting; the one asked accepts in a slot", |s| {
        Box::pin(meetings::ask_and_accept_a_meeting(s))
    }),
    ("member turns the weekly digest on, follows and unfollows an organisation, sees suggested introductions", |s| {
        Box::pin(digest::turn_on_follow_and_see_suggestions(s))
    }),
    (
        "member posts a vacancy; a person's profile fits it and saves a search with alerts; the member marks it filled",
        |s| Box::pin(talent::post_match_alert_and_fill(s)),
    ),
    ("staff list a microscope; a member books it, off the grid first; the staff confirm from their day view", |s| {
        Box::pin(facilities::list_book_and_confirm(s))
    }),
    ("operator offers a lab, a negative size first; a visitor finds it near a hospital; an initiative uses it", |s| {
        Box::pin(spaces::offer_find_and_use(s))
    }),
    ("operator adds a photo of a lab; a visitor asks about it and confirms by mail; the operator answers and lets it", |s| {
        Box::pin(inquiries::photograph_ask_answer_and_let(s))
    }),
    ("visitor goes from the spaces to the map, adds a city's hospitals and follows a lab's point", |s| {
        Box::pin(map::layers_list_and_a_point(s))
    }),
    ("keyboard: skip link", |s| Box::pin(keyboard::skip_link(s))),
    ("keyboard: directory filters", |s| Box::pin(keyboard::directory_by_keyboard(s))),
    ("keyboard: search", |s| Box::pin(keyboard::search_by_keyboard(s))),
];

/// Far more than any flow takes (a few seconds each).
const FLOW_TIME_LIMIT: std::time::Duration = std::time::Duration::from_secs(120);

/// The page types the flows must have audited on each backend, in each mode.
const PAGE_TYPES: &[&str] = &[
    "home",
    "directory",
    "organisation",
    "calls",
    "calls-problem",
    "call",
    "search",
    "search-results",
    "error-404",
    "error-400",
    "access",
    "access-item",
    "access-item-form",
    "application",
    "access-entitlements",
    "call-changes",
    "saved-searches",
    "leads",
    "lead-form",
    "lead",
    "package",
    "impact",
    "project",
    "network",
    "consortium-form",
    "consortium",
    "consortium-invitation",
    "consortia",
    "opportunity-form",
    "opportunity",
    "introduction-form",
    "introduction",
    "introductions",
    "funder-calls",
    "funder-call-form",
    "funder-call",
    "event",
    "registration",
    "registrations",
    "my-registrations",
    "agenda",
    "meetings",
    "meeting-profile",
    "meeting-request",
    "meeting-agenda",
    "digest",
    "follow",
    "suggestions",
    "vacancies",
    "vacancy-form",
    "vacancy",
    "talent-profile",
    "talent-matches",
    "talent-searches",
    "vacancy-candidates",
    "facilities",
    "facility-form",
    "facility",
    "booking-form",
    "my-bookings",
    "facility-bookings",
    "spaces",
    "space-form",
    "space",
    "space-find",
    "initiative-form",
    "initiative",
    "map",
    "space-photos",
    "inquiry-form",
    "inquiry-mailed",
    "inquiry",
    "inquiries",
];

#[tokio::test]
async fn suite() {
    let tools = match Tools::find() {
        Ok(tools) => tools,
        Err(missing) if std::env::var_os("CI").is_some() => panic!("the browser tests need {missing}"),
        Err(missing) => {
            eprintln!("skipping the browser tests: missing {missing}");
            return;
        }
    };
    let backends: Vec<(&str, &TestApp)> = [("sqlite", Backend::Sqlite), ("postgres", Backend::Postgres)]
        .into_iter()
        .filter_map(|(name, backend)| TestApp::get(backend).map(|app| (name, app)))
        .collect();
    let target = Path::new(env!("CARGO_TARGET_TMPDIR")).parent().expect("the build's output folder");
    let screenshots = target.join("browser-screenshots");
    if let Err(e) = std::fs::remove_dir_all(&screenshots) {
        assert_eq!(e.kind(), std::io::ErrorKind::NotFound, "clearing {}: {e}", screenshots.display());
    }

    let started = Instant::now();
    let mut driver = Driver::start(tools).await.expect("chromedriver");
    let mut failures = Vec::new();
    let (mut runs, mut pages, mut audits) = (0, 0, 0);
    for javascript in [true, false] {
        let mode = if javascript { "JavaScript on" } else { "JavaScript off" };
        let mut session = driver.session(javascript).await.expect("a browser session");
        for (backend, app) in &backends {
            let dir = screenshots.join(backend);
            session.serve_from(app, &dir).expect("the screenshot folder");
            if let Err(e) = session.audit_can_fail().await {
                failures.push(format!("[{backend}, {mode}] {e:#}"));
            }
            for (name, flow) in FLOWS {
                let flow_started = Instant::now();
                let outcome = match session.reset().await {
                    // A flow that hangs fails on its own instead of stalling the run.
                    Ok(()) => match tokio::time::timeout(FLOW_TIME_LIMIT, flow(&mut session)).await {
                        Ok(outcome) => outcome,
                        Err(_) => Err(anyhow::anyhow!("did not finish within {FLOW_TIME_LIMIT:?}")),
                    },
                    Err(e) => Err(e.context("resetting the browser")),
                };
                runs += 1;
                eprintln!("[{backend}, {mode}] {name}: {:.1?}", flow_started.elapsed());
                if let Err(e) = outcome {
                    failures.push(format!("[{backend}, {mode}] {name}: {e:#}"));
                }
            }
            let missed: Vec<_> = PAGE_TYPES.iter().filter(|page| !session.reached.contains(*page)).collect();
            if !missed.is_empty() {
                failures.push(format!("[{backend}, {mode}] no flow reached {missed:?}"));
            }
        }
        pages += session.pages_checked;
        audits += session.audits_run;
        session.close().await.expect("closing the browser");
    }
    drop(driver);
    eprintln!(
        "browser suite: {} flows x {} backends x 2 JavaScript modes = {runs} runs, {pages} pages checked, \
         {audits} axe audits, in {:.1?}; screenshots in {}",
        FLOWS.len(),
        backends.len(),
        started.elapsed(),
        screenshots.display()
    );
    assert!(failures.is_empty(), "{} of {runs} browser flow runs failed:\n{}", failures.len(), failures.join("\n"));
}

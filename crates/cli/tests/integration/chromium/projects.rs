//! The region's EU track record in the browser: from an organisation's page to one of its
//! projects, to the partners it worked with, and the topic question of the network page.

use anyhow::{ensure, Context, Result};
use lshub_storage::audit::AuditEvent;
use lshub_storage::Database;

use super::chrome::{Arrival, Session};

/// The organisations the flow's projects are linked to: rarely used by other tests.
pub(super) const INSTITUTE: &str = "hubrecht-institute-for-developmental-biology-and-stem-cell-research";
pub(super) const PARTNER: &str = "netherlands-institute-for-neuroscience";
/// Grant numbers of this flow's own (real ones start at 101).
const PROJECT: &str = "902500001";

/// One project of the two organisations with a German partner, in CORDIS's shape.
fn cordis_line() -> String {
    let participant = |role: &str, pic: &str, name: &str, city: &str, country: &str| {
        serde_json::json!({ "@type": role, "@ecContribution": "500000", "id": pic, "legalName": name,
                            "address": { "city": city, "country": country } })
    };
    serde_json::json!({
        "id": PROJECT, "acronym": "ZEBRAFISH-BRAIN", "title": "Zebrafish models of brain development",
        "objective": "Models of brain development in zebrafish.", "keywords": "zebrafish, neurodevelopment",
        "status": "SIGNED", "startDate": "2024-01-01", "endDate": "2027-12-31", "ecMaxContribution": "1500000",
        "relations": { "associations": { "organization": [
            participant("coordinator", "902500011", "STICHTING HUBRECHT VOORBEELD", "Utrecht", "NL"),
            participant("participant", "902500012", "STICHTING HERSENEN VOORBEELD", "Amsterdam", "NL"),
            participant("participant", "902500013", "ZEBRAFISCH INSTITUT GMBH", "Heidelberg", "DE"),
        ] } }
    })
    .to_string()
}

/// Imports the flow's project into the server's database and links its Dutch participants
/// by hand (both idempotent, so every backend and mode may run it).
pub(super) async fn prepare(database_url: &str) -> Result<()> {
    let folder = tempfile::tempdir()?;
    let path = folder.path().join("cordis.jsonl");
    std::fs::write(&path, cordis_line())?;
    let imported =
        crate::support::lshub_command().args(["--database", database_url, "import", "cordis"]).arg(&path).status()?;
    ensure!(imported.success(), "lshub import cordis: {imported}");
    let db = Database::connect(database_url).await?;
    for (pic, slug) in [("902500011", INSTITUTE), ("902500012", PARTNER)] {
        let organisation = db.organisation_by_slug(slug).await?.with_context(|| format!("{slug} in the directory"))?;
        let audit = AuditEvent::by(None, "participant.linked", "browser test", String::new(), "test");
        ensure!(db.link_legal_entity(pic, Some(&organisation.id), audit).await?, "linked {pic}");
    }
    db.close().await;
    Ok(())
}

pub async fn organisation_project_network(s: &mut Session) -> Result<()> {
    prepare(&s.app()?.database_url).await?;
    // The public cache notices the new content within its check interval.
    tokio::time::sleep(std::time::Duration::from_secs(3)).await;
    s.open(&format!("/organisations/{INSTITUTE}"), "organisation", Arrival::Page).await?;
    s.find(&format!("section[aria-labelledby=eu-projects] a[href='/projects/{PROJECT}']")).await?.click().await?;
    s.arrived("project", Arrival::Page).await?;
    let heading = s.find("h1").await?.text().await?;
    ensure!(heading.starts_with("ZEBRAFISH-BRAIN"), "the project's page: {heading}");
    let json_ld = s.find("script[type='application/ld+json']").await?.html(true).await?;
    ensure!(json_ld.contains("ResearchProject") && json_ld.contains("MonetaryGrant"), "JSON-LD: {json_ld}");
    s.find(&format!("a[href='/organisations/{PARTNER}']")).await.context("the linked partner")?;

    // Who the institute worked with, from its page's link to the network.
    s.open(&format!("/organisations/{INSTITUTE}"), "organisation", Arrival::Page).await?;
    s.find("a[href^='/network?organisation=']").await?.click().await?;
    s.arrived("network", Arrival::Page).await?;
    let partners = s.find("section[aria-labelledby=network-partners]").await?.text().await?;
    ensure!(partners.contains("ZEBRAFISCH INSTITUT GMBH"), "the German partner: {partners}");

    // Who in the region worked on zebrafish with German partners: the topic form.
    s.fill("topic", "zebrafish").await?;
    s.find("select#topic-country").await?.select_by_value("DE").await?;
    s.find("form:has(#topic) button[type=submit]").await?.click().await?;
    s.arrived("network", Arrival::Page).await?;
    let path = s.path().await?;
    ensure!(path.contains("topic=zebrafish") && path.contains("country=DE"), "the question is in the URL: {path}");
    let answer = s.find("section[aria-labelledby=network-experience]").await?.text().await?;
    ensure!(answer.contains("ZEBRAFISH-BRAIN"), "the institutes and their project: {answer}");
    Ok(())
}

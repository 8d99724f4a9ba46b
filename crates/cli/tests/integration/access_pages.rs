//! Access requests through the pages alone, as a browser without JavaScript uses them: a
//! holder's member offers a published dataset for request; a researcher applies, saves a
//! draft, sees what is still missing and how the purpose fits the dataset, accepts the
//! licence, attaches a document and submits; the holder returns it, the researcher submits
//! again, the holder approves; the entitlement, the exports and the holder's figures follow.

use crate::browser::{grant, Browser, Page, PASSWORD};
use crate::news::member_of;
use crate::support::{per_backend, TestApp};

per_backend!(a_researcher_gets_access_through_the_pages);

/// An organisation no other story uses, so the figures are this story's.
const HOLDER: &str = "sanquin";

const ITEM_TITLE: &str = "Donor iron cohort";

/// The item's application form: a question shown only when the one before it says yes.
const FORM: &str = "summary | long-text | Project summary | Samenvatting | yes\n\
    cohort | option | Do you need the follow-up data? | Heeft u de follow-updata nodig? | yes | no | yes=Yes=Ja;no=No=Nee\n\
    period | text | Which years? | Welke jaren? | yes | no | | cohort=yes";

fn item_fields<'a>(dataset: &'a str, form: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("title_en", ITEM_TITLE),
        ("title_nl", "Cohort ijzer bij donors"),
        ("datasets", dataset),
        ("licences", "dua | Data use agreement | https://example.org/dua | Gegevensgebruiksovereenkomst"),
        ("reviewers", ""),
        ("deciders", ""),
        ("entitlement_days", "365"),
        ("form", form),
    ]
}

/// Describes and publishes a dataset of the holder; its slug.
async fn published_dataset(holder: &mut Browser<'_>) -> String {
    let fields = [
        ("organisation", HOLDER),
        ("title_en", "Ferritin levels of blood donors"),
        ("description_en", "Ferritin measured at every donation since 2017."),
        ("keywords_en", "iron, ferritin, donors"),
        ("contact_point", "data@sanquin.example"),
        ("access_rights", "RESTRICTED"),
        ("themes", "HEAL"),
        ("duo", "DUO:0000006, DUO:0000046"),
    ];
    let created = holder.submit("/datasets/new", "/datasets", &fields).await;
    assert_eq!(created.status, 303, "{}", created.body);
    let location = created.location.unwrap_or_default();
    let published = holder.submit(&location, &format!("{location}/state"), &[("transition", "publish")]).await;
    assert_eq!(published.status, 303, "{}", published.body);
    location.strip_prefix("/datasets/").expect("the dataset's page").to_owned()
}

/// Uploads `bytes` as `filename` through the page's file form.
async fn upload(browser: &mut Browser<'_>, application: &str, filename: &str, bytes: &[u8]) -> Page {
    let csrf = browser.get(application).await.csrf().expect("the page's token");
    let boundary = "lshub-access-boundary";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{filename}\"\r\n\
         Content-Type: application/octet-stream\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let content_type = format!("multipart/form-data; boundary={boundary}");
    let action = format!("{application}/attachments?csrf={csrf}");
    browser.post_raw(&action, &body, &content_type, Some(browser.app.base_url.clone())).await
}

async fn a_researcher_gets_access_through_the_pages(app: &TestApp) {
    let mut admin = Browser::new(app, 181);
    admin.sign_up("Access Admin", "admin@access-pages.example", PASSWORD).await;
    grant(app, "admin@access-pages.example", "admin");
    let mut holder = member_of(app, &mut admin, 182, "handler@access-pages.example", HOLDER).await;
    let mut applicant = Browser::new(app, 183);
    applicant.sign_up("Ada Applicant", "ada@access-pages.example", PASSWORD).await;
    let mut stranger = Browser::new(app, 184);
    stranger.sign_up("Stan Stranger", "stan@access-pages.example", PASSWORD).await;
    let mut visitor = Browser::new(app, 185);
    let dataset = published_dataset(&mut holder).await;

    // Only the holder's members offer its datasets; a line the page cannot read is named,
    // and what was typed stays.
    let new_item = format!("/organisations/{HOLDER}/catalogue-items/new");
    let create = format!("/organisations/{HOLDER}/catalogue-items");
    assert_eq!(stranger.get(&new_item).await.status, 403);
    let form_page = holder.get(&new_item).await;
    assert_eq!(form_page.status, 200);
    assert!(form_page.body.contains("Ferritin levels of blood donors"), "the holder's datasets to choose from");
    let bad_form = FORM.replace("cohort | option", "cohort | dropdown");
    let refused = holder.submit(&new_item, &create, &item_fields(&dataset, &bad_form)).await;
    assert_eq!(refused.status, 400, "{}", refused.body);
    assert!(refused.body.contains("Line 2: “dropdown” is not a kind of field"), "{}", refused.body);
    assert!(refused.body.contains("cohort | dropdown") && refused.body.contains(ITEM_TITLE), "the input is kept");
    let created = holder.submit(&new_item, &create, &item_fields(&dataset, FORM)).await;
    assert_eq!(created.status, 303, "{}", created.body);
    let item_url = created.location.unwrap_or_default();
    let item_id = item_url.strip_prefix("/access/items/").expect("the item's page").to_owned();

    // Visitors find it on the overview, on the dataset's page and on its own page.
    let overview = visitor.get("/access").await;
    assert_eq!(overview.status, 200);
    for expected in [ITEM_TITLE, &format!("/datasets/{dataset}"), "Data use agreement", "Requests received"] {
        assert!(overview.body.contains(expected), "{expected} on /access");
    }
    let dataset_page = visitor.get(&format!("/datasets/{dataset}")).await.body;
    assert!(dataset_page.contains("Request access") && dataset_page.contains(&item_url), "the dataset offers it");
    let item_page = visitor.get(&item_url).await.body;
    assert!(
        item_page.contains("Which years?")
            && item_page.contains("only needed when “Do you need the follow-up data?” is Yes")
    );
    assert!(item_page.contains("Sign in to apply") && !item_page.contains("name=\"item\""), "visitors sign in first");
    let (_, dutch) = app.get_text("/access", "nl").await;
    assert!(dutch.contains("Datatoegang") && dutch.contains("Cohort ijzer bij donors"), "the overview in Dutch");

    // Applying starts a draft; the page says what is still missing.
    assert!(applicant.get(&item_url).await.body.contains("name=\"item\""), "signed in, one can apply");
    let started = applicant.submit(&item_url, "/applications", &[("item", &item_id)]).await;
    assert_eq!(started.status, 303, "{}", started.body);
    let application = started.location.unwrap_or_default();
    let commands = format!("{application}/commands");
    let draft = applicant.get(&application).await.body;
    assert!(draft.contains("These will be required before you submit"));
    assert!(draft.contains(&format!("{ITEM_TITLE}, Project summary: must not be empty")), "{draft}");

    // A draft keeps the answers and purpose; the follow-up question now counts, and the
    // purpose is set against the dataset's restrictions, code by code.
    let summary = format!("answer.{item_id}.summary");
    let cohort = format!("answer.{item_id}.cohort");
    let period = format!("answer.{item_id}.period");
    let mut answers = vec![
        ("command", "save-draft"),
        (summary.as_str(), "Iron deficiency among frequent donors."),
        (cohort.as_str(), "yes"),
        ("purpose_codes", "DUO:0000006"),
        ("purpose_codes", "DUO:0000018"),
        ("purpose", "We study how often donors become iron deficient."),
    ];
    let saved = applicant.submit(&application, &commands, &answers).await;
    assert_eq!(saved.status, 303, "{}", saved.body);
    let draft = applicant.get(&application).await.body;
    for expected in [
        "Iron deficiency among frequent donors.",
        &format!("{ITEM_TITLE}, Which years?: must not be empty"),
        "Matches",
        "allows research for",
        "DUO:0000006",
        "You declare the use that",
        "value=\"DUO:0000018\" checked",
    ] {
        assert!(draft.contains(expected), "{expected} on the draft: {draft}");
    }

    // Submitting refuses what is incomplete, then what lacks the licence.
    let incomplete = applicant.submit(&application, &commands, &[("command", "submit")]).await;
    assert_eq!(incomplete.status, 400, "{}", incomplete.body);
    assert!(
        incomplete.body.contains("The application is not complete yet.") && incomplete.body.contains("Which years?")
    );
    answers.push((period.as_str(), "2017-2024"));
    assert_eq!(applicant.submit(&application, &commands, &answers).await.status, 303);
    let unlicensed = applicant.submit(&application, &commands, &[("command", "submit")]).await;
    assert_eq!(unlicensed.status, 409, "{}", unlicensed.body);
    assert!(unlicensed.body.contains("Accept the licences before you submit."));
    let accepted = applicant.submit(&application, &commands, &[("command", "accept-licences")]).await;
    assert_eq!(accepted.status, 303, "{}", accepted.body);
    assert!(applicant.get(&application).await.body.contains("You accepted these licences."));

    // A program is refused and nothing is attached; a PDF is attached and downloads.
    let program = upload(&mut applicant, &application, "tool.exe", b"MZ\x90\x00\x03").await;
    assert_eq!(program.status, 400, "{}", program.body);
    assert!(program.body.contains("tool.exe") && program.body.contains("is not one of: pdf"), "{}", program.body);
    assert!(applicant.get(&application).await.body.contains("No documents are attached."), "nothing attached");
    let plan = upload(&mut applicant, &application, "plan.pdf", b"%PDF-1.7 data management plan").await;
    assert_eq!(plan.status, 303, "{}", plan.body);
    let draft = applicant.get(&application).await.body;
    let link_start = draft.find(&format!("{application}/attachments/")).expect("a download link");
    let link: String = draft[link_start..].chars().take_while(|c| *c != '"').collect();
    let document = applicant.get(&link).await;
    assert_eq!(document.status, 200);
    assert!(document.body.starts_with("%PDF-"));

    let submitted = applicant.submit(&application, &commands, &[("command", "submit")]).await;
    assert_eq!(submitted.status, 303, "{}", submitted.body);
    assert!(applicant.get(&application).await.body.contains("Submitted"));

    // To anyone without a part in it, the application does not exist.
    assert_eq!(stranger.get(&application).await.status, 404);
    assert_eq!(stranger.submit("/login", &commands, &[("command", "approve")]).await.status, 404);

    // The holder returns it with a comment; the applicant sees why and submits again.
    assert!(holder.get("/applications").await.body.contains(&application), "the holder's list has it");
    let handling = holder.get(&application).await.body;
    assert!(handling.contains("Return for changes") && handling.contains("Iron deficiency among frequent donors."));
    let comment = "Please say which donors you will include.";
    let returned = holder.submit(&application, &commands, &[("command", "return"), ("comment", comment)]).await;
    assert_eq!(returned.status, 303, "{}", returned.body);
    let back = applicant.get(&application).await.body;
    assert!(back.contains("Returned for changes") && back.contains(comment), "{back}");
    let again = applicant.submit(&application, &commands, &[("command", "submit")]).await;
    assert_eq!(again.status, 303, "{}", again.body);

    // Approval gives the applicant an entitlement, which the holder's members see and export.
    let approved = holder.submit(&application, &commands, &[("command", "approve"), ("comment", "Welcome.")]).await;
    assert_eq!(approved.status, 303, "{}", approved.body);
    let done = applicant.get(&application).await.body;
    assert!(done.contains("Approved") && done.contains("active"), "{done}");
    let entitlements = format!("/organisations/{HOLDER}/entitlements");
    let listed = holder.get(&entitlements).await;
    assert_eq!(listed.status, 200);
    for expected in ["Ada Applicant", ITEM_TITLE, "active", "entitlements.csv", "entitlements.json"] {
        assert!(listed.body.contains(expected), "{expected} among the entitlements");
    }
    assert_eq!(stranger.get(&entitlements).await.status, 403);
    let csv = holder.get(&format!("{entitlements}.csv")).await;
    let application_id = application.strip_prefix("/applications/").unwrap_or_default();
    assert!(csv.body.lines().nth(1).is_some_and(|row| row.starts_with(application_id)), "{}", csv.body);

    // The holder's page shows its figures beside the benchmark, and its members the way on.
    let organisation = visitor.get(&format!("/organisations/{HOLDER}")).await.body;
    for expected in ["Data access requests", "Requests received", "Median time to decision", "61 days", ITEM_TITLE] {
        assert!(organisation.contains(expected), "{expected} on the holder's page");
    }
    assert!(!organisation.contains("Offer datasets for request"), "only for its members");
    let own = holder.get(&format!("/organisations/{HOLDER}")).await.body;
    assert!(own.contains("Offer datasets for request") && own.contains(&entitlements));

    // The item's form reads back as it was written.
    let edit = holder.get(&format!("{item_url}/edit")).await;
    assert_eq!(edit.status, 200);
    assert!(edit.body.contains("cohort | option | Do you need the follow-up data?"), "{}", edit.body);
}

//! Inquiries about spaces and their photos on the real server, on both databases. A visitor
//! asks through the page (a filled trap and a missing address refused), confirms by the
//! mailed link, and the operator answers, plans a visit and closes it, let; the public sees
//! the operator's median time to answer. A stranger and a wrong key find nothing; an address
//! may send five a day and a client five a minute. Photos are cleaned of their metadata and
//! scaled, refused when not an image or too large, and carried by backup and restore.

use std::io::Cursor;

use chrono::Days;
use lshub_service::clock::Clock;
use lshub_storage::uploads::{hash_of, Uploads};
use serde_json::{json, Value};

use crate::browser::{grant, mail_link, Browser, PASSWORD};
use crate::builders::{per_backend_hub, Hub};
use crate::news::member_of;
use crate::support::{per_backend, TestApp};

per_backend!(
    a_visitor_asks_about_a_space_and_the_operator_answers_plans_a_visit_and_lets_it,
    photos_are_cleaned_scaled_and_refused_when_not_images
);

mod backup {
    use super::*;
    per_backend_hub!(backup_and_restore_carry_the_uploaded_photos);
}

const OPERATOR: &str = "vrije-universiteit-amsterdam";

fn in_days(days: u64) -> String {
    Clock::default().today().checked_add_days(Days::new(days)).expect("date").to_string()
}

/// A published space of the operator.
async fn offered(operator: &mut Browser<'_>, title: &str) -> String {
    let body = json!({ "organisation": OPERATOR, "type": "wet-lab", "titleEn": title, "sizeM2": 60,
                       "address": "De Boelelaan 1085", "city": "Amsterdam", "biosafety": "ml-ii",
                       "availableFrom": in_days(20) });
    let (status, created) = operator.api(reqwest::Method::POST, "/api/v1/spaces", &body).await;
    assert_eq!(status, 201, "{created}");
    let slug = created["slug"].as_str().expect("slug").to_owned();
    let (status, _) = operator
        .api(reqwest::Method::POST, &format!("/api/v1/spaces/{slug}/state"), &json!({"transition": "publish"}))
        .await;
    assert_eq!(status, 200);
    slug
}

fn ids(list: &Value) -> Vec<String> {
    list.as_array()
        .map(Vec::as_slice)
        .unwrap_or_default()
        .iter()
        .filter_map(|i| i["id"].as_str())
        .map(str::to_owned)
        .collect()
}

async fn a_visitor_asks_about_a_space_and_the_operator_answers_plans_a_visit_and_lets_it(app: &TestApp) {
    let mut admin = Browser::at(app, 360);
    admin.sign_up("Inquiry Admin", "admin@inquiry.example", PASSWORD).await;
    grant(app, "admin@inquiry.example", "admin");
    let mut operator = member_of(app, &mut admin, 225, "lab@inquiry.example", OPERATOR).await;
    let slug = offered(&mut operator, "Wet lab for an inquiry").await;
    let mut visitor = Browser::at(app, 370);

    let page = visitor.get(&format!("/spaces/{slug}")).await;
    assert!(page.body.contains(&format!("/spaces/{slug}/inquire")), "{}", page.body);
    assert!(page.body.contains("No inquiry to this operator has been answered"), "{}", page.body);

    // A filled trap and a missing address are refused, field by field.
    let form = format!("/spaces/{slug}/inquire");
    let fields = |email: &'static str, trap: &'static str| {
        vec![("name", "Ada Visitor"), ("email", email), ("message", "Is the lab free in May?"), ("website", trap)]
    };
    let trapped = visitor.submit(&form, &form, &fields("ada@visitor.example", "http://spam.example")).await;
    assert_eq!(trapped.status, 422, "{}", trapped.body);
    assert!(trapped.body.contains("f-website") && trapped.body.contains("must be left empty"), "{}", trapped.body);
    let no_address = visitor.submit(&form, &form, &fields("", "")).await;
    assert_eq!(no_address.status, 422);
    assert!(no_address.body.contains("f-email-error"), "{}", no_address.body);

    let asked = visitor.submit(&form, &form, &fields("ada@visitor.example", "")).await;
    assert_eq!(asked.status, 200, "{}", asked.body);
    assert!(asked.body.contains("Check your mail"), "{}", asked.body);
    let link = mail_link(&app.data_dir, "ada@visitor.example", "/inquiries/").await;
    let id = link.trim_start_matches("/inquiries/").split('?').next().expect("an id").to_owned();

    // Unconfirmed, it has not reached the operator.
    let (_, lists) = operator.api(reqwest::Method::GET, "/api/v1/inquiries", &json!({})).await;
    assert!(!ids(&lists["toAnswer"]).contains(&id), "{lists}");
    let opened = visitor.get(&link).await;
    assert_eq!(opened.status, 200, "{}", opened.body);
    assert!(opened.body.contains("Confirm my inquiry"), "{}", opened.body);
    let key = link.split("key=").nth(1).expect("a key").to_owned();
    let confirmed = visitor.submit(&link, &format!("/inquiries/{id}/confirm"), &[("key", &key)]).await;
    assert_eq!(confirmed.status, 303, "{}", confirmed.body);
    let operator_mail = mail_link(&app.data_dir, "lab@inquiry.example", &format!("/inquiries/{id}")).await;
    assert_eq!(operator_mail, format!("/inquiries/{id}"), "members read it signed in, without a key");

    // The operator sees it, with the address, and answers.
    let (_, lists) = operator.api(reqwest::Method::GET, "/api/v1/inquiries", &json!({})).await;
    assert!(ids(&lists["toAnswer"]).contains(&id), "{lists}");
    let (status, seen) = operator.api(reqwest::Method::GET, &format!("/api/v1/inquiries/{id}"), &json!({})).await;
    assert_eq!(status, 200, "{seen}");
    assert_eq!((seen["state"].as_str(), seen["email"].as_str()), (Some("open"), Some("ada@visitor.example")));
    let answered = operator
        .submit(&format!("/inquiries/{id}"), &format!("/inquiries/{id}/messages"), &[("message", "Yes, from May.")])
        .await;
    assert_eq!(answered.status, 303, "{}", answered.body);
    // Each mail to a visitor carries a new key.
    let mut answer_link = link.clone();
    for _ in 0..100 {
        answer_link = mail_link(&app.data_dir, "ada@visitor.example", &format!("/inquiries/{id}?key=")).await;
        if answer_link != link {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_ne!(answer_link, link, "the answer's mail has a key of its own");
    let read = visitor.get(&answer_link).await;
    assert!(read.body.contains("Yes, from May.") && read.body.contains("answered"), "{}", read.body);
    let new_key = answer_link.split("key=").nth(1).expect("a key").to_owned();
    let reply = visitor
        .submit(&answer_link, &format!("/inquiries/{id}/messages"), &[("key", &new_key), ("message", "May I visit?")])
        .await;
    assert_eq!(reply.status, 303, "{}", reply.body);

    // A visit, planned for a time to come only, then closed: let.
    let visit = json!({"move": "plan-visit", "visitAt": format!("{} 10:00", in_days(3))});
    let (status, moved) = operator.api(reqwest::Method::POST, &format!("/api/v1/inquiries/{id}/moves"), &visit).await;
    assert_eq!((status, moved["state"].as_str()), (200, Some("visit-planned")), "{moved}");
    let past = json!({"move": "plan-visit", "visitAt": "2020-01-01 10:00"});
    let (status, _) = operator.api(reqwest::Method::POST, &format!("/api/v1/inquiries/{id}/moves"), &past).await;
    assert_eq!(status, 409);
    let close = json!({"move": "close", "outcome": "let"});
    let (status, closed) = operator.api(reqwest::Method::POST, &format!("/api/v1/inquiries/{id}/moves"), &close).await;
    assert_eq!((status, closed["outcome"].as_str()), (200, Some("let")), "{closed}");
    assert_eq!(closed["messages"].as_array().map(Vec::len), Some(3), "{closed}");
    let late = json!({"message": "One more thing", "key": new_key});
    let (status, _) = visitor.api(reqwest::Method::POST, &format!("/api/v1/inquiries/{id}/messages"), &late).await;
    assert_eq!(status, 409, "nobody writes in a closed inquiry");

    // The public sees the operator's median; strangers and wrong keys find nothing.
    let (_, time) = app.get_json(&format!("/api/v1/spaces/{slug}/response-time")).await;
    assert!(time["answered"].as_u64().is_some_and(|n| n >= 1) && time["medianMinutes"].is_i64(), "{time}");
    let page = visitor.get(&format!("/spaces/{slug}")).await;
    assert!(page.body.contains("Usually answers within"), "{}", page.body);
    let (status, _) = admin.api(reqwest::Method::GET, &format!("/api/v1/inquiries/{id}"), &json!({})).await;
    assert_eq!(status, 404, "an admin is no party to it");
    let wrong = Browser::at(app, 361).get(&format!("/inquiries/{id}?key={}", "0".repeat(64))).await;
    assert_eq!(wrong.status, 404);

    // A member's inquiry reaches the operator at once, under the account's name.
    let (status, mine) = admin
        .api(reqwest::Method::POST, &format!("/api/v1/spaces/{slug}/inquiries"), &json!({"message": "For a spin-off?"}))
        .await;
    assert_eq!((status, mine["confirmed"].as_bool()), (201, Some(true)), "{mine}");
    let listed = operator.get("/account/inquiries").await;
    assert!(listed.body.contains("Inquiry Admin") && listed.body.contains("Usually answers within"), "{}", listed.body);

    // Five a day from one address, whatever the client; five a minute from one client.
    for host in 362..=365 {
        let mut other = Browser::at(app, host);
        let asked = other.submit(&form, &form, &fields("ada@visitor.example", "")).await;
        assert_eq!(asked.status, 200, "{}", asked.body);
    }
    let sixth = Browser::at(app, 366).submit(&form, &form, &fields("ada@visitor.example", "")).await;
    assert_eq!(sixth.status, 422);
    assert!(sixth.body.contains("at most 5 may be sent from one address a day"), "{}", sixth.body);
    let mut hammering = Browser::at(app, 367);
    let mut statuses = Vec::new();
    for _ in 0..6 {
        statuses.push(hammering.submit(&form, &form, &fields("", "")).await.status);
    }
    assert_eq!(statuses, [422, 422, 422, 422, 422, 429], "the sixth in a minute is refused");
}

/// A JPEG of `width` × `height` with an Exif segment that names a place.
fn jpeg_with_metadata(width: u32, height: u32) -> Vec<u8> {
    let picture = image::RgbImage::from_pixel(width, height, image::Rgb([20, 120, 60]));
    let mut out = Cursor::new(Vec::new());
    image::DynamicImage::ImageRgb8(picture).write_to(&mut out, image::ImageFormat::Jpeg).expect("jpeg");
    let plain = out.into_inner();
    let payload = b"Exif\0\0SECRET-GPS 52.3340 4.8650";
    let length = u16::try_from(payload.len() + 2).expect("short").to_be_bytes();
    let mut with = plain[..2].to_vec();
    with.extend_from_slice(&[0xFF, 0xE1, length[0], length[1]]);
    with.extend_from_slice(payload);
    with.extend_from_slice(&plain[2..]);
    with
}

/// Sends an image as the body of the API's upload.
async fn post_photo(
    operator: &mut Browser<'_>,
    slug: &str,
    csrf: &str,
    bytes: Vec<u8>,
    query: &str,
) -> reqwest::Response {
    let origin = operator.app.base_url.clone();
    operator
        .request(reqwest::Method::POST, &format!("/api/v1/spaces/{slug}/photos{query}"))
        .await
        .header("origin", origin)
        .header("x-csrf-token", csrf)
        .body(bytes)
        .send()
        .await
        .expect("upload")
}

async fn photos_are_cleaned_scaled_and_refused_when_not_images(app: &TestApp) {
    let mut admin = Browser::at(app, 368);
    admin.sign_up("Photo Admin", "admin@photo.example", PASSWORD).await;
    grant(app, "admin@photo.example", "admin");
    let mut operator = member_of(app, &mut admin, 226, "lab@photo.example", OPERATOR).await;
    let slug = offered(&mut operator, "Wet lab with photos").await;

    let original = jpeg_with_metadata(2400, 1200);
    assert!(original.windows(10).any(|w| w == b"SECRET-GPS"));
    let csrf = operator.get("/login").await.csrf().expect("token");
    let response = post_photo(&mut operator, &slug, &csrf, original, "?altEn=The+lab+bench").await;
    assert_eq!(response.status().as_u16(), 201);
    let photo: Value = response.json().await.expect("json");
    assert_eq!((photo["width"].as_u64(), photo["height"].as_u64()), (Some(1600), Some(800)), "{photo}");
    let hash = photo["hash"].as_str().expect("hash").to_owned();

    let served = reqwest::get(format!("{}/photos/{hash}.jpg", app.base_url)).await.expect("photo");
    assert_eq!(served.headers()["content-type"], "image/jpeg");
    let served = served.bytes().await.expect("bytes");
    assert_eq!(hash_of(&served), hash, "named by its content");
    assert!(!served.windows(10).any(|w| w == b"SECRET-GPS"), "the metadata is gone");
    assert_eq!(image::guess_format(&served).expect("format"), image::ImageFormat::Jpeg);
    let page = Browser::at(app, 369).get(&format!("/spaces/{slug}")).await;
    assert!(page.body.contains(&format!(r#"src="/photos/{hash}.jpg" alt="The lab bench""#)), "{}", page.body);
    let unknown = reqwest::get(format!("{}/photos/{}.jpg", app.base_url, hash_of(b"not shown"))).await.expect("get");
    assert_eq!(unknown.status().as_u16(), 404, "only photos a space shows are served");

    // Not an image, too large, without a text: each refused with its reason.
    for (bytes, query, expected) in [
        (b"%PDF-1.7 a floor plan".to_vec(), "?altEn=Plan", "must be a JPEG, PNG or WebP image"),
        (vec![0u8; 10 * 1024 * 1024 + 1], "?altEn=Huge", "must be at most 10 MB"),
        (jpeg_with_metadata(40, 30), "", "must not be empty"),
    ] {
        let response = post_photo(&mut operator, &slug, &csrf, bytes, query).await;
        assert_eq!(response.status().as_u16(), 400);
        let problem = response.text().await.unwrap_or_default();
        assert!(problem.contains(expected), "{expected}: {problem}");
    }

    // The page refuses in its language, as a form without JavaScript sends it.
    operator.get("/language/nl").await;
    let boundary = "lshubphotoboundary";
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"alt_nl\"\r\n\r\nPlattegrond\r\n--{boundary}\r\n\
         Content-Disposition: form-data; name=\"photo\"; filename=\"plan.pdf\"\r\nContent-Type: application/pdf\r\n\r\n\
         %PDF-1.7 plan\r\n--{boundary}--\r\n"
    );
    let refused = operator
        .post_raw(
            &format!("/spaces/{slug}/photos?csrf={csrf}"),
            body.as_bytes(),
            &format!("multipart/form-data; boundary={boundary}"),
            Some(app.base_url.clone()),
        )
        .await;
    operator.get("/language/en").await;
    assert_eq!(refused.status, 422, "{}", refused.body);
    assert!(refused.body.contains("moet een JPEG-, PNG- of WebP-afbeelding zijn"), "{}", refused.body);

    let (status, listed) =
        operator.api(reqwest::Method::GET, &format!("/api/v1/spaces/{slug}/photos"), &json!({})).await;
    assert_eq!((status, listed.as_array().map(Vec::len)), (200, Some(1)), "{listed}");
    let (status, _) =
        operator.api(reqwest::Method::DELETE, &format!("/api/v1/spaces/{slug}/photos/{hash}"), &json!({})).await;
    assert_eq!(status, 204);
}

async fn backup_and_restore_carry_the_uploaded_photos(hub: Hub) {
    let files = tempfile::tempdir().expect("a folder");
    let uploads = Uploads::new(files.path().join("uploads"));
    let hash = uploads.put(b"a photo's bytes").expect("stored");
    let mut dump = Vec::new();
    let summary = hub.db.backup(&mut dump, &uploads).await.expect("backup");
    assert_eq!(summary.uploads, 1);

    let elsewhere = Uploads::new(files.path().join("restored"));
    let target = Hub::new(hub.backend).await.expect("a second database");
    let restored = target.db.restore(&mut dump.as_slice(), true, &elsewhere).await.expect("restore");
    assert_eq!(restored.uploads, 1);
    assert_eq!(elsewhere.get(&hash).expect("read"), Some(b"a photo's bytes".to_vec()));

    // A file whose bytes do not match its name is refused, and the database is left as it was.
    let text = String::from_utf8(dump).expect("text");
    let damaged = text.replace(&base64_of(b"a photo's bytes"), &base64_of(b"other bytes"));
    let refused = target.db.restore(&mut damaged.as_bytes(), true, &Uploads::new(files.path().join("x"))).await;
    let error = refused.expect_err("refused").to_string();
    assert!(error.contains("does not match its hash"), "{error}");
}

fn base64_of(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

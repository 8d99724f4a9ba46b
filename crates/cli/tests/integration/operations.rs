//! `lshub serve` as operators run it: JSON logs whose lines carry the request id, and a
//! SIGTERM that lets the request in flight finish before the process exits with 0.

use std::time::Duration;

use lshub_storage::Database;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::support::ServerProcess;

crate::support::per_backend_fresh!(json_logs_carry_the_request_id, sigterm_finishes_the_request_in_flight);

async fn json_logs_carry_the_request_id(database_url: String) {
    let data_dir = tempfile::tempdir().expect("data folder");
    let mut server =
        ServerProcess::start(&database_url, data_dir.path(), &[("LSHUB_LOG_FORMAT", "json"), ("LSHUB_LOG", "info")]);
    let response = crate::support::client()
        .get(server.url("/healthz"))
        .header("x-request-id", "json-log-check-42")
        .send()
        .await
        .expect("health check");
    assert_eq!(response.status(), 200);
    server.terminate();
    assert!(server.wait_for_exit(Duration::from_secs(30)).await.success());

    let lines = server.log_lines();
    let events: Vec<serde_json::Value> = lines
        .iter()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("a log line that is not JSON ({e}): {line}")))
        .collect();
    for event in &events {
        for field in ["timestamp", "level", "target"] {
            assert!(event[field].is_string(), "{field} in {event}");
        }
    }
    let in_request = |event: &&serde_json::Value| {
        event["spans"].as_array().is_some_and(|spans| {
            spans.iter().any(|span| span["name"] == "request" && span["id"] == "json-log-check-42")
        })
    };
    let access = events
        .iter()
        .filter(in_request)
        .find(|event| event["target"] == "lshub::access")
        .unwrap_or_else(|| panic!("an access line with the request id: {lines:#?}"));
    assert_eq!((access["status"].as_u64(), access["span"]["path"].as_str()), (Some(200), Some("/healthz")));
    assert!(events.iter().any(|event| event["message"] == "stopped"), "the shutdown is logged too");
}

async fn sigterm_finishes_the_request_in_flight(database_url: String) {
    let maintainers = crate::crash_profile_edits::maintainers(&database_url, 1).await;
    let maintainer = &maintainers[0];
    let data_dir = tempfile::tempdir().expect("data folder");
    let mut server = ServerProcess::start(&database_url, data_dir.path(), &[]);
    let address = server.base_url.trim_start_matches("http://").to_owned();
    let text = "Saved by the request in flight at SIGTERM.";
    let body = serde_json::json!({ "descriptionEn": text }).to_string();
    // The client sends the head and waits for `100 Continue`, which the server sends once a
    // handler reads the body: from then on the request is in flight for certain.
    let mut stream = tokio::net::TcpStream::connect(&address).await.expect("connect");
    let head = format!(
        "PUT /api/v1/organisations/{}/profile HTTP/1.1\r\nHost: {address}\r\nAuthorization: Bearer {}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n",
        maintainer.slug,
        maintainer.token,
        body.len()
    );
    stream.write_all(head.as_bytes()).await.expect("send the head");
    let mut interim = Vec::new();
    while !interim.ends_with(b"\r\n\r\n") {
        interim.push(stream.read_u8().await.expect("read the interim answer"));
    }
    assert!(interim.starts_with(b"HTTP/1.1 100 Continue"), "{}", String::from_utf8_lossy(&interim));

    server.terminate();
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(server.exited().is_none(), "the server waits for the request in flight");
    assert!(tokio::net::TcpStream::connect(&address).await.is_err(), "and takes no new connections");
    stream.write_all(body.as_bytes()).await.expect("send the body");
    let mut response = String::new();
    stream.read_to_string(&mut response).await.expect("read the answer");
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(server.wait_for_exit(Duration::from_secs(30)).await.success(), "exit status 0 after the last request");

    let db = Database::connect(&database_url).await.expect("connect");
    let saved = db.organisation_by_slug(&maintainer.slug).await.expect("read").expect("the organisation");
    assert_eq!(saved.profile.descriptions.en.as_deref(), Some(text), "the edit in flight was saved");
    db.close().await;
}

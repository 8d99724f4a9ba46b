//! Request counters and latency in the Prometheus text format, at `/metrics`.
//!
//! Who may read them: by default only clients on the loopback interface (a scraper on the
//! same machine, or behind a proxy with `trust_forwarded_for` a client whose proxy-reported
//! address is loopback); others get 404, as if there were nothing. Traffic figures and
//! timings help whoever probes the hub, so serving them to everyone is a setting.

use std::fmt::Write;
use std::net::IpAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use axum::extract::{Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::auth::Auth;
use crate::error::AppError;
use crate::state::AppState;

/// Upper bounds (seconds) of the latency histogram's buckets.
const BUCKETS: [f64; 10] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0, 5.0];
const STATUS_CLASSES: [&str; 5] = ["1xx", "2xx", "3xx", "4xx", "5xx"];

#[derive(Default)]
pub struct Metrics {
    by_status_class: [AtomicU64; 5],
    /// Cumulative counts per bucket, plus +Inf at the end.
    latency_buckets: [AtomicU64; BUCKETS.len() + 1],
    latency_micros_sum: AtomicU64,
    timeouts: AtomicU64,
}

impl Metrics {
    fn observe(&self, status: u16, seconds: f64) {
        let class = usize::from(status / 100).clamp(1, 5) - 1;
        self.by_status_class[class].fetch_add(1, Ordering::Relaxed);
        for (bound, bucket) in BUCKETS.iter().chain([f64::INFINITY].iter()).zip(&self.latency_buckets) {
            if seconds <= *bound {
                bucket.fetch_add(1, Ordering::Relaxed);
            }
        }
        self.latency_micros_sum.fetch_add((seconds * 1e6) as u64, Ordering::Relaxed);
    }

    /// Counts a request cut off by the time limit (it is also counted as a 5xx).
    pub fn count_timeout(&self) {
        self.timeouts.fetch_add(1, Ordering::Relaxed);
    }

    pub fn render(&self) -> String {
        let mut out = String::new();
        out.push_str("# HELP lshub_http_requests_total HTTP requests answered, by status class.\n");
        out.push_str("# TYPE lshub_http_requests_total counter\n");
        for (class, count) in STATUS_CLASSES.iter().zip(&self.by_status_class) {
            let _ = writeln!(out, "lshub_http_requests_total{{status=\"{class}\"}} {}", count.load(Ordering::Relaxed));
        }
        out.push_str("# HELP lshub_http_request_duration_seconds Time to answer HTTP requests.\n");
        out.push_str("# TYPE lshub_http_request_duration_seconds histogram\n");
        for (bound, bucket) in BUCKETS.iter().zip(&self.latency_buckets) {
            let _ = writeln!(
                out,
                "lshub_http_request_duration_seconds_bucket{{le=\"{bound}\"}} {}",
                bucket.load(Ordering::Relaxed)
            );
        }
        let total = self.latency_buckets[BUCKETS.len()].load(Ordering::Relaxed);
        let _ = writeln!(out, "lshub_http_request_duration_seconds_bucket{{le=\"+Inf\"}} {total}");
        let sum = self.latency_micros_sum.load(Ordering::Relaxed) as f64 / 1e6;
        let _ = writeln!(out, "lshub_http_request_duration_seconds_sum {sum}");
        let _ = writeln!(out, "lshub_http_request_duration_seconds_count {total}");
        out.push_str("# HELP lshub_http_request_timeouts_total Requests answered with 503 after the time limit.\n");
        out.push_str("# TYPE lshub_http_request_timeouts_total counter\n");
        let _ = writeln!(out, "lshub_http_request_timeouts_total {}", self.timeouts.load(Ordering::Relaxed));
        out
    }
}

/// Middleware that counts every request.
pub async fn track(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let response = next.run(request).await;
    state.metrics.observe(response.status().as_u16(), started.elapsed().as_secs_f64());
    response
}

pub async fn show(State(state): State<AppState>, auth: Auth) -> Result<impl IntoResponse, AppError> {
    let on_loopback = auth.client.parse::<IpAddr>().is_ok_and(|address| address.is_loopback());
    if !state.metrics_for_everyone && !on_loopback {
        return Err(AppError::not_found("page"));
    }
    let mut text = state.metrics.render();
    state.public_cache.render_metrics(&mut text);
    Ok(([(header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")], text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn histogram_is_cumulative() {
        let metrics = Metrics::default();
        metrics.observe(200, 0.002);
        metrics.observe(404, 0.2);
        let text = metrics.render();
        assert!(text.contains("lshub_http_requests_total{status=\"2xx\"} 1"));
        assert!(text.contains("lshub_http_requests_total{status=\"4xx\"} 1"));
        assert!(text.contains("lshub_http_request_duration_seconds_bucket{le=\"0.0025\"} 1"));
        assert!(text.contains("lshub_http_request_duration_seconds_bucket{le=\"0.25\"} 2"));
        assert!(text.contains("lshub_http_request_duration_seconds_count 2"));
        metrics.count_timeout();
        assert!(metrics.render().contains("lshub_http_request_timeouts_total 1"));
    }
}

//! Request rate limits per client address.
//!
//! Sign-ins, registrations and the mails of resets and verifications are counted in the
//! database, so a limit of 20 sign-ins a minute is 20 however many nodes serve the hub.
//! Searches are counted in memory on each node: a counter in the database would put a write
//! on every search, and a search limit only has to stop one client from hammering one node.
//! Failed sign-ins and mails per account are limited besides (`lshub_service::sign_in`,
//! `auth::reset`).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use lshub_storage::Database;

/// What is limited.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Bucket {
    Login,
    Registration,
    PasswordReset,
    VerificationMail,
    Search,
    /// Inquiries about spaces and messages in them, which mail their operators.
    Inquiry,
}

impl Bucket {
    fn id(self) -> &'static str {
        match self {
            Bucket::Login => "login",
            Bucket::Registration => "registration",
            Bucket::PasswordReset => "password-reset",
            Bucket::VerificationMail => "verification-mail",
            Bucket::Search => "search",
            Bucket::Inquiry => "inquiry",
        }
    }

    /// Whether the bucket's count is shared by every node, in the database.
    fn is_shared(self) -> bool {
        !matches!(self, Bucket::Search)
    }
}

/// How many requests per window each bucket allows.
#[derive(Debug, Clone)]
pub struct RateLimits {
    pub window: Duration,
    pub login: u32,
    pub registration: u32,
    pub password_reset: u32,
    /// Requests for another verification mail (each account is limited besides).
    pub verification_mail: u32,
    pub search: u32,
    pub inquiry: u32,
}

impl Default for RateLimits {
    fn default() -> Self {
        Self {
            window: Duration::from_secs(60),
            login: 20,
            registration: 10,
            password_reset: 5,
            verification_mail: 5,
            search: 120,
            inquiry: 5,
        }
    }
}

impl RateLimits {
    fn allowed(&self, bucket: Bucket) -> u32 {
        match bucket {
            Bucket::Login => self.login,
            Bucket::Registration => self.registration,
            Bucket::PasswordReset => self.password_reset,
            Bucket::VerificationMail => self.verification_mail,
            Bucket::Search => self.search,
            Bucket::Inquiry => self.inquiry,
        }
    }
}

/// Fixed windows per (bucket, client).
pub struct RateLimiter {
    limits: RateLimits,
    windows: Mutex<HashMap<(Bucket, String), (Instant, u32)>>,
}

/// Forget finished windows once the table grows this large, so it cannot grow without end.
const PRUNE_AT: usize = 10_000;

impl RateLimiter {
    pub fn new(limits: RateLimits) -> Self {
        Self { limits, windows: Mutex::new(HashMap::new()) }
    }

    /// Counts a request, in the database for the buckets every node shares (in memory, on
    /// this node, should the database fail); `Err(seconds)` says when the client may try again.
    pub async fn count(&self, db: &Database, bucket: Bucket, client: &str) -> Result<(), u64> {
        if !bucket.is_shared() {
            return self.hit(bucket, client);
        }
        let window = i64::try_from(self.limits.window.as_secs().max(1)).unwrap_or(i64::MAX);
        let now = chrono::Utc::now().timestamp();
        match db.count_request(bucket.id(), client, now, window).await {
            Ok((hits, start)) if hits > i64::from(self.limits.allowed(bucket)) => {
                Err(u64::try_from(start + window - now).unwrap_or(1).max(1))
            }
            Ok(_) => Ok(()),
            Err(e) => {
                tracing::error!(error = %e, "counting a request in the database failed; counting it on this node");
                self.hit(bucket, client)
            }
        }
    }

    /// Counts a request on this node; `Err(seconds)` says when the client may try again.
    fn hit(&self, bucket: Bucket, client: &str) -> Result<(), u64> {
        let now = Instant::now();
        let window = self.limits.window;
        let mut windows = self.windows.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if windows.len() >= PRUNE_AT {
            windows.retain(|_, (start, _)| now.duration_since(*start) < window);
        }
        let entry = windows.entry((bucket, client.to_owned())).or_insert((now, 0));
        if now.duration_since(entry.0) >= window {
            *entry = (now, 0);
        }
        if entry.1 >= self.limits.allowed(bucket) {
            let left = window.saturating_sub(now.duration_since(entry.0));
            return Err(left.as_secs().max(1));
        }
        entry.1 += 1;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_client_gets_its_own_allowance() {
        let limiter = RateLimiter::new(RateLimits { login: 2, ..RateLimits::default() });
        assert!(limiter.hit(Bucket::Login, "a").is_ok());
        assert!(limiter.hit(Bucket::Login, "a").is_ok());
        let retry = limiter.hit(Bucket::Login, "a").expect_err("third is refused");
        assert!((1..=60).contains(&retry));
        assert!(limiter.hit(Bucket::Login, "b").is_ok(), "another client");
        assert!(limiter.hit(Bucket::Search, "a").is_ok(), "another bucket");
    }

    #[test]
    fn windows_end() {
        let limits = RateLimits { window: Duration::from_millis(20), login: 1, ..RateLimits::default() };
        let limiter = RateLimiter::new(limits);
        assert!(limiter.hit(Bucket::Login, "a").is_ok());
        assert!(limiter.hit(Bucket::Login, "a").is_err());
        std::thread::sleep(Duration::from_millis(30));
        assert!(limiter.hit(Bucket::Login, "a").is_ok());
    }
}

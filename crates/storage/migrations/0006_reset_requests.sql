-- Password-reset requests, queued by the request handler and answered by the mail worker:
-- the handler does the same work for every address, so its timing does not tell which
-- addresses have an account. `email` is the address as the visitor gave it (normalised);
-- `language` words the mail; answered requests are purged after an hour.

CREATE TABLE password_reset_requests (
    id TEXT PRIMARY KEY,
    email TEXT NOT NULL,
    email_key TEXT NOT NULL,
    language TEXT NOT NULL,
    client TEXT NOT NULL,
    created_at TEXT NOT NULL,
    answered_at TEXT
);
CREATE INDEX password_reset_requests_pending ON password_reset_requests (answered_at, created_at);

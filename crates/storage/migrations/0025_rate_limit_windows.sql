-- Requests per client in the current window, for the rate limits that hold across all nodes
-- (sign-ins, registrations, reset and verification mails): every node counts into the same
-- row. A window starts at a client's first request after the previous one ended.
CREATE TABLE rate_limit_windows (
    bucket TEXT NOT NULL,
    client TEXT NOT NULL,
    window_start BIGINT NOT NULL,
    hits BIGINT NOT NULL,
    PRIMARY KEY (bucket, client)
);
CREATE INDEX rate_limit_windows_by_start ON rate_limit_windows (window_start);

-- Saved searches of vacancies and programmes: the search as JSON, the SHA-256 digest of its
-- feed's secret, when its mail alerts were turned off; one row per alert mail's one-click
-- unsubscribe secret; and what each search was alerted of, written with the queued mail,
-- so no item is mailed twice however often or on how many nodes the job runs.

CREATE TABLE opening_searches (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    search TEXT NOT NULL,
    feed_digest TEXT NOT NULL UNIQUE,
    alerts_off_at TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX opening_searches_by_user ON opening_searches (user_id, created_at);

CREATE TABLE opening_search_unsubscribes (
    digest TEXT PRIMARY KEY,
    search_id TEXT NOT NULL REFERENCES opening_searches (id) ON DELETE CASCADE,
    created_at TEXT NOT NULL
);

CREATE TABLE opening_search_alerts (
    search_id TEXT NOT NULL REFERENCES opening_searches (id) ON DELETE CASCADE,
    item_id TEXT NOT NULL,
    sent_at TEXT NOT NULL,
    PRIMARY KEY (search_id, item_id)
);

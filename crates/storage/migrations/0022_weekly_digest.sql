-- The weekly digest. Those who opted in; one row per person and ISO week written in the
-- transaction that queues their digest (so no digest is sent twice, by any node, nor lost
-- to a restart: either both are written or neither), with the SHA-256 digest of the
-- secret of that mail's one-click unsubscribe link; and the organisations each person
-- follows, whose news their digest brings.

CREATE TABLE digest_subscriptions (
    user_id TEXT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    subscribed_at TEXT NOT NULL
);

CREATE TABLE digest_sends (
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    -- an ISO week, 2027-W12
    week TEXT NOT NULL,
    -- NULL when there was nothing new and no mail went
    unsubscribe_digest TEXT UNIQUE,
    sent_at TEXT NOT NULL,
    PRIMARY KEY (user_id, week)
);

CREATE TABLE organisation_follows (
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    organisation_id TEXT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    since TEXT NOT NULL,
    PRIMARY KEY (user_id, organisation_id)
);

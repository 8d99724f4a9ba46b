-- The call changelog (what each import found new, changed or closed at the source), saved
-- searches of calls with their alerts, and the one-click unsubscribe header of queued mail.
-- Secrets (feed addresses, unsubscribe links) are stored as SHA-256 digests, like tokens.

CREATE TABLE call_changes (
    id TEXT PRIMARY KEY,
    topic_id TEXT NOT NULL,
    title TEXT NOT NULL,
    -- new, changed or closed
    kind TEXT NOT NULL,
    -- JSON array of the changed fields' names
    fields TEXT NOT NULL,
    changed_at TEXT NOT NULL
);
CREATE INDEX call_changes_by_time ON call_changes (changed_at, id);
CREATE INDEX call_changes_by_call ON call_changes (topic_id, changed_at);

-- The address of RFC 8058's List-Unsubscribe header, for mail that has one.
ALTER TABLE outgoing_mail ADD COLUMN unsubscribe_url TEXT;

CREATE TABLE saved_searches (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    -- The search's text and filters as JSON (domain SearchCriteria).
    criteria TEXT NOT NULL,
    record_version BIGINT NOT NULL,
    feed_digest TEXT NOT NULL UNIQUE,
    -- Mail alerts are off from then on (unsubscribed); NULL while they are on.
    alerts_off_at TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX saved_searches_by_user ON saved_searches (user_id, created_at);

-- One per alert mail: its one-click unsubscribe link turns that search's alerts off.
CREATE TABLE saved_search_unsubscribes (
    digest TEXT PRIMARY KEY,
    saved_search_id TEXT NOT NULL REFERENCES saved_searches (id) ON DELETE CASCADE,
    created_at TEXT NOT NULL
);
CREATE INDEX saved_search_unsubscribes_by_search ON saved_search_unsubscribes (saved_search_id);

-- What each search was alerted of, written with the queued mail: once per search, call and
-- occasion (new; a reminder for one deadline), however often or on how many nodes the job runs.
CREATE TABLE saved_search_alerts (
    saved_search_id TEXT NOT NULL REFERENCES saved_searches (id) ON DELETE CASCADE,
    topic_id TEXT NOT NULL,
    occasion TEXT NOT NULL,
    sent_at TEXT NOT NULL,
    PRIMARY KEY (saved_search_id, topic_id, occasion)
);

-- One-to-one meetings at matchmaking days. A participant's profile for one event; requests
-- between two participants, at most one open (pending or accepted) per pair, which the
-- write transaction that makes a request checks. An accepted meeting holds a slot at a
-- table: the acceptance reads the event's bookings in its write transaction, and the
-- partial unique index below refuses a second meeting at the same table and slot should
-- anything else write one.

CREATE TABLE meeting_profiles (
    event_id TEXT NOT NULL REFERENCES content_items (id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    organisation TEXT,
    offers TEXT NOT NULL,
    seeks TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (event_id, user_id)
);

CREATE TABLE meeting_requests (
    id TEXT PRIMARY KEY,
    event_id TEXT NOT NULL REFERENCES content_items (id) ON DELETE CASCADE,
    requester_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    recipient_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    message TEXT NOT NULL,
    -- pending, accepted, declined or cancelled; a pending one past its deadline reads as expired
    state TEXT NOT NULL,
    slot BIGINT,
    table_number BIGINT,
    -- met, requester-absent, recipient-absent or both-absent, entered by the organisers
    attendance TEXT,
    asked_at TEXT NOT NULL,
    changed_at TEXT NOT NULL,
    changed_by TEXT REFERENCES users (id) ON DELETE SET NULL
);
CREATE INDEX meeting_requests_by_event ON meeting_requests (event_id, state);
CREATE INDEX meeting_requests_by_requester ON meeting_requests (requester_id, event_id);
CREATE INDEX meeting_requests_by_recipient ON meeting_requests (recipient_id, event_id);
CREATE UNIQUE INDEX meeting_requests_one_per_table ON meeting_requests (event_id, slot, table_number)
    WHERE state = 'accepted';

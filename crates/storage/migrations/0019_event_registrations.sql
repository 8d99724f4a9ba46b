-- Registrations for events, and the attachment of queued mail (a registration's calendar
-- entry). A person holds at most one active registration (pending, confirmed, waitlisted)
-- per event; the waiting list moves up in the order of `registered_at`. Each change is
-- written with its counts read in the same write transaction, so seats are never overbooked.

CREATE TABLE event_registrations (
    id TEXT PRIMARY KEY,
    event_id TEXT NOT NULL REFERENCES content_items (id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    -- pending, confirmed, waitlisted, cancelled or rejected
    state TEXT NOT NULL,
    registered_at TEXT NOT NULL,
    changed_at TEXT NOT NULL,
    changed_by TEXT REFERENCES users (id) ON DELETE SET NULL
);
CREATE INDEX event_registrations_by_event ON event_registrations (event_id, state, registered_at);
CREATE INDEX event_registrations_by_user ON event_registrations (user_id, state);

-- A personal calendar of one's registrations at a secret address, stored as its SHA-256
-- digest; a new secret replaces the old.
CREATE TABLE personal_calendars (
    user_id TEXT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    feed_digest TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL
);

-- Organisations' own iCalendar feeds, imported on a schedule. `fetched_at` is when a node
-- last took the feed (so that one node fetches it per round); `outcome` what that fetch did.
CREATE TABLE event_feeds (
    id TEXT PRIMARY KEY,
    organisation_id TEXT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    url TEXT NOT NULL,
    -- en or nl: the language of its titles
    language TEXT NOT NULL,
    -- lecture, meeting, conference or matchmaking-day
    event_type TEXT NOT NULL,
    added_by TEXT REFERENCES users (id) ON DELETE SET NULL,
    created_at TEXT NOT NULL,
    fetched_at TEXT,
    outcome TEXT,
    UNIQUE (organisation_id, url)
);

-- One attachment per message, as text (an iCalendar file): its file name and media type.
ALTER TABLE outgoing_mail ADD COLUMN attachment_name TEXT;
ALTER TABLE outgoing_mail ADD COLUMN attachment_type TEXT;
ALTER TABLE outgoing_mail ADD COLUMN attachment TEXT;

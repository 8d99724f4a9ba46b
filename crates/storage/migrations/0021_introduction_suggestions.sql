-- Introductions the matcher suggests once a week to each organisation with members. A round
-- (one organisation, one ISO week) is written with all its suggestions in one transaction;
-- its primary key lets one node write it, however many compute it. A dismissed suggestion
-- keeps its row: the matcher never suggests that organisation to this one again.

CREATE TABLE suggestion_rounds (
    organisation_id TEXT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    -- an ISO week, 2027-W12
    week TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (organisation_id, week)
);

CREATE TABLE introduction_suggestions (
    id TEXT PRIMARY KEY,
    organisation_id TEXT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    suggested_id TEXT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    week TEXT NOT NULL,
    -- 1 for the best of its round
    rank BIGINT NOT NULL,
    -- why, as JSON: the call both fit (topic id, title, deadline), the words they share, and
    -- the similarity of their descriptions
    reasons TEXT NOT NULL,
    created_at TEXT NOT NULL,
    dismissed_at TEXT,
    dismissed_by TEXT REFERENCES users (id) ON DELETE SET NULL,
    UNIQUE (organisation_id, suggested_id, week)
);
CREATE INDEX introduction_suggestions_by_organisation ON introduction_suggestions (organisation_id, week);

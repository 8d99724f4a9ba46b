-- Access requests: catalogue items (datasets of one holder with its form, licences and
-- workflow), applications as an append-only log of events, the entitlements approvals give,
-- and attachments stored once under the SHA-256 of their bytes. `applications` and the
-- party and holder tables are indexes of the log for lists; the log is the truth.

ALTER TABLE users ADD COLUMN language TEXT NOT NULL DEFAULT 'en';

CREATE TABLE catalogue_items (
    id TEXT PRIMARY KEY,
    holder_id TEXT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    record TEXT NOT NULL,
    created_at TEXT NOT NULL,
    last_updated TEXT NOT NULL
);

CREATE INDEX catalogue_items_by_holder ON catalogue_items (holder_id);

CREATE TABLE catalogue_item_datasets (
    catalogue_item_id TEXT NOT NULL REFERENCES catalogue_items (id) ON DELETE CASCADE,
    dataset_slug TEXT NOT NULL,
    PRIMARY KEY (catalogue_item_id, dataset_slug)
);

CREATE INDEX catalogue_item_datasets_by_dataset ON catalogue_item_datasets (dataset_slug);

CREATE TABLE applications (
    id TEXT PRIMARY KEY,
    applicant_id TEXT NOT NULL,
    state TEXT NOT NULL,
    created_at TEXT NOT NULL,
    submitted_at TEXT,
    last_updated TEXT NOT NULL
);

CREATE INDEX applications_by_applicant ON applications (applicant_id, last_updated);

-- The primary key makes two writers who read the same log conflict instead of both appending.
CREATE TABLE application_events (
    application_id TEXT NOT NULL REFERENCES applications (id),
    seq BIGINT NOT NULL,
    event_type TEXT NOT NULL,
    actor_id TEXT NOT NULL,
    at TEXT NOT NULL,
    payload TEXT NOT NULL,
    PRIMARY KEY (application_id, seq)
);

CREATE TABLE application_holders (
    application_id TEXT NOT NULL REFERENCES applications (id),
    holder_id TEXT NOT NULL,
    PRIMARY KEY (application_id, holder_id)
);

CREATE INDEX application_holders_by_holder ON application_holders (holder_id);

-- Members, reviewers and deciders, so each finds the applications they take part in.
CREATE TABLE application_parties (
    application_id TEXT NOT NULL REFERENCES applications (id),
    user_id TEXT NOT NULL,
    PRIMARY KEY (application_id, user_id)
);

CREATE INDEX application_parties_by_user ON application_parties (user_id);

CREATE TABLE entitlements (
    id TEXT PRIMARY KEY,
    application_id TEXT NOT NULL REFERENCES applications (id),
    user_id TEXT NOT NULL,
    catalogue_item_id TEXT NOT NULL,
    holder_id TEXT NOT NULL,
    starts_at TEXT NOT NULL,
    ends_at TEXT NOT NULL,
    revoked_at TEXT,
    revoked_reason TEXT
);

CREATE INDEX entitlements_by_holder ON entitlements (holder_id, starts_at);
CREATE INDEX entitlements_by_application ON entitlements (application_id);

CREATE TABLE attachments (
    hash TEXT PRIMARY KEY,
    content_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    bytes BYTEA NOT NULL,
    created_at TEXT NOT NULL
);

-- Joint acquisition: the partners' confidential pipeline of companies that consider settling
-- in the region. `leads` holds each lead's current state for lists and counts; its
-- timeline (`lead_events`) keeps every change with who and when. A lead is shared with
-- partner organisations (`lead_shares`); secret links give its company the soft-landing
-- package, stored only as the SHA-256 of the link's secret.

CREATE TABLE leads (
    id TEXT PRIMARY KEY,
    company_id TEXT NOT NULL REFERENCES organisations (id),
    stage TEXT NOT NULL,
    sector TEXT NOT NULL,
    jobs BIGINT,
    summary TEXT NOT NULL,
    contact_id TEXT REFERENCES users (id) ON DELETE SET NULL,
    landed_year BIGINT,
    created_at TEXT NOT NULL,
    last_updated TEXT NOT NULL
);

CREATE INDEX leads_by_stage ON leads (stage, landed_year);

CREATE TABLE lead_shares (
    lead_id TEXT NOT NULL REFERENCES leads (id) ON DELETE CASCADE,
    organisation_id TEXT NOT NULL REFERENCES organisations (id),
    PRIMARY KEY (lead_id, organisation_id)
);

CREATE INDEX lead_shares_by_organisation ON lead_shares (organisation_id);

-- The primary key makes two writers who read the same timeline conflict instead of both appending.
CREATE TABLE lead_events (
    lead_id TEXT NOT NULL REFERENCES leads (id) ON DELETE CASCADE,
    seq BIGINT NOT NULL,
    actor_id TEXT REFERENCES users (id) ON DELETE SET NULL,
    at TEXT NOT NULL,
    payload TEXT NOT NULL,
    PRIMARY KEY (lead_id, seq)
);

CREATE TABLE lead_links (
    id TEXT PRIMARY KEY,
    lead_id TEXT NOT NULL REFERENCES leads (id) ON DELETE CASCADE,
    secret_digest TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    expires_on TEXT NOT NULL,
    revoked_at TEXT
);

CREATE INDEX lead_links_by_lead ON lead_links (lead_id);

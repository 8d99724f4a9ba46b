-- The consortium builder: workspaces in which an organisation (the manager) gathers partners
-- for a call. A partner is an organisation of the directory, invited until it answers, or
-- one outside the directory that the manager lists by name and country (`organisation_id`
-- NULL). `partner_key` is the organisation's id, or `external:` and an id of its own.
-- Partners may set the eligibility rules of a type of action (`eligibility_rules`); rules
-- not set there are the ones built into the hub.

CREATE TABLE consortia (
    id TEXT PRIMARY KEY,
    call_topic_id TEXT NOT NULL REFERENCES call_topics (topic_id),
    acronym TEXT NOT NULL,
    manager_id TEXT NOT NULL REFERENCES organisations (id),
    created_by TEXT REFERENCES users (id) ON DELETE SET NULL,
    created_at TEXT NOT NULL,
    last_updated TEXT NOT NULL
);

CREATE INDEX consortia_by_manager ON consortia (manager_id);

CREATE TABLE consortium_partners (
    consortium_id TEXT NOT NULL REFERENCES consortia (id) ON DELETE CASCADE,
    partner_key TEXT NOT NULL,
    organisation_id TEXT REFERENCES organisations (id),
    external_name TEXT,
    external_country TEXT,
    role TEXT NOT NULL,
    statement TEXT NOT NULL,
    state TEXT NOT NULL,
    invited_by TEXT REFERENCES users (id) ON DELETE SET NULL,
    invited_at TEXT NOT NULL,
    answered_by TEXT REFERENCES users (id) ON DELETE SET NULL,
    answered_at TEXT,
    PRIMARY KEY (consortium_id, partner_key)
);

CREATE INDEX consortium_partners_by_organisation ON consortium_partners (organisation_id, state);

CREATE TABLE eligibility_rules (
    action_type TEXT PRIMARY KEY,
    record TEXT NOT NULL,
    record_version BIGINT NOT NULL,
    updated_by TEXT REFERENCES users (id) ON DELETE SET NULL,
    updated_at TEXT NOT NULL
);

-- The content kernel: items of every member-written kind, their revisions and the facet
-- values their lists filter by. The kind's own fields are the JSON `record`, written at
-- `record_version` and upgraded by the kind's code when read.

CREATE TABLE content_items (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    slug TEXT NOT NULL,
    owner_id TEXT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    state TEXT NOT NULL,
    title TEXT NOT NULL,
    sort_title TEXT NOT NULL,
    language TEXT,
    record TEXT NOT NULL,
    record_version INTEGER NOT NULL,
    revision BIGINT NOT NULL,
    expires_on TEXT,
    expiry_reminded_on TEXT,
    created_at TEXT NOT NULL,
    created_by TEXT,
    published_at TEXT,
    last_updated TEXT NOT NULL,
    UNIQUE (kind, slug)
);

CREATE INDEX content_items_by_state ON content_items (kind, state, published_at);
CREATE INDEX content_items_by_owner ON content_items (owner_id, kind, last_updated);

-- Every saved version; `change` is `created`, `edited` or a transition's id.
CREATE TABLE content_revisions (
    item_id TEXT NOT NULL REFERENCES content_items (id) ON DELETE CASCADE,
    revision BIGINT NOT NULL,
    state TEXT NOT NULL,
    change TEXT NOT NULL,
    record TEXT NOT NULL,
    record_version INTEGER NOT NULL,
    changed_by TEXT,
    changed_by_label TEXT NOT NULL,
    changed_at TEXT NOT NULL,
    PRIMARY KEY (item_id, revision)
);

CREATE TABLE content_facets (
    item_id TEXT NOT NULL REFERENCES content_items (id) ON DELETE CASCADE,
    facet TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (item_id, facet, value)
);

CREATE INDEX content_facets_by_value ON content_facets (facet, value);

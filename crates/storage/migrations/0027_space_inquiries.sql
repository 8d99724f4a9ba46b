-- Inquiries about spaces (items of the kind `space`) to their operators (the organisations
-- that list them), as conversations. A visitor's inquiry waits unconfirmed until its sender
-- follows the link mailed to them; the operator sees it from `confirmed_at`, and the time to
-- the first answer counts from then. Each mail to a visitor carries a new secret key, of
-- which only the SHA-256 is kept (`space_inquiry_keys`); members read theirs signed in.
CREATE TABLE space_inquiries (
    id TEXT PRIMARY KEY,
    space_id TEXT NOT NULL REFERENCES content_items (id) ON DELETE CASCADE,
    operator_id TEXT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    -- the member who asked; NULL for a visitor
    user_id TEXT REFERENCES users (id) ON DELETE SET NULL,
    name TEXT NOT NULL,
    email TEXT NOT NULL,
    -- the language the inquirer wrote in, which their mails are worded in
    language TEXT NOT NULL,
    -- open, answered, visit-planned or closed
    state TEXT NOT NULL,
    -- let or not-let, once closed
    outcome TEXT,
    visit_at TEXT,
    created_at TEXT NOT NULL,
    confirmed_at TEXT,
    answered_at TEXT,
    changed_at TEXT NOT NULL
);
CREATE INDEX space_inquiries_by_operator ON space_inquiries (operator_id, created_at);
CREATE INDEX space_inquiries_by_user ON space_inquiries (user_id);
CREATE INDEX space_inquiries_by_email ON space_inquiries (email, created_at);

CREATE TABLE space_inquiry_messages (
    inquiry_id TEXT NOT NULL REFERENCES space_inquiries (id) ON DELETE CASCADE,
    seq BIGINT NOT NULL,
    -- 1 when the operator wrote it, 0 when the inquirer did
    from_operator BIGINT NOT NULL,
    author_id TEXT REFERENCES users (id) ON DELETE SET NULL,
    body TEXT NOT NULL,
    at TEXT NOT NULL,
    PRIMARY KEY (inquiry_id, seq)
);

CREATE TABLE space_inquiry_keys (
    key_hash TEXT PRIMARY KEY,
    inquiry_id TEXT NOT NULL REFERENCES space_inquiries (id) ON DELETE CASCADE,
    created_at TEXT NOT NULL
);
CREATE INDEX space_inquiry_keys_by_inquiry ON space_inquiry_keys (inquiry_id);

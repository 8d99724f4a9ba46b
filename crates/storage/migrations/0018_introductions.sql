-- Introductions with double opt-in. An introduction joins two organisations (its sides,
-- `from` and `to`); a direct one is asked by a member of `from` (whose side accepts by
-- asking), a brokered one by a partner (`broker_id`), both sides to answer. `subject_item_id`
-- names the need or offer it is about, if any. The status follows from the answers and the
-- date; `expiry_told_at` records that the asker was told it expired. Outcomes are asked 30
-- and 90 days after acceptance, one row per side and follow-up, written before the mail.

CREATE TABLE introductions (
    id TEXT PRIMARY KEY,
    requested_by TEXT REFERENCES users (id) ON DELETE SET NULL,
    broker_id TEXT REFERENCES users (id) ON DELETE SET NULL,
    subject_item_id TEXT REFERENCES content_items (id) ON DELETE SET NULL,
    message TEXT NOT NULL,
    created_on TEXT NOT NULL,
    created_at TEXT NOT NULL,
    accepted_on TEXT,
    expiry_told_at TEXT
);

CREATE TABLE introduction_sides (
    introduction_id TEXT NOT NULL REFERENCES introductions (id) ON DELETE CASCADE,
    side TEXT NOT NULL,
    organisation_id TEXT NOT NULL REFERENCES organisations (id),
    answer TEXT NOT NULL,
    answered_by TEXT REFERENCES users (id) ON DELETE SET NULL,
    answered_at TEXT,
    PRIMARY KEY (introduction_id, side)
);

CREATE INDEX introduction_sides_by_organisation ON introduction_sides (organisation_id);

CREATE TABLE introduction_outcomes (
    introduction_id TEXT NOT NULL REFERENCES introductions (id) ON DELETE CASCADE,
    side TEXT NOT NULL,
    after_days BIGINT NOT NULL,
    asked_at TEXT NOT NULL,
    outcome TEXT,
    answered_at TEXT,
    PRIMARY KEY (introduction_id, side, after_days)
);

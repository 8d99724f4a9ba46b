-- The talent pool: one opt-in profile per person, which only recruiters see (the hidden
-- flag is also in the record; the column lets lists skip hidden ones), and the weekly mail
-- of vacancies that fit, one row per person and ISO week written in the transaction that
-- queues it.

CREATE TABLE talent_profiles (
    user_id TEXT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    record TEXT NOT NULL,
    record_version INTEGER NOT NULL,
    hidden INTEGER NOT NULL,
    weekly INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE talent_fits_sent (
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    week TEXT NOT NULL,
    sent_at TEXT NOT NULL,
    PRIMARY KEY (user_id, week)
);

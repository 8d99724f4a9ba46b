-- Photos of spaces. The image itself is a file in the data directory named by the SHA-256
-- of its bytes (written by the hub after decoding, resizing and encoding it anew, so it
-- holds no metadata); a row names it for the space, in the order shown, with its text for
-- those who cannot see it. `lshub backup` copies the files with the rows.
CREATE TABLE space_photos (
    item_id TEXT NOT NULL REFERENCES content_items (id) ON DELETE CASCADE,
    hash TEXT NOT NULL,
    position BIGINT NOT NULL,
    alt_en TEXT NOT NULL,
    alt_nl TEXT NOT NULL,
    width BIGINT NOT NULL,
    height BIGINT NOT NULL,
    size BIGINT NOT NULL,
    uploaded_by TEXT REFERENCES users (id) ON DELETE SET NULL,
    uploaded_at TEXT NOT NULL,
    PRIMARY KEY (item_id, hash)
);
CREATE INDEX space_photos_by_hash ON space_photos (hash);

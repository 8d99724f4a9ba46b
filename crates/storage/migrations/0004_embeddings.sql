-- Sentence embeddings of searchable entities, per model. A row is reused while the text it
-- was computed from is unchanged (same `text_hash`), so imports encode only new or changed
-- records and every hub node loads the vectors instead of computing them.
-- `vector` holds `dimension` little-endian f32 values. BYTEA is PostgreSQL's binary type;
-- SQLite stores the bytes as they are under any declared type.

CREATE TABLE embeddings (
    model TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_key TEXT NOT NULL,
    text_hash TEXT NOT NULL,
    dimension INTEGER NOT NULL,
    vector BYTEA NOT NULL,
    last_updated TEXT NOT NULL,
    PRIMARY KEY (model, entity, entity_key)
);

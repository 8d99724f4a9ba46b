-- Imported records carry the version of their JSON shape, like member-written items, so
-- that a later shape is read through an upgrade. Rows from before are version 1.

ALTER TABLE organisations ADD COLUMN record_version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE call_topics ADD COLUMN record_version INTEGER NOT NULL DEFAULT 1;

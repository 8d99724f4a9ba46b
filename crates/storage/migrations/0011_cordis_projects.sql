-- EU research projects from CORDIS, their participations, and the links of the
-- participating legal entities (PICs) to organisations of the directory.
-- Amounts are decimal texts in euro (never floats), as the records hold them.

CREATE TABLE projects (
    grant_id TEXT PRIMARY KEY,
    acronym TEXT NOT NULL,
    title TEXT NOT NULL,
    sort_title TEXT NOT NULL,
    status TEXT NOT NULL,
    start_date TEXT,
    end_date TEXT,
    ec_max_contribution TEXT,
    search_text TEXT NOT NULL,
    record TEXT NOT NULL,
    record_version INTEGER NOT NULL DEFAULT 1,
    source TEXT NOT NULL,
    source_id TEXT NOT NULL,
    first_imported TEXT NOT NULL,
    last_updated TEXT NOT NULL,
    UNIQUE (source, source_id)
);

CREATE INDEX projects_by_start ON projects (start_date);

-- One row per participant of a project, rewritten with its project's record; the
-- projection that network queries join on.
CREATE TABLE project_participants (
    grant_id TEXT NOT NULL REFERENCES projects (grant_id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    pic TEXT NOT NULL,
    role TEXT NOT NULL,
    legal_name TEXT NOT NULL,
    vat TEXT,
    city TEXT,
    country TEXT,
    ec_contribution TEXT,
    PRIMARY KEY (grant_id, position)
);

CREATE INDEX project_participants_by_pic ON project_participants (pic);
CREATE INDEX project_participants_by_country ON project_participants (country);

-- A legal entity (PIC) linked to a directory organisation: by VAT number, by name and
-- city through the resolver, or by an admin. Automatic links are recomputed on import;
-- manual ones are kept.
CREATE TABLE participant_links (
    pic TEXT PRIMARY KEY,
    organisation_id TEXT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    method TEXT NOT NULL,
    confidence_permille INTEGER,
    last_updated TEXT NOT NULL
);

CREATE INDEX participant_links_by_organisation ON participant_links (organisation_id);

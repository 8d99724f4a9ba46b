-- Terms of the controlled vocabularies datasets point to (the GA4GH Data Use Ontology),
-- imported from their published files: what a code means, for forms, pages and checks.
CREATE TABLE vocabulary_terms (
    scheme TEXT NOT NULL,
    code TEXT NOT NULL,
    label TEXT NOT NULL,
    shorthand TEXT,
    description TEXT,
    PRIMARY KEY (scheme, code)
);

-- The directory's name filter (`search_text LIKE '%word%'`) reads these narrow indexes
-- instead of whole rows: counting scans the first, a page walks the second in name order and
-- fetches only the rows it shows. `search_text` is capped at 1,000 characters when written,
-- which keeps every entry within PostgreSQL's B-tree entry limit.

CREATE INDEX organisations_by_search_text ON organisations (search_text);
CREATE INDEX organisations_by_sort_name_and_text ON organisations (sort_name, id, search_text);
DROP INDEX organisations_by_sort_name;

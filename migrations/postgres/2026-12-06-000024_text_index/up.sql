-- A trigram index over each task's folded text, so that LIKE '%word%' on a rare word finds
-- its tasks without reading every task. pg_trgm ships with PostgreSQL and is trusted: the
-- database's owner may create it.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX tasks_search_text_trgm ON tasks USING gin (search_text gin_trgm_ops) WITH (fastupdate = off);

DROP INDEX tasks_search_text_trgm;
CREATE INDEX tasks_search_text_trgm ON tasks USING gin (search_text gin_trgm_ops) WITH (fastupdate = off);
DROP TRIGGER task_unit_ids_update ON task_units;
DROP TRIGGER task_unit_ids_delete ON task_units;
DROP TRIGGER task_unit_ids_insert ON task_units;
DROP FUNCTION task_unit_ids_keep();
DROP FUNCTION task_unit_ids_set(BIGINT[]);
ALTER TABLE tasks DROP COLUMN unit_ids;

-- Which units see each task (its rows in task_units), on the task itself, so that one GIN index
-- holds both a task's units and its words: a text search within one unit's list asks the index
-- for the unit's tasks that hold the words, instead of walking the unit's list comparing texts
-- (its 10,000 open tasks at a million).
ALTER TABLE tasks ADD COLUMN unit_ids BIGINT[] NOT NULL DEFAULT '{}';
UPDATE tasks t SET unit_ids = u.ids
FROM (SELECT task_id, array_agg(unit_id ORDER BY unit_id) AS ids FROM task_units GROUP BY task_id) u
WHERE u.task_id = t.id;

-- The given tasks' units, read again from task_units; a task whose units did not change is not
-- written.
CREATE FUNCTION task_unit_ids_set(ids BIGINT[]) RETURNS void AS $$
    UPDATE tasks t SET unit_ids = s.units
    FROM (SELECT i.id, COALESCE((SELECT array_agg(tu.unit_id ORDER BY tu.unit_id)
                                 FROM task_units tu WHERE tu.task_id = i.id), '{}') AS units
          FROM unnest(ids) AS i(id)) s
    WHERE t.id = s.id AND t.unit_ids IS DISTINCT FROM s.units;
$$ LANGUAGE sql;

-- Once a statement, over the rows it wrote: an update that leaves every (task, unit) pair as it
-- was (a copied last change, the open flag, the due day) touches no task.
CREATE FUNCTION task_unit_ids_keep() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM task_unit_ids_set(ARRAY(SELECT DISTINCT task_id FROM new_rows));
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM task_unit_ids_set(ARRAY(SELECT DISTINCT task_id FROM old_rows));
    ELSE
        PERFORM task_unit_ids_set(ARRAY(
            SELECT task_id FROM (
                (SELECT task_id, unit_id FROM old_rows EXCEPT SELECT task_id, unit_id FROM new_rows)
                UNION
                (SELECT task_id, unit_id FROM new_rows EXCEPT SELECT task_id, unit_id FROM old_rows)
            ) moved));
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER task_unit_ids_insert AFTER INSERT ON task_units
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION task_unit_ids_keep();
CREATE TRIGGER task_unit_ids_delete AFTER DELETE ON task_units
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION task_unit_ids_keep();
CREATE TRIGGER task_unit_ids_update AFTER UPDATE ON task_units
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION task_unit_ids_keep();

DROP INDEX tasks_search_text_trgm;
CREATE INDEX tasks_search_text_trgm ON tasks USING gin (search_text gin_trgm_ops, unit_ids)
    WITH (fastupdate = off);

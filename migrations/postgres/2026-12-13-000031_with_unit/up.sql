-- The open buckets are the open tasks still with their unit (assigned or in progress): a task
-- reported complete is open but counted done. Both walks answer "still with its unit" from an
-- index, so that counting a bucket reads no task: the index of open tasks by due date holds
-- the status, and a unit's rows say whether the task is with its unit, kept by triggers like
-- their last change.
DROP INDEX tasks_open_due;
CREATE INDEX tasks_open_due ON tasks(is_open, due_key, id) INCLUDE (status);

ALTER TABLE task_units ADD COLUMN working BOOLEAN NOT NULL DEFAULT FALSE;
UPDATE task_units tu SET working = (t.status IN ('assigned', 'in_progress'))
FROM tasks t WHERE t.id = tu.task_id;
DROP INDEX task_units_inbox;
CREATE INDEX task_units_inbox ON task_units(unit_id, open, due_sort, task_id) INCLUDE (working);
CREATE OR REPLACE FUNCTION task_units_updated_new() RETURNS trigger AS $$
BEGIN
    SELECT updated_at, status IN ('assigned', 'in_progress') INTO NEW.updated_at, NEW.working
    FROM tasks WHERE id = NEW.task_id;
    RETURN NEW;
END $$ LANGUAGE plpgsql;
CREATE FUNCTION task_units_working_task() RETURNS trigger AS $$
BEGIN
    UPDATE task_units SET working = (NEW.status IN ('assigned', 'in_progress'))
    WHERE task_id = NEW.id;
    RETURN NULL;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER task_units_working_task AFTER UPDATE OF status ON tasks
    FOR EACH ROW
    WHEN ((OLD.status IN ('assigned', 'in_progress')) IS DISTINCT FROM
          (NEW.status IN ('assigned', 'in_progress')))
    EXECUTE FUNCTION task_units_working_task();

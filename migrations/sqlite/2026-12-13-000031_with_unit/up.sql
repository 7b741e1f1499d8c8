-- The open buckets are the open tasks still with their unit (assigned or in progress): a task
-- reported complete is open but counted done. Both walks answer "still with its unit" from an
-- index, so that counting a bucket reads no task: the index of open tasks by due date holds
-- the status, and a unit's rows say whether the task is with its unit, kept by triggers like
-- their last change.
DROP INDEX tasks_open_due;
CREATE INDEX tasks_open_due ON tasks(is_open, due_key, id, status);

ALTER TABLE task_units ADD COLUMN working BOOLEAN NOT NULL DEFAULT 0;
UPDATE task_units SET working = (
    SELECT status IN ('assigned', 'in_progress') FROM tasks WHERE tasks.id = task_units.task_id);
DROP INDEX task_units_inbox;
CREATE INDEX task_units_inbox ON task_units(unit_id, open, due_sort, task_id, working);
DROP TRIGGER task_units_updated_new;
CREATE TRIGGER task_units_updated_new AFTER INSERT ON task_units BEGIN
    UPDATE task_units SET (updated_at, working) = (
        SELECT updated_at, status IN ('assigned', 'in_progress') FROM tasks WHERE id = NEW.task_id)
    WHERE unit_id = NEW.unit_id AND task_id = NEW.task_id;
END;
CREATE TRIGGER task_units_working_task AFTER UPDATE OF status ON tasks
WHEN (OLD.status IN ('assigned', 'in_progress')) <> (NEW.status IN ('assigned', 'in_progress'))
BEGIN
    UPDATE task_units SET working = (NEW.status IN ('assigned', 'in_progress'))
    WHERE task_id = NEW.id;
END;

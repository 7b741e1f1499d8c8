DROP TRIGGER task_units_working_task ON tasks;
DROP FUNCTION task_units_working_task();
CREATE OR REPLACE FUNCTION task_units_updated_new() RETURNS trigger AS $$
BEGIN
    NEW.updated_at := (SELECT updated_at FROM tasks WHERE id = NEW.task_id);
    RETURN NEW;
END $$ LANGUAGE plpgsql;
DROP INDEX task_units_inbox;
CREATE INDEX task_units_inbox ON task_units(unit_id, open, due_sort, task_id);
ALTER TABLE task_units DROP COLUMN working;
DROP INDEX tasks_open_due;
CREATE INDEX tasks_open_due ON tasks(is_open, due_key, id);

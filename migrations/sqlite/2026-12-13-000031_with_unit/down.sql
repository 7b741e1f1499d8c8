DROP TRIGGER task_units_working_task;
DROP TRIGGER task_units_updated_new;
CREATE TRIGGER task_units_updated_new AFTER INSERT ON task_units BEGIN
    UPDATE task_units SET updated_at = (SELECT updated_at FROM tasks WHERE id = NEW.task_id)
    WHERE unit_id = NEW.unit_id AND task_id = NEW.task_id;
END;
DROP INDEX task_units_inbox;
CREATE INDEX task_units_inbox ON task_units(unit_id, open, due_sort, task_id);
ALTER TABLE task_units DROP COLUMN working;
DROP INDEX tasks_open_due;
CREATE INDEX tasks_open_due ON tasks(is_open, due_key, id);

-- Every shape of the task list walks an index in its own order and stops after a page
-- (keyset paging), whatever the number of tasks.
--
-- The due date with "none" last as one sortable value, and whether the task is open, derived
-- by the database so that no writer can forget them.
ALTER TABLE tasks ADD COLUMN due_key TEXT GENERATED ALWAYS AS (COALESCE(due_on, '9999-12-31')) VIRTUAL;
ALTER TABLE tasks ADD COLUMN is_open BOOLEAN GENERATED ALWAYS AS (status IN ('assigned', 'in_progress', 'reported')) VIRTUAL;
-- Everyone who sees every unit: open or not, then each sort.
CREATE INDEX tasks_open_due ON tasks(is_open, due_key, id);
CREATE INDEX tasks_open_created ON tasks(is_open, id);
CREATE INDEX tasks_open_updated ON tasks(is_open, updated_at, id);
CREATE INDEX tasks_due_key ON tasks(due_key, id);
CREATE INDEX tasks_updated ON tasks(updated_at, id);

-- One unit's tasks (led or coordinated) in each order: the last change is copied here by
-- triggers, from the task when a row is written and whenever the task changes.
ALTER TABLE task_units ADD COLUMN updated_at TIMESTAMP NOT NULL DEFAULT '1970-01-01 00:00:00';
UPDATE task_units SET updated_at = (SELECT updated_at FROM tasks WHERE tasks.id = task_units.task_id);
CREATE INDEX task_units_open_created ON task_units(unit_id, open, task_id);
CREATE INDEX task_units_due ON task_units(unit_id, due_sort, task_id);
CREATE INDEX task_units_open_updated ON task_units(unit_id, open, updated_at, task_id);
CREATE INDEX task_units_updated ON task_units(unit_id, updated_at, task_id);
CREATE TRIGGER task_units_updated_new AFTER INSERT ON task_units BEGIN
    UPDATE task_units SET updated_at = (SELECT updated_at FROM tasks WHERE id = NEW.task_id)
    WHERE unit_id = NEW.unit_id AND task_id = NEW.task_id;
END;
CREATE TRIGGER task_units_updated_task AFTER UPDATE OF updated_at ON tasks BEGIN
    UPDATE task_units SET updated_at = NEW.updated_at WHERE task_id = NEW.id;
END;

-- The list's directive field suggests the latest directives and finds one by its number.
CREATE INDEX directives_issued ON directives(issued_on, id);
CREATE INDEX directives_number ON directives(number);

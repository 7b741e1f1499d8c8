-- Which units see which task (the lead and the coordinators), with the two facts the inbox
-- sorts and counts by, so that a unit's inbox is one index range whatever the table's size.
-- Kept in step with tasks and task_coordinators by models::task::sync_units.
CREATE TABLE task_units (
    unit_id BIGINT NOT NULL REFERENCES units(id),
    task_id BIGINT NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
    is_lead BOOLEAN NOT NULL,
    open BOOLEAN NOT NULL,
    -- The due date, or 9999-12-31 for none, so that "most urgent first" is index order.
    due_sort DATE NOT NULL,
    PRIMARY KEY (unit_id, task_id)
);
CREATE INDEX task_units_inbox ON task_units(unit_id, open, due_sort, task_id);
CREATE INDEX task_units_task ON task_units(task_id);

INSERT INTO task_units (unit_id, task_id, is_lead, open, due_sort)
SELECT lead_unit_id, id, 1, status IN ('assigned', 'in_progress', 'reported'), COALESCE(due_on, '9999-12-31')
FROM tasks;
INSERT INTO task_units (unit_id, task_id, is_lead, open, due_sort)
SELECT c.unit_id, t.id, 0, t.status IN ('assigned', 'in_progress', 'reported'), COALESCE(t.due_on, '9999-12-31')
FROM task_coordinators c JOIN tasks t ON t.id = c.task_id;

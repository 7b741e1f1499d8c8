-- Open tasks by due day, so that a list narrowed to a due range (due soon, overdue, within
-- the deadline) gives its total by summing a few days instead of counting thousands of index
-- entries on every page.
--
-- Everyone's tasks by due day and status: counted by the tally triggers (`db::tally_triggers`,
-- installed and filled after the migrations).
CREATE TABLE task_day_tallies (
    due_key DATE NOT NULL,
    status TEXT NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (status, due_key)
) WITHOUT ROWID;

-- Each unit's open tasks (led or coordinated) by due day and whether the task is still with
-- its unit, kept by triggers on task_units whatever writes it.
CREATE TABLE unit_open_days (
    unit_id BIGINT NOT NULL,
    working BOOLEAN NOT NULL,
    due_sort DATE NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (unit_id, working, due_sort)
) WITHOUT ROWID;
INSERT INTO unit_open_days (unit_id, working, due_sort, n)
SELECT unit_id, working, due_sort, COUNT(*) FROM task_units WHERE open
GROUP BY unit_id, working, due_sort;

CREATE TRIGGER unit_open_days_insert AFTER INSERT ON task_units WHEN new.open BEGIN
    INSERT INTO unit_open_days (unit_id, working, due_sort, n)
    VALUES (new.unit_id, new.working, new.due_sort, 1)
    ON CONFLICT (unit_id, working, due_sort) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER unit_open_days_delete AFTER DELETE ON task_units WHEN old.open BEGIN
    UPDATE unit_open_days SET n = n - 1
    WHERE unit_id = old.unit_id AND working = old.working AND due_sort = old.due_sort;
END;
-- (The trigger that sets a new row's `working` updates it, which lands here.)
CREATE TRIGGER unit_open_days_update AFTER UPDATE OF unit_id, open, working, due_sort ON task_units
WHEN old.unit_id <> new.unit_id OR old.open <> new.open OR old.working <> new.working
    OR old.due_sort <> new.due_sort
BEGIN
    UPDATE unit_open_days SET n = n - 1
    WHERE old.open AND unit_id = old.unit_id AND working = old.working AND due_sort = old.due_sort;
    INSERT INTO unit_open_days (unit_id, working, due_sort, n)
    SELECT new.unit_id, new.working, new.due_sort, 1 WHERE new.open
    ON CONFLICT (unit_id, working, due_sort) DO UPDATE SET n = n + 1;
END;

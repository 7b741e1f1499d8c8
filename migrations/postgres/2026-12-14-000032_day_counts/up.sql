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
);

-- Each unit's open tasks (led or coordinated) by due day and whether the task is still with
-- its unit, kept by a trigger on task_units whatever writes it.
CREATE TABLE unit_open_days (
    unit_id BIGINT NOT NULL,
    working BOOLEAN NOT NULL,
    due_sort DATE NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (unit_id, working, due_sort)
);
INSERT INTO unit_open_days (unit_id, working, due_sort, n)
SELECT unit_id, working, due_sort, COUNT(*) FROM task_units WHERE open
GROUP BY unit_id, working, due_sort;

CREATE FUNCTION unit_open_days_keep() RETURNS trigger AS $$
BEGIN
    IF TG_OP IN ('DELETE', 'UPDATE') AND OLD.open THEN
        UPDATE unit_open_days SET n = n - 1
        WHERE unit_id = OLD.unit_id AND working = OLD.working AND due_sort = OLD.due_sort;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.open THEN
        INSERT INTO unit_open_days (unit_id, working, due_sort, n)
        VALUES (NEW.unit_id, NEW.working, NEW.due_sort, 1)
        ON CONFLICT (unit_id, working, due_sort) DO UPDATE SET n = unit_open_days.n + 1;
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER unit_open_days_keep AFTER INSERT OR DELETE ON task_units
    FOR EACH ROW EXECUTE FUNCTION unit_open_days_keep();
CREATE TRIGGER unit_open_days_move AFTER UPDATE OF unit_id, open, working, due_sort ON task_units
    FOR EACH ROW WHEN (OLD.unit_id <> NEW.unit_id OR OLD.open <> NEW.open
        OR OLD.working <> NEW.working OR OLD.due_sort <> NEW.due_sort)
    EXECUTE FUNCTION unit_open_days_keep();

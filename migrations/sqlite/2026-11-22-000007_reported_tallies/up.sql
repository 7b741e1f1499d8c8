-- Tasks whose completion is reported and awaits confirmation get their own outcome,
-- 'reported', in both tallies (it was 'open'): "overdue now" (open, past due, never reported
-- done) is then a sum over task_due_tallies rather than over thousands of task_tallies rows.
-- Readers count 'reported' with 'open' in the four buckets. A third tally, by assignment month
-- (task_assigned_tallies), answers periods by assignment date from a quarter of the rows: a done
-- task's due month does not matter there. The triggers are those of 000005 with the new
-- outcome rule and the third tally; the tallies are counted again.
DROP TRIGGER tasks_tally_insert;
DROP TRIGGER tasks_tally_forget;
DROP TRIGGER tasks_tally_update_old;
DROP TRIGGER tasks_tally_update_new;
DELETE FROM task_tallies;
DELETE FROM task_due_tallies;
CREATE TABLE task_assigned_tallies (
    assigned_month DATE NOT NULL,
    lead_unit_id BIGINT NOT NULL,
    outcome TEXT NOT NULL,
    -- '9999-12-01' for done tasks, whose bucket does not depend on it.
    due_month DATE NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (assigned_month, lead_unit_id, outcome, due_month)
) WITHOUT ROWID;


CREATE TRIGGER tasks_tally_insert AFTER INSERT ON tasks WHEN NEW.status <> 'cancelled' BEGIN
    INSERT INTO task_tallies (due_month, lead_unit_id, outcome, assigned_month, done_month, n)
    VALUES (COALESCE(date(NEW.due_on, 'start of month'), '9999-12-01'), NEW.lead_unit_id,
            CASE WHEN NEW.status = 'reported' THEN 'reported'
                 WHEN NEW.status <> 'done' THEN 'open'
                 WHEN NEW.completed_on > NEW.due_on THEN 'late' ELSE 'on_time' END,
            date(NEW.created_at, '+7 hours', 'start of month'), COALESCE(date(NEW.completed_on, 'start of month'), '9999-12-01'), 1)
    ON CONFLICT (due_month, lead_unit_id, outcome, assigned_month, done_month)
    DO UPDATE SET n = n + 1;
    INSERT INTO task_due_tallies (due_month, lead_unit_id, outcome, n)
    VALUES (COALESCE(date(NEW.due_on, 'start of month'), '9999-12-01'), NEW.lead_unit_id,
            CASE WHEN NEW.status = 'reported' THEN 'reported'
                 WHEN NEW.status <> 'done' THEN 'open'
                 WHEN NEW.completed_on > NEW.due_on THEN 'late' ELSE 'on_time' END, 1)
    ON CONFLICT (due_month, lead_unit_id, outcome) DO UPDATE SET n = n + 1;
    INSERT INTO task_assigned_tallies (assigned_month, lead_unit_id, outcome, due_month, n)
    VALUES (date(NEW.created_at, '+7 hours', 'start of month'), NEW.lead_unit_id,
            CASE WHEN NEW.status = 'reported' THEN 'reported'
                 WHEN NEW.status <> 'done' THEN 'open'
                 WHEN NEW.completed_on > NEW.due_on THEN 'late' ELSE 'on_time' END,
            CASE WHEN NEW.status = 'done' THEN '9999-12-01'
                 ELSE COALESCE(date(NEW.due_on, 'start of month'), '9999-12-01') END, 1)
    ON CONFLICT (assigned_month, lead_unit_id, outcome, due_month) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER tasks_tally_forget AFTER DELETE ON tasks WHEN OLD.status <> 'cancelled' BEGIN
    UPDATE task_tallies SET n = n - 1
    WHERE due_month = COALESCE(date(OLD.due_on, 'start of month'), '9999-12-01') AND lead_unit_id = OLD.lead_unit_id
      AND outcome = CASE WHEN OLD.status = 'reported' THEN 'reported'
                 WHEN OLD.status <> 'done' THEN 'open'
                 WHEN OLD.completed_on > OLD.due_on THEN 'late' ELSE 'on_time' END
      AND assigned_month = date(OLD.created_at, '+7 hours', 'start of month') AND done_month = COALESCE(date(OLD.completed_on, 'start of month'), '9999-12-01');
    UPDATE task_due_tallies SET n = n - 1
    WHERE due_month = COALESCE(date(OLD.due_on, 'start of month'), '9999-12-01') AND lead_unit_id = OLD.lead_unit_id
      AND outcome = CASE WHEN OLD.status = 'reported' THEN 'reported'
                 WHEN OLD.status <> 'done' THEN 'open'
                 WHEN OLD.completed_on > OLD.due_on THEN 'late' ELSE 'on_time' END;
    UPDATE task_assigned_tallies SET n = n - 1
    WHERE assigned_month = date(OLD.created_at, '+7 hours', 'start of month')
      AND lead_unit_id = OLD.lead_unit_id
      AND outcome = CASE WHEN OLD.status = 'reported' THEN 'reported'
                 WHEN OLD.status <> 'done' THEN 'open'
                 WHEN OLD.completed_on > OLD.due_on THEN 'late' ELSE 'on_time' END
      AND due_month = CASE WHEN OLD.status = 'done' THEN '9999-12-01'
                 ELSE COALESCE(date(OLD.due_on, 'start of month'), '9999-12-01') END;
END;

-- An update is the old row forgotten and the new one counted; only the columns that decide
-- the key wake it up.
CREATE TRIGGER tasks_tally_update_old AFTER UPDATE OF lead_unit_id, status, due_on, completed_on, created_at ON tasks
WHEN OLD.status <> 'cancelled' BEGIN
    UPDATE task_tallies SET n = n - 1
    WHERE due_month = COALESCE(date(OLD.due_on, 'start of month'), '9999-12-01') AND lead_unit_id = OLD.lead_unit_id
      AND outcome = CASE WHEN OLD.status = 'reported' THEN 'reported'
                 WHEN OLD.status <> 'done' THEN 'open'
                 WHEN OLD.completed_on > OLD.due_on THEN 'late' ELSE 'on_time' END
      AND assigned_month = date(OLD.created_at, '+7 hours', 'start of month') AND done_month = COALESCE(date(OLD.completed_on, 'start of month'), '9999-12-01');
    UPDATE task_due_tallies SET n = n - 1
    WHERE due_month = COALESCE(date(OLD.due_on, 'start of month'), '9999-12-01') AND lead_unit_id = OLD.lead_unit_id
      AND outcome = CASE WHEN OLD.status = 'reported' THEN 'reported'
                 WHEN OLD.status <> 'done' THEN 'open'
                 WHEN OLD.completed_on > OLD.due_on THEN 'late' ELSE 'on_time' END;
    UPDATE task_assigned_tallies SET n = n - 1
    WHERE assigned_month = date(OLD.created_at, '+7 hours', 'start of month')
      AND lead_unit_id = OLD.lead_unit_id
      AND outcome = CASE WHEN OLD.status = 'reported' THEN 'reported'
                 WHEN OLD.status <> 'done' THEN 'open'
                 WHEN OLD.completed_on > OLD.due_on THEN 'late' ELSE 'on_time' END
      AND due_month = CASE WHEN OLD.status = 'done' THEN '9999-12-01'
                 ELSE COALESCE(date(OLD.due_on, 'start of month'), '9999-12-01') END;
END;

CREATE TRIGGER tasks_tally_update_new AFTER UPDATE OF lead_unit_id, status, due_on, completed_on, created_at ON tasks
WHEN NEW.status <> 'cancelled' BEGIN
    INSERT INTO task_tallies (due_month, lead_unit_id, outcome, assigned_month, done_month, n)
    VALUES (COALESCE(date(NEW.due_on, 'start of month'), '9999-12-01'), NEW.lead_unit_id,
            CASE WHEN NEW.status = 'reported' THEN 'reported'
                 WHEN NEW.status <> 'done' THEN 'open'
                 WHEN NEW.completed_on > NEW.due_on THEN 'late' ELSE 'on_time' END,
            date(NEW.created_at, '+7 hours', 'start of month'), COALESCE(date(NEW.completed_on, 'start of month'), '9999-12-01'), 1)
    ON CONFLICT (due_month, lead_unit_id, outcome, assigned_month, done_month)
    DO UPDATE SET n = n + 1;
    INSERT INTO task_due_tallies (due_month, lead_unit_id, outcome, n)
    VALUES (COALESCE(date(NEW.due_on, 'start of month'), '9999-12-01'), NEW.lead_unit_id,
            CASE WHEN NEW.status = 'reported' THEN 'reported'
                 WHEN NEW.status <> 'done' THEN 'open'
                 WHEN NEW.completed_on > NEW.due_on THEN 'late' ELSE 'on_time' END, 1)
    ON CONFLICT (due_month, lead_unit_id, outcome) DO UPDATE SET n = n + 1;
    INSERT INTO task_assigned_tallies (assigned_month, lead_unit_id, outcome, due_month, n)
    VALUES (date(NEW.created_at, '+7 hours', 'start of month'), NEW.lead_unit_id,
            CASE WHEN NEW.status = 'reported' THEN 'reported'
                 WHEN NEW.status <> 'done' THEN 'open'
                 WHEN NEW.completed_on > NEW.due_on THEN 'late' ELSE 'on_time' END,
            CASE WHEN NEW.status = 'done' THEN '9999-12-01'
                 ELSE COALESCE(date(NEW.due_on, 'start of month'), '9999-12-01') END, 1)
    ON CONFLICT (assigned_month, lead_unit_id, outcome, due_month) DO UPDATE SET n = n + 1;
END;

INSERT INTO task_tallies (due_month, lead_unit_id, outcome, assigned_month, done_month, n)
SELECT COALESCE(date(due_on, 'start of month'), '9999-12-01'),
       lead_unit_id,
       CASE WHEN status = 'reported' THEN 'reported'
            WHEN status <> 'done' THEN 'open'
            WHEN completed_on > due_on THEN 'late' ELSE 'on_time' END,
       date(created_at, '+7 hours', 'start of month'),
       COALESCE(date(completed_on, 'start of month'), '9999-12-01'),
       COUNT(*)
FROM tasks WHERE status <> 'cancelled'
GROUP BY 1, 2, 3, 4, 5;

INSERT INTO task_due_tallies (due_month, lead_unit_id, outcome, n)
SELECT due_month, lead_unit_id, outcome, SUM(n) FROM task_tallies GROUP BY 1, 2, 3;

INSERT INTO task_assigned_tallies (assigned_month, lead_unit_id, outcome, due_month, n)
SELECT assigned_month, lead_unit_id, outcome,
       CASE WHEN outcome IN ('on_time', 'late') THEN '9999-12-01' ELSE due_month END, SUM(n)
FROM task_tallies GROUP BY 1, 2, 3, 4;

-- The direct counts (this month's open tasks before today; by assignment date, the partial
-- months at a custom period's edges) read only these indexes, never the table: the assignment
-- time joins the (status, due) indexes, and the assignment index carries what the buckets need.
DROP INDEX tasks_lead_status_due;
CREATE INDEX tasks_lead_status_due ON tasks(lead_unit_id, status, due_on, completed_on, created_at);
DROP INDEX tasks_status_due;
CREATE INDEX tasks_status_due ON tasks(status, due_on, lead_unit_id, completed_on, created_at);
DROP INDEX tasks_created;
CREATE INDEX tasks_created ON tasks(created_at, status, due_on, completed_on, lead_unit_id);
-- Periods by assignment date read task_assigned_tallies now.
DROP INDEX task_tallies_assigned;

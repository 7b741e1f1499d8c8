-- The triggers and tallies of 000005.
DROP TRIGGER tasks_tally_insert;
DROP TRIGGER tasks_tally_forget;
DROP TRIGGER tasks_tally_update_old;
DROP TRIGGER tasks_tally_update_new;
DROP TABLE task_assigned_tallies;
DELETE FROM task_tallies;
DELETE FROM task_due_tallies;

CREATE TRIGGER tasks_tally_insert AFTER INSERT ON tasks WHEN NEW.status <> 'cancelled' BEGIN
    INSERT INTO task_tallies (due_month, lead_unit_id, outcome, assigned_month, done_month, n)
    VALUES (COALESCE(date(NEW.due_on, 'start of month'), '9999-12-01'), NEW.lead_unit_id,
            CASE WHEN NEW.status <> 'done' THEN 'open'
                 WHEN NEW.completed_on > NEW.due_on THEN 'late' ELSE 'on_time' END,
            date(NEW.created_at, '+7 hours', 'start of month'), COALESCE(date(NEW.completed_on, 'start of month'), '9999-12-01'), 1)
    ON CONFLICT (due_month, lead_unit_id, outcome, assigned_month, done_month)
    DO UPDATE SET n = n + 1;
    INSERT INTO task_due_tallies (due_month, lead_unit_id, outcome, n)
    VALUES (COALESCE(date(NEW.due_on, 'start of month'), '9999-12-01'), NEW.lead_unit_id,
            CASE WHEN NEW.status <> 'done' THEN 'open'
                 WHEN NEW.completed_on > NEW.due_on THEN 'late' ELSE 'on_time' END, 1)
    ON CONFLICT (due_month, lead_unit_id, outcome) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER tasks_tally_forget AFTER DELETE ON tasks WHEN OLD.status <> 'cancelled' BEGIN
    UPDATE task_tallies SET n = n - 1
    WHERE due_month = COALESCE(date(OLD.due_on, 'start of month'), '9999-12-01') AND lead_unit_id = OLD.lead_unit_id
      AND outcome = CASE WHEN OLD.status <> 'done' THEN 'open'
                 WHEN OLD.completed_on > OLD.due_on THEN 'late' ELSE 'on_time' END
      AND assigned_month = date(OLD.created_at, '+7 hours', 'start of month') AND done_month = COALESCE(date(OLD.completed_on, 'start of month'), '9999-12-01');
    UPDATE task_due_tallies SET n = n - 1
    WHERE due_month = COALESCE(date(OLD.due_on, 'start of month'), '9999-12-01') AND lead_unit_id = OLD.lead_unit_id
      AND outcome = CASE WHEN OLD.status <> 'done' THEN 'open'
                 WHEN OLD.completed_on > OLD.due_on THEN 'late' ELSE 'on_time' END;
END;

-- An update is the old row forgotten and the new one counted; only the columns that decide
-- the key wake it up.
CREATE TRIGGER tasks_tally_update_old AFTER UPDATE OF lead_unit_id, status, due_on, completed_on, created_at ON tasks
WHEN OLD.status <> 'cancelled' BEGIN
    UPDATE task_tallies SET n = n - 1
    WHERE due_month = COALESCE(date(OLD.due_on, 'start of month'), '9999-12-01') AND lead_unit_id = OLD.lead_unit_id
      AND outcome = CASE WHEN OLD.status <> 'done' THEN 'open'
                 WHEN OLD.completed_on > OLD.due_on THEN 'late' ELSE 'on_time' END
      AND assigned_month = date(OLD.created_at, '+7 hours', 'start of month') AND done_month = COALESCE(date(OLD.completed_on, 'start of month'), '9999-12-01');
    UPDATE task_due_tallies SET n = n - 1
    WHERE due_month = COALESCE(date(OLD.due_on, 'start of month'), '9999-12-01') AND lead_unit_id = OLD.lead_unit_id
      AND outcome = CASE WHEN OLD.status <> 'done' THEN 'open'
                 WHEN OLD.completed_on > OLD.due_on THEN 'late' ELSE 'on_time' END;
END;

CREATE TRIGGER tasks_tally_update_new AFTER UPDATE OF lead_unit_id, status, due_on, completed_on, created_at ON tasks
WHEN NEW.status <> 'cancelled' BEGIN
    INSERT INTO task_tallies (due_month, lead_unit_id, outcome, assigned_month, done_month, n)
    VALUES (COALESCE(date(NEW.due_on, 'start of month'), '9999-12-01'), NEW.lead_unit_id,
            CASE WHEN NEW.status <> 'done' THEN 'open'
                 WHEN NEW.completed_on > NEW.due_on THEN 'late' ELSE 'on_time' END,
            date(NEW.created_at, '+7 hours', 'start of month'), COALESCE(date(NEW.completed_on, 'start of month'), '9999-12-01'), 1)
    ON CONFLICT (due_month, lead_unit_id, outcome, assigned_month, done_month)
    DO UPDATE SET n = n + 1;
    INSERT INTO task_due_tallies (due_month, lead_unit_id, outcome, n)
    VALUES (COALESCE(date(NEW.due_on, 'start of month'), '9999-12-01'), NEW.lead_unit_id,
            CASE WHEN NEW.status <> 'done' THEN 'open'
                 WHEN NEW.completed_on > NEW.due_on THEN 'late' ELSE 'on_time' END, 1)
    ON CONFLICT (due_month, lead_unit_id, outcome) DO UPDATE SET n = n + 1;
END;

INSERT INTO task_tallies (due_month, lead_unit_id, outcome, assigned_month, done_month, n)
SELECT COALESCE(date(due_on, 'start of month'), '9999-12-01'),
       lead_unit_id,
       CASE WHEN status <> 'done' THEN 'open'
            WHEN completed_on > due_on THEN 'late' ELSE 'on_time' END,
       date(created_at, '+7 hours', 'start of month'),
       COALESCE(date(completed_on, 'start of month'), '9999-12-01'),
       COUNT(*)
FROM tasks WHERE status <> 'cancelled'
GROUP BY 1, 2, 3, 4, 5;

INSERT INTO task_due_tallies (due_month, lead_unit_id, outcome, n)
SELECT due_month, lead_unit_id, outcome, SUM(n) FROM task_tallies GROUP BY 1, 2, 3;


DROP INDEX tasks_lead_status_due;
CREATE INDEX tasks_lead_status_due ON tasks(lead_unit_id, status, due_on, completed_on);
DROP INDEX tasks_status_due;
CREATE INDEX tasks_status_due ON tasks(status, due_on, lead_unit_id, completed_on);
DROP INDEX tasks_created;
CREATE INDEX tasks_created ON tasks(created_at);
CREATE INDEX task_tallies_assigned ON task_tallies(assigned_month);

-- The outcome rule, trigger and tallies of 000005.
CREATE OR REPLACE FUNCTION tasks_tally() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE k RECORD;
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.status <> 'cancelled' THEN
        k := task_tally_key(OLD);
        UPDATE task_tallies SET n = n - 1
        WHERE due_month = k.due_month AND assigned_month = k.assigned_month
          AND done_month = k.done_month AND lead_unit_id = OLD.lead_unit_id
          AND outcome = k.outcome;
        UPDATE task_due_tallies SET n = n - 1
        WHERE due_month = k.due_month AND lead_unit_id = OLD.lead_unit_id
          AND outcome = k.outcome;
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') AND NEW.status <> 'cancelled' THEN
        k := task_tally_key(NEW);
        INSERT INTO task_tallies (due_month, assigned_month, done_month, lead_unit_id, outcome, n)
        VALUES (k.due_month, k.assigned_month, k.done_month, NEW.lead_unit_id, k.outcome, 1)
        ON CONFLICT (due_month, assigned_month, done_month, lead_unit_id, outcome)
        DO UPDATE SET n = task_tallies.n + 1;
        INSERT INTO task_due_tallies (due_month, lead_unit_id, outcome, n)
        VALUES (k.due_month, NEW.lead_unit_id, k.outcome, 1)
        ON CONFLICT (due_month, lead_unit_id, outcome)
        DO UPDATE SET n = task_due_tallies.n + 1;
    END IF;
    RETURN NULL;
END $$;

DROP TABLE task_assigned_tallies;
DROP FUNCTION task_assigned_due(TEXT, DATE);
CREATE OR REPLACE FUNCTION task_tally_key(t tasks, OUT due_month DATE, OUT assigned_month DATE,
                               OUT done_month DATE, OUT outcome TEXT)
LANGUAGE sql IMMUTABLE AS $$
    SELECT COALESCE(date_trunc('month', t.due_on)::date, DATE '9999-12-01'),
           date_trunc('month', t.created_at + INTERVAL '7 hours')::date,
           COALESCE(date_trunc('month', t.completed_on)::date, DATE '9999-12-01'),
           CASE WHEN t.status <> 'done' THEN 'open'
                WHEN t.completed_on > t.due_on THEN 'late' ELSE 'on_time' END
$$;

DELETE FROM task_tallies;
DELETE FROM task_due_tallies;

INSERT INTO task_tallies (due_month, assigned_month, done_month, lead_unit_id, outcome, n)
SELECT (k).due_month, (k).assigned_month, (k).done_month, lead_unit_id, (k).outcome, COUNT(*)
FROM (SELECT task_tally_key(t) AS k, t.lead_unit_id FROM tasks t WHERE t.status <> 'cancelled') s
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

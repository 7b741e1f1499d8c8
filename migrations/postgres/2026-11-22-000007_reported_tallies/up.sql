-- Tasks whose completion is reported and awaits confirmation get their own outcome,
-- 'reported', in both tallies (it was 'open'): "overdue now" (open, past due, never reported
-- done) is then a sum over task_due_tallies rather than over thousands of task_tallies rows.
-- Readers count 'reported' with 'open' in the four buckets. A third tally, by assignment month
-- (task_assigned_tallies), answers periods by assignment date from a quarter of the rows: a done
-- task's due month does not matter there. The tallies are counted again.
CREATE TABLE task_assigned_tallies (
    assigned_month DATE NOT NULL,
    lead_unit_id BIGINT NOT NULL,
    outcome TEXT NOT NULL,
    due_month DATE NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (assigned_month, lead_unit_id, outcome, due_month)
);

-- '9999-12-01' for done tasks, whose bucket does not depend on their due month.
CREATE FUNCTION task_assigned_due(outcome TEXT, due_month DATE) RETURNS DATE
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN outcome IN ('on_time', 'late') THEN DATE '9999-12-01' ELSE due_month END
$$;

CREATE OR REPLACE FUNCTION task_tally_key(t tasks, OUT due_month DATE, OUT assigned_month DATE,
                               OUT done_month DATE, OUT outcome TEXT)
LANGUAGE sql IMMUTABLE AS $$
    SELECT COALESCE(date_trunc('month', t.due_on)::date, DATE '9999-12-01'),
           date_trunc('month', t.created_at + INTERVAL '7 hours')::date,
           COALESCE(date_trunc('month', t.completed_on)::date, DATE '9999-12-01'),
           CASE WHEN t.status = 'reported' THEN 'reported'
                WHEN t.status <> 'done' THEN 'open'
                WHEN t.completed_on > t.due_on THEN 'late' ELSE 'on_time' END
$$;

DELETE FROM task_tallies;
DELETE FROM task_due_tallies;

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
        UPDATE task_assigned_tallies SET n = n - 1
        WHERE assigned_month = k.assigned_month AND lead_unit_id = OLD.lead_unit_id
          AND outcome = k.outcome AND due_month = task_assigned_due(k.outcome, k.due_month);
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
        INSERT INTO task_assigned_tallies (assigned_month, lead_unit_id, outcome, due_month, n)
        VALUES (k.assigned_month, NEW.lead_unit_id, k.outcome,
                task_assigned_due(k.outcome, k.due_month), 1)
        ON CONFLICT (assigned_month, lead_unit_id, outcome, due_month)
        DO UPDATE SET n = task_assigned_tallies.n + 1;
    END IF;
    RETURN NULL;
END $$;

INSERT INTO task_tallies (due_month, assigned_month, done_month, lead_unit_id, outcome, n)
SELECT (k).due_month, (k).assigned_month, (k).done_month, lead_unit_id, (k).outcome, COUNT(*)
FROM (SELECT task_tally_key(t) AS k, t.lead_unit_id FROM tasks t WHERE t.status <> 'cancelled') s
GROUP BY 1, 2, 3, 4, 5;

INSERT INTO task_due_tallies (due_month, lead_unit_id, outcome, n)
SELECT due_month, lead_unit_id, outcome, SUM(n) FROM task_tallies GROUP BY 1, 2, 3;

INSERT INTO task_assigned_tallies (assigned_month, lead_unit_id, outcome, due_month, n)
SELECT assigned_month, lead_unit_id, outcome, task_assigned_due(outcome, due_month), SUM(n)
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

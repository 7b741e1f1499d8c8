-- Escalation rules, set by an admin (one row): an open task overdue by N working days goes to
-- the unit head with the leader in charge in copy, by M to the leader in charge; a task with no
-- news for P days reminds the unit; a request waiting Q working days for a decision reminds
-- those who decide.
CREATE TABLE escalation_rules (
    id INTEGER PRIMARY KEY,
    overdue_head_days INTEGER NOT NULL DEFAULT 5,
    overdue_leader_days INTEGER NOT NULL DEFAULT 15,
    silent_days INTEGER NOT NULL DEFAULT 30,
    waiting_days INTEGER NOT NULL DEFAULT 3,
    updated_by BIGINT REFERENCES users(id),
    updated_at TIMESTAMP
);
INSERT INTO escalation_rules (id) VALUES (1);
-- The tasks with no news since a day: one range per status.
CREATE INDEX tasks_status_updated ON tasks(status, updated_at);

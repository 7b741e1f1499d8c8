-- A coordinating unit's part (phối hợp): the lead unit may ask for it by a date (reminded like
-- a task); the unit records it as a report of kind 'coordination', which marks it done. Asked
-- again after it was done, it waits again until the next part.
ALTER TABLE task_coordinators ADD COLUMN asked_due DATE;
ALTER TABLE task_coordinators ADD COLUMN asked_at TIMESTAMP;
ALTER TABLE task_coordinators ADD COLUMN asked_by BIGINT REFERENCES users(id);
ALTER TABLE task_coordinators ADD COLUMN done_at TIMESTAMP;
-- The reminders pass reads the requests by their date.
CREATE INDEX task_coordinators_asked ON task_coordinators(asked_due) WHERE asked_due IS NOT NULL;

-- Who led a task before: a unit sending a task back as outside its remit (returned, waiting
-- for the secretariat while decided_at is empty), the secretariat moving it to another lead
-- unit (transferred) or keeping it where it is (kept). The chain of lead units is read here.
CREATE TABLE task_transfers (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    task_id BIGINT NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    from_unit_id BIGINT NOT NULL REFERENCES units(id),
    to_unit_id BIGINT REFERENCES units(id),
    reason TEXT NOT NULL,
    user_id BIGINT REFERENCES users(id),
    at TIMESTAMP NOT NULL,
    decided_at TIMESTAMP
);
CREATE INDEX task_transfers_task ON task_transfers(task_id);
-- One return waiting per task; the secretariat's desk lists them.
CREATE UNIQUE INDEX task_transfers_waiting ON task_transfers(task_id) WHERE kind = 'returned' AND decided_at IS NULL;

DROP TABLE task_transfers;
DROP INDEX task_coordinators_asked;
ALTER TABLE task_coordinators DROP COLUMN done_at;
ALTER TABLE task_coordinators DROP COLUMN asked_by;
ALTER TABLE task_coordinators DROP COLUMN asked_at;
ALTER TABLE task_coordinators DROP COLUMN asked_due;

DROP TABLE completion_drafts;
ALTER TABLE tasks DROP COLUMN progress_from_steps;
DROP TABLE task_steps;

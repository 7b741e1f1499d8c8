-- Steps inside a task (a checklist: text, who does it, done), which drive the task's progress
-- when the unit chooses; and the completion report a person of the unit drafts for the head.
CREATE TABLE task_steps (
    id BIGSERIAL PRIMARY KEY,
    task_id BIGINT NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
    text TEXT NOT NULL,
    assignee_id BIGINT REFERENCES users(id),
    done_at TIMESTAMP,
    done_by BIGINT REFERENCES users(id),
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX task_steps_task ON task_steps(task_id);
ALTER TABLE tasks ADD COLUMN progress_from_steps BOOLEAN NOT NULL DEFAULT FALSE;
CREATE TABLE completion_drafts (
    task_id BIGINT PRIMARY KEY REFERENCES tasks(id) ON DELETE CASCADE,
    text TEXT NOT NULL,
    drafted_by BIGINT REFERENCES users(id),
    drafted_at TIMESTAMP NOT NULL
);

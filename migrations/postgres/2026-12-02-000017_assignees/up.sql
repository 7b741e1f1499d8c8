-- Người thực hiện: the people of the lead unit its head hands a task to, each with the unit's
-- own due date for it (no later than the official one).
CREATE TABLE task_assignees (
    task_id BIGINT NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users(id),
    due_on DATE,
    assigned_by BIGINT REFERENCES users(id),
    assigned_at TIMESTAMP NOT NULL,
    PRIMARY KEY (task_id, user_id)
);
-- "Giao cho tôi": a person's tasks.
CREATE INDEX task_assignees_user ON task_assignees(user_id, task_id);

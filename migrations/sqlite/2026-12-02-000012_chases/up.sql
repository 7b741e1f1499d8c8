-- Đôn đốc: the secretariat or a leader chases the lead unit of an open task, at most once a
-- day per task (the unique index keeps two presses, or two servers, from chasing twice).
CREATE TABLE chases (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    task_id BIGINT NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
    user_id BIGINT REFERENCES users(id),
    at TIMESTAMP NOT NULL,
    on_day DATE NOT NULL,
    note TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX chases_task_day ON chases(task_id, on_day);

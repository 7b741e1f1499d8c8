-- The working calendar's yearly decisions, editable by administrators.
CREATE TABLE holiday_years (
    year INTEGER PRIMARY KEY,
    source TEXT NOT NULL DEFAULT ''
);
CREATE TABLE holiday_days (
    day DATE PRIMARY KEY,
    -- 'off': a declared day off; 'work': a Saturday made a working day.
    kind TEXT NOT NULL,
    name TEXT NOT NULL
);

-- A unit asks for a later due date; the secretariat or a leader decides.
CREATE TABLE extension_requests (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    task_id BIGINT NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
    unit_id BIGINT REFERENCES units(id),
    requested_by BIGINT REFERENCES users(id),
    report_id BIGINT REFERENCES reports(id),
    previous_due DATE,
    requested_due DATE NOT NULL,
    reason TEXT NOT NULL,
    status TEXT NOT NULL,
    decided_by BIGINT REFERENCES users(id),
    decided_at TIMESTAMP,
    decided_due DATE,
    decision_note TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL
);
-- One pending request per task, whatever instance takes the second one.
CREATE UNIQUE INDEX extension_requests_one_pending ON extension_requests(task_id) WHERE status = 'pending';
CREATE INDEX extension_requests_status ON extension_requests(status, created_at);
CREATE INDEX extension_requests_task ON extension_requests(task_id);

-- Giải trình: a leader or the secretariat asks the lead unit to explain an overdue or at-risk
-- task by a date; the unit head answers (why, what is being done, a proposed date, difficulties
-- and recommendations, files as a report); the asker accepts (perhaps moving the due date, kept
-- as an extension) or asks again, which closes this round and opens the next.
CREATE TABLE explanations (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    task_id BIGINT NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
    unit_id BIGINT NOT NULL REFERENCES units(id),
    asked_by BIGINT REFERENCES users(id),
    asked_at TIMESTAMP NOT NULL,
    reply_by DATE NOT NULL,
    question TEXT NOT NULL DEFAULT '',
    state TEXT NOT NULL,
    answered_by BIGINT REFERENCES users(id),
    answered_at TIMESTAMP,
    report_id BIGINT REFERENCES reports(id),
    reason TEXT NOT NULL DEFAULT '',
    actions TEXT NOT NULL DEFAULT '',
    proposed_due DATE,
    difficulties TEXT NOT NULL DEFAULT '',
    decided_by BIGINT REFERENCES users(id),
    decided_at TIMESTAMP,
    decision_note TEXT NOT NULL DEFAULT '',
    new_due DATE
);
CREATE INDEX explanations_task ON explanations(task_id);
-- One round open per task: two presses, or two servers, cannot open two.
CREATE UNIQUE INDEX explanations_open ON explanations(task_id) WHERE state IN ('asked', 'answered');
-- The unanswered past their date, overall and per unit.
CREATE INDEX explanations_state_reply ON explanations(state, reply_by);
CREATE INDEX explanations_unit_state ON explanations(unit_id, state, reply_by);

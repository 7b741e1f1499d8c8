-- The desk and the in-app notifications: the messages a person was sent are their
-- notifications, unread until they open the list after them.
ALTER TABLE users ADD COLUMN notifications_seen_at TIMESTAMP;
CREATE INDEX outbox_user ON outbox(user_id, created_at);
-- Returned tasks: those with a return among their reports.
CREATE INDEX reports_kind_task ON reports(kind, task_id);

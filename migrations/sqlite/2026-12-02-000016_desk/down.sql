DROP INDEX reports_kind_task;
DROP INDEX outbox_user;
ALTER TABLE users DROP COLUMN notifications_seen_at;

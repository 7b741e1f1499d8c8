-- Mail: the outbox (every message the service sends, written in the same transaction as the
-- change that causes it), the passes of the reminder scheduler, people's mail preferences and
-- password-reset tokens. Kept column-for-column identical to the SQLite migration.

CREATE TABLE outbox (
    id BIGSERIAL PRIMARY KEY,
    -- kind:subject:recipient:date — unique, so re-runs and several instances queue a message once
    dedupe_key TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    task_id BIGINT,
    directive_id BIGINT,
    user_id BIGINT,
    recipient TEXT NOT NULL,
    lang TEXT NOT NULL DEFAULT 'vi',
    -- what the message is about, as JSON (task ids, the day, a note); rendered when sent
    payload TEXT NOT NULL DEFAULT '{}',
    message_id TEXT NOT NULL,
    -- pending, sent, failed (permanent answer or too many attempts), skipped (moot when sent)
    status TEXT NOT NULL DEFAULT 'pending',
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL,
    lease_until TIMESTAMP,
    last_error TEXT NOT NULL DEFAULT '',
    subject TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    sent_at TIMESTAMP
);
CREATE INDEX outbox_ready ON outbox(status, next_attempt_at);
CREATE INDEX outbox_status_id ON outbox(status, id);

CREATE TABLE mail_passes (
    day DATE PRIMARY KEY,
    queued INTEGER NOT NULL,
    finished_at TIMESTAMP NOT NULL
);

CREATE TABLE password_resets (
    token_hash TEXT PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    used_at TIMESTAMP
);
CREATE INDEX password_resets_user ON password_resets(user_id);

-- 'each': one mail per reminder; 'digest': one daily summary instead
ALTER TABLE users ADD COLUMN mail_mode TEXT NOT NULL DEFAULT 'each';
-- the optional kinds this person turned off, comma-separated
ALTER TABLE users ADD COLUMN mail_off TEXT NOT NULL DEFAULT '';
-- the unit's contact addresses get a daily digest instead of single reminders
ALTER TABLE units ADD COLUMN mail_digest BOOLEAN NOT NULL DEFAULT false;

-- A token has a name its owner chose and may read only (as every token made before could)
-- or read and write.
ALTER TABLE api_tokens ADD COLUMN name TEXT NOT NULL DEFAULT '';
ALTER TABLE api_tokens ADD COLUMN can_write BOOLEAN NOT NULL DEFAULT 0;

-- A write sent again with the same Idempotency-Key gets the first answer instead of acting
-- twice. The answer is kept in the write's own transaction: it exists exactly when the write
-- happened.
CREATE TABLE idempotency_keys (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    key TEXT NOT NULL,
    request TEXT NOT NULL,
    status INTEGER NOT NULL,
    body TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX idempotency_keys_user_key ON idempotency_keys (user_id, key);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);

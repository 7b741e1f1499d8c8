DROP TABLE idempotency_keys;
ALTER TABLE api_tokens DROP COLUMN can_write;
ALTER TABLE api_tokens DROP COLUMN name;

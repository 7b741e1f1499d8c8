-- Personal API tokens expire; those made before expire 90 days after they were made.
ALTER TABLE api_tokens ADD COLUMN expires_at TIMESTAMP;
UPDATE api_tokens SET expires_at = strftime('%Y-%m-%d %H:%M:%f', created_at, '+90 days');
CREATE INDEX api_tokens_user ON api_tokens(user_id);

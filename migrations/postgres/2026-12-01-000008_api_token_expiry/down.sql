DROP INDEX api_tokens_user;
ALTER TABLE api_tokens DROP COLUMN expires_at;

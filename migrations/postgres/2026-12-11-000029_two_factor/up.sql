-- Two-factor login (TOTP): the secret in use, one being set up, and the last step a code was
-- accepted for (a code is good once).
ALTER TABLE users ADD COLUMN totp_secret TEXT;
ALTER TABLE users ADD COLUMN totp_pending TEXT;
ALTER TABLE users ADD COLUMN totp_last_step BIGINT;

-- One-time codes for when the phone is lost; only their hashes are kept.
CREATE TABLE recovery_codes (
    id BIGSERIAL PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    code_hash TEXT NOT NULL,
    used_at TIMESTAMP
);
CREATE INDEX recovery_codes_user ON recovery_codes (user_id);

-- A login whose password was right, waiting for its second factor (minutes at most).
CREATE TABLE login_challenges (
    id BIGSERIAL PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    next TEXT NOT NULL,
    expires_at TIMESTAMP NOT NULL
);

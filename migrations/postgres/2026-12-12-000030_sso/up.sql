-- A single sign-on under way: what the provider's answer must carry back (state, nonce) and
-- the PKCE verifier that proves this service asked. Minutes at most, used once.
CREATE TABLE sso_logins (
    id BIGSERIAL PRIMARY KEY,
    state_hash TEXT NOT NULL UNIQUE,
    verifier TEXT NOT NULL,
    nonce TEXT NOT NULL,
    next TEXT NOT NULL,
    expires_at TIMESTAMP NOT NULL
);

-- Secret-address iCalendar feeds of the deadlines a person or a unit answers for. Only the
-- address's hash is kept; a reset replaces it, so the old address stops working.
CREATE TABLE calendar_feeds (
    id BIGSERIAL PRIMARY KEY,
    user_id BIGINT REFERENCES users(id) ON DELETE CASCADE,
    unit_id BIGINT REFERENCES units(id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL,
    created_by BIGINT REFERENCES users(id) ON DELETE SET NULL,
    CHECK ((user_id IS NULL) <> (unit_id IS NULL))
);
-- One feed per person and per unit (NULLs do not collide).
CREATE UNIQUE INDEX calendar_feeds_user ON calendar_feeds (user_id);
CREATE UNIQUE INDEX calendar_feeds_unit ON calendar_feeds (unit_id);

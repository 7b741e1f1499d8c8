-- A directive being reviewed, saved to be resumed: the review form's fields as JSON.
CREATE TABLE directive_drafts (
    id BIGSERIAL PRIMARY KEY,
    created_by BIGINT NOT NULL REFERENCES users(id),
    form_token TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL DEFAULT '',
    fields TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

-- Corrections after publishing: the notice's number in the ministry's document system, and the
-- signed notice itself (a PDF scan), kept in the database with every earlier version.
ALTER TABLE directives ADD COLUMN register_no TEXT NOT NULL DEFAULT '';
CREATE TABLE directive_files (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    directive_id BIGINT NOT NULL REFERENCES directives(id) ON DELETE CASCADE,
    original_name TEXT NOT NULL,
    size BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    data BLOB NOT NULL,
    uploaded_by BIGINT REFERENCES users(id),
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX directive_files_directive ON directive_files(directive_id);

-- A trigram index over each task's folded text, so that a search for a rare word finds its
-- tasks without reading every task. It holds no copy of the text (the text stays in
-- `tasks.search_text`) and no positions or sizes: a search reads it with LIKE, which SQLite
-- checks against the task's own text, so the results are exactly those of LIKE on `tasks`.
CREATE VIRTUAL TABLE tasks_text USING fts5(
    search_text,
    content = 'tasks',
    content_rowid = 'id',
    tokenize = 'trigram',
    detail = 'none',
    columnsize = 0
);
INSERT INTO tasks_text(tasks_text) VALUES ('rebuild');

CREATE TRIGGER tasks_text_insert AFTER INSERT ON tasks BEGIN
    INSERT INTO tasks_text(rowid, search_text) VALUES (new.id, new.search_text);
END;
CREATE TRIGGER tasks_text_delete AFTER DELETE ON tasks BEGIN
    INSERT INTO tasks_text(tasks_text, rowid, search_text) VALUES ('delete', old.id, old.search_text);
END;
CREATE TRIGGER tasks_text_update AFTER UPDATE OF search_text ON tasks BEGIN
    INSERT INTO tasks_text(tasks_text, rowid, search_text) VALUES ('delete', old.id, old.search_text);
    INSERT INTO tasks_text(rowid, search_text) VALUES (new.id, new.search_text);
END;

DROP TRIGGER tasks_text_update;
DROP TRIGGER tasks_text_delete;
DROP TRIGGER tasks_text_insert;
DROP TABLE tasks_text;

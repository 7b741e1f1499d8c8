-- How many tasks each unit sees (leads or coordinates), open or not, kept by triggers on
-- task_units whatever writes it: a unit's list gives its total from here instead of counting
-- its index entries on every page.
CREATE TABLE unit_task_counts (
    unit_id BIGINT NOT NULL,
    open BOOLEAN NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (unit_id, open)
) WITHOUT ROWID;
INSERT INTO unit_task_counts (unit_id, open, n)
SELECT unit_id, open, COUNT(*) FROM task_units GROUP BY unit_id, open;

CREATE TRIGGER unit_task_counts_insert AFTER INSERT ON task_units BEGIN
    INSERT INTO unit_task_counts (unit_id, open, n) VALUES (new.unit_id, new.open, 1)
    ON CONFLICT (unit_id, open) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER unit_task_counts_delete AFTER DELETE ON task_units BEGIN
    UPDATE unit_task_counts SET n = n - 1 WHERE unit_id = old.unit_id AND open = old.open;
END;
CREATE TRIGGER unit_task_counts_update AFTER UPDATE OF unit_id, open ON task_units
WHEN old.unit_id <> new.unit_id OR old.open <> new.open BEGIN
    UPDATE unit_task_counts SET n = n - 1 WHERE unit_id = old.unit_id AND open = old.open;
    INSERT INTO unit_task_counts (unit_id, open, n) VALUES (new.unit_id, new.open, 1)
    ON CONFLICT (unit_id, open) DO UPDATE SET n = n + 1;
END;

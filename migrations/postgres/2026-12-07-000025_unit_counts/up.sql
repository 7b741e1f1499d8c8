-- How many tasks each unit sees (leads or coordinates), open or not, kept by a trigger on
-- task_units whatever writes it: a unit's list gives its total from here instead of counting
-- its index entries on every page.
CREATE TABLE unit_task_counts (
    unit_id BIGINT NOT NULL,
    open BOOLEAN NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (unit_id, open)
);
INSERT INTO unit_task_counts (unit_id, open, n)
SELECT unit_id, open, COUNT(*) FROM task_units GROUP BY unit_id, open;

CREATE FUNCTION unit_task_counts_keep() RETURNS trigger AS $$
BEGIN
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
        UPDATE unit_task_counts SET n = n - 1 WHERE unit_id = OLD.unit_id AND open = OLD.open;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO unit_task_counts (unit_id, open, n) VALUES (NEW.unit_id, NEW.open, 1)
        ON CONFLICT (unit_id, open) DO UPDATE SET n = unit_task_counts.n + 1;
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER unit_task_counts_keep AFTER INSERT OR DELETE ON task_units
    FOR EACH ROW EXECUTE FUNCTION unit_task_counts_keep();
CREATE TRIGGER unit_task_counts_move AFTER UPDATE OF unit_id, open ON task_units
    FOR EACH ROW WHEN (OLD.unit_id <> NEW.unit_id OR OLD.open <> NEW.open)
    EXECUTE FUNCTION unit_task_counts_keep();

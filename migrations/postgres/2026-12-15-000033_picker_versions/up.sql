-- A version for what every leader's list page shows in its pickers (the units by kind and
-- name; the latest notices' numbers and titles), moved by triggers on any write to what they
-- show: a server keeps the pickers and reads them again only when their version has moved,
-- whichever instance wrote.
CREATE TABLE picker_versions (
    name TEXT PRIMARY KEY,
    version BIGINT NOT NULL
);
INSERT INTO picker_versions (name, version) VALUES ('units', 0), ('directives', 0);
CREATE FUNCTION picker_version_move() RETURNS trigger AS $$
BEGIN
    UPDATE picker_versions SET version = version + 1 WHERE name = TG_TABLE_NAME;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
-- Once a statement: a statement that writes many rows moves the version once.
CREATE TRIGGER units_picker AFTER INSERT OR DELETE OR UPDATE OF name, kind ON units
    FOR EACH STATEMENT EXECUTE FUNCTION picker_version_move();
CREATE TRIGGER directives_picker AFTER INSERT OR DELETE OR UPDATE OF number, title, issued_on
    ON directives FOR EACH STATEMENT EXECUTE FUNCTION picker_version_move();

-- A version for what every leader's list page shows in its pickers (the units by kind and
-- name; the latest notices' numbers and titles), moved by triggers on any write to what they
-- show: a server keeps the pickers and reads them again only when their version has moved,
-- whichever instance wrote.
CREATE TABLE picker_versions (
    name TEXT PRIMARY KEY NOT NULL,
    version BIGINT NOT NULL
) WITHOUT ROWID;
INSERT INTO picker_versions (name, version) VALUES ('units', 0), ('directives', 0);
CREATE TRIGGER units_picker_insert AFTER INSERT ON units BEGIN
    UPDATE picker_versions SET version = version + 1 WHERE name = 'units';
END;
CREATE TRIGGER units_picker_delete AFTER DELETE ON units BEGIN
    UPDATE picker_versions SET version = version + 1 WHERE name = 'units';
END;
CREATE TRIGGER units_picker_update AFTER UPDATE OF name, kind ON units BEGIN
    UPDATE picker_versions SET version = version + 1 WHERE name = 'units';
END;
CREATE TRIGGER directives_picker_insert AFTER INSERT ON directives BEGIN
    UPDATE picker_versions SET version = version + 1 WHERE name = 'directives';
END;
CREATE TRIGGER directives_picker_delete AFTER DELETE ON directives BEGIN
    UPDATE picker_versions SET version = version + 1 WHERE name = 'directives';
END;
CREATE TRIGGER directives_picker_update AFTER UPDATE OF number, title, issued_on ON directives BEGIN
    UPDATE picker_versions SET version = version + 1 WHERE name = 'directives';
END;

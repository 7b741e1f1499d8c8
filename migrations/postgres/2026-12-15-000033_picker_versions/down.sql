DROP TRIGGER directives_picker ON directives;
DROP TRIGGER units_picker ON units;
DROP FUNCTION picker_version_move();
DROP TABLE picker_versions;

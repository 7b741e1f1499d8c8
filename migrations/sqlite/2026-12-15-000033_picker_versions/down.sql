DROP TRIGGER units_picker_insert;
DROP TRIGGER units_picker_delete;
DROP TRIGGER units_picker_update;
DROP TRIGGER directives_picker_insert;
DROP TRIGGER directives_picker_delete;
DROP TRIGGER directives_picker_update;
DROP TABLE picker_versions;

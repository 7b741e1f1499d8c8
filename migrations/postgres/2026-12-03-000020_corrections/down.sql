DROP TABLE directive_files;
ALTER TABLE directives DROP COLUMN register_no;

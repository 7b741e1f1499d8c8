DROP INDEX reports_unit_at;
DROP TABLE issued_reports;
DROP TABLE grading_rules;

DROP INDEX tasks_status_updated;
DROP TABLE escalation_rules;

DROP INDEX directive_items_recurring;
DROP INDEX tasks_period;
ALTER TABLE tasks DROP COLUMN period_start;
ALTER TABLE directive_items DROP COLUMN recur_until;
ALTER TABLE directive_items DROP COLUMN due_rule;

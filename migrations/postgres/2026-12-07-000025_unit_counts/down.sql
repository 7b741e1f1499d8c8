DROP TRIGGER unit_task_counts_move ON task_units;
DROP TRIGGER unit_task_counts_keep ON task_units;
DROP FUNCTION unit_task_counts_keep();
DROP TABLE unit_task_counts;

DROP TRIGGER unit_task_counts_update;
DROP TRIGGER unit_task_counts_delete;
DROP TRIGGER unit_task_counts_insert;
DROP TABLE unit_task_counts;

DROP TABLE task_units;

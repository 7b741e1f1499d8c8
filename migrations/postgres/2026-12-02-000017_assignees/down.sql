DROP TABLE task_assignees;

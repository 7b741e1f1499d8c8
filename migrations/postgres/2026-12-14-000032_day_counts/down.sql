DROP TRIGGER unit_open_days_move ON task_units;
DROP TRIGGER unit_open_days_keep ON task_units;
DROP FUNCTION unit_open_days_keep();
DROP TABLE unit_open_days;
DROP TABLE task_day_tallies;
-- The tally triggers count into task_day_tallies: gone with it, and installed again (without
-- it) when the code that migrates knows no such tally.
DROP TRIGGER IF EXISTS tasks_tally ON tasks;
DELETE FROM installed_sql WHERE name = 'tally_triggers';

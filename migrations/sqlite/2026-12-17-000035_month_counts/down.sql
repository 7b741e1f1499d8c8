DROP TABLE task_month_tallies;
-- The tally triggers count into task_month_tallies: gone with it, and installed again (without
-- it) when the code that migrates knows no such tally.
DROP TRIGGER IF EXISTS tasks_tally_insert;
DROP TRIGGER IF EXISTS tasks_tally_forget;
DROP TRIGGER IF EXISTS tasks_tally_update_old;
DROP TRIGGER IF EXISTS tasks_tally_update_new;
DELETE FROM installed_sql WHERE name = 'tally_triggers';

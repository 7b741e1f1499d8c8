-- Everyone's tasks by the month of their due key and status, so that the total of a list over
-- a long due range (the overdue tasks since the first one) sums a month's row for each whole
-- month and days only at its ends. Counted by the tally triggers (`db::tally_triggers`), which
-- are installed and filled after the migrations.
CREATE TABLE task_month_tallies (
    due_month DATE NOT NULL,
    status TEXT NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (status, due_month)
) WITHOUT ROWID;

-- Grading rules, versioned (a new row per change; the newest is in force), and the periodic
-- reports as issued: frozen figures, text and the rule used, in versions that share a series.
CREATE TABLE grading_rules (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    on_time DOUBLE PRECISION NOT NULL,
    late DOUBLE PRECISION NOT NULL,
    -- NULL: tasks still within their deadline are not counted in the score.
    open_within DOUBLE PRECISION,
    overdue DOUBLE PRECISION NOT NULL,
    long_overdue DOUBLE PRECISION NOT NULL,
    long_days INTEGER NOT NULL,
    unanswered DOUBLE PRECISION NOT NULL,
    excellent DOUBLE PRECISION NOT NULL,
    good DOUBLE PRECISION NOT NULL,
    pass DOUBLE PRECISION NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    created_by BIGINT REFERENCES users(id),
    created_at TIMESTAMP NOT NULL
);
-- The default rule (README): on time 100, late 50, overdue 0, within not counted, 2 points off
-- per unanswered explanation; excellent from 95, good from 85, completed from 70.
INSERT INTO grading_rules (on_time, late, open_within, overdue, long_overdue, long_days,
    unanswered, excellent, good, pass, note, created_by, created_at)
VALUES (100, 50, NULL, 0, 0, 30, 2, 95, 85, 70, '', NULL, CURRENT_TIMESTAMP);
CREATE TABLE issued_reports (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    -- The first version's id; every later version of the same report carries it.
    series_id BIGINT,
    version INTEGER NOT NULL,
    title TEXT NOT NULL,
    number TEXT NOT NULL,
    preset TEXT NOT NULL,
    period_from DATE NOT NULL,
    period_to DATE NOT NULL,
    axis TEXT NOT NULL,
    scope_kind TEXT NOT NULL,
    scope_id BIGINT,
    rule_id BIGINT NOT NULL REFERENCES grading_rules(id),
    -- The whole report as issued (figures, names, text, rule), as JSON: later changes to
    -- tasks, units or the rule do not touch it.
    content TEXT NOT NULL,
    reason TEXT NOT NULL DEFAULT '',
    issued_by BIGINT REFERENCES users(id),
    issued_at TIMESTAMP NOT NULL
);
CREATE INDEX issued_reports_series ON issued_reports(series_id, version);
-- A unit's latest reports in a period, for the difficulties the periodic report quotes.
CREATE INDEX reports_unit_at ON reports(unit_id, at);

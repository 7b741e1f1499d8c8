-- SQL the service generates from its code and installs after the migrations (the tallies'
-- triggers, see src/db/tally_triggers.rs): what is installed now, to tell whether the code's
-- version differs.
CREATE TABLE installed_sql (
    name TEXT PRIMARY KEY NOT NULL,
    body TEXT NOT NULL
);

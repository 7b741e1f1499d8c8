DROP INDEX units_leader;
ALTER TABLE units DROP COLUMN leader_id;

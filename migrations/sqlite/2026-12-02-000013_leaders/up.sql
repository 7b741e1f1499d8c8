-- The leader (Thứ trưởng) in charge of each unit, set by an admin: a leader's lists and
-- dashboard open on the units in their charge, and late work climbs to them.
ALTER TABLE units ADD COLUMN leader_id BIGINT REFERENCES users(id) ON DELETE SET NULL;
CREATE INDEX units_leader ON units(leader_id);

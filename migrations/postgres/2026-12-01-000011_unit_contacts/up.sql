-- Whom to reach at a unit besides its contact addresses: its head and a focal person (đầu
-- mối) with a phone, shown on the unit's page.
ALTER TABLE units ADD COLUMN head_name TEXT NOT NULL DEFAULT '';
ALTER TABLE units ADD COLUMN focal_name TEXT NOT NULL DEFAULT '';
ALTER TABLE units ADD COLUMN focal_phone TEXT NOT NULL DEFAULT '';

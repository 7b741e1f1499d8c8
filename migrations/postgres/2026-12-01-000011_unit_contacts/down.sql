ALTER TABLE units DROP COLUMN focal_phone;
ALTER TABLE units DROP COLUMN focal_name;
ALTER TABLE units DROP COLUMN head_name;

ALTER TABLE units DROP COLUMN mail_digest;
ALTER TABLE users DROP COLUMN mail_off;
ALTER TABLE users DROP COLUMN mail_mode;
DROP TABLE password_resets;
DROP TABLE mail_passes;
DROP TABLE outbox;

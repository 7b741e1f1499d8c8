-- PostgreSQL only: SQLite's text index answers a search within one unit from its trigram
-- table and the unit's ids (models::listing::text_scope).
SELECT 1;

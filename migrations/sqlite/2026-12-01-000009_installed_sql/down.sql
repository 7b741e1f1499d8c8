DROP TABLE installed_sql;

DROP TABLE chases;

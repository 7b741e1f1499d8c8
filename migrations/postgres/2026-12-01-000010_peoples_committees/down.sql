UPDATE units SET kind = 'external' WHERE kind = 'peoples_committee';

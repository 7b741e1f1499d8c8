-- Provincial people's committees are a kind of their own ('peoples_committee'), no longer
-- 'external': lists group them apart from other outside bodies.
UPDATE units SET kind = 'peoples_committee'
WHERE kind = 'external' AND name LIKE 'Ủy ban nhân dân %';

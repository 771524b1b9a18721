CREATE OR REPLACE VIEW project_hours AS
SELECT p.id AS project_id, SUM(t.minutes) / 60 AS hours
FROM project p LEFT JOIN time_entry t ON t.project_id = p.id
GROUP BY p.id;

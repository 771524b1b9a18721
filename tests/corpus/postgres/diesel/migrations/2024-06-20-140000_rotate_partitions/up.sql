-- January is archived: detached, it keeps its rows and constraints as a table of its own
ALTER TABLE events DETACH PARTITION events_2024_01;
ALTER TABLE events_2024_01 RENAME TO events_archive_2024_01;
ALTER TABLE events ALTER COLUMN id SET GENERATED ALWAYS;

-- An event store on SQLite 3.37+: STRICT tables, WITHOUT ROWID lookup tables.
CREATE TABLE streams (
  stream_id TEXT NOT NULL PRIMARY KEY,
  kind TEXT NOT NULL,
  version INTEGER NOT NULL DEFAULT 0 CHECK (version >= 0)
) STRICT, WITHOUT ROWID;

CREATE TABLE events (
  seq INTEGER PRIMARY KEY,
  stream_id TEXT NOT NULL REFERENCES streams (stream_id),
  version INTEGER NOT NULL,
  type TEXT NOT NULL,
  payload BLOB,
  meta ANY,
  recorded_at REAL NOT NULL,
  size_class TEXT GENERATED ALWAYS AS (CASE WHEN length(payload) > 16 THEN 'large' ELSE 'small' END) VIRTUAL,
  UNIQUE (stream_id, version)
) STRICT;

CREATE TABLE snapshots (
  stream_id TEXT NOT NULL REFERENCES streams (stream_id),
  version INTEGER NOT NULL,
  state BLOB NOT NULL,
  PRIMARY KEY (stream_id, version)
) WITHOUT ROWID;

CREATE TABLE checkpoints (
  name TEXT PRIMARY KEY,
  position INTEGER NOT NULL,
  lag INTEGER GENERATED ALWAYS AS (max(0, 1000 - position)) STORED
) STRICT;

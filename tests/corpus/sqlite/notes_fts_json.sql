-- A notes app: JSON documents with generated columns read by json_extract / ->>,
-- full-text search through an external-content FTS5 table kept in sync by triggers.
PRAGMA foreign_keys = ON;

CREATE TABLE notebooks (
  id INTEGER PRIMARY KEY,
  title TEXT NOT NULL UNIQUE,
  settings TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(settings)),
  color TEXT GENERATED ALWAYS AS (json_extract(settings, '$.color')) VIRTUAL
);

CREATE TABLE notes (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  notebook_id INTEGER NOT NULL REFERENCES notebooks (id) ON DELETE CASCADE,
  doc TEXT NOT NULL CHECK (json_valid(doc)),
  title TEXT GENERATED ALWAYS AS (doc ->> '$.title') STORED,
  priority INTEGER GENERATED ALWAYS AS (json_extract(doc, '$.meta.priority')) VIRTUAL,
  first_tag TEXT AS (doc ->> '$.tags[0]'),
  pinned INTEGER NOT NULL DEFAULT 0 CHECK (pinned IN (0, 1)),
  created_at TEXT NOT NULL DEFAULT (datetime('now')),
  updated_at TEXT
);
CREATE INDEX notes_notebook ON notes (notebook_id, pinned);
CREATE INDEX notes_title ON notes (title);

CREATE VIRTUAL TABLE notes_fts USING fts5 (
  title, body, content='notes', content_rowid='id', tokenize="unicode61 remove_diacritics 2"
);

CREATE TRIGGER notes_ai AFTER INSERT ON notes BEGIN
  INSERT INTO notes_fts (rowid, title, body) VALUES (new.id, new.title, new.doc ->> '$.body');
END;
CREATE TRIGGER notes_ad AFTER DELETE ON notes BEGIN
  INSERT INTO notes_fts (notes_fts, rowid, title, body)
  VALUES ('delete', old.id, old.title, old.doc ->> '$.body');
END;

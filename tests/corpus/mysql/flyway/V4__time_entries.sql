CREATE TABLE time_entry (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  project_id BIGINT NOT NULL,
  user_id BIGINT NOT NULL,
  minutes SMALLINT UNSIGNED NOT NULL,
  billable TINYINT(1) NOT NULL DEFAULT 1,
  rate_cents INT UNSIGNED NOT NULL DEFAULT 0,
  amount_cents BIGINT UNSIGNED AS (minutes * rate_cents) STORED,
  logged_on DATE NOT NULL,
  PRIMARY KEY (id),
  KEY ix_time_project (project_id, logged_on),
  CONSTRAINT fk_time_project FOREIGN KEY (project_id) REFERENCES project (id),
  CONSTRAINT fk_time_user FOREIGN KEY (user_id) REFERENCES app_user (id)
);
ALTER TABLE project ADD COLUMN archived TINYINT(1) NOT NULL DEFAULT 0 AFTER title;
ALTER TABLE app_user MODIFY display_name VARCHAR(150) NULL;

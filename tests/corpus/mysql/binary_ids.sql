-- Ids as BINARY(16) (UUIDs stored compactly), flags as TINYINT: the shape of many Laravel
-- and Rails-on-MySQL schemas tuned for index size.
CREATE TABLE devices (
  id BINARY(16) NOT NULL,
  serial VARCHAR(32) NOT NULL,
  model_year YEAR NOT NULL,
  firmware TINYINT UNSIGNED NOT NULL DEFAULT 1,
  is_online TINYINT NOT NULL DEFAULT 0,
  flags BIT(4) NOT NULL DEFAULT b'0000',
  battery_pct TINYINT UNSIGNED NULL,
  PRIMARY KEY (id),
  UNIQUE KEY serial_uq (serial),
  CHECK (battery_pct <= 100),
  CHECK (is_online IN (0, 1))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE device_tokens (
  device_id BINARY(16) NOT NULL,
  token VARBINARY(32) NOT NULL,
  revoked TINYINT(1) NOT NULL DEFAULT 0,
  issued_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  PRIMARY KEY (device_id, token),
  CONSTRAINT device_tokens_device FOREIGN KEY (device_id) REFERENCES devices (id) ON DELETE CASCADE
) ENGINE=InnoDB;

CREATE TABLE readings (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  device_id BINARY(16) NOT NULL,
  sensor TINYINT UNSIGNED NOT NULL,
  value_milli INT NOT NULL,
  value_unit DECIMAL(12,3) AS (value_milli / 1000) VIRTUAL,
  taken_at DATETIME(3) NOT NULL,
  KEY readings_device_time (device_id, taken_at),
  FOREIGN KEY (device_id) REFERENCES devices (id)
) ENGINE=InnoDB;

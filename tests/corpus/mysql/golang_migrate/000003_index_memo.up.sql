ALTER TABLE transfers ADD INDEX transfers_created_idx (created_at);
ALTER TABLE accounts ADD COLUMN email VARCHAR(255) NULL AFTER username;

CREATE TABLE project (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  tenant_id INT NOT NULL,
  owner_id BIGINT NULL,
  title VARCHAR(150) NOT NULL,
  budget DECIMAL(14,2) NOT NULL DEFAULT 0,
  spent DECIMAL(14,2) NOT NULL DEFAULT 0,
  remaining DECIMAL(15,2) GENERATED ALWAYS AS (budget - spent) VIRTUAL,
  over_budget TINYINT(1) GENERATED ALWAYS AS (spent > budget) STORED,
  starts_on DATE NOT NULL,
  ends_on DATE NULL,
  CONSTRAINT fk_project_tenant FOREIGN KEY (tenant_id) REFERENCES tenant (id),
  CONSTRAINT fk_project_owner FOREIGN KEY (owner_id) REFERENCES app_user (id) ON DELETE SET NULL,
  CONSTRAINT ck_project_dates CHECK (ends_on IS NULL OR ends_on >= starts_on),
  CONSTRAINT ck_project_budget CHECK (budget >= 0)
) ENGINE=InnoDB;

DELIMITER $$
CREATE PROCEDURE seed_tenant(IN p_slug VARCHAR(40), IN p_name VARCHAR(120))
BEGIN
  DECLARE v_id INT;
  INSERT INTO tenant (slug, name) VALUES (p_slug, p_name);
  SET v_id = LAST_INSERT_ID();
  INSERT INTO app_user (tenant_id, email, is_admin) VALUES (v_id, CONCAT('admin@', p_slug, '.test'), 1);
END$$
DELIMITER ;
